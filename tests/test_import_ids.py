"""Stable ids: the same claim gets the same id however the input is ordered and whatever else is
added or removed (another review of it included), so re-importing unchanged data publishes no new
version."""

from __future__ import annotations

import json
import re
from pathlib import Path

from anyascii import anyascii
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.imports import from_claimreview, ids, import_claimreview
from toolkit.publishing import publish

DATA = Path(__file__).parent / "data"
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{8}$")


def api_claims() -> list[dict]:
    """The Arabic API dump's claims, plus the plain list's: 12 claims, 14 reviews."""
    arabic = json.loads((DATA / "factcheck-api-arabic.json").read_text(encoding="utf-8"))["claims"]
    return arabic + json.loads((DATA / "plain-claims-list.json").read_text(encoding="utf-8"))


def ids_by_claim(claims: list[dict]) -> dict[str, str]:
    records = from_claimreview(claims, default_speaker="Unknown")
    return {r["claim"]: r["id"] for r in records}


def test_reversing_the_input_or_removing_an_item_changes_no_other_id():
    claims = api_claims()
    ids = ids_by_claim(claims)
    assert len(ids) == 12 and all(ID.match(i) and len(i) <= 100 for i in ids.values())
    assert ids_by_claim(list(reversed(claims))) == ids
    for removed in range(len(claims)):
        fewer = ids_by_claim(claims[:removed] + claims[removed + 1:])
        assert fewer == {key: ids[key] for key in fewer}
        assert len(fewer) < len(ids)
    added = ids_by_claim(claims + [{"text": "A new claim.", "claimant": "Someone", "claimDate": "2024-01-01",
                                    "claimReview": [{"url": "https://new.example.org/a", "textualRating": "False"}]}])
    assert {key: added[key] for key in ids} == ids
    # Another review of a claim, or one review fewer, leaves its id alone.
    more = [dict(c, claimReview=c["claimReview"] + [{"url": "https://new.example.org/b", "textualRating": "True"}])
            for c in claims]
    assert ids_by_claim(more) == ids
    fewer_reviews = [dict(c, claimReview=c["claimReview"][:1]) for c in claims]
    assert ids_by_claim(fewer_reviews) == ids


def test_ids_are_readable_for_any_script_and_stay_within_the_schema():
    def review(speaker, claim, day, url=None):
        return {"@type": "ClaimReview", "url": url, "claimReviewed": claim,
                "itemReviewed": {"author": {"name": speaker}, "datePublished": day}, "reviewRating": {"alternateName": "False"}}

    records = from_claimreview([
        review("문재인", "새로운 이정표", "2018-12-12", "https://checker.example.org/a"),
        review("Владимир Путин", "Санкции не работают", "2018-12-13", "https://checker.example.org/b"),
        review("X", "y", "2018-12-14", "https://checker.example.org/c"),
        review("A" * 150, "word " * 300, "2018-12-15", "https://checker.example.org/d"),
    ])
    slugs = sorted(r["id"][:-9] for r in records)
    assert slugs[:3] == ["a" * 30 + "-word" * 6, "munjaein-saeloun-ijeongpyo", "vladimir-putin-sanktsii-ne-rabotayut"]
    assert slugs[3] == "x-y"
    assert all(ID.match(r["id"]) and len(r["id"]) <= 100 for r in records)


def test_the_id_comes_from_the_claim_not_its_reviews():
    review = {"@type": "ClaimReview", "claimReviewed": "A claim.", "author": {"name": "Checker A"},
              "itemReviewed": {"author": "Jane Doe", "datePublished": "2019-01-02",
                               "appearance": {"url": "https://social.example.org/post/1"}},
              "reviewRating": {"alternateName": "False"}}
    [first] = from_claimreview(review)
    [again] = from_claimreview(dict(review, reviewBody="Edited later."))
    [both] = from_claimreview([review, dict(review, author={"name": "Checker B"}, url="https://b.example.org/1")])
    [other] = from_claimreview(dict(review, itemReviewed=dict(review["itemReviewed"], datePublished="2019-01")))
    assert first["id"] == again["id"] == both["id"] != other["id"]  # another date as written: another claim
    assert [r["publisher"]["name"] for r in both["reviews"]] == ["Checker A", "Checker B"]
    assert first["id"].startswith("jane-doe-a-claim-") and other["date"] == "2019-01"
    # An identifier (our export writes the record's id) is kept as the id.
    [named] = from_claimreview(dict(review, itemReviewed=dict(review["itemReviewed"], identifier="desk-claim-1")))
    assert named["id"] == "desk-claim-1"


def test_reimporting_unchanged_data_publishes_no_new_version(tmp_path):
    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "claims.yaml").write_text("license: cc-by-4.0\n")
    source = tmp_path / "dump.json"
    source.write_text(json.dumps({"claims": api_claims()}, ensure_ascii=False), encoding="utf-8")
    import_claimreview(source, folder / "imported.yaml", default_speaker="Unknown")
    first = (folder / "imported.yaml").read_bytes()
    store = str(tmp_path / "releases")
    assert str(publish([folder], store).version) == "1.0.0"

    source.write_text(json.dumps({"claims": list(reversed(api_claims()))}, ensure_ascii=False), encoding="utf-8")
    import_claimreview(source, folder / "imported.yaml", default_speaker="Unknown")
    assert (folder / "imported.yaml").read_bytes() == first  # same records, same order, same bytes
    result = publish([folder], store)
    assert result.version is None and str(result.previous) == "1.0.0"


def _slug_of_whole_claim(speaker: str, claim: str) -> str:
    """The readable part of an id as it was first defined: from the whole claim transliterated."""
    slug = ids._slug(speaker)
    if len(slug) > ids.SPEAKER_CHARS:
        slug = slug[: ids.SPEAKER_CHARS].rsplit("-", 1)[0]
    for word in ids._slug(claim).split("-")[: ids.SLUG_WORDS]:
        if not word or len(slug) + len(word) + 1 > ids.SLUG_CHARS:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug.strip("-") or "claim"


@settings(max_examples=400, deadline=None)
@given(
    speaker=st.text(max_size=40),
    claim=st.lists(
        st.text(alphabet=st.sampled_from("ab'-. 中ا\u0301ß"), min_size=0, max_size=30), max_size=40
    ).map(" ".join),
)
def test_ids_read_only_the_claims_start_yet_are_the_ids_of_the_whole_claim(speaker, claim):
    """Import transliterates only the start of a long claim for its id (240,000 claims a day): the
    ids stay those of the whole claim, words cut at the start's end included."""
    assert ids._readable(speaker, claim) == _slug_of_whole_claim(speaker, claim)
    for padding in range(ids.HEAD_CHARS - 12, ids.HEAD_CHARS):  # the start ends inside the claim's words
        long = "." * padding + claim
        assert ids._readable(speaker, long) == _slug_of_whole_claim(speaker, long)


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("aZ09'-_ .\t\n"), max_size=40))
def test_a_slug_is_the_transliteration_s_lowercase_words_joined_by_hyphens(text):
    """`_slug` reads a byte table (a regex took a twentieth of an import's time): the words it gives
    are the transliteration's runs of ASCII letters and digits, lowercased, "that's" one word."""
    transliterated = anyascii(text).lower().replace("'", "")
    assert ids._slug(text) == "-".join(re.findall("[a-z0-9]+", transliterated))
