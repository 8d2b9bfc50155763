"""CSV claims: a header row naming the fields, then one record per row.

Flat cells need a convention for lists: a list field holds `;`-separated values (a `sources` value
is just its URL), and a cell that starts with `[` or `{` is JSON, for anything richer. Empty cells
leave the field out. We tokenise RFC 4180 ourselves so that every cell keeps its line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from ..records import Position, Positions, Problem, Record, pointer_join
from . import located_json
from .source import Source
from .split import duplicate_problems

_QUOTED = re.compile(r'"((?:[^"]|"")*)"', re.DOTALL)
_PLAIN = re.compile(r'[^,\r\n]*')
_LINE_END = re.compile(r"\r\n|\n|\r")


@dataclass(frozen=True)
class CsvLayout:
    """How flat cells map onto the schema: which fields are lists, and which list items are
    objects named by one key (a source is its `url`)."""

    list_fields: frozenset[str]
    item_keys: dict[str, str]


@dataclass(frozen=True)
class Cell:
    text: str
    position: Position


def read(source: Source, layout: CsvLayout) -> Iterator[Record | Problem]:
    text = source.text()
    try:
        rows = list(_rows(source, text))
    except located_json.JsonSyntaxError as error:
        yield source.problem(error.message, error.position)
        return
    header, body = rows[0], rows[1:]
    names = [cell.text.strip() for cell in header]
    seen: dict[str, Position] = {}
    header_duplicates = []
    for name, cell in zip(names, header):
        if not name:
            yield source.problem("a column has no name in the header row", cell.position, rule="csv-header")
        elif name in seen:
            header_duplicates.append(("/" + name, seen[name], cell.position))
        else:
            seen[name] = cell.position
    yield from duplicate_problems(source, header_duplicates, "")
    if not body:
        yield source.problem("the file has a header row but no claim", header[0].position, rule="empty")
        return
    for row in body:
        if len(row) != len(header):
            yield source.problem(
                f"this row has {len(row)} cells but the header names {len(header)} columns",
                row[0].position,
                rule="csv-row",
            )
            continue
        yield from _record(source, layout, names, seen, row)


def _record(
    source: Source, layout: CsvLayout, names: list[str], header: dict[str, Position], row: list[Cell]
) -> Iterator[Record | Problem]:
    data: dict[str, Any] = {}
    values: dict[str, Position] = {"": row[0].position}
    keys: dict[str, Position] = {}
    for name, cell in zip(names, row):
        if not name or not cell.text.strip():
            continue
        pointer = pointer_join("", name)
        keys[pointer] = header[name]
        values[pointer] = cell.position
        try:
            data[name] = _value(name, cell, layout)
        except located_json.JsonSyntaxError as error:
            yield source.problem(f"this cell starts like JSON but is not: {error.message}", cell.position, pointer=pointer)
            return
        if isinstance(data[name], list):
            for item_index in range(len(data[name])):
                values[pointer_join(pointer, item_index)] = cell.position
    yield Record(data, source.display, row[0].position[0], Positions(values, keys))


def _value(name: str, cell: Cell, layout: CsvLayout) -> Any:
    text = cell.text.strip()
    if text[0] in "[{":
        return located_json.parse(text).value
    if name not in layout.list_fields:
        return cell.text
    items = [part.strip() for part in text.split(";") if part.strip()]
    key = layout.item_keys.get(name)
    return [{key: item} for item in items] if key else items


def _rows(source: Source, text: str) -> Iterator[list[Cell]]:
    """RFC 4180 rows of cells with their positions; blank lines are skipped."""
    at, line, line_start = 0, 1, 0
    while at < len(text):
        row: list[Cell] = []
        while True:
            position = (line, at - line_start + 1)
            quoted = _QUOTED.match(text, at)
            if quoted:
                cell_text = quoted.group(1).replace('""', '"')
                newlines = list(_LINE_END.finditer(text, at, quoted.end()))
                if newlines:
                    line += len(newlines)
                    line_start = newlines[-1].end()
                at = quoted.end()
            elif text.startswith('"', at):
                raise located_json.JsonSyntaxError("a quoted cell is never closed", position)
            else:
                plain = _PLAIN.match(text, at)
                cell_text = plain.group()
                at = plain.end()
            row.append(Cell(cell_text, position))
            if text.startswith(",", at):
                at += 1
                continue
            end = _LINE_END.match(text, at)
            if end or at >= len(text):
                if end:
                    at = end.end()
                    line += 1
                    line_start = at
                break
            raise located_json.JsonSyntaxError(
                "unexpected character after a quoted cell: put the whole cell in quotes and double any quote inside",
                (line, at - line_start + 1),
            )
        if any(cell.text.strip() for cell in row) or len(row) > 1:
            yield row
