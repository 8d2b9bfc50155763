"""Publishing a version and loading any version back.

A version is built into a staging folder (data, card, schema, changelog: byte for byte what is
uploaded), compared with the latest published version, and released as one commit on `main` whose
parent is the commit we compared against, with its tag (in one transaction on a release store).
A publish that would remove many claims is refused unless removals are allowed: an emptied or
misspelt input folder must never become a version. So is one that would remove claims a version
added that these claims never held (a working copy last updated before someone else published):
publishing is a compare-and-swap on the version the claims started from, so a race never drops a
claim in silence. A commit that landed without its tag (a publish killed or failed between the
two, on the Hub) is finished by publishing the same claims again: it is tagged once its content is
found to be exactly that version's.
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
from .chart import CHART_NAME
from .config import DatasetConfig
from .dataset import Dataset, Paths
from .errors import (
    PlaceholdersFound,
    PublishConflict,
    PublishError,
    StaleClaims,
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
    finished: bool = False  # the version's commit had landed untagged; this publish only tagged it
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
    untagged = parent if latest and tags[latest.tag] != parent else None  # a publish stopped before its tag?
    old_table, old_schema, history = _previous(where, tags, latest)
    change = diff(old_table, built.table, compare_schemas(old_schema, built.schema.document))
    before = old_table["id"].n_unique() if old_table is not None else 0
    after = built.table["id"].n_unique()
    if latest and change.empty and not version:  # the data decides; the day and commit never do
        if untagged:
            raise PublishConflict(_untagged_refusal(where, untagged, latest, "these claims are those of it"))
        return PublishResult(where.name, None, latest, change, claims_before=before, claims_after=after)
    source = origin(dataset.folder, built.table["source_file"].unique().to_list())
    refusal = None
    if not allow_removals:
        refusal = _removals_refused(change, before, latest)
        refusal = refusal or _removals_unseen(where, tags, change, set(built.table["id"].to_list()))
    if refusal and not dry_run:
        error = StaleClaims if refusal[2] else TooManyRemovals
        raise error(f"this publish would {refusal[0]}; nothing was published. {refusal[1]}")
    refused = f"a real publish would be refused: it would {refusal[0]}. {refusal[1]}" if refusal else None
    new_version = next_version(latest, change, bump, version)
    if new_version.tag in tags:
        raise TagExists(f"tag {new_version.tag} already exists on {where.name}; tags are never moved")
    if not is_local(target) and not config.repo_id:
        config = config.with_overrides(repo_id=target)
    staging = Path(tempfile.mkdtemp(prefix="claims-release-"))
    try:
        entry = changelog_entry(new_version, change, source)
        changes = changes_document(new_version, latest, change, source)
        try:
            names = write_folder(
                built,
                staging,
                config,
                version=str(new_version),
                entry=entry,
                history=history,
                mark=False,
                origin=source,
            )
            write_text(staging / CHANGES_NAME, json.dumps(changes, ensure_ascii=False, indent=2, default=str) + "\n")
        except (OSError, pl.exceptions.ComputeError) as error:  # a full disk, a folder we may not write
            why = error.strerror if isinstance(error, OSError) and error.strerror else str(error).splitlines()[0]
            raise PublishError(
                f"cannot write the release into the temporary folder {staging.parent} (TMPDIR): {why}; nothing was published"
            ) from None
        names = sorted([*names, CHANGES_NAME])
        remote = where.files(parent) if parent else {}
        planned = [
            PlannedFile(n, (staging / n).stat().st_size, remote.get(n) not in identities(staging / n)) for n in names
        ]
        # Shards this version does not hold, and a chart it was published without (no matplotlib).
        stale = sorted(p for p in remote if (p.startswith("data/") or p == CHART_NAME) and p not in names)
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
        if untagged:
            assert latest is not None  # an untagged main is one past the latest version
            _finishable(where, untagged, latest, new_version, plan)
            if not dry_run:
                where.tag(untagged, new_version.tag, f"Release {new_version}: {change.summary()}")
            return replace(plan, commit=None if dry_run else untagged, finished=True)
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


def _finishable(where: Target, untagged: str, latest: Version, version: Version, plan: PublishResult) -> None:
    """Refuse unless the untagged commit on main is `version` stopped before its tag: its
    changes.json names that version after `latest`, and its data and schema are byte for byte
    what this publish would release (the card and changelog may differ by the day and the desk's
    commit they name)."""
    claims = [f for f in plan.files if f.path.startswith("data/") or f.path == SCHEMA_NAME]
    named = _names_a_version(where.fetch(untagged, [CHANGES_NAME]) / CHANGES_NAME)
    if claims and not any(f.upload for f in claims) and not plan.deleted and named == (version, str(latest)):
        return
    raise PublishConflict(
        _untagged_refusal(where, untagged, latest, f"it is not what these claims publish as {version.tag}")
    )


def _untagged_refusal(where: Target, untagged: str, latest: Version, why: str) -> str:
    return (
        f"main of {where.name} is at {untagged}, a commit after {latest.tag} that has no version tag: a publish "
        f"stopped between its commit and its tag, or one is running now; {why}, so nothing was changed. "
        f"Publish the claims of the stopped publish again to finish it (that tags its commit), or run "
        f"`claims publish --repo {where.name} --finish` (that tags it as the version it names), then publish these"
    )


def finish(target: str, *, token: str | None = None) -> PublishResult:
    """Tag the commit that a publish stopped between its commit and its tag left on main, as the
    version its changes.json names; nothing is built or uploaded. For when the claims of that
    publish are gone: publishing them again does the same, after checking every file."""
    where = open_target(target, token=token)
    parent, tags = where.head(), where.tags()
    latest = latest_version(tags)
    if parent is None or (latest and tags[latest.tag] == parent):
        raise PublishError(
            f"nothing to finish on {where.name}: main is at {latest.tag if latest else 'no version'}; nothing was changed"
        )
    named = _names_a_version(where.fetch(parent, [CHANGES_NAME]) / CHANGES_NAME)
    after = str(latest) if latest else None
    if named is None or named[1] != after or named[0].tag in tags or (latest and not latest < named[0]):
        raise PublishConflict(
            f"main of {where.name} is at {parent}, which is not a release stopped before its tag after "
            f"{latest.tag if latest else 'nothing'} (its changes.json names no version following it); "
            "nothing was changed"
        )
    where.tag(parent, named[0].tag, f"Release {named[0]}")
    return PublishResult(where.name, named[0], latest, Diff(), commit=parent, finished=True)


def _names_a_version(changes: Path) -> tuple[Version, str | None] | None:
    """(version, previous) named by a release's changes.json, if it is one."""
    try:
        document = json.loads(changes.read_text(encoding="utf-8"))
        previous = document.get("previous")
        return Version.parse(str(document["version"])), str(previous) if previous else None
    except (OSError, ValueError, KeyError, AttributeError, UsageError):
        return None


def _removals_unseen(
    where: Target, tags: dict[str, str], change: Diff, holds: set[str]
) -> tuple[str, str, bool] | None:
    """(what, advice, True) when claims to remove were added by a version these claims never
    held: they hold none of the claims that version (or any later one) added, so they were last
    updated before it was published, and removing its claims would undo someone else's work.

    The versions are read newest first, down to the first whose additions these claims hold:
    the version they last matched. Removing a claim added by it or before it is a decision."""
    removed = set(change.removed)
    unseen: dict[str, list[str]] = {}
    versions = sorted((v for t in tags if (v := Version.from_tag(t))), reverse=True)
    for version in versions:
        if not removed:
            break
        added = _added_by(where, tags[version.tag])
        if added is None:
            break  # published by a toolkit that wrote no changes.json: nothing to tell
        if added & holds:
            break
        if ids := sorted(added & removed):
            unseen[version.tag] = ids
        removed -= added
    if not unseen:
        return None
    tag, ids = next(iter(unseen.items()))
    count = sum(len(i) for i in unseen.values())
    named = ", ".join(ids[:3]) + (", ..." if len(ids) > 3 else "")
    return (
        f"remove {count} claim{'s' if count > 1 else ''} added by {', '.join(unseen)} ({named})",
        f"These claims hold none of the claims {tag} added: they were last updated before {tag} was published "
        "(by someone else?). Update them (e.g. git pull) and publish again, or pass --allow-removals if removing "
        "those claims is meant",
        True,
    )


def _added_by(where: Target, commit: str) -> set[str] | None:
    """The ids a version added, from its changes.json (None when it has none)."""
    changes = where.fetch(commit, [CHANGES_NAME]) / CHANGES_NAME
    if not changes.exists():
        return None
    try:
        added = json.loads(changes.read_text(encoding="utf-8")).get("added")
    except (ValueError, AttributeError):
        return None
    return {str(claim) for claim in added} if isinstance(added, list) else None


def _removals_refused(change: Diff, before: int, latest: Version | None) -> tuple[str, str, bool] | None:
    """(what, advice, False) when removing these claims needs `allow_removals`: all of them, or
    more than a tenth of the latest version's."""
    removed = len(change.removed)
    if not removed or (removed < before and removed <= before * REMOVAL_SHARE):
        return None
    assert latest is not None  # claims are removed only from a published version (none: nothing removed)
    share = "every claim" if removed >= before else f"{removed:,} of the {plural(before, 'claim')}"
    return (
        f"remove {share} of {latest.tag}",
        "Check the input paths (a misspelt or emptied folder?), or pass --allow-removals if the removals are meant",
        False,
    )


def _previous(where: Target, tags: dict[str, str], latest: Version | None):
    """The latest version's table, schema and changelog, to compare against."""
    if latest is None:
        return None, None, None
    folder = where.fetch(tags[latest.tag], [*DATA_PATTERNS, SCHEMA_NAME, CHANGELOG_NAME])
    schema_file, changelog_file = folder / SCHEMA_NAME, folder / CHANGELOG_NAME
    try:
        old_schema = json.loads(schema_file.read_text(encoding="utf-8")) if schema_file.exists() else None
        history = changelog_file.read_text(encoding="utf-8") if changelog_file.exists() else None
        return read_table(folder), old_schema, history
    except (ValueError, pl.exceptions.PolarsError) as error:  # published damaged, by hand: never by publish
        why = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise PublishError(
            f"{latest.tag} on {where.name} cannot be read to compare with ({why}): its files are not as "
            "claims publish wrote them (changed by hand?); nothing was changed"
        ) from None


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
