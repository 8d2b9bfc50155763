"""Year 0000 (B20, B38): RFC 3339, and so a claim file, has it; validate accepts it, and every
command after it takes it too (Python's dates, which stop at year 1, are never asked to hold it)."""

from __future__ import annotations

import csv
import json

import polars as pl
import pytest

import toolkit
from conftest import valid_record
from toolkit.building import build

ZERO = "0000-01-01"
RECORDS = [
    valid_record(
        id="year-zero", claim="Said long ago.", date=ZERO, status="false",
        sources=[{"url": "https://e.org/a", "date": ZERO}],
        appearances=[{"url": "https://e.org/b", "date": ZERO}, {"url": "https://e.org/b2", "date": "0001-01-01"}],
        reviews=[{"url": "https://e.org/c", "date": ZERO, "status": "false"}],
        history=[{"date": ZERO, "status": "false"}],
    ),
    # the same claim again, another status, and reviews that disagree: the build's reports read them
    valid_record(
        id="year-zero-again", claim="Said long ago.", date="0000-02", status="true",
        reviews=[{"url": "https://e.org/d", "date": ZERO, "status": "true"},
                 {"url": "https://e.org/e", "date": ZERO, "status": "false", "publisher": {"name": "Other"}}],
    ),
]


@pytest.fixture
def data(write):
    folder = write("data/claims.jsonl", "".join(json.dumps(r) + "\n" for r in RECORDS)).parent
    (folder / "claims.yaml").write_text("license: cc-by-4.0\n")
    return folder


def test_validate_accepts_year_zero_and_build_reports_on_it(data):
    assert toolkit.validate([data]).valid
    result = build([data])
    report = result.report.as_dict()
    assert report["links"] == [{"id": "year-zero-again", "repeat_of": "year-zero"}]
    assert [c["statuses"] for c in report["status_conflicts"]] == [{"false": ["year-zero"], "true": ["year-zero-again"]}]
    assert [d["claim"] for d in report["review_disagreements"]] == ["year-zero-again"]
    assert result.table.filter(pl.col("id") == "year-zero")["first_seen"].dt.year().to_list() == [0]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "claimreview"])
def test_every_export_writes_year_zero(data, cli, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    run = cli("export", data, "--format", fmt, "--out", out, "--all-reviews" if fmt == "claimreview" else "--force")
    assert run.exit_code == 0, run.stdout + run.stderr
    if fmt == "csv":
        rows = {r["id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
        assert (rows["year-zero"]["date"], rows["year-zero-again"]["date"]) == (ZERO, "0000-02")
        assert json.loads(rows["year-zero"]["appearances"])[0]["date"] == ZERO
        assert toolkit.validate([out]).valid  # claim input again, the same dates
    elif fmt == "jsonl":
        # claim records, each date as written (the JSON Lines export is claim input)
        assert [json.loads(line)["date"] for line in out.read_text().splitlines()] == [ZERO, "0000-02"]
        assert toolkit.validate([out]).valid
    elif fmt == "parquet":
        assert pl.read_parquet(out)["date"].dt.year().to_list() == [0, 0]
    else:
        reviews = json.loads(out.read_text(encoding="utf-8"))
        claimed = {r["itemReviewed"]["identifier"]: r for r in reviews}
        assert claimed["year-zero"]["datePublished"] == ZERO
        assert claimed["year-zero"]["itemReviewed"]["datePublished"] == ZERO
        assert claimed["year-zero"]["itemReviewed"]["firstAppearance"]["datePublished"] == ZERO
        assert claimed["year-zero-again"]["itemReviewed"]["datePublished"] == "0000-02"


def test_publish_diff_and_pull_take_year_zero(data, cli, tmp_path):
    store = tmp_path / "store"
    assert cli("publish", data, "--repo", store).exit_code == 0
    changed = [{**r, "claim": "Said long, long ago."} if r["id"] == "year-zero" else r for r in RECORDS]
    (data / "claims.jsonl").write_text("".join(json.dumps(r) + "\n" for r in changed))
    second = cli("publish", data, "--repo", store)
    assert second.exit_code == 0, second.stdout + second.stderr
    diff = cli("diff", f"{store}@v1.0.0", f"{store}@v1.0.1")
    assert diff.exit_code == 0 and "1 changed" in diff.stdout
    pulled = tmp_path / "pulled.csv"
    assert cli("pull", store, "--out", pulled).exit_code == 0
    assert toolkit.validate([pulled]).valid
