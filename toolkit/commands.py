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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .dataset import Dataset, Paths
from .records import ValidationResult
from .schema import ClaimSchema

if TYPE_CHECKING:
    import datetime as dt

    import polars as pl

    from .building import Build
    from .counting import Stats
    from .exporting import ExportSummary
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
    (see `validation.validate`).

    >>> validate(["fixtures/"]).records
    14
    """
    from . import validation

    dataset = Dataset.of(dataset, schema=schema, exclude=tuple(exclude))
    if changed_since is not None or within:
        from .changes import changed_since as changed

        only = sorted(changed(changed_since, dataset.folder)) if changed_since is not None else list(dataset.paths)
        cache = dataset.folder
        dataset = dataset.whole()
    return validation.validate(dataset, today=today, on_file=on_file, workers=workers, only=only, cache=cache)


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
    no build wrote). ValidationFailed carries the report when anything is invalid.

    >>> build(["fixtures/"]).table.height
    14
    """
    from . import building
    from .outputs import check_build_folder

    dataset = Dataset.of(dataset, schema=schema, speakers=speakers)
    if out is not None:
        check_build_folder(out, force=force)
    built = building.build(dataset, strict=strict)
    if out is None:
        return built
    return replace(built, written=tuple(building.write_folder(built, out, dataset.config, force=force)))


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
    from .outputs import check_file_output

    exporting.writer(fmt)  # the format exists (checked before the build)
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
) -> Stats:
    """`claims stats`: validate, then count the claims by status, speaker (canonical names, as
    build merges them) and year.

    >>> stats(["fixtures/"]).claims
    14
    """
    from .counting import count

    return count(Dataset.of(dataset, schema=schema, speakers=speakers))


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
) -> PublishResult:
    """`claims publish`: build and publish the claims as the next version of `repo` (ORG/NAME on
    the Hub or a local release store; default: `repo_id` of claims.yaml), named and described by
    claims.yaml with `settings` over it."""
    from .errors import UsageError
    from .publishing import publish as release

    dataset = Dataset.of(dataset, schema=schema, speakers=speakers)
    config = dataset.config.with_overrides(**vars(settings or Settings()))
    repo = repo or config.repo_id
    if not repo:
        raise UsageError("say where to publish: --repo ORG/NAME (or a release store path), or repo_id in claims.yaml")
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
