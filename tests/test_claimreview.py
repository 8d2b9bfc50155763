"""ClaimReview: the table out as schema.org JSON-LD, and ClaimReview or Fact Check API JSON in as
records that pass `validate`."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import polars as pl
import pytest
import yaml

import toolkit
from conftest import FIXTURES, valid_record
from toolkit.build import build
from toolkit.claimreview import from_claimreview, import_claimreview, rating_status, to_claimreview
from toolkit.errors import ExportError, UsageError
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


# -- in --------------------------------------------------------------------------------------------------


def test_import_of_a_fact_check_api_answer_validates(tmp_path):
    summary = import_claimreview(DATA / "factcheck-api.json", tmp_path / "imported.jsonl")
    assert summary.written == 7
    assert dict(summary.skipped) == {
        "no claim date": 1,
        "no claim text": 1,
        "no speaker (claimant)": 1,
        "same claim as an earlier item (sources merged)": 1,
    }
    result = toolkit.validate([tmp_path / "imported.jsonl"])
    assert result.valid, [p.as_dict() for p in result.problems]
    assert result.records == 7

    records = [json.loads(line) for line in (tmp_path / "imported.jsonl").read_text(encoding="utf-8").splitlines()]
    assert_valid_ids(records)
    claims = {r["claim"]: r for r in records}
    threat = claims["There is no longer a Nuclear Threat from North Korea."]
    assert threat["id"] == "donald-trump-there-is-no-longer-a-nuclear"
    assert threat["status"] == "false" and threat["date"] == "2018-06-13" and threat["language"] == "en"
    assert threat["review"] == {
        "summary": 'Original rating: "Pants on Fire!".',
        "url": "https://factcheck.example.org/2018/06/14/no-longer-a-nuclear-threat/",
        "reviewer": "Example Fact Check",
        "date": "2018-06-14",
    }
    # Every review's page is a source, and the duplicate item's page was merged in.
    assert [s["url"] for s in threat["sources"]] == [
        "https://factcheck.example.org/2018/06/14/no-longer-a-nuclear-threat/",
        "https://other-checker.example.com/nuclear-threat",
        "https://third.example.net/trump-nuclear-threat-again",
    ]
    assert threat["sources"][1]["publisher"] == "other-checker.example.com"  # no name: the site
    # Same speaker, same first words: the second id is numbered.
    assert claims["There is no longer a nuclear threat, and the sanctions stay until it is gone."]["id"] == \
        "donald-trump-there-is-no-longer-a-nuclear-2"
    assert claims["There is no longer a nuclear threat, and the sanctions stay until it is gone."]["status"] == "mixed"
    singapore = claims["The meeting with Kim Jong-un in Singapore produced solid results on denuclearization."]
    assert singapore["status"] == "mostly-false" and singapore["date"] == "2018-06-13"  # cut, not shifted to UTC
    assert "summary" not in singapore["review"]  # "Mostly False" is our own word: nothing to keep
    assert claims['The U.S. sanctions are an "intolerable political provocation".']["status"] == "misleading"
    unknown = claims["Such cooperation would have been unimaginable in the past."]
    assert unknown["status"] == "unproven" and unknown["review"]["summary"] == 'Original rating: "Two Thumbs Sideways".'
    spanish = claims["Las sanciones no tienen ningún efecto sobre Corea del Norte."]
    assert spanish["id"] == "jose-perez-las-sanciones-no-tienen-ningun-efecto"
    assert spanish["status"] == "false" and spanish["language"] == "es"
    assert spanish["sources"][0]["url"].endswith("corea-del-norte-%C3%B1")  # percent-encoded to pass as a URI


def test_import_of_json_ld_with_a_graph_validates(tmp_path):
    summary = import_claimreview(DATA / "claimreview-graph.jsonld", tmp_path / "imported.yaml")
    assert (summary.written, dict(summary.skipped)) == (4, {"no claim date": 1})
    result = toolkit.validate([tmp_path / "imported.yaml"])
    assert result.valid, [p.as_dict() for p in result.problems]

    records = list(yaml.safe_load_all((tmp_path / "imported.yaml").read_text(encoding="utf-8")))
    assert_valid_ids(records)
    claims = {r["claim"]: r for r in records}
    bolton = claims["They have not lived up to the commitments so far."]
    assert bolton["status"] == "mostly-true" and bolton["speaker"] == "John Bolton"
    assert bolton["review"] == {
        "summary": "North Korea has not dismantled its arsenal, though some steps were taken.",
        "url": "https://factcheck.example.org/2018/12/bolton-commitments/",
        "reviewer": "Example Fact Check",  # the author named by @id, found in the graph
        "date": "2018-12-06",
    }
    assert bolton["sources"] == [{"url": "https://thinkprogress.org/koreas-de-escalation-guard-posts-trump-sanctions/",
                                  "title": "The Koreas take historic steps in de-escalation", "publisher": "ThinkProgress"}]
    assert claims["Another summit is likely to be productive."]["status"] == "mostly-false"  # ratingValue 2 of 5
    assert claims["Another summit is likely to be productive."]["date"] == "2018-12-04"
    treasury = claims["The United States imposed sanctions on North Korean officials over human rights abuses."]
    assert treasury["status"] == "true"  # 7 on a 1-7 scale
    assert treasury["review"]["summary"] == 'Original rating: "Geppetto Checkmark".'
    assert treasury["sources"] == [{"url": "https://factcheck.example.org/2018/12/sanctions/"}]  # no appearance: the review
    oba = claims["Seoul's engagement with Pyongyang won't lead to denuclearization."]
    assert oba["status"] == "misleading" and oba["id"] == "mintaro-oba-seouls-engagement-with-pyongyang-wont-lead"


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".jsonl"])
def test_export_then_import_keeps_claim_speaker_date_and_status(fixtures_table, tmp_path, suffix):
    export(fixtures_table, "claimreview", tmp_path / "claimreview.json")
    summary = import_claimreview(tmp_path / "claimreview.json", tmp_path / f"back{suffix}")
    assert (summary.written, dict(summary.skipped)) == (11, {})
    result, records = toolkit.read_records([tmp_path / f"back{suffix}"])
    assert result.valid, [p.as_dict() for p in result.problems]
    expected = fixtures_table.filter(pl.col("status") != "unverified")
    back = {(r.data["claim"], r.data["speaker"], r.data["date"], r.data["status"]) for r in records}
    assert back == {(row["claim"], row["speaker"], row["date"].isoformat(), row["status"])
                    for row in expected.iter_rows(named=True)}


def test_from_claimreview_reads_one_object_or_a_list():
    review = {
        "@context": "https://schema.org", "@type": "ClaimReview", "url": "https://review.example.org/a",
        "claimReviewed": "A claim.", "itemReviewed": {"@type": "Claim", "author": "Jane Doe", "datePublished": "2019-01-02"},
        "reviewRating": {"@type": "Rating", "ratingValue": 5},
    }
    [record] = from_claimreview(review)
    assert record == {
        "id": "jane-doe-a-claim", "speaker": "Jane Doe", "claim": "A claim.", "date": "2019-01-02", "status": "true",
        "sources": [{"url": "https://review.example.org/a"}], "review": {"url": "https://review.example.org/a"},
    }
    assert [r["id"] for r in from_claimreview([review, {**review, "claimReviewed": "A claim, again."}])] == \
        ["jane-doe-a-claim", "jane-doe-a-claim-again"]


def test_ids_stay_valid_for_any_text():
    def review(speaker, claim, day):
        return {"@type": "ClaimReview", "url": "https://review.example.org/x", "claimReviewed": claim,
                "itemReviewed": {"author": {"name": speaker}, "datePublished": day},
                "reviewRating": {"alternateName": "False"}}

    records = from_claimreview([
        review("문재인", "새로운 이정표", "2018-12-12"),
        review("문재인", "두 번째 주장", "2018-12-13"),
        review("X", "y", "2018-12-14"),
        review("A" * 150, "word " * 300, "2018-12-15"),
    ])
    assert [r["id"] for r in records][:3] == ["claim", "claim-2", "x-y"]
    assert len(records[3]["id"]) <= 100
    assert_valid_ids(records)


def test_future_and_impossible_dates_are_skipped(tmp_path):
    def review(day):
        return {"@type": "ClaimReview", "url": "https://review.example.org/x", "claimReviewed": f"Said on {day}.",
                "itemReviewed": {"author": "Jane Doe", "datePublished": day}, "reviewRating": {"ratingValue": 1}}

    path = tmp_path / "in.json"
    path.write_text(json.dumps([review("2018-02-30"), review("2999-01-01"), review("2018-02-28T23:59:59+01:00"), 42]))
    summary = import_claimreview(path, tmp_path / "out.json")
    assert summary.written == 1
    assert dict(summary.skipped) == {"claim date in the future": 1, "no claim date": 1, "not a ClaimReview object": 1}
    assert json.loads((tmp_path / "out.json").read_text())[0]["date"] == "2018-02-28"
    assert from_claimreview([review("2999-01-01")], today=dt.date(3000, 1, 1))[0]["date"] == "2999-01-01"


@pytest.mark.parametrize("text, status", [
    ("Pants on Fire!", "false"),
    ("FALSE", "false"),
    ("Not true", "false"),
    ("Inaccurate", "false"),
    ("Four Pinocchios", "false"),
    ("Falso", "false"),
    ("Mostly False", "mostly-false"),
    ("Barely True", "mostly-false"),
    ("Half-True", "mixed"),
    ("Mixture", "mixed"),
    ("Partly false", "mixed"),
    ("Mostly accurate", "mostly-true"),
    ("Misleading", "misleading"),
    ("Missing context", "misleading"),
    ("Engañoso", "misleading"),
    ("Unsubstantiated", "unproven"),
    ("No evidence", "unproven"),
    ("Correct", "true"),
    ("True", "true"),
    ("Satire", None),
    ("Four Thumbs", None),
])
def test_textual_ratings_map_through_the_keyword_table(text, status):
    assert rating_status(text) == status


def test_an_api_answer_that_found_nothing_imports_nothing():
    assert from_claimreview({}) == [] and from_claimreview({"nextPageToken": "CAo"}) == []


def test_import_errors_are_clear(tmp_path):
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(UsageError, match="cannot read JSON"):
        import_claimreview(tmp_path / "broken.json", tmp_path / "out.yaml")
    with pytest.raises(ExportError, match=r"\.yaml, \.json or \.jsonl"):
        import_claimreview(DATA / "factcheck-api.json", tmp_path / "out.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json"]
