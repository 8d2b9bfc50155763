"""CSV claims: a header row naming the fields, then one record per row.

The layout is the one `claims export --format csv` writes, so an export reads back as the same
records. Each cell takes the kind the schema asks for in its column (see `columns.Kind.typed`):
text stays text (even when it starts with `[` or `{`), numbers and true/false are read as such.
A list cell holds `;`-separated values (a `sources` value may be just its URL), or a JSON array
where `;` would be ambiguous; an object cell holds a JSON object. Empty cells leave the field out.
The columns the build adds (`speaker_id`, `repeat_of`, ..., `source_line`) are passed over: the
build works them out again. A leading `'` that the export put before a cell a spreadsheet would
run as a formula is removed. The header may be `;`-separated (Excel's CSV in many locales), and
the file may start with a UTF-8 BOM. We tokenise RFC 4180 ourselves so that every cell keeps its
line and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..columns import BUILT, Kind
from ..records import Position, Positions, Problem, Record, pointer_join
from . import located_json
from .source import Source
from .split import duplicate_problems

_QUOTED = re.compile(r'"((?:[^"]|"")*)"', re.DOTALL)
_PLAIN = {",": re.compile(r"[^,\r\n]*"), ";": re.compile(r"[^;\r\n]*")}
_LINE_END = re.compile(r"\r\n|\n|\r")
# The quote `export.neutralise_formulas` puts before a cell a spreadsheet would evaluate.
_DEFUSED = re.compile(r"^'(?='*[=+\-@\t\r])")


@dataclass(frozen=True)
class Cell:
    text: str
    position: Position


def read(source: Source, layout: Kind | None = None) -> Iterator[Record | Problem]:
    text = source.text()
    layout = layout or Kind("object")
    try:
        rows = list(rows_of(source, text, delimiter_of(text)))
    except located_json.JsonSyntaxError as error:
        yield source.problem(error.message, error.position)
        return
    header, body = rows[0], rows[1:]
    names = [cell.text.strip() for cell in header]
    fields = {name.casefold(): name for name in layout.names}
    seen: dict[str, Position] = {}
    header_duplicates = []
    for index, (name, cell) in enumerate(zip(names, header)):
        if not name:
            yield source.problem("a column has no name in the header row", cell.position, rule="csv-header")
            continue
        meant = fields.get(name.casefold())
        if name not in fields.values() and meant:
            yield source.problem(
                f"the column {name!r} is not a field: did you mean {meant!r}? (field names are "
                "written as the schema writes them)",
                cell.position,
                rule="csv-header",
            )
            names[index] = name = meant  # read the rows as meant, so that their other problems show
        if name in seen:
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
    source: Source, layout: Kind, names: list[str], header: dict[str, Position], row: list[Cell]
) -> Iterator[Record | Problem]:
    data: dict[str, Any] = {}
    values: dict[str, Position] = {"": row[0].position}
    keys: dict[str, Position] = {}
    for name, cell in zip(names, row):
        if not name or not cell.text.strip() or (name in BUILT and name not in layout.names):
            continue
        pointer = pointer_join("", name)
        keys[pointer] = header[name]
        values[pointer] = cell.position
        try:
            data[name] = _value(name, cell, layout)
        except located_json.JsonSyntaxError as error:
            yield source.problem(
                f"this cell starts like JSON but is not: {error.message}", cell.position, pointer=pointer
            )
            return
        if isinstance(data[name], list):
            for item_index in range(len(data[name])):
                values[pointer_join(pointer, item_index)] = cell.position
    yield Record(data, source.display, row[0].position[0], Positions(values, keys))


def _value(name: str, cell: Cell, layout: Kind) -> Any:
    text = _DEFUSED.sub("", cell.text)
    kind = layout.field(name)
    if kind is None:
        return text
    stripped = text.strip()
    if kind.type == "object" or (kind.type == "array" and stripped.startswith("[")):
        return located_json.parse(stripped).value if stripped.startswith(("[", "{")) else text
    if kind.type != "array":
        return kind.typed(text)
    items = [part.strip() for part in stripped.split(";") if part.strip()]
    if kind.key:
        return [{kind.key: item} for item in items]
    return [kind.items.typed(item) for item in items] if kind.items else items


def delimiter_of(text: str) -> str:
    """`;` when the header row is separated by it (Excel's CSV in many locales), else `,`."""
    first_line = text.split("\n", 1)[0]
    return ";" if ";" in first_line and "," not in first_line else ","


def rows_of(source: Source, text: str, delimiter: str) -> Iterator[list[Cell]]:
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
                plain = _PLAIN[delimiter].match(text, at)
                assert plain is not None  # `*`: it matches, if only the empty cell
                cell_text = plain.group()
                at = plain.end()
            row.append(Cell(cell_text, position))
            if text.startswith(delimiter, at):
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
                "unexpected character after a quoted cell: put the whole cell in quotes and double any quote inside"
                + (" (this file separates cells with ';')" if delimiter == ";" else ""),
                (line, at - line_start + 1),
            )
        if any(cell.text.strip() for cell in row) or len(row) > 1:
            yield row
