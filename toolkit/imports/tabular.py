"""Tables of claims (CSV, TSV, the LIAR dataset's TSV) as `Review`s, one per row, through a map
the user writes:

```yaml
columns:                 # column (header name, or 0-based number when header: false) -> field
  Statement: claim
  Who: speaker
  When: date
  Verdict: review.rating # the publisher's words; `labels`, then the rating map, give the status
  Link: review.url
dates: ["%d/%m/%Y", "%B %Y", "%Y"]   # strptime patterns, tried in order; precision from the pattern
labels: {"Pants on Fire": "false", "Flip": none}   # rating words -> status (none: no verdict)
constants: {review.publisher: PolitiFact, speaker_type: person}   # fields every record takes
header: true             # false: the first row is data
quoting: true            # false: `"` is an ordinary character (a file written without quoting, as LIAR is)
```

A date takes the precision of the pattern that reads it (`%d.%m.%Y` a day, `%m/%Y` a month, `%Y`
a year); `unknown` (or n/a, none, -) is an unknown date. A row with no date cell takes its review's
date, as ClaimReview items do, and is counted; with neither, its date is `unknown`, never made up.
A date no pattern reads skips the row, reported. LIAR (Wang, 2017: "Liar, Liar Pants
on Fire") is a map of its own: 14 columns without a header (id, label, statement, subjects,
speaker, job title, state, party, five counts of the speaker's earlier ratings, context); its
statements have no date, its id is kept as the claim's identity (so a re-check, the same speaker
and words under another id, is a repeat that `claims build` links), its six labels map as the
status table says, and the state and the counts, which describe the speaker's record rather
than the claim, are not kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import UsageError
from ..records import present
from ..vocabulary import FROM_LIAR, STATUSES
from .review import Review
from .shapes import read_text
from .values import as_written, day, text, url

# Where a mapped field goes: target -> the `Review` attribute (record fields not listed here go
# to `Review.fields`, as the record keeps them).
TARGETS = {
    "claim": "claim",
    "speaker": "speaker",
    "speaker_type": "speaker_type",
    "date": "date",
    "id": "identity",
    "language": "claim_language",
    "status": "status",
    "review.url": "url",
    "review.date": "review_date",
    "review.rating": "words",
    "review.value": "value",
    "review.best": "best",
    "review.worst": "worst",
    "review.summary": "body",
    "review.author": "author",
    "review.language": "language",
    "review.publisher": "publisher",
    "review.publisher_url": "site",
    "appearance.url": "appearances",
    "appearance.date": "appearances",
}
RECORD_FIELDS = ("speaker_party", "speaker_job", "context", "tags")
NO_VERDICT = "none"
UNKNOWN_DATES = ("", "unknown", "n/a", "na", "none", "-")
# Precision of a strptime pattern: the finest directive it holds.
_DAY_DIRECTIVES, _MONTH_DIRECTIVES = re.compile(r"%[djaAUWcx]"), re.compile(r"%[mbBh]")


@dataclass(frozen=True)
class TableMap:
    """How a table's columns become claim fields (see the module docstring)."""

    columns: Mapping[Any, str]  # column name or number -> target
    dates: tuple[str, ...] = ("%Y-%m-%d", "%Y-%m", "%Y")
    labels: Mapping[str, str] = field(default_factory=dict)  # lower-cased words -> status or "none"
    constants: Mapping[str, Any] = field(default_factory=dict)
    header: bool = True
    delimiter: str = ","
    quoting: bool = True  # False: no cell is quoted, `"` is text and every line is one row


LIAR = TableMap(
    columns={
        0: "id",
        1: "review.rating",
        2: "claim",
        3: "tags",
        4: "speaker",
        5: "speaker_job",
        7: "speaker_party",
        13: "context",
    },
    dates=(),
    labels={**FROM_LIAR, "pants-fire": "false"},
    constants={
        "review.publisher": "PolitiFact",
        "review.publisher_url": "https://www.politifact.com",
        "language": "en",
    },
    header=False,
    delimiter="\t",
    quoting=False,  # LIAR's statements open with `"` and close with `''`: quoting would glue rows
)


def load_map(path: str | os.PathLike | None, delimiter: str) -> TableMap:
    """A map file, checked: every target known, every status ours; a broken map is a usage error."""
    if path is None:
        raise UsageError("--from csv and --from tsv need --map MAP.yaml (column -> field; see README)")
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise UsageError(f"--map {path}: cannot read it: {getattr(error, 'strerror', None) or error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict) or not data["columns"]:
        raise UsageError(f"--map {path}: needs `columns:`, a mapping of column -> field")
    unknown = set(data) - {"columns", "dates", "labels", "constants", "header", "quoting"}
    if unknown:
        raise UsageError(
            f"--map {path}: unknown keys {', '.join(sorted(map(str, unknown)))}; "
            "use columns, dates, labels, constants, header, quoting"
        )
    constants = data.get("constants") or {}
    if not isinstance(constants, dict):
        raise UsageError(f"--map {path}: constants is a mapping of field -> value")
    header = bool(data.get("header", True))
    if not header and not all(isinstance(c, int) or (isinstance(c, str) and c.isdigit()) for c in data["columns"]):
        raise UsageError(f"--map {path}: with header: false, columns are numbered from 0 (0: speaker, 3: claim, ...)")
    for target in [*data["columns"].values(), *constants]:
        if target not in TARGETS and target not in RECORD_FIELDS:
            raise UsageError(
                f"--map {path}: unknown field {target!r}; map to one of {', '.join([*TARGETS, *RECORD_FIELDS])}"
            )
    labels = {}
    for words, status in (data.get("labels") or {}).items():
        status = {True: "true", False: "false", None: NO_VERDICT}.get(status, status)
        if status != NO_VERDICT and status not in STATUSES:
            raise UsageError(
                f"--map {path}: label {words!r} maps to {status!r}, not a status "
                f'({", ".join(STATUSES)}, or none); quote "true" and "false"'
            )
        labels[str(words).strip().lower()] = status
    dates = data.get("dates") or ["%Y-%m-%d", "%Y-%m", "%Y"]
    if isinstance(dates, str):
        dates = [dates]
    if not all(isinstance(d, str) and "%" in d for d in dates):
        raise UsageError(f'--map {path}: dates are strptime patterns, like "%d/%m/%Y"')
    return TableMap(
        columns=dict(data["columns"]),
        dates=tuple(dates),
        labels=labels,
        constants=constants,
        header=header,
        delimiter=delimiter,
        quoting=bool(data.get("quoting", True)),
    )


def reviews_from_table(path: str | os.PathLike, table: TableMap) -> Iterator[Review | tuple[str, str | None, str]]:
    """A Review per row, or (position, url, reason) for a row that cannot be read."""
    rows = csv.reader(
        io.StringIO(read_text(path), newline=""),
        delimiter=table.delimiter,
        quoting=csv.QUOTE_MINIMAL if table.quoting else csv.QUOTE_NONE,
    )
    header: list[str] | None = None
    if table.header:
        header = next(rows, [])
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
            yield _row(f"row {number}", row, header, table)
    except csv.Error as error:  # a cell over the csv module's limit, a stray NUL byte
        raise UsageError(
            f"{path}: row {number + 1} cannot be read as {table.delimiter!r}-separated values: {error}"
        ) from None


def _row(
    position: str, row: list[str], header: list[str] | None, table: TableMap
) -> Review | tuple[str, str | None, str]:
    values: dict[str, Any] = dict(table.constants)
    for column, target in table.columns.items():
        index = header.index(column) if header is not None else int(column)
        cell = row[index].strip() if index < len(row) else ""
        if cell:
            values[target] = cell
    found: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    appearance: dict[str, str] = {}
    for target, value in values.items():
        if target in RECORD_FIELDS:
            fields[target] = _tags(value) if target == "tags" else text(str(value))
        elif target.startswith("appearance."):
            appearance[target.split(".")[1]] = str(value)
        else:
            found[TARGETS[target]] = value
    date = found.pop("date", None)
    if date is not None:
        date = read_date(str(date), table.dates)
        if date is None:
            return (
                position,
                text(found.get("url")),
                f"date {values['date']!r} is in none of the forms {', '.join(table.dates) or '(none)'}",
            )
    words = text(found.get("words"))
    status = found.pop("status", None) or (table.labels.get(words.lower()) if words else None)
    where, when = url(appearance.get("url")), day(appearance.get("date"))
    appearances = (present({"url": where, "date": when}),) if where else ()
    return Review(
        position=position,
        claim=as_written(found.get("claim")),
        speaker=text(found.get("speaker")),
        date=date,
        url=url(found.get("url")),
        publisher=text(found.get("publisher")),
        site=text(found.get("site")),
        review_date=day(found.get("review_date")),
        words=words,
        value=found.get("value"),
        best=found.get("best"),
        worst=found.get("worst"),
        body=text(found.get("body")),
        language=text(found.get("language")),
        claim_language=text(found.get("claim_language")),
        author=text(found.get("author")),
        speaker_type=text(found.get("speaker_type")),
        appearances=appearances,
        identity=text(found.get("identity")),
        status=status,
        fields=tuple((k, v) for k, v in fields.items() if v),
    )


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


def _tags(value: Any) -> list[str]:
    """A list cell: items split on `;` or `,`, tidied, each once."""
    items = [text(part) for part in re.split(r"[;,]", str(value))]
    return list(dict.fromkeys(item for item in items if item))
