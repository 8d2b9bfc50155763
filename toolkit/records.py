"""Plain data that flows through the toolkit: a record as read from a file, a problem found, and
what a validation run found (`ValidationResult`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

ERROR = "error"
WARNING = "warning"

# A position is (line, column), both 1-based.
Position = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located precisely enough to jump to it in an editor."""

    file: str
    line: int
    column: int
    pointer: str
    rule: str
    severity: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Positions:
    """Where each part of a record stands in its file, by JSON Pointer.

    `values` holds the position of each value, `keys` the position of each object key. Readers that
    are expensive to locate (JSON Lines) compute these lazily, only for records with a problem.
    """

    values: Mapping[str, Position] = field(default_factory=dict)
    keys: Mapping[str, Position] = field(default_factory=dict)

    def of(self, pointer: str, *, key: bool = False) -> Position:
        """The position of `pointer` (its key if asked and known), else of its nearest ancestor."""
        if key and pointer in self.keys:
            return self.keys[pointer]
        while True:
            if pointer in self.values:
                return self.values[pointer]
            if pointer in self.keys:
                return self.keys[pointer]
            if not pointer:
                return (1, 1)
            pointer = pointer.rsplit("/", 1)[0]


class Locator(Protocol):
    """Anything that can say where a pointer stands: `Positions`, or a lazy stand-in for it."""

    def of(self, pointer: str, *, key: bool = False) -> Position: ...


@dataclass(frozen=True, slots=True)
class Record:
    """One claim as the curator wrote it, with where it came from.

    `data` holds plain JSON values (str, int, float, bool, None, list, dict), exactly as typed;
    `line` is where the record starts.
    """

    data: Any
    file: str
    line: int
    positions: Locator

    def position(self, pointer: str, *, key: bool = False) -> Position:
        return self.positions.of(pointer, key=key)

    def problem(self, pointer: str, rule: str, message: str, severity: str = ERROR, *, key: bool = False) -> Problem:
        """A problem at `pointer` inside this record, located (at its key, with `key`)."""
        line, column = self.position(pointer, key=key)
        return Problem(self.file, line, column, pointer, rule, severity, message)


def pointer_join(base: str, part: str | int) -> str:
    """Extend a JSON Pointer by one step, escaping as RFC 6901 asks."""
    text = str(part).replace("~", "~0").replace("/", "~1")
    return f"{base}/{text}"


def present(mapping: dict[str, Any]) -> dict[str, Any]:
    """The mapping without its empty values (None, [], {}): what a record or a ClaimReview writes.

    >>> present({"a": None, "b": [], "c": {}, "d": "", "e": 0, "f": False, "g": [None], "h": {"i": None}})
    {'d': '', 'e': 0, 'f': False, 'g': [None], 'h': {'i': None}}
    """
    # Told by truth and type, not with `!= []`, which makes a list for each value: twice as fast,
    # and an import asks this of 5 million values.
    return {
        key: value
        for key, value in mapping.items()
        if value is not None and (value or not isinstance(value, (list, dict)))
    }


@dataclass(frozen=True)
class ValidationResult:
    """What `validate` found: how much it read and every problem, in file order."""

    files: int
    records: int
    problems: tuple[Problem, ...]
    skipped: tuple[tuple[str, int], ...] = ()  # what discovery passed over, by rule (`readers.Found`)
    outside: tuple[str, ...] = ()  # files to report on (`validate(only=...)`) that are not claim files of the dataset
    reported: tuple[str, ...] = ()  # the files reported on (`validate(only=...)`; none: every file read)
    settings_changed: tuple[str, ...] = ()  # settings among the files to report on: every file was reported

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
