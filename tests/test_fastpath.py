"""The fast path gives jsonschema's verdicts: on every fixture, on generated valid records and on
records spoilt in every way we could think of; and the same report whether it is on or off,
whether one process or several check the input."""

from __future__ import annotations

import datetime as dt
import json
import re
import string

import msgspec
import orjson
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rfc3986_validator import validate_rfc3986

import toolkit
from pathlib import Path

from conftest import CLAIMS, FIXTURES, ROOT, valid_record
from toolkit import batch, readers
from toolkit.fastlines import LineDecoder
from toolkit.fastpath import SUFFICIENT_FORMATS, Explainer, FastSchema
from toolkit.readers import jsonl, located_json
from toolkit.records import Positions
from toolkit.schema import load_schema
from toolkit.text import claim_key
from toolkit.validate import UniqueIndex, _lines_at, claim_digest

# The compilers are tested on schema 1, which uses only what they translate (schema 2 has numbers,
# which the line decoder leaves to jsonschema); the validation engine that replaces them reads both.
SCHEMA = load_schema(Path(__file__).parent / "data" / "claim-v1.schema.json")
FAST = SCHEMA.fast
VALIDATOR = SCHEMA.validator


def verdicts_agree(value) -> None:
    """Fast path and jsonschema agree on `value`, and the explainer finds jsonschema's errors."""
    expected = sorted(_errors(VALIDATOR.iter_errors(value)))
    assert FAST.valid(value) == (not expected), (value, expected)
    assert sorted(_errors(Explainer(VALIDATOR, FAST).errors(value))) == expected


def _errors(errors) -> list[tuple]:
    return [(tuple(e.absolute_path), e.validator, repr(e.validator_value), e.message) for e in errors]


def test_the_claim_schema_has_a_fast_path():
    assert FAST is not None and SCHEMA.lines is not None


def test_every_fixture_record():
    layout = SCHEMA.csv_layout
    records = [item for source in readers.discover([FIXTURES]) for item in readers.read(source, layout)
               if isinstance(item, toolkit.Record)]
    assert len(records) == 14
    for record in records:
        verdicts_agree(record.data)


# --- generated records ------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)
WORD = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
DAY = st.dates().map(lambda d: d.isoformat()).filter(lambda d: len(d) == 10)
URL = st.builds(lambda host, path: f"https://{host}.org/{path}", WORD, st.lists(WORD, max_size=4).map("/".join))
STATUS = st.sampled_from(["unverified", "true", "mostly-true", "mixed", "mostly-false", "false", "misleading", "unproven"])


@st.composite
def records(draw) -> dict:
    record = {
        "id": "-".join(draw(st.lists(WORD, min_size=1, max_size=4))).ljust(3, "x"),
        "speaker": draw(TEXT),
        "claim": draw(TEXT),
        "date": draw(DAY),
        "status": draw(STATUS),
        "sources": draw(st.lists(st.fixed_dictionaries(
            {"url": URL}, optional={"title": TEXT, "publisher": TEXT, "date": DAY}), min_size=1, max_size=3)),
    }
    optional = draw(st.fixed_dictionaries({}, optional={
        "context": TEXT,
        "tags": st.lists(WORD, max_size=4, unique=True),
        "language": st.sampled_from(["en", "pt-BR", "fr", "zh-Hant", "es-419"]),
        "review": st.fixed_dictionaries({}, optional={"summary": TEXT, "url": URL, "reviewer": TEXT, "date": DAY}),
        "history": st.lists(st.fixed_dictionaries({"date": DAY, "status": STATUS}, optional={"note": TEXT}), max_size=2),
    }))
    record.update(optional)
    return record


# Values that break one rule or sit on its edge: wrong types, empty and over-long text, strings
# patterns and formats must refuse (and some that only Python's `re` would accept).
ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.just([]), st.just({}),
    st.just(""), st.just("x" * 5001), st.just("abc\n"), st.just("2018-02-30"), st.just("2018-2-3"),
    st.just("0000-01-01"), st.just("2018-12-04\n"), st.just("https://exa mple.org"), st.just("ftp://example.org"),
    st.just("https://example.org/a b"), st.just("https://example.org\n"), st.just("https://[::1]/x"),
    st.just("HTTPS://EXAMPLE.ORG/%41"), st.just("https://example.org/%zz"), st.just("https://a.org/\x1c"),
    st.just("maybe"), st.just("True"), st.just("Bad_ID"), st.just("ab"), st.just("a--b"), st.just("english"),
    st.lists(st.just("dup"), min_size=2, max_size=2), st.lists(st.integers(), min_size=1, max_size=2),
    TEXT, URL, DAY,
)
FIELDS = ["id", "speaker", "claim", "date", "status", "sources", "context", "tags", "language", "review",
          "history", "speakr", "source"]


@st.composite
def spoilt(draw) -> dict:
    """A valid record with one to three things changed, anywhere in it."""
    record = draw(records())
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["top", "drop", "source", "review", "history", "tag", "whole-list"]))
        if where == "top":
            record[draw(st.sampled_from(FIELDS))] = draw(ODD_VALUES)
        elif where == "drop":
            record.pop(draw(st.sampled_from(FIELDS)), None)
        elif where == "source" and isinstance(record.get("sources"), list) and record["sources"]:
            item = record["sources"][0]
            if isinstance(item, dict):
                item[draw(st.sampled_from(["url", "title", "publisher", "date", "titel"]))] = draw(ODD_VALUES)
            else:
                record["sources"][0] = draw(ODD_VALUES)
        elif where == "review":
            record["review"] = draw(st.one_of(ODD_VALUES, st.fixed_dictionaries(
                {draw(st.sampled_from(["summary", "url", "reviewer", "date", "score"])): ODD_VALUES})))
        elif where == "history":
            record["history"] = [draw(st.one_of(ODD_VALUES, st.fixed_dictionaries(
                {"date": st.one_of(DAY, ODD_VALUES), "status": st.one_of(STATUS, ODD_VALUES)})))]
        elif where == "tag":
            record["tags"] = draw(st.lists(st.one_of(WORD, ODD_VALUES), max_size=3))
        else:
            record["sources"] = draw(st.one_of(st.just([]), st.lists(st.fixed_dictionaries({"url": URL}), min_size=21, max_size=21)))
    return record


@settings(max_examples=300, deadline=None)
@given(records())
def test_generated_valid_records(record):
    verdicts_agree(record)
    assert FAST.valid(record)


@settings(max_examples=600, deadline=None)
@given(spoilt())
def test_spoilt_records(record):
    verdicts_agree(record)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.integers(), TEXT, st.lists(ODD_VALUES, max_size=3),
                 st.dictionaries(st.sampled_from(FIELDS), ODD_VALUES, max_size=5)))
def test_anything_at_all(value):
    verdicts_agree(value)


# --- the compiler only says yes when it knows --------------------------------------------------

@pytest.mark.parametrize("schema", [
    {"type": "object", "required": ["id", "colour"]},
    {"type": "object", "additionalProperties": False, "properties": {"id": {"type": "string", "pattern": "^a"}},
     "$defs": {"x": {"$id": "other.json", "type": "integer"}}},
    {"type": "object", "properties": {"n": {"$id": "n.json", "$ref": "#/$defs/t"}}, "$defs": {"t": {"type": "string"}}},
    {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
                                      "a": {"type": "string", "format": "date"}, "b": {"type": "string", "format": "email"}}},
    {"type": "object", "properties": {"n": {"type": "integer", "minimum": 3}}},
    {"type": "object", "properties": {"a": {"oneOf": [{"type": "string"}, {"type": "null"}]}}},
    {"type": "object", "patternProperties": {"^x": {"type": "string"}}},
    {"$ref": "#/$defs/node", "$defs": {"node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}}}}},
])
def test_other_schemas_are_compiled_or_left_to_jsonschema(schema):
    from jsonschema import Draft202012Validator, FormatChecker

    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    fast = FastSchema.compile(schema, validator.format_checker)
    samples = [{}, {"id": "a", "colour": "red"}, {"n": 2}, {"n": 5}, {"n": 5.0}, {"n": True}, {"a": None},
               {"a": 1}, {"x1": 2}, {"x1": "s"}, {"next": {"next": 1}}, [], "text", {"id": "b"}, {"id": "ab"},
               {"n": "s"}, {"tags": ["x", "x"]}, {"tags": ["x", "y"]}, {"a": "2018-02-30"}, {"a": "2018-02-28"},
               {"b": "not an address"}, {"zz": 1}]
    lines = LineDecoder.compile(schema)
    for sample in samples:
        if fast is not None:
            assert fast.valid(sample) <= validator.is_valid(sample), sample  # never a false yes
        if lines is not None and lines.decode(json.dumps(sample).encode()) is not None:
            assert validator.is_valid(sample), sample


def test_patterns_that_cannot_be_batched_are_checked_text_by_text():
    from jsonschema import Draft202012Validator

    schema = {"type": "object", "properties": {"a": {"type": "string", "pattern": "^a|b$"},
                                               "b": {"type": "string", "pattern": "x(?=y)"},
                                               "c": {"type": "string", "pattern": "^[a-z]+$"}}}
    lines, validator = LineDecoder.compile(schema), Draft202012Validator(schema)
    assert len(lines._text_checks) == 1  # "c" is batched; "a" and "b" are left to msgspec, text by text
    for sample in [{"a": "ax"}, {"a": "zb"}, {"a": "zz"}, {"b": "xy"}, {"b": "xz"}, {"c": "abc"}, {"c": "ab1"},
                   {"a": "ab", "c": "Q"}]:
        assert (lines.decode(json.dumps(sample).encode()) is not None) == validator.is_valid(sample), sample


def test_custom_schema_without_a_fast_path_still_works(write):
    document = json.loads((ROOT / "schema" / "claim.schema.json").read_text())
    schema = write("s.json", json.dumps({**document, "not": {"required": ["colour"]}}))
    result = toolkit.validate([CLAIMS / "washington.json"], schema=schema)
    assert result.valid and load_schema(schema).fast is None


# --- helpers the fast path leans on --------------------------------------------------------------

@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60) | st.text(string.printable, max_size=60))
def test_claim_digest_is_claim_key_without_spaces(text):
    assert claim_digest(text) == claim_key(text).replace(" ", "").encode("utf-8")


URI_ALPHABET = string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@/?#%[] \\\"<>{}|^`\x00é"


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(["http://", "https://", "HTTPS://", "ftp://", "h:", "1a://", ""]),
       st.text(URI_ALPHABET, max_size=30))
def test_the_quick_uri_check_never_says_yes_wrongly(scheme, rest):
    value = scheme + rest
    if SUFFICIENT_FORMATS["uri"](value):
        assert validate_rfc3986(value, rule="URI")


@settings(max_examples=300, deadline=None)
@given(st.text(string.printable + "é\"", max_size=80).map(str.encode))
def test_keys_written_counts_like_the_regex(raw):
    assert jsonl.keys_written(raw) == len(re.findall(rb'"\s*:', raw))


# --- whole runs: fast path on or off, one process or several ----------------------------------

def _lines(*records) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)


MIXED = [
    valid_record(id="first-claim"),
    valid_record(id="second-claim", claim="Another claim.", status="maybe"),
    valid_record(id="first-claim", claim="Same id, other words."),
    valid_record(id="third-claim", claim="They have NOT lived up to the commitments so far!"),
    '{"id": "broken", ',
    valid_record(id="fourth-claim", sources=[{"url": "https://example.org", "titel": "x"}]),
    json.dumps(valid_record(id="fifth-claim"))[:-1] + ', "status": "false"}',
    "",
    valid_record(id="sixth-claim", date="2999-01-01"),
    valid_record(id="seventh-claim", history=[{"date": "2018-12-20", "status": "unverified"}, {"date": "2018-12-10", "status": "false"}]),
    valid_record(id="eighth-claim", speaker="José Álvarez", claim="“Café” prices rose."),
    valid_record(id="ninth-claim", speaker="jose  alvarez", claim="cafe prices rose"),
    valid_record(id="tenth-claim", speaker="José Álvarez", claim="Café prices rose!"),
    '  {"claim": "Written with spaces", "id" : "spaced-claim", "speaker": "X", "date": "2018-12-04",'
    ' "status": "true", "sources": [{"url": "https://example.org/a"}]}',
    '{"id":"compact-claim","speaker":"Y","claim":"Z","date":"2018-12-04","status":"true","sources":[{"url":"https://e.org/"}]}',
]


def _reference(paths, **kwargs):
    """The same run with the fast path switched off: jsonschema checks every record."""
    schema = load_schema(SCHEMA.path)
    schema.__dict__["fast"] = None
    return toolkit.validate(paths, schema=schema, workers=1, **kwargs)


@pytest.fixture
def mixed(write):
    folder = write("data/a.jsonl", _lines(*MIXED)).parent
    write("data/b.json", json.dumps(valid_record(id="second-claim", claim="In another file.")))
    write("data/c.yaml", "id: eighth-claim\nspeaker: Someone\nclaim: Else.\ndate: 2018-12-04\nstatus: 'true'\n"
                         "sources:\n  - url: https://example.org\n")
    write("data/d.json", json.dumps([valid_record(id="list-one"), valid_record(id="list-two", status="nope")], indent=2))
    return folder


def test_fast_path_on_and_off_give_the_same_report(mixed):
    fast = toolkit.validate([mixed], schema=SCHEMA, workers=1)
    assert fast == _reference([mixed])
    rules = {p.rule for p in fast.problems}
    assert {"duplicate-id", "duplicate-claim", "duplicate-key", "syntax", "enum", "additionalProperties",
            "future-date", "history-order"} <= rules


def test_several_processes_give_the_same_report(mixed, monkeypatch):
    monkeypatch.setattr(batch, "PIECE_BYTES", 300)  # cut the JSON Lines file into many pieces
    monkeypatch.setattr(batch, "GROUP_FILES", 1)
    assert toolkit.validate([mixed], schema=SCHEMA, workers=2) == toolkit.validate([mixed], schema=SCHEMA, workers=1) == _reference([mixed])


@pytest.mark.parametrize("every", [1, 3, 64])
def test_repeats_are_found_again_through_the_marks_of_each_piece(write, monkeypatch, every):
    """Duplicate ids and claims in other pieces are read again from the line starts each piece
    remembered: their lines and columns are those of a run in one piece."""
    records = [valid_record(id=f"claim-{n}", claim=f"Words number {n}.") for n in range(40)]
    records += [dict(records[n], id=f"again-{n}") for n in (0, 5, 17)] + [records[3], records[38]]
    path = write("many.jsonl", "".join(json.dumps(r) + "\n" for r in records) + "{bad\n")
    whole = toolkit.validate([path], schema=SCHEMA, workers=1)
    monkeypatch.setattr(batch, "PIECE_BYTES", 1500)
    monkeypatch.setattr(batch, "MARK_EVERY", every)
    assert toolkit.validate([path], schema=SCHEMA, workers=2) == toolkit.validate([path], schema=SCHEMA, workers=1) == whole
    # claim-3 and claim-38 (lines 4 and 39) written again on lines 44 and 45: both places reported
    assert sorted(p.line for p in whole.problems if p.rule == "duplicate-id") == [4, 39, 44, 45]
    assert sum(p.rule == "duplicate-claim" for p in whole.problems) >= 3


def test_workers_check_patterns_with_re2_after_the_parent_used_arrow(write, monkeypatch):
    """Pieces large enough for RE2 checked in forked workers, after this process used pyarrow and
    Polars (their thread pools must not hang a child): the report of one process, and jsonschema's."""
    import polars as pl
    import pyarrow as pa
    import pyarrow.compute as pc

    pc.match_substring_regex(pa.array(["warm"] * 1000), "w")
    pl.DataFrame({"n": range(10_000)}).group_by("n").len()
    records = [valid_record(id=f"claim-number-{n}", claim=f"Words number {n}.",
                            sources=[{"url": f"https://example.org/{n}/page"}]) for n in range(400)]
    records[7]["id"], records[150]["sources"][0]["url"], records[333]["id"] = "Claim_7", "https://exa mple.org", "x--y"
    path = write("many.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    monkeypatch.setattr(batch, "PIECE_BYTES", 40_000)  # pieces of about 150 lines: RE2 takes their ids and URLs
    found = toolkit.validate([path], schema=SCHEMA, workers=2)
    assert found == toolkit.validate([path], schema=SCHEMA, workers=1) == _reference([path])
    assert sorted(p.line for p in found.problems if p.rule == "pattern") == [8, 151, 334]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(records(), spoilt()), min_size=1, max_size=25), st.integers(1, 3))
def test_generated_files_in_pieces(tmp_path_factory, values, workers):
    folder = tmp_path_factory.mktemp("gen")
    lines = [json.dumps(v, ensure_ascii=False) for v in values]
    lines += lines[:2]  # repeats: duplicate ids and claims across pieces
    (folder / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    old = batch.PIECE_BYTES
    batch.PIECE_BYTES = 200
    try:
        assert toolkit.validate([folder], schema=SCHEMA, workers=workers) == _reference([folder])
    finally:
        batch.PIECE_BYTES = old


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"")), min_size=1, max_size=60),
       st.booleans(), st.integers(1, 9), st.data())
def test_flagged_lines_are_found_again_from_the_marks(tmp_path_factory, lines, ends, every, data):
    """Each wanted line comes back whole, found from the nearest mark before it."""
    path = tmp_path_factory.mktemp("marks") / "a.jsonl"
    path.write_bytes(b"\n".join(lines) + (b"\n" if ends else b""))
    kept = re.findall(rb"[^\n]*\n|[^\n]+\Z", path.read_bytes())  # as iterating over the file gives them
    starts = [0]
    for line in kept:
        starts.append(starts[-1] + len(line))
    marks = [(1 + k, starts[k]) for k in range(0, len(kept), every)]
    wanted = sorted(data.draw(st.sets(st.integers(1, len(lines) + 2))))
    found = dict(_lines_at(readers.Source(path, "a.jsonl"), wanted, marks))
    assert found == {number: kept[number - 1] for number in wanted if number <= len(kept)}


def test_json_files_are_read_quickly_with_the_same_positions(write):
    text = "\n\n" + json.dumps(valid_record(status="maybe", sources=[{"url": "ftp://x.org"}]), indent=2)
    path = write("a.json", text.encode())
    quick = toolkit.validate([path], schema=SCHEMA)
    assert quick == _reference([path])
    line_of = lambda needle: text[: text.index(needle)].count("\n") + 1  # noqa: E731
    assert {(p.line, p.rule) for p in quick.problems} == {(line_of('"maybe"'), "enum"), (line_of('"ftp:'), "pattern")}


# --- valid JSON Lines straight into columns (for build) ----------------------------------------

@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Distinct claims: the dates are made equal below, so two records must differ in speaker or words.
@given(st.lists(records(), min_size=1, max_size=10, unique_by=lambda r: (claim_key(r["speaker"]), claim_key(r["claim"]))),
       st.sampled_from(["", "\n", " \r\n"]))
def test_read_frame_holds_what_the_records_hold(tmp_path_factory, values, blank):

    from toolkit.table import frame_of, input_columns
    from toolkit.validate import read_frame

    # One date for the claim and its history, so that the history rules are met.
    values = [dict(v, id=f"{v['id']}-{n}", date="2018-12-04") for n, v in enumerate(values)]
    for value in values:
        for step in value.get("history", []):
            step["date"] = "2018-12-04"
    path = tmp_path_factory.mktemp("frame") / "claims.jsonl"
    path.write_text(blank + _lines(*values[:1]) + blank + _lines(*values[1:]) + blank, encoding="utf-8")
    result, frame = read_frame([path], SCHEMA, columns=input_columns(SCHEMA.columns))
    assert result.valid, result.problems
    _, records = toolkit.read_records([path], SCHEMA)
    assert frame.select(frame_of(records, SCHEMA.columns).columns).equals(frame_of(records, SCHEMA.columns))


def test_read_frame_declines_what_it_cannot_read_exactly(write):
    import polars as pl

    from toolkit.table import input_columns
    from toolkit.validate import read_frame

    columns = pl.Schema({"id": pl.String})
    assert read_frame([write("x.jsonl", json.dumps(valid_record()) + "\n")], SCHEMA, columns=columns)[1] is None  # a field it does not know
    blank = write("a.jsonl", json.dumps(valid_record()) + "\n \r\n" + json.dumps(valid_record(id="other-one", claim="B.")) + "\n\n")
    assert read_frame([blank], SCHEMA, columns=input_columns(SCHEMA.columns))[1]["source_line"].to_list() == [1, 3]  # blank lines are skipped
    bom = write("bom.jsonl", "\ufeff" + json.dumps(valid_record()) + "\n")
    assert read_frame([bom], SCHEMA, columns=input_columns(SCHEMA.columns))[1] is None
    invalid = write("b.jsonl", json.dumps(valid_record(status="maybe")) + "\n")
    result, frame = read_frame([invalid], SCHEMA, columns=columns)
    assert not result.valid and frame is None
    yaml_file = write("c.yaml", "id: abc\n")
    assert read_frame([yaml_file], SCHEMA, columns=columns) is None


# --- raw JSON lines: the compiled msgspec decoder ------------------------------------------------

LINES = SCHEMA.lines


def line_verdict(value, raw: bytes) -> None:
    """The decoder vouches for a line only if jsonschema finds nothing wrong with its value."""
    decoded = LINES.decode(raw)
    if decoded is not None:
        assert not list(VALIDATOR.iter_errors(value)), (raw, value)
        assert msgspec.json.decode(msgspec.json.encode(decoded)) == value


@settings(max_examples=300, deadline=None)
@given(records(), st.booleans())
def test_the_line_decoder_takes_valid_lines(record, spaced):
    raw = json.dumps(record, ensure_ascii=False, separators=(", ", ": ") if spaced else (",", ":")).encode()
    line_verdict(record, raw)
    if b"\\u" not in raw:  # a line with \u escapes is left to the careful path
        assert LINES.decode(raw) is not None


@settings(max_examples=600, deadline=None)
@given(spoilt(), st.booleans())
def test_the_line_decoder_refuses_spoilt_lines(record, ascii_only):
    line_verdict(record, json.dumps(record, ensure_ascii=ascii_only).encode())


@pytest.mark.parametrize("line", [
    '{"id":"abc","speaker":"A","claim":"B","date":"2018-12-04","status":"true","sources":[{"url":"https://a.org"}],"id":"abd"}',
    '{"id":"abc","speaker":"A","claim":"B","date":"2018-12-04","status":"true","sources":[{"url":"https://a.org","url":"https://b.org"}]}',
    '{"id":"abc","speaker":"A \\"x\\":","claim":"B","date":"2018-12-04","status":"true","sources":[{"url":"https://a.org"}],"status":"false"}',
    '{"id":"abc","speaker":"A\\u0022:\\u0022:","claim":"B","date":"2018-12-04","status":"true","sources":[{"url":"https://a.org"}],"id":"x-y"}',
    '{"id" :"abc","speaker":"A\\n","claim":"B","date":"2018-12-04","status":"true","sources":[{"url":"https://a.org"}],"claim":"C"}',
])
def test_a_key_written_twice_is_never_vouched_for(line):
    assert LINES.decode(line.encode()) is None
    path_text = line + "\n"
    assert any(p.rule == "duplicate-key" for p in _validate_text(path_text).problems)


ODD_LINES = [
    json.dumps(valid_record(id="abc\n")).encode(),  # `$` matches before a final newline
    json.dumps(valid_record(id="ab\nc")).encode(),
    json.dumps(valid_record(sources=[{"url": "https://example.org\n"}])).encode(),
    json.dumps(valid_record(speaker='He said "no":')).encode(),
    b'{"id":"abc","speaker":"A","claim":"B","date":"2018-12-04","status":"true","sources":[{"url":"https://a.org"}],"id":"abd"}',
    b"", b"not json", b"[]",
]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(records(), spoilt()), min_size=1, max_size=12), st.lists(st.sampled_from(ODD_LINES)), st.randoms())
def test_many_lines_at_once_get_the_verdicts_of_one(values, odd, rng):
    """Checked together (patterns joined, quotes counted by blocks), each line gets the verdict it
    gets alone: over several blocks, with failures anywhere in them."""
    lines = [json.dumps(value, ensure_ascii=False).encode() for value in values] + odd
    lines = lines * (600 // len(lines) + 1)
    rng.shuffle(lines)
    alone = {raw: LINES.decode(raw) is None for raw in set(lines)}
    assert [record is None for record in LINES.decode_lines(lines)] == [alone[raw] for raw in lines]
    for raw in alone:
        if not alone[raw]:
            line_verdict(json.loads(raw), raw)


def test_the_decoder_leaves_what_it_cannot_vouch_for():
    line = json.dumps(valid_record(speaker="Zoë \u2028")).encode()  # \u escapes
    assert LINES.decode(line) is None and not list(VALIDATOR.iter_errors(json.loads(line)))
    assert LINES.decode(json.dumps(valid_record(tags=["a", "a"])).encode()) is None
    assert LINES.decode(b"\xef\xbb\xbf" + json.dumps(valid_record()).encode()) is None
    assert LINES.decode(json.dumps(valid_record()).encode()[:-1]) is None
    assert LINES.decode(b'{"id": "\xff"}') is None


def test_the_decoder_counts_characters_like_jsonschema():
    for text in ("é" * 200, "😀" * 200, "e\u0301" * 100):
        line = json.dumps(valid_record(speaker=text), ensure_ascii=False).encode()
        line_verdict(json.loads(line), line)
        longer = json.dumps(valid_record(speaker=text + "x"), ensure_ascii=False).encode()
        assert LINES.decode(longer) is None and list(VALIDATOR.iter_errors(json.loads(longer)))


def test_the_quick_date_check_is_the_format_checker():
    from jsonschema import FormatChecker

    checker = FormatChecker()
    years = [*range(0, 12), 100, 400, 1600, 1700, 1900, 2000, 2018, 2024, 2100, 2400, 9996, 9999]
    for day in (f"{y:04d}-{m:02d}-{d:02d}" for y in years for m in range(14) for d in range(33)):
        assert bool(SUFFICIENT_FORMATS["date"](day)) == checker.conforms(day, "date"), day


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(TEXT, st.sampled_from(["Moon Jae-in", "Zoë"]), st.one_of(TEXT, st.just("Ｃａｆé ﬁne")),
                         st.one_of(DAY, st.dates(), st.just("2018-02-30"), st.none(), st.integers())), max_size=8))
def test_indexing_many_records_is_indexing_each(rows):
    one, many = UniqueIndex(), UniqueIndex()
    for ref, (identifier, speaker, claim, day) in enumerate(rows):
        one.add(identifier, speaker, claim, day if isinstance(day, (str, dt.date)) else None, ref)
    if rows:
        many.add_many(*(list(column) for column in zip(*rows)), list(range(len(rows))))
    assert (one.ids, one.id_refs, one.claims, one.claim_refs) == (many.ids, many.id_refs, many.claims, many.claim_refs)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=12), min_size=1, max_size=4))
def test_sorted_pieces_give_the_same_repeats(pieces):
    """Each piece sorts its index before it is merged; the repeats found, and the order of their
    places, are those of the unsorted index."""
    from toolkit.validate import _repeated

    plain, merged, ref = UniqueIndex(), UniqueIndex(), 0
    for piece in pieces:
        part = UniqueIndex()
        for identifier in piece:
            ref += 1
            plain.add(identifier, "S", identifier, "2018-12-04", ref)
            part.add(identifier, "S", identifier, "2018-12-04", ref)
        part.sort()
        merged.merge(part)
    for keys, refs in (("ids", "id_refs"), ("claims", "claim_refs")):
        assert _repeated(getattr(merged, keys), getattr(merged, refs)) == _repeated(getattr(plain, keys), getattr(plain, refs))


# --- positions in compact lines ------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.one_of(TEXT, st.sampled_from(["a", "0", "1", "~", "/", "a/b", "~1"])), inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(spoilt(), st.dictionaries(st.one_of(TEXT, st.just("id")), JSON_VALUES, max_size=4)))
def test_compact_lines_are_located_like_the_parser(value):
    """A line written as orjson writes it is measured, not parsed: every place, and every place
    that is not there (its nearest ancestor), gets the parser's line and column."""
    try:
        raw = orjson.dumps(value)
    except TypeError:  # an integer beyond 64 bits: orjson reads no such line either
        assume(False)
    located = located_json.parse(raw.decode(), first_line=7)
    parsed = Positions(located.values, located.keys)
    positions = jsonl.LinePositions(raw, 7, value)
    pointers = set(located.values) | {p + "/zz" for p in located.values} | {p + "/1" for p in located.values}
    for pointer in pointers:
        for key in (False, True):
            assert positions.of(pointer, key=key) == parsed.of(pointer, key=key), (raw, pointer, key)
    assert positions.compact


def test_lines_not_written_compactly_are_parsed():
    value = valid_record(speaker="Zoë")
    raw = json.dumps(value).encode()  # spaces after separators, \u escapes
    positions = jsonl.LinePositions(raw, 3, json.loads(raw))
    assert positions.of("/sources/0/url") == (3, raw.index(b'"https') + 1) and positions.compact is False


def _validate_text(text: str):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.jsonl"
        path.write_text(text, encoding="utf-8")
        return toolkit.validate([path], schema=SCHEMA)
