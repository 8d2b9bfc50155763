"""Validation: every record against the schema, then the checks that span records.

Reports every problem in one run. The result is plain data; rendering it is `report`'s job.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from . import readers
from .explain import problems_for
from .records import ERROR, WARNING, Problem, Record
from .schema import ClaimSchema, load_schema
from .text import claim_key


@dataclass(frozen=True)
class ValidationResult:
    """What `validate` found: how much it read and every problem, in file order."""

    files: int
    records: int
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> int:
        return sum(p.severity == ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == WARNING for p in self.problems)

    @property
    def valid(self) -> bool:
        return self.errors == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "files": self.files,
            "records": self.records,
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": [p.as_dict() for p in self.problems],
        }


def validate(
    paths: Iterable[str | os.PathLike],
    schema: str | os.PathLike | ClaimSchema | None = None,
    *,
    today: dt.date | None = None,
    on_file: Callable[[str], None] | None = None,
) -> ValidationResult:
    """Check the claim files under `paths`; records are checked and let go, never all held.

    >>> result = validate(["fixtures/"])
    >>> result.valid, result.records
    (True, 14)
    """
    checker = Checker(_schema(schema), today)
    for _ in checker.run(paths, on_file):
        pass
    return checker.result()


def read_records(
    paths: Iterable[str | os.PathLike],
    schema: str | os.PathLike | ClaimSchema | None = None,
    *,
    today: dt.date | None = None,
) -> tuple[ValidationResult, list[Record]]:
    """Validate and keep the records, for the stages that need them all (build, export)."""
    checker = Checker(_schema(schema), today)
    records = list(checker.run(paths))
    return checker.result(), records


def _schema(schema: str | os.PathLike | ClaimSchema | None) -> ClaimSchema:
    return schema if isinstance(schema, ClaimSchema) else load_schema(schema)


class Checker:
    """Runs the checks over a stream of records, keeping only what cross-record checks need."""

    def __init__(self, schema: ClaimSchema, today: dt.date | None = None):
        self.schema = schema
        self.today = (today or dt.datetime.now(dt.timezone.utc).date()).isoformat()
        self.problems: list[Problem] = []
        self.files = 0
        self.records = 0
        self.ids: dict[str, tuple[str, int, int]] = {}
        self.claims: dict[tuple[str, str, str], tuple[str, str, int]] = {}
        self.order: dict[str, int] = {}

    def run(self, paths: Iterable[str | os.PathLike], on_file: Callable[[str], None] | None = None) -> Iterator[Record]:
        """Yield every record read (valid or not), recording problems on the way."""
        for source in readers.discover(paths):
            self.files += 1
            self.order.setdefault(source.display, len(self.order))
            for item in readers.read(source, self.schema.csv_layout):
                if isinstance(item, Problem):
                    self.problems.append(item)
                    continue
                self.records += 1
                self.check(item)
                yield item
            if on_file:
                on_file(source.display)

    def check(self, record: Record) -> None:
        errors = list(self.schema.validator.iter_errors(record.data))
        for error in errors:
            self.problems.extend(problems_for(record, error))
        if not isinstance(record.data, dict):
            return
        self.problems.extend(self.record_rules(record))
        self.check_unique(record)

    def record_rules(self, record: Record) -> Iterator[Problem]:
        """The toolkit's own rules about one record, beyond what the schema can say."""
        data = record.data
        date = data.get("date")
        if isinstance(date, str) and date > self.today and len(date) == 10:
            yield _problem(record, "/date", "future-date", f"the date {date} is in the future (today is {self.today})")
        history = data.get("history")
        if isinstance(history, list):
            dates = [(i, h.get("date")) for i, h in enumerate(history) if isinstance(h, dict) and isinstance(h.get("date"), str)]
            for (_, earlier), (index, later) in zip(dates, dates[1:]):
                if later < earlier:
                    yield _problem(
                        record, f"/history/{index}/date", "history-order",
                        f"history is oldest first, but {later} comes after {earlier}",
                    )
            if dates and isinstance(date, str) and dates[0][1] < date:
                index, first = dates[0]
                yield _problem(
                    record, f"/history/{index}/date", "history-order",
                    f"a status in history ({first}) cannot be older than the claim itself ({date})",
                )

    def check_unique(self, record: Record) -> None:
        """The same id twice, or the same claim twice under different ids."""
        data = record.data
        where = record.position("/id")
        identifier = data.get("id")
        if isinstance(identifier, str):
            first = self.ids.get(identifier)
            if first is None:
                self.ids[identifier] = (record.file, *where)
            else:
                self.problems.append(_problem(
                    record, "/id", "duplicate-id",
                    f"the id {identifier!r} is already used at {first[0]}:{first[1]}:{first[2]}; ids must be unique",
                ))
                self.problems.append(Problem(
                    first[0], first[1], first[2], "/id", "duplicate-id", ERROR,
                    f"the id {identifier!r} is used again at {record.file}:{where[0]}:{where[1]}",
                ))
        speaker, claim, date = data.get("speaker"), data.get("claim"), data.get("date")
        if not all(isinstance(v, str) for v in (speaker, claim, date)):
            return
        key = (claim_key(speaker), claim_key(claim), date)
        first_claim = self.claims.get(key)
        if first_claim is None:
            self.claims[key] = (str(identifier), record.file, record.line)
        elif first_claim[0] != identifier:
            other, file, line = first_claim
            self.problems.append(_problem(
                record, "/claim", "duplicate-claim",
                f"the same claim by the same speaker on the same date is already recorded as {other!r} "
                f"at {file}:{line}; merge the two records",
            ))

    def result(self) -> ValidationResult:
        unique = dict.fromkeys(self.problems)
        ordered = sorted(unique, key=lambda p: (self.order.get(p.file, 0), p.line, p.column, p.rule, p.message))
        return ValidationResult(self.files, self.records, tuple(ordered))


def _problem(record: Record, pointer: str, rule: str, message: str, severity: str = ERROR) -> Problem:
    line, column = record.position(pointer)
    return Problem(record.file, line, column, pointer, rule, severity, message)
