"""Batched pattern checks give `re`'s verdict on every text, and refuse what they cannot prove."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.fastpath import SUFFICIENT_FORMATS
from toolkit.patterns import BatchCheck, piece_form

SCHEMA_PATTERNS = [
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+[^\s]*$",
    r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$",
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
]
# Patterns whose texts are checked one by one: an anchor or lookaround inside, something that can
# match a newline, a back-reference.
UNPROVEN = [r"^a|b$", r"a(?=b)", r"(?<!x)y", r"[^x]+", r"\s", r"(?s)a.b", r"(a)\1", r"a\Z|b", r"(?m)^a$", r"\bword"]
OTHERS = [r"ab", r"^ab", r"ab$", r"[^\n]+", r"\d+", r"(?i)abc", r"x|y", r"^\S+$", r".+", r"\w*é"]

ALPHABET = st.sampled_from(list("abcxyz-AB09_./:?# \n\t\x1céé\u2028\u00a0\\") + ["https://", "http://", "ab", "é", "-x"])
TEXTS = st.lists(st.lists(ALPHABET, max_size=12).map("".join), max_size=30)


def expected(patterns: list[tuple[str, str]], texts: list[str]) -> list[int]:
    checks = [getattr(re.compile(p), mode) for p, mode in patterns]
    return [i for i, text in enumerate(texts) if not all(check(text) for check in checks)]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SCHEMA_PATTERNS + UNPROVEN + OTHERS), TEXTS)
def test_one_pattern_gives_the_verdicts_of_re(pattern, texts):
    assert BatchCheck([(pattern, "search")]).failing(texts) == expected([(pattern, "search")], texts)


URI = SUFFICIENT_FORMATS["uri"].__self__.pattern
URLS = st.lists(st.one_of(
    st.builds("{}{}.org/{}".format, st.sampled_from(["https://", "HTTP://", "ftp://", "https:/", ""]),
              st.text("abc-.", min_size=0, max_size=5), st.lists(ALPHABET, max_size=8).map("".join)),
    st.just("https://example.org/%41"), st.just("https://example.org/%zz")), max_size=40)


@settings(max_examples=300, deadline=None)
@given(URLS)
def test_a_pattern_and_a_format_regex_together(urls):
    both = [(SCHEMA_PATTERNS[1], "search"), (URI, "fullmatch")]
    check = BatchCheck(both)
    assert check.batched
    assert check.failing(urls) == expected(both, urls)


@pytest.mark.parametrize("pattern", SCHEMA_PATTERNS + [URI])
def test_the_schema_patterns_are_batched(pattern):
    assert piece_form(pattern, "search") is not None


@pytest.mark.parametrize("pattern", UNPROVEN)
def test_what_cannot_be_proven_is_checked_text_by_text(pattern):
    assert piece_form(pattern, "search") is None and not BatchCheck([(pattern, "search")]).batched


def test_a_failing_text_is_found_wherever_it_is():
    check = BatchCheck([(SCHEMA_PATTERNS[0], "search")])
    texts = ["good-id"] * 1000
    for bad in (0, 1, 499, 998, 999):
        texts[bad] = "Bad_ID"
    assert check.failing(texts) == [0, 1, 499, 998, 999]
    assert check.failing(["ok-id", "abc\n", "x"]) == []  # `$` before a final newline, as jsonschema's re.search
    assert check.failing(["ok-id", "ab\nc"]) == [1]
