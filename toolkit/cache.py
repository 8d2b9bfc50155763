"""A cache of what each claim file holds for the checks that span files, so that checking the few
files a commit or a pull request changed against a whole dataset costs a look at the rest.

It lives in `.claims-cache/` in the folder of claims.yaml (the repository root when there is
none), which `claims init`'s .gitignore ignores. Deleting it is always safe: the next run checks
every file again and writes it anew.

It never gives a wrong answer. An entry is the outcome of checking one file's exact bytes: its
record count, its own problems and, per record, 64-bit keys of its id and of the fields that
make two claims the same (records whose keys meet are read again and compared exactly, as in
every run). Entries are found by the SHA-256 of the file's content; a file whose size, mtime, ctime and
inode are those seen when it was hashed is not read again (git's own index trusts the same
facts; ctime cannot be set back by a program). The whole cache is keyed by the toolkit's version
and code, the schema's text and the day (date rules depend on it): any change, and it starts
empty. It is read as JSON (a cache file in a checkout is data, never code), and one that cannot
be read is ignored. Only files other than JSON Lines are cached (a desk's hand-edited files);
JSON Lines files, and the files the run reports on, are always checked.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson

from .checker import Checker
from .duplicates import UniqueIndex, claim_digest, speaker_digest, text_or_none
from .files import write_bytes
from .findings import Findings
from .readers.source import Source
from .records import Problem

FOLDER = ".claims-cache"
FILE = "index.json"
FORMAT = 1
CHUNK = 256  # files checked together by a worker on a cold cache


class RecordingIndex(UniqueIndex):
    """The claim index, also keeping the texts it hashed, for `stable_keys` (Python's hash of a
    text is only good within a process)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[int, Any, Any, Any, Any]] = []

    def add(self, identifier, speaker, claim, date, ref) -> None:
        super().add(identifier, speaker, claim, date, ref)
        self.rows.append((ref, identifier, speaker, claim, date))

    def add_many(self, ids, speakers, claims, dates, refs) -> None:
        for identifier, speaker, claim, date, ref in zip(ids, speakers, claims, dates, refs):
            self.add(text_or_none(identifier), text_or_none(speaker), text_or_none(claim), text_or_none(date), ref)


def stable_keys(identifier: str | None, speaker: str | None, claim: str | None, date: str | None) -> list[int | None]:
    """The 64-bit keys of a record's id and claim, the same in every process (Python's `hash` of
    text is not): what the cache keeps instead of the texts. The index compares the exact values
    of the records whose keys meet, so two texts with one key are never taken for one."""
    id_key = None if identifier is None else _key(identifier.encode("utf-8", "surrogatepass"))
    if speaker is None or claim is None or date is None:
        return [id_key, None]
    return [
        id_key,
        _key(b"\0".join((speaker_digest(speaker), claim_digest(claim), date.encode("utf-8", "surrogatepass")))),
    ]


def _key(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)


def key(schema_text: str, today: str) -> str:
    """What every entry depends on besides the file: the toolkit (version and code), the schema
    and the day."""
    from .distribution import installed_version

    release = installed_version()
    package = Path(__file__).resolve().parent
    code = sorted(
        (os.fspath(p.relative_to(package)), p.stat().st_size, p.stat().st_mtime_ns) for p in package.rglob("*.py")
    )
    digest = hashlib.sha256(orjson.dumps([FORMAT, release, code, schema_text, today])).hexdigest()
    return digest


class Cache:
    """The entries of one cache file, and the files' facts seen when they were hashed."""

    def __init__(self, folder: str | os.PathLike, key: str):
        self.path = Path(folder) / FOLDER / FILE
        self.folder = os.path.realpath(folder) + os.sep  # files are named relative to it
        self.key = key
        self.entries: dict[str, dict] = {}  # content digest -> entry
        self.seen: dict[str, list] = {}  # file -> [size, mtime_ns, ctime_ns, inode, digest]
        self.changed = False
        self.used: dict[str, list] = {}  # what this run saw: only that is written back
        try:
            stored = orjson.loads(self.path.read_bytes())
            if (
                stored.get("key") == key
                and isinstance(stored.get("entries"), dict)
                and isinstance(stored.get("seen"), dict)
            ):
                self.entries, self.seen = stored["entries"], stored["seen"]
        except (OSError, orjson.JSONDecodeError, AttributeError):
            pass

    def digest(self, real: str) -> str | None:
        """The content digest of a file: from the facts seen, or by reading it."""
        try:
            status = os.stat(real)
        except OSError:
            return None
        facts = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
        name = real[len(self.folder) :] if real.startswith(self.folder) else real
        seen = self.seen.get(name)
        if isinstance(seen, list) and seen[:4] == facts:
            self.used[name] = seen
            return seen[4]
        try:
            with open(real, "rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()[
                    :32
                ]  # 128 bits: no collision in any repository
        except OSError:
            return None
        self.used[name] = [*facts, digest]
        self.changed = True
        return digest

    def save(self) -> None:
        """Write what this run saw, if it differs from what was read (atomically; entries of files
        no longer there are dropped; a cache that cannot be written is not an error: the next run
        checks again)."""
        if not self.changed and len(self.used) == len(self.seen):
            return
        digests = {facts[4] for facts in self.used.values()}
        entries = {digest: entry for digest, entry in self.entries.items() if digest in digests}
        try:
            self.path.parent.mkdir(exist_ok=True)
            ignore = self.path.parent / ".gitignore"
            if not ignore.exists():  # the cache ignores itself, in a repository whose .gitignore does not
                write_bytes(ignore, b"# the claims toolkit's cache: safe to delete\n*\n")
            write_bytes(self.path, orjson.dumps({"key": self.key, "entries": entries, "seen": self.used}))
        except OSError:
            pass


def run(
    findings: Findings,
    sources: Iterable[Source],
    today: str,
    where: str | os.PathLike,
    *,
    fresh: set[str] | frozenset[str] = frozenset(),
    on_file: Callable[[str], None] | None = None,
) -> None:
    """Check `sources` (those `findings` discovered) into `findings` as `pieces.run` does, taking what the cache in `where`
    holds for files unchanged since they were checked; files whose real path is in `fresh`, and
    JSON Lines files, are checked now whatever the cache holds. `on_file` hears of each file done."""
    cache = Cache(where, key(findings.schema.text, today))
    misses: list[tuple[int, Source, str | None]] = []
    rows: list[tuple] = []
    sources = list(sources)
    reals = findings.real if len(findings.real) == len(sources) else [os.path.realpath(s.path) for s in sources]
    for source, real in zip(sources, reals):
        index = findings.add_source(source)
        cached = real not in fresh
        digest = cache.digest(real) if cached else None
        entry = cache.entries.get(digest) if digest else None
        if entry is None:
            misses.append((index, source, digest))
        else:
            _apply(findings, index, source, entry, rows)
            if on_file:
                on_file(source.display)
    for (index, source, digest), entry in zip(misses, _check(findings, [(i, s) for i, s, _ in misses], today)):
        _apply(findings, index, source, entry, rows)
        if on_file:
            on_file(source.display)
        if digest is not None:
            cache.entries[digest] = entry
            cache.changed = True
    rows.sort()  # reading order, as the index expects
    keys = findings.index
    for ref, id_key, claim_key in rows:
        if id_key is not None:
            keys.ids.append(id_key)
            keys.id_refs.append(ref)
        if claim_key is not None:
            keys.claims.append(claim_key)
            keys.claim_refs.append(ref)
    cache.save()


def _apply(findings: Findings, index: int, source: Source, entry: dict, rows: list) -> None:
    """Take one file's entry into the run, as the file at `index`; its index rows (place, id key,
    claim key) are added to `rows`, indexed at the end in reading order."""
    findings.records += entry["records"]
    if entry["problems"]:
        findings.problems.extend(Problem(source.display, *problem) for problem in entry["problems"])
    base = index << 32
    rows.extend((base | number, *texts) for number, *texts in entry["rows"])


def _check(findings: Findings, files: list[tuple[int, Source]], today: str) -> list[dict]:
    """The entries of `files`, checked now: in worker processes when there are many."""
    chunks = [files[k : k + CHUNK] for k in range(0, len(files), CHUNK)]
    global _SCHEMA
    _SCHEMA = (findings.schema, today)
    _ = findings.schema.engine  # compiled once, here: forked workers inherit it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if len(chunks) < 4 or cores < 2 or not hasattr(os, "fork"):
        parts = map(_check_chunk, chunks)
        return [entry for part in parts for entry in part]
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        return [entry for part in pool.imap(_check_chunk, chunks) for entry in part]


_SCHEMA: tuple | None = None


def _check_chunk(files: list[tuple[int, Source]]) -> list[dict]:
    """Check files one by one, each with its own checker, and say what each holds."""
    import datetime as dt

    assert _SCHEMA is not None, "set by _check before any chunk is checked"
    schema, today = _SCHEMA
    entries = []
    for index, source in files:
        checker = Checker(schema, dt.date.fromisoformat(today))
        checker.index = recording = RecordingIndex()
        checker.check_file(index, source)
        entries.append(
            {
                "records": checker.records,
                "problems": [[p.line, p.column, p.pointer, p.rule, p.severity, p.message] for p in checker.problems],
                "rows": [[ref & 0xFFFFFFFF, *stable_keys(*texts)] for ref, *texts in recording.rows],
            }
        )
    return entries
