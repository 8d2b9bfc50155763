"""Any claim schema works end to end: the schema in use is the one source of truth for the table's
columns and types, the CSV, the card, the diff and publishing (`toolkit/columns.py`)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
import yaml

import toolkit
from conftest import ROOT, valid_record
from toolkit.building import build, write_folder
from toolkit.exporting import FORMATS, export
from toolkit.publishing import load, publish
from toolkit.schema import load_schema
from toolkit.versions import diff

PACKAGED = json.loads((ROOT / "schema" / "claim.schema.json").read_text(encoding="utf-8"))


def extended() -> dict:
    """The packaged schema plus a field of every kind the table holds."""
    schema = copy.deepcopy(PACKAGED)
    schema["properties"].update({
        "topic": {"type": "string", "maxLength": 50},
        "priority": {"type": "integer", "minimum": 1, "maximum": 5},
        "score": {"type": "number"},
        "verified": {"type": "boolean"},
        "checked_on": {"type": "string", "format": "date"},
        "party": {"enum": ["left", "right", "centre"]},
        "mentions": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "checker": {"type": "object", "additionalProperties": False,
                    "properties": {"name": {"type": "string"}, "since": {"$ref": "#/$defs/day"},
                                   "desks": {"type": "array", "items": {"type": "integer"}}}},
    })
    return schema


def tightened() -> dict:
    """The packaged schema with a desk's id pattern: every id starts with `kr-`."""
    schema = copy.deepcopy(PACKAGED)
    schema["properties"]["id"]["pattern"] = "^kr-[a-z0-9]+(?:-[a-z0-9]+)*$"
    return schema


def conditional() -> dict:
    """anyOf and if/then: a false claim needs a review; a record has sources or a review url;
    `desk` is text or nothing (anyOf at the property), `weight` one of two ranges (oneOf)."""
    schema = copy.deepcopy(PACKAGED)
    schema["properties"]["desk"] = {"anyOf": [{"type": "string", "maxLength": 10}, {"type": "null"}]}
    schema["properties"]["weight"] = {"oneOf": [{"type": "integer", "maximum": 3}, {"type": "integer", "minimum": 10}]}
    schema["if"] = {"properties": {"status": {"const": "false"}}, "required": ["status"]}
    schema["then"] = {"required": ["reviews"]}
    schema["anyOf"] = [{"required": ["sources"]}, {"required": ["reviews"]}]
    return schema


EXTRA = {  # the fields each schema adds, and the Polars type each must have in every output
    "extended": {"topic": pl.String, "priority": pl.Int64, "score": pl.Float64, "verified": pl.Boolean,
                 "checked_on": pl.Date, "party": pl.String, "mentions": pl.List(pl.String),
                 "checker": pl.Struct({"name": pl.String, "since": pl.Date, "desks": pl.List(pl.Int64)})},
    "tightened": {},
    "conditional": {"desk": pl.String, "weight": pl.Int64},
}

YAML_CLAIMS = {
    "extended": """
        id: typed-claim
        speaker: Jane Doe
        claim: It rained all week in the capital.
        date: 2018-12-04
        status: true
        topic: weather
        priority: 2
        score: 1.5
        verified: false
        checked_on: 2018-12-05
        party: left
        mentions: [rain, "https://example.org/a;jsessionid=1"]
        checker: {name: "  Ann   Lee ", since: 2018-01-02, desks: [1, 2]}
        sources: [{url: "https://example.org/a", title: Rain}]
        ---
        id: plain-claim
        speaker: Joe
        claim: "[citation needed] It snowed."
        date: 2018-12-05
        status: "false"
        score: 2
        sources: [{url: "https://example.org/b"}]
    """,
    "tightened": """
        id: kr-summit
        speaker: Moon Jae-in
        claim: The summit will happen.
        date: 2018-12-04
        status: mostly-true
        sources: [{url: "https://example.org/a"}]
    """,
    "conditional": """
        id: false-claim
        speaker: Joe
        claim: It never rains here.
        date: 2018-12-04
        status: "false"
        desk: seoul
        weight: 12
        reviews: [{summary: It rains often., url: "https://example.org/review", author: Desk, date: 2018-12-06}]
        sources: [{url: "https://example.org/a"}]
        ---
        id: true-claim
        speaker: Joe
        claim: It rains here.
        date: 2018-12-04
        status: "true"
        desk: ~
        weight: 2
        sources: [{url: "https://example.org/b"}]
    """,
}

SCHEMAS = {"extended": extended, "tightened": tightened, "conditional": conditional}


@pytest.fixture(params=sorted(SCHEMAS))
def desk(request, write):
    """A desk's data folder: claims.yaml naming its schema, and claims written for it."""
    name = request.param
    write("desk/schema/desk.schema.json", json.dumps(SCHEMAS[name](), indent=2))
    write("desk/claims/desk.yaml", YAML_CLAIMS[name])
    return name, write("desk/claims.yaml", "pretty_name: Desk claims\nlicense: cc-by-4.0\nschema: schema/desk.schema.json\n").parent


def typed_like(table: pl.DataFrame, name: str) -> None:
    for field, dtype in EXTRA[name].items():
        assert table.schema[field] == dtype, field


def test_a_custom_schema_goes_through_every_command(desk, cli, tmp_path, monkeypatch):
    name, folder = desk
    monkeypatch.chdir(folder)
    run = cli("validate")  # `schema:` in claims.yaml is the schema in use
    assert run.exit_code == 0, run.stdout
    run = cli("build", "--out", tmp_path / "built")
    assert run.exit_code == 0, run.stderr
    built = pl.read_parquet(tmp_path / "built" / "data" / "*.parquet")
    typed_like(built, name)
    assert json.loads((tmp_path / "built" / "claim.schema.json").read_text()) == SCHEMAS[name]()
    card = (tmp_path / "built" / "README.md").read_text()
    front = yaml.safe_load(card.split("---")[1])
    features = {f["name"] for f in front["dataset_info"]["features"]}
    assert set(EXTRA[name]) <= features and all(f"| `{field}` |" in card for field in EXTRA[name])

    for fmt in sorted(FORMATS):
        out = tmp_path / f"claims.{fmt}"
        run = cli("export", "--format", fmt, "--out", out)
        assert run.exit_code == 0, run.stderr
    assert_frames_equal(pl.read_parquet(tmp_path / "claims.parquet"), built)
    # JSON Lines is claim input under the desk's schema: it builds back to the same table
    run = cli("validate", "--schema", folder / "schema" / "desk.schema.json", tmp_path / "claims.jsonl")
    assert run.exit_code == 0, run.stdout
    from_jsonl = build([tmp_path / "claims.jsonl"], schema=folder / "schema" / "desk.schema.json").table
    assert_frames_equal(from_jsonl.drop("source_file", "source_line"), built.drop("source_file", "source_line"))
    header = (tmp_path / "claims.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == built.columns
    assert json.loads((tmp_path / "claims.claimreview").read_text())  # the reviewed claims, as ClaimReview

    run = cli("publish", "--repo", tmp_path / "store")
    assert run.exit_code == 0, run.stderr
    loaded = load(str(tmp_path / "store"))
    typed_like(loaded, name)
    assert_frames_equal(loaded, built)


def test_extra_fields_keep_their_values_and_types(write, tmp_path):
    schema = write("desk.schema.json", json.dumps(extended()))
    claims = write("claims/desk.yaml", YAML_CLAIMS["extended"])
    table = build([claims], schema=schema).table
    row = table.filter(pl.col("id") == "typed-claim").row(0, named=True)
    assert row["priority"] == 2 and row["score"] == 1.5 and row["verified"] is False
    assert row["checked_on"] == dt.date(2018, 12, 5) and row["party"] == "left" and row["topic"] == "weather"
    assert row["mentions"] == ["rain", "https://example.org/a;jsessionid=1"]
    assert row["checker"] == {"name": "Ann Lee", "since": dt.date(2018, 1, 2), "desks": [1, 2]}  # free text tidied
    assert row["status"] == "true" and row["date"] == dt.date(2018, 12, 4)  # text where the schema asks for text
    plain = table.filter(pl.col("id") == "plain-claim").row(0, named=True)
    assert plain["score"] == 2.0 and plain["mentions"] == [] and plain["checker"] is None
    assert plain["claim"] == "[citation needed] It snowed."
    types = {f.name: str(f.type) for f in pq.read_schema(write_parquet_of(table, tmp_path))}
    assert types["priority"] == "int64" and types["score"] == "double" and types["verified"] == "bool"
    assert types["checked_on"] == "date32[day]"


def write_parquet_of(table: pl.DataFrame, tmp_path: Path) -> Path:
    out = tmp_path / "t.parquet"
    export(table, "parquet", out)
    return out


def test_plain_yaml_values_take_the_kind_the_schema_asks_for(write):
    """Reproduction (issue 11): `priority: 2` under `"type": "integer"` was the text '2', rejected."""
    schema = write("desk.schema.json", json.dumps(extended()))
    record = dict(valid_record(), priority=2, verified=True)
    good = write("good.yaml", yaml.safe_dump(record, sort_keys=False))
    assert toolkit.validate([good], schema=schema).valid
    quoted = write("quoted.yaml", 'id: quoted-claim\nspeaker: Joe\nclaim: Said.\ndate: 2018-12-04\nstatus: "true"\n'
                                  'priority: "2"\nverified: yes\nsources: [{url: "https://example.org/a"}]\n')
    problems = {p.pointer: p.message for p in toolkit.validate([quoted], schema=schema).problems}
    assert "'2'" in problems["/priority"]  # quoted: text, as the curator wrote it
    assert "'yes'" in problems["/verified"]  # YAML 1.2: only true/false are booleans


def test_the_diff_compares_extra_fields(write):
    schema = write("desk.schema.json", json.dumps(extended()))
    before = build([write("a/c.yaml", YAML_CLAIMS["extended"])], schema=schema).table
    after = build([write("b/c.yaml", YAML_CLAIMS["extended"].replace("priority: 2", "priority: 4"))], schema=schema).table
    change = diff(before, after)
    [(claim, [field])] = change.changed.items()
    assert (claim, field.field, field.old, field.new) == ("typed-claim", "priority", 2, 4)


def test_publish_and_load_a_custom_schema_with_the_library(write, tmp_path):
    schema = write("desk.schema.json", json.dumps(extended()))
    claims = write("claims/desk.yaml", YAML_CLAIMS["extended"])
    write("claims/claims.yaml", "license: cc-by-4.0\n")
    result = publish([claims], str(tmp_path / "store"), schema=schema)
    assert str(result.version) == "1.0.0"
    loaded = load(str(tmp_path / "store"))
    typed_like(loaded, "extended")
    assert loaded.filter(pl.col("id") == "typed-claim")["priority"].to_list() == [2]
    published = subprocess.run(["git", "-C", str(tmp_path / "store"), "show", "v1.0.0:claim.schema.json"],
                               capture_output=True, text=True, check=True).stdout
    assert published == schema.read_text()  # the version carries the schema in use

    # A second version that only adds a field to the schema is a compatible (minor) change.
    wider = extended()
    wider["properties"]["region"] = {"type": "string"}
    schema.write_text(json.dumps(wider))
    again = publish([claims], str(tmp_path / "store"), schema=schema)
    assert str(again.version) == "1.1.0" and load(str(tmp_path / "store")).schema["region"] == pl.String


def assert_frames_equal(a: pl.DataFrame, b: pl.DataFrame) -> None:
    from polars.testing import assert_frame_equal

    assert_frame_equal(a.sort("id"), b.sort("id"))


# -- schemas the table cannot type are refused when loaded -----------------------------------------


def _with(**properties) -> dict:
    schema = copy.deepcopy(PACKAGED)
    schema["properties"].update(properties)
    return schema


@pytest.mark.parametrize("schema, words", [
    (_with(topic={"maxLength": 5}), ["'topic'", '"type"']),
    (_with(topic={"type": ["string", "integer"]}), ["'topic'", "integer, string", '"type"']),
    (_with(topic={"anyOf": [{"type": "string"}, {"type": "integer"}]}), ["'topic'", "integer, string", '"anyOf"']),
    (_with(topic={"enum": ["a", 1]}), ["'topic'", '"enum"']),
    (_with(topic={"type": "array"}), ["'topic'", '"items"']),
    (_with(topic={"type": "object"}), ["'topic'", '"properties"']),
    (_with(topic={"type": "object", "properties": {"when": {"type": ["string", "boolean"]}}}), ["'topic.when'"]),
    (_with(repeat_of={"type": "string"}), ["'repeat_of'", "the build adds"]),
    (_with(date={"type": "string"}), ["'date'", "format", "README"]),
    ({**copy.deepcopy(PACKAGED), "required": ["id", "speaker", "claim", "date"]}, ["'status'", "required"]),
    (_with(speaker={"type": "integer"}), ["'speaker'", "text"]),
    # B22: names a CSV header (and DuckDB, a spreadsheet) cannot hold apart, or cannot hold
    (_with(Id={"type": "string"}), ["'id' and 'Id'", "differ only in case"]),
    (_with(**{"": {"type": "string"}}), ["empty name"]),
    (_with(topic={"type": "object", "properties": {"When": {"type": "string"}, "when": {"type": "string"}}}),
     ["'When' and 'when'", "'topic'", "differ only in case"]),
    (_with(topic={"type": "object", "properties": {"": {"type": "string"}}}), ["'topic'", "empty name"]),
])
def test_a_schema_the_table_cannot_type_is_refused_when_loaded(write, cli, schema, words):
    path = write("bad.schema.json", json.dumps(schema))
    run = cli("validate", write("c.yaml", yaml.safe_dump(valid_record())), "--schema", path)
    assert run.exit_code == 2
    assert all(word in run.stderr for word in words), run.stderr
    assert "Traceback" not in run.stderr
    with pytest.raises(toolkit.errors.SchemaError):
        load_schema(path)


def test_nullable_and_number_unions_are_one_kind(write):
    schema = _with(a={"type": ["integer", "null"]}, b={"type": ["integer", "number"]},
                   c={"oneOf": [{"type": "string", "format": "date"}, {"type": "null"}]})
    columns = load_schema(write("ok.schema.json", json.dumps(schema))).columns.table_schema()
    assert (columns["a"], columns["b"], columns["c"]) == (pl.Int64, pl.Float64, pl.Date)


def test_build_writes_the_schema_in_use_into_the_folder(write, tmp_path):
    schema = write("desk.schema.json", json.dumps(extended(), indent=1))
    result = build([write("c.yaml", YAML_CLAIMS["extended"])], schema=schema)
    write_folder(result, tmp_path / "out")
    assert (tmp_path / "out" / "claim.schema.json").read_text() == schema.read_text()


def test_schema_in_claims_yaml_is_relative_to_it_and_overridden_by_the_option(write, cli, tmp_path):
    write("desk/claims.yaml", "schema: tight.schema.json\n")
    write("desk/tight.schema.json", json.dumps(tightened()))
    write("desk/c.yaml", yaml.safe_dump(valid_record(id="not-kr")))
    run = cli("validate", tmp_path / "desk")
    assert run.exit_code == 1 and "[pattern]" in run.stdout
    assert cli("validate", tmp_path / "desk", "--schema", ROOT / "schema" / "claim.schema.json").exit_code == 0
    write("desk/claims.yaml", "schema: missing.schema.json\n")
    run = cli("validate", tmp_path / "desk")
    assert run.exit_code == 2 and "missing.schema.json" in run.stderr


def test_a_whole_number_too_large_for_the_table_is_a_located_error(write, cli):
    """JSON Schema's integers have no bound; the table's Int64 does: a located error, not a traceback."""
    wide = extended()
    del wide["properties"]["priority"]["maximum"]
    schema = write("desk.schema.json", json.dumps(wide))
    claims = write("c.yaml", yaml.safe_dump(dict(valid_record(), priority=2**70), sort_keys=False))
    assert toolkit.validate([claims], schema=schema).valid
    run = cli("build", claims, "--schema", schema, "--out", claims.parent / "out")
    assert run.exit_code == 1 and "Traceback" not in run.stderr
    assert "c.yaml:8:11: error: the number 1180591620717411303424 is too large for the table" in run.stdout
    assert not (claims.parent / "out").exists()
