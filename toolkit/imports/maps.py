"""The map a user writes to import a table (CSV, TSV) or nested records (JSON, JSON Lines): which
column, or which dotted path into a record, is which claim field; how dates are written; what
rating words mean; fields every record takes. The LIAR dataset's TSV has a map of its own.

```yaml
columns:                 # column (header name, 0-based number when header: false, or a dotted
  Statement: claim       #   path into a JSON record: speaker.name, questions.answers.source_url)
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

A map is untrusted input: anything it says that cannot work (an unknown field, a status not ours,
a date pattern strptime cannot read back, a key written twice, a list where one name belongs) is a
usage error naming its place, before any row is read.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..paths import MAP_LIMIT, check_file
from ..readers import yaml as yaml_reader
from ..readers.source import FileProblem, Source
from ..vocabulary import FROM_LIAR, STATUSES

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
    "source.url": "sources",
}
RECORD_FIELDS = ("speaker_party", "speaker_job", "context", "tags")
# Fields that hold several values: every column and constant naming one adds to it.
LIST_FIELDS = ("tags", "source.url")
NO_VERDICT = "none"
DEFAULT_DATES = ("%Y-%m-%d", "%Y-%m", "%Y")
_KEYS = ("columns", "dates", "labels", "constants", "header", "quoting")
_BOOLEANS = {"true": True, "yes": True, "false": False, "no": False}


@dataclass(frozen=True)
class TableMap:
    """How a table's columns (or a record's paths) become claim fields (see the module docstring)."""

    columns: Mapping[Any, str]  # column name, number or dotted path -> target
    dates: tuple[str, ...] = DEFAULT_DATES
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


def load_map(path: str | os.PathLike | None, delimiter: str, source: str = "csv") -> TableMap:
    """A map file, checked (see the module docstring); a broken map is a usage error."""
    if path is None:
        raise UsageError(f"--from {source} needs --map MAP.yaml (column -> field; see README)")
    data, positions = _read(path)

    def fail(where: str, message: str) -> UsageError:
        line, column = positions.of("/" + where.replace(".", "/"))
        return UsageError(f"--map {path}:{line}:{column}: {where}: {message}")

    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict) or not data["columns"]:
        raise UsageError(f"--map {path}: needs `columns:`, a mapping of column -> field")
    unknown = set(data) - set(_KEYS)
    if unknown:
        raise UsageError(f"--map {path}: unknown keys {', '.join(sorted(map(str, unknown)))}; use {', '.join(_KEYS)}")
    fields = ", ".join([*TARGETS, *RECORD_FIELDS])
    columns = data["columns"]
    for column, target in columns.items():
        if not isinstance(target, str):
            raise fail(f"columns.{column}", f"a column maps to one field (one of {fields}), not {_shown(target)}")
    constants = _mapping(data, "constants", fail)
    for target in [*columns.values(), *constants]:
        if target not in TARGETS and target not in RECORD_FIELDS:
            raise UsageError(f"--map {path}: unknown field {target!r}; map to one of {fields}")
    header, quoting = _boolean(data, "header", fail), _boolean(data, "quoting", fail)
    if not header and not all(str(c).isdigit() for c in columns):
        raise UsageError(f"--map {path}: with header: false, columns are numbered from 0 (0: speaker, 3: claim, ...)")
    labels = {}
    for words, status in _mapping(data, "labels", fail).items():
        status = NO_VERDICT if status is None else status
        if not isinstance(status, str) or (status != NO_VERDICT and status not in STATUSES):
            raise fail(
                f"labels.{words}",
                f"maps to {_shown(status)}, not a status ({', '.join(STATUSES)}, or none)",
            )
        labels[str(words).strip().lower()] = status
    dates = data.get("dates") or list(DEFAULT_DATES)
    dates = [dates] if isinstance(dates, str) else dates
    if not isinstance(dates, list) or not all(isinstance(d, str) and "%" in d for d in dates):
        raise fail("dates", 'a list of strptime patterns, like ["%d/%m/%Y", "%Y"]')
    for pattern in dates:
        if not _reads_back(pattern):
            raise fail("dates", f"{pattern!r} cannot read a date (strptime cannot read back what it writes)")
    return TableMap(
        columns={int(c) if not header else c: t for c, t in columns.items()},
        dates=tuple(dates),
        labels=labels,
        constants=constants,
        header=header,
        delimiter=delimiter,
        quoting=quoting,
    )


def _read(path: str | os.PathLike) -> tuple[Any, Any]:
    """The map's value and positions, by the YAML reader claim files use (values as typed: text),
    which reports a key written twice instead of keeping the last."""
    source = Source(Path(path), os.fspath(path))
    try:
        check_file(path, what="the map", limit=MAP_LIMIT)
        documents = [d for d in yaml_reader.read_documents(source) if d[0] is not None]
    except FileProblem as error:
        problem = error.problem
        raise UsageError(f"--map {path}:{problem.line}:{problem.column}: cannot read it: {problem.message}") from None
    except OSError as error:
        raise UsageError(f"--map {path}: cannot read it: {error.strerror or error}") from None
    if not documents:
        raise UsageError(f"--map {path}: needs `columns:`, a mapping of column -> field")
    data, positions, duplicates = documents[0]
    for pointer, first, again in duplicates:
        key = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        raise UsageError(
            f"--map {path}:{again[0]}:{again[1]}: the key {key!r} is written twice in one mapping "
            f"(first at line {first[0]}); keep one"
        )
    return data, positions


def _mapping(data: dict, key: str, fail: Any) -> dict:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise fail(key, f"a mapping ({'words: status' if key == 'labels' else 'field: value'}), not {_shown(value)}")
    return value


def _boolean(data: dict, key: str, fail: Any) -> bool:
    value = data.get(key, True)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _BOOLEANS:
        return _BOOLEANS[value.lower()]
    raise fail(key, f"true or false, not {_shown(value)}")


def _reads_back(pattern: str) -> bool:
    """Whether strptime reads `pattern` (re.error for `%Y%Y`, ValueError for a bad directive)."""
    try:
        written = dt.date(2001, 2, 3).strftime(pattern)
        dt.datetime.strptime(written, pattern)
    except (ValueError, re.error):
        return False
    return True


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)
