"""Version numbers from diffs, schema compatibility, and the changelog."""

from __future__ import annotations

import polars as pl
import pytest

from toolkit.errors import UsageError
from toolkit.versions import Version, changelog, changelog_entry, compare_schemas, diff, next_version


def table(rows):
    return pl.DataFrame(rows, schema={"id": pl.String, "claim": pl.String, "status": pl.String}, orient="row")


OLD = table([("a", "One.", "true"), ("b", "Two.", "false")])


@pytest.mark.parametrize("new, level", [
    (table([("a", "One.", "true"), ("b", "Two.", "false")]), None),
    (table([("a", "One.", "true"), ("b", "Two.", "mostly-false")]), "patch"),
    (table([("a", "One.", "true"), ("b", "Two.", "false"), ("c", "Three.", "true")]), "minor"),
    (table([("a", "One.", "true")]), "major"),
])
def test_level_from_diff(new, level):
    assert diff(OLD, new).level() == level


def test_field_by_field_changes():
    change = diff(OLD, table([("a", "One!", "true"), ("b", "Two.", "mostly-false")]))
    assert {c: [(f.field, f.old, f.new) for f in fs] for c, fs in change.changed.items()} == {
        "a": [("claim", "One.", "One!")], "b": [("status", "false", "mostly-false")]}
    assert list(change.status_changes) == ["b"]
    entry = changelog_entry(Version(1, 0, 1), change)
    assert "**Status** of `b`: false -> mostly-false" in entry and "Changed `a` claim: One. -> One!" in entry


def test_schema_compatibility():
    old = {"properties": {"id": {"type": "string"}, "x": {"type": "string"}}, "required": ["id"]}
    added = {"properties": {**old["properties"], "y": {"type": "string"}}, "required": ["id"]}
    assert compare_schemas(old, added).added_optional == ["y"]
    assert diff(OLD, OLD, compare_schemas(old, added)).level() == "minor"
    removed = {"properties": {"id": {"type": "string"}}, "required": ["id"]}
    assert diff(OLD, OLD, compare_schemas(old, removed)).level() == "major"
    required = {**old, "required": ["id", "x"]}
    assert compare_schemas(old, required).incompatible == ["newly required field x"]
    assert not compare_schemas(old, dict(old)).any


def test_next_version_rules():
    latest = Version(1, 4, 2)
    assert next_version(None, diff(None, OLD)) == Version(1, 0, 0)
    assert str(next_version(latest, diff(OLD, table([("a", "One.", "true")])))) == "2.0.0"
    assert str(next_version(latest, diff(OLD, OLD), bump="minor")) == "1.5.0"
    assert str(next_version(latest, diff(OLD, OLD), explicit="1.4.3")) == "1.4.3"
    for wrong in ("1.4.2", "1.0.0"):
        with pytest.raises(UsageError):
            next_version(latest, diff(OLD, OLD), explicit=wrong)
    with pytest.raises(UsageError):
        Version.parse("1.4")
    assert sorted([Version(1, 10, 0), Version(1, 9, 9), Version(2, 0, 0)])[0] == Version(1, 9, 9)


def test_changelog_keeps_every_version():
    first = changelog(None, "## 1.0.0\n\nfirst\n")
    second = changelog(first, "## 1.1.0\n\nsecond\n")
    assert second.index("## 1.1.0") < second.index("## 1.0.0")
    assert second.count("# Changelog") == 1 and "first" in second
