"""Checking one `pattern` (or format regex) against many texts in one call to `re`.

A regex call costs far more than matching a short id or URL does, and a large JSON Lines file
holds a million of them. So the texts of one field are joined with newlines and matched once by
`(?:X\\n)*+` (several patterns: `(?=X\\n)Y\\n`), which stops at the first text that fails; that text is reported and
the match goes on after it. This is exact only when X cannot match a newline and has no anchor
or lookaround of its own (then each `X\\n` covers exactly one text), which `piece_form` proves
from the parsed regex; a pattern it cannot prove this of, or texts holding a newline, are checked
one by one instead.

>>> check = BatchCheck([(r"^[a-z]+$", "search")])
>>> check.failing(["abc", "x1", "de", ""])
[1, 3]
"""

from __future__ import annotations

import re
import re._constants as _c
import re._parser as _parser
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


class BatchCheck:
    """Every one of some patterns, each used as jsonschema (search) or a format regex
    (fullmatch) uses it, over a list of texts at once."""

    def __init__(self, patterns: list[tuple[str, Mode]]):
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
        if self._joined is None or joined.count("\n") != len(texts):
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
