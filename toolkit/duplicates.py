"""Ids and claims recorded twice: a compact index while records stream past, exact checks at the end.

The index keeps three 64-bit numbers per record and never the record; the few records it flags
are read again (by whoever holds the files: `findings`) to compare exact values and say where
they are, so a hash collision never makes a false report.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import compress, repeat
from typing import Any, cast

from . import claim_rules
from .records import Problem, Record
from .text import claim_key


class UniqueIndex:
    """Ids and claims seen so far, kept small: per record, three 64-bit numbers and no object.

    A record adds the hash of its id and the hash of what makes two claims the same
    (`text.claim_key` of speaker and words, and the date), each beside the record's place in the
    run. At the end, hashes seen more than once are grouped, and those few records are read again
    to compare the exact values. Hashes are only compared within one run, whose worker processes
    share this one's hash seed (they are forked).
    """

    def __init__(self) -> None:
        self.ids, self.id_refs = array("q"), array("q")
        self.claims, self.claim_refs = array("q"), array("q")

    def add_record(self, data: dict, ref: int) -> None:
        self.add(
            text_or_none(data.get("id")),
            text_or_none(data.get("speaker")),
            text_or_none(data.get("claim")),
            text_or_none(data.get("date")),
            ref,
        )

    def add(self, identifier: str | None, speaker: str | None, claim: str | None, date: str | None, ref: int) -> None:
        """Index one record (a field that is not text is None)."""
        if identifier is not None:
            self.ids.append(hash(identifier))
            self.id_refs.append(ref)
        if speaker is not None and claim is not None and date is not None:
            self.claims.append(hash((speaker_digest(speaker), claim_digest(claim), date)))
            self.claim_refs.append(ref)

    def add_many(
        self, ids: list[Any], speakers: list[Any], claims: list[Any], dates: list[Any], refs: list[int]
    ) -> None:
        """`add` for many records, with C loops (`map`) where `add` has Python steps; records
        whose fields are not all text are added one by one."""
        digests = None
        if set(map(type, dates)) == {str}:
            try:  # a field that is not text fails here (`str.__hash__`, `str.encode`, `claim_digest`)
                id_hashes = list(map(str.__hash__, ids))
                digests = list(map(bytes.translate, map(str.encode, claims), repeat(_ASCII_FOLD), repeat(_ASCII_DROP)))
                speaker_keys = speaker_digests(speakers)
            except (TypeError, AttributeError):
                digests = None
        if digests is None:
            for identifier, speaker, claim, date, ref in zip(ids, speakers, claims, dates, refs):
                self.add(text_or_none(identifier), text_or_none(speaker), text_or_none(claim), text_or_none(date), ref)
            return
        self.ids.fromlist(id_hashes)  # fromlist: a third faster than extend(map)
        self.id_refs.fromlist(refs)
        if not all(map(str.isascii, claims)):
            for k, claim in enumerate(claims):
                if not claim.isascii():
                    digests[k] = claim_digest(claim)
        self.claims.fromlist(list(map(hash, zip(speaker_keys, digests, dates))))
        self.claim_refs.fromlist(refs)

    def sort(self) -> None:
        """Order the entries by hash, equal hashes in reading order. Pieces sorted this way and
        merged in reading order leave the final sort (`repeated`) runs to merge, three times
        less work than a sort. (Without numpy, in the light install, `repeated` counts instead.)"""
        try:
            import numpy as np
        except ImportError:
            return
        for keys, refs in (("ids", "id_refs"), ("claims", "claim_refs")):
            order = np.argsort(np.frombuffer(getattr(self, keys), dtype=np.int64), kind="stable")
            for name in (keys, refs):
                ordered = array("q")
                ordered.frombytes(np.frombuffer(getattr(self, name), dtype=np.int64)[order].tobytes())
                setattr(self, name, ordered)

    def merge(self, later: UniqueIndex) -> None:
        """Add what a later piece of the run saw (pieces are merged in reading order)."""
        for mine, theirs in (
            (self.ids, later.ids),
            (self.id_refs, later.id_refs),
            (self.claims, later.claims),
            (self.claim_refs, later.claim_refs),
        ):
            mine.extend(theirs)

    def problems(self, fetch: Callable[[Iterable[int]], dict[int, Record]]) -> Iterator[Problem]:
        """Ids and claims recorded twice; `fetch` reads the flagged records again."""
        id_groups = repeated(self.ids, self.id_refs)
        claim_groups = repeated(self.claims, self.claim_refs)
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
                    yield from duplicate_id(first, record, identifier)
        for group in claim_groups:
            yield from duplicate_claims([records[ref] for ref in group])


def repeated(keys: array, refs: array) -> list[list[int]]:
    """The places of every key seen more than once, each group in reading order (places are
    numbered in reading order; records checked apart, such as those read the careful way, may
    have been indexed out of it): a sort in numpy, as a million keys in a Python loop would take
    longer than checking them did. The light install (validation alone, no numpy) counts the keys
    with C loops instead: the same groups, about 2.5 times slower (0.27 s for a million)."""
    try:
        import numpy as np
    except ImportError:
        return _repeated_by_counting(keys, refs)
    values = np.frombuffer(keys, dtype=np.int64) if keys else np.zeros(0, dtype=np.int64)
    order = np.argsort(values, kind="stable")  # stable: each group keeps reading order
    ordered = values[order]
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return []
    member = np.zeros(len(ordered), dtype=bool)
    member[1:] |= same
    member[:-1] |= same
    places = np.frombuffer(refs, dtype=np.int64)[order[member]]
    return _grouped(zip(ordered[member].tolist(), places.tolist()))


def _repeated_by_counting(keys: array, refs: array) -> list[list[int]]:
    counts = Counter(keys)
    if len(counts) == len(keys):
        return []
    twice = {key for key, count in counts.items() if count > 1}
    return _grouped(compress(zip(keys, refs), map(twice.__contains__, keys)))


def _grouped(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for key, ref in pairs:
        groups.setdefault(key, []).append(ref)
    return [sorted(group) for group in groups.values()]


def duplicate_id(first: Record, again: Record, identifier: str) -> Iterator[Problem]:
    """The same id twice: both places are reported, each naming the other."""
    line, column = first.position("/id")
    where = again.position("/id")
    yield again.problem(
        "/id",
        "duplicate-id",
        f"the id {identifier!r} is already used at {first.file}:{line}:{column}; ids must be unique",
    )
    yield first.problem(
        "/id", "duplicate-id", f"the id {identifier!r} is used again at {again.file}:{where[0]}:{where[1]}"
    )


def duplicate_claims(records: list[Record]) -> Iterator[Problem]:
    """The same claim by the same speaker on the same date, under another id (in reading order);
    which records count as the same claim is `claim_rules.duplicate_key`'s to say (the date as
    written, never `unknown`; reviews play no part, as schema 2 keeps every review in one record)."""
    firsts: dict[tuple[str, str, str], Record] = {}
    for record in records:
        key = claim_rules.duplicate_key(record.data)
        if key is None:
            continue
        first = firsts.setdefault(key, record)
        if first is not record and first.data.get("id") != record.data.get("id"):
            yield record.problem(
                "/claim",
                "duplicate-claim",
                f"the same claim by the same speaker on the same date is already recorded as "
                f"{str(first.data.get('id'))!r} at {first.file}:{first.line}; merge the two records",
            )


def text_or_none(value: Any) -> str | None:
    """A field as the index takes it: text, or None for anything else."""
    return value if isinstance(value, str) else None


# What the claim index hashes: `text.claim_key` without its spaces, dots and exclamation marks.
# Equal keys give equal digests (the index compares exact keys later), and ASCII text takes two C
# calls: NFKC leaves ASCII alone, and this table lower-cases it and drops white space, quote marks,
# dots and exclamation marks.
_ASCII_FOLD = bytes(code + 32 if 65 <= code <= 90 else code for code in range(256))
_ASCII_DROP = bytes(code for code in range(128) if chr(code).isspace() or chr(code) in "\"'.!")


def claim_digest(text: str) -> bytes:
    """`text.claim_key(text)` without spaces, dots and exclamation marks, as bytes: what the claim
    index hashes."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_FOLD, _ASCII_DROP)
    # surrogatepass: a lone surrogate (refused by the `surrogate` rule) must not end the run in a traceback
    return claim_key(text).encode("utf-8", "surrogatepass").translate(None, _ASCII_DROP)


# The digests of the speakers seen lately: the same few speakers come again and again.
_SPEAKERS: dict[str, bytes] = {}


def speaker_digest(speaker: str) -> bytes:
    """`claim_digest` of a speaker's name, remembered."""
    return speaker_digests([speaker])[0]


def speaker_digests(speakers: list[str]) -> list[bytes]:
    """`claim_digest` of each speaker: one C loop (`map` of `dict.get`) when all were seen lately."""
    digests = list(map(_SPEAKERS.get, speakers))
    if None in digests:
        if len(_SPEAKERS) > 1 << 16:
            _SPEAKERS.clear()  # a bound on memory: names seen once are let go now and then
        for k, speaker in enumerate(speakers):
            if digests[k] is None:
                digests[k] = _SPEAKERS[speaker] = claim_digest(speaker)
    return cast("list[bytes]", digests)
