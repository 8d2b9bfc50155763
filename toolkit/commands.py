"""Every command of `claims` as one library call, the face `toolkit` shows (`toolkit.validate`,
`toolkit.build`, ...). Each takes a `Dataset`, or the paths and options to open one (so a script
reads claims.yaml, its schema and speakers.yaml exactly as the command does), runs the stage and
returns plain data; the CLI only parses options, makes the call and renders what comes back.

    >>> import toolkit
    >>> toolkit.validate(["fixtures/"]).valid
    True

The heavy stages (Polars, the Hub) are imported inside the calls that need them, so that
`import toolkit` and `claims validate` start without them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .dataset import Dataset, Paths
from .records import ValidationResult
from .schema import ClaimSchema

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    import polars as pl

    from .building import Build
    from .counting import Stats
    from .exporting import ExportSummary
    from .imports import ImportSummary
    from .new import NewRecord
    from .publishing import PublishResult
    from .versions import Diff


def validate(
    dataset: Dataset | Paths | None = None,
    schema: str | os.PathLike | ClaimSchema | None = None,
    *,
    exclude: Iterable[str] = (),
    within: bool = False,
    changed_since: str | None = None,
    only: Iterable[str | os.PathLike] | None = None,
    cache: str | os.PathLike | None = None,
    today: dt.date | None = None,
    on_file: Callable[[str], None] | None = None,
    workers: int | None = None,
) -> ValidationResult:
    """`claims validate`: check the claim files of `dataset` against the schema in use and each
    other. `within` (`--dataset`): report on these files only, checked against the whole dataset
    (its folder), with the cache of unchanged files; `changed_since` (`--changed-since REF`): the
    same for the files git says changed since REF. `only` and `cache` are those two steps by hand
    (see `validation.validate`). When those files hold a setting of the dataset (claims.yaml, the
    schema in use, speakers.yaml), every record is checked and reported (`settings_changed` says
    which): a pull request that changes the schema alone must not pass while it fails every
    record. A path `-` is standard input (`readers.stdin`), reported as `-`.

    >>> validate(["fixtures/"]).records
    14
    """
    from . import validation
    from .readers.stdin import standard_input

    dataset = Dataset.of(dataset, schema=schema, exclude=tuple(exclude))
    with standard_input(list(dataset.paths)) as (paths, named):
        if paths != list(dataset.paths):
            dataset = dataset.reading(paths)  # the settings of the folder standard input is read in
        settings: tuple[str, ...] = ()
        if changed_since is not None or within:
            from .changes import changed_since as changed

            only = sorted(changed(changed_since, dataset.folder)) if changed_since is not None else paths
            cache = dataset.folder
            settings = _settings_among(dataset, only)
            only = None if settings else only  # any record's verdict may change: every one is reported
            dataset = dataset.whole()
        result = validation.validate(dataset, today=today, on_file=on_file, workers=workers, only=only, cache=cache)
        return replace(named(result), settings_changed=settings)


def _settings_among(dataset: Dataset, files: Iterable[str | os.PathLike]) -> tuple[str, ...]:
    """The settings of `dataset` (claims.yaml, the schema in use, speakers.yaml) among `files`."""
    real = {os.path.realpath(path) for path in files}
    return tuple(os.fspath(path) for path in dataset.settings_files() if os.path.realpath(path) in real)


def build(
    dataset: Dataset | Paths | None = None,
    out: str | os.PathLike | None = None,
    *,
    schema: str | os.PathLike | ClaimSchema | None = None,
    speakers: str | os.PathLike | None = None,
    strict: bool = False,
    force: bool = False,
) -> Build:
    """`claims build`: validate and merge into the canonical table, and, given `out`, write the
    folder that gets published (see `outputs` for where it may write; `force` writes beside files
    no build wrote): `written` names its files, `left_beside` the files in its subfolders that no
    build wrote (loaders read them too). ValidationFailed carries the report when anything is invalid.

    >>> build(["fixtures/"]).table.height
    14
    """
    from . import building
    from .outputs import check_build_folder, left_beside

    dataset = Dataset.of(dataset, schema=schema, speakers=speakers)
    if out is not None:
        check_build_folder(out, force=force)
    built = building.build(dataset, strict=strict)
    if out is None:
        return built
    written = building.write_folder(built, out, dataset.config, force=force, dataset=dataset)
    return replace(built, written=tuple(written), left_beside=tuple(left_beside(out, written)))


def export(
    dataset: Dataset | Paths | None,
    fmt: str,
    out: str | os.PathLike,
    *,
    schema: str | os.PathLike | ClaimSchema | None = None,
    speakers: str | os.PathLike | None = None,
    bom: bool = False,
    all_reviews: bool = False,
    force: bool = False,
) -> ExportSummary:
    """`claims export`: build the table and write it to `out` as `fmt` (csv, parquet, jsonl or
    claimreview, whose reviews are authored by `publisher` of claims.yaml). `out` is never one of
    the run's inputs or settings, and replaces another file only with `force`; it is named in its
    folder's export marker, so that discovery passes it over (`unmarked` says why when it is not)."""
    from . import building, exporting
    from .errors import UsageError
    from .outputs import check_file_output

    exporting.writer(fmt)  # the format exists (checked before the build)
    if bom and fmt != "csv":
        raise UsageError(f"--bom is for CSV only, not {fmt}")
    if all_reviews and fmt != "claimreview":
        raise UsageError(f"--all-reviews is for claimreview only, not {fmt}")
    dataset = Dataset.of(dataset, schema=schema, speakers=speakers)
    check_file_output(out, dataset=dataset, force=force)
    table = building.build(dataset).table
    if fmt == "claimreview":
        desk = dict(dataset.config.publisher) or None
        summary = exporting.export(table, fmt, out, publisher=desk, all_reviews=all_reviews)
    else:
        summary = exporting.export(table, fmt, out, bom=bom, all_reviews=all_reviews)
    return replace(summary, unmarked=_mark_export(out))


def _mark_export(out: str | os.PathLike) -> str | None:
    """Name `out` in its folder's export marker; why not, when it cannot be written (the export is
    written all the same: only discovery's hint is missing)."""
    from .outputs import mark_export

    try:
        mark_export(out)
    except OSError as error:
        return str(error.strerror or error)
    return None


def stats(
    dataset: Dataset | Paths | None = None,
    *,
    schema: str | os.PathLike | ClaimSchema | None = None,
    speakers: str | os.PathLike | None = None,
    by: str = "year",
    top: int | None = None,
    plot: str | os.PathLike | None = None,
    force: bool = False,
) -> Stats:
    """`claims stats`: validate, then count the verdicts in all, by speaker (canonical names, as
    build merges them) and by period (`by`: year or month), the `top` speakers with most claims
    and the others as one group (None: every speaker). `plot`: also draw the verdicts chart there
    (.png or .svg, checked before any work; an existing file only with `force`, never an input or
    a setting).

    >>> stats(["fixtures/"]).claims
    14
    """
    from .counting import count

    dataset = Dataset.of(dataset, schema=schema, speakers=speakers)
    if plot is not None:
        from .chart import check_path, require
        from .outputs import check_file_output

        check_file_output(plot, dataset=dataset, force=force, what="--plot")
        check_path(plot)
        require()
    counts = count(dataset, by=by, top=top)
    if plot is not None:
        from .chart import draw

        draw(counts, dataset.config.pretty_name, plot)
    return counts


@dataclass(frozen=True)
class Settings:
    """What claims.yaml says of a published version, overridden by options (None: keep it)."""

    pretty_name: str | None = None
    license: str | None = None
    description: str | None = None
    citation: str | None = None


def publish(
    dataset: Dataset | Paths | None = None,
    repo: str | None = None,
    *,
    schema: str | os.PathLike | ClaimSchema | None = None,
    speakers: str | os.PathLike | None = None,
    settings: Settings | None = None,
    bump: str = "auto",
    version: str | None = None,
    dry_run: bool = False,
    private: bool = False,
    token: str | None = None,
    strict: bool = False,
    allow_removals: bool = False,
    finish: bool = False,
) -> PublishResult:
    """`claims publish`: build and publish the claims as the next version of `repo` (ORG/NAME on
    the Hub or a local release store; default: `repo_id` of claims.yaml), named and described by
    claims.yaml with `settings` over it. `finish`: only tag the commit a publish stopped between
    its commit and its tag left on main, as the version it names (nothing is built)."""
    from .errors import UsageError
    from .publishing import finish as tag_stopped
    from .publishing import publish as release

    if repo is not None and not repo.strip():
        raise UsageError("--repo is empty (an unset variable?): give ORG/NAME or a release store path")
    dataset = Dataset.of(dataset, schema=schema, speakers=speakers)
    config = dataset.config.with_overrides(**vars(settings or Settings()))
    repo = repo or config.repo_id
    if not repo:
        raise UsageError("say where to publish: --repo ORG/NAME (or a release store path), or repo_id in claims.yaml")
    if finish:
        return tag_stopped(repo, token=token)
    return release(
        dataset,
        repo,
        config=config,
        bump=bump,
        version=version,
        dry_run=dry_run,
        private=private,
        token=token,
        strict=strict,
        allow_removals=allow_removals,
    )


def pull(
    target: str, out: str | os.PathLike, revision: str | None = None, *, force: bool = False, token: str | None = None
) -> ExportSummary:
    """`claims pull`: one published version written to `out` as Parquet, CSV or JSON Lines (told
    by its ending); an existing file is replaced only with `force`."""
    from . import exporting
    from .errors import UsageError
    from .outputs import check_file_output
    from .publishing import load as fetch

    fmt = PULLED.get(os.path.splitext(os.fspath(out))[1].lower())
    if fmt is None:
        raise UsageError(f"--out {out}: the file must end in .parquet, .csv or .jsonl")
    check_file_output(out, force=force)
    summary = exporting.export(fetch(target, revision, token=token), fmt, out)
    return replace(summary, unmarked=_mark_export(out))


PULLED = {".parquet": "parquet", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def load(target: str, revision: str | None = None, *, token: str | None = None) -> pl.DataFrame:
    """One published version as a Polars DataFrame (default: the latest version)."""
    from .publishing import load as fetch

    return fetch(target, revision, token=token)


def diff(old: str, new: str) -> Diff:
    """`claims diff`: the claims added, removed and changed between two versions, each a built
    folder, a Parquet file or TARGET@REVISION."""
    from .publishing import table_at
    from .versions import diff as compare

    return compare(table_at(old), table_at(new))


def import_claims(
    path: str | os.PathLike | Sequence[str | os.PathLike],
    out: str | os.PathLike,
    *,
    source: str = "claimreview",
    table_map: str | os.PathLike | None = None,
    ratings: str | os.PathLike | None = None,
    default_speaker: str | None = None,
    strict: bool = False,
    report: str | os.PathLike | None = None,
    force: bool = False,
) -> ImportSummary:
    """`claims import`: fact-checks published as ClaimReview, or tables of them, as claim records
    in `out` (see `imports.import_claims`; several files are one input); `out` and `report` are
    never an input, a map or a ratings file, and replace another file only with `force`."""
    from .errors import UsageError
    from .imports import MAPPED, SOURCES
    from .imports import import_claims as read_and_write
    from .outputs import check_file_output

    if source not in SOURCES:
        raise UsageError(f"--from takes {', '.join(SOURCES)}, not {source!r}")
    if table_map is not None and source not in MAPPED:
        raise UsageError(f"--map is for --from {' or '.join(MAPPED)}, not {source}")
    sources = [path] if isinstance(path, (str, os.PathLike)) else list(path)
    check_file_output(out, inputs=sources, also_read=[ratings, table_map], force=force)
    if report is not None:
        if os.path.realpath(report) == os.path.realpath(out):
            raise UsageError(f"--report {report} is the --out file; choose another file for the report")
        check_file_output(report, inputs=[*sources, out], also_read=[ratings, table_map], force=force, what="--report")
    return read_and_write(
        path,
        out,
        source=source,
        table_map=table_map,
        ratings=ratings,
        default_speaker=default_speaker,
        strict=strict,
        report=report,
    )


def new(
    dataset: Dataset | Paths | None = None,
    *,
    speaker: str | None = None,
    claim: str | None = None,
    date: str | None = None,
    status: str | None = None,
    source: str | None = None,
    folder: str | os.PathLike | None = None,
    schema: str | os.PathLike | ClaimSchema | None = None,
    ask: Callable[..., str] | None = None,
) -> NewRecord:
    """`claims new`: one claim file in `folder` (default: the claims folder of claims.yaml's
    `include`, or claims/), checked against the schema in use and the whole dataset first. With
    `ask(question, what_was_wrong)` (a person at a terminal), what is missing is asked for, and a
    field the checks refuse is said and asked for again, the other answers kept; without it, what
    is missing is a usage error."""
    from pathlib import Path

    from .errors import UsageError, ValidationFailed
    from .new import ASKED, fields_at_fault, new_record

    answers = {"speaker": speaker, "claim": claim, "date": date, "status": status, "source": source}
    missing = [name for name, value in answers.items() if not value]
    if missing and ask is None:
        raise UsageError(f"missing {', '.join('--' + name for name in missing)} (or run it at a terminal to be asked)")
    for name in missing:
        answers[name] = ask(f"{name} (empty: unverified)" if name == "status" else name) or (  # type: ignore[misc]
            "unverified" if name == "status" else ""
        )
    dataset = Dataset.of(dataset, schema=schema)
    where = Path(folder) if folder is not None else claims_folder(dataset)
    while True:
        try:  # a folder not made yet holds no record
            return new_record(where, **answers, dataset=dataset.reading([where]))  # type: ignore[arg-type]
        except ValidationFailed as failed:
            wrong = fields_at_fault(failed.result.problems)
            if not wrong or ask is None:
                raise
            for field in wrong:
                said = [p.message for p in failed.result.problems if ASKED.get(p.pointer.split("/")[1]) == field]
                answers[field] = ask(f"{field} (again)", "\n".join(f"{field}: {message}" for message in said))


def claims_folder(dataset: Dataset) -> Path:
    """The folder of the first `include` glob of claims.yaml (its part before any wildcard), or claims/."""
    from pathlib import Path

    if dataset.config_file is not None:
        for pattern in dataset.config.include:
            fixed = Path(*[part for part in Path(pattern).parts if not any(c in part for c in "*?[")] or ["."])
            return dataset.config_file.parent / fixed
    return Path("claims")


def write_schema(dataset: Dataset, *, force: bool = False) -> tuple[str, str]:
    """`claims schema --write`: the installed toolkit's schema at the schema file of the dataset
    (`--schema`, `schema:` of claims.yaml, else `schema/claim.schema.json` beside claims.yaml);
    returns (the file, what was done: written, in step or updated). See `desk_schema`."""
    from pathlib import Path

    from .desk_schema import DESK_SCHEMA, write_schema

    folder = dataset.config_file.parent if dataset.config_file is not None else Path(".")
    target = dataset.schema_file if dataset.schema_file is not None else folder / DESK_SCHEMA
    return os.fspath(target), write_schema(target, force=force)


def schema_in_step(dataset: Dataset) -> str | None:
    """After `claims migrate`: the desk's copy of the toolkit's schema (`schema:` of claims.yaml)
    becomes the installed toolkit's, as the records now are; a schema of the desk's own is left
    alone. Says what was done, or None."""
    from .desk_schema import in_step, is_toolkits, write_schema

    copy = dataset.schema_file
    if dataset.schema_origin != "claims.yaml" or copy is None or not is_toolkits(copy) or in_step(copy):
        return None
    return f"{copy}: {write_schema(copy)} to the installed toolkit's schema"
