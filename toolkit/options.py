"""The options several `claims` commands share, and the export formats Typer lists: declared
once, so that each command's help says the same thing in the same words."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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
QuietOption = typer.Option(False, "--quiet", "-q", help="Less output: only errors (and what is asked for on stdout).")
ExcludeOption = typer.Option(
    None, "--exclude", metavar="GLOB", help="Pass over files and folders matching GLOB (relative to here; repeatable)."
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


def with_shared(run: Callable, function: Callable) -> Callable:
    """`run` (the wrapper of a command's `function`) taking the options every command shares
    besides the function's own, declared once here: -q/--quiet on every command, --exclude on
    every command that discovers files (it takes PATHs). The wrapper handles them."""
    signature = inspect.signature(function)
    shared = {"quiet": inspect.Parameter("quiet", inspect.Parameter.KEYWORD_ONLY, default=QuietOption, annotation=bool)}
    if "paths" in signature.parameters:
        shared["exclude"] = inspect.Parameter(
            "exclude", inspect.Parameter.KEYWORD_ONLY, default=ExcludeOption, annotation=list[str] | None
        )
    run.__signature__ = signature.replace(parameters=[*signature.parameters.values(), *shared.values()])  # type: ignore[attr-defined]
    run.__annotations__ = {**function.__annotations__, **{name: p.annotation for name, p in shared.items()}}
    return run


_excluded: ContextVar[tuple[str, ...]] = ContextVar("excluded", default=())


@contextmanager
def excluding(globs: list[str] | None) -> Iterator[None]:
    """The --exclude globs of the running command, for `excluded()`."""
    token = _excluded.set(tuple(globs or ()))
    try:
        yield
    finally:
        _excluded.reset(token)


def excluded() -> tuple[str, ...]:
    """The --exclude globs of the running command (relative to the current folder)."""
    return _excluded.get()


def asker() -> Callable[..., str] | None:
    """How a command asks a person for a value (`ask(question, what_was_wrong)`), or None when
    standard input is not a terminal: then what is missing is a usage error, never a guess."""
    return _ask if at_terminal() else None


def _ask(question: str, wrong: str | None = None) -> str:
    if wrong:
        typer.echo(wrong, err=True)
    return typer.prompt(question, default="" if "empty" in question else None, show_default=False)


def at_terminal() -> bool:
    """Whether a person can be asked (standard input is a terminal); tests set it."""
    import sys

    return sys.stdin.isatty()


class StatsFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


class StatsPeriod(StrEnum):  # `counting.PERIODS`
    year = "year"
    month = "month"


StatsFormatOption = typer.Option(StatsFormat.text, "--format", "-f", help="text, json or csv.")
StatsPeriodOption = typer.Option(StatsPeriod.year, "--by", help="Count the verdicts per year or per month.")
TopOption = typer.Option(20, "--top", min=0, help="How many speakers to show (most claims first); 0 shows all.")
PlotOption = typer.Option(
    None, "--plot", help="Also draw the verdicts chart: FILE.png or FILE.svg (an existing file only with --force)."
)
PlotForceOption = typer.Option(False, "--force", help="Replace an existing --plot file (never an input or a setting).")
