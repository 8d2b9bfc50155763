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

YAML and JSON are written in `claims fmt`'s canonical form, comments kept, under its guard (see
`fmt.rewrite` and `rewriting`): a file that cannot be rewritten without changing a value is left as it
was, with the reason. JSON Lines changes only the lines it migrates; CSV, read as validate reads it
(a `;` header, a BOM), renames the `review` column to `reviews` and turns each cell into a JSON list.
A `review` that is not a review (empty, text, a list, or beside `reviews`) is named, never passed over.
Every file is rewritten atomically; one that cannot be read is reported and left as it was.
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

from . import readers, rewriting
from .dataset import Dataset
from .files import write_bytes
from .fmt import rewrite
from .readers import csv as csv_reader
from .readers import located_json
from .readers.source import UTF8_BOM, FileProblem, Source, decode
from .rewriting import Refused
from .schema import ClaimSchema

OLD, NEW = "review", "reviews"
_ORIGINAL_RATING = re.compile(r'^Original rating: "(.+?)"\.\s*(.*)$', re.DOTALL)


@dataclass
class MigrateResult:
    """What `migrate` did to each file: file -> records migrated; files left alone and why."""

    migrated: dict[str, int] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def migrate_paths(
    paths: Dataset | Iterable[str | os.PathLike],
    schema: str | os.PathLike | ClaimSchema | None = None,
    *,
    check: bool = False,
) -> MigrateResult:
    """Rewrite the schema 1 records of the claim files under `paths` (with `check`, only count them).

    >>> migrate_paths(["fixtures/"], check=True).migrated
    {}
    """
    dataset = Dataset.of(paths, schema=schema)
    schema = dataset.schema
    result = MigrateResult()
    for source in dataset.sources:
        kind = readers.FORMATS.get(source.path.suffix.lower())
        try:
            if kind in ("yaml", "json"):
                old, new, count = rewrite(source, kind, schema, change=migrate_record, moved=_moved)
            elif kind == "jsonl":
                old, new, count = _jsonl(source)
            elif kind == "csv":
                old, new, count = _csv(source)
            else:
                continue
        except Refused as error:
            result.failed.append((source.display, str(error)))
            continue
        if not count:
            result.unchanged.append(source.display)
            continue
        if not check:
            try:
                write_bytes(source.path, new)
            except OSError as error:
                result.failed.append((source.display, f"cannot write it: {error.strerror or error}"))
                continue
        result.migrated[source.display] = count
    return result


def migrate_record(record: dict) -> bool:
    """Migrate one record in place (its key order kept); False when it has no `review`. A `review`
    that cannot be migrated (empty, not a mapping, beside `reviews`) is refused (`rewriting.Unchangeable`)."""
    if OLD not in record:
        return False
    review = record[OLD]
    if NEW in record:
        raise rewriting.Unchangeable(
            "/" + OLD,
            f"the record has both `{OLD}` (schema 1) and `{NEW}` (schema 2): move this review into `{NEW}` "
            f"by hand and delete `{OLD}`",
        )
    if not isinstance(review, dict):
        what = {type(None): "empty", str: "text", list: "a list"}.get(type(review), f"a {type(review).__name__}")
        raise rewriting.Unchangeable(
            "/" + OLD,
            f"`{OLD}` is {what}, not a schema 1 review (a mapping of summary, url, reviewer, date): "
            f"write it as one{', or delete it' if review is None else ''}, then migrate",
        )
    converted = _review(review, record.get("status"))
    items = list(record.items())
    position = [key for key, _ in items].index(OLD)
    if isinstance(record, CommentedMap):
        comment = record.ca.items.pop(OLD, None)
        record.pop(OLD)
        record.insert(position, NEW, CommentedSeq([CommentedMap(converted)]))
        if comment is not None:
            record.ca.items[NEW] = comment
    else:
        record.clear()
        record.update({(NEW if key == OLD else key): ([converted] if key == OLD else value) for key, value in items})
    return True


def _moved(pointer: str) -> str:
    """Where a value of a schema 1 record stands once migrated (for the comments kept beside it)."""
    return re.sub(r"(^|/)review(?=$|#)", r"\1reviews", re.sub(r"(^|/)review/", r"\1reviews/0/", pointer)).replace(
        "/reviews/0/reviewer", "/reviews/0/author"
    )


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


def _text(source: Source) -> tuple[bytes, str]:
    try:
        old = source.path.read_bytes()
        return old, decode(source, old, first_line=1)
    except OSError as error:
        raise Refused(f"cannot read it: {error.strerror or error}") from None
    except FileProblem as problem:
        raise Refused(problem.problem.message) from None


def _jsonl(source: Source) -> tuple[bytes, bytes, int]:
    """Only the lines with a schema 1 record change (written by `json`, keys in their order)."""
    old, text = _text(source)
    lines, count = text.splitlines(keepends=True), 0
    for number, line in enumerate(lines, start=1):
        if not line.strip() or f'"{OLD}"' not in line:
            continue
        read = rewriting.read(source, line, "json", None, first_line=number)
        record = read.values[0]
        try:
            changed = isinstance(record, dict) and migrate_record(record)
        except rewriting.Unchangeable as error:
            raise Refused(f"{read.where(0, error.pointer, key=True)}: {error}") from None
        if changed:
            ending = line[len(line.rstrip("\r\n")) :]
            lines[number - 1] = json.dumps(record, ensure_ascii=False) + ending
            try:
                rewriting.check(
                    read, lines[number - 1], [record], source=source, kind="json", record=None, old_text=line
                )
            except Refused as error:
                raise Refused(f"line {number}: {error}") from None
            count += 1
    bom = UTF8_BOM if old.startswith(UTF8_BOM) else b""
    return old, bom + "".join(lines).encode("utf-8"), count


def _csv(source: Source) -> tuple[bytes, bytes, int]:
    """The `review` column renamed `reviews`, each of its cells a JSON list of one review. The file is
    read as validate reads it (a `;` header, a BOM) and written back with its separator and line ends."""
    old, text = _text(source)
    delimiter = csv_reader.delimiter_of(text)
    try:
        rows = list(csv_reader.rows_of(source, text, delimiter))
    except located_json.JsonSyntaxError as error:
        raise Refused(f"line {error.position[0]}, column {error.position[1]}: {error.message}") from None
    names = [cell.text.strip() for cell in rows[0]]
    if OLD not in names:
        return old, old, 0
    where = rows[0][names.index(OLD)].position
    for name in (OLD, NEW):
        if names.count(name) > 1:
            raise Refused(f"line {where[0]}: the column {name!r} is written twice in the header; keep one")
    if NEW in names:
        raise Refused(
            f"line {where[0]}, column {where[1]}: the header has both `{OLD}` (schema 1) and `{NEW}` (schema 2): "
            f"move the reviews into `{NEW}` by hand and delete the `{OLD}` column"
        )
    column, count = names.index(OLD), 0
    status = names.index("status") if "status" in names else None
    table = [[cell.text for cell in row] for row in rows]
    table[0][column] = NEW
    for row, cells in zip(table[1:], rows[1:]):
        if column >= len(row) or not row[column].strip():
            continue
        line, at = cells[column].position
        try:
            review = located_json.parse(row[column].strip()).value
        except located_json.JsonSyntaxError as error:
            raise Refused(
                f"line {line}, column {at}: this `{OLD}` cell is not JSON ({error.message}); a schema 1 review "
                'cell holds a JSON object, such as {"url": "https://...", "reviewer": "..."}'
            ) from None
        if not isinstance(review, dict):
            raise Refused(
                f"line {line}, column {at}: this `{OLD}` cell is not a JSON object {{...}}: a schema 1 review"
            )
        converted = [_review(review, row[status] if status is not None and status < len(row) else None)]
        row[column] = json.dumps(converted, ensure_ascii=False)
        count += 1
    ending = "\r\n" if "\r\n" in text else "\n"
    stream = io.StringIO()
    csv.writer(stream, delimiter=delimiter, lineterminator=ending).writerows(table)
    new = stream.getvalue()
    try:
        encoded = new.encode("utf-8")
    except UnicodeEncodeError:
        raise Refused("a review holds half of a UTF-16 pair (\\ud800 to \\udfff), which UTF-8 cannot hold") from None
    bom = UTF8_BOM if old.startswith(UTF8_BOM) else b""
    return old, bom + encoded, count
