"""ClaimReview out: the table as schema.org JSON-LD; and back in through `toolkit.imports`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest

import toolkit
from conftest import FIXTURES, valid_record
from toolkit.build import build
from toolkit.claimreview import to_claimreview
from toolkit.imports import import_claimreview
from toolkit.export import export
from toolkit.table import build_table
from toolkit.vocabulary import STATUSES

DATA = Path(__file__).parent / "data"
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def fixtures_table():
    return build([FIXTURES]).table


def by_claim(reviews: list[dict]) -> dict[str, dict]:
    return {r["claimReviewed"]: r for r in reviews}


def assert_valid_ids(records: list[dict]) -> None:
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids)
    assert all(ID.match(i) and 3 <= len(i) <= 100 for i in ids), ids


# -- out -------------------------------------------------------------------------------------------------


def test_export_leaves_unverified_claims_out_and_counts_them(fixtures_table, tmp_path):
    reviews, left_out = to_claimreview(fixtures_table)
    unverified = fixtures_table.filter(status="unverified")["claim"].to_list()
    assert left_out == len(unverified) == 3
    assert len(reviews) == 11
    assert not set(unverified) & set(by_claim(reviews))

    summary = export(fixtures_table, "claimreview", tmp_path / "claimreview.json")
    assert (summary.rows, summary.left_out) == (11, 3) and "unverified" in summary.reason
    written = json.loads((tmp_path / "claimreview.json").read_text(encoding="utf-8"))
    assert written == reviews
    assert (tmp_path / "claimreview.json").read_text(encoding="utf-8").startswith('[\n  {\n    "@context"')


def test_export_ratings_follow_the_vocabulary(fixtures_table):
    reviews = by_claim(to_claimreview(fixtures_table)[0])
    statuses = dict(zip(fixtures_table["claim"], fixtures_table["status"]))
    for claim, review in reviews.items():
        status = STATUSES[statuses[claim]]
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        assert review["reviewRating"] == {"@type": "Rating", "ratingValue": status.rating, "bestRating": 5,
                                          "worstRating": 1, "alternateName": status.alternate_name}
    threat = reviews["There is no longer a Nuclear Threat from North Korea."]
    assert threat["reviewRating"]["ratingValue"] == 1 and threat["reviewRating"]["alternateName"] == "False"
    assert reviews["He is the strong head. Don't let anyone think anything different."]["reviewRating"]["ratingValue"] == 3


def test_export_describes_claim_speaker_and_dates(fixtures_table):
    reviews = by_claim(to_claimreview(fixtures_table)[0])
    threat = reviews["There is no longer a Nuclear Threat from North Korea."]
    assert threat["itemReviewed"]["author"] == {
        "@type": "Person", "name": "Donald Trump", "sameAs": "https://www.wikidata.org/wiki/Q22686",
    }
    assert threat["itemReviewed"]["datePublished"] == "2018-06-13"
    assert threat["datePublished"] == "2018-12-04"  # no review date: the latest status change
    assert threat["url"] == "https://thinkprogress.org/koreas-de-escalation-guard-posts-trump-sanctions/"
    assert threat["itemReviewed"]["appearance"] == [
        {"@type": "CreativeWork", "url": "https://thinkprogress.org/koreas-de-escalation-guard-posts-trump-sanctions/"}
    ]
    assert "author" not in threat  # no reviewer known

    pyongyang = next(r for c, r in reviews.items() if c.startswith("The U.S. sanctions"))
    assert pyongyang["itemReviewed"]["author"] == {"@type": "Organization", "name": "North Korean Foreign Ministry"}
    assert pyongyang["author"] == {"@type": "Organization", "name": "claims toolkit fixtures"}
    assert pyongyang["datePublished"] == "2018-12-17"  # the review's own date

    bolton = reviews["They have not lived up to the commitments so far."]
    assert bolton["datePublished"] == "2018-12-04"  # nothing else known: the claim's date
    assert "sameAs" not in bolton["itemReviewed"]["author"]


def test_export_uses_the_review_url_when_there_is_one(write):
    path = write("claims.jsonl", json.dumps(valid_record(
        review={"url": "https://review.example.org/bolton", "reviewer": "Example Fact Check", "date": "2018-12-06"},
    )) + "\n")
    table, _ = build_table(toolkit.read_records([path])[1])
    [review], left_out = to_claimreview(table)
    assert left_out == 0
    assert review["url"] == "https://review.example.org/bolton"
    assert review["datePublished"] == "2018-12-06"
    assert review["author"] == {"@type": "Organization", "name": "Example Fact Check"}


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".jsonl"])
def test_export_then_import_keeps_claim_speaker_date_and_status(fixtures_table, tmp_path, suffix):
    export(fixtures_table, "claimreview", tmp_path / "claimreview.json")
    summary = import_claimreview(tmp_path / "claimreview.json", tmp_path / f"back{suffix}")
    assert (summary.written, summary.skipped, summary.unmapped) == (11, (), {})
    result, records = toolkit.read_records([tmp_path / f"back{suffix}"])
    assert result.valid, [p.as_dict() for p in result.problems]
    expected = fixtures_table.filter(pl.col("status") != "unverified")
    back = {(r.data["claim"], r.data["speaker"], r.data["date"], r.data["status"]) for r in records}
    assert back == {(row["claim"], row["speaker"], row["date"].isoformat(), row["status"])
                    for row in expected.iter_rows(named=True)}
