"""Checking one stream of records: the schema's verdict, the toolkit's own rules, the id index.

A `Checker` checks what it is given (records already read, the lines of a JSON Lines file, one
file) and keeps only what the checks that span records need; what it found leaves it as a `Part`,
plain data that `findings` merges with the parts other checkers (other processes) found.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import itemgetter, ne, not_
from typing import Any, cast

import orjson

from . import claim_rules, readers, rules
from .duplicates import UniqueIndex
from .readers import jsonl
from .readers.source import Source
from .records import Problem, Record
from .schema import ClaimSchema

# Lines decoded and checked together: the records of a batch stay in the processor's cache from
# one step to the next. 128 lines of a usual record (500 bytes) make about 300 KB of objects, which
# fit a core's own cache; measured on 1,000,000 lines: 128 to 256 lines best, 512 a tenth slower,
# a whole piece of 8 MB at once a third slower (and twice the system time).
BATCH = 128


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
            self.apply_rules([data], _text_suspect(data, raw), lambda _: record)
            self.index.add_record(data, ref)

    def check_lines(
        self, index: int, source: Source, lines: list[bytes], first_line: int, data: bytes | None = None
    ) -> int:
        """Check lines of a JSON Lines file (`data`: the same lines as read, joined by newlines, if
        the caller has them); returns the lines that were not blank. The text rules' search reads
        all the bytes at once; the rest goes by batches of lines."""
        texts = rules.suspect_lines(lines, data)
        seen = 0
        for at in range(0, len(lines), BATCH):
            flagged = texts[bisect_left(texts, at) : bisect_left(texts, at + BATCH)]
            seen += self._check_batch(index, source, lines[at : at + BATCH], first_line + at, [k - at for k in flagged])
        return seen

    def _check_batch(self, index: int, source: Source, lines: list[bytes], first_line: int, texts: list[int]) -> int:
        """Check a batch of lines, of which `texts` may break a text rule. Lines the engine accepts
        (almost all) are checked together, by C loops where one record would need Python steps;
        the others are read again the careful way (positions, syntax errors, keys written twice)
        and explained."""
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

        if texts and not every:
            position = {k: at for at, k in enumerate(good)}
            texts = [position[k] for k in texts if k in position]
        self.apply_rules(records, set(texts), locate)
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
            if isinstance(value, dict) and self.engine.is_valid(value) and jsonl.each_key_once(raw, value):
                self.records += 1
                self.apply_rules([value], _text_suspect(value, raw), lambda _: next(self._located(source)))
                self.index.add_record(value, reference(index, 0))
                return
        for _ in self.read_source(index, source):
            pass

    def apply_rules(self, values: list[dict], texts: set[int], locate: Callable[[int], Record]) -> None:
        """THE place where the toolkit's own rules meet every record that is an object, whatever
        its format and path: `values` are the decoded records, `texts` those that may break a text
        rule (found by `rules.suspect_lines` or `_text_suspect`; the others surely do not),
        `locate(k)` the k-th record with its positions (costly: call it only for a record a rule
        has something to say about). Rules look at the whole batch at once, as the JSON Lines path
        hands over hundreds of records."""
        # C loops (`map`) over the batch; text after today may be late (`unknown` sorts after digits:
        # `claim_rules` says it never is).
        dates = list(map(dict.get, values, repeat("date")))
        if set(map(type, dates)) == {str}:
            days = cast("list[str]", dates)  # all text, as just checked
            dated = {k for k, day in enumerate(days) if day > self.today} if max(days) > self.today else set()
        else:
            dated = {k for k, date in enumerate(dates) if type(date) is str and date > self.today}
        dated.update(compress(range(len(values)), map(dict.__contains__, values, repeat("history"))))
        for k in sorted(dated | texts):
            # The rules read the data alone; the record is placed (its positions found) only when
            # one of them has something to say, which is rare.
            broken = list(claim_rules.record_rules(values[k], self.today)) if k in dated else []
            textual = rules.findings(values[k]) if k in texts else []
            if broken or textual:
                record = locate(k)
                self.problems.extend(record.problem(pointer, rule, message) for pointer, rule, message in broken)
                self.problems.extend(
                    record.problem(pointer, rule, message, key=key) for pointer, key, rule, message in textual
                )

    def _check_line(self, index: int, source: Source, raw: bytes, number: int) -> None:
        try:
            for item in jsonl.read_line(source, raw, number):
                if isinstance(item, Problem):
                    self.problems.append(item)
                else:
                    self.records += 1
                    self.check(item, reference(index, number), raw)
        except RecursionError:  # a record nested too deeply to explain: said, and the next line read
            self.problems.append(source.problem("the line is nested too deeply to read", (number, 1), rule="too-deep"))

    def _located(self, source: Source) -> Iterator[Record]:
        for item in readers.read(source, self.schema.record_kind):
            if isinstance(item, Record):
                yield item


def _text_suspect(value: Any, raw: bytes | None) -> set[int]:
    """{0} if the one record `value` may break a text rule: searched by its bytes when it has
    them (a JSON file), by its texts when a reader (YAML, CSV) made it from text of its own."""
    return {0} if (rules.suspect(raw) if raw is not None else rules.findings(value)) else set()


def _fields(records: list[dict], names: tuple[str, ...]) -> list[list[Any]]:
    """The values of `names` in each record, a list per name (None where a record has none):
    one C loop (`map` of an itemgetter) when every record has them all, as the schema requires."""
    try:
        rows = list(map(itemgetter(*names), records))
    except KeyError:
        return [list(map(dict.get, records, repeat(name))) for name in names]
    return [list(column) for column in zip(*rows)] if rows else [[] for _ in names]


def written_twice(raws: list[bytes], values: list[Any]) -> set[int]:
    """Which lines (by index) write a key twice: orjson keeps the last, so such a line writes more
    than its value holds. A line written exactly as orjson writes its value (compact JSON, as most
    programs write JSON Lines) holds each key once: one C loop clears a whole batch of them. For
    another line, the quotes that open or close a key or a text (`jsonl.structural_quotes`) are as many
    in the line as in orjson's encoding of its value, and a key written twice adds at least two."""
    try:
        dumped = list(map(orjson.dumps, values))
    except orjson.JSONEncodeError:  # a value nested deeper than orjson writes: the careful way
        return set(range(len(raws)))
    if raws and raws[0].endswith(b"\r"):  # written on Windows: the line's end is no part of its JSON
        raws = list(map(bytes.rstrip, raws, repeat(b"\r")))
    if dumped == raws:
        return set()
    differ = list(compress(range(len(raws)), map(ne, raws, dumped)))
    escaped = set(compress(differ, map(bytes.__contains__, map(raws.__getitem__, differ), repeat(b"\\"))))
    plain = [k for k in differ if k not in escaped] if escaped else differ
    # Without a backslash in the line (nor in its encoding, then), every quote is structural.
    quotes = map(bytes.count, map(raws.__getitem__, plain), repeat(b'"'))
    encoded = map(bytes.count, map(dumped.__getitem__, plain), repeat(b'"'))
    suspect = set(compress(plain, map(ne, quotes, encoded)))
    suspect.update(k for k in escaped if jsonl.structural_quotes(raws[k]) != jsonl.structural_quotes(dumped[k]))
    return suspect
