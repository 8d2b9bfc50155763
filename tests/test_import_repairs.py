"""What import repairs, counts and skips so that it never writes what `claims validate` refuses
(issue 18.2, B16, B33), and the fact-checks it keeps whatever is missing or long (issue 18.3, B24)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
import yaml
from hypothesis import event, given, settings
from hypothesis import strategies as st

from toolkit.imports import read_claims


def _api(tmp_path, *claims: dict):
    source = tmp_path / "api.json"
    source.write_text(json.dumps({"claims": list(claims)}), encoding="utf-8")
    return source


def _claim(text: str, claimant: str | None = "وزارة الصحة", rating: str = "زائف", **review) -> dict:
    claim = {"text": text, "claimDate": "2023-11-02T00:00:00Z", "claimReview": [{
        "publisher": {"name": "Misbar", "site": "misbar.com"}, "url": "https://misbar.com/factcheck/1",
        "reviewDate": "2023-11-03T00:00:00Z", "textualRating": rating, "languageCode": "ar", **review}]}
    if claimant is not None:
        claim["claimant"] = claimant
    return claim


def test_controls_are_removed_bidi_balanced_and_each_repair_counted(tmp_path, cli):
    """B16: NUL, U+0090, an override and an invisible-only text were written, and validate refused them."""
    source = _api(
        tmp_path,
        _claim("Bad \u0000 claim \u0090 here"),
        _claim("\u202bوزارة الصحة أعلنت مجانية اللقاح"),  # a right-to-left embedding left open
        _claim("Prices \u202etrebled\u202c last year"),  # an override: display order differs from storage
        _claim("A claim", claimant="\u200b"),  # only a zero-width space: no claimant
        _claim("Another claim", title="\u200b\u200b"),
    )
    out = tmp_path / "out.yaml"
    run = cli("import", source, "--out", out)
    assert run.exit_code == 0, run.stderr
    assert "wrote 5 records" in run.stdout
    for counted in ("1 control characters removed", "1 bidirectional embeddings or isolates left open, closed",
                    "bidirectional controls removed", "2 texts with no visible character, left out"):
        assert counted in run.stdout, run.stdout
    validated = cli("validate", out)
    assert validated.exit_code == 0, validated.stdout
    assert cli("fmt", "--check", out).exit_code == 0
    claims = {r["claim"] for r in yaml.safe_load_all(out.read_text(encoding="utf-8"))}
    assert "Bad  claim  here" in claims and "Prices trebled last year" in claims


def test_a_lone_surrogate_skips_its_item_and_says_why(tmp_path, cli):
    """B33: a `\\ud800` in claimReviewed ended in UnicodeEncodeError."""
    source = tmp_path / "x.json"
    source.write_text(
        '[{"@type": "ClaimReview", "url": "https://c.example.org/1", "claimReviewed": "Bad \\ud800 claim",'
        ' "itemReviewed": {"author": "Jo"}, "reviewRating": {"alternateName": "False"}},'
        ' {"@type": "ClaimReview", "url": "https://c.example.org/2", "claimReviewed": "Good claim",'
        ' "itemReviewed": {"author": "Jo"}, "reviewRating": {"alternateName": "False"}}]',
        encoding="utf-8",
    )
    report = tmp_path / "report.csv"
    run = cli("import", source, "--out", tmp_path / "out.jsonl", "--report", report)
    assert run.exit_code == 0, run.stderr
    assert "wrote 1 record" in run.stdout and "skipped 1: 1 claim: a lone surrogate (U+D800)" in run.stdout
    assert '/0,https://c.example.org/1,"claim: a lone surrogate' in report.read_text(encoding="utf-8")


def test_no_claimant_keeps_the_fact_check_under_speaker_unknown(tmp_path, cli):
    """Issue 18.3: an item with no claimant was skipped; 27 of a dump's 32 `true` ratings went."""
    source = _api(tmp_path, _claim("اللقاح مجاني", claimant=None, rating="صحيح"), _claim("قال", claimant="  "))
    records, summary = read_claims(source)
    assert [(r["speaker"], r["speaker_type"], r["status"]) for r in records][:1] == [("unknown", "unknown", "true")]
    assert summary.written == 2 and summary.notes["no claimant: speaker unknown"] == 2
    records, summary = read_claims(source, default_speaker="مصدر غير معروف")
    assert {r["speaker"] for r in records} == {"مصدر غير معروف"}  # --default-speaker still decides
    out = tmp_path / "out.jsonl"
    assert cli("import", source, "--out", out).exit_code == 0 and cli("validate", out).exit_code == 0


def test_long_claimants_and_ratings_are_kept_whole(tmp_path, cli):
    """Issue 18.3: a claimant over 200 characters lost its claim; a rating over 500 was dropped and
    the ClaimReview export then published a rating the publisher never gave."""
    outlets = ", ".join(f"Journalist Number {n} of Outlet {n}" for n in range(1, 8)) + " and others"
    verdict = "Misleading. " + "The figure compares two different periods and leaves out the revision. " * 9
    assert len(outlets) > 200 and len(verdict) > 500
    source = _api(tmp_path, _claim("The deficit tripled.", claimant=outlets, rating=verdict))
    out = tmp_path / "claims" / "out.yaml"
    run = cli("import", source, "--out", out)
    assert run.exit_code == 0, run.stderr
    [record] = yaml.safe_load_all(out.read_text(encoding="utf-8"))
    assert record["speaker"] == outlets and record["reviews"][0]["rating"]["text"] == verdict.strip()
    assert cli("validate", out).exit_code == 0
    exported = tmp_path / "cr.json"
    assert cli("export", out, "--format", "claimreview", "--all-reviews", "--out", exported).exit_code == 0
    [published] = json.loads(exported.read_text(encoding="utf-8"))
    assert published["reviewRating"] == {"@type": "Rating", "alternateName": verdict.strip()}  # theirs, whole


def test_the_export_never_gives_another_publisher_a_rating_it_did_not_give(tmp_path, cli):
    record = {"id": "jo-taxes-doubled", "speaker": "Jo", "claim": "Taxes doubled.", "date": "2023-01-01",
              "status": "false", "reviews": [{"publisher": {"name": "Other Check"}, "url": "https://o.example.org/1",
                                             "status": "false"}]}
    source = tmp_path / "claims" / "c.json"
    source.parent.mkdir()
    source.write_text(json.dumps(record), encoding="utf-8")
    exported = tmp_path / "cr.json"
    run = cli("export", source, "--format", "claimreview", "--all-reviews", "--out", exported)
    assert run.exit_code == 0, run.stderr
    assert json.loads(exported.read_text(encoding="utf-8")) == []  # no "False" under Other Check's name


def test_several_ratings_and_authors_are_all_kept(tmp_path):
    """B24: `reviewRating: [False, True]` kept only False; `author: [A, B]` only A."""
    source = tmp_path / "x.json"
    source.write_text(json.dumps({
        "@type": "ClaimReview", "url": "https://c.example.org/1", "claimReviewed": "Crime fell by half.",
        "itemReviewed": {"author": {"@type": "Person", "name": "Governor Jones"}, "datePublished": "2024-01-02"},
        "author": [{"@type": "Person", "name": "Ann Checker"}, {"@type": "Person", "name": "Bo Checker"}],
        "publisher": {"@type": "Organization", "name": "Site A"},
        "reviewRating": [{"alternateName": "False"}, {"alternateName": "True"}],
    }), encoding="utf-8")
    [record], summary = read_claims(source)
    assert [(r["rating"]["text"], r["author"]) for r in record["reviews"]] == [
        ("False", "Ann Checker, Bo Checker"), ("True", "Ann Checker, Bo Checker")]
    assert summary.reviews == summary.reviews_kept == 2 and len(summary.disagreements) == 1


EDGES = "a \t\n\x00\x7f\x85\xa0\xad\u200b\u200f\u202a\u202c\u202e\u2066\u2069\u3164\ufeff\ud800"
PLAIN = st.sampled_from(["Taxes rose.", "تضليل", "文字", "x", "https://e.org/a", "Ana\u200dLopez"]) | st.none()
TEXTS = PLAIN | st.text(st.sampled_from(EDGES) | st.characters(), max_size=5)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    texts=st.lists(PLAIN, min_size=10, max_size=10),
    spoilt=st.none() | st.tuples(st.integers(0, 9), TEXTS),
    value=st.none() | st.integers() | TEXTS | st.lists(TEXTS, max_size=2),
    appearances=st.lists(st.dictionaries(st.sampled_from(["url", "date"]), TEXTS, max_size=2), max_size=2),
    sources=st.lists(TEXTS, max_size=2),
    fields=st.lists(st.tuples(st.sampled_from(["tags", "context"]), TEXTS | st.lists(TEXTS, max_size=2)), max_size=1),
)
def test_a_review_passed_as_plain_is_what_the_full_repair_makes_of_it(texts, spoilt, value, appearances, sources, fields):
    """`repair_review` lets a review whose texts are all plain through in a few C calls: whatever
    it lets through, the full repair (each text, each value looked at) leaves as it is."""
    from toolkit.imports import repair
    from toolkit.imports.review import Review

    if spoilt:
        texts[spoilt[0]] = spoilt[1]
    claim, speaker, url, publisher, site, words, body, language, author, identity = texts
    review = Review("/claims/0", claim, speaker, "2020-01-01", url, publisher, site, "2020-02-01", words, value=value,
                    body=body, language=language, author=author, identity=identity, appearances=tuple(appearances),
                    sources=tuple(sources), fields=tuple(fields))  # fmt: skip
    plain = repair._plain(review)
    event(f"plain: {plain}")
    if plain:
        notes: Counter = Counter()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(repair, "_plain", lambda review: False)
            assert repair.repair_review(review, notes) is review and not notes
