"""`claims fmt`: canonical claim files that every YAML tool reads as the toolkit does."""

from __future__ import annotations

import json
import re
import shutil

import yaml

import toolkit
from conftest import FIXTURES
from toolkit.fmt import format_paths, reads_as_text

MESSY = """\
# A curator's file: comments, odd order, a one-digit day, bare status words.
status: true   # checked on the day
date: 2018-12-4
speaker: John Bolton
sources:
  - publisher: ThinkProgress
    url: https://example.org/a
claim: >-
  They have not lived up to the
  commitments so far.
id: bolton-commitments
tags: [korea, 'no']
"""


def test_fmt_rewrites_in_schema_order_and_keeps_comments(write, cli):
    path = write("claims/a.yaml", MESSY)
    run = cli("fmt", path.parent)
    assert run.exit_code == 0, run.stdout
    assert f"reformatted {path.parent}" in run.stdout
    text = path.read_text()
    keys = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert keys == ["id", "speaker", "claim", "date", "status", "sources", "tags"]
    assert text.startswith("# A curator's file")
    assert re.search(r'^status: "true" +# checked on the day$', text, re.M)
    assert 'date: "2018-12-04"' in text
    assert "  - url: https://example.org/a\n    publisher: ThinkProgress" in text
    assert "claim: >-\n  They have not lived up to the\n  commitments so far." in text
    assert "tags: [korea, 'no']" in text or 'tags: [korea, "no"]' in text


def test_formatted_files_mean_the_same_to_every_yaml_reader(write):
    path = write("a.yaml", MESSY)
    before = toolkit.validate([path])
    format_paths([path])
    after = toolkit.validate([path])
    assert {p.pointer for p in before.problems} == {"/date"}  # 2018-12-4: one digit too few
    assert after.valid
    plain = yaml.safe_load(path.read_text())  # YAML 1.1, as many editors and tools read it
    assert plain["status"] == "true" and plain["date"] == "2018-12-04" and plain["tags"] == ["korea", "no"]


def test_the_fixtures_follow_fmt(cli):
    run = cli("fmt", FIXTURES, "--check")
    assert run.exit_code == 0 and "0 files would be reformatted" in run.stdout


def test_fmt_is_idempotent_and_check_changes_nothing(tmp_path, cli):
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    yaml_file = tmp_path / "fixtures" / "claims" / "koreas-border.yaml"
    yaml_file.write_text(yaml_file.read_text().replace('status: "true"', "status: true"))  # as curators write it
    messy = {p: p.read_bytes() for p in (tmp_path / "fixtures").rglob("*") if p.is_file()}
    checked = cli("fmt", tmp_path / "fixtures", "--check")
    assert checked.exit_code == 1 and "would reformat" in checked.stdout
    assert all(path.read_bytes() == content for path, content in messy.items())
    assert cli("fmt", tmp_path / "fixtures").exit_code == 0
    again = cli("fmt", tmp_path / "fixtures", "--check")
    assert again.exit_code == 0 and "0 files would be reformatted" in again.stdout
    assert toolkit.validate([tmp_path / "fixtures"]).valid


def test_json_files_take_the_schema_order(write):
    path = write("a.json", json.dumps({"status": "true", "id": "abc", "speaker": "X"}))
    format_paths([path])
    assert list(json.loads(path.read_text())) == ["id", "speaker", "status"]
    assert path.read_text().endswith("}\n")


def test_unreadable_files_are_reported_and_the_rest_formatted(write, cli):
    broken = write("claims/broken.yaml", "id: [unclosed\n")
    good = write("claims/good.yaml", "status: true\nid: abc\n")
    run = cli("fmt", good.parent)
    assert run.exit_code == 1
    assert f"cannot format {broken}" in run.stderr
    assert good.read_text() == 'id: abc\nstatus: "true"\n'
    assert broken.read_text() == "id: [unclosed\n"


def test_reads_as_text():
    for risky in ("true", "no", "On", "2018-12-04", "1e3", "0o17", "null", "~", "a: b", "x # y", " lead", "", "12:30"):
        assert not reads_as_text(risky), risky
    for safe in ("unverified", "mostly-true", "John Bolton", "https://example.org/a?b=c", "Moon Jae-in"):
        assert reads_as_text(safe), safe
