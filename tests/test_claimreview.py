"""ClaimReview out: the table as schema.org JSON-LD; and back in through `toolkit.imports`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest

import toolkit
from conftest import FIXTURES, valid_record
from toolkit.building import build
from toolkit.claimreview import to_claimreview
from toolkit.imports import import_claimreview
from toolkit.exporting import export
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
    assert left_out == {"unverified": len(unverified)} == {"unverified": 3}
    assert len(reviews) == 11
    assert not set(unverified) & set(by_claim(reviews))

    summary = export(fixtures_table, "claimreview", tmp_path / "claimreview.json")
    assert (summary.rows, summary.left_out, summary.reason) == (11, 3, "3 unverified, no rating to publish")
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
    desk = {"name": "Korea Desk", "url": "https://desk.example.org"}
    reviews = by_claim(to_claimreview(fixtures_table, publisher=desk)[0])
    threat = reviews["There is no longer a Nuclear Threat from North Korea."]
    assert threat["itemReviewed"]["author"] == {
        "@type": "Person", "name": "Donald Trump", "sameAs": "https://www.wikidata.org/wiki/Q22686",
    }
    assert threat["itemReviewed"]["datePublished"] == "2018-06-13"
    assert threat["itemReviewed"]["identifier"] == "trump-no-longer-nuclear-threat"  # import keeps the id
    # No review of the desk's own: no fact-check page, no review date; neither is made up (the
    # source article is evidence, not where the check was published).
    assert "url" not in threat and "datePublished" not in threat
    assert "appearance" not in threat["itemReviewed"] and "firstAppearance" not in threat["itemReviewed"]
    assert threat["author"] == {"@type": "Organization", **desk}  # the desk, from claims.yaml

    pyongyang = next(r for c, r in reviews.items() if c.startswith("The U.S. sanctions"))
    assert pyongyang["itemReviewed"]["author"] == {"@type": "Organization", "name": "North Korean Foreign Ministry"}
    assert pyongyang["author"] == {"@type": "Organization", **desk}
    assert pyongyang["creator"] == {"@type": "Person", "name": "claims toolkit fixtures"}  # the checker
    assert pyongyang["datePublished"] == "2018-12-17"  # the review's own date
    assert "sameAs" not in reviews["They have not lived up to the commitments so far."]["itemReviewed"]["author"]


def test_export_follows_googles_claimreview_fields(write):
    """The fact-check page as url, the review's date, the speaker's type, appearances apart from
    sources, the publisher's own scale, a partial date as written; others' reviews only on request."""
    path = write("claims.jsonl", json.dumps(valid_record(
        speaker_type="group", date="2018-12",
        appearances=[{"url": "https://social.example.org/post/2", "date": "2018-12-05"},
                     {"url": "https://social.example.org/post/1", "date": "2018-12-03", "title": "First post"}],
        reviews=[
            {"url": "https://desk.example.org/bolton", "date": "2018-12-06", "status": "true", "author": "Jo Checker"},
            {"publisher": {"name": "Example Fact Check", "url": "https://efc.example.org"},
             "url": "https://efc.example.org/bolton", "date": "2018-12-07", "status": "mostly-true",
             "rating": {"text": "4 of 6", "value": 4, "best": 6, "worst": 1}, "language": "en"},
            {"publisher": {"name": "Other Checker"}, "url": "https://other.example.org/x", "rating": {"text": "Sort of"}},
        ],
    )) + "\n")
    table, _ = build_table(toolkit.read_records([path])[1])
    [own], left_out = to_claimreview(table, publisher={"name": "Desk"})
    assert left_out == {}
    assert own["url"] == "https://desk.example.org/bolton" and own["datePublished"] == "2018-12-06"
    assert own["author"] == {"@type": "Organization", "name": "Desk"} and own["creator"]["name"] == "Jo Checker"
    assert own["reviewRating"] == {"@type": "Rating", "ratingValue": 5, "bestRating": 5, "worstRating": 1,
                                   "alternateName": "True"}  # no rating of its own: our vocabulary's
    item = own["itemReviewed"]
    assert item["author"] == {"@type": "Thing", "name": "John Bolton"}  # a group is no Person nor Organization
    assert item["datePublished"] == "2018-12"  # a month, as written
    assert item["firstAppearance"] == {"@type": "CreativeWork", "url": "https://social.example.org/post/1",
                                       "name": "First post", "datePublished": "2018-12-03"}
    assert [a["url"] for a in item["appearance"]] == ["https://social.example.org/post/2"]
    everything, _ = to_claimreview(table, publisher={"name": "Desk"}, all_reviews=True)
    assert [r["author"]["name"] for r in everything] == ["Desk", "Example Fact Check", "Other Checker"]
    theirs = everything[1]
    assert theirs["reviewRating"] == {"@type": "Rating", "ratingValue": 4, "bestRating": 6, "worstRating": 1,
                                      "alternateName": "4 of 6"}  # their scale, their words
    assert theirs["author"] == {"@type": "Organization", "name": "Example Fact Check", "url": "https://efc.example.org"}
    assert everything[2]["reviewRating"] == {"@type": "Rating", "alternateName": "Sort of"}  # unmapped: words only
    assert "datePublished" not in everything[2]


def test_claims_reviewed_only_by_others_go_out_only_with_all_reviews(tmp_path, cli):
    summary = import_claimreview(DATA / "factcheck-api-arabic.json", tmp_path / "claims" / "imported.yaml")
    run = cli("export", tmp_path / "claims", "--format", "claimreview", "--out", tmp_path / "own.json")
    assert run.exit_code == 0, run.stderr
    assert json.loads((tmp_path / "own.json").read_text(encoding="utf-8")) == []
    assert "left out 5" in run.stdout and "--all-reviews" in run.stdout
    run = cli("export", tmp_path / "claims", "--format", "claimreview", "--out", tmp_path / "all.json", "--all-reviews")
    assert run.exit_code == 0, run.stderr
    published = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert len(published) == summary.reviews_kept == 7
    assert {r["author"]["name"] for r in published} == {"Misbar", "Fatabyyano", "AFP عربي", "akeed.jo"}
    assert all(r["url"].startswith("https://") for r in published)  # every one a fact-check page
    bad = cli("export", tmp_path / "claims", "--format", "csv", "--out", tmp_path / "x.csv", "--all-reviews")
    assert bad.exit_code == 2


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".jsonl"])
def test_export_then_import_keeps_claim_speaker_date_status_and_id(fixtures_table, tmp_path, suffix):
    export(fixtures_table, "claimreview", tmp_path / "claimreview.json", publisher={"name": "Desk"})
    summary = import_claimreview(tmp_path / "claimreview.json", tmp_path / f"back{suffix}")
    assert (summary.written, summary.skipped, summary.unmapped) == (11, (), {})
    result, records = toolkit.read_records([tmp_path / f"back{suffix}"])
    assert result.valid, [p.as_dict() for p in result.problems]
    expected = fixtures_table.filter(pl.col("status") != "unverified")
    back = {(r.data["id"], r.data["claim"], r.data["speaker"], r.data["speaker_type"], r.data["date"], r.data["status"])
            for r in records}
    assert back == {(row["id"], row["claim"], row["speaker"], row["speaker_type"], row["date"].isoformat(), row["status"])
                    for row in expected.iter_rows(named=True)}


def test_import_export_import_gives_identical_records_and_ids(tmp_path, cli):
    """Imported fact-checks of every shape, exported as ClaimReview (every review, under its
    publisher) and imported again: the same records, field by field, and the same ids."""
    for name in ("factcheck-api-arabic.json", "afp-fr.html", "claimreview-graph.jsonld", "lines-mixed.jsonl",
                 "plain-claims-list.json", "factcheck-api.json", "numeric-ratings.jsonld"):
        folder = tmp_path / name / "claims"
        first = import_claimreview(DATA / name, folder / "first.json")
        records = json.loads((folder / "first.json").read_text(encoding="utf-8"))
        run = cli("export", folder, "--format", "claimreview", "--out", tmp_path / name / "out.json", "--all-reviews")
        assert run.exit_code == 0, run.stderr
        again = import_claimreview(tmp_path / name / "out.json", tmp_path / name / "again.json")
        assert json.loads((tmp_path / name / "again.json").read_text(encoding="utf-8")) == records, name
        assert (again.written, again.reviews_kept) == (first.written, first.reviews_kept)


def test_a_desk_review_without_status_carries_the_records_verdict(write, cli, tmp_path):
    """B49: `status: false` and the desk's own review with no status of its own: the review goes out
    rated False (it was left out, "unverified claims have no rating to publish", which it is not)."""
    own = valid_record(id="desk-said-false", status="false",
                       reviews=[{"url": "https://desk.example.org/a", "summary": "It is not so."}])
    mixed = valid_record(id="desk-and-other", claim="Another claim.", status="false",
                         reviews=[{"url": "https://desk.example.org/b"},
                                  {"publisher": {"name": "Other"}, "url": "https://other.example.org/b", "status": "false"}])
    unverified = valid_record(id="not-checked", claim="A third claim.", status="unverified")
    path = write("data/claims.jsonl", "".join(json.dumps(r) + "\n" for r in (own, mixed, unverified)))
    table, _ = build_table(toolkit.read_records([path])[1])
    reviews, left_out = to_claimreview(table)
    assert [(r["itemReviewed"]["identifier"], r["url"], r["reviewRating"]["alternateName"]) for r in reviews] == [
        ("desk-said-false", "https://desk.example.org/a", "False")
    ]
    # another publisher's status is never published as the desk's; each claim left out says why
    assert left_out == {"no status": 1, "unverified": 1}
    run = cli("export", path.parent, "--format", "claimreview", "--out", tmp_path / "cr.json")
    assert run.exit_code == 0
    assert run.stdout.startswith("wrote 1 ClaimReview to ")  # one a review published (B52)
    assert ("left out 2 (1 the desk's review gives no status while others' reviews do; "
            "1 unverified, no rating to publish)") in run.stdout
