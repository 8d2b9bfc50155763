"""Checking one `pattern` (or format regex) against many texts at once: one call to `re`, or to RE2.

A regex call costs far more than matching a short id or URL does, and a large JSON Lines file
holds a million of them. So the texts of one field are joined with newlines and matched once by
`(?:X\\n)*+` (several patterns: `(?=X\\n)Y\\n`), which stops at the first text that fails; that text is reported and
the match goes on after it. This is exact only when X cannot match a newline and has no anchor
or lookaround of its own (then each `X\\n` covers exactly one text), which `piece_form` proves
from the parsed regex; a pattern it cannot prove this of, or texts holding a newline, are checked
one by one instead.

A large batch of long enough texts goes to a compiled engine instead: RE2, which pyarrow ships,
matches all of them in one call at a few times `re`'s speed. It gets the pattern spelled in its
own syntax by `vector_form`, which translates only what means the same in both engines for a
text without newlines (classes such as `\\s` spelled out as the code points Python's `re` gives
them) and refuses the rest, which stays with `re`.

>>> check = BatchCheck([(r"^[a-z]+$", "search")])
>>> check.failing(["abc", "x1", "de", ""])
[1, 3]
"""

from __future__ import annotations

import re
import re._constants as _c
import re._parser as _parser
from functools import lru_cache, reduce
from typing import Literal

Mode = Literal["search", "fullmatch"]  # jsonschema's `pattern` searches; a format regex fullmatches

_CATEGORY_HAS_NEWLINE = {
    _c.CATEGORY_DIGIT: False, _c.CATEGORY_NOT_DIGIT: True,
    _c.CATEGORY_SPACE: True, _c.CATEGORY_NOT_SPACE: False,
    _c.CATEGORY_WORD: False, _c.CATEGORY_NOT_WORD: True,
    _c.CATEGORY_LINEBREAK: True, _c.CATEGORY_NOT_LINEBREAK: False,
}
_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT)
_STARTS = (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING)
_ENDS = (_c.AT_END, _c.AT_END_STRING)

# RE2 gets a batch of at least VECTOR_TEXTS texts of at least VECTOR_LENGTH characters on average:
# handing a text over costs about 50 ns, which `re` spends on a short text (a language tag).
VECTOR_TEXTS = 64
VECTOR_LENGTH = 12
_FLAGS_REFUSED = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.ASCII | re.LOCALE
_LAST = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)  # no UTF-8 text holds one; RE2 refuses them in a class


class BatchCheck:
    """Every one of some patterns, each used as jsonschema (search) or a format regex
    (fullmatch) uses it, over a list of texts at once."""

    def __init__(self, patterns: list[tuple[str, Mode]], *, possessive_for_speed: frozenset[str] = frozenset()):
        """`possessive_for_speed`: patterns whose possessive repeats change no verdict (see
        `vector_form`)."""
        self._one = [re.compile(p).search if mode == "search" else re.compile(p).fullmatch for p, mode in patterns]
        pieces = [piece_form(p, mode) for p, mode in patterns]
        self._joined = None
        if all(piece is not None for piece in pieces):
            try:
                # Every pattern but the last looks ahead; the last one consumes the text.
                each = "".join(f"(?={p}\n)" for p in pieces[:-1]) + f"{pieces[-1]}\n"
                self._joined = re.compile(f"(?:{each})*+").match
            except re.error:  # e.g. two patterns naming the same group
                self._joined = None
        self._patterns, self._for_speed = patterns, possessive_for_speed
        self._vector: list[str] | None = None
        self._vector_known = False  # translated when first needed: spelling out `\\s` takes 20 ms

    @property
    def batched(self) -> bool:
        """Whether texts are checked many at a time (else one by one)."""
        return self._joined is not None

    def ok(self, text: str) -> bool:
        return all(check(text) is not None for check in self._one)

    def failing(self, texts: list[str]) -> list[int]:
        """The indexes of the texts that fail, in order."""
        if not texts:
            return []
        joined = "\n".join(texts) + "\n"
        if joined.count("\n") != len(texts):  # a text with a newline: where `$` may match differs
            return [i for i, text in enumerate(texts) if not self.ok(text)]
        if len(texts) >= VECTOR_TEXTS and len(joined) >= VECTOR_LENGTH * len(texts) and self._vectorised():
            failing = self._vector_failing(texts, joined)
            if failing is not None:
                return failing
        if self._joined is None:
            return [i for i, text in enumerate(texts) if not self.ok(text)]
        match, failing = self._joined, []
        position, index, end = 0, 0, len(joined)
        while True:
            stop = match(joined, position).end()
            if stop == end:
                return failing
            index += joined.count("\n", position, stop)  # the texts that passed before this one
            failing.append(index)
            position = joined.index("\n", stop) + 1
            index += 1


    def _vectorised(self) -> bool:
        """Whether every pattern has a `vector_form` (translating them the first time)."""
        if not self._vector_known:
            forms = [vector_form(p, mode, possessive_for_speed=p in self._for_speed) for p, mode in self._patterns]
            self._vector = forms if all(form is not None for form in forms) else None
            self._vector_known = True
        return self._vector is not None

    def _vector_failing(self, texts: list[str], joined: str) -> list[int] | None:
        """`failing` by RE2, for texts joined by newlines (none holds one); None when RE2 cannot
        take the texts (a lone surrogate, which UTF-8 cannot hold) or the patterns (it refuses,
        e.g., a repeat count over 1000)."""
        try:
            import numpy as np
            import pyarrow as pa
            import pyarrow.compute as pc
        except ImportError:
            self._vector = None
            return None
        try:
            encoded = joined.encode("utf-8")
        except UnicodeEncodeError:
            return None
        if len(encoded) >= 2**31:
            return None
        # The Arrow array is built from its buffers: `pa.array(texts)` would be slower, and its
        # first call imports pandas (0.15 s). Text i ends at the i-th newline, less i newlines.
        count, ends = len(texts), np.flatnonzero(np.frombuffer(encoded, dtype=np.uint8) == 10)
        if len(ends) != count:
            return None  # a text holds a newline
        offsets = np.zeros(count + 1, dtype=np.int32)
        offsets[1:] = ends - np.arange(count)
        array = pa.StringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(encoded.replace(b"\n", b"")))
        try:
            matched = reduce(pc.and_, [pc.match_substring_regex(array, form) for form in self._vector])
        except pa.ArrowException:
            self._vector = None
            return None
        return pc.indices_nonzero(pc.invert(matched)).to_pylist()


def piece_form(pattern: str, mode: Mode) -> str | None:
    """A regex X such that, for a text without newlines, `X\\n` matches the text then a newline
    exactly when `re.<mode>(pattern, text)` matches; None when that cannot be shown."""
    try:
        parsed = _parser.parse(pattern)
    except re.error:
        return None
    if parsed.state.flags & (re.MULTILINE | re.DOTALL | re.VERBOSE | re.ASCII | re.LOCALE):
        return None
    items = list(parsed)
    starts = bool(items) and items[0] in ((_c.AT, a) for a in _STARTS)
    ends = len(items) > int(starts) and items[-1] in ((_c.AT, a) for a in _ENDS)
    body = pattern
    if starts:
        if not pattern.startswith(("^", r"\A")):
            return None
        body = body[1:] if body.startswith("^") else body[2:]
    if ends:
        suffix = "$" if body.endswith("$") else r"\Z" if body.endswith(r"\Z") else None
        if suffix is None or body[: -len(suffix)].endswith("\\"):
            return None
        body = body[: -len(suffix)]
    try:
        inner = _parser.parse(body)
    except re.error:
        return None
    if inner.state.flags != parsed.state.flags or not _newline_free(inner):
        return None
    if mode == "fullmatch":
        starts = ends = True
    return ("" if starts else "[^\n]*?") + f"(?:{body})" + ("" if ends else "[^\n]*")


def _newline_free(pattern) -> bool:
    """Whether no part of the parsed `pattern` can match a newline, with no anchor, lookaround
    or back-reference anywhere (each could look past the end of one text into the next)."""
    for op, argument in pattern:
        if op is _c.LITERAL:
            if argument == 10:
                return False
        elif op is _c.NOT_LITERAL:
            if argument != 10:  # [^x] matches a newline, unless x is one
                return False
        elif op is _c.ANY:
            continue  # `.` matches no newline without DOTALL, which `piece_form` refuses
        elif op is _c.IN:
            if _class_has_newline(argument):
                return False
        elif op in _REPEATS:
            if not _newline_free(argument[2]):
                return False
        elif op is _c.SUBPATTERN:
            _, added, _, inner = argument
            if added & (re.MULTILINE | re.DOTALL | re.VERBOSE) or not _newline_free(inner):
                return False
        elif op is _c.ATOMIC_GROUP:
            if not _newline_free(argument):
                return False
        elif op is _c.BRANCH:
            if not all(_newline_free(branch) for branch in argument[1]):
                return False
        else:  # AT, ASSERT, ASSERT_NOT, GROUPREF, ...
            return False
    return True


def _class_has_newline(items) -> bool:
    negate, member = False, False
    for op, argument in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            member |= argument == 10
        elif op is _c.RANGE:
            member |= argument[0] <= 10 <= argument[1]
        elif op is _c.CATEGORY and argument in _CATEGORY_HAS_NEWLINE:
            member |= _CATEGORY_HAS_NEWLINE[argument]
        else:
            return True  # not sure: say it might
    return member != negate


def vector_form(pattern: str, mode: Mode, *, possessive_for_speed: bool = False) -> str | None:
    """`pattern` in RE2's syntax, matching a text without newlines exactly when `re.<mode>`
    matches it; None when the pattern uses something the two engines may read differently (flags,
    word boundaries, lookarounds, back-references, possessive repeats and atomic groups).

    RE2 has no possessive repeat. One that never gives back what a match could use (`[0-9]*+`
    followed by `/` or the end) only spares `re` the trying; a caller who knows its pattern's
    possessive repeats are all such says `possessive_for_speed`, and they are read as plain ones."""
    try:
        parsed = _parser.parse(pattern)
    except (re.error, RecursionError):
        return None
    if parsed.state.flags & _FLAGS_REFUSED:
        return None
    try:
        body = _re2(parsed, possessive_for_speed)
    except _Untranslatable:
        return None
    return rf"\A(?:{body})\z" if mode == "fullmatch" else body


class _Untranslatable(Exception):
    pass


def _re2(pattern, possessive_for_speed: bool = False) -> str:
    """RE2's spelling of a parsed pattern: every character by code point, every group without
    capture, `^`/`$` as the text's own start and end (the same in a text without newlines)."""
    out = []
    for op, argument in pattern:
        if op is _c.LITERAL:
            out.append(_class([(argument, argument)]))
        elif op is _c.NOT_LITERAL:
            out.append(_class(_complement([(argument, argument)])))
        elif op is _c.ANY:
            out.append(_class(_complement([(10, 10)])))
        elif op is _c.IN:
            out.append(_class(_members(argument)))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or (op is _c.POSSESSIVE_REPEAT and possessive_for_speed):
            low, high, item = argument  # lazy or greedy: the same texts match
            inner = _re2(item, possessive_for_speed)
            out.append(f"(?:{inner}){{{low},}}" if high is _c.MAXREPEAT else f"(?:{inner}){{{low},{high}}}")
        elif op is _c.SUBPATTERN:
            _, added, removed, inner = argument
            if added or removed:
                raise _Untranslatable
            out.append(f"(?:{_re2(inner, possessive_for_speed)})")
        elif op is _c.BRANCH:
            out.append("(?:" + "|".join(_re2(branch, possessive_for_speed) for branch in argument[1]) + ")")
        elif op is _c.AT and argument in _STARTS:
            out.append(r"\A")
        elif op is _c.AT and argument in _ENDS:
            out.append(r"\z")
        else:  # word boundaries, lookarounds, back-references, possessive repeats, atomic groups
            raise _Untranslatable
    return "".join(out)


def _members(items) -> list[tuple[int, int]]:
    """The code points a parsed class `[...]` matches, as sorted, disjoint ranges."""
    negate, ranges = False, []
    for op, argument in items:
        if op is _c.NEGATE:
            negate = True
        elif op is _c.LITERAL:
            ranges.append((argument, argument))
        elif op is _c.RANGE:
            ranges.append(argument)
        elif op is _c.CATEGORY and argument in _CATEGORY_HAS_NEWLINE:
            ranges.extend(_category(argument))
        else:
            raise _Untranslatable
    return _complement(ranges) if negate else _union(ranges)


@lru_cache(maxsize=None)
def _category(category) -> tuple[tuple[int, int], ...]:
    """The code points that `re` matches by a category (`\\d`, `\\s`, `\\w` and their opposites),
    found by asking `re` itself about every code point but the surrogates."""
    import numpy as np

    spelling = {
        _c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_NOT_DIGIT: r"\D", _c.CATEGORY_SPACE: r"\s",
        _c.CATEGORY_NOT_SPACE: r"\S", _c.CATEGORY_WORD: r"\w", _c.CATEGORY_NOT_WORD: r"\W",
    }.get(category)
    if spelling is None:
        raise _Untranslatable
    points = np.arange(_LAST + 1, dtype=np.uint32)
    points = points[(points < _SURROGATES[0]) | (points > _SURROGATES[1])]
    text = points.tobytes().decode("utf-32-le")
    return tuple((ord(run[0]), ord(run[-1])) for run in re.findall(spelling + "+", text))


def _union(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _complement(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    gaps, start = [], 0
    for low, high in _union(ranges):
        if low > start:
            gaps.append((start, low - 1))
        start = high + 1
    if start <= _LAST:
        gaps.append((start, _LAST))
    return gaps


def _class(ranges: list[tuple[int, int]]) -> str:
    """A class of RE2 matching these code points, surrogates left out (no UTF-8 text has one)."""
    low_s, high_s = _SURROGATES
    kept = []
    for low, high in ranges:
        if low < low_s:
            kept.append((low, min(high, low_s - 1)))
        if high > high_s:
            kept.append((max(low, high_s + 1), high))
    if not kept:
        raise _Untranslatable  # matches nothing RE2 can be given: let `re` say so
    return "[" + "".join(rf"\x{{{low:x}}}" if low == high else rf"\x{{{low:x}}}-\x{{{high:x}}}" for low, high in kept) + "]"
