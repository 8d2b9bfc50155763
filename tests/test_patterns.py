"""Batched pattern checks give `re`'s verdict on every text, and refuse what they cannot prove:
by `re` on joined texts, and by RE2 (through pyarrow) on large batches."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import patterns
from toolkit.fastpath import POSSESSIVE_FOR_SPEED, SUFFICIENT_FORMATS
from toolkit.patterns import BatchCheck, piece_form, vector_form

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


# --- RE2 on large batches ------------------------------------------------------------------------

# Patterns RE2 gets, spelled its way: classes with Python's Unicode categories, repeats of every
# kind, alternatives, groups, anchors anywhere.
TRANSLATED = SCHEMA_PATTERNS + [
    r"ab", r"^ab", r"ab$", r"\d+", r"x|y", r"^\S+$", r".+", r"\w*é", r"[^x]+", r"\s", r"a\Z|b", r"^a|b$",
    r"[\W\d]{2,3}", r"[^\D5]", r"a{0}b", r"(?:ab|a)*?c{1,2}", r"(?P<name>é+)[^\s\w]", r"\Aa\Z", r"[\x00-\x1f]",
]
# Unicode digits, spaces and word characters where Python's `re` and RE2's own classes disagree.
UNICODE = st.sampled_from(list("abcxyz-AB09_./:?# \t\x1c\x1f\x85\xa0\u3000\u2028é\u0660\u00b2\u2160ß5") + ["\U0001d7ce", "\x00"])
LINES = st.lists(st.lists(UNICODE, max_size=10).map("".join), min_size=1, max_size=40)


@pytest.fixture
def always_vectors(monkeypatch):
    """Every batch goes to RE2, however small."""
    monkeypatch.setattr(patterns, "VECTOR_TEXTS", 1)
    monkeypatch.setattr(patterns, "VECTOR_LENGTH", 0)


@pytest.mark.parametrize("pattern", TRANSLATED)
def test_patterns_are_translated_for_re2(pattern):
    assert vector_form(pattern, "search") is not None and vector_form(pattern, "fullmatch") is not None


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(TRANSLATED), st.sampled_from(["search", "fullmatch"]), LINES)
def test_re2_gives_the_verdicts_of_re(pattern, mode, texts):
    check = BatchCheck([(pattern, mode)])
    joined = "\n".join(texts) + "\n"
    assert check._vectorised()
    assert check._vector_failing(texts, joined) == expected([(pattern, mode)], texts)


def _regexes() -> st.SearchStrategy[str]:
    """Regexes built from what `vector_form` translates: characters, classes (negated, ranges,
    categories), `.`, repeats of every kind, alternatives, groups and anchors."""
    char = st.sampled_from(["a", "b", "-", "é", "0", r"\.", r"\x1c", r"\u3000", " "])
    item = st.sampled_from(["a", "b", "c", r"\-", "_", "0-9", "a-c", r"\d", r"\D", r"\s", r"\S", r"\w", r"\W", "é", r"\u0660"])
    cls = st.builds(lambda negate, items: "[" + ("^" if negate else "") + "".join(items) + "]",
                    st.booleans(), st.lists(item, min_size=1, max_size=3))
    atom = st.one_of(char, cls, st.sampled_from([".", r"\d", r"\s", r"\W", "^", "$", r"\A", r"\Z"]))
    quantifier = st.sampled_from(["", "", "*", "+", "?", "*?", "+?", "{2}", "{1,3}", "{0,2}?", "{2,}"])

    def extend(inner):
        repeated = st.builds(lambda body, q: f"(?:{body}){q}", inner, quantifier)
        named = st.builds(lambda body: f"(?P<g>{body})", inner)
        either = st.builds(lambda a, b: f"{a}|{b}", inner, inner)
        joined = st.builds(lambda a, b: a + b, inner, inner)
        return st.one_of(repeated, named, either, joined)

    return st.recursive(st.builds(lambda a, q: a + q if a not in ("^", "$", r"\A", r"\Z") else a, atom, quantifier),
                        extend, max_leaves=6)


@settings(max_examples=500, deadline=None)
@given(_regexes(), st.sampled_from(["search", "fullmatch"]), LINES)
def test_re2_gives_the_verdicts_of_re_for_generated_regexes(pattern, mode, texts):
    try:
        re.compile(pattern)
    except re.error:
        return  # e.g. a group name used twice: jsonschema would refuse the schema
    form = vector_form(pattern, mode)
    if form is None:
        assert "[^" in pattern, pattern  # only a class that matches nothing (`[^\\D\\S]`) is refused
        return
    check = BatchCheck([(pattern, mode)])
    assert check._vectorised()
    found = check._vector_failing(texts, "\n".join(texts) + "\n")
    if found is not None:  # None: RE2 refused the spelling (e.g. a repeat of a repeat too large)
        assert found == expected([(pattern, mode)], texts), (pattern, form)


@pytest.mark.parametrize("pattern", [r"\bword", r"a(?=b)", r"(?<!x)y", r"(a)\1", r"(?i)abc", r"(?m)^a$", r"(?s)a.b",
                                     r"a*+b", r"(?>ab)", r"(?i:a)b", r"[\ud800]", "\ud800"])
def test_what_re2_may_read_otherwise_is_left_to_re(pattern):
    assert vector_form(pattern, "search") is None


def test_possessive_repeats_are_read_as_plain_ones_only_when_said_harmless():
    assert vector_form(URI, "fullmatch") is None
    assert vector_form(URI, "fullmatch", possessive_for_speed=True) is not None


URL_PARTS = st.sampled_from(list("aZ09-._~!$&'()*+,;=:@/?#%[] \té") + ["%41", "%4", "://", "http", "HTTPS://", ":80"])


@settings(max_examples=500, deadline=None)
@given(st.lists(URL_PARTS, max_size=14).map("".join))
def test_the_possessive_repeats_of_the_uri_regex_change_no_verdict(text):
    """POSSESSIVE_FOR_SPEED: the regex with every possessive mark taken out matches the same texts."""
    assert "uri" in POSSESSIVE_FOR_SPEED
    plain = _without_possessive_marks(URI)
    assert plain != URI and "*+" not in plain.replace("*+,", "")
    assert bool(re.fullmatch(plain, text)) == bool(re.fullmatch(URI, text))


def _without_possessive_marks(pattern: str) -> str:
    """The `+` after a repeat (`*+`, `++`, `?+`, `}+`) taken out, outside classes and escapes."""
    out, in_class, after_repeat, chars = [], False, False, iter(pattern)
    for char in chars:
        if char == "\\":
            out += [char, next(chars)]
            after_repeat = False
            continue
        if in_class:
            in_class = char != "]"
        elif char == "+" and after_repeat:
            after_repeat = False
            continue
        elif char == "[":
            in_class = True
        after_repeat = not in_class and char in "*+?}"
        out.append(char)
    return "".join(out)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(URLS.map(lambda urls: urls[0] if urls else "https://a.org"),
                          st.lists(URL_PARTS, max_size=14).map("".join)), min_size=1, max_size=50))
def test_a_pattern_and_the_uri_regex_by_re2(urls):
    urls = [url for url in urls if "\n" not in url]  # texts with a newline never go to RE2
    both = [(SCHEMA_PATTERNS[1], "search"), (URI, "fullmatch")]
    check = BatchCheck(both, possessive_for_speed=frozenset({URI}))
    assert check._vectorised()
    assert check._vector_failing(urls, "\n".join(urls) + "\n") == expected(both, urls)


def test_large_batches_go_to_re2_and_odd_ones_to_re():
    check = BatchCheck([(SCHEMA_PATTERNS[0], "search")])
    texts = [f"claim-number-{n}" for n in range(200)]
    texts[7], texts[150] = "Claim_7", "claim--150"
    asked = []
    check._vector_failing = lambda *args: asked.append(len(args[0])) or BatchCheck._vector_failing(check, *args)
    assert check.failing(texts) == [7, 150] and asked == [200]
    assert check.failing(texts[:10]) == [7] and asked == [200]  # a small batch: `re`
    with_surrogate = texts + ["lone-\ud800"]  # UTF-8 cannot hold it: RE2 declines, `re` answers
    assert check.failing(with_surrogate) == [7, 150, 200] and asked == [200, 201]
    assert BatchCheck._vector_failing(check, ["a\nb"], "a\nb\n") is None  # never given a text with a newline


def test_a_pattern_re2_refuses_is_left_to_re(always_vectors):
    check = BatchCheck([(r"^a{1001}$", "search")])  # RE2 allows repeat counts up to 1000
    texts = ["a" * 1001, "a" * 1000]
    assert check.failing(texts) == [1]
    assert check._vector is None and check._vector_known
