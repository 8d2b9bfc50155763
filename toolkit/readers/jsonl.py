"""JSON Lines claims: one record per line, read as a stream so that big files stay cheap.

Each line is parsed with orjson; positions (and the check for a key written twice, which orjson
cannot see) come from the slower located parser, only for lines that need it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from ..records import Position, Positions, Problem, Record
from . import located_json
from .source import FileProblem, Source, decode
from .split import records_of

_ID_VALUE = re.compile(rb'^\s*\{\s*"id"\s*:\s*')


def read(source: Source) -> Iterator[Record | Problem]:
    empty = True
    with source.path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            empty = False
            yield from read_line(source, raw, number)
    if empty:
        yield source.problem("the file is empty: it holds no claim", rule="empty")


def read_line(source: Source, raw: bytes, number: int) -> Iterator[Record | Problem]:
    """The record (or the problem) on line `number`."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        value = None
        fast = False
    else:
        fast = each_key_once(raw, value)
    if fast:
        yield Record(value, source.display, number, LinePositions(raw, number, value))
        return
    # The slow path explains: a syntax error, a key written twice, a NaN.
    try:
        text = decode(source, raw.rstrip(b"\r\n"), first_line=number)
        document = located_json.parse(text, first_line=number)
    except FileProblem as problem:
        yield problem.problem
        return
    except located_json.JsonSyntaxError as error:
        yield source.problem(error.message, error.position, rule=error.rule)
        return
    positions = Positions(document.values, document.keys)
    if isinstance(document.value, list):
        yield source.problem(
            "a JSON Lines line holds one record (an object), not a list", positions.of(""), rule="type"
        )
        return
    yield from records_of(source, document.value, positions, document.duplicate_keys)


def each_key_once(raw: bytes, value: Any) -> bool:
    """Whether the JSON text `raw`, which orjson read as `value`, writes each key once: orjson keeps
    the last of a key written twice, so such a text has more keys and texts than its value. Its
    structural quotes are compared with those of orjson's encoding of the value (False for a value
    nested deeper than orjson writes: the located parser reads it)."""
    try:
        encoded = orjson.dumps(value)
    except orjson.JSONEncodeError:
        return False
    return encoded == raw or structural_quotes(raw) == structural_quotes(encoded)


def structural_quotes(text: bytes) -> int:
    """The quotes of a JSON text that open or close a key or a text: all but the escaped ones, which
    are those still after a backslash once every escaped backslash (`\\\\`) is set aside.

    >>> structural_quotes(rb'{"a":"say \\"hi\\"","b\\\\":"\\\\"}')
    8
    """
    if b"\\" not in text:
        return text.count(b'"')
    return text.count(b'"') - text.replace(b"\\\\", b"").count(b'\\"')


class LinePositions:
    """Positions inside one line, found only when a problem asks: most valid lines never pay.

    The record's start and, when it comes first as usual, its `id` are answered without parsing,
    since the duplicate-id check asks for them on every record. A line written compactly, as a
    program writes JSON Lines (exactly as orjson writes the parsed `value`), is measured by
    writing the parts before the asked place again; any other line is parsed with positions.
    """

    __slots__ = ("raw", "number", "value", "compact", "parsed")

    def __init__(self, raw: bytes, number: int, value: Any = None):
        self.raw = raw
        self.number = number
        self.value = value
        self.compact: bool | None = None if isinstance(value, dict) else False
        self.parsed: Positions | None = None

    def of(self, pointer: str, *, key: bool = False) -> Position:
        if pointer == "":
            return (self.number, len(self.raw) - len(self.raw.lstrip()) + 1)
        if pointer == "/id" and not key:
            match = _ID_VALUE.match(self.raw)
            if match and self.raw[: match.end()].isascii():
                return (self.number, match.end() + 1)
        if self.compact is None:
            try:
                self.compact = orjson.dumps(self.value) == self.raw.rstrip(b"\r\n")
            except orjson.JSONEncodeError:  # nested deeper than orjson writes (it reads deeper)
                self.compact = False
        if self.compact:
            offset = compact_offset(self.value, pointer, key=key)
            prefix = self.raw[:offset]
            return (self.number, (offset if prefix.isascii() else len(prefix.decode("utf-8"))) + 1)
        if self.parsed is None:
            text = self.raw.decode("utf-8").rstrip("\r\n")
            try:
                document = located_json.parse(text, first_line=self.number)
            except located_json.JsonSyntaxError:  # nested deeper than the located parser reads
                return self.of("")
            self.parsed = Positions(document.values, document.keys)
        return self.parsed.of(pointer, key=key)


def compact_offset(value: Any, pointer: str, *, key: bool = False) -> int:
    """Where `pointer` (its key, if asked and it has one) starts in `orjson.dumps(value)`, in
    bytes; a place that is not in `value` is answered with its nearest ancestor, as `Positions`
    does."""
    offset, key_offset = 0, None
    for step in pointer.split("/")[1:]:
        step = step.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict) and step in value:
            offset += 1  # {
            for name, item in value.items():
                if name == step:
                    break
                offset += len(orjson.dumps(name)) + len(orjson.dumps(item)) + 2  # "name":item,
            key_offset = offset
            offset += len(orjson.dumps(step)) + 1
            value = value[step]
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value) and str(int(step)) == step:
            offset += 1 + sum(len(orjson.dumps(item)) + 1 for item in value[: int(step)])  # [item,
            key_offset = None
            value = value[int(step)]
        else:
            return offset  # not there: its nearest ancestor
    return key_offset if key and key_offset is not None else offset
