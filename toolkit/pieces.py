"""Cutting a validation run into pieces of work, and checking them in several processes at once.

A piece is a group of whole files, or a stretch of a large JSON Lines file cut at a line end
(with the number of its first line, counted here as the file is cut). Each piece is checked on
its own by a fresh `Checker`, in this process or a worker, and what it found (a `Part`: problems
and a small index of ids and claims) is merged into the run's `Findings` in reading order. The
result is the same whatever the number of processes; only the cross-record checks wait for the end.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import accumulate

from . import readers
from .checker import Checker, Part
from .findings import Findings
from .readers.source import Source
from .schema import ClaimSchema

PIECE_BYTES = 8 * 1024 * 1024  # a JSON Lines file larger than this is cut into pieces this size
GROUP_BYTES = 4 * 1024 * 1024  # smaller files are grouped up to this size...
GROUP_FILES = 256  # ...or this many files
PARALLEL_BYTES = 32 * 1024 * 1024  # less input than this (and fewer files than the next) is
PARALLEL_FILES = 2000  # checked in this process: starting workers would cost more than it saves
MARK_EVERY = 64  # lines between two remembered line starts, to find a flagged line again


@dataclass(frozen=True)
class Piece:
    """Whole files (`files`), or `length` bytes of one JSON Lines file from `offset`, whose first
    line is line `first_line`; `last` says whether it ends its file."""

    files: tuple[tuple[int, Source], ...] = ()
    lines: tuple[int, Source, int, int, int] | None = None
    last: bool = True


def run(
    findings: Findings,
    sources: Iterable[Source],
    today: str,
    *,
    on_file: Callable[[str], None] | None = None,
    workers: int | None = None,
    alongside: Callable[[], object] | None = None,
) -> None:
    """Check every source, merging what each piece found into `findings`; `today` is ISO.
    `alongside`: work for this process meanwhile, in a thread started once the workers are forked
    (a thread is never copied into them), or after the check when it runs here."""
    indexed = [(findings.add_source(source), source) for source in sources]
    count = _workers(workers, [source for _, source in indexed])
    pieces = plan(indexed)
    lines_seen: dict[int, int] = {}
    _ = findings.schema.engine  # compiled once, here: forked workers inherit it
    if count <= 1 or not hasattr(os, "fork"):
        _start(findings.schema, today)
        _merge(findings, map(check_piece, pieces), indexed, lines_seen, on_file)
        if alongside is not None:
            alongside()
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(count, initializer=_start, initargs=(findings.schema, today)) as pool:
        with ThreadPoolExecutor(1) as helper:
            done = helper.submit(alongside) if alongside is not None else None
            _merge(findings, pool.imap(check_piece, pieces), indexed, lines_seen, on_file)
    if done is not None:
        done.result()  # its error, if it failed


def _merge(
    findings: Findings,
    parts: Iterator[Part],
    indexed: list,
    lines_seen: dict[int, int],
    on_file: Callable[[str], None] | None,
) -> None:
    for part in parts:
        findings.absorb(part)
        for index, lines in part.lines.items():
            lines_seen[index] = lines_seen.get(index, 0) + lines
        for index in part.finished:
            source = indexed[index][1]
            if lines_seen.get(index) == 0:
                findings.problems.append(source.problem("the file is empty: it holds no claim", rule="empty"))
            if on_file:
                on_file(source.display)


def _workers(asked: int | None, sources: list[Source]) -> int:
    if asked is not None:
        return max(1, asked)
    if not hasattr(os, "fork"):
        return 1  # workers must share this process's hash seed: the claim index compares hashes
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if cores < 2:
        return 1
    size = 0
    for source in sources:
        try:
            size += source.path.stat().st_size
        except OSError:
            pass
    return cores if size >= PARALLEL_BYTES or len(sources) >= PARALLEL_FILES else 1


def plan(indexed: list[tuple[int, Source]]) -> Iterator[Piece]:
    """The pieces, in reading order: small files grouped, large JSON Lines files cut at line ends."""
    group: list[tuple[int, Source]] = []
    size = 0
    for index, source in indexed:
        try:
            length = source.path.stat().st_size
        except OSError:
            length = 0
        if length > PIECE_BYTES and _is_jsonl(source):
            if group:
                yield Piece(tuple(group))
                group, size = [], 0
            yield from _cut(index, source)
            continue
        group.append((index, source))
        size += length
        if size >= GROUP_BYTES or len(group) >= GROUP_FILES:
            yield Piece(tuple(group))
            group, size = [], 0
    if group:
        yield Piece(tuple(group))


def _cut(index: int, source: Source) -> Iterator[Piece]:
    """Pieces of about PIECE_BYTES of a JSON Lines file, each ending at a line end. The bytes are
    read once here, into one reused buffer, to count the lines before each piece."""
    buffer = bytearray(PIECE_BYTES)
    offset, line, held = 0, 1, 0  # `held`: bytes at the start of the buffer not yet in a piece
    try:
        with source.path.open("rb", buffering=0) as stream:
            while True:
                got = stream.readinto(memoryview(buffer)[held:]) or 0
                end = held + got
                if not got:
                    break
                cut = buffer.rfind(b"\n", 0, end) + 1
                if cut == 0:  # a line longer than the buffer: make room and read on
                    buffer.extend(bytes(len(buffer)))
                    held = end
                    continue
                yield Piece(lines=(index, source, offset, cut, line), last=False)
                line += _newlines(buffer, cut)
                offset += cut
                held = end - cut
                buffer[:held] = buffer[cut:end]
    except OSError:
        held = 0  # the worker meets the same error and reports it
    yield Piece(lines=(index, source, offset, held, line), last=True)


def _newlines(buffer: bytearray, end: int) -> int:
    """The newlines in `buffer[:end]` (numpy counts them several times faster than `count`,
    which the light install, without numpy, uses)."""
    try:
        import numpy as np
    except ImportError:
        return buffer.count(b"\n", 0, end)
    return int(np.count_nonzero(np.frombuffer(buffer, dtype=np.uint8, count=end) == ord("\n")))


def _is_jsonl(source: Source) -> bool:
    return readers.FORMATS.get(source.path.suffix.lower()) == "jsonl"


# The schema and date of the run, set once per process (by the pool's initializer in a worker).
_RUN: tuple[ClaimSchema, str] | None = None


def _start(schema: ClaimSchema, today: str) -> None:
    global _RUN
    _RUN = (schema, today)


def check_piece(piece: Piece) -> Part:
    """Check one piece with a fresh checker; only plain data goes back. The garbage collector
    is paused meanwhile: a piece makes tens of thousands of objects that live until its end and
    hold no cycle, and the collector would scan them again and again (it quadrupled the time of
    decoding them)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check_piece(piece)
    finally:
        if collecting:
            gc.enable()


def _check_piece(piece: Piece) -> Part:
    import datetime as dt

    assert _RUN is not None, "check_piece runs after _start"
    schema, today = _RUN
    checker = Checker(schema, dt.date.fromisoformat(today))
    lines: dict[int, int] = {}
    marks: dict[int, list[tuple[int, int]]] = {}
    finished: list[int] = []
    for index, source in piece.files:
        if _is_jsonl(source):
            lines[index] = _check_jsonl(checker, index, source, 0, None, 1, marks)
        else:
            checker.check_file(index, source)
            lines[index] = 1  # not JSON Lines: its reader says itself when it is empty
        finished.append(index)
    if piece.lines is not None:
        index, source, offset, length, first_line = piece.lines
        lines[index] = _check_jsonl(checker, index, source, offset, length, first_line, marks)
        if piece.last:
            finished.append(index)
    checker.index.sort()  # here, on both cores, so that the final sort only merges
    return Part(checker.records, checker.problems, checker.index, marks, lines, finished)


def _check_jsonl(
    checker: Checker,
    index: int,
    source: Source,
    offset: int,
    length: int | None,
    first_line: int,
    marks: dict[int, list[tuple[int, int]]],
) -> int:
    """Check the lines of a JSON Lines file (all of it, or `length` bytes from `offset`); returns
    how many were not blank. Failures to read are reported as the reader would."""
    try:
        with source.path.open("rb") as stream:
            stream.seek(offset)
            data = stream.read() if length is None else stream.read(length)
        if data.endswith(b"\n"):
            data = data[:-1]
        lines = data.split(b"\n") if data else []
        if length is not None and lines:
            # Each block of MARK_EVERY lines takes its lines' lengths and as many newlines.
            blocks = [
                sum(map(len, lines[at : at + MARK_EVERY])) + MARK_EVERY for at in range(0, len(lines), MARK_EVERY)
            ]
            marks[index] = [
                (first_line + k * MARK_EVERY, start) for k, start in enumerate(accumulate(blocks[:-1], initial=offset))
            ]
        return checker.check_lines(index, source, lines, first_line, data)
    except RecursionError:
        checker.problems.append(source.problem("the file is nested too deeply to read", rule="too-deep"))
    except OSError as error:
        checker.problems.append(source.problem(f"cannot read the file: {error.strerror or error}", rule="io"))
    return 1
