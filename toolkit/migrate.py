"""`claims migrate`: claim files of schema 1 rewritten, in place, as schema 2.

Schema 2 keeps every fact-check of a claim in a list, `reviews`; schema 1 had one `review`
{summary, url, reviewer, date}. A schema 1 record becomes a schema 2 record by one change:
`review` becomes `reviews[0]`, with `reviewer` as its `author` (the checker's name) and the
record's status as its `status` (none for `unverified`, which is no verdict). A schema 1 import
kept an unmapped rating in the summary as `Original rating: "..."`; those words move to
`rating.text`. Every other field means the same in both schemas (`sources` is no longer required).

We migrate rather than read both schemas: one schema in use means one set of rules and one table,
and a desk sees its files change once, in a commit it reviews. `claims validate` on a schema 1
record says to run this command.

YAML keeps its comments and layout (ruamel.yaml's round trip, as `claims fmt`); JSON is written
indented by two (as `claims fmt` writes it); JSON Lines changes only the lines it migrates; CSV
renames the `review` column to `reviews` and turns each cell into a JSON list. Every file is
rewritten atomically; one that cannot be read is reported and left as it was.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from . import readers
from .dataset import Dataset
from .files import write_text
from .fmt import _round_trip, _why

OLD, NEW = "review", "reviews"
_ORIGINAL_RATING = re.compile(r'^Original rating: "(.+?)"\.\s*(.*)$', re.DOTALL)


@dataclass
class MigrateResult:
    """What `migrate` did to each file: file -> records migrated; files left alone and why."""

    migrated: dict[str, int] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def migrate_paths(paths: Dataset | Iterable[str | os.PathLike], *, check: bool = False) -> MigrateResult:
    """Rewrite the schema 1 records of the claim files under `paths` (with `check`, only count them).

    >>> migrate_paths(["fixtures/"], check=True).migrated
    {}
    """
    result = MigrateResult()
    for source in Dataset.of(paths).sources:
        kind = readers.FORMATS.get(source.path.suffix.lower())
        if kind not in MIGRATORS:
            continue
        try:
            raw = source.path.read_bytes()
            bom = raw.startswith(b"\xef\xbb\xbf")
            before = raw.decode("utf-8-sig")
            after, count = MIGRATORS[kind](before)
        except (OSError, UnicodeDecodeError, ValueError, YAMLError, csv.Error) as error:
            result.failed.append((source.display, _why(error)))
            continue
        if after == before:
            result.unchanged.append(source.display)
            continue
        result.migrated[source.display] = count
        if not check:
            write_text(source.path, ("\ufeff" if bom else "") + after)
    return result


def migrate_record(record: dict) -> bool:
    """Migrate one record in place (its key order kept); False when it has no `review`."""
    review = record.get(OLD)
    if not isinstance(review, dict) or NEW in record:
        return False
    converted = _review(review, record.get("status"))
    items = list(record.items())
    position = [key for key, _ in items].index(OLD)
    if isinstance(record, CommentedMap):
        record.pop(OLD)
        record.insert(position, NEW, CommentedSeq([CommentedMap(converted)]))
    else:
        record.clear()
        record.update({(NEW if key == OLD else key): ([converted] if key == OLD else value) for key, value in items})
    return True


def _review(review: dict, status: Any) -> dict:
    summary = review.get("summary")
    rating = None
    if isinstance(summary, str) and (match := _ORIGINAL_RATING.match(summary)):
        rating, summary = {"text": match.group(1)}, match.group(2).strip() or None
    converted = {
        "url": review.get("url"),
        "date": review.get("date"),
        "rating": rating,
        "status": status if isinstance(status, str) and status != "unverified" else None,
        "summary": summary,
        "author": review.get("reviewer"),
    }
    # Fields schema 1 did not know stay, for validation to name.
    extra = {key: value for key, value in review.items() if key not in ("url", "date", "summary", "reviewer")}
    return {key: value for key, value in {**converted, **extra}.items() if value is not None}


def _records(data: Any) -> list:
    return data if isinstance(data, list) else [data]


def _yaml(text: str) -> tuple[str, int]:
    handler = _round_trip()
    documents = list(handler.load_all(text))
    count = sum(migrate_record(r) for d in documents for r in _records(d) if isinstance(r, dict))
    if not count:
        return text, 0
    stream = io.StringIO()
    if len(documents) == 1:
        handler.dump(documents[0], stream)
    else:
        handler.dump_all(documents, stream)
    return stream.getvalue(), count


def _json(text: str) -> tuple[str, int]:
    data = json.loads(text)
    count = sum(migrate_record(r) for r in _records(data) if isinstance(r, dict))
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n", count) if count else (text, 0)


def _jsonl(text: str) -> tuple[str, int]:
    lines, count = text.splitlines(keepends=True), 0
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        record = json.loads(line)
        if isinstance(record, dict) and migrate_record(record):
            ending = line[len(line.rstrip("\r\n")) :]
            lines[number] = json.dumps(record, ensure_ascii=False) + ending
            count += 1
    return "".join(lines), count


def _csv(text: str) -> tuple[str, int]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or OLD not in rows[0] or NEW in rows[0]:
        return text, 0
    header, column, count = rows[0], rows[0].index(OLD), 0
    header[column] = NEW
    status = header.index("status") if "status" in header else None
    for row in rows[1:]:
        if column < len(row) and row[column].strip():
            review = json.loads(row[column])
            if isinstance(review, dict):
                row[column] = json.dumps(
                    [_review(review, row[status] if status is not None and status < len(row) else None)],
                    ensure_ascii=False,
                )
                count += 1
    ending = "\r\n" if "\r\n" in text else "\n"
    stream = io.StringIO()
    csv.writer(stream, lineterminator=ending).writerows(rows)
    return stream.getvalue(), count


MIGRATORS = {"yaml": _yaml, "json": _json, "jsonl": _jsonl, "csv": _csv}
