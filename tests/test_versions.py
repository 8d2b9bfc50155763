"""Version numbers from diffs, schema compatibility, and the changelog."""

from __future__ import annotations

import polars as pl
import pytest
import yaml

from conftest import FIXTURES, valid_record

from toolkit.errors import UsageError
from toolkit.versions import (
    Version,
    changelog,
    changelog_entry,
    changes_document,
    compare_schemas,
    diff,
    next_version,
)


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
    assert "**Status** of `b`: false -> mostly-false" in entry and "Changed `a`: claim: One. -> One!" in entry


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


def test_pre_releases_are_versions(tmp_path, cli):
    """`v2.0.0-rc.1` is a version (semver 2.0.0, read by `semver`): before 2.0.0, after 1.x; a
    bump from it releases it at its level; `--version 2.0.0-rc.1` publishes it and loads back."""
    rc = Version.parse("v2.0.0-rc.1")
    assert (str(rc), rc.tag, rc.prerelease) == ("2.0.0-rc.1", "v2.0.0-rc.1", "rc.1")
    assert Version(1, 9, 9) < rc < Version.parse("2.0.0-rc.2") < Version(2, 0, 0)
    assert Version.from_tag("v2.0.0-rc.1") == rc and Version.from_tag("2.0.0") is None
    assert rc.bump("major") == Version(2, 0, 0) and rc.bump("patch") == Version(2, 0, 0)
    assert Version.parse("1.3.0-beta").bump("minor") == Version(1, 3, 0)
    assert Version.parse("1.3.1-beta").bump("minor") == Version(1, 4, 0)
    for wrong in ("2.0.0-", "2.0.0+build.5", "v2", "2.0.0-rc..1"):
        with pytest.raises(UsageError):
            Version.parse(wrong)
    store = tmp_path / "store"
    assert cli("publish", FIXTURES, "--repo", store, "--version", "2.0.0-rc.1").exit_code == 0
    (tmp_path / "more.yaml").write_text(yaml.safe_dump(valid_record(id="a-new-one", claim="Another one.")))
    run = cli("publish", FIXTURES, tmp_path / "more.yaml", "--repo", store)
    assert run.exit_code == 0, run.stderr
    assert "published v2.0.0 to" in run.stdout and "(after v2.0.0-rc.1)" in run.stdout
    assert cli("pull", store, "--revision", "v2.0.0-rc.1", "--out", tmp_path / "rc.csv").exit_code == 0


def test_changelog_keeps_every_version():
    first = changelog(None, "## 1.0.0\n\nfirst\n")
    second = changelog(first, "## 1.1.0\n\nsecond\n")
    assert second.index("## 1.1.0") < second.index("## 1.0.0")
    assert second.count("# Changelog") == 1 and "first" in second


def test_the_summary_writes_numbers_as_people_do():
    """B52: `30,200 added` as `claims: 30,200` on the line below it, and `1 status change`."""
    new = pl.DataFrame({"id": [f"c{k}" for k in range(30_200)], "status": ["true"] * 30_200})
    assert diff(None, new).summary() == "30,200 added, 0 removed, 0 changed"
    old = pl.DataFrame({"id": ["a"], "status": ["true"]})
    assert diff(old, pl.DataFrame({"id": ["a"], "status": ["false"]})).summary() == "0 added, 0 removed, 1 changed, 1 status change"


def reviewed(rows):
    return pl.DataFrame(rows, schema={"id": pl.String, "claim": pl.String, "status": pl.String,
                                      "reviews": pl.List(pl.Struct({"rating": pl.Struct({"text": pl.String}),
                                                                    "status": pl.String}))}, orient="row")


def test_a_re_rated_claim_is_listed_once_with_where_it_differs():
    old = reviewed([("a", "One.", "false", [{"rating": {"text": "False"}, "status": "false"}])])
    new = reviewed([("a", "One.", "true", [{"rating": {"text": "Correct"}, "status": "true"}])])
    entry = changelog_entry(Version(1, 0, 1), diff(old, new))
    assert entry.count("`a`") == 1
    assert "- **Status** of `a`: false -> true; reviews[0].rating.text: False -> Correct (and 1 more differences)" in entry


def test_a_long_text_is_shown_around_where_it_differs():
    start = "The minister said that the budget for schools and hospitals grew every year since 2010, and "
    old, new = table([("a", start + "by 5%.", "true")]), table([("a", start + "by 7%.", "true")])
    entry = changelog_entry(Version(1, 0, 1), diff(old, new))
    assert "by 5%." in entry and "by 7%." in entry


def test_changes_json_stays_small_counts_for_a_first_version_and_ids_after():
    first = changes_document(Version(1, 0, 0), None, diff(None, OLD))
    assert first == {"version": "1.0.0", "previous": None,
                     "counts": {"added": 2, "removed": 0, "changed": 0, "status_changes": 0}}
    new = table([("a", "One!", "true"), ("c", "Three.", "true")])
    after = changes_document(Version(2, 0, 0), Version(1, 0, 0), diff(OLD, new))
    assert after["added"] == ["c"] and after["removed"] == ["b"]
    assert after["changed"] == {"a": [{"field": "claim", "at": "claim", "old": "One.", "new": "One!", "more": 0}]}
    assert after["counts"] == {"added": 1, "removed": 1, "changed": 1, "status_changes": 0}
