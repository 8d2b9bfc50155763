"""The `claims` command: a thin skin over the library. Options become arguments, results are
rendered, and toolkit errors become a message and an exit code here, in one place."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path

import typer

from . import commands, report
from .dataset import Dataset
from .errors import ClaimsError, ValidationFailed
from .records import ValidationResult
from .text import plural

app = typer.Typer(
    name="claims",
    help="Validate, merge, export and publish datasets of fact-checked public claims.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PathsArgument = typer.Argument(None, help="Claim files or folders (searched recursively). Default: the current folder.")
SchemaOption = typer.Option(
    None,
    "--schema",
    help="JSON Schema to validate against (default: `schema:` in claims.yaml, else the packaged schema v2).",
)


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        typer.echo(f"claims {version('claims-toolkit')}")
        raise typer.Exit()


@app.callback()
def _group(
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Validate, merge, export and publish datasets of fact-checked public claims."""


def main() -> None:
    app()


# `export.FORMATS`, named here so that the CLI starts without Polars (a test keeps them equal).
# A class, not `Enum(...)` of a computed mapping, so that mypy knows the members; Typer lists them.
class ExportFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    jsonl = "jsonl"
    claimreview = "claimreview"


EXPORT_FORMATS = tuple(member.value for member in ExportFormat)

# What the `build` extra installs: the packages only the table, exports and publishing need.
BUILD_EXTRA = frozenset({"polars", "pyarrow", "numpy", "datasets", "huggingface_hub", "matplotlib"})


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
        except ModuleNotFoundError as error:
            if (error.name or "").split(".")[0] not in BUILD_EXTRA:
                raise
            typer.echo(
                f"claims: {name or function.__name__} needs {error.name}, which the light install (validation "
                "alone) leaves out: pip install 'claims-toolkit[build]'",
                err=True,
            )
            raise typer.Exit(2) from None
        except BrokenPipeError:  # the reader went away (`claims ... | head`): nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit either
            raise typer.Exit(141) from None
        except OSError as error:  # a disk full, a folder we may not write: say so, no traceback
            where = f" {error.filename}" if error.filename else ""
            typer.echo(f"claims: cannot read or write{where}: {error.strerror or error}", err=True)
            raise typer.Exit(1) from None

    return app.command(name=name)(run)


def _paths(paths: list[Path] | None) -> list[str]:
    return [str(p) for p in paths] if paths else ["."]


@contextmanager
def _progress(label: str) -> Iterator:
    """A progress line on stderr for people at a terminal; nothing in CI or when piped."""
    if not (sys.stderr.isatty() and sys.stdout.isatty()) or os.environ.get("CI"):
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn(f"{label} {{task.completed:,}} files"),
        TimeElapsedColumn(),
        transient=True,
        console=_stderr_console(),
    ) as progress:
        task = progress.add_task(label, total=None)
        yield lambda _name: progress.advance(task)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


@command(name="validate")
def validate_command(
    paths: list[Path] | None = PathsArgument,
    schema: Path | None = SchemaOption,
    output_format: str = typer.Option(
        "text", "--format", "-f", help="text (people), json (scripts) or github (Actions)."
    ),
    max_problems: int = typer.Option(
        report.MAX_PROBLEMS,
        "--max-problems",
        min=0,
        help="Text format: show this many problems and count the rest (json and github list all).",
    ),
    exclude: list[str] | None = typer.Option(
        None,
        "--exclude",
        metavar="GLOB",
        help="Pass over files and folders matching GLOB (relative to here; repeatable).",
    ),
    dataset: bool = typer.Option(
        False,
        "--dataset",
        help="Report on the files given only, checked against the whole dataset "
        "(claims.yaml's folder, or the repository), so that ids and claims are unique across it (the pre-commit hook).",
    ),
    changed_since: str | None = typer.Option(
        None,
        "--changed-since",
        metavar="REF",
        help="Report on the files changed since REF (git: from the merge base, and untracked files), "
        "checked against the whole dataset.",
    ),
    verbose: bool = typer.Option(
        False,
        "--verbose",
        "-v",
        help="Say on stderr which configuration, speakers and schema are used, and what was passed over.",
    ),
) -> None:
    """Check claim files against the schema and each other; report every problem at once.

    Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage problem.

    A path `-` is standard input (a YAML, JSON, JSON Lines or CSV record file; its kind is told from
    its text), reported as `-`.

    Example: claims validate --changed-since origin/main --format github
    """
    if output_format not in report.FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(report.FORMATS)}", param_hint="--format")
    if dataset and changed_since is None and not paths:
        raise typer.BadParameter("name the files (or folders) to report on", param_hint="--dataset")
    if changed_since is not None and paths:
        raise typer.BadParameter(
            "checks the files changed in the whole dataset: give no paths with it", param_hint="--changed-since"
        )
    with _standard_input(_paths(paths)) as (given, named):
        desk = Dataset.open(given, schema=schema, exclude=exclude or ())
        if verbose:
            for line in report.settings_lines(desk):
                typer.echo(line, err=True)
        with _progress("validating") as on_file:
            result = named(commands.validate(desk, within=dataset, changed_since=changed_since, on_file=on_file))
    if verbose:
        skipped = ", ".join(plural(count, rule) for rule, count in result.skipped)
        typer.echo(f"passed over: {skipped or 'nothing'}", err=True)
        if dataset or changed_since is not None:
            typer.echo(
                f"dataset: {desk.folder} ({result.files:,} files); "
                f"cache: {os.path.join(desk.folder, '.claims-cache')} (safe to delete)",
                err=True,
            )
    if changed_since is None:  # --dataset: a file given that is not a claim file is said to be passed over
        for path in result.outside:
            typer.echo(
                f"claims: {path} is not a claim file of the dataset {desk.folder} (include/exclude of claims.yaml, "
                ".gitignore); not checked",
                err=True,
            )
    first = result.reported if dataset or changed_since is not None else ()
    sys.stdout.write(report.render(result, output_format, max_problems=max_problems, first=first))
    if output_format == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(report.step_summary(result, first=first))
    raise typer.Exit(0 if result.valid else 1)


@contextmanager
def _standard_input(paths: list[str]) -> Iterator[tuple[list[str], Callable[[ValidationResult], ValidationResult]]]:
    """`-` among the paths: standard input, kept in a file of its kind while it is checked; the
    result names it `-` again."""
    if "-" not in paths:
        yield paths, lambda result: result
        return
    import dataclasses
    import tempfile

    data = sys.stdin.buffer.read()
    with tempfile.TemporaryDirectory(prefix="claims-stdin-") as scratch:
        kept = os.path.join(scratch, f"stdin.{_kind_of(data)}")
        with open(kept, "wb") as stream:
            stream.write(data)

        def named(result: ValidationResult) -> ValidationResult:
            problems = tuple(
                dataclasses.replace(p, file="-" if p.file == kept else p.file, message=p.message.replace(kept, "-"))
                for p in result.problems
            )
            return dataclasses.replace(result, problems=problems)

        yield [kept if path == "-" else path for path in paths], named


def _kind_of(data: bytes) -> str:
    """A record file's kind told from its text: JSON (one value), JSON Lines (an object a line), CSV
    (a header naming `id` among comma-separated names), else YAML."""
    text = data.lstrip(b"\xef\xbb\xbf").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if (
        text.startswith(b"{")
        and len(lines) > 1
        and all(line.startswith(b"{") and line.endswith(b"}") for line in lines)
    ):
        return "jsonl"
    if text.startswith((b"{", b"[")):
        return "json"
    header = lines[0].replace(b'"', b"").split(b",") if lines else []
    return "csv" if len(header) > 1 and b"id" in [name.strip().lower() for name in header] else "yaml"


ForceOption = typer.Option(
    False,
    "--force",
    help="Write even where files this command did not write are in the way "
    "(they are replaced, never deleted; an input file is never replaced).",
)


@command(name="build")
def build_command(
    paths: list[Path] | None = PathsArgument,
    out: Path = typer.Option(
        ...,
        "--out",
        "-o",
        help="Folder to write: data/*.parquet, the card, the schema, the report. "
        "It must be missing, empty, or written by an earlier build.",
    ),
    schema: Path | None = SchemaOption,
    speakers: Path | None = typer.Option(
        None,
        "--speakers",
        help="Speaker registry (default: speakers.yaml beside the inputs or above, up to the repository root).",
    ),
    strict: bool = typer.Option(False, "--strict", help="Treat repeats that disagree on status as errors."),
    force: bool = ForceOption,
) -> None:
    """Validate, merge into one canonical table, and write the folder that gets published.

    Exit status: 0 built, 1 invalid input (the validation report), 2 usage problem (a folder holding files no build wrote, without --force).

    Example: claims build claims/ --out build/
    """
    from .outputs import left_beside
    from .report import settings_lines

    desk = Dataset.open(_paths(paths), schema=schema, speakers=speakers)
    result = commands.build(desk, out, strict=strict, force=force)
    written = result.written
    report = result.report
    typer.echo(
        f"built {plural(report.claims, 'claim')} ({report.unique_claims:,} distinct, {plural(report.repeats, 'repeat')}, "
        f"{plural(len(report.conflicts), 'status conflict')}) into {out}/"
    )
    for line in settings_lines(desk):
        typer.echo(f"  {line}")
    for link in report.links:
        typer.echo(f"  repeat: {link['id']} -> {link['repeat_of']}")
    for conflict in report.conflicts:
        statuses = "; ".join(f"{status}: {', '.join(ids)}" for status, ids in conflict.statuses.items())
        typer.echo(
            f"  warning: repeats of {conflict.claim_id} disagree on status ({statuses}) at {', '.join(conflict.places)}",
            err=True,
        )
    if report.review_disagreements:
        typer.echo(
            f"{plural(len(report.review_disagreements), 'claim')} with reviews that disagree (all kept; "
            "build-report.json lists them):"
        )
        for shown in report.review_disagreements[:20]:
            statuses = "; ".join(f"{status}: {', '.join(names)}" for status, names in shown["statuses"].items())
            typer.echo(f"  {shown['claim']}: {statuses}")
    for name in written:
        typer.echo(f"  wrote {name}")
    for name in left_beside(out, written):
        typer.echo(
            f"  warning: {name} is not this build's and was left as it was; loaders of the folder will read it too",
            err=True,
        )


@command(name="export")
def export_command(
    paths: list[Path] | None = PathsArgument,
    output_format: ExportFormat = typer.Option(..., "--format", "-f", help="What to write."),
    out: Path = typer.Option(
        ..., "--out", "-o", help="File to write; an existing file only with --force, never an input."
    ),
    schema: Path | None = SchemaOption,
    speakers: Path | None = typer.Option(
        None,
        "--speakers",
        help="Speaker registry (default: speakers.yaml beside the inputs or above, up to the repository root).",
    ),
    bom: bool = typer.Option(
        False, "--bom", help="CSV only: start the file with the UTF-8 byte-order mark Excel needs."
    ),
    all_reviews: bool = typer.Option(
        False, "--all-reviews", help="ClaimReview only: also export the reviews of other publishers, under their names."
    ),
    force: bool = ForceOption,
) -> None:
    """Build the table and write it as CSV, Parquet, JSON Lines or ClaimReview JSON-LD (the desk's
    own reviews, authored by `publisher` of claims.yaml).

    Exit status: 0 written, 1 invalid input or a failed write, 2 usage problem (an unknown format, an existing --out without --force, an --out that is one of the inputs).

    Example: claims export claims/ --format csv --out claims.csv
    """
    fmt = output_format.value
    if bom and fmt != "csv":
        raise typer.BadParameter(f"--bom is for CSV only, not {fmt}", param_hint="--bom")
    if all_reviews and fmt != "claimreview":
        raise typer.BadParameter(f"--all-reviews is for claimreview only, not {fmt}", param_hint="--all-reviews")
    desk = Dataset.open(_paths(paths), schema=schema, speakers=speakers)
    summary = commands.export(desk, fmt, out, bom=bom, all_reviews=all_reviews, force=force)
    _warn_unmarked(out, summary.unmarked)
    left_out = f"; left out {summary.left_out:,} ({summary.reason})" if summary.left_out else ""
    typer.echo(f"wrote {plural(summary.rows, 'claim')} to {summary.path}{left_out}")


def _warn_unmarked(out: Path, why: str | None) -> None:
    """The file is written; only discovery's hint that it is an export is missing."""
    from .scope import EXPORT_MARKER

    if why is not None:
        typer.echo(
            f"claims: warning: cannot write {EXPORT_MARKER} beside {out} ({why}); "
            f"claims validate of this folder would read the file as claims",
            err=True,
        )


@command(name="import")
def import_(
    sources: list[Path] = typer.Argument(
        ...,
        help="ClaimReview JSON-LD (object, list, @graph), an HTML page with JSON-LD, "
        "a Fact Check Tools API claims:search answer or list of its claims, or JSON Lines of these; "
        "a CSV or TSV table, or JSON records (with --map); LIAR's TSV. Several files are one input.",
    ),
    from_format: str = typer.Option(
        "claimreview", "--from", help="The input format: claimreview, csv, tsv, liar, json or jsonl."
    ),
    table_map: Path | None = typer.Option(
        None,
        "--map",
        help="For --from csv|tsv|json|jsonl: YAML map of columns (or dotted paths) to fields, "
        "date formats, labels, constants.",
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Claim file to write: .yaml, .json or .jsonl; an existing file only with --force."
    ),
    default_speaker: str | None = typer.Option(
        None, "--default-speaker", help="Speaker for items that name no claimant (otherwise skipped)."
    ),
    ratings: Path | None = typer.Option(
        None, "--ratings", help="YAML map of ratings to statuses, global and per publisher, over the shipped one."
    ),
    strict: bool = typer.Option(False, "--strict", help="Unmapped ratings are errors: exit 1, nothing written."),
    report: Path | None = typer.Option(
        None, "--report", help="Write every skipped item (position, url, reason) to a .json or .csv file."
    ),
    force: bool = ForceOption,
) -> None:
    """Turn fact-checks published as ClaimReview, or tables of them, into schema 2 claim records
    (one per claim, every review kept) that pass validation.

    Exit status: 0 records written, 1 no record (or an unmapped rating with --strict), 2 usage problem (an existing --out without --force, an --out that is the input, a bad --map).

    Example: claims import factcheck.json --from claimreview --out claims/imported.yaml
    """
    from .errors import UsageError
    from .imports import MAPPED, SOURCES, import_claims, render
    from .outputs import check_file_output

    if from_format not in SOURCES:
        raise UsageError(f"--from takes {', '.join(SOURCES)}, not {from_format!r}")
    if table_map is not None and from_format not in MAPPED:
        raise UsageError(f"--map is for --from {' or '.join(MAPPED)}, not {from_format}")
    check_file_output(out, inputs=sources, also_read=[ratings, table_map], force=force)
    if report is not None:
        check_file_output(report, inputs=[*sources, out], also_read=[ratings, table_map], force=force)
    summary = import_claims(
        sources,
        out,
        source=from_format,
        table_map=table_map,
        ratings=ratings,
        default_speaker=default_speaker,
        strict=strict,
        report=report,
    )
    sys.stdout.write(render(summary, str(report) if report else None))


@command(name="stats")
def stats_command(
    paths: list[Path] | None = PathsArgument,
    plot: Path | None = typer.Option(None, "--plot", help="Also draw the counts as a PNG chart."),
    top: int = typer.Option(20, "--top", min=0, help="How many speakers to list (most claims first); 0 lists all."),
    schema: Path | None = SchemaOption,
    speakers: Path | None = typer.Option(
        None,
        "--speakers",
        help="Speaker registry (default: speakers.yaml beside the inputs or above, up to the repository root).",
    ),
) -> None:
    """Count claims by status, speaker (canonical names, as build merges them) and year.

    Example: claims stats claims/ --top 10 --plot stats.png
    """
    from rich.console import Console

    from .counting import plot_stats, render_stats

    counts = commands.stats(_paths(paths), schema=schema, speakers=speakers)
    Console().print(render_stats(counts, top=top or None))
    if plot:
        plot_stats(counts, plot)
        typer.echo(f"drew {plot}")


TargetArgument = typer.Argument(
    ..., help="ORG/NAME on the Hugging Face Hub, or a local release store (/path, ./path, ~/path, file://...)."
)


@command(name="publish")
def publish_command(
    paths: list[Path] | None = PathsArgument,
    repo: str | None = typer.Option(
        None,
        "--repo",
        help="Where to publish: ORG/NAME on the Hub, or a local release store path (default: repo_id of claims.yaml).",
    ),
    bump: str = typer.Option("auto", "--bump", help="auto (from the diff), major, minor or patch."),
    version: str | None = typer.Option(
        None, "--version", help="Set the version by hand (above the latest); not with --bump."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; change nothing."),
    allow_removals: bool = typer.Option(
        False, "--allow-removals", help="Allow removing every claim or more than a tenth of the latest version's."
    ),
    private: bool = typer.Option(False, "--private", help="Create the Hub repository as private."),
    name: str | None = typer.Option(None, "--name", help="Dataset name (overrides claims.yaml pretty_name)."),
    license: str | None = typer.Option(None, "--license", help="License id, e.g. cc-by-4.0 (overrides claims.yaml)."),
    description: str | None = typer.Option(
        None, "--description", help="One-paragraph description (overrides claims.yaml)."
    ),
    citation: str | None = typer.Option(None, "--citation", help="BibTeX citation (overrides claims.yaml)."),
    schema: Path | None = SchemaOption,
) -> None:
    """Publish the claims as the next version: one commit and one tag, on the Hub or a release store.

    Exit status: 0 published (or nothing changed), 1 refused or failed (nothing changed), 2 usage problem.

    Example: claims publish claims/ --repo my-desk/korea-claims --dry-run
    """
    from .errors import TooManyRemovals

    result = commands.publish(
        _paths(paths),
        repo,
        schema=schema,
        settings=commands.Settings(name, license, description, citation),
        bump=bump,
        version=version,
        dry_run=dry_run,
        private=private,
        allow_removals=allow_removals,
    )
    if result.version is None:
        assert result.previous is not None  # nothing to publish happens only after a first version
        typer.echo(f"nothing changed since {result.previous.tag} on {result.target}: no commit, no tag")
        return
    previous = f"after {result.previous.tag}" if result.previous else "the first version"
    verb = "would publish" if result.dry_run else "published"
    typer.echo(f"{verb} {result.version.tag} to {result.target} ({previous}): {result.change.summary()}")
    change = result.change
    typer.echo(
        f"  claims: {result.claims_before:,} -> {result.claims_after:,} ({len(change.added):,} added, "
        f"{len(change.changed):,} changed, {len(change.removed):,} removed)"
    )
    for claim, status in result.change.status_changes.items():
        typer.echo(f"  status of {claim}: {status.old} -> {status.new}")
    for planned in result.files:
        action = (
            ("upload" if planned.upload else "unchanged")
            if result.dry_run
            else ("uploaded" if planned.upload else "unchanged")
        )
        typer.echo(f"  {action:>9}  {planned.size:>12,}  {planned.path}")
    for stale in result.deleted:
        typer.echo(f"  {'delete' if result.dry_run else 'deleted':>9}  {'':>12}  {stale}")
    if result.commit:
        typer.echo(f"commit {result.commit}, tag {result.version.tag}")
    if result.refused:
        raise TooManyRemovals(result.refused)


@command(name="pull")
def pull_command(
    target: str = TargetArgument,
    revision: str | None = typer.Option(
        None, "--revision", "-r", help="Version tag (v1.0.0), X.Y.Z, or main. Default: the latest version."
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="File to write: .parquet, .csv or .jsonl; an existing file only with --force."
    ),
    force: bool = ForceOption,
) -> None:
    """Download one published version and write it as Parquet, CSV or JSON Lines.

    Example: claims pull my-desk/korea-claims --revision v1.0.0 --out claims.csv
    """
    from .exporting import export
    from .outputs import check_file_output
    from .publishing import load

    formats = {".parquet": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
    fmt = formats.get(out.suffix.lower())
    if fmt is None:
        raise typer.BadParameter("the file must end in .parquet, .csv or .jsonl", param_hint="--out")
    check_file_output(out, force=force)
    table = load(target, revision)
    export(table, fmt, out)
    _warn_unmarked(out, commands._mark_export(out))
    typer.echo(f"wrote {plural(table.height, 'claim')} to {out}")


@command(name="diff")
def diff_command(
    old: str = typer.Argument(..., help="A built folder, a Parquet file, or REPO@REVISION."),
    new: str = typer.Argument(..., help="A built folder, a Parquet file, or REPO@REVISION."),
) -> None:
    """List claims added, removed and changed between two versions, field by field.

    Example: claims diff ./releases@v1.0.0 ./releases@v1.1.0
    """
    from .versions import describe_changes

    change = commands.diff(old, new)
    for line in describe_changes(change):
        typer.echo(line)
    typer.echo(change.summary())


@command
def fmt(
    paths: list[Path] | None = PathsArgument,
    check: bool = typer.Option(False, "--check", help="Change nothing; exit 1 and name the files that would change."),
    schema: Path | None = SchemaOption,
) -> None:
    """Rewrite YAML and JSON claim files in canonical form: the schema's key order, dates as
    YYYY-MM-DD, text quoted wherever a YAML tool could read it as something else; comments kept.

    Example: claims fmt claims/ --check
    """
    from .fmt import format_paths

    result = format_paths(Dataset.open(_paths(paths), schema=schema), check=check)
    for name in result.changed:
        typer.echo(f"{'would reformat' if check else 'reformatted'} {name}")
    for name, why in result.failed:
        typer.echo(f"claims: cannot format {name}: {why}", err=True)
    files = len(result.changed) + len(result.unchanged)
    verb = "would be reformatted" if check else "reformatted"
    typer.echo(
        f"{plural(len(result.changed), 'file')} {verb}, {plural(len(result.unchanged), 'file')} left as they were"
        if files
        else "no YAML or JSON claim file found"
    )
    raise typer.Exit(1 if result.failed or (check and result.changed) else 0)


@command
def migrate(
    paths: list[Path] | None = PathsArgument,
    check: bool = typer.Option(False, "--check", help="Change nothing; exit 1 and name the files that would change."),
) -> None:
    """Rewrite schema 1 claim files as schema 2, in place: review becomes reviews[0] (its reviewer
    the author, the record's status its status); YAML comments kept; each file reported.

    Example: claims migrate claims/
    """
    from .migrate import migrate_paths

    result = migrate_paths(_paths(paths), check=check)
    for name, records in result.migrated.items():
        typer.echo(f"{'would migrate' if check else 'migrated'} {name} ({plural(records, 'record')})")
    for name, why in result.failed:
        typer.echo(f"claims: cannot migrate {name}: {why}", err=True)
    changed = len(result.migrated)
    typer.echo(
        f"{plural(changed, 'file')} {'would be migrated' if check else 'migrated'} to schema 2, "
        f"{plural(len(result.unchanged), 'file')} already schema 2"
    )
    raise typer.Exit(1 if result.failed or (check and changed) else 0)


@command
def new(
    speaker: str | None = typer.Option(None, "--speaker", help="Who said it."),
    claim: str | None = typer.Option(None, "--claim", help="What was said."),
    date: str | None = typer.Option(None, "--date", help="The day it was said, YYYY-MM-DD."),
    status: str | None = typer.Option(
        None, "--status", help="Where the check stands (default when asked: unverified)."
    ),
    source: str | None = typer.Option(None, "--source", help="URL where the claim can be read."),
    folder: Path | None = typer.Option(
        None, "--folder", help="Where to write (default: the claims folder of claims.yaml's include, or claims/)."
    ),
    schema: Path | None = SchemaOption,
) -> None:
    """Write one new claim file, checked against the schema and the whole dataset first; asks for
    what the options do not give when run at a terminal.

    Example: claims new --speaker "John Bolton" --claim "They have not lived up to it." --date 2018-12-04 --status true --source https://example.org/a
    """
    from .errors import UsageError
    from .new import new_record

    asked = {"speaker": speaker, "claim": claim, "date": date, "status": status, "source": source}
    missing = [name for name, value in asked.items() if not value]
    if missing and not sys.stdin.isatty():
        raise UsageError(f"missing {', '.join('--' + name for name in missing)} (or run it at a terminal to be asked)")
    answers: dict[str, str] = {
        name: value or typer.prompt(name, default="unverified" if name == "status" else None)
        for name, value in asked.items()
    }  # asks for the missing ones, in order
    desk = Dataset.open(["."], schema=schema)
    written = new_record(
        folder or _claims_folder(desk),
        speaker=answers["speaker"],
        claim=answers["claim"],
        date=answers["date"],
        status=answers["status"],
        source=answers["source"],
        schema=desk.schema,
    )
    typer.echo(str(written.path))


def _claims_folder(desk: Dataset) -> Path:
    """The folder of the first `include` glob of claims.yaml (its part before any wildcard), or claims/."""
    if desk.config_file is not None:
        for pattern in desk.config.include:
            fixed = Path(*[part for part in Path(pattern).parts if not any(c in part for c in "*?[")] or ["."])
            return desk.config_file.parent / fixed
    return Path("claims")


@command
def init(
    folder: Path = typer.Argument(
        Path("."), help="The folder to make a data repository of (missing or without the files)."
    ),
    name: str | None = typer.Option(None, "--name", help="Dataset name (default: the folder's name)."),
    repo: str | None = typer.Option(None, "--repo", help="Hugging Face dataset repository, ORG/NAME."),
    license: str = typer.Option("cc-by-4.0", "--license", help="License of the data."),
    publisher: str = typer.Option("Our fact-checking desk", "--publisher", help="Your desk's name."),
) -> None:
    """Make a ready data repository: claims/, claims.yaml, speakers.yaml, a card, .gitignore,
    pre-commit and GitHub Actions workflows. Never replaces a file.

    Example: claims init korea-claims --repo factcheck-desk/korea-claims --publisher "Korea Desk"
    """
    from .init import Settings, init_repository

    title = folder.resolve().name
    settings = Settings(name=name or title, repo_id=repo or f"ORG/{title}", license=license, publisher=publisher)
    for path in init_repository(folder, settings):
        typer.echo(f"  wrote {folder / path}")
    typer.echo(f"a claims repository is ready in {folder}; review claims.yaml (license: {license})")


@command
def schema(schema: Path | None = SchemaOption) -> None:
    """Print the path of the schema in use (for editors and other JSON Schema tools).

    Example: claims schema
    """
    typer.echo(str(Dataset.open(["."], schema=schema).schema.path.resolve()))
