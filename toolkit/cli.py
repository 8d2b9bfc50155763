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


def command(function: Callable | None = None, *, name: str | None = None) -> Callable:
    """Register a command whose toolkit errors become a message on stderr and an exit code."""
    if function is None:
        return functools.partial(command, name=name)

    @functools.wraps(function)
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ClaimsError as error:
            if isinstance(error, ValidationFailed):
                sys.stdout.write(report.as_text(error.result))
            typer.echo(f"claims: {error}", err=True)
            raise typer.Exit(error.exit_code) from None
        except OSError as error:  # a disk full, a folder we may not write: say so, no traceback
            where = f" {error.filename}" if error.filename else ""
            typer.echo(f"claims: cannot read or write{where}: {error.strerror or error}", err=True)
            raise typer.Exit(1) from None

    return app.command(name=name)(run)


def _paths(paths: Optional[List[Path]]) -> list[str]:
    return [str(p) for p in paths] if paths else ["."]


@contextmanager
def _progress(label: str) -> Iterator:
    """A progress line on stderr for people at a terminal; nothing in CI or when piped."""
    if not (sys.stderr.isatty() and sys.stdout.isatty()) or os.environ.get("CI"):
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
    max_problems: int = typer.Option(report.MAX_PROBLEMS, "--max-problems", min=0,
                                     help="Text format: show this many problems and count the rest (json and github list all)."),
) -> None:
    """Check claim files against the schema and each other; report every problem at once.

    Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage problem.
    """
    if output_format not in report.FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(report.FORMATS)}", param_hint="--format")
    with _progress("validating") as on_file:
        result = validate_paths(_paths(paths), schema, on_file=on_file)
    sys.stdout.write(report.render(result, output_format, max_problems=max_problems))
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
    from .config import find_config, load_config

    given = _paths(paths)
    result = build_paths(given, schema=schema, speakers=speakers, strict=strict)
    written = write_folder(result, out, load_config(find_config(given)))
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


@command
def export(
    paths: Optional[List[Path]] = PathsArgument,
    output_format: str = typer.Option(..., "--format", "-f", help="csv, parquet, jsonl or claimreview."),
    out: Path = typer.Option(..., "--out", "-o", help="File to write; an existing file is replaced atomically."),
    schema: Optional[Path] = SchemaOption,
    speakers: Optional[Path] = typer.Option(None, "--speakers", help="Speaker registry (default: speakers.yaml beside the inputs)."),
) -> None:
    """Build the table and write it as CSV, Parquet, JSON Lines or ClaimReview JSON-LD."""
    from .build import build as build_paths
    from .export import export as export_table

    summary = export_table(build_paths(_paths(paths), schema=schema, speakers=speakers).table, output_format, out)
    left_out = f"; left out {summary.left_out:,} ({summary.reason})" if summary.left_out else ""
    typer.echo(f"wrote {summary.rows:,} claims to {summary.path}{left_out}")


@command(name="import")
def import_(
    source: Path = typer.Argument(..., help="ClaimReview JSON-LD, or a Fact Check Tools API claims:search answer."),
    from_format: str = typer.Option("claimreview", "--from", help="The input format (claimreview)."),
    out: Path = typer.Option(..., "--out", "-o", help="Claim file to write: .yaml, .json or .jsonl."),
) -> None:
    """Turn fact-checks published as ClaimReview into claim records that pass validation."""
    from .claimreview import import_claimreview
    from .errors import UsageError

    if from_format != "claimreview":
        raise UsageError(f"--from takes claimreview, not {from_format!r}")
    summary = import_claimreview(source, out)
    skipped = ", ".join(f"{count} {reason}" for reason, count in summary.skipped.items())
    typer.echo(f"wrote {summary.written:,} claims to {summary.path}" + (f"; skipped {skipped}" if skipped else ""))


@command
def stats(
    paths: Optional[List[Path]] = PathsArgument,
    plot: Optional[Path] = typer.Option(None, "--plot", help="Also draw the counts as a PNG chart."),
    schema: Optional[Path] = SchemaOption,
) -> None:
    """Count claims by status, speaker and year."""
    from rich.console import Console

    from .build import build as build_paths
    from .stats import plot_stats, render_stats
    from .stats import stats as count

    counts = count(build_paths(_paths(paths), schema=schema).table)
    Console().print(render_stats(counts))
    if plot:
        plot_stats(counts, plot)
        typer.echo(f"drew {plot}")


TargetArgument = typer.Argument(..., help="ORG/NAME on the Hugging Face Hub, or a local release store (/path, ./path, ~/path, file://...).")


@command
def publish(
    paths: Optional[List[Path]] = PathsArgument,
    repo: str = typer.Option(..., "--repo", help="Where to publish: ORG/NAME on the Hub, or a local release store path."),
    bump: str = typer.Option("auto", "--bump", help="auto (from the diff), major, minor or patch."),
    version: Optional[str] = typer.Option(None, "--version", help="Set the version by hand (above the latest)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; change nothing."),
    private: bool = typer.Option(False, "--private", help="Create the Hub repository as private."),
    name: Optional[str] = typer.Option(None, "--name", help="Dataset name (overrides claims.yaml pretty_name)."),
    license: Optional[str] = typer.Option(None, "--license", help="License id, e.g. cc-by-4.0 (overrides claims.yaml)."),
    description: Optional[str] = typer.Option(None, "--description", help="One-paragraph description (overrides claims.yaml)."),
    citation: Optional[str] = typer.Option(None, "--citation", help="BibTeX citation (overrides claims.yaml)."),
    schema: Optional[Path] = SchemaOption,
) -> None:
    """Publish the claims as the next version: one commit and one tag, on the Hub or a release store."""
    from .config import find_config, load_config
    from .publish import publish as publish_paths

    given = _paths(paths)
    config = load_config(find_config(given)).with_overrides(pretty_name=name, license=license,
                                                           description=description, citation=citation)
    result = publish_paths(given, repo, bump=bump, version=version, dry_run=dry_run, private=private,
                           config=config, schema=schema)
    if result.version is None:
        typer.echo(f"nothing changed since {result.previous.tag} on {result.target}: no commit, no tag")
        return
    previous = f"after {result.previous.tag}" if result.previous else "the first version"
    verb = "would publish" if result.dry_run else "published"
    typer.echo(f"{verb} {result.version.tag} to {result.target} ({previous}): {result.change.summary()}")
    for claim, change in result.change.status_changes.items():
        typer.echo(f"  status of {claim}: {change.old} -> {change.new}")
    for planned in result.files:
        action = ("upload" if planned.upload else "unchanged") if result.dry_run else ("uploaded" if planned.upload else "unchanged")
        typer.echo(f"  {action:>9}  {planned.size:>12,}  {planned.path}")
    for stale in result.deleted:
        typer.echo(f"  {'delete' if result.dry_run else 'deleted':>9}  {'':>12}  {stale}")
    if result.commit:
        typer.echo(f"commit {result.commit}, tag {result.version.tag}")


@command
def pull(
    target: str = TargetArgument,
    revision: Optional[str] = typer.Option(None, "--revision", "-r", help="Version tag (v1.0.0), X.Y.Z, or main. Default: the latest version."),
    out: Path = typer.Option(..., "--out", "-o", help="File to write: .parquet, .csv or .jsonl."),
) -> None:
    """Download one published version and write it as Parquet, CSV or JSON Lines."""
    from .export import export
    from .publish import load

    table = load(target, revision)
    formats = {".parquet": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
    fmt = formats.get(out.suffix.lower())
    if fmt is None:
        raise typer.BadParameter("the file must end in .parquet, .csv or .jsonl", param_hint="--out")
    export(table, fmt, out)
    typer.echo(f"wrote {table.height:,} claims to {out}")


@command
def diff(
    old: str = typer.Argument(..., help="A built folder, a Parquet file, or REPO@REVISION."),
    new: str = typer.Argument(..., help="A built folder, a Parquet file, or REPO@REVISION."),
) -> None:
    """List claims added, removed and changed between two versions, field by field."""
    from .versions import describe_changes
    from .versions import diff as diff_tables

    change = diff_tables(_table_at(old), _table_at(new))
    for line in describe_changes(change):
        typer.echo(line)
    typer.echo(change.summary())


def _table_at(spec: str):
    """A folder, a Parquet file, or TARGET@REVISION, as a table."""
    import polars as pl

    from .errors import UsageError
    from .publish import load, read_table

    path = Path(spec)
    if path.is_dir():
        return read_table(path)
    if path.is_file():
        return pl.read_parquet(path)
    if "@" in spec:
        target, revision = spec.rsplit("@", 1)
        return load(target, revision)
    raise UsageError(f"{spec}: not a folder, a Parquet file or REPO@REVISION")
