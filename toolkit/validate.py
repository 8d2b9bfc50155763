"""Validation: every record against the schema, then the checks that span records.

Reports every problem in one run. The result is plain data; rendering it is `report`'s job.

Valid records take a fast path compiled from the schema (`fastpath` for records already read,
`fastlines` for raw JSON lines), which only ever says "valid" when jsonschema would; jsonschema is
asked to explain the records that fail. Duplicate ids and claims are found in a compact index
(`UniqueIndex`: three 64-bit numbers per record, never the record); the few records it flags are
read again to compare exact values and say where they are. Large inputs are cut into pieces that
several processes check at once (`batch`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from array import array
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, repeat
from operator import attrgetter, is_not, not_
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

import orjson
from msgspec import UNSET

from . import claim_rules, readers
from .explain import problems_for
from .readers import jsonl
from .readers.source import Source
from .records import ERROR, WARNING, Problem, Record
from .schema import ClaimSchema, load_schema
from .text import claim_key

if TYPE_CHECKING:
    import polars as pl


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
    workers: int | None = None,
) -> ValidationResult:
    """Check the claim files under `paths`; records are checked and let go, never all held.

    `workers` is how many processes share a large input (default: one per core when there is
    enough work to be worth it; 1 checks everything in this process).

    >>> result = validate(["fixtures/"])
    >>> result.valid, result.records
    (True, 14)
    """
    from . import batch

    checker = Checker(_schema(schema), today)
    batch.run(checker, readers.discover(paths), on_file=on_file, workers=workers)
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


def read_frame(
    paths: Iterable[str | os.PathLike],
    schema: str | os.PathLike | ClaimSchema | None = None,
    *,
    columns: "pl.Schema",
    today: dt.date | None = None,
) -> "tuple[ValidationResult, pl.DataFrame | None] | None":
    """For input that is all JSON Lines: validate it (in several processes when it is large) and,
    when every record is valid, read the records into a frame of `columns` plus `source_file`
    (the file as given) and `source_line`, with no Python object per record. The frame is None
    when the records are invalid or a file cannot be read exactly this way; the whole answer is
    None, before any work, when some input is not JSON Lines. Use `read_records` in both cases.
    """
    import polars as pl

    from .readers.frame import jsonl_frame

    sources = readers.discover(paths)
    if not sources or not all(readers.FORMATS.get(s.path.suffix.lower()) == "jsonl" for s in sources):
        return None
    result = validate(paths, schema, today=today)
    if not result.valid:
        return result, None
    frames = []
    for source in sources:
        frame = jsonl_frame(source.path, columns)
        if frame is None:
            return result, None
        frames.append(frame.with_columns(pl.lit(source.display, dtype=pl.String).alias("source_file")))
    frame = pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]
    return result, (frame if frame.height == result.records else None)


def _schema(schema: str | os.PathLike | ClaimSchema | None) -> ClaimSchema:
    return schema if isinstance(schema, ClaimSchema) else load_schema(schema)


def reference(source_index: int, ordinal: int) -> int:
    """A record's place in a run, as one int: its file's index and its line (JSON Lines) or its
    position in the file (other formats). Ordered like the records themselves."""
    return (source_index << 32) | ordinal


class Checker:
    """Runs the checks over a stream of records, keeping only what cross-record checks need."""

    def __init__(self, schema: ClaimSchema, today: dt.date | None = None):
        self.schema = schema
        self.today = (today or dt.datetime.now(dt.timezone.utc).date()).isoformat()
        self.fast = schema.fast
        # The JSON Lines loop reads these fields off the decoded struct (the first three as text).
        lines = schema.lines
        if lines is not None and {"id", "speaker", "claim"} <= lines.texts and "date" in lines.required \
                and "history" in lines.optional:
            self.lines = lines
        else:
            self.lines = None
        self.explainer = schema.explainer
        self.problems: list[Problem] = []
        self.files = 0
        self.records = 0
        self.index = UniqueIndex()
        self.sources: list[Source] = []
        self.order: dict[str, int] = {}
        # Where lines start in large JSON Lines files: source index -> [(line, byte offset)].
        self.marks: dict[int, list[tuple[int, int]]] = {}

    def add_source(self, source: Source) -> int:
        self.files += 1
        self.order.setdefault(source.display, len(self.order))
        self.sources.append(source)
        return len(self.sources) - 1

    def run(self, paths: Iterable[str | os.PathLike], on_file: Callable[[str], None] | None = None) -> Iterator[Record]:
        """Yield every record read (valid or not), recording problems on the way."""
        for source in readers.discover(paths):
            index = self.add_source(source)
            yield from self.read_source(index, source)
            if on_file:
                on_file(source.display)

    def read_source(self, index: int, source: Source) -> Iterator[Record]:
        by_line = readers.FORMATS.get(source.path.suffix.lower()) == "jsonl"
        ordinal = 0
        for item in readers.read(source, self.schema.csv_layout):
            if isinstance(item, Problem):
                self.problems.append(item)
                continue
            self.records += 1
            self.check(item, reference(index, item.line if by_line else ordinal))
            ordinal += 1
            yield item

    def check(self, record: Record, ref: int) -> None:
        data = record.data
        if self.fast is None or self.fast.check(data) < 0:
            for error in self.explainer.errors(data):
                self.problems.extend(problems_for(record, error))
        if not isinstance(data, dict):
            return
        if self.needs_rules(data):
            self.problems.extend(self.record_rules(record))
        self.index.add_record(data, ref)

    def check_lines(self, index: int, source: Source, lines: list[bytes], first_line: int) -> int:
        """The JSON Lines loop: the lines the compiled decoder vouches for are checked together,
        by C loops (`map`) where one record would need Python steps; the others go the careful way
        (positions, keys written twice, syntax errors) and are explained by jsonschema. Returns
        the lines that were not blank."""
        if self.lines is None:
            return self._check_lines_slowly(index, source, lines, first_line)
        decoded = self.lines.decode_lines(lines)
        vouched = list(map(is_not, decoded, repeat(None)))
        records = list(compress(decoded, vouched))
        numbers = list(compress(range(first_line, first_line + len(lines)), vouched))
        blank = 0
        if len(records) < len(lines):
            for k in compress(range(len(lines)), map(not_, vouched)):
                if lines[k].strip():
                    self._check_line(index, source, lines[k], first_line + k)
                else:
                    blank += 1
        self.records += len(records)
        dates = list(map(_DATE, records))
        with_history = compress(range(len(records)), map(is_not, map(_HISTORY, records), repeat(UNSET)))
        rules = sorted({*with_history, *_after(dates, self.today)})
        for k in rules:
            # The toolkit's own rules need the record as data, with its positions: rare.
            raw, number = lines[numbers[k] - first_line], numbers[k]
            data = orjson.loads(raw)
            self.problems.extend(self.record_rules(Record(data, source.display, number, jsonl.LinePositions(raw, number, data))))
        base = index << 32
        self.index.add_many(list(map(_ID, records)), list(map(_SPEAKER, records)), list(map(_CLAIM, records)),
                            dates, list(map(base.__or__, numbers)))
        return len(lines) - blank

    def check_file(self, index: int, source: Source) -> None:
        """Check one file that is not JSON Lines. A one-record JSON file that the compiled decoder
        vouches for costs one C call; every other file is read with positions."""
        if self.lines is not None and source.path.suffix.lower() == ".json":
            try:
                record = self.lines.decode(source.path.read_bytes())
            except OSError:
                record = None  # the careful path says what is wrong
            if record is not None:
                date = _day_texts([record.date])[0]
                if date is not None and date <= self.today and record.history is UNSET:
                    self.records += 1
                    self.index.add(record.id, record.speaker, record.claim, date, reference(index, 0))
                    return
        for _ in self.read_source(index, source):
            pass

    def _check_lines_slowly(self, index: int, source: Source, lines: list[bytes], first_line: int) -> int:
        blank = 0
        for number, raw in enumerate(lines, start=first_line):
            if raw.strip():
                self._check_line(index, source, raw, number)
            else:
                blank += 1
        return len(lines) - blank

    def _check_line(self, index: int, source: Source, raw: bytes, number: int) -> None:
        for item in jsonl.read_line(source, raw, number):
            if isinstance(item, Problem):
                self.problems.append(item)
            else:
                self.records += 1
                self.check(item, reference(index, number))

    def needs_rules(self, data: dict) -> bool:
        """Whether `record_rules` could say anything: a date after today, or a history."""
        return claim_rules.needs_rules(data, self.today)

    def record_rules(self, record: Record) -> Iterator[Problem]:
        """The toolkit's own rules about one record, beyond what the schema can say."""
        for pointer, rule, message in claim_rules.record_rules(record.data, self.today):
            yield _problem(record, pointer, rule, message)

    def absorb(self, part: "Part") -> None:
        """Take in what a piece of work found elsewhere (another process, or later)."""
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
                for number, raw in _lines_at(source, sorted(ordinals), self.marks.get(index, [])):
                    for item in jsonl.read_line(source, raw, number):
                        if isinstance(item, Record):
                            found[reference(index, number)] = item
                continue
            ordinal = 0
            for item in readers.read(source, self.schema.csv_layout):
                if isinstance(item, Record):
                    if ordinal in ordinals:
                        found[reference(index, ordinal)] = item
                    ordinal += 1
        return found

    def result(self) -> ValidationResult:
        problems = self.problems + list(self.index.problems(self.fetch))
        unique = dict.fromkeys(problems)
        ordered = sorted(unique, key=lambda p: (self.order.get(p.file, 0), p.line, p.column, p.rule, p.message))
        return ValidationResult(self.files, self.records, tuple(ordered))


@dataclass
class Part:
    """What one piece of work found: plain data, sent back from a worker process."""

    records: int
    problems: list[Problem]
    index: "UniqueIndex"
    marks: dict[int, list[tuple[int, int]]]
    lines: dict[int, int]  # source index -> lines that were not blank (JSON Lines)
    finished: list[int] = field(default_factory=list)  # sources this piece finished


class UniqueIndex:
    """Ids and claims seen so far, kept small: per record, three 64-bit numbers and no object.

    A record adds the hash of its id and the hash of what makes two claims the same
    (`text.claim_key` of speaker and words, and the date), each beside the record's place in the
    run. At the end, hashes seen more than once are grouped, and those few records are read again
    to compare the exact values, so a hash collision never makes a false report. Hashes are only
    compared within one run, whose worker processes share this one's hash seed (they are forked).
    """

    def __init__(self) -> None:
        self.ids, self.id_refs = array("q"), array("q")
        self.claims, self.claim_refs = array("q"), array("q")

    def add_record(self, data: dict, ref: int) -> None:
        text = [value if isinstance(value, str) else None for value in
                (data.get("id"), data.get("speaker"), data.get("claim"), data.get("date"))]
        self.add(*text, ref)

    def add(self, identifier: str | None, speaker: str | None, claim: str | None, date: Any, ref: int) -> None:
        """Index one record (a field that is not text is None; the date may be a `datetime.date`)."""
        if identifier is not None:
            self.ids.append(hash(identifier))
            self.id_refs.append(ref)
        if speaker is not None and claim is not None and date is not None:
            self.claims.append(hash((speaker_digest(speaker), claim_digest(claim), _day_key(date))))
            self.claim_refs.append(ref)

    def add_many(self, ids: list[str], speakers: list[str], claims: list[str], dates: list[Any], refs: list[int]) -> None:
        """`add` for many records whose id, speaker and claim are text, with C loops (`map`)
        where `add` has Python steps."""
        self.ids.fromlist(list(map(hash, ids)))  # fromlist: a third faster than extend(map)
        self.id_refs.fromlist(refs)
        kinds = set(map(type, dates))
        if not kinds <= {dt.date, str}:
            for speaker, claim, date, ref in zip(speakers, claims, dates, refs):
                self.add(None, speaker, claim, date if type(date) in (str, dt.date) else None, ref)
            return
        digests = list(map(bytes.translate, map(str.encode, claims), repeat(_ASCII_FOLD), repeat(_ASCII_DROP)))
        if not all(map(str.isascii, claims)):
            for k, claim in enumerate(claims):
                if not claim.isascii():
                    digests[k] = claim_digest(claim)
        days = dates if kinds <= {dt.date} else map(_day_key, dates)
        self.claims.fromlist(list(map(hash, zip(map(speaker_digest, speakers), digests, days))))
        self.claim_refs.fromlist(refs)

    def sort(self) -> None:
        """Order the entries by hash, equal hashes in reading order. Pieces sorted this way and
        merged in reading order leave the final sort (`_repeated`) runs to merge, three times
        less work than a sort."""
        import numpy as np

        for keys, refs in (("ids", "id_refs"), ("claims", "claim_refs")):
            order = np.argsort(np.frombuffer(getattr(self, keys), dtype=np.int64), kind="stable")
            for name in (keys, refs):
                ordered = array("q")
                ordered.frombytes(np.frombuffer(getattr(self, name), dtype=np.int64)[order].tobytes())
                setattr(self, name, ordered)

    def merge(self, later: "UniqueIndex") -> None:
        """Add what a later piece of the run saw (pieces are merged in reading order)."""
        for mine, theirs in ((self.ids, later.ids), (self.id_refs, later.id_refs),
                             (self.claims, later.claims), (self.claim_refs, later.claim_refs)):
            mine.extend(theirs)

    def problems(self, fetch: Callable[[Iterable[int]], dict[int, Record]]) -> Iterator[Problem]:
        id_groups = _repeated(self.ids, self.id_refs)
        claim_groups = _repeated(self.claims, self.claim_refs)
        if not id_groups and not claim_groups:
            return
        records = fetch({ref for group in (*id_groups, *claim_groups) for ref in group})
        for group in id_groups:
            firsts: dict[str, Record] = {}
            for ref in group:
                record = records[ref]
                identifier = record.data["id"]
                first = firsts.setdefault(identifier, record)
                if first is not record:
                    yield from _duplicate_id(first, record, identifier)
        for group in claim_groups:
            yield from _duplicate_claims([records[ref] for ref in group])


def _repeated(keys: array, refs: array) -> list[list[int]]:
    """The places (in reading order) of every key seen more than once: a sort in numpy, as a
    million keys in a Python loop would take longer than checking them did."""
    import numpy as np

    keys_ = np.frombuffer(keys, dtype=np.int64) if keys else np.zeros(0, dtype=np.int64)
    order = np.argsort(keys_, kind="stable")  # stable: each group keeps reading order
    ordered = keys_[order]
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return []
    member = np.zeros(len(ordered), dtype=bool)
    member[1:] |= same
    member[:-1] |= same
    places = np.frombuffer(refs, dtype=np.int64)[order[member]]
    groups: dict[int, list[int]] = {}
    for key, ref in zip(ordered[member].tolist(), places.tolist()):
        groups.setdefault(key, []).append(ref)
    return list(groups.values())


_ID, _SPEAKER, _CLAIM, _DATE, _HISTORY = map(attrgetter, ("id", "speaker", "claim", "date", "history"))


def _after(days: list[Any], today: str) -> list[int]:
    """The indexes of the days after `today` (days decoded as dates, or written as text)."""
    if days and set(map(type, days)) == {dt.date}:
        day = dt.date.fromisoformat(today)
        return [k for k, date in enumerate(days) if date > day] if max(days) > day else []
    return [k for k, date in enumerate(_day_texts(days)) if (date or "") > today]


def _day_texts(days: list[Any]) -> list[str | None]:
    """Dates from the decoder as the curator wrote them (`fastlines` gives a `datetime.date` where
    the schema says `format: date`); None for anything else."""
    kinds = set(map(type, days))
    if kinds <= {dt.date}:
        return list(map(dt.date.isoformat, days))
    if kinds <= {str}:
        return days
    return [day if type(day) is str else day.isoformat() if type(day) is dt.date else None for day in days]


def _duplicate_id(first: Record, again: Record, identifier: str) -> Iterator[Problem]:
    """The same id twice: both places are reported, each naming the other."""
    line, column = first.position("/id")
    where = again.position("/id")
    yield _problem(
        again, "/id", "duplicate-id",
        f"the id {identifier!r} is already used at {first.file}:{line}:{column}; ids must be unique",
    )
    yield Problem(
        first.file, line, column, "/id", "duplicate-id", ERROR,
        f"the id {identifier!r} is used again at {again.file}:{where[0]}:{where[1]}",
    )


def _duplicate_claims(records: list[Record]) -> Iterator[Problem]:
    """The same claim by the same speaker on the same date, under another id (in reading order);
    which records count as the same claim is `claim_rules.duplicate_key`'s to say."""
    firsts: dict[tuple[str, str, str], Record] = {}
    for record in records:
        key = claim_rules.duplicate_key(record.data)
        if key is None:
            continue
        first = firsts.setdefault(key, record)
        if first is not record and first.data.get("id") != record.data.get("id"):
            yield _problem(
                record, "/claim", "duplicate-claim",
                f"the same claim by the same speaker on the same date is already recorded as {str(first.data.get('id'))!r} "
                f"at {first.file}:{first.line}; merge the two records",
            )


# What the claim index hashes: `text.claim_key` without its spaces. Equal keys give equal
# strings (the index compares exact keys later), and for ASCII text it takes two C calls: NFKC
# leaves ASCII alone, and this table lower-cases it and drops what `[^\w\s]` and `\s` match.
_ASCII_FOLD = bytes(
    code + 32 if 65 <= code <= 90 else code for code in range(256)
)
_ASCII_DROP = bytes(
    code for code in range(128) if not (chr(code).isalnum() or chr(code) == "_")
)


_NOT_WORD = re.compile(r"\W")


def claim_digest(text: str) -> bytes:
    """`text.claim_key(text)` without spaces, as bytes: what the claim index hashes. Without its
    spaces, the key keeps exactly the word characters of the folded text."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_FOLD, _ASCII_DROP)
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text).lower()).encode("utf-8")


speaker_digest = lru_cache(maxsize=1 << 16)(claim_digest)  # the same few speakers, again and again


def _day_key(day: Any) -> Any:
    """A date as the claim index hashes it: the day itself, whether written as text or decoded."""
    if type(day) is str and len(day) == 10:
        try:
            return dt.date.fromisoformat(day)
        except ValueError:
            return day
    return day


def _lines_at(source: Source, numbers: list[int], marks: list[tuple[int, int]]) -> Iterator[tuple[int, bytes]]:
    """The raw lines `numbers` (sorted) of a JSON Lines file, starting from the nearest known
    line start before each."""
    starts = [line for line, _ in marks]
    with source.path.open("rb") as stream:
        position = None  # (line number of the next line read, where it starts)
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


def _problem(record: Record, pointer: str, rule: str, message: str, severity: str = ERROR) -> Problem:
    line, column = record.position(pointer)
    return Problem(record.file, line, column, pointer, rule, severity, message)
