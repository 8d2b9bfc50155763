"""The `claims` command: a thin skin over the library. Options become arguments, results are
rendered, and toolkit errors become a message and an exit code here, in one place."""

from __future__ import annotations

import functools
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, List, Optional

import typer

from . import report
from .errors import ClaimsError, ValidationFailed
from .validate import validate as validate_paths

app = typer.Typer(
    name="claims",
    help="Validate, merge, export and publish datasets of fact-checked public claims.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

PathsArgument = typer.Argument(None, help="Claim files or folders (searched recursively). Default: the current folder.")
SchemaOption = typer.Option(None, "--schema", help="JSON Schema to validate against (default: the packaged schema v1).")


@app.callback()
def _group() -> None:
    """Validate, merge, export and publish datasets of fact-checked public claims."""


def main() -> None:
    app()


def command(function: Callable) -> Callable:
    """Register a command whose toolkit errors become a message on stderr and an exit code."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ClaimsError as error:
            if isinstance(error, ValidationFailed):
                sys.stdout.write(report.as_text(error.result))
            typer.echo(f"claims: {error}", err=True)
            raise typer.Exit(error.exit_code) from None

    return app.command()(run)


def _paths(paths: Optional[List[Path]]) -> list[str]:
    return [str(p) for p in paths] if paths else ["."]


@contextmanager
def _progress(label: str) -> Iterator:
    """A progress line on stderr for people at a terminal; nothing in CI or when piped."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn(f"{label} {{task.completed:,}} files"), TimeElapsedColumn(),
                  transient=True, console=_stderr_console()) as progress:
        task = progress.add_task(label, total=None)
        yield lambda _name: progress.advance(task)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


@command
def validate(
    paths: Optional[List[Path]] = PathsArgument,
    schema: Optional[Path] = SchemaOption,
    output_format: str = typer.Option("text", "--format", "-f", help="text (people), json (scripts) or github (Actions)."),
) -> None:
    """Check claim files against the schema and each other; report every problem at once.

    Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage problem.
    """
    if output_format not in report.FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(report.FORMATS)}", param_hint="--format")
    with _progress("validating") as on_file:
        result = validate_paths(_paths(paths), schema, on_file=on_file)
    sys.stdout.write(report.render(result, output_format))
    raise typer.Exit(0 if result.valid else 1)


@command
def build(
    paths: Optional[List[Path]] = PathsArgument,
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write: data/*.parquet, the card, the schema, the report."),
    schema: Optional[Path] = SchemaOption,
    speakers: Optional[Path] = typer.Option(None, "--speakers", help="Speaker registry (default: speakers.yaml beside the inputs)."),
    strict: bool = typer.Option(False, "--strict", help="Treat repeats that disagree on status as errors."),
) -> None:
    """Validate, merge into one canonical table, and write the folder that gets published."""
    from .build import build as build_paths, write_folder

    result = build_paths(_paths(paths), schema=schema, speakers=speakers, strict=strict)
    written = write_folder(result, out)
    report = result.report
    typer.echo(
        f"built {report.claims:,} claims ({report.unique_claims:,} distinct, {report.repeats:,} repeats, "
        f"{len(report.conflicts):,} status conflicts) into {out}/"
    )
    for link in report.links:
        typer.echo(f"  repeat: {link['id']} -> {link['repeat_of']}")
    for conflict in report.conflicts:
        statuses = "; ".join(f"{status}: {', '.join(ids)}" for status, ids in conflict.statuses.items())
        typer.echo(f"  warning: repeats of {conflict.claim_id} disagree on status ({statuses}) at {', '.join(conflict.places)}", err=True)
    for name in written:
        typer.echo(f"  wrote {name}")
