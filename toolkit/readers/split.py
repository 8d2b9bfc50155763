"""Turning one parsed document (a record or a list of records) into located records."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..records import ERROR, Position, Positions, Problem, Record
from .source import Source

# A key written twice: (pointer, where it was first written, where it was written again).
Duplicate = tuple[str, Position, Position]


def records_of(
    source: Source, value: Any, positions: Positions, duplicates: list[Duplicate]
) -> Iterator[Record | Problem]:
    """One record per item of a top-level list, or the value itself as one record."""
    if not isinstance(value, list):
        yield from duplicate_problems(source, duplicates, "")
        yield Record(value, source.display, positions.of("")[0], positions)
        return
    if not value:
        yield source.problem("the list holds no claim", positions.of(""), rule="empty")
        return
    values = _split(positions.values)
    keys = _split(positions.keys)
    for offset, item in enumerate(value):
        prefix = f"/{offset}"
        mine = [d for d in duplicates if d[0].startswith(prefix + "/")]
        yield from duplicate_problems(source, mine, prefix)
        located = Positions(values.get(str(offset), {}), keys.get(str(offset), {}))
        yield Record(item, source.display, located.of("")[0], located)


def _split(by_pointer: Mapping[str, Position]) -> dict[str, dict[str, Position]]:
    """Group `/3/speaker`-style pointers by their first step, with that step removed."""
    groups: dict[str, dict[str, Position]] = {}
    for pointer, position in by_pointer.items():
        if not pointer:
            continue
        head, _, rest = pointer[1:].partition("/")
        groups.setdefault(head, {})["/" + rest if rest else ""] = position
    return groups


def duplicate_problems(source: Source, duplicates: list[Duplicate], prefix: str) -> Iterator[Problem]:
    for pointer, first, again in duplicates:
        inner = pointer[len(prefix) :]
        key = inner.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        yield Problem(
            source.display,
            again[0],
            again[1],
            inner,
            "duplicate-key",
            ERROR,
            f"the key {key!r} is written twice in one object (first at line {first[0]}, column {first[1]}); keep one",
        )
