"""One claim key (`text.claim_key`): what changes a claim's meaning (letters with their marks,
digits, signs, currency, comparison, percent) keeps two texts apart; what does not (case, spacing,
invisible characters, quote marks, a final full stop) never does; and validate, build, import and
the speaker registry decide "the same claim" by that one key."""

from __future__ import annotations

import json
import unicodedata

import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import toolkit
from conftest import valid_record
from toolkit.building import build
from toolkit.imports import from_claimreview
from toolkit.imports.ids import stable_id
from toolkit.text import IGNORABLE_RANGES, QUOTATION_MARK_RANGES, claim_key, claim_key_expr

# Pairs that say different things (B3, issue 17): each pair must stay two claims.
DIFFERENT = [
    ("Growth was -5% last year.", "Growth was +5% last year."),
    ("We spent $5 billion on schools.", "We spent €5 billion on schools."),
    ("The deficit is < 3%.", "The deficit is > 3%."),
    ("दिन अच्छा है", "दान अच्छा है"),  # "the day is good", "the donation is good": one vowel sign apart
    ("ไม่ใช่", "ไม่ใช้"),  # Thai: a tone mark apart
    ("كَتَبَ", "كُتِبَ"),  # Arabic: "he wrote", "it was written": harakat apart
    ("Unemployment is 5%.", "Unemployment is 5."),
    ("Taxes rose 5.3%.", "Taxes rose 53%."),
]
# Pairs that differ only in what does not change a claim (B17 and typography): each pair is one claim.
SAME = [
    ("The minister li\u200bed about the budget.", "The minister lied about the budget."),
    ("The minister lied about the bud\u00adget.", "The minister lied about the budget."),
    ("They have NOT lived up to the commitments so far!", "they have not lived up to the  commitments so far."),
    ("“Growth was -5% last year.”", '"growth was -5% LAST year"'),
    ("Straße", "STRASSE"),
    ("दिन अच्छा है।", "दिन अच्छा है"),
    ("Ｃａｆé ﬁne", "café fine"),
]


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_texts_that_say_different_things_have_different_keys(a, b):
    assert claim_key(a) != claim_key(b)


@pytest.mark.parametrize(("a", "b"), SAME)
def test_texts_that_differ_only_in_typography_share_a_key(a, b):
    assert claim_key(a) == claim_key(b)


def _codes(ranges) -> set[int]:
    return {code for first, last in ranges for code in range(first, last + 1)}


@pytest.mark.parametrize(
    ("ranges", "prop"),
    [(IGNORABLE_RANGES, "Default_Ignorable_Code_Point"), (QUOTATION_MARK_RANGES, "Quotation_Mark")],
)
def test_what_the_key_drops_is_unicodes_own_property(ranges, prop):
    """The two tables are Unicode's properties as the Unicode data of Polars' regex engine has them."""
    chars = pl.Series([chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF])
    found = chars.filter(chars.str.contains(rf"^\p{{{prop}}}$")).to_list()
    assert {ord(c) for c in found} == _codes(ranges)


# -- properties --------------------------------------------------------------------------------------

DROPPED = sorted(_codes(IGNORABLE_RANGES) | _codes(QUOTATION_MARK_RANGES))
ALL_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
# Text that validate's text rules accept (no control, bidirectional or other format character).
READABLE = st.text(st.characters(categories=("L", "M", "N", "P", "S", "Zs")), max_size=40)
# What the key drops that validate accepts inside a word.
READABLE_DROPPED = ["\u200b", "\u00ad", "\u2060", "\ufe0f", "'", '"', "“", "”", "«", "»", "„", "「", "」"]


def _meaningful(char: str) -> bool:
    """A character that says something: a letter, mark, number, symbol or punctuation that is not
    a quote mark, and that Unicode's compatibility form does not turn into white space or quotes."""
    if unicodedata.category(char)[0] not in "LMNSP" or ord(char) in DROPPED:
        return False
    compatible = unicodedata.normalize("NFKC", char)
    return any(not c.isspace() and ord(c) not in DROPPED for c in compatible)


MEANINGFUL = st.characters(exclude_categories=("Cs",)).filter(_meaningful)


@settings(max_examples=300, deadline=None)
@given(ALL_TEXT, ALL_TEXT, MEANINGFUL)
def test_a_meaningful_character_more_is_never_the_same_claim(before, after, char):
    """Inside a word, one more letter, mark, digit, sign or symbol makes another claim."""
    plain, more = f"{before}x{after}", f"{before}x{char}x{after}"
    assume("x" + char + "x" != "xx")
    assert claim_key(plain.replace("x", "xx", 1)) != claim_key(more)


@settings(max_examples=300, deadline=None)
@given(ALL_TEXT, MEANINGFUL, MEANINGFUL)
def test_two_different_meaningful_characters_are_never_the_same_claim(text, a, b):
    assume(unicodedata.normalize("NFKC", a).casefold() != unicodedata.normalize("NFKC", b).casefold())
    assert claim_key(f"{text} x{a}x") != claim_key(f"{text} x{b}x")


@st.composite
def typographic_variants(draw, texts=ALL_TEXT, dropped=tuple(chr(c) for c in DROPPED)) -> tuple[str, str]:
    """A text, and the same text with only what the key drops changed: letters in another case
    (where Unicode's folding says both are one letter), invisible characters and quote marks put
    anywhere, white space runs changed, a final full stop or exclamation mark."""
    text = draw(texts.filter(lambda t: not any(c.isspace() for c in t[-1:])))
    out = []
    for char in text:
        if draw(st.booleans()):
            upper = char.upper()
            if unicodedata.normalize("NFKC", upper).casefold() == unicodedata.normalize("NFKC", char).casefold():
                char = upper
        if char.isspace():
            char = draw(st.sampled_from([" ", "  ", "\t", "\n ", "\u00a0"]))
        if draw(st.integers(0, 5)) == 0:
            char = draw(st.sampled_from(dropped)) + char
        out.append(char)
    ending = draw(st.sampled_from(["", ".", "!", " .", "。", "।", "...", "”"]))
    return text, "".join(out) + ending


@settings(max_examples=300, deadline=None)
@given(typographic_variants())
def test_what_the_key_drops_never_makes_another_claim(variants):
    text, variant = variants
    assert claim_key(text) == claim_key(variant)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        ALL_TEXT
        | st.text(st.characters(max_codepoint=127), max_size=40)
        | st.sampled_from([t for pair in DIFFERENT + SAME for t in pair])
        | st.none(),
        max_size=12,
    )
)
def test_builds_key_is_claim_key(texts):
    """The build keys ASCII texts with Polars and the others with `claim_key`: the same keys."""
    frame = pl.DataFrame({"text": texts}, schema={"text": pl.String})
    assert frame.select(claim_key_expr(pl.col("text")))["text"].to_list() == [
        None if t is None else claim_key(t) for t in texts
    ]


@st.composite
def pairs(draw) -> tuple[str, str]:
    """Two texts that differ in typography only, or in one meaningful character, or the pairs above."""
    kind = draw(st.sampled_from(["typography", "meaning", "listed"]))
    if kind == "typography":
        return draw(typographic_variants(READABLE, READABLE_DROPPED))
    if kind == "meaning":
        text = draw(READABLE.filter(lambda t: t.strip() != ""))
        return text + " x", f"{text} x{draw(MEANINGFUL)}x"
    return draw(st.sampled_from(DIFFERENT + SAME))


@settings(max_examples=20, deadline=None)
@given(st.lists(pairs(), min_size=1, max_size=8))
def test_validate_and_build_agree_on_what_one_claim_is(tmp_path_factory, pairs):
    """Pairs of records, each pair by its own speaker: validate calls a pair one claim (on one day)
    exactly when the build links it as a repeat (on two days), and exactly when the keys match."""
    pairs = [(a, b) for a, b in pairs if a.strip(" .!。।”") and b.strip(" .!。।”")]
    assume(pairs)
    folder = tmp_path_factory.mktemp("agree")
    one_day = folder / "one-day.jsonl"
    one_day.write_text(_jsonl(*_pair_records(pairs, "2019-01-01")), encoding="utf-8")
    result = toolkit.validate([one_day])
    assert {p.rule for p in result.problems} <= {"duplicate-claim"}
    same = [claim_key(a) == claim_key(b) for a, b in pairs]
    assert sorted(p.line for p in result.problems) == [2 * k + 2 for k, twins in enumerate(same) if twins]
    two_days = folder / "data" / "two-days.jsonl"
    two_days.parent.mkdir()
    two_days.write_text(_jsonl(*_pair_records(pairs, "2019-02-01")), encoding="utf-8")
    links = dict(build([two_days.parent]).table.select("id", "repeat_of").iter_rows())
    assert [links[f"claim-{k}-b"] for k in range(len(pairs))] == [
        f"claim-{k}-a" if t else None for k, t in enumerate(same)
    ]


def _pair_records(pairs: list[tuple[str, str]], second_date: str) -> list[dict]:
    return [
        valid_record(
            id=f"claim-{k}-{n}", speaker=f"Speaker {k}", claim=text, date="2019-01-01" if n == "a" else second_date
        )
        for k, pair in enumerate(pairs)
        for n, text in zip("ab", pair)
    ]


def _record(identifier: str, claim: str, date: str = "2019-01-01") -> dict:
    return valid_record(id=identifier, speaker="Finance Minister", claim=claim, date=date)


def _jsonl(*records: dict) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


# -- the commands, on the pairs of the review (B3, B17) -----------------------------------------------


def test_validate_keeps_pairs_that_say_different_things_and_refuses_typographic_twins(write):
    different = write(
        "different.jsonl", _jsonl(*(_record(f"d{k}-{n}", t) for k, p in enumerate(DIFFERENT) for n, t in enumerate(p)))
    )
    assert toolkit.validate([different]).valid
    twins = write("twins.jsonl", _jsonl(*_pair_records(SAME, "2019-01-01")))
    found = toolkit.validate([twins]).problems
    assert [(p.rule, p.line) for p in found] == [("duplicate-claim", 2 * k + 2) for k in range(len(SAME))]


def test_build_links_no_repeat_between_claims_that_say_different_things(write):
    records = [_record(f"d{k}-{n}", t, date=f"201{n}-01-01") for k, p in enumerate(DIFFERENT) for n, t in enumerate(p)]
    path = write("data/claims.jsonl", _jsonl(*records))
    result = build([path.parent])
    assert result.table["repeat_of"].null_count() == len(records)
    assert result.report.as_dict()["repeats"] == 0


def test_import_keeps_each_claim_with_its_own_verdict():
    """Different claims by one speaker on one day, each rated by its own review: one record each, the
    text and the verdict its own (import used to merge each pair and attach both verdicts to one)."""
    items = []
    for k, (true_claim, false_claim) in enumerate(DIFFERENT):
        for n, (claim, rating) in enumerate(((true_claim, "True"), (false_claim, "False"))):
            items.append(
                {
                    "text": claim,
                    "claimant": "Finance Minister",
                    "claimDate": "2019-01-01T00:00:00Z",
                    "claimReview": [
                        {
                            "publisher": {"name": "FC", "site": "fc.example.org"},
                            "url": f"https://fc.example.org/{k}-{n}",
                            "textualRating": rating,
                        }
                    ],
                }
            )
    records = from_claimreview({"claims": items})
    assert sorted((r["claim"], r["status"]) for r in records) == sorted(
        (claim, status) for pair in DIFFERENT for claim, status in zip(pair, ("true", "false"))
    )
    assert all(len(r["reviews"]) == 1 for r in records)


def test_import_takes_typographic_twins_as_one_claim():
    items = [
        {
            "text": text,
            "claimant": "Finance Minister",
            "claimDate": "2019-01-01",
            "claimReview": [
                {"publisher": {"name": "FC"}, "url": f"https://fc.example.org/{n}", "textualRating": "False"}
            ],
        }
        for n, text in enumerate(SAME[0])
    ]
    records = from_claimreview({"claims": items})
    assert len(records) == 1 and len(records[0]["reviews"]) == 2


def test_import_gives_claims_that_say_different_things_different_ids():
    """Without a source id, the id hashes the claim key: "< 3%" and "> 3%" by one speaker on one day
    are two ids (they were one, and the second claim was skipped as "the same id")."""
    ids = {
        stable_id("Finance Minister", claim, url=None, date="2019-01-01", publisher=None)
        for pair in DIFFERENT
        for claim in pair
    }
    assert len(ids) == 2 * len(DIFFERENT)
    assert stable_id(
        "Finance Minister", "“The deficit is < 3%.”", url=None, date="2019-01-01", publisher=None
    ) == stable_id("finance minister", "the deficit is < 3%", url=None, date="2019-01-01", publisher=None)
