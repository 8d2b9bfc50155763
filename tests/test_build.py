"""`claims build`: the canonical table, its normalisation, linked repeats, conflicts, determinism."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pyarrow.parquet as pq
import pytest

import toolkit
from conftest import FIXTURES, valid_record
from toolkit.building import build, write_folder
from toolkit.schema import load_schema

SCHEMA = load_schema().columns.table_schema()


def jsonl(*records) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


REPEATS = [
    valid_record(id="nuclear-threat-1", speaker="Donald Trump", claim="There is no longer a Nuclear Threat from North Korea.",
                 date="2018-06-13", status="false"),
    valid_record(id="nuclear-threat-2", speaker="President Trump", claim="there is no longer a nuclear threat from North Korea",
                 date="2018-06-20", status="false"),
    valid_record(id="nuclear-threat-0", speaker="Donald J. Trump", claim="There is no longer a  “Nuclear Threat” from North Korea!",
                 date="2018-07-01", status="mostly-false"),
    valid_record(id="other-claim", speaker="John Bolton", claim="Something else entirely.", date="2018-12-04"),
]


@pytest.fixture
def repeats(write):
    folder = write("data/claims.jsonl", jsonl(*REPEATS)).parent
    write("data/speakers.yaml", (FIXTURES / "speakers.yaml").read_text())
    return folder


def test_repeats_are_linked_not_dropped(repeats):
    result = build([repeats])
    table = result.table
    assert table["id"].to_list() == ["nuclear-threat-0", "nuclear-threat-1", "nuclear-threat-2", "other-claim"]
    rows = {r["id"]: r for r in table.iter_rows(named=True)}
    assert rows["nuclear-threat-1"]["repeat_of"] is None
    assert rows["nuclear-threat-2"]["repeat_of"] == "nuclear-threat-1"
    assert rows["nuclear-threat-0"]["repeat_of"] == "nuclear-threat-1"
    assert {rows[i]["times_repeated"] for i in ("nuclear-threat-0", "nuclear-threat-1", "nuclear-threat-2")} == {2}
    assert rows["nuclear-threat-2"]["first_seen"] == dt.date(2018, 6, 13)
    assert rows["nuclear-threat-2"]["last_seen"] == dt.date(2018, 7, 1)
    assert rows["other-claim"]["times_repeated"] == 0 and rows["other-claim"]["repeat_of"] is None
    report = result.report.as_dict()
    assert report["links"] == [{"id": "nuclear-threat-0", "repeat_of": "nuclear-threat-1"},
                               {"id": "nuclear-threat-2", "repeat_of": "nuclear-threat-1"}]
    assert (report["claims"], report["unique_claims"], report["repeats"]) == (4, 2, 2)


def test_status_conflict_is_reported_and_strict_fails(repeats, cli, tmp_path):
    report = build([repeats]).report
    assert len(report.conflicts) == 1
    conflict = report.conflicts[0]
    assert conflict.claim_id == "nuclear-threat-1"
    assert conflict.statuses == {"false": ["nuclear-threat-1", "nuclear-threat-2"], "mostly-false": ["nuclear-threat-0"]}
    assert [p.rsplit("/", 1)[1] for p in conflict.places] == ["claims.jsonl:1", "claims.jsonl:2", "claims.jsonl:3"]
    run = cli("build", repeats, "--out", tmp_path / "out")
    assert run.exit_code == 0 and "disagree on status" in run.stderr
    strict = cli("build", repeats, "--out", tmp_path / "strict", "--strict")
    assert strict.exit_code == 1 and "status-conflict" in strict.stdout
    assert not (tmp_path / "strict").exists()


def test_speaker_aliases_map_to_one_speaker(repeats):
    table = build([repeats]).table
    trump = table.filter(pl.col("id").str.starts_with("nuclear"))
    assert trump["speaker"].unique().to_list() == ["Donald Trump"]
    assert trump["speaker_id"].unique().to_list() == ["Q22686"]
    assert table.filter(pl.col("id") == "other-claim")["speaker_id"].to_list() == [None]


def test_text_is_normalised(write):
    record = valid_record(claim="Cafe\u0301  said\n\tthis ", speaker="  John   Bolton ")
    table = build([write("a.jsonl", jsonl(record))]).table
    assert table["claim"].to_list() == ["Café said this"]
    assert table["speaker"].to_list() == ["John Bolton"]


def test_provenance_is_kept(write):
    folder = write("d/a.jsonl", jsonl(REPEATS[0], REPEATS[3])).parent
    table = build([folder]).table.sort("source_line")
    assert table["source_line"].to_list() == [1, 2]
    assert {p.rsplit("/", 2)[-2:] == ["d", "a.jsonl"] for p in table["source_file"]} == {True}
    assert not any(p.startswith("/") for p in table["source_file"]), "no absolute paths in the published bytes"


def test_source_file_is_relative_to_the_dataset_whatever_folder_the_build_ran_in(tmp_path, cli, monkeypatch):
    """Review finding B46: `source_file` was relative to the folder the command ran in, so two
    curators published different bytes for the same data."""
    desk = tmp_path / "desk"
    (desk / "claims" / "2018").mkdir(parents=True)
    (desk / "claims.yaml").write_text("pretty_name: Desk\nlicense: cc0-1.0\n")
    (desk / "claims" / "2018" / "a.jsonl").write_text(jsonl(*REPEATS))
    (desk / "claims" / "b.json").write_text(json.dumps(valid_record()))
    (desk / ".git").mkdir()
    outs = []
    for here, given in ((desk, "claims"), (desk / "claims", "."), (desk / "claims" / "2018", "..")):
        monkeypatch.chdir(here)
        outs.append(tmp_path / f"out-{len(outs)}")
        assert cli("build", given, "--out", outs[-1]).exit_code == 0
    shards = [sorted((out / "data").iterdir()) for out in outs]
    assert [[p.read_bytes() for p in files] for files in shards[1:]] == [[p.read_bytes() for p in shards[0]]] * 2
    assert [(out / "build-report.json").read_bytes() for out in outs[1:]] == [(outs[0] / "build-report.json").read_bytes()] * 2
    table = pl.read_parquet(shards[0][0])
    assert sorted(set(table["source_file"])) == ["claims/2018/a.jsonl", "claims/b.json"]


def test_invalid_input_never_builds(write, cli, tmp_path):
    bad = write("bad.jsonl", jsonl(valid_record(status="maybe")))
    with pytest.raises(toolkit.ValidationFailed) as caught:
        build([bad])
    assert caught.value.result.problems[0].rule == "enum"
    run = cli("build", bad, "--out", tmp_path / "out")
    assert run.exit_code == 1 and "bad.jsonl:1:" in run.stdout
    assert not (tmp_path / "out").exists()


def test_builds_are_byte_identical(tmp_path, cli):
    for name in ("one", "two"):
        assert cli("build", FIXTURES, "--out", tmp_path / name).exit_code == 0
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    two = sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file())
    assert one == two and len(one) >= 3
    for relative in one:
        assert (tmp_path / "one" / relative).read_bytes() == (tmp_path / "two" / relative).read_bytes(), relative
    data = (tmp_path / "one" / "data" / "train-00000-of-00001.parquet").read_bytes()
    assert str(tmp_path).encode() not in data


def test_parquet_settings(tmp_path):
    write_folder(build([FIXTURES]), tmp_path)
    meta = pq.ParquetFile(tmp_path / "data" / "train-00000-of-00001.parquet").metadata
    assert meta.num_rows == 14
    assert meta.row_group(0).column(0).compression == "ZSTD"
    ids = pl.read_parquet(tmp_path / "data").get_column("id").to_list()
    assert ids == sorted(ids)


def test_types_survive_in_every_reader(tmp_path):
    write_folder(build([FIXTURES]), tmp_path)
    shard = tmp_path / "data" / "train-00000-of-00001.parquet"
    frame = pl.read_parquet(shard)
    assert frame.schema == SCHEMA
    import duckdb
    import pyarrow as pa

    arrow = pq.read_table(shard).schema
    assert arrow.field("date").type == pa.date32()
    sources = arrow.field("sources").type
    assert pa.types.is_large_list(sources) and pa.types.is_struct(sources.value_type)
    assert sources.value_type.field("date").type == pa.date32()
    types = {row[0]: row[1] for row in duckdb.sql(f"DESCRIBE SELECT * FROM '{shard}'").fetchall()}
    assert types["date"] == "DATE" and types["sources"].startswith("STRUCT(url VARCHAR")
    _, records = toolkit.read_records([FIXTURES])
    true_claims = sum(r.data["status"] == "true" for r in records)
    assert duckdb.sql(f"SELECT count(*) FROM '{shard}' WHERE status = 'true'").fetchall() == [(true_claims,)]
    import datasets

    loaded = datasets.Dataset.from_parquet(str(shard), cache_dir=str(tmp_path / "cache"))
    assert loaded.num_rows == 14
    assert loaded.features["date"].dtype == "date32"
    from toolkit.vocabulary import STATUSES

    assert set(loaded.unique("status")) <= set(STATUSES)


def test_status_holds_only_the_vocabulary(tmp_path):
    table = build([FIXTURES]).table
    from toolkit.vocabulary import STATUSES

    assert set(table["status"].unique()) <= set(STATUSES)
    schema = json.loads((FIXTURES.parent / "schema" / "claim.schema.json").read_text())
    assert schema["$defs"]["status"]["enum"] == list(STATUSES)


def test_unwritable_output_is_a_clear_error(tmp_path, cli):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    run = cli("build", FIXTURES, "--out", blocker / "out")
    assert run.exit_code == 2  # a usage problem, told before any work (B50)
    assert f"{blocker} is a file, so nothing can be written inside it" in run.stderr and "Traceback" not in run.stderr
    assert blocker.read_text() == "not a folder"


def test_columns_and_records_give_the_same_bytes(tmp_path, monkeypatch):
    """A clean JSON Lines file goes straight into columns; a byte-order mark sends it record by record.
    Both ways must give the same shards, byte for byte (regression: the shard count once came
    from the in-memory layout, which differed between the two)."""
    from toolkit.table import input_columns
    from toolkit.validation import read_frame

    monkeypatch.setattr("toolkit.building.SHARD_BYTES", 3000)  # several shards
    records = [valid_record(id=f"claim-{n:03d}", claim=f"Claim number {n}.", tags=["a", f"t{n}"]) for n in range(40)]
    shards = {}
    for way, text in (("columns", jsonl(*records)), ("records", "\ufeff" + jsonl(*records))):
        folder = tmp_path / way
        folder.mkdir()
        (folder / "claims.jsonl").write_text(text, encoding="utf-8")
        monkeypatch.chdir(folder)
        assert (read_frame(["claims.jsonl"], columns=input_columns())[1] is not None) == (way == "columns")
        write_folder(build(["claims.jsonl"]), folder / "out")
        shards[way] = {p.name: p.read_bytes() for p in (folder / "out" / "data").glob("*.parquet")}
    assert len(shards["columns"]) > 1
    assert shards["columns"] == shards["records"]
