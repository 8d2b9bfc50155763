"""Checking one stream of records: the schema's verdict, the toolkit's own rules, the id index.

A `Checker` checks what it is given (records already read, the lines of a JSON Lines file, one
file) and keeps only what the checks that span records need; what it found leaves it as a `Part`,
plain data that `findings` merges with the parts other checkers (other processes) found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import itemgetter, not_
from typing import Any, cast

import orjson

from . import claim_rules, readers, rules
from .duplicates import UniqueIndex
from .readers import jsonl
from .readers.source import Source
from .records import Problem, Record
from .schema import ClaimSchema

BLOCK = 256  # lines whose quotes are counted together by the guard against keys written twice


def reference(source_index: int, ordinal: int) -> int:
    """A record's place in a run, as one int: its file's index and its line (JSON Lines) or its
    position in the file (other formats). Ordered like the records themselves."""
    return (source_index << 32) | ordinal


@dataclass
class Part:
    """What one piece of work found: plain data, sent back from a worker process."""

    records: int
    problems: list[Problem]
    index: UniqueIndex
    marks: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # source -> [(line, offset)]
    lines: dict[int, int] = field(default_factory=dict)  # source index -> lines that were not blank
    finished: list[int] = field(default_factory=list)  # sources this piece finished


class Checker:
    """Checks a stream of records, keeping only what cross-record checks need."""

    def __init__(self, schema: ClaimSchema, today: dt.date | None = None):
        self.schema = schema
        self.engine = schema.engine
        self.today = (today or dt.datetime.now(dt.UTC).date()).isoformat()
        self.problems: list[Problem] = []
        self.records = 0
        self.index = UniqueIndex()

    def part(self) -> Part:
        """What this checker found so far."""
        return Part(self.records, self.problems, self.index)

    def read_source(self, index: int, source: Source) -> Iterator[Record]:
        """Read and check one file of any format, record by record; yields every record read."""
        by_line = readers.FORMATS.get(source.path.suffix.lower()) == "jsonl"
        ordinal = 0
        for item in readers.read(source, self.schema.record_kind):
            if isinstance(item, Problem):
                self.problems.append(item)
                continue
            self.records += 1
            self.check(item, reference(index, item.line if by_line else ordinal))
            ordinal += 1
            yield item

    def check(self, record: Record, ref: int, raw: bytes | None = None) -> None:
        """Check one record already read (with its positions; `raw`: its line, if it has one)."""
        data = record.data
        if not self.engine.accepts(data):
            self.problems.extend(self.engine.problems(record))
        if isinstance(data, dict):
            self.apply_rules([data], [raw], lambda _: record)
            self.index.add_record(data, ref)

    def check_lines(self, index: int, source: Source, lines: list[bytes], first_line: int) -> int:
        """Check lines of a JSON Lines file; returns the lines that were not blank. Lines the
        engine accepts (almost all) are checked together, by C loops where one record would need
        Python steps; the others are read again the careful way (positions, syntax errors, keys
        written twice) and explained."""
        values: list[Any] = []
        rest = iter(lines)
        while len(values) < len(lines):  # a C loop (`map`), taken up again after a line that fails
            try:
                values.extend(map(orjson.loads, rest))
            except orjson.JSONDecodeError:
                values.append(None)  # also blank lines: never valid, as a record is an object
        verdicts = list(map(self.engine.is_valid, values))
        good = list(compress(range(len(lines)), verdicts))
        every = len(good) == len(lines)
        twice = written_twice(
            lines if every else [lines[k] for k in good], values if every else [values[k] for k in good]
        )
        careful = list(compress(range(len(lines)), map(not_, verdicts)))
        if twice:
            careful = sorted(careful + [good[at] for at in twice])
            good = [k for at, k in enumerate(good) if at not in twice]
            every = False
        blank = 0
        if careful:
            for k in careful:
                if lines[k].strip():
                    self._check_line(index, source, lines[k], first_line + k)
                else:
                    blank += 1
        records = values if every else [values[k] for k in good]
        numbers = list(range(first_line, first_line + len(lines))) if every else [first_line + k for k in good]
        self.records += len(records)

        def locate(at: int) -> Record:
            raw, number = lines[good[at]], numbers[at]
            return Record(records[at], source.display, number, jsonl.LinePositions(raw, number, records[at]))

        self.apply_rules(records, lines if every else [lines[k] for k in good], locate)
        base = index << 32
        ids, speakers, claims, dates = _fields(records, ("id", "speaker", "claim", "date"))
        self.index.add_many(ids, speakers, claims, dates, list(map(base.__or__, numbers)))
        return len(lines) - blank

    def check_file(self, index: int, source: Source) -> None:
        """Check one file that is not JSON Lines. A JSON file holding one record the engine
        accepts costs a decode and a verdict; every other file is read with positions."""
        if source.path.suffix.lower() == ".json":
            try:
                raw = source.path.read_bytes()
                value = orjson.loads(raw)
            except (OSError, orjson.JSONDecodeError):
                value = None  # the careful path says what is wrong
            if isinstance(value, dict) and self.engine.is_valid(value) and not written_twice([raw], [value]):
                self.records += 1
                self.apply_rules([value], [raw], lambda _: next(self._located(source)))
                self.index.add_record(value, reference(index, 0))
                return
        for _ in self.read_source(index, source):
            pass

    def apply_rules(self, values: list[dict], raws: Sequence[bytes | None], locate: Callable[[int], Record]) -> None:
        """THE place where the toolkit's own rules meet every record that is an object, whatever
        its format and path: `values` are the decoded records, `raws` their bytes (None where the
        reader keeps none, as for YAML or CSV), `locate(k)` the k-th record with its positions
        (costly: call it only for a record a rule has something to say about). Rules look at the
        whole batch at once, as the JSON Lines path hands over thousands of records."""
        # C loops (`map`) over the batch; text after today may be late (`unknown` sorts after digits:
        # `claim_rules` says it never is).
        dates = list(map(dict.get, values, repeat("date")))
        if set(map(type, dates)) == {str}:
            days = cast("list[str]", dates)  # all text, as just checked
            dated = {k for k, day in enumerate(days) if day > self.today} if max(days) > self.today else set()
        else:
            dated = {k for k, date in enumerate(dates) if type(date) is str and date > self.today}
        dated.update(compress(range(len(values)), map(dict.__contains__, values, repeat("history"))))
        texts = set(_text_suspects(values, raws))
        for k in sorted(dated | texts):
            record = locate(k)
            if k in dated:
                self.problems.extend(self.record_rules(record))
            if k in texts:
                self.problems.extend(rules.problems(record))

    def record_rules(self, record: Record) -> Iterator[Problem]:
        """The toolkit's own rules about one record's dates, beyond what the schema can say
        (`claim_rules`: a month or a year is read by its first day, `unknown` never is late)."""
        for pointer, rule, message in claim_rules.record_rules(record.data, self.today):
            yield record.problem(pointer, rule, message)

    def _check_line(self, index: int, source: Source, raw: bytes, number: int) -> None:
        for item in jsonl.read_line(source, raw, number):
            if isinstance(item, Problem):
                self.problems.append(item)
            else:
                self.records += 1
                self.check(item, reference(index, number), raw)

    def _located(self, source: Source) -> Iterator[Record]:
        for item in readers.read(source, self.schema.record_kind):
            if isinstance(item, Record):
                yield item


def _text_suspects(values: list[dict], raws: Sequence[bytes | None]) -> list[int]:
    """The records that may break a text rule (`rules`): a batch of JSON lines is searched at once,
    a one-record JSON file by its bytes, a record read from YAML or CSV by its texts."""
    if len(raws) > 1 and None not in raws:
        return rules.suspect_lines(cast("list[bytes]", raws))  # no None among them, as just checked
    return [
        k
        for k, (value, raw) in enumerate(zip(values, raws))
        if (rules.suspect(raw) if raw is not None else rules.findings(value))
    ]


def _fields(records: list[dict], names: tuple[str, ...]) -> list[list[Any]]:
    """The values of `names` in each record, a list per name (None where a record has none):
    one C loop (`map` of an itemgetter) when every record has them all, as the schema requires."""
    try:
        rows = list(map(itemgetter(*names), records))
    except KeyError:
        return [list(map(dict.get, records, repeat(name))) for name in names]
    return [list(column) for column in zip(*rows)] if rows else [[] for _ in names]


def written_twice(raws: list[bytes], values: list[Any]) -> set[int]:
    """Which lines (by index) may write a key twice: orjson keeps the last, so such a line writes
    more than its value holds. Without a backslash, every `"` opens or closes a key or a text, in
    the line as in orjson's encoding of its value, and a key written twice adds at least two; so a
    block of lines with as many quotes as their values' encoding is cleared at once (two C calls),
    and a block that is not is halved until the lines that differ are found."""
    suspect: set[int] = set()
    for start in range(0, len(raws), BLOCK):
        _look(raws, values, start, min(start + BLOCK, len(raws)), suspect)
    return suspect


def _look(raws: list[bytes], values: list[Any], start: int, end: int, suspect: set[int]) -> None:
    # A module function, not a closure: a nested function that calls itself is a reference
    # cycle, which kept a whole piece of decoded records alive until the collector ran.
    joined = b"".join(raws[start:end])
    if b"\\" not in joined and joined.count(b'"') == orjson.dumps(values[start:end]).count(b'"'):
        return
    if end - start > 8:
        middle = (start + end) // 2
        _look(raws, values, start, middle, suspect)
        _look(raws, values, middle, end, suspect)
        return
    for at in range(start, end):
        raw = raws[at]
        if b"\\" in raw:  # escapes: count keys instead (`jsonl.read_line` does the same)
            if jsonl.count_keys(values[at]) != jsonl.keys_written(raw):
                suspect.add(at)
        elif raw.count(b'"') != orjson.dumps(values[at]).count(b'"'):
            suspect.add(at)
