"""`claims fmt` and `claims migrate` never change what a file means: a file they cannot rewrite
without changing a value (for the toolkit, PyYAML, ruamel.yaml or json) or moving a comment is
left alone, with the reason, and the other files are still done (review 2026-12: B7, B14, B15,
B19, B30, B47, B48)."""

from __future__ import annotations

import json

import pytest
import yaml
from ruamel.yaml import YAML

import toolkit
from conftest import valid_record
from toolkit import readers
from toolkit.readers.source import Source
from toolkit.schema import load_schema

RECORD = """\
id: flow-test
speaker: Someone
claim: A claim.
date: "2018-12-12"
status: "true"
sources:
  - url: https://example.org/a
"""


def _toolkit_reads(path) -> dict:
    """The first record as `claims validate` reads it."""
    return next(iter(readers.read(Source(path, str(path)), load_schema().record_kind))).data


def _readers_agree(path) -> dict:
    """The record as PyYAML (YAML 1.1) and ruamel.yaml (1.2) read it, which must agree."""
    text = path.read_text(encoding="utf-8")
    one, other = yaml.safe_load(text), YAML(typ="safe", pure=True).load(text)
    assert one == other, (one, other)
    return one


@pytest.mark.parametrize("written", ['[a, "?q", b]', '[a, "?x:y"]', '[a, ":x"]', '{first: "?q", second: ":x"}'])
def test_fmt_keeps_indicators_quoted_inside_flow_collections(write, cli, written):
    """B7: `?q`, `?x:y` and `:x` written plain inside [...] or {...} become a mapping or a syntax error."""
    path = write("claims/a.yaml", RECORD + f"tags: {written}\nextra: {written}\n")
    meant = _toolkit_reads(path)
    problems = {
        (p.pointer, p.rule) for p in toolkit.validate([path]).problems
    }  # `extra`: a field the schema does not know
    run = cli("fmt", path)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert {(p.pointer, p.rule) for p in toolkit.validate([path]).problems} == problems
    assert _toolkit_reads(path) == meant
    assert cli("fmt", "--check", path).exit_code == 0  # idempotent
    data = _readers_agree(path)
    assert data["extra"] == data["tags"] == meant["tags"]


def test_fmt_refuses_a_file_validate_cannot_read_for_a_line_separator(write, cli):
    """B14: U+2028 in a plain value is a line break to PyYAML (validate) and a character to ruamel (fmt)."""
    path = write("claims/a.yaml", RECORD.replace("speaker: Someone", "speaker: Some\u2028one"))
    before = path.read_bytes()
    run = cli("fmt", path)
    assert run.exit_code == 1
    assert "cannot format" in run.stderr and "could not find expected ':'" in run.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize("character", ["\u2028", "\u2029", "\x85", "\ufeff"])
def test_fmt_writes_line_separators_escaped_so_every_reader_agrees(write, cli, character):
    """B14: a separator validate reads (escaped, in double quotes) is written escaped again."""
    escaped = json.dumps(character)[1:-1]
    path = write("claims/a.yaml", RECORD.replace("status", "context: 'x'\nstatus").replace("'x'", f'"a{escaped}b"'))
    assert toolkit.validate([path]).records == 1
    path.write_text(path.read_text().replace("id: flow-test\n", "speaker_type: person\nid: flow-test\n"))
    assert cli("fmt", path).exit_code == 0
    assert _readers_agree(path)["context"] == f"a{character}b"
    assert _toolkit_reads(path)["context"] == f"a{character}b"


@pytest.mark.parametrize(
    ("value", "tag"), [("!!binary aGVsbG8=", "!!binary"), ("!!timestamp 2001-12-14", "!!timestamp"), ("!x y", "!x")]
)
def test_validate_refuses_yaml_tags_and_fmt_leaves_them(write, cli, value, tag):
    """B15: tags were ignored by validate (PyYAML reads bytes or a date), then fmt changed the value."""
    path = write("claims/a.yaml", RECORD.replace("speaker: Someone", f"speaker: {value}"))
    result = toolkit.validate([path])
    assert [(p.line, p.column, p.rule) for p in result.problems] == [(2, 10, "yaml-tag")]
    assert tag in result.problems[0].message
    before = path.read_bytes()
    run = cli("fmt", path)
    assert run.exit_code == 1 and f"line 2, column 10: YAML tags ({tag})" in run.stderr
    assert path.read_bytes() == before


def test_str_tags_are_text(write):
    path = write("a.yaml", RECORD.replace("speaker: Someone", "speaker: !!str null").replace("A claim.", "! 2018"))
    assert toolkit.validate([path]).valid
    assert _toolkit_reads(path)["speaker"] == "null" and _toolkit_reads(path)["claim"] == "2018"


def test_fmt_formats_a_raw_tab_validate_accepts(write, cli):
    """B19: a tab inside a plain value is valid YAML; ruamel.yaml's scanner refused it and fmt said
    'no YAML or JSON claim file found'."""
    path = write("claims/a.yaml", RECORD.replace("A claim.", "A\tclaim with a raw tab"))
    assert toolkit.validate([path]).valid
    run = cli("fmt", path)
    assert run.exit_code == 0, run.stderr
    assert 'claim: "A\\tclaim with a raw tab"' in path.read_text()
    assert _readers_agree(path)["claim"] == "A\tclaim with a raw tab"
    assert toolkit.validate([path]).valid


def test_fmt_says_how_many_files_it_left_alone(write, cli):
    """B19: when every file is refused, the summary does not claim there was no file."""
    path = write("claims/a.yaml", RECORD.replace("Someone", "!!binary aGVsbG8="))
    run = cli("fmt", path)
    assert "no YAML or JSON claim file found" not in run.stdout
    assert "1 file left alone" in run.stdout


def test_fmt_refuses_half_a_character_in_json_and_goes_on(write, cli):
    """B30: `"\\ud800"` ended fmt in a traceback and the files after it were not formatted."""
    bad = write("claims/a.json", json.dumps(valid_record(claim="Bad \ud800 text")))
    good = write("claims/b.json", json.dumps(valid_record(id="other-claim"), indent=4))
    before = bad.read_bytes()
    run = cli("fmt", bad.parent)
    assert run.exit_code == 1
    assert "cannot format " + str(bad) in run.stderr and "U+D800" in run.stderr
    assert bad.read_bytes() == before
    assert good.read_text() == json.dumps(valid_record(id="other-claim"), indent=2) + "\n"


@pytest.mark.parametrize("number", ["1e400", "-1e400"])
def test_fmt_leaves_a_number_out_of_range_alone(write, cli, number):
    """B48: `1e400` was written back as `Infinity`, which is not JSON."""
    path = write("claims/a.json", json.dumps(valid_record()).replace('"status"', f'"score": {number}, "status"'))
    before = path.read_bytes()
    run = cli("fmt", path)
    assert run.exit_code == 1
    assert f"the number {number} is beyond" in run.stderr and "line 1, column" in run.stderr
    assert path.read_bytes() == before


def test_fmt_refuses_to_drop_a_comment_in_a_flow_list(write, cli):
    """B47: a comment inside [...] was dropped."""
    path = write("claims/a.yaml", RECORD + "tags: [a,  # note\n  b]\n")
    before = path.read_bytes()
    run = cli("fmt", path)
    assert run.exit_code == 1 and "the comment '# note'" in run.stderr and "would move or be lost" in run.stderr
    assert path.read_bytes() == before


def test_fmt_keeps_comments_above_keys_and_at_the_end(write, cli):
    """B47: a comment above `claim:` moved to the end of the file under `status`; an end-of-file
    comment landed between two keys. Kept in place, or the file is refused: never moved."""
    text = (
        'id: flow-test\n# about the claim\nclaim: A claim.\nspeaker: Someone\ndate: "2018-12-12"\n'
        'sources:\n  - url: https://example.org/a\nstatus: "true"\n# end of file\n'
    )
    path = write("claims/a.yaml", text)
    run = cli("fmt", path)
    after = path.read_text()
    if run.exit_code == 0:
        assert "# about the claim\nclaim: A claim." in after
        assert after.endswith("# end of file\n")
    else:
        assert "would move" in run.stderr and after == text


def test_fmt_keeps_line_ends_and_the_bom(write, cli):
    path = write("claims/a.yaml", b"\xef\xbb\xbf" + RECORD.replace('"true"', "true").replace("\n", "\r\n").encode())
    assert cli("fmt", path).exit_code == 0
    data = path.read_bytes()
    assert (
        data.startswith(b"\xef\xbb\xbf") and b'status: "true"\r\n' in data and b"\n" not in data.replace(b"\r\n", b"")
    )
    assert cli("fmt", "--check", path).exit_code == 0


def test_fmt_refuses_a_key_written_twice(write, cli):
    path = write("claims/a.yaml", RECORD + "claim: Again.\n")
    run = cli("fmt", path)
    assert run.exit_code == 1 and "line 8, column 1: the key 'claim' is written twice" in run.stderr
