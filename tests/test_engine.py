"""The engine decides validity by the specification (ECMA-262 patterns, RFC 3339 dates) with any
keyword of 2020-12, and jsonschema explains; where they disagree, the engine's verdict stands and
every refusal is explained at its place."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

import toolkit
from conftest import CLAIMS, FIXTURES, valid_record
from strategies import FIELDS, ODD_VALUES, TEXT, records, spoilt
from toolkit import readers
from toolkit.engine import Engine
from toolkit.schema import load_schema

SCHEMA = load_schema()
ENGINE = SCHEMA.engine
VALIDATOR = SCHEMA.validator
_FINAL_NEWLINE = re.compile(r"\n\Z")


def departs(value) -> bool:
    """Whether `value` holds text where jsonschema departs from the specification: a final
    newline (Python's `$` matches before it) or year 0000 (no such year in Python's dates)."""
    if isinstance(value, dict):
        return any(departs(v) for v in value.values())
    if isinstance(value, list):
        return any(departs(v) for v in value)
    return isinstance(value, str) and (value.endswith("\n") or value.startswith("0000-"))


def verdicts_agree(value) -> None:
    """The engine refuses exactly what it explains; away from the known departures, it agrees
    with jsonschema, and the explanation is jsonschema's own."""
    explained = ENGINE.errors(value)
    assert ENGINE.is_valid(value) == (not explained), (value, explained)
    if not departs(value):
        expected = sorted(_errors(VALIDATOR.iter_errors(value)))
        assert ENGINE.is_valid(value) == (not expected), (value, expected)
        assert sorted(_errors(explained)) == expected


def _errors(errors) -> list[tuple]:
    return [(tuple(e.absolute_path), e.validator, repr(e.validator_value), e.message) for e in errors]


def test_every_fixture_record():
    layout = SCHEMA.record_kind
    found = [item for source in readers.discover([FIXTURES]) for item in readers.read(source, layout)
             if isinstance(item, toolkit.Record)]
    assert len(found) == 14
    for record in found:
        verdicts_agree(record.data)
        assert ENGINE.is_valid(record.data)


@settings(max_examples=300, deadline=None)
@given(records())
def test_generated_valid_records(record):
    verdicts_agree(record)
    assert ENGINE.is_valid(record)


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(spoilt())
def test_spoilt_records(record):
    verdicts_agree(record)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.integers(), TEXT, st.lists(ODD_VALUES, max_size=3),
                 st.dictionaries(st.sampled_from(FIELDS), ODD_VALUES, max_size=5)))
def test_anything_at_all(value):
    verdicts_agree(value)


# --- where jsonschema departs from the specification, the engine decides -------------------------

@pytest.mark.parametrize("field, value", [("id", "abc\n"), ("language", "en\n")])
def test_a_final_newline_in_a_pattern_field_is_an_error(write, field, value):
    """ECMA-262's `$` does not match before a final newline (Python's does, so jsonschema finds
    nothing): the engine's error is reported at the value, in the plain words of `explain`."""
    text = json.dumps(valid_record(**{field: value}))
    yaml_text = _yaml(valid_record(**{field: value}))
    yaml_line = 1 + [line.split(":")[0] for line in yaml_text.splitlines()].index(field)
    for path, line in ((write("a.jsonl", text + "\n"), 1), (write("b.json", text), 1), (write("c.yaml", yaml_text), yaml_line)):
        result = toolkit.validate([path])
        # the text rules refuse the line break too (a control character outside claim and context)
        found = {(p.line, p.pointer, p.rule): p.message for p in result.problems}
        assert set(found) == {(line, f"/{field}", "pattern"), (line, f"/{field}", "control-character")}, path
        assert found[(line, f"/{field}", "pattern")].startswith(f"{value!r} is not a valid {field}")


def test_an_id_and_the_same_id_with_a_newline_cannot_both_pass(write, cli):
    path = write("a.jsonl", json.dumps(valid_record(id="same-id")) + "\n"
                 + json.dumps(valid_record(id="same-id\n", claim="Another claim.")) + "\n")
    result = toolkit.validate([path])
    assert not result.valid
    assert {(p.line, p.pointer, p.rule) for p in result.problems} == {(2, "/id", "pattern"), (2, "/id", "control-character")}
    assert cli("validate", path).exit_code == 1


def test_year_0000_is_a_date_for_the_engine(write):
    """RFC 3339 has a year 0000; jsonschema's checker (Python's dates) refuses it. The engine
    decides: the record is valid, and an error elsewhere in it is reported alone."""
    record = valid_record(date="0000-01-01", sources=[{"url": "https://example.org", "date": "0000-02-29"}])
    assert toolkit.validate([write("a.json", json.dumps(record))]).valid
    assert not FormatChecker().conforms("0000-01-01", "date")
    spoilt_record = dict(record, status="maybe")
    problems = toolkit.validate([write("b.json", json.dumps(spoilt_record))]).problems
    assert [(p.pointer, p.rule) for p in problems] == [("/status", "enum")]


def test_engine_errors_jsonschema_cannot_see_are_reported_in_its_terms():
    """The disagreement rule, piece by piece: an error jsonschema does not find is the engine's;
    one the engine does not find is dropped; the others are jsonschema's."""
    record = valid_record(id="abc\n", date="0000-01-01", status="maybe")
    errors = {(tuple(e.absolute_path), e.validator) for e in ENGINE.errors(record)}
    assert errors == {(("id",), "pattern"), (("status",), "enum")}


def test_formats_agree_with_the_format_checker():
    """`format: date` and `uri` are asserted by the engine, with the checker's verdicts (year 0000
    and final newlines apart)."""
    checker = FormatChecker()
    date_schema = Engine({"type": "string", "format": "date"}, Draft202012Validator({}))
    years = [*range(1, 12), 100, 400, 1600, 1700, 1900, 2000, 2018, 2024, 2100, 2400, 9996, 9999]
    for day in (f"{y:04d}-{m:02d}-{d:02d}" for y in years for m in range(14) for d in range(33)):
        assert date_schema.is_valid(day) == checker.conforms(day, "date"), day
    for day in ("2018-1-01", "2018-01-1", "20180101", "2018-01-01T00:00", "２０１８-01-01", " 2018-01-01"):
        assert not date_schema.is_valid(day) and not checker.conforms(day, "date"), day
    uri_schema = Engine({"type": "string", "format": "uri"}, Draft202012Validator({}))
    for url in ["https://example.org/a", "https://exa mple.org/a", "https://", "ftp://x", "https://example.org/a b",
                "https://example.org/%zz", "https://ex.org/ü", "https://[::1]/a", "http://a/b?c#d#e", "https://a/b|c",
                "https://a/{x}", "https://a:99999/x", "HTTPS://EXAMPLE.ORG/%41", "mailto:a@b.org", "relative/path"]:
        assert uri_schema.is_valid(url) == checker.conforms(url, "uri"), url


# --- every schema takes the same path ----------------------------------------------------------

def test_a_plain_schema_works(write, cli):
    """A schema with no pattern, format or uniqueItems (it once ended in an IndentationError
    from generated code)."""
    text = {"type": "string"}
    schema = write("plain.json", json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
        "required": ["id", "speaker", "claim", "date", "status"],
        "properties": {"id": text, "speaker": text, "claim": text, "status": text, "date": {**text, "format": "date"}},
    }))
    record = {"id": "a", "speaker": "S", "claim": "C", "date": "2018-12-04", "status": "true"}
    good = write("data/a.jsonl", json.dumps(record) + "\n")
    bad = write("data/b.jsonl", json.dumps({**record, "id": 1}) + "\n")
    assert cli("validate", "--schema", schema, good).exit_code == 0
    run = cli("validate", "--schema", schema, bad)
    assert run.exit_code == 1 and "'id' must be text, not the number 1" in run.stdout


DESK_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id", "speaker", "claim", "date", "status"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$"},
        "speaker": {"type": "string", "minLength": 1},
        "claim": {"type": "string", "minLength": 1},
        "date": {"$ref": "#/$defs/day"},
        "status": {"enum": ["true", "false", "unverified"]},
        "topic": {"anyOf": [{"type": "string", "minLength": 2}, {"type": "null"}]},
        "party": {"oneOf": [{"const": "none"}, {"type": "string", "pattern": "^[A-Z]+$"}]},
        "checker": {"type": "string"},
    },
    "if": {"properties": {"status": {"const": "false"}}, "required": ["status"]},
    "then": {"required": ["checker"]},
    "$defs": {"day": {"type": "string", "format": "date"}},
}


def test_any_keyword_takes_the_same_path(write):
    """anyOf, oneOf, if/then and $ref: the engine decides, jsonschema explains, the same
    verdicts from the JSON Lines path, the careful path, and several processes."""
    schema = write("desk.json", json.dumps(DESK_SCHEMA))
    base = {"id": "a-claim", "speaker": "S", "claim": "C", "date": "2018-12-04", "status": "true"}
    rows = [
        base,
        dict(base, id="b", topic=None, party="LAB"),
        dict(base, id="c", status="false", checker="Ann"),
        dict(base, id="d", status="false"),  # if/then: a checker is required
        dict(base, id="e", topic="x"),  # anyOf: too short, and not null
        dict(base, id="f", party="none!"),  # oneOf: neither
        dict(base, id="g", date="2018-02-30"),  # $ref to a format
    ]
    rows = [dict(row, claim=f"Claim {n}.") for n, row in enumerate(rows)]
    path = write("desk.jsonl", "".join(json.dumps(row) + "\n" for row in rows))
    result = toolkit.validate([path], schema=schema, workers=1)
    assert [(p.line, p.pointer, p.rule) for p in result.problems] == [
        (4, "", "required"), (5, "/topic", "anyOf"), (6, "/party", "oneOf"), (7, "/date", "format")]
    assert "'checker'" in result.problems[0].message
    assert result == toolkit.read_records([path], schema=schema)[0] == toolkit.validate([path], schema=schema, workers=2)


def test_a_schema_the_engine_cannot_compile_is_refused(write):
    schema = write("remote.json", json.dumps({"type": "object", "properties": {"a": {"$ref": "https://example.org/a.json"}}}))
    with pytest.raises(toolkit.errors.SchemaError, match="cannot be compiled"):
        load_schema(schema)


def test_custom_schema_with_any_keyword(write):
    from toolkit.schema import default_schema_path

    document = json.loads(default_schema_path().read_text())
    document["properties"]["id"] = {"type": "string", "not": {"pattern": "^x-"}}
    schema = write("s.json", json.dumps(document))
    assert toolkit.validate([CLAIMS / "washington.json"], schema=schema).valid
    refused = toolkit.validate([write("x.json", json.dumps(valid_record(id="x-1")))], schema=schema)
    assert [p.pointer for p in refused.problems] == ["/id"]


def _yaml(record: dict) -> str:
    import yaml

    return yaml.safe_dump(record, sort_keys=False, allow_unicode=True)


def test_values_json_cannot_hold_are_left_to_jsonschema():
    """A reader may hand over what JSON cannot hold (a key that is not text); the engine cannot
    read it, and jsonschema decides alone."""
    value = {**valid_record(), 1: "one"}
    assert not ENGINE.accepts(value)
    assert [e.validator for e in ENGINE.errors(value)] == ["additionalProperties"]
    assert ENGINE.accepts(valid_record())
