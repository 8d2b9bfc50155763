"""JSON claims: one record, or a list of records."""

from __future__ import annotations

from typing import Iterator

from ..records import Positions, Problem, Record
from . import located_json
from .source import Source
from .split import records_of


def read(source: Source) -> Iterator[Record | Problem]:
    text = source.text()
    try:
        document = located_json.parse(text)
    except located_json.JsonSyntaxError as error:
        yield source.problem(error.message, error.position, rule=error.rule)
        return
    positions = Positions(document.values, document.keys)
    yield from records_of(source, document.value, positions, document.duplicate_keys)
