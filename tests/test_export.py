"""`claims export`: CSV for spreadsheets and claim input (formulas defused), Parquet and JSON Lines that
read back equal to the table, deterministic bytes, and atomic writes that never leave half a file."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from polars.testing import assert_frame_equal

import toolkit
from conftest import FIXTURES, valid_record
from toolkit.building import build
from toolkit.errors import ExportError, UsageError
from toolkit.exporting import FORMATS, ExportSummary, export
from toolkit.schema import load_schema
from toolkit.table import build_table

SCHEMA = load_schema().columns.table_schema()

CSV_COLUMNS = SCHEMA.names()  # one column per table column: the CSV is claim input again


@pytest.fixture(scope="module")
def fixtures_table() -> pl.DataFrame:
    return build([FIXTURES]).table


def table_of(write, *records) -> pl.DataFrame:
    """The canonical table of `records`, read from a real JSON Lines file as a curator would write it."""
    path = write("claims.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    result, read = toolkit.read_records([path])
    assert result.valid, result.problems
    return build_table(read)[0]


def read_csv(path: Path) -> list[dict[str, str]]:
    """As a spreadsheet (or Python's csv module) reads it: RFC 4180, UTF-8."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- CSV ---------------------------------------------------------------------------------------------


def test_csv_defuses_formulas_and_keeps_everything_else(write, tmp_path):
    table = table_of(
        write,
        valid_record(id="formula-claim", speaker="@Handle", claim="=HYPERLINK(\"https://evil.example\",\"click\")",
                     context="+1 555 0100", tags=["-dash", "plain"],
                     sources=[{"url": "https://example.org/a", "title": "=cmd|' /C calc'!A0"}]),
        valid_record(id="plain-claim", speaker="John Bolton", claim="They have not lived up to the commitments, so far.",
                     date="2018-12-05", context="A plain - ordinary = sentence @ noon."),
    )
    summary = export(table, "csv", tmp_path / "claims.csv")
    assert summary == ExportSummary("csv", tmp_path / "claims.csv", 2)
    rows = {row["id"]: row for row in read_csv(tmp_path / "claims.csv")}
    risky = rows["formula-claim"]
    assert risky["claim"] == "'=HYPERLINK(\"https://evil.example\",\"click\")"
    assert risky["speaker"] == "'@Handle"
    assert risky["context"] == "'+1 555 0100"
    assert risky["tags"] == "'-dash; plain"
    assert json.loads(risky["sources"])[0]["title"] == "=cmd|' /C calc'!A0"  # a JSON cell starts with [
    # Nothing else is touched: the plain row reads back exactly as the table holds it.
    plain = rows["plain-claim"]
    assert plain["claim"] == "They have not lived up to the commitments, so far."
    assert plain["context"] == "A plain - ordinary = sentence @ noon."
    assert plain["speaker"] == "John Bolton" and plain["date"] == "2018-12-05"
    assert not any(value.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows.values() for value in row.values())


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_defuses_every_formula_start(fixtures_table, tmp_path, start):
    table = fixtures_table.with_columns(pl.lit(f"{start}SUM(A1:A9)").alias("context"))
    export(table, "csv", tmp_path / "claims.csv")
    assert {row["context"] for row in read_csv(tmp_path / "claims.csv")} == {f"'{start}SUM(A1:A9)"}


def test_csv_is_rfc4180(fixtures_table, tmp_path):
    """Commas, quotes and line breaks inside a cell are quoted; records end with CRLF."""
    table = fixtures_table.with_columns(
        pl.when(pl.col("id") == "moon-new-milestone").then(pl.lit('He said "yes", then\nleft.'))
        .otherwise(pl.col("context")).alias("context")
    )
    export(table, "csv", tmp_path / "claims.csv")
    data = (tmp_path / "claims.csv").read_bytes()
    data.decode("utf-8")  # valid UTF-8
    assert data.startswith(b"id,speaker,speaker_id,speaker_type,speaker_party,speaker_job,claim,date,date_precision,status,")
    assert b'"He said ""yes"", then\nleft."' in data
    assert data.count(b"\r\n") == table.height + 1 and data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"").replace(b"then\nleft", b"")
    rows = {row["id"]: row for row in read_csv(tmp_path / "claims.csv")}
    assert rows["moon-new-milestone"]["context"] == 'He said "yes", then\nleft.'
    assert rows["pyongyang-sanctions-political-provocation"]["claim"] == \
        'The U.S. sanctions are an "intolerable political provocation" and a "hostile act".'
    assert rows["guard-posts-removed-22"]["claim"].endswith("guard posts, 11 from each of the Koreas.")


def test_csv_writes_lists_and_objects_as_cells(fixtures_table, write, tmp_path):
    export(fixtures_table, "csv", tmp_path / "fixtures.csv")
    rows = {row["id"]: row for row in read_csv(tmp_path / "fixtures.csv")}
    assert list(next(iter(rows.values()))) == CSV_COLUMNS
    assert len(rows) == 14
    threat = rows["trump-no-longer-nuclear-threat"]
    assert [(h["date"], h["status"]) for h in json.loads(threat["history"])] == \
        [("2018-06-13", "unverified"), ("2018-12-04", "false")]
    assert threat["speaker"] == "Donald Trump" and threat["speaker_id"] == "Q22686"
    assert threat["tags"] == "north-korea; singapore-summit; denuclearization"
    assert threat["date"] == threat["first_seen"] == "2018-06-13"
    assert threat["source_file"].endswith("claims/white-house.csv")
    assert threat["source_line"] == "3"
    [reviewed] = json.loads(rows["pyongyang-sanctions-political-provocation"]["reviews"])
    assert reviewed["author"] == "claims toolkit fixtures" and reviewed["date"] == "2018-12-17"
    assert reviewed["summary"].startswith("North Korea's severe human rights abuses")
    assert "url" not in reviewed and rows["pyongyang-sanctions-political-provocation"]["history"] == ""

    table = table_of(write, valid_record(
        id="two-sources", tags=[],
        sources=[{"url": "https://example.org/one", "title": "First, with a comma"}, {"url": "https://example.org/two"}],
        reviews=[{"url": "https://review.example.org/x", "summary": "Checked."}],
    ))
    export(table, "csv", tmp_path / "two.csv")
    [row] = read_csv(tmp_path / "two.csv")
    assert json.loads(row["sources"]) == [{"url": "https://example.org/one", "title": "First, with a comma"},
                                          {"url": "https://example.org/two"}]  # empty fields left out
    assert row["tags"] == "" and json.loads(row["reviews"]) == [{"url": "https://review.example.org/x", "summary": "Checked."}]


# -- Parquet and JSON Lines: lossless -------------------------------------------------------------------


def test_parquet_reads_back_equal_with_real_types(fixtures_table, tmp_path):
    out = tmp_path / "claims.parquet"
    assert export(fixtures_table, "parquet", out).rows == 14
    assert_frame_equal(pl.read_parquet(out), fixtures_table)

    schema = pq.read_schema(out)
    assert schema.field("date").type == pa.date32()
    sources = schema.field("sources").type
    assert pa.types.is_list(sources) or pa.types.is_large_list(sources)
    assert pa.types.is_struct(sources.value_type)
    assert [f.name for f in sources.value_type] == ["url", "title", "publisher", "date"]
    assert sources.value_type.field("date").type == pa.date32()
    assert pq.read_table(out).num_rows == 14

    types = {name: kind for name, kind, *_ in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{out}')").fetchall()}
    assert types["date"] == "DATE"
    assert types["sources"] == "STRUCT(url VARCHAR, title VARCHAR, publisher VARCHAR, date DATE)[]"
    assert types["history"] == "STRUCT(date DATE, status VARCHAR, note VARCHAR)[]"
    query = f"SELECT sources[1].publisher, date FROM read_parquet('{out}') WHERE id = 'oba-sticks-and-carrots'"
    assert duckdb.sql(query).fetchall() == [("ThinkProgress", dt.date(2018, 12, 12))]


def test_jsonl_writes_claim_records(fixtures_table, tmp_path):
    """JSON Lines is claim input: the schema's fields only, absent values left out, dates as written."""
    out = tmp_path / "claims.jsonl"
    assert export(fixtures_table, "jsonl", out).rows == 14
    objects = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in objects] == fixtures_table["id"].to_list()
    assert all(None not in o.values() and [] not in o.values() for o in objects)
    assert all(list(o) == [name for name in SCHEMA.names() if name in o] for o in objects)  # the table's order
    threat = next(o for o in objects if o["id"] == "trump-no-longer-nuclear-threat")
    assert threat["date"] == "2018-06-13" and "reviews" not in threat and "context" not in threat
    assert "speaker_id" not in threat and "date_precision" not in threat and "source_file" not in threat
    assert threat["history"][1] == {"date": "2018-12-04", "status": "false",
                                    "note": "Bolton: they have not lived up to the commitments."}
    assert toolkit.validate([out]).valid


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_exports_are_byte_identical(fixtures_table, tmp_path, fmt):
    export(fixtures_table, fmt, tmp_path / "one")
    export(build([FIXTURES]).table, fmt, tmp_path / "two")
    assert (tmp_path / "one").read_bytes() == (tmp_path / "two").read_bytes()


# -- atomic writes and errors -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_replaces_an_existing_file(fixtures_table, tmp_path, fmt):
    out = tmp_path / f"claims.{fmt}"
    out.write_bytes(b"the previous export")
    export(fixtures_table, fmt, out)
    assert out.read_bytes() != b"the previous export" and out.stat().st_size > 100
    assert leftovers(tmp_path) == []


def _frame_writer_dies_halfway(error: Exception):
    """Stands in for DataFrame.write_csv and the like: half a file, then a failure."""

    def write(self, target, *args, **kwargs):
        if hasattr(target, "write"):  # Parquet is written through a file object (files.write_parquet)
            target.write(b"half a fi")
        else:
            with open(target, "wb") as handle:
                handle.write(b"half a fi")
        raise error

    return write


def _bytes_writer_dies_halfway(error: Exception):
    """Stands in for Path.write_bytes (what files.write_text uses): half the bytes, then a failure."""

    def write_bytes(self, data):
        with open(self, "wb") as handle:
            handle.write(data[: len(data) // 2])
        raise error

    return write_bytes


# Where each format's bytes are written, to make that write fail halfway.
WRITERS = {
    "csv": (pl.DataFrame, "write_csv", _frame_writer_dies_halfway),
    "parquet": (pl.DataFrame, "write_parquet", _frame_writer_dies_halfway),
    "jsonl": (Path, "write_bytes", _bytes_writer_dies_halfway),
    "claimreview": (Path, "write_bytes", _bytes_writer_dies_halfway),
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_failed_export_leaves_the_old_file_untouched(fixtures_table, tmp_path, monkeypatch, fmt):
    out = tmp_path / f"claims.{fmt}"
    out.write_bytes(b"the previous export")
    owner, name, dies_halfway = WRITERS[fmt]
    monkeypatch.setattr(owner, name, dies_halfway(RuntimeError("the writer died")))
    with pytest.raises(RuntimeError, match="the writer died"):
        export(fixtures_table, fmt, out)
    assert out.read_bytes() == b"the previous export"
    assert leftovers(tmp_path) == []


def test_disk_full_is_an_export_error_and_keeps_the_old_file(fixtures_table, tmp_path, monkeypatch):
    out = tmp_path / "claims.csv"
    out.write_bytes(b"the previous export")
    monkeypatch.setattr(pl.DataFrame, "write_csv", _frame_writer_dies_halfway(OSError(28, "No space left on device")))
    with pytest.raises(ExportError, match="No space left on device"):
        export(fixtures_table, "csv", out)
    assert out.read_bytes() == b"the previous export"
    assert leftovers(tmp_path) == []


def test_unknown_format_is_a_usage_error_naming_the_formats(fixtures_table, tmp_path, cli):
    with pytest.raises(UsageError, match=r"unknown export format 'xlsx'.*csv, parquet, jsonl, claimreview"):
        export(fixtures_table, "xlsx", tmp_path / "claims.xlsx")
    run = cli("export", FIXTURES, "--format", "xlsx", "--out", tmp_path / "claims.xlsx")
    assert run.exit_code == 2
    assert "'xlsx' is not one of" in run.stderr  # Typer lists the choices
    assert "Traceback" not in run.stderr and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_unwritable_destination_is_an_export_error(fixtures_table, tmp_path, fmt):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ExportError, match="cannot write"):
        export(fixtures_table, fmt, blocker / "claims.out")
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(ExportError, match="is a directory"):
        export(fixtures_table, fmt, folder)
    assert blocker.read_text() == "not a folder" and list(folder.iterdir()) == []


def test_csv_needs_the_canonical_table(fixtures_table, tmp_path):
    with pytest.raises(ExportError, match="status"):
        export(fixtures_table.drop("status"), "csv", tmp_path / "claims.csv")
    assert not (tmp_path / "claims.csv").exists()
    with pytest.raises(ExportError, match="sources"):
        export(fixtures_table.drop("sources"), "claimreview", tmp_path / "claims.json")
    assert not (tmp_path / "claims.json").exists()
