"""The `claims` command: a thin skin over the library. Options become arguments, results are
rendered, and toolkit errors become a message and an exit code here, in one place."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import typer

from . import commands, options, report
from .dataset import Dataset
from .errors import ClaimsError
from .options import (
    CheckOption,
    ExportFormat,
    ForceOption,
    PathsArgument,
    SchemaOption,
    SpeakersOption,
    TargetArgument,
    with_shared,
)

app = typer.Typer(
    name="claims",
    help="Validate, merge, export and publish datasets of fact-checked public claims.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        typer.echo(f"claims {version('claims-toolkit')}")
        raise typer.Exit()


@app.callback()
def _group(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True, help="Print the version."),
) -> None:
    """Validate, merge, export and publish datasets of fact-checked public claims."""


def main() -> None:
    app()


def command(function: Callable | None = None, *, name: str | None = None) -> Callable:
    """Register a command whose toolkit errors become a message on stderr and an exit code."""
    if function is None:
        return functools.partial(command, name=name)

    @functools.wraps(function)
    def run(*args, quiet: bool = False, exclude: list[str] | None = None, **kwargs):
        try:
            with report.quiet_output(quiet), options.excluding(exclude):
                return function(*args, **kwargs)
        except BrokenPipeError:  # the reader went away (`claims ... | head`): nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit either
            raise typer.Exit(141) from None
        except (ClaimsError, ModuleNotFoundError, OSError, typer.BadParameter) as error:
            github = kwargs.get("output_format") == "github"  # a usage problem is an annotation too
            lines, code = report.failure(error, name or run.__name__, quiet=quiet, github=github)
            _say(lines)
            raise error if code is None else typer.Exit(code) from None

    return app.command(name=name)(with_shared(run, function))  # -q everywhere, --exclude where files are found


def _paths(paths: list[Path] | None) -> list[str]:
    return [str(p) for p in paths] if paths else ["."]


def _dataset(paths: list[Path] | None, **settings) -> Dataset:  # the PATHs' dataset, less --exclude's globs
    return Dataset.open(_paths(paths), exclude=options.excluded(), **settings)


@command(name="validate")
def validate_command(
    paths: list[Path] | None = PathsArgument,
    schema: Path | None = SchemaOption,
    output_format: str = typer.Option("text", "--format", "-f", help="text, json (scripts) or github (Actions)."),
    max_problems: int = typer.Option(
        report.MAX_PROBLEMS,
        "--max-problems",
        min=0,
        help="Text format: show this many problems and count the rest (json and github list all).",
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
    desk = _dataset(paths, schema=schema)
    _say(report.Line(line, err=True) for line in (report.settings_lines(desk) if verbose else ()))
    with report.progress("validating") as on_file:
        result = commands.validate(desk, within=dataset, changed_since=changed_since, on_file=on_file)
    _say(report.validated(result, desk, verbose=verbose, within=dataset, changed=changed_since is not None))
    report.product().write(report.render(result, output_format, max_problems=max_problems, first=result.reported))
    if output_format == "github" and os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(report.step_summary(result, first=result.reported))
    raise typer.Exit(0 if result.valid else 1)


def _say(lines: Iterable[report.Line]) -> None:
    for line in lines:
        typer.echo(line.text, err=line.err)


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
    speakers: Path | None = SpeakersOption,
    strict: bool = typer.Option(False, "--strict", help="Treat repeats that disagree on status as errors."),
    force: bool = ForceOption,
) -> None:
    """Validate, merge into one canonical table, and write the folder that gets published.

    Exit status: 0 built, 1 invalid input (the validation report), 2 usage problem (a folder holding files no build wrote, without --force).

    Example: claims build claims/ --out build/
    """
    desk = _dataset(paths, schema=schema, speakers=speakers)
    _say(report.built(commands.build(desk, out, strict=strict, force=force), out, desk))


@command(name="export")
def export_command(
    paths: list[Path] | None = PathsArgument,
    output_format: ExportFormat = typer.Option(..., "--format", "-f", help="What to write."),
    out: Path = typer.Option(..., "--out", "-o", help="File to write (- for stdout); replaced only with --force."),
    schema: Path | None = SchemaOption,
    speakers: Path | None = SpeakersOption,
    bom: bool = typer.Option(False, "--bom", help="CSV only: start with the UTF-8 byte-order mark Excel needs."),
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
    desk = _dataset(paths, schema=schema, speakers=speakers)
    with report.written_to(out) as path:  # `--out -`: standard output
        summary = commands.export(desk, output_format.value, path, bom=bom, all_reviews=all_reviews, force=force)
    _say(report.exported(summary, out))


@command(name="import")
def import_(
    sources: list[Path] = typer.Argument(
        ...,
        help="ClaimReview JSON-LD (object, list, @graph), an HTML page with JSON-LD, "
        "a Fact Check Tools API claims:search answer or list of its claims, or JSON Lines of these; "
        "a CSV or TSV table, or JSON records (with --map); LIAR's TSV. Several files are one input.",
    ),
    from_format: str = typer.Option("claimreview", "--from", help="Input: claimreview, csv, tsv, liar, json or jsonl."),
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
        None, "--default-speaker", help="Speaker for items that name no claimant (otherwise the speaker is unknown)."
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
    from .imports import render

    summary = commands.import_claims(
        sources,
        out,
        source=from_format,
        table_map=table_map,
        ratings=ratings,
        default_speaker=default_speaker,
        strict=strict,
        report=report,
        force=force,
    )
    sys.stdout.write(render(summary, str(report) if report else None))


@command(name="stats")
def stats_command(
    paths: list[Path] | None = PathsArgument,
    output_format: options.StatsFormat = options.StatsFormatOption,
    by: options.StatsPeriod = options.StatsPeriodOption,
    top: int = options.TopOption,
    plot: Path | None = options.PlotOption,
    force: bool = options.PlotForceOption,
    schema: Path | None = SchemaOption,
    speakers: Path | None = SpeakersOption,
) -> None:
    """Count the verdicts: in all, by speaker (canonical names, as build merges them) and by period.

    Exit status: 0 counted, 1 invalid input (the validation report) or a failed write, 2 usage problem (a --plot that is not .png or .svg, exists without --force, or is an input).

    Example: claims stats claims/ --top 10 --by month --plot verdicts.png
    """
    counts = commands.stats(
        _dataset(paths, schema=schema, speakers=speakers), by=by.value, top=top or None, plot=plot, force=force
    )
    report.product().write(report.counted(counts, output_format))
    _say(report.drew(plot, output_format))


@command(name="publish")
def publish_command(
    paths: list[Path] | None = PathsArgument,
    repo: str | None = typer.Option(
        None,
        "--repo",
        help="Where to publish: ORG/NAME on the Hub, or a local release store path (default: repo_id of claims.yaml).",
    ),
    bump: str = typer.Option("auto", "--bump", help="auto (from the diff), major, minor or patch."),
    version: str | None = typer.Option(None, "--version", help="Set the version (above the latest; not with --bump)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; change nothing."),
    allow_removals: bool = typer.Option(False, "--allow-removals", help="Allow removing all claims or over a tenth."),
    private: bool = typer.Option(False, "--private", help="Create the Hub repository as private."),
    finish: bool = typer.Option(False, "--finish", help="Only tag the commit a stopped publish left on main untagged."),
    name: str | None = typer.Option(None, "--name", help="Dataset name (overrides claims.yaml pretty_name)."),
    license: str | None = typer.Option(None, "--license", help="License id, e.g. cc-by-4.0 (overrides claims.yaml)."),
    description: str | None = typer.Option(None, "--description", help="Description (overrides claims.yaml)."),
    citation: str | None = typer.Option(None, "--citation", help="BibTeX citation (overrides claims.yaml)."),
    schema: Path | None = SchemaOption,
) -> None:
    """Publish the claims as the next version: one commit and one tag, on the Hub or a release store.

    Exit status: 0 published (or nothing changed), 1 refused or failed (nothing changed), 2 usage problem.

    Example: claims publish claims/ --repo my-desk/korea-claims --dry-run
    """
    from .errors import TooManyRemovals

    result = commands.publish(
        _dataset(paths, schema=schema),
        repo,
        settings=commands.Settings(name, license, description, citation),
        bump=bump,
        version=version,
        dry_run=dry_run,
        private=private,
        allow_removals=allow_removals,
        finish=finish,
    )
    _say(report.published(result))
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
    _say(report.exported(commands.pull(target, out, revision, force=force), out))


@command(name="diff")
def diff_command(
    old: str = typer.Argument(..., help="A built folder, a Parquet file, or REPO@REVISION."),
    new: str = typer.Argument(..., help="A built folder, a Parquet file, or REPO@REVISION."),
) -> None:
    """List claims added, removed and changed between two versions, field by field.

    Example: claims diff ./releases@v1.0.0 ./releases@v1.1.0
    """
    _say(report.diffed(commands.diff(old, new)))


@command
def fmt(
    paths: list[Path] | None = PathsArgument,
    check: bool = CheckOption,
    schema: Path | None = SchemaOption,
) -> None:
    """Rewrite claim files in canonical form (key order, YYYY-MM-DD, quoted where read otherwise; comments kept).

    Example: claims fmt claims/ --check
    """
    from .fmt import format_paths, format_unnamed

    if _paths(paths) == ["-"]:  # standard input to standard output (an editor's format-on-save)
        formatted = format_unnamed(text := sys.stdin.read(), Dataset.open(["."], schema=schema).schema)
        report.product().write("" if check else formatted)
        raise typer.Exit(1 if check and formatted != text else 0)
    result = format_paths(_dataset(paths, schema=schema), check=check)
    _say(report.formatted(result, check=check))
    raise typer.Exit(1 if result.failed or (check and result.changed) else 0)


@command
def migrate(
    paths: list[Path] | None = PathsArgument,
    check: bool = CheckOption,
) -> None:
    """Rewrite schema 1 claim files as schema 2, in place: review becomes reviews[0] (its reviewer
    the author, the record's status its status); YAML comments kept; each file reported.

    Example: claims migrate claims/
    """
    from .migrate import migrate_paths

    desk = _dataset(paths)
    result = migrate_paths(desk, check=check)
    _say(report.migrated(result, check=check, schema=None if check else commands.schema_in_step(desk)))
    raise typer.Exit(1 if result.failed or (check and result.migrated) else 0)


@command
def new(
    speaker: str | None = typer.Option(None, "--speaker", help="Who said it."),
    claim: str | None = typer.Option(None, "--claim", help="What was said."),
    date: str | None = typer.Option(None, "--date", help="The day it was said, YYYY-MM-DD."),
    status: str | None = typer.Option(None, "--status", help="Where the check stands (asked: unverified)."),
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
    answers = {"speaker": speaker, "claim": claim, "date": date, "status": status, "source": source}
    typer.echo(str(commands.new(["."], schema=schema, folder=folder, ask=options.asker(), **answers).path))


@command
def init(
    folder: Path = typer.Argument(
        Path("."), help="Folder for the new data repository (missing, or without the files)."
    ),
    name: str | None = typer.Option(None, "--name", help="Dataset name (default: the folder's name)."),
    repo: str | None = typer.Option(None, "--repo", help="Hugging Face dataset repository to publish to, ORG/NAME."),
    license: str | None = typer.Option(None, "--license", help="License of the data, e.g. cc-by-4.0."),
    publisher: str | None = typer.Option(None, "--publisher", help="Your desk's name: the curator of the dataset."),
    publisher_url: str | None = typer.Option(None, "--publisher-url", help="Your desk's web address (optional)."),
) -> None:
    """Make a ready data repository (claims/, claims.yaml, the schema, a card, pre-commit, GitHub
    workflows; never replacing a file). The Hub repository, license and publisher: asked, else required.

    Example: claims init korea-claims --repo factcheck-desk/korea-claims --license cc-by-4.0 --publisher "Korea Desk"
    """
    from .init import ask_settings, init_repository

    given = {"name": name, "repo_id": repo, "license": license, "publisher": publisher, "publisher_url": publisher_url}
    _say(report.initialised(folder, init_repository(folder, ask_settings(folder, given, ask=options.asker()))))


@command
def schema(
    schema: Path | None = SchemaOption,
    write: bool = typer.Option(False, "--write", help="Put the installed toolkit's schema where `schema:` says."),
    force: bool = typer.Option(False, "--force", help="With --write: replace a schema of the desk's own too."),
) -> None:
    """Print the path of the schema in use (for editors and other JSON Schema tools); with --write,
    bring the desk's copy of the toolkit's schema (schema/claim.schema.json) in step with the toolkit.

    Example: claims schema --write
    """
    desk = Dataset.open(["."], schema=schema)
    if not write:
        typer.echo(str(desk.schema.path.resolve()))
        return
    _say(report.schema_written(*commands.write_schema(desk, force=force), named=desk.schema_file is not None))
