"""Hypothesis strategies for claim records: valid ones, and ones spoilt in every way we could
think of (wrong types, empty and over-long text, values patterns and formats must refuse, and
values where Python's `re` and the format checker depart from the specification)."""

from __future__ import annotations

import string

from hypothesis import strategies as st

from toolkit.rules import check_text

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)
# Text the toolkit's own text rules (`toolkit.rules`) accept: what a valid record holds.
READABLE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zl", "Zp")),
                   min_size=1, max_size=40).filter(lambda text: not any(check_text(text, "/speaker")))
WORD = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
DAY = st.dates().map(lambda d: d.isoformat()).filter(lambda d: len(d) == 10)
URL = st.builds(lambda host, path: f"https://{host}.org/{path}", WORD, st.lists(WORD, max_size=4).map("/".join))
STATUS = st.sampled_from(["unverified", "true", "mostly-true", "mixed", "mostly-false", "false", "misleading", "unproven"])
# A claim's date: a day, a month, a year or unknown (schema 2).
CLAIM_DATE = st.one_of(DAY, DAY.map(lambda d: d[:7]), DAY.map(lambda d: d[:4]), st.just("unknown"))
REVIEW = st.fixed_dictionaries({}, optional={
    "publisher": st.fixed_dictionaries({}, optional={"name": READABLE, "url": URL}), "url": URL, "date": DAY,
    "rating": st.fixed_dictionaries({}, optional={"text": READABLE, "value": st.integers(-5, 10), "best": st.integers(1, 10)}),
    "status": STATUS, "summary": READABLE, "author": READABLE,
})


@st.composite
def records(draw) -> dict:
    record = {
        "id": "-".join(draw(st.lists(WORD, min_size=1, max_size=4))).ljust(3, "x"),
        "speaker": draw(READABLE),
        "claim": draw(READABLE),
        "date": draw(CLAIM_DATE),
        "status": draw(STATUS),
        "sources": draw(st.lists(st.fixed_dictionaries(
            {"url": URL}, optional={"title": READABLE, "publisher": READABLE, "date": DAY}), min_size=1, max_size=3)),
    }
    optional = draw(st.fixed_dictionaries({}, optional={
        "context": READABLE,
        "tags": st.lists(WORD, max_size=4, unique=True),
        "language": st.sampled_from(["en", "pt-BR", "fr", "zh-Hant", "es-419"]),
        "speaker_type": st.sampled_from(["person", "organization", "group", "unknown"]),
        "appearances": st.lists(st.fixed_dictionaries({"url": URL}, optional={"date": DAY, "title": READABLE}), max_size=2),
        "reviews": st.lists(REVIEW, max_size=3),
        "history": st.lists(st.fixed_dictionaries({"date": DAY, "status": STATUS}, optional={"note": READABLE}), max_size=2),
    }))
    record.update(optional)
    return record


# Values that break one rule or sit on its edge: wrong types, empty and over-long text, strings
# patterns and formats must refuse (and some that only Python's `re` would accept).
ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.just([]), st.just({}),
    st.just(""), st.just("x" * 5001), st.just("abc\n"), st.just("2018-02-30"), st.just("2018-2-3"),
    st.just("0000-01-01"), st.just("2018-12-04\n"), st.just("https://exa mple.org"), st.just("ftp://example.org"),
    st.just("https://example.org/a b"), st.just("https://example.org\n"), st.just("https://[::1]/x"),
    st.just("HTTPS://EXAMPLE.ORG/%41"), st.just("https://example.org/%zz"), st.just("https://a.org/\x1c"),
    st.just("maybe"), st.just("True"), st.just("Bad_ID"), st.just("ab"), st.just("a--b"), st.just("english"),
    st.lists(st.just("dup"), min_size=2, max_size=2), st.lists(st.integers(), min_size=1, max_size=2),
    TEXT, URL, DAY,
)
FIELDS = ["id", "speaker", "claim", "date", "status", "sources", "context", "tags", "language", "reviews",
          "history", "speakr", "source", "review", "speaker_type", "appearances"]


@st.composite
def spoilt(draw) -> dict:
    """A valid record with one to three things changed, anywhere in it."""
    record = draw(records())
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(["top", "drop", "source", "review", "history", "tag", "whole-list"]))
        if where == "top":
            record[draw(st.sampled_from(FIELDS))] = draw(ODD_VALUES)
        elif where == "drop":
            record.pop(draw(st.sampled_from(FIELDS)), None)
        elif where == "source" and isinstance(record.get("sources"), list) and record["sources"]:
            item = record["sources"][0]
            if isinstance(item, dict):
                item[draw(st.sampled_from(["url", "title", "publisher", "date", "titel"]))] = draw(ODD_VALUES)
            else:
                record["sources"][0] = draw(ODD_VALUES)
        elif where == "review":
            record["reviews"] = [draw(st.one_of(ODD_VALUES, st.fixed_dictionaries(
                {draw(st.sampled_from(["summary", "url", "publisher", "rating", "status", "date", "score"])): ODD_VALUES})))]
        elif where == "history":
            record["history"] = [draw(st.one_of(ODD_VALUES, st.fixed_dictionaries(
                {"date": st.one_of(DAY, ODD_VALUES), "status": st.one_of(STATUS, ODD_VALUES)})))]
        elif where == "tag":
            record["tags"] = draw(st.lists(st.one_of(WORD, ODD_VALUES), max_size=3))
        else:
            record["sources"] = draw(st.one_of(st.just([]), st.lists(st.fixed_dictionaries({"url": URL}), min_size=21, max_size=21)))
    return record
