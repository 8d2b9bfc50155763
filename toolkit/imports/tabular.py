"""Tables of claims (CSV, TSV, the LIAR dataset's TSV) and nested research records (JSON, JSON
Lines: AVeriTeC) as `Review`s, one per row or record, through a map (`maps`): a column, or a dotted
path into a record (`questions.answers.source_url`), per field.

A date takes the precision of the pattern that reads it (`%d.%m.%Y` a day, `%m/%Y` a month, `%Y`
a year); `unknown` (or n/a, none, -) is an unknown date. A row with no date cell takes its review's
date, as ClaimReview items do, and is counted; with neither, its date is `unknown`, never made up.
A date no pattern reads skips the row, reported. A list field (`tags`, `source.url`) takes every
value the map gives it: a constant and each column (a cell split on `;` or `,`, a path's every
value); any other field takes its column's value, else its constant. A path that finds several
values gives a text field all of them, joined by ", ".

LIAR (Wang, 2017: "Liar, Liar Pants on Fire") is a map of its own (`maps.LIAR`): 14 columns without
a header and without quoting (id, label, statement, subjects, speaker, job title, state, party,
five counts of the speaker's earlier ratings, context); its statements have no date, its id is
kept as the claim's identity (so a re-check, the same speaker and words under another id, is a
repeat that `claims build` links), its six labels map as the status table says, and the state and
the counts, which describe the speaker's record rather than the claim, are not kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from ..errors import UsageError
from ..records import present
from .maps import LIST_FIELDS, RECORD_FIELDS, TARGETS, TableMap
from .review import Review
from .shapes import TooDeep, load_json, read_text, twice_reason, written_twice
from .values import as_written, day, text, url

Failure = tuple[str, "str | None", str]  # (position, url, reason): a row that makes no review
UNKNOWN_DATES = ("", "unknown", "n/a", "na", "none", "-")
# Precision of a strptime pattern: the finest directive it holds.
_DAY_DIRECTIVES, _MONTH_DIRECTIVES = re.compile(r"%[djaAUWcx]"), re.compile(r"%[mbBh]")


def reviews_from_table(path: str | os.PathLike, table: TableMap) -> Iterator[Review | Failure]:
    """A Review per row, or (position, url, reason) for a row that cannot be read."""
    rows = csv.reader(
        io.StringIO(read_text(path), newline=""),
        delimiter=table.delimiter,
        quoting=csv.QUOTE_MINIMAL if table.quoting else csv.QUOTE_NONE,
    )
    header: list[str] | None = None
    if table.header:
        header = next(rows, [])
        twice = sorted({c for c in table.columns if header.count(c) > 1})
        if twice:
            raise UsageError(
                f"{path}: the header names {', '.join(map(repr, twice))} more than once; "
                "which column the map means cannot be known"
            )
        missing = [c for c in table.columns if c not in header]
        if missing:
            raise UsageError(
                f"{path}: no column {', '.join(map(repr, missing))} in the header "
                f"({', '.join(header)}); the map names columns by their header"
            )
    number = 1 if table.header else 0
    try:
        for number, row in enumerate(rows, start=2 if table.header else 1):
            if not any(cell.strip() for cell in row):
                continue
            cells = {}
            for column in table.columns:
                index = header.index(column) if header is not None else int(column)
                cells[column] = row[index] if index < len(row) else ""
            yield from_values(f"row {number}", cells, table)
    except csv.Error as error:  # a cell over the csv module's limit, a stray NUL byte
        raise UsageError(
            f"{path}: row {number + 1} cannot be read as {table.delimiter!r}-separated values: {error}"
        ) from None


def reviews_from_records(path: str | os.PathLike, table: TableMap, lines: bool) -> Iterator[Review | Failure]:
    """A Review per JSON record (a file holding a list of them, or JSON Lines, one a line), its
    fields found by the map's dotted paths; (position, url, reason) for one that cannot be read."""
    for position, record in _json_records(path, lines):
        if isinstance(record, str):  # why the line cannot be read
            yield position, None, record
        elif not isinstance(record, dict):
            yield position, None, "not a JSON object"
        elif written_twice(record):
            yield position, None, twice_reason(written_twice(record))
        else:
            yield from_values(position, {column: lookup(record, str(column)) for column in table.columns}, table)


def _json_records(path: str | os.PathLike, lines: bool) -> Iterator[tuple[str, Any]]:
    text = read_text(path)
    if lines:
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    yield f"line {number}", load_json(line)
                except TooDeep as error:
                    yield f"line {number}", str(error)
                except json.JSONDecodeError as error:
                    yield f"line {number}", f"not JSON ({error.msg}, column {error.colno})"
        return
    try:
        data = load_json(text)
    except TooDeep as error:
        raise UsageError(f"{path}: {error}") from None
    except json.JSONDecodeError as error:
        raise UsageError(
            f"{path}: cannot read JSON: {error.msg} at line {error.lineno} column {error.colno}"
            " (JSON Lines: --from jsonl)"
        ) from None
    if isinstance(data, list):
        yield from ((f"/{index}", record) for index, record in enumerate(data))
    else:
        yield "/", data


def lookup(record: dict, path: str) -> Any:
    """The value at a dotted path (`speaker.name`, `questions.0.question`): a list met on the way
    gives the value in each of its records (`questions.answers.source_url`: every answer's url).
    A key that itself holds dots is found as written.

    >>> lookup({"q": [{"a": [{"u": "x"}, {"u": "y"}]}, {"a": []}]}, "q.a.u"), lookup({"q": [1, 2]}, "q.1")
    (['x', 'y'], 2)
    """
    if path in record:
        return record[path]
    found: list[Any] = [record]
    for step in path.split("."):
        deeper: list[Any] = []
        for node in found:
            if isinstance(node, list) and step.isdigit():
                if int(step) < len(node):
                    deeper.append(node[int(step)])
                continue
            for one in node if isinstance(node, list) else [node]:
                if isinstance(one, dict) and step in one:
                    deeper.append(one[step])
        found = deeper
    if len(found) == 1 and not isinstance(found[0], list):
        return found[0]
    return [v for value in found for v in (value if isinstance(value, list) else [value])] or None


def from_values(position: str, found: Mapping[Any, Any], table: TableMap) -> Review | Failure:
    """A Review from what a row or record gives for each mapped column (text, a number, a list)."""
    values: dict[str, Any] = {}
    lists: dict[str, list[str]] = {}
    for target, value in table.constants.items():
        if target in LIST_FIELDS:
            lists.setdefault(target, []).extend(_items(target, value))
        elif (one := _one(value)) is not None:
            values[target] = one
    for column, target in table.columns.items():
        if target in LIST_FIELDS:
            lists.setdefault(target, []).extend(_items(target, found.get(column)))
        elif (one := _one(found.get(column))) is not None:
            values[target] = one  # a column's value over a constant
    found_by: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    appearance: dict[str, str] = {}
    for target, value in values.items():
        if target in RECORD_FIELDS:
            fields[target] = text(str(value))
        elif target.startswith("appearance."):
            appearance[target.split(".")[1]] = str(value)
        else:
            found_by[TARGETS[target]] = value
    if lists.get("tags"):
        fields["tags"] = list(dict.fromkeys(lists["tags"]))
    date = found_by.pop("date", None)
    if date is not None:
        date = read_date(str(date), table.dates)
        if date is None:
            return (
                position,
                url(found_by.get("url")),
                f"date {values['date']!r} is in none of the forms {', '.join(table.dates) or '(none)'}",
            )
    words = text(_words(found_by.get("words")))
    status = found_by.pop("status", None) or (table.labels.get(words.lower()) if words else None)
    where, when = url(appearance.get("url")), day(appearance.get("date"))
    return Review(
        position=position,
        claim=as_written(_words(found_by.get("claim"))),
        speaker=text(_words(found_by.get("speaker"))),
        date=date,
        url=url(found_by.get("url")),
        publisher=text(_words(found_by.get("publisher"))),
        site=text(_words(found_by.get("site"))) or _site_of(url(found_by.get("url"))),
        review_date=day(found_by.get("review_date")),
        words=words,
        value=found_by.get("value"),
        best=found_by.get("best"),
        worst=found_by.get("worst"),
        body=text(_words(found_by.get("body"))),
        language=text(_words(found_by.get("language"))),
        claim_language=text(_words(found_by.get("claim_language"))),
        author=text(_words(found_by.get("author"))),
        speaker_type=text(_words(found_by.get("speaker_type"))),
        appearances=(present({"url": where, "date": when}),) if where else (),
        sources=tuple(dict.fromkeys(u for u in map(url, lists.get("source.url", [])) if u)),
        identity=text(_words(found_by.get("identity"))),
        status=status,
        fields=tuple((k, v) for k, v in fields.items() if v),
    )


def _site_of(address: str | None) -> str | None:
    """The web site of a review's page (a review the map names no publisher for is its site's)."""
    if not address:
        return None
    try:
        parts = urlsplit(address)
    except ValueError:  # a malformed address ("http://[x"): no site
        return None
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


def _one(value: Any) -> Any:
    """A value for a field that holds one: text (trimmed; None when empty), a number, or the
    several texts a path found (a list, joined by `_words`); None for anything else."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool) or value is None or isinstance(value, dict):
        return None
    if isinstance(value, list):
        texts = [v.strip() if isinstance(v, str) else str(v) for v in value if _one(v) is not None]
        return texts or None
    return value if isinstance(value, (int, float)) else None


def _words(value: Any) -> Any:
    """Several values a path found for a field of one value, all kept: joined by ", "."""
    return ", ".join(value) if isinstance(value, list) else value


def _items(target: str, value: Any) -> list[str]:
    """The items a list field takes from a value: a cell split on `;` or `,` (a tag list; a url
    list is never split), each item of a list; tidied, empty ones left out."""
    if isinstance(value, list):
        parts = [v for v in value if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
    elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
        parts = re.split(r"[;,]", str(value)) if target == "tags" else [str(value)]
    else:
        parts = []
    return [item for item in (text(str(part)) for part in parts) if item]


def read_date(cell: str, patterns: tuple[str, ...]) -> str | None:
    """The cell as a claim date, at the precision of the first pattern that reads it; `unknown`
    for an empty or unknown cell; None when no pattern reads it.

    >>> read_date("12/04/2018", ("%m/%d/%Y",)), read_date("December 2018", ("%B %Y",)), read_date("", ())
    ('2018-12-04', '2018-12', 'unknown')
    """
    if cell.strip().lower() in UNKNOWN_DATES:
        return "unknown"
    for pattern in patterns:
        try:
            parsed = dt.datetime.strptime(cell.strip(), pattern).date()
        except ValueError:
            continue
        if _DAY_DIRECTIVES.search(pattern):
            return parsed.isoformat()
        return parsed.strftime("%Y-%m") if _MONTH_DIRECTIVES.search(pattern) else parsed.strftime("%Y")
    return None
