"""Versions: what changed between two tables, which version number that earns, and the
changelog entry that says so.

`MAJOR.MINOR.PATCH`: removed claims or an incompatible schema change is major; added claims or
new optional fields is minor; edits to existing claims is patch.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import total_ordering
from typing import Any

import polars as pl
import semver

from .columns import curated
from .dates import dates_as_text
from .errors import UsageError
from .provenance import Origin
from .text import plural


@total_ordering
@dataclass(frozen=True)
class Version:
    """A version of the dataset: semantic versioning 2.0.0, read and ordered by `semver`, so that
    pre-releases (`2.0.0-rc.1`) are versions too, and come before their release."""

    major: int
    minor: int
    patch: int
    prerelease: str | None = None

    @classmethod
    def parse(cls, text: str) -> Version:
        try:
            parsed = semver.Version.parse(text.strip().removeprefix("v"))
        except ValueError:
            parsed = None
        if parsed is None or parsed.build:
            raise UsageError(
                f"{text!r} is not a version: write MAJOR.MINOR.PATCH, like 1.2.0, or a pre-release, like 2.0.0-rc.1"
            )
        return cls(parsed.major, parsed.minor, parsed.patch, parsed.prerelease)

    @classmethod
    def from_tag(cls, tag: str) -> Version | None:
        if not tag.startswith("v"):
            return None
        try:
            return cls.parse(tag)
        except UsageError:
            return None

    @property
    def tag(self) -> str:
        return f"v{self}"

    def _semver(self) -> semver.Version:
        return semver.Version(self.major, self.minor, self.patch, self.prerelease)

    def __str__(self) -> str:
        return str(self._semver())

    def __lt__(self, other: Version) -> bool:
        return self._semver() < other._semver()

    def bump(self, level: str) -> Version:
        """The next version at `level`; from a pre-release, its own release when that is at the
        level (2.0.0-rc.1 then major is 2.0.0), as npm's semver does."""
        if self.prerelease and (
            level == "patch" or (level == "minor" and self.patch == 0) or (self.minor == self.patch == 0)
        ):
            return Version(self.major, self.minor, self.patch)
        if level == "major":
            return Version(self.major + 1, 0, 0)
        if level == "minor":
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + 1)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Diff:
    """Claims added, removed and changed (field by field) between two tables, and the schema."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[FieldChange]] = field(default_factory=dict)
    schema: SchemaChange | None = None

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed) and not (self.schema and self.schema.any)

    @property
    def status_changes(self) -> dict[str, FieldChange]:
        return {claim: c for claim, changes in self.changed.items() for c in changes if c.field == "status"}

    def level(self) -> str | None:
        """The part of the version this diff bumps, or None for no change."""
        if self.removed or (self.schema and self.schema.incompatible):
            return "major"
        if self.added or (self.schema and self.schema.added_optional):
            return "minor"
        if self.changed or (self.schema and self.schema.any):
            return "patch"
        return None

    def summary(self) -> str:
        parts = [f"{len(self.added):,} added", f"{len(self.removed):,} removed", f"{len(self.changed):,} changed"]
        if self.status_changes:
            parts.append(plural(len(self.status_changes), "status change"))
        if self.schema and self.schema.any:
            parts.append("schema changed")
        return ", ".join(parts)


@dataclass(frozen=True)
class SchemaChange:
    added_optional: list[str] = field(default_factory=list)
    incompatible: list[str] = field(default_factory=list)
    other: bool = False

    @property
    def any(self) -> bool:
        return bool(self.added_optional or self.incompatible or self.other)


def compare_schemas(old: dict | None, new: dict) -> SchemaChange:
    """New optional fields are compatible; a removed field, a newly required one, or a field whose
    definition changed can break readers and is incompatible."""
    if old is None or old == new:
        return SchemaChange()
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    added = sorted(n for n in new_props if n not in old_props and n not in new_required)
    incompatible = sorted(
        [f"removed field {n}" for n in old_props if n not in new_props]
        + [f"newly required field {n}" for n in new_required - old_required]
        + [f"changed field {n}" for n in old_props if n in new_props and old_props[n] != new_props[n]]
    )
    other = not added and not incompatible
    return SchemaChange(added, incompatible, other)


def diff(old: pl.DataFrame | None, new: pl.DataFrame, schema: SchemaChange | None = None) -> Diff:
    """Compare two claims tables by id, on the curated fields."""
    if old is None:
        return Diff(added=sorted(new["id"].to_list()), schema=schema)
    old_ids, new_ids = set(old["id"].to_list()), set(new["id"].to_list())
    columns = [c for c in curated(new.columns) if c in old.columns]
    both = sorted(old_ids & new_ids)
    old_rows = {r["id"]: r for r in _rows(old, both, columns)}
    new_rows = {r["id"]: r for r in _rows(new, both, columns)}
    changed = {}
    for claim in both:
        changes = [
            FieldChange(c, old_rows[claim][c], new_rows[claim][c])
            for c in columns
            if old_rows[claim][c] != new_rows[claim][c]
        ]
        if changes:
            changed[claim] = changes
    return Diff(sorted(new_ids - old_ids), sorted(old_ids - new_ids), changed, schema)


def _rows(table: pl.DataFrame, ids: list[str], columns: list[str]) -> Iterator[dict[str, Any]]:
    """The rows of `ids`, dates as text (a valid year 0000 is no Python date)."""
    return dates_as_text(table.filter(pl.col("id").is_in(ids)).select("id", *columns)).iter_rows(named=True)


def next_version(latest: Version | None, change: Diff, bump: str = "auto", explicit: str | None = None) -> Version:
    """The version to publish: given by hand (never at or below the latest), or from the diff."""
    if explicit:
        version = Version.parse(explicit)
        if latest and version <= latest:
            raise UsageError(f"version {version} is not above the latest published version {latest}")
        return version
    if latest is None:
        return Version(1, 0, 0)
    level = change.level() if bump == "auto" else bump
    if level not in ("major", "minor", "patch"):
        raise UsageError(f"--bump takes auto, major, minor or patch, not {bump!r}")
    return latest.bump(level)


@dataclass(frozen=True)
class Difference:
    """Where a field's old and new values first differ (`reviews[0].status`), the two values
    there, and how many other places differ: what a re-rating changed, said once."""

    path: str
    old: Any
    new: Any
    more: int = 0

    def __str__(self) -> str:
        old, new = _shown_pair(self.old, self.new)
        more = f" (and {self.more:,} more differences)" if self.more else ""
        return f"{self.path}: {old} -> {new}{more}"


def difference(change: FieldChange) -> Difference:
    """The first place where `change.old` and `change.new` differ, walking lists and mappings."""
    places = list(_differences(change.field, change.old, change.new)) or [(change.field, change.old, change.new)]
    path, old, new = places[0]
    return Difference(path, old, new, len(places) - 1)


def _differences(path: str, old: Any, new: Any):
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=lambda k: (k not in old, str(k))):
            if old.get(key) != new.get(key):
                yield from _differences(f"{path}.{key}", old.get(key), new.get(key))
    elif isinstance(old, list) and isinstance(new, list) and old and new:
        for index in range(max(len(old), len(new))):
            a = old[index] if index < len(old) else None
            b = new[index] if index < len(new) else None
            if a != b:
                yield from _differences(f"{path}[{index}]", a, b)
    else:
        yield path, old, new


SHOWN = 80  # characters of a value the changelog shows; a longer text is shown around where it differs


def _shown_pair(old: Any, new: Any) -> tuple[str, str]:
    """Both values as text; two long texts are cut around their first difference, never before it."""
    a, b = _text(old), _text(new)
    if len(a) <= SHOWN and len(b) <= SHOWN:
        return a, b
    start = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    start = max(0, start - 20)
    return _window(a, start), _window(b, start)


def _text(value: Any) -> str:
    return "(none)" if value is None else str(value)


def _window(text: str, start: int) -> str:
    cut = text[start : start + SHOWN]
    return ("..." if start else "") + cut + ("..." if start + SHOWN < len(text) else "")


# How many claims the card and the changelog name per kind of change; changes.json names them all.
LISTED_PER_KIND = 50
CHANGES_NAME = "changes.json"


def describe_changes(change: Diff, limit: int | None = None) -> list[str]:
    """The diff as Markdown list items, one per claim, re-rated claims first with their status
    called out; with `limit`, at most that many items of each kind, then a line counting the rest."""
    rerated, edited = [], []
    for claim, changes in change.changed.items():
        status = next((c for c in changes if c.field == "status"), None)
        others = "; ".join(str(difference(c)) for c in changes if c.field != "status")
        if status is not None:
            rerated.append(
                f"- **Status** of `{claim}`: {status.old} -> {status.new}" + (f"; {others}" if others else "")
            )
        else:
            edited.append(f"- Changed `{claim}`: {others}")
    kinds = [
        ("added", [f"- Added `{claim}`" for claim in change.added]),
        ("removed", [f"- Removed `{claim}`" for claim in change.removed]),
        ("status changes", rerated),
        ("other changes", edited),
    ]
    lines = []
    for kind, items in kinds:
        lines += items[:limit]
        if limit is not None and len(items) > limit:
            lines.append(f"- ... and {len(items) - limit:,} more {kind} (every id: `{CHANGES_NAME}` of this version)")
    if change.schema:
        lines += [f"- Schema: new optional field `{n}`" for n in change.schema.added_optional]
        lines += [f"- Schema: {text} (incompatible)" for text in change.schema.incompatible]
        if change.schema.other:
            lines.append("- Schema: descriptions or rules changed")
    return lines


def changes_document(
    version: Version, previous: Version | None, change: Diff, origin: Origin | None = None
) -> dict[str, Any]:
    """What a version changed, and where it came from, as plain data for `changes.json`, kept
    small: counts, and for a version after the first the ids added, removed and changed, each
    change once, with where it differs (a first version adds every claim: its ids are the data)."""
    document: dict[str, Any] = {
        "version": str(version),
        "previous": str(previous) if previous else None,
        **(origin.as_dict() if origin else {}),
        "counts": {
            "added": len(change.added),
            "removed": len(change.removed),
            "changed": len(change.changed),
            "status_changes": len(change.status_changes),
        },
    }
    if previous is None:
        return document
    return {
        **document,
        "added": change.added,
        "removed": change.removed,
        "changed": {claim: [_changed(c) for c in changes] for claim, changes in change.changed.items()},
    }


def _changed(change: FieldChange) -> dict[str, Any]:
    where = difference(change)
    return {"field": change.field, "at": where.path, "old": where.old, "new": where.new, "more": where.more}


def changelog_entry(version: Version, change: Diff, origin: Origin | None = None) -> str:
    """A version's entry: dated, with the desk's commit, when `origin` is given."""
    body = "\n".join(describe_changes(change, LISTED_PER_KIND)) or "- No changes to the claims."
    if origin is None:
        return f"## {version}\n\n{change.summary()}.\n\n{body}\n"
    return f"## {version} ({origin.date})\n\n{change.summary()}; from {origin.describe()}.\n\n{body}\n"


def changelog(previous: str | None, entry: str) -> str:
    """The whole CHANGELOG.md: the newest entry first, every earlier version kept below it."""
    head = "# Changelog\n\nEvery published version of this dataset, newest first.\n"
    earlier = ""
    if previous and "\n## " in previous:
        earlier = previous[previous.index("\n## ") + 1 :]
    return f"{head}\n{entry}" + (f"\n{earlier}" if earlier else "")
