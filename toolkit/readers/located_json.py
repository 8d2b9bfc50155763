"""A small JSON parser that remembers where every key and value stands.

The standard library and orjson give values but not positions, and they keep only the last of two
duplicate keys. Curators need both: the line and column of a mistake, and a word about a key they
wrote twice. This parser is used for JSON files and, in JSON Lines, for the lines that need
explaining.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..records import Position, pointer_join

MAX_DEPTH = 256

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_STRING_RUN = re.compile(r'[^"\\\x00-\x1f]*')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_WORD = re.compile(r"[A-Za-z_+\-][A-Za-z0-9_+\-.]*")
_LITERALS = {"true": True, "false": False, "null": None}
_NON_FINITE = {"NaN", "Infinity", "-Infinity", "+Infinity", "nan", "inf", "-inf"}


# Python reads integers of at most 4,300 digits from text (sys.int_info.default_max_str_digits).
MAX_NUMBER_CHARS = 4_000


class JsonSyntaxError(Exception):
    """Text that is not JSON, with the position where reading stopped."""

    def __init__(self, message: str, position: Position, rule: str = "syntax"):
        super().__init__(message)
        self.message = message
        self.position = position
        self.rule = rule


@dataclass
class LocatedDocument:
    """A parsed JSON value with the position of each value and key, by JSON Pointer."""

    value: Any
    values: dict[str, Position] = field(default_factory=dict)
    keys: dict[str, Position] = field(default_factory=dict)
    duplicate_keys: list[tuple[str, Position, Position]] = field(default_factory=list)


class _LineIndex:
    """Turns character offsets into 1-based (line, column) pairs."""

    def __init__(self, text: str, first_line: int = 1):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.first_line = first_line

    def position(self, offset: int) -> Position:
        row = bisect.bisect_right(self.starts, offset) - 1
        return (row + self.first_line, offset - self.starts[row] + 1)


class TextPositions:
    """The positions of a JSON text that was parsed without them (by orjson), found only when a
    problem asks: most valid files never pay for the located parse."""

    __slots__ = ("text", "first_line", "parsed")

    def __init__(self, text: str, first_line: int = 1):
        self.text = text
        self.first_line = first_line
        self.parsed: LocatedDocument | None = None

    def of(self, pointer: str, *, key: bool = False) -> Position:
        if pointer == "":
            blank = _WHITESPACE.match(self.text)
            assert blank is not None  # `*`: it matches, if only the empty text
            start = blank.end()
            line_start = self.text.rfind("\n", 0, start) + 1
            return (self.first_line + self.text.count("\n", 0, start), start - line_start + 1)
        if self.parsed is None:
            self.parsed = parse(self.text, first_line=self.first_line)
        if key and pointer in self.parsed.keys:
            return self.parsed.keys[pointer]
        values, keys = self.parsed.values, self.parsed.keys
        while True:
            if pointer in values:
                return values[pointer]
            if pointer in keys:
                return keys[pointer]
            if not pointer:
                return (self.first_line, 1)
            pointer = pointer.rsplit("/", 1)[0]


def parse(text: str, *, first_line: int = 1) -> LocatedDocument:
    """Parse one JSON document; raise JsonSyntaxError with a position if it is not valid JSON."""
    parser = _Parser(text, _LineIndex(text, first_line))
    return parser.document()


class _Parser:
    def __init__(self, text: str, lines: _LineIndex):
        self.text = text
        self.lines = lines
        self.at = 0
        self.doc = LocatedDocument(None)

    def fail(self, message: str, offset: int | None = None, rule: str = "syntax") -> JsonSyntaxError:
        return JsonSyntaxError(message, self.lines.position(self.at if offset is None else offset), rule)

    def skip_space(self) -> None:
        blank = _WHITESPACE.match(self.text, self.at)
        assert blank is not None  # `*`: it matches, if only the empty text
        self.at = blank.end()

    def document(self) -> LocatedDocument:
        self.skip_space()
        if self.at == len(self.text):
            raise self.fail("the file holds no JSON value", rule="empty")
        self.doc.value = self.value("", 0)
        self.skip_space()
        if self.at != len(self.text):
            raise self.fail("unexpected text after the end of the JSON value")
        return self.doc

    def value(self, pointer: str, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise self.fail(f"nesting is deeper than {MAX_DEPTH} levels", rule="too-deep")
        self.doc.values[pointer] = self.lines.position(self.at)
        char = self.text[self.at : self.at + 1]
        if char == "{":
            return self.object(pointer, depth)
        if char == "[":
            return self.array(pointer, depth)
        if char == '"':
            return self.string()
        number = _NUMBER.match(self.text, self.at)
        word = _WORD.match(self.text, self.at)
        if word and word.group() in _NON_FINITE:
            raise self.fail(
                f"{word.group()} is not a JSON number; write a number or a string", rule="non-finite-number"
            )
        if number and not (word and len(word.group()) > len(number.group())):
            if len(number.group()) > MAX_NUMBER_CHARS:  # Python refuses to read longer integers
                raise self.fail(
                    f"this number has {len(number.group()):,} characters; no claim field holds one that long",
                    rule="number-too-long",
                )
            self.at = number.end()
            return json.loads(number.group())
        if word and word.group() in _LITERALS:
            self.at = word.end()
            return _LITERALS[word.group()]
        if not char:
            raise self.fail("the JSON ends too early: a value is missing")
        shown = word.group() if word else char
        raise self.fail(
            f"unexpected {shown!r}: expected a value (a string in double quotes, a number, true, false, null, [ or {{)"
        )

    def string(self) -> str:
        start, at, text = self.at, self.at + 1, self.text
        while True:
            run = _STRING_RUN.match(text, at)
            assert run is not None  # `*`: it matches, if only the empty text
            at = run.end()
            char = text[at : at + 1]
            if char == '"':
                break
            if char == "\\" and at + 1 < len(text):
                at += 2
                continue
            raise self.fail("this string is not closed, or holds a raw control character (write \\n, \\t)", at)
        raw = text[start : at + 1]
        try:
            result = json.loads(raw) if "\\" in raw else raw[1:-1]
        except ValueError:
            raise self.fail("this string holds an invalid escape sequence") from None
        self.at = at + 1
        return result

    def object(self, pointer: str, depth: int) -> dict[str, Any]:
        self.at += 1
        result: dict[str, Any] = {}
        self.skip_space()
        if self.text.startswith("}", self.at):
            self.at += 1
            return result
        while True:
            self.skip_space()
            if not self.text.startswith('"', self.at):
                raise self.fail("expected a key in double quotes")
            key_position = self.lines.position(self.at)
            key = self.string()
            child = pointer_join(pointer, key)
            if key in result:
                self.doc.duplicate_keys.append((child, self.doc.keys[child], key_position))
            self.doc.keys[child] = key_position
            self.skip_space()
            if not self.text.startswith(":", self.at):
                raise self.fail(f"expected ':' after the key {key!r}")
            self.at += 1
            self.skip_space()
            result[key] = self.value(child, depth + 1)
            self.skip_space()
            if self.text.startswith(",", self.at):
                self.at += 1
                continue
            if self.text.startswith("}", self.at):
                self.at += 1
                return result
            raise self.fail("expected ',' or '}' after the value")

    def array(self, pointer: str, depth: int) -> list[Any]:
        self.at += 1
        result: list[Any] = []
        self.skip_space()
        if self.text.startswith("]", self.at):
            self.at += 1
            return result
        while True:
            self.skip_space()
            result.append(self.value(pointer_join(pointer, len(result)), depth + 1))
            self.skip_space()
            if self.text.startswith(",", self.at):
                self.at += 1
                continue
            if self.text.startswith("]", self.at):
                self.at += 1
                return result
            raise self.fail("expected ',' or ']' after the value")
