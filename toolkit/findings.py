"""What a validation run found, merged from the parts its checkers found, and the result it gives.

Parts are merged in reading order, whichever process checked them; the checks that span records
(ids and claims recorded twice) wait for the end, when the few records they flag are read again.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from . import readers
from .checker import Part, reference
from .duplicates import UniqueIndex
from .readers import jsonl
from .readers.source import Source
from .records import Problem, Record, ValidationResult
from .schema import ClaimSchema

if TYPE_CHECKING:
    from .dataset import Dataset


class Findings:
    """The sources of a run and everything found in them so far."""

    def __init__(self, schema: ClaimSchema):
        self.schema = schema
        self.files = 0
        self.records = 0
        self.problems: list[Problem] = []
        self.index = UniqueIndex()
        self.sources: list[Source] = []
        self.order: dict[str, int] = {}
        # Where lines start in large JSON Lines files: source index -> [(line, byte offset)].
        self.marks: dict[int, list[tuple[int, int]]] = {}
        self.skipped: tuple[tuple[str, int], ...] = ()
        self.real: tuple[str, ...] = ()  # the real path of each source discovered, in order

    def discover(self, dataset: Dataset) -> tuple[Source, ...]:
        """The claim files of `dataset`; what is wrong with the paths themselves (`readers.find`)
        and with the speaker registry a build would use becomes problems, reported first."""
        found = dataset.found
        self.skipped = found.skipped
        self.real = found.real
        for problem in (*found.problems, *dataset.registry[1]):
            self.order.setdefault(problem.file, len(self.order))  # a block each, before the files
            self.problems.append(problem)
        return tuple(found.sources)

    def add_source(self, source: Source) -> int:
        """Number a source of the run (records name their source by this number)."""
        self.files += 1
        self.order.setdefault(source.display, len(self.order))
        self.sources.append(source)
        return len(self.sources) - 1

    def absorb(self, part: Part) -> None:
        """Take in what a piece of work found (here, in another process, or later)."""
        self.records += part.records
        self.problems.extend(part.problems)
        self.index.merge(part.index)
        for index, marks in part.marks.items():
            self.marks.setdefault(index, []).extend(marks)

    def fetch(self, refs: Iterable[int]) -> dict[int, Record]:
        """The records at `refs`, read again: only the few that a cross-record check flagged."""
        wanted: dict[int, set[int]] = defaultdict(set)
        for ref in refs:
            wanted[ref >> 32].add(ref & 0xFFFFFFFF)
        found: dict[int, Record] = {}
        for index, ordinals in wanted.items():
            source = self.sources[index]
            if readers.FORMATS.get(source.path.suffix.lower()) == "jsonl":
                for number, raw in lines_at(source, sorted(ordinals), self.marks.get(index, [])):
                    for item in jsonl.read_line(source, raw, number):
                        if isinstance(item, Record):
                            found[reference(index, number)] = item
                continue
            ordinal = 0
            for item in readers.read(source, self.schema.record_kind):
                if isinstance(item, Record):
                    if ordinal in ordinals:
                        found[reference(index, ordinal)] = item
                    ordinal += 1
        return found

    def result(self) -> ValidationResult:
        """Every problem, the cross-record ones included, in file order."""
        problems = self.problems + list(self.index.problems(self.fetch))
        unique = dict.fromkeys(problems)
        ordered = sorted(unique, key=lambda p: (self.order.get(p.file, 0), p.line, p.column, p.rule, p.message))
        return ValidationResult(self.files, self.records, tuple(ordered), self.skipped)


def lines_at(source: Source, numbers: list[int], marks: list[tuple[int, int]]) -> Iterator[tuple[int, bytes]]:
    """The raw lines `numbers` (sorted) of a JSON Lines file, starting from the nearest known
    line start before each."""
    starts = [line for line, _ in marks]
    with source.path.open("rb") as stream:
        position: tuple[int, int | None] | None = None  # (line number of the next line read, where it starts)
        for wanted in numbers:
            at = bisect_right(starts, wanted) - 1
            mark = marks[at] if at >= 0 else (1, 0)
            if position is None or position[0] > wanted or mark[0] > position[0]:
                stream.seek(mark[1])
                position = (mark[0], mark[1])
            number = position[0]
            for raw in stream:
                if number == wanted:
                    yield number, raw
                    position = (number + 1, None)
                    break
                number += 1
