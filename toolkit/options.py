"""The options several `claims` commands share, and the export formats Typer lists: declared
once, so that each command's help says the same thing in the same words."""

from __future__ import annotations

from enum import StrEnum

import typer

PathsArgument = typer.Argument(None, help="Claim files or folders (searched recursively). Default: the current folder.")
SchemaOption = typer.Option(
    None,
    "--schema",
    help="JSON Schema to validate against (default: `schema:` in claims.yaml, else the packaged schema v2).",
)
SpeakersOption = typer.Option(
    None,
    "--speakers",
    help="Speaker registry (default: speakers.yaml beside the inputs or above, up to the repository root).",
)
CheckOption = typer.Option(False, "--check", help="Change nothing; exit 1 and name the files that would change.")
ForceOption = typer.Option(
    False,
    "--force",
    help="Write even where files this command did not write are in the way "
    "(they are replaced, never deleted; an input file is never replaced).",
)
TargetArgument = typer.Argument(
    ..., help="ORG/NAME on the Hugging Face Hub, or a local release store (/path, ./path, ~/path, file://...)."
)


# `exporting.FORMATS`, named here so that the CLI starts without Polars (a test keeps them equal).
# A class, not `Enum(...)` of a computed mapping, so that mypy knows the members; Typer lists them.
class ExportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    jsonl = "jsonl"
    claimreview = "claimreview"


EXPORT_FORMATS = tuple(member.value for member in ExportFormat)
