"""CSV that round-trips: an export is valid claim input that reads back to the same records, every
field kept, typed by the schema; text is never read as JSON; `--bom` for Excel; a CSV saved with
semicolons, or with headers in other capitals, is read or explained."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import toolkit
from conftest import FIXTURES, valid_record
from toolkit.building import build
from toolkit.exporting import export

PROVENANCE = ["source_file", "source_line"]


def roundtrip(table_paths, tmp_path, cli, *, schema=None, speakers=None, bom=False, fmt="csv"):
    """Export as CSV (or JSON Lines) with the real CLI, validate the export, build it again: both tables."""
    options = (["--schema", schema] if schema else []) + (["--speakers", speakers] if speakers else [])
    out = tmp_path / "export" / f"claims.{fmt}"
    out.parent.mkdir(exist_ok=True)
    run = cli("export", *table_paths, "--format", fmt, "--out", out, *options, *(["--bom"] if bom else []))
    assert run.exit_code == 0, run.stderr
    check = cli("validate", out, *(["--schema", schema] if schema else []))
    assert check.exit_code == 0, check.stdout
    before = build(table_paths, schema=schema, speakers=speakers).table
    after = build([out], schema=schema, speakers=speakers).table
    return out, before, after


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_fixtures_export_validates_and_builds_back_the_same_table(cli, tmp_path, fmt):
    """Regression (issue 13 item 6): every exported row lacked `sources`, so the CSV was not claim input.
    Regression (issue 17): validate refused every record of the JSON Lines export (the build's own
    columns, `null` for absent values and unknown dates)."""
    out, before, after = roundtrip([FIXTURES], tmp_path, cli, speakers=FIXTURES / "speakers.yaml", fmt=fmt)
    assert_frame_equal(before.drop(PROVENANCE), after.drop(PROVENANCE))
    assert after["source_file"].unique().str.ends_with(f"export/claims.{fmt}").to_list() == [True]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_awkward_values_survive_the_round_trip(write, cli, tmp_path, fmt):
    claims = write("claims.jsonl", "".join(json.dumps(r) + "\n" for r in [
        valid_record(
            id="awkward-one",
            claim="[citation needed] the figure is {roughly} right",  # text that looks like JSON
            context="=SUM(A1:A9) and more",  # a formula, defused on the way out, restored on the way in
            tags=["a;b", "-dash", "plain"],  # a `;` inside an item: the cell is a JSON array
            sources=[{"url": "https://example.org/page;jsessionid=ABC123?x=1", "title": "'=quoted"},
                     {"url": "https://example.org/two"}],
            reviews=[{"summary": "+ plus at the start", "author": "@desk", "rating": {"text": "-1 (sic)", "value": 2.5}}],
            date="2018-12",  # a month: written back as written
        ),
        valid_record(id="awkward-three", claim="Said at some time.", date="unknown", speaker_type="group",
        ),
        valid_record(id="awkward-two", speaker="'=already quoted", claim="Another thing was said.",
                     tags=["-first", "second"], context="{\"not\": \"json\"}"),
    ]))
    out, before, after = roundtrip([claims], tmp_path, cli, fmt=fmt)
    assert_frame_equal(before.drop(PROVENANCE), after.drop(PROVENANCE))
    row = after.filter(pl.col("id") == "awkward-one").row(0, named=True)
    assert row["sources"][0]["url"] == "https://example.org/page;jsessionid=ABC123?x=1"
    assert row["tags"] == ["a;b", "-dash", "plain"] and row["context"] == "=SUM(A1:A9) and more"
    assert row["claim"] == "[citation needed] the figure is {roughly} right"
    assert (row["date"], row["date_precision"]) == (dt.date(2018, 12, 1), "month")
    assert after.filter(pl.col("id") == "awkward-three")["date"].to_list() == [None]
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        assert "'=SUM(A1:A9)" in text and ",'-first; second," in text  # what a spreadsheet sees is defused
    else:
        records = [json.loads(line) for line in text.splitlines()]
        assert next(r for r in records if r["id"] == "awkward-three")["date"] == "unknown"
        assert all("speaker_id" not in r and None not in r.values() for r in records)  # claim records, no nulls


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_custom_schema_round_trips_typed(write, cli, tmp_path, fmt):
    from test_custom_schema import YAML_CLAIMS, extended

    schema = write("desk.schema.json", json.dumps(extended()))
    claims = write("claims/desk.yaml", YAML_CLAIMS["extended"])
    out, before, after = roundtrip([claims], tmp_path, cli, schema=schema, fmt=fmt)
    assert_frame_equal(before.drop(PROVENANCE), after.drop(PROVENANCE))
    assert after.schema["priority"] == pl.Int64 and after.schema["verified"] == pl.Boolean
    if fmt == "csv":
        assert ",2,1.5,false,2018-12-05,left," in out.read_text(encoding="utf-8")  # numbers, true/false and dates as they are


def test_bom_for_excel_is_written_and_read(cli, tmp_path):
    out, before, after = roundtrip([FIXTURES], tmp_path, cli, speakers=FIXTURES / "speakers.yaml", bom=True)
    assert out.read_bytes().startswith(b"\xef\xbb\xbfid,speaker,")
    assert_frame_equal(before.drop(PROVENANCE), after.drop(PROVENANCE))
    run = cli("export", FIXTURES, "--format", "jsonl", "--out", tmp_path / "x.jsonl", "--bom")
    assert run.exit_code == 2 and "--bom is for CSV only" in run.stdout + run.stderr
    assert not (tmp_path / "x.jsonl").exists()


def test_text_columns_are_never_json(write):
    """Regression (issue 10 item 9): a claim starting with `[` was parsed as JSON and rejected."""
    path = write("c.csv", 'id,speaker,claim,date,status,sources\r\n'
                          'json-looking,Joe,"[1] said, and {more}",2018-12-04,true,https://example.org/a\r\n')
    result, [record] = toolkit.read_records([path])
    assert result.valid, result.problems
    assert record.data["claim"] == "[1] said, and {more}"
    assert record.data["sources"] == [{"url": "https://example.org/a"}]


def test_list_cells_are_json_arrays_where_semicolons_would_be_ambiguous(write, tmp_path):
    table = build([write("c.jsonl", json.dumps(valid_record(tags=["x; y", "z"])) + "\n")]).table
    export(table, "csv", tmp_path / "out.csv")
    assert '"[""x; y"", ""z""]"' in (tmp_path / "out.csv").read_text(encoding="utf-8")


def test_a_semicolon_separated_csv_is_read(write):
    path = write("excel.csv", 'id;speaker;claim;date;status;sources;tags\r\n'
                              'semi-colons;Joe;"Said, with a comma.";2018-12-04;true;https://example.org/a;"x; y"\r\n')
    result, [record] = toolkit.read_records([path])
    assert result.valid, result.problems
    assert record.data["claim"] == "Said, with a comma." and record.data["tags"] == ["x", "y"]


def test_headers_in_other_capitals_get_a_did_you_mean(write):
    path = write("caps.csv", 'Id,speaker,claim,date,status,sources\r\n'
                             'capital-id,Joe,Said.,2018-12-04,true,https://example.org/a\r\n')
    result = toolkit.validate([path])
    [problem] = result.problems
    assert (problem.line, problem.column, problem.rule) == (1, 1, "csv-header")
    assert "did you mean 'id'" in problem.message


def test_the_columns_the_build_adds_are_passed_over(write):
    path = write("c.csv", 'id,speaker,speaker_id,claim,date,status,sources,repeat_of,times_repeated,source_line\r\n'
                          'built-columns,Joe,Q1,Said.,2018-12-04,true,https://example.org/a,other,3,99\r\n')
    result, [record] = toolkit.read_records([path])
    assert result.valid and set(record.data) == {"id", "speaker", "claim", "date", "status", "sources"}


@pytest.mark.parametrize("cell, value", [("'=x", "=x"), ("''=x", "'=x"), ("'plain", "'plain"), ("'-1", "-1")])
def test_the_reader_removes_only_the_quote_the_export_adds(write, cell, value):
    path = write("q.csv", f"id,speaker,claim,date,status,sources\r\nquoted-cell,Joe,{cell},2018-12-04,true,https://example.org/a\r\n")
    result, [record] = toolkit.read_records([path])
    assert result.valid and record.data["claim"] == value


def test_imported_schema_2_records_round_trip_through_csv(cli, tmp_path):
    """Every review, the publishers' scales, appearances and unknown dates (LIAR) survive CSV."""
    from pathlib import Path

    from toolkit.imports import import_claims

    data = Path(__file__).parent / "data"
    folder = tmp_path / "claims"
    import_claims(data / "factcheck-api-arabic.json", folder / "arabic.yaml")
    import_claims(data / "afp-fr.html", folder / "afp.json")
    import_claims(data / "liar-sample.tsv", folder / "liar.jsonl", source="liar")
    out, before, after = roundtrip([folder], tmp_path, cli)
    assert_frame_equal(before.drop(PROVENANCE), after.drop(PROVENANCE))
    assert after["reviews"].list.len().sum() == 7 + 3 + 7  # the Arabic item with no claimant is kept (unknown)
    assert after.filter(pl.col("date_precision") == "unknown").height == 7 and ",unknown,unknown," in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_the_year_0000_round_trips(write, cli, tmp_path, fmt):
    """RFC 3339 has the year 0000, Python's dates do not: the JSON Lines export turned the table into
    Python values and ended in a traceback."""
    claims = write("claims.jsonl", json.dumps(valid_record(
        date="0000-01-01", sources=[{"url": "https://example.org/a", "date": "0000-02-29"}])) + "\n")
    out, before, after = roundtrip([claims], tmp_path, cli, fmt=fmt)
    assert_frame_equal(before.drop(PROVENANCE), after.drop(PROVENANCE))
