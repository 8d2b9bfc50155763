"""What the commands say, in one place: a validation result for a person (text), a script (json)
or CI (github), the settings a run uses (`settings_lines`), and the lines of build, export,
publish, fmt and migrate (`Line`s, each for stdout or stderr). Rendering only: nothing here
decides what is a problem, and nothing is printed here (the CLI prints)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, redirect_stdout
from contextvars import ContextVar
from itertools import groupby
from typing import TYPE_CHECKING, NamedTuple, TextIO

import orjson

from .errors import ClaimsError, ValidationFailed
from .records import Problem, ValidationResult
from .scope import EXPORT_MARKER
from .text import plural

if TYPE_CHECKING:
    from .building import Build
    from .counting import Stats
    from .dataset import Dataset
    from .exporting import ExportSummary
    from .fmt import FormatResult
    from .migrate import MigrateResult
    from .publishing import PublishResult
    from .versions import Diff

FORMATS = ("text", "json", "github")


MAX_PROBLEMS = 200  # a person reads the first ones; the counts say how many more there are


def render(
    result: ValidationResult, style: str, *, max_problems: int | None = MAX_PROBLEMS, first: Iterable[str] = ()
) -> str:
    """The report in `style`; only text is cut short (after `max_problems`), for scripts and CI
    need every problem. `first`: files (paths) whose problems GitHub shows first. With -q
    (`quiet()`), text is the errors alone."""
    if style == "text":
        return (errors_as_text if quiet() else as_text)(result, max_problems=max_problems)
    if style == "github":
        return as_github(result, first=first)
    return as_json(result)


def summary(result: ValidationResult) -> str:
    counts = f"{plural(result.records, 'record')} in {plural(result.files, 'file')}"
    if not result.problems:
        return f"OK: {counts}, no problems"
    verdict = "FAILED" if result.errors else "OK"
    return f"{verdict}: {plural(result.errors, 'error')}, {plural(result.warnings, 'warning')} ({counts})"


def as_text(result: ValidationResult, *, max_problems: int | None = MAX_PROBLEMS) -> str:
    """`path:line:col: severity: message [rule]`, a block per file, then a summary line; after
    `max_problems` (None: no limit), a line counting the problems left out."""
    shown = result.problems if max_problems is None else result.problems[: max(0, max_problems)]
    blocks = []
    for _, problems in groupby(shown, key=lambda p: p.file):
        blocks.append("\n".join(_text_line(p) for p in problems))
    left = len(result.problems) - len(shown)
    if left:
        blocks.append(
            f"... and {plural(left, 'more problem')} not shown (--max-problems; "
            "--format json or github lists every one)"
        )
    blocks.append(summary(result))
    return "\n\n".join(blocks) + "\n"


def errors_as_text(result: ValidationResult, *, max_problems: int | None = MAX_PROBLEMS) -> str:
    """The errors alone, a line each, nothing more (`-q`: only errors)."""
    errors = [p for p in result.problems if p.severity == "error"]
    return "".join(_text_line(p) + "\n" for p in (errors if max_problems is None else errors[:max_problems]))


def _text_line(problem: Problem) -> str:
    return f"{problem.file}:{problem.line}:{problem.column}: {problem.severity}: {problem.message} [{problem.rule}]"


def as_json(result: ValidationResult) -> str:
    """Indented JSON, text as UTF-8. orjson writes what `json.dumps(indent=2)` does twenty times
    faster (a million-record report holds 12,000 problems); a lone surrogate in a message, which it
    refuses, leaves the work to `json`."""
    data = result.as_dict()
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"
    except orjson.JSONEncodeError:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def as_github(result: ValidationResult, *, first: Iterable[str] = ()) -> str:
    """GitHub Actions workflow commands: each problem becomes an annotation on its line. GitHub
    shows 10 error annotations of a step: the problems of the files in `first` (those a pull
    request changed) come before the rest."""
    lines = [
        f"::{p.severity} file={_property(p.file)},line={p.line},col={p.column},"
        f"title={_property(p.rule)}::{_data(p.message)}"
        for p in _changed_first(result.problems, first)
    ]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def usage_annotation(message: str) -> str:
    """A usage problem (exit 2: an unknown REF, a broken schema) as a workflow command, so that
    it shows on the run's page like the problems do, not only in the log."""
    return f"::error title=claims::{_data(message)}\n"


def _changed_first(problems: Iterable[Problem], first: Iterable[str]) -> list[Problem]:
    wanted = {os.path.realpath(path) for path in first}
    if not wanted:
        return list(problems)
    return sorted(problems, key=lambda p: os.path.realpath(p.file) not in wanted)  # stable: file order kept


SUMMARY_ROWS = 1000  # GitHub takes 1 MiB of summary per step; the count says how many more


def step_summary(result: ValidationResult, *, first: Iterable[str] = ()) -> str:
    """A Markdown table of every problem (changed files first) for the job summary that GitHub
    shows on the run's page (`$GITHUB_STEP_SUMMARY`)."""
    problems = _changed_first(result.problems, first)
    lines = [f"### claims validate: {summary(result)}", ""]
    if problems:
        lines += ["| file | line | column | severity | rule | message |", "|---|---:|---:|---|---|---|"]
        lines += [
            f"| {_cell(p.file)} | {p.line} | {p.column} | {p.severity} | {_cell(p.rule)} | {_cell(p.message)} |"
            for p in problems[:SUMMARY_ROWS]
        ]
        if len(problems) > SUMMARY_ROWS:
            lines += [
                "",
                f"... and {plural(len(problems) - SUMMARY_ROWS, 'more problem')} (the step's log lists every one)",
            ]
    return "\n".join(lines) + "\n\n"


def _cell(text: str) -> str:
    """Text inside a Markdown table cell: pipes escaped, line breaks and markup made plain."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("\r", " ")
        .replace("\n", " ")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("`", "\\`")
    )


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def settings_lines(dataset: Dataset) -> list[str]:
    """Lines naming the settings a run uses, and saying once what was not found (`claims validate
    -v`, `claims build`): nothing is taken silently."""
    where = (
        "from the inputs' folder up to the repository root"
        if dataset.in_repository
        else "beside the inputs (not in a git repository)"
    )
    config, registry = dataset.config_file, dataset.speakers_file
    return [
        f"configuration: {config}" if config else f"configuration: no claims.yaml found {where}; defaults used",
        f"speakers: {registry}" if registry else f"speakers: no speakers.yaml found {where}; speakers not merged",
        f"schema: {dataset.schema_path} ({SCHEMA_ORIGINS[dataset.schema_origin]})",
    ]


SCHEMA_ORIGINS = {"--schema": "--schema", "claims.yaml": "from claims.yaml", "packaged": "packaged"}


class Line(NamedTuple):
    """One line a command says: on standard output, or on standard error (`err`: a warning, a
    note on what was used or passed over)."""

    text: str
    err: bool = False


def validated(result: ValidationResult, dataset: Dataset, *, verbose: bool, within: bool, changed: bool) -> list[Line]:
    """What `claims validate` says on stderr besides the report: what was passed over (`-v`),
    the dataset and its cache (`-v` with --dataset or --changed-since), and the files given with
    --dataset that are not claim files of the dataset."""
    lines = (
        [
            Line(
                f"claims: {', '.join(result.settings_changed)} {'changed' if changed else 'given'}: every record "
                "is checked and reported, as any record's verdict may change with the settings",
                err=True,
            )
        ]
        if result.settings_changed
        else []
    )
    if verbose:
        skipped = ", ".join(plural(count, rule) for rule, count in result.skipped)
        lines.append(Line(f"passed over: {skipped or 'nothing'}", err=True))
        if within or changed:
            cache = os.path.join(dataset.folder, ".claims-cache")
            lines.append(
                Line(f"dataset: {dataset.folder} ({result.files:,} files); cache: {cache} (safe to delete)", err=True)
            )
    if not changed:
        lines.extend(
            Line(
                f"claims: {path} is not a claim file of the dataset {dataset.folder} (include/exclude of "
                "claims.yaml, .gitignore); not checked",
                err=True,
            )
            for path in result.outside
        )
    return lines


def built(result: Build, out: str | os.PathLike, dataset: Dataset) -> list[Line]:
    """What `claims build` says: the counts, the settings used, repeats and conflicts, the files
    written, and the files left beside them that loaders would read too."""
    report = result.report
    lines = [
        Line(
            f"built {plural(report.claims, 'claim')} ({report.unique_claims:,} distinct, "
            f"{plural(report.repeats, 'repeat')}, {plural(len(report.conflicts), 'status conflict')}) into {out}/"
        ),
        *(Line(f"  {line}") for line in settings_lines(dataset)),
        *(Line(f"  repeat: {link['id']} -> {link['repeat_of']}") for link in report.links),
    ]
    for conflict in report.conflicts:
        statuses = "; ".join(f"{status}: {', '.join(ids)}" for status, ids in conflict.statuses.items())
        lines.append(
            Line(
                f"  warning: repeats of {conflict.claim_id} disagree on status ({statuses}) at "
                f"{', '.join(conflict.places)}",
                err=True,
            )
        )
    if report.review_disagreements:
        lines.append(
            Line(
                f"{plural(len(report.review_disagreements), 'claim')} with reviews that disagree (all kept; "
                "build-report.json lists them):"
            )
        )
        for shown in report.review_disagreements[:20]:
            statuses = "; ".join(f"{status}: {', '.join(names)}" for status, names in shown["statuses"].items())
            lines.append(Line(f"  {shown['claim']}: {statuses}"))
    lines.extend(Line(f"  wrote {name}") for name in result.written)
    lines.extend(chart_left_out(result.written))
    lines.extend(
        Line(
            f"  warning: {name} is not this build's and was left as it was; loaders of the folder will read it too",
            err=True,
        )
        for name in result.left_beside
    )
    return lines


def exported(summary: ExportSummary, out: str | os.PathLike) -> list[Line]:
    """What `claims export` and `claims pull` say: what was written, what was left out and why,
    and a warning when the export marker could not name the file."""
    lines = []
    if summary.unmarked is not None:
        lines.append(
            Line(
                f"claims: warning: cannot write {EXPORT_MARKER} beside {out} ({summary.unmarked}); "
                "claims validate of this folder would read the file as claims",
                err=True,
            )
        )
    left_out = f"; left out {summary.left_out:,} ({summary.reason})" if summary.left_out else ""
    rows = plural(summary.rows, "ClaimReview" if summary.format == "claimreview" else "claim")  # one a review
    if os.fspath(out) != "-":
        lines.append(Line(f"wrote {rows} to {summary.path}{left_out}"))
    elif not quiet():  # the data is on stdout: what was written is said on stderr
        lines.append(Line(f"wrote {rows} to -{left_out}", err=True))
    return lines


def published(result: PublishResult) -> list[Line]:
    """What `claims publish` says: the version, the change, each file uploaded or not, the commit."""
    if result.version is None:
        assert result.previous is not None  # nothing to publish happens only after a first version
        return [Line(f"nothing changed since {result.previous.tag} on {result.target}: no commit, no tag")]
    if result.finished and not result.files:  # `--finish`: a tag, nothing built
        return [
            Line(
                f"finished {result.version.tag}: tagged {result.commit}, which a stopped publish left on main untagged"
            )
        ]
    previous = f"after {result.previous.tag}" if result.previous else "the first version"
    change = result.change
    if result.finished:
        verb = "would finish" if result.dry_run else "finished"
        done = "it would be tagged" if result.dry_run else "tagged it"
        head = (
            f"{verb} {result.version.tag} on {result.target} ({previous}): its commit had landed on main without its "
            f"tag (a publish stopped between the two) and holds exactly these claims; {done}: {change.summary()}"
        )
    else:
        verb = "would publish" if result.dry_run else "published"
        head = f"{verb} {result.version.tag} to {result.target} ({previous}): {change.summary()}"
    lines = [
        Line(head),
        Line(
            f"  claims: {result.claims_before:,} -> {result.claims_after:,} ({len(change.added):,} added, "
            f"{len(change.changed):,} changed, {len(change.removed):,} removed)"
        ),
        *(
            Line(f"  status of {claim}: {status.old} -> {status.new}")
            for claim, status in change.status_changes.items()
        ),
    ]
    for planned in result.files:
        action = (
            ("upload" if planned.upload else "unchanged")
            if result.dry_run
            else ("uploaded" if planned.upload else "unchanged")
        )
        lines.append(Line(f"  {action:>9}  {planned.size:>12,}  {planned.path}"))
    lines.extend(
        Line(f"  {'delete' if result.dry_run else 'deleted':>9}  {'':>12}  {stale}") for stale in result.deleted
    )
    if result.origin is not None:
        lines.append(Line(f"  from {result.origin.describe()}, released on {result.origin.date}"))
        lines.extend(
            Line(
                f"  warning: {path} is not committed (changed or untracked): the version holds what no commit has",
                err=True,
            )
            for path in result.origin.unsaved
        )
    lines.extend(chart_left_out([planned.path for planned in result.files]))
    if result.commit:
        lines.append(Line(f"commit {result.commit}, tag {result.version.tag}"))
    return lines


def counted(stats: Stats, style: str) -> str:
    """What `claims stats` was asked for: the counts as `style` (text, json or csv)."""
    from .counting import render_csv, render_json, render_text

    if style != "text":
        return {"json": render_json, "csv": render_csv}[style](stats)
    from rich.console import Console

    console = Console()
    with console.capture() as captured:
        console.print(render_text(stats))
    return captured.get()


def drew(plot: str | os.PathLike | None, style: str) -> list[Line]:
    """The chart `claims stats` drew, if any: on stderr when stdout holds data for a script."""
    if plot is None or (style != "text" and quiet()):
        return []
    return [Line(f"drew {plot}", err=style != "text")]


def chart_left_out(written: Iterable[str]) -> list[Line]:
    """The line saying that a card has no chart, and why (the only reason: no matplotlib)."""
    from .chart import CHART_NAME

    if CHART_NAME in written:
        return []
    return [
        Line(f"  left out {CHART_NAME}, the card's chart: it needs matplotlib (pip install 'claims-toolkit[plot]')")
    ]


def diffed(change: Diff) -> list[Line]:
    """What `claims diff` says: each claim added, removed or changed (field by field), then the counts."""
    from .versions import describe_changes

    return [*(Line(line) for line in describe_changes(change)), Line(change.summary())]


def formatted(result: FormatResult, *, check: bool) -> list[Line]:
    """What `claims fmt` says: each file (re)formatted, each that could not be, and the counts."""
    lines = [Line(f"{'would reformat' if check else 'reformatted'} {name}") for name in result.changed]
    lines.extend(Line(f"claims: cannot format {name}: {why}", err=True) for name, why in result.failed)
    verb = "would be reformatted" if check else "reformatted"
    lines.append(
        Line(
            f"{plural(len(result.changed), 'file')} {verb}, {plural(len(result.unchanged), 'file')} left as they were"
            + (f", {plural(len(result.failed), 'file')} left alone (see above)" if result.failed else "")
            if result.changed or result.unchanged or result.failed
            else "no YAML or JSON claim file found"
        )
    )
    return lines


def migrated(result: MigrateResult, *, check: bool, schema: str | None = None) -> list[Line]:
    """What `claims migrate` says: each file migrated (and how many records), each that could not
    be, the counts, and what became of the desk's copy of the schema (`schema`)."""
    lines = [
        Line(f"{'would migrate' if check else 'migrated'} {name} ({plural(records, 'record')})")
        for name, records in result.migrated.items()
    ]
    lines.extend(Line(f"claims: cannot migrate {name}: {why}", err=True) for name, why in result.failed)
    lines.append(
        Line(
            f"{plural(len(result.migrated), 'file')} {'would be migrated' if check else 'migrated'} to schema 2, "
            f"{plural(len(result.unchanged), 'file')} already schema 2"
        )
    )
    lines.extend(Line(said) for said in [schema] if said)
    return lines


@contextmanager
def progress(label: str) -> Iterator[Callable[[str], None] | None]:
    """A progress line on stderr for people at a terminal (told of each file done); nothing in
    CI or when piped."""
    if not (sys.stderr.isatty() and sys.stdout.isatty()) or os.environ.get("CI"):
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn(f"{label} {{task.completed:,}} files"),
        TimeElapsedColumn(),
        transient=True,
        console=Console(stderr=True),
    ) as shown:
        task = shown.add_task(label, total=None)
        yield lambda _name: shown.advance(task)


# What the `build` extra installs: the packages only the table, exports and publishing need.
BUILD_EXTRA = frozenset({"polars", "pyarrow", "numpy", "datasets", "huggingface_hub", "matplotlib"})


_product: ContextVar[TextIO | None] = ContextVar("product", default=None)


@contextmanager
def quiet_output(quiet: bool) -> Iterator[None]:
    """With -q, what a command says on stdout goes nowhere; what it was asked to produce there
    (`product()`: problems, `--out -`, `fmt -`) still goes out. stderr (errors) is untouched."""
    token = _product.set(sys.stdout)
    try:
        if not quiet:
            yield
            return
        with open(os.devnull, "w", encoding="utf-8") as nowhere, redirect_stdout(nowhere):
            yield
    finally:
        _product.reset(token)


def product() -> TextIO:
    """Where a command writes what it was asked to produce: stdout, even with -q."""
    return _product.get() or sys.stdout


def quiet() -> bool:
    """Whether -q is in force (stdout is not the product's)."""
    return product() is not sys.stdout


@contextmanager
def written_to(out: str | os.PathLike) -> Iterator[str | os.PathLike]:
    """The file a command writes: `out`; for `-`, a scratch file whose bytes then go to standard
    output (`product()`), so that stdout holds the data alone."""
    if os.fspath(out) != "-":
        yield out
        return
    import tempfile

    with tempfile.TemporaryDirectory(prefix="claims-out-") as scratch:
        path = os.path.join(scratch, "out")
        yield path
        stream = product()
        stream.flush()
        with open(path, "rb") as data:
            stream.buffer.write(data.read()) if hasattr(stream, "buffer") else stream.write(data.read().decode())
        stream.flush()


def initialised(folder: str | os.PathLike, written: Iterable[str]) -> list[Line]:
    """What `claims init` says: each file written, and that the example claim is never published."""
    lines = [Line(f"  wrote {os.path.join(folder, path)}") for path in written]
    return [
        *lines,
        Line(f"a claims repository is ready in {folder}; its example claim is never published: edit or delete it"),
    ]


def schema_written(target: str, done: str, *, named: bool) -> list[Line]:
    """What `claims schema --write` says: the file and what was done; how to name it when claims.yaml does not."""
    lines = [Line(f"{target}: {done} (the schema of this claims-toolkit)")]
    return lines + ([] if named else [Line(f"name it in claims.yaml so that every command uses it: schema: {target}")])


def failure(
    error: Exception, command: str, *, quiet: bool = False, github: bool = False
) -> tuple[list[Line], int | None]:
    """What a command says when it stops on `error`, and its exit code: a toolkit error's message
    (a failed validation's report first, its errors alone with -q), the build extra a light
    install lacks, a file that could not be read or written (a full disk, a folder we may not
    write); no code for anything else (a bad option value, said by Typer; a bug: its traceback is
    the report). With `github`, a usage problem is also a workflow annotation, seen on the run's page."""
    option_error = hasattr(error, "format_message")  # Typer's BadParameter: a bad option value
    annotation = []
    if github and (option_error or (isinstance(error, ClaimsError) and not isinstance(error, ValidationFailed))):
        message = error.format_message() if option_error else str(error)  # type: ignore[attr-defined]
        annotation = [Line(usage_annotation(message).rstrip("\n"))]
    if option_error:
        return annotation, None
    if isinstance(error, ClaimsError):
        shown = errors_as_text if quiet else as_text
        report = [Line(shown(error.result).rstrip("\n"))] if isinstance(error, ValidationFailed) else []
        return [*annotation, *report, Line(f"claims: {error}", err=True)], error.exit_code
    if isinstance(error, ModuleNotFoundError):
        if (error.name or "").split(".")[0] not in BUILD_EXTRA:
            return [], None
        return [
            Line(
                f"claims: {command} needs {error.name}, which the light install (validation alone) leaves out: "
                "pip install 'claims-toolkit[build]'",
                err=True,
            )
        ], 2
    if isinstance(error, OSError):  # a disk full, a folder we may not write: one line, no traceback
        from .files import WriteFailed

        where = f" {error.filename}" if error.filename else ""
        verb = "write" if isinstance(error, WriteFailed) else "read or write"
        return [Line(f"claims: cannot {verb}{where}: {error.strerror or error}", err=True)], 1
    return [], None
