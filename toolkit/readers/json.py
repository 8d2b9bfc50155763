"""JSON claims: one record, or a list of records.

A file is parsed with orjson first; the located parser (positions, keys written twice, friendly
syntax errors) runs only when it is needed: for a file orjson rejects, a file that may hold a key
twice, a list of records, or when a problem asks where something is.
"""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from ..records import Positions, Problem, Record
from . import located_json
from .jsonl import each_key_once
from .source import Source
from .split import records_of


def read(source: Source) -> Iterator[Record | Problem]:
    text = source.text()
    record = _quickly(text)
    if record is not None:
        yield Record(record, source.display, record_line(text), located_json.TextPositions(text))
        return
    try:
        document = located_json.parse(text)
    except located_json.JsonSyntaxError as error:
        yield source.problem(error.message, error.position, rule=error.rule)
        return
    positions = Positions(document.values, document.keys)
    yield from records_of(source, document.value, positions, document.duplicate_keys)


def _quickly(text: str):
    """The record a one-record file holds, when orjson reads it and nothing needs the located
    parser: no key twice (`jsonl.each_key_once`), no nesting deeper than it allows."""
    if text.count("{") + text.count("[") > located_json.MAX_DEPTH:
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(value, dict) or not each_key_once(text.encode("utf-8"), value):
        return None
    return value


def record_line(text: str) -> int:
    start = len(text) - len(text.lstrip(" \t\n\r"))
    return 1 + text.count("\n", 0, start)
