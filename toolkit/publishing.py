"""Publishing a version and loading any version back.

A version is built into a staging folder (data, card, schema, changelog: byte for byte what is
uploaded), compared with the latest published version, and released as one commit on `main` whose
parent is the commit we compared against, with its tag (in one transaction on a release store).
A publish that would remove many claims is refused unless removals are allowed: an emptied or
misspelt input folder must never become a version.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from .building import CHANGELOG_NAME, build, write_folder
from .config import DatasetConfig
from .dataset import Dataset, Paths
from .errors import (
    PlaceholdersFound,
    PublishConflict,
    PublishError,
    TagExists,
    TargetNotFound,
    TooManyRemovals,
    UsageError,
    VersionNotFound,
)
from .files import identities, write_text
from .placeholders import placeholders
from .provenance import Origin, origin
from .schema import SCHEMA_NAME
from .targets import Target, is_local, open_target
from .text import plural
from .versions import (
    CHANGES_NAME,
    Diff,
    Version,
    changelog_entry,
    changes_document,
    compare_schemas,
    diff,
    next_version,
)

DATA_PATTERNS = ["data/*.parquet"]
BUMPS = ("auto", "major", "minor", "patch")
REMOVAL_SHARE = 0.1  # removing more than this share of the latest version's claims needs allow_removals


@dataclass(frozen=True)
class PlannedFile:
    path: str
    size: int
    upload: bool  # False: the target already holds these exact bytes


@dataclass(frozen=True)
class PublishResult:
    target: str
    version: Version | None  # None: nothing changed, nothing published
    previous: Version | None
    change: Diff
    files: list[PlannedFile] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    commit: str | None = None
    dry_run: bool = False
    claims_before: int = 0  # in the latest version
    claims_after: int = 0  # in this one
    refused: str | None = None  # a dry run's plan that the real publish would refuse, and why
    origin: Origin | None = None  # the desk's commit and the day (None: nothing published)


def latest_version(tags: dict[str, str]) -> Version | None:
    versions = [v for v in (Version.from_tag(t) for t in tags) if v]
    return max(versions) if versions else None


def read_table(folder: Path) -> pl.DataFrame:
    shards = sorted((folder / "data").glob("*.parquet"))
    if not shards:
        raise PublishError(f"{folder}: no data/*.parquet files")
    return pl.concat([pl.read_parquet(s) for s in shards])


def publish(
    dataset: Dataset | Paths,
    target: str,
    *,
    bump: str = "auto",
    version: str | None = None,
    dry_run: bool = False,
    private: bool = False,
    token: str | None = None,
    config: DatasetConfig | None = None,
    schema: str | os.PathLike | None = None,
    speakers: str | os.PathLike | None = None,
    strict: bool = False,
    allow_removals: bool = False,
) -> PublishResult:
    """Build the claims of `dataset` (a `Dataset`, or the paths to open one with `schema` and
    `speakers`) and publish them as the next version of `target`; `config` (default: the
    dataset's claims.yaml) names and describes the version."""
    if bump not in BUMPS:
        raise UsageError(f"--bump takes {', '.join(BUMPS)}, not {bump!r}")
    if version and bump != "auto":
        raise UsageError("--bump and --version cannot be used together: --version sets the version by hand")
    dataset = Dataset.of(dataset, schema=schema, speakers=speakers)
    where = open_target(target, token=token)
    where.check_publishable()
    config = config or dataset.config
    if not config.license:
        raise UsageError(
            "no license for the dataset: set license in claims.yaml (e.g. license: cc-by-4.0) or "
            "give --license; the toolkit never chooses one for you"
        )
    built = build(dataset, strict=strict)
    found = placeholders(config, target, built.table, dataset.folder)
    if found:
        raise PlaceholdersFound(
            "nothing was published: what claims init left for the desk to replace is still there:\n  - "
            + "\n  - ".join(found)
        )
    try:
        parent = where.head()  # read before the tags: if main moves after this, the release is refused
        tags = where.tags()
    except TargetNotFound:
        parent, tags = None, {}
    latest = latest_version(tags)
    if latest and tags[latest.tag] != parent:
        raise PublishConflict(
            f"main of {where.name} is at {parent}, not at the latest version {latest.tag} ({tags[latest.tag]}): "
            "another publish is under way, or one stopped before tagging; nothing was changed"
        )
    old_table, old_schema, history = _previous(where, tags, latest)
    change = diff(old_table, built.table, compare_schemas(old_schema, built.schema.document))
    before = old_table["id"].n_unique() if old_table is not None else 0
    after = built.table["id"].n_unique()
    if latest and change.empty and not version:  # the data decides; the day and commit never do
        return PublishResult(where.name, None, latest, change, claims_before=before, claims_after=after)
    source = origin(dataset.folder, built.table["source_file"].unique().to_list())
    removals = None if allow_removals else _removals_refused(change, before, latest)
    if removals and not dry_run:
        raise TooManyRemovals(f"this publish would {removals[0]}; nothing was published. {removals[1]}")
    refused = f"a real publish would be refused: it would {removals[0]}. {removals[1]}" if removals else None
    new_version = next_version(latest, change, bump, version)
    if new_version.tag in tags:
        raise TagExists(f"tag {new_version.tag} already exists on {where.name}; tags are never moved")
    if not is_local(target) and not config.repo_id:
        config = config.with_overrides(repo_id=target)
    staging = Path(tempfile.mkdtemp(prefix="claims-release-"))
    try:
        entry = changelog_entry(new_version, change, source)
        names = write_folder(
            built, staging, config, version=str(new_version), entry=entry, history=history, mark=False, origin=source
        )
        changes = changes_document(new_version, latest, change, source)
        write_text(staging / CHANGES_NAME, json.dumps(changes, ensure_ascii=False, indent=2, default=str) + "\n")
        names = sorted([*names, CHANGES_NAME])
        remote = where.files(parent) if parent else {}
        planned = [
            PlannedFile(n, (staging / n).stat().st_size, remote.get(n) not in identities(staging / n)) for n in names
        ]
        stale = sorted(p for p in remote if p.startswith("data/") and p not in names)
        plan = PublishResult(
            where.name,
            new_version,
            latest,
            change,
            planned,
            stale,
            dry_run=dry_run,
            refused=refused,
            claims_before=before,
            claims_after=after,
            origin=source,
        )
        if dry_run:
            return plan
        where.prepare(private)
        if parent is None:  # a new repository: the Hub gives it a first commit; nobody may have published since
            parent = where.head()
            if latest_version(where.tags()):
                raise PublishConflict(
                    f"someone else published to {where.name} while this publish was planned; nothing was changed"
                )
        upload = [f.path for f in planned if f.upload]
        message = f"Release {new_version}: {change.summary()}\n\nReleased on {source.date} from {source.describe()}."
        commit = where.release(staging, upload, stale, message, parent, new_version.tag)
        return replace(plan, commit=commit)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _removals_refused(change: Diff, before: int, latest: Version | None) -> tuple[str, str] | None:
    """(what, advice) when removing these claims needs `allow_removals`: all of them, or more than
    a tenth of the latest version's."""
    removed = len(change.removed)
    if not removed or (removed < before and removed <= before * REMOVAL_SHARE):
        return None
    assert latest is not None  # claims are removed only from a published version (none: nothing removed)
    share = "every claim" if removed >= before else f"{removed:,} of the {plural(before, 'claim')}"
    return (
        f"remove {share} of {latest.tag}",
        "Check the input paths (a misspelt or emptied folder?), or pass --allow-removals if the removals are meant",
    )


def _previous(where: Target, tags: dict[str, str], latest: Version | None):
    """The latest version's table, schema and changelog, to compare against."""
    if latest is None:
        return None, None, None
    folder = where.fetch(tags[latest.tag], [*DATA_PATTERNS, SCHEMA_NAME, CHANGELOG_NAME])
    schema_file, changelog_file = folder / SCHEMA_NAME, folder / CHANGELOG_NAME
    old_schema = json.loads(schema_file.read_text()) if schema_file.exists() else None
    history = changelog_file.read_text(encoding="utf-8") if changelog_file.exists() else None
    return read_table(folder), old_schema, history


def resolve(where: Target, revision: str | None) -> tuple[str, str]:
    """A revision (a version tag, `X.Y.Z`, `main` or a commit id) as (name, commit); a version that
    was never published is an error naming those that were, never another version's data."""
    tags = where.tags()
    versions = {t: v for t in tags if (v := Version.from_tag(t))}
    published = sorted(versions, key=versions.__getitem__)
    if revision is None:
        latest = latest_version(tags)
        if latest is None:
            raise VersionNotFound("latest", published)
        return latest.tag, tags[latest.tag]
    for name in (revision, f"v{revision}"):
        if name in tags:
            return name, tags[name]
    if revision == "main" and (head := where.head()):
        return "main", head
    raise VersionNotFound(revision, published)


def load(target: str, revision: str | None = None, *, token: str | None = None) -> pl.DataFrame:
    """One published version as a Polars DataFrame (default: the latest version).

    >>> publish(["fixtures/"], "./releases").version.tag  # a local release store
    'v1.0.0'
    >>> load("./releases", revision="v1.0.0").height
    14
    """
    where = open_target(target, token=token)
    _, commit = resolve(where, revision)
    return read_table(where.fetch(commit, DATA_PATTERNS))


def table_at(spec: str) -> pl.DataFrame:
    """A built folder, a Parquet file, or TARGET@REVISION, as a claims table (one with `id`)."""
    path = Path(spec)
    if path.is_dir():
        shards = sorted((path / "data").glob("*.parquet"))
        if not shards:
            raise UsageError(f"{spec}: not a built folder (no data/*.parquet in it)")
        table = _read_parquet(spec, *shards)
    elif path.is_file():
        table = _read_parquet(spec, path)
    elif "@" in spec:
        target, revision = spec.rsplit("@", 1)
        table = load(target, revision)
    else:
        raise UsageError(f"{spec}: not a folder, a Parquet file or REPO@REVISION")
    if "id" not in table.columns:
        raise UsageError(f"{spec}: not a claims table (no `id` column; it has {', '.join(table.columns) or 'none'})")
    return table


def _read_parquet(spec: str, *files: Path) -> pl.DataFrame:
    try:
        return pl.concat([pl.read_parquet(f) for f in files])
    except pl.exceptions.PolarsError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UsageError(
            f"{spec}: not a Parquet file diff can read ({first}); diff compares Parquet files, "
            "built folders and REPO@REVISION (a CSV: `claims export --format parquet` first)"
        ) from None
