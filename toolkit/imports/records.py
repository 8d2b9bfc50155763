"""Reviews become claim records of schema 2: the reviews of one claim gathered into one record,
every review kept, each record checked against the schema so whatever is written passes
`claims validate`.

Reviews are of one claim when they share speaker, words and the claim's own date (so an API
claim's reviews, and ClaimReview nodes of one claim, make one record), or the identity the source
gives the claim (`itemReviewed.identifier`, which our export writes; LIAR's statement id). Nothing is
invented: a review's status comes from its publisher's rating (see `toolkit.ratings`), or it has
none and keeps the words in `rating.text`; the record's status is the most recent mapped
review's, `unverified` when none maps. Reviews of one claim that disagree are kept and listed.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import json
import math
import operator
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

import orjson

from .. import forked, rules
from ..claim_rules import duplicate_key
from ..dates import UNKNOWN, period_start
from ..ratings import RatingMap, from_scale
from ..records import present
from ..schema import ClaimSchema
from ..text import claim_key
from .answer import Answer, Piece
from .ids import stable_id
from .repair import Unrepairable, repair_review
from .review import Review
from .values import rating_text

REASON_CHARS = 200
UNKNOWN_SPEAKER = "unknown"  # the speaker of a claim whose source names no claimant
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Skipped:
    """An item that made no record: where it is, its fact-check url if any, and why."""

    position: str
    url: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"position": self.position, "url": self.url, "reason": self.reason}


class Disagreement(NamedTuple):
    """Reviews of one claim whose statuses differ: status -> the publishers that gave it."""

    id: str
    speaker: str
    claim: str
    statuses: Mapping[str, tuple[str, ...]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "speaker": self.speaker,
            "claim": self.claim,
            "statuses": {k: list(v) for k, v in self.statuses.items()},
        }


NOTE, UNMAPPED, NO_VERDICT = "notes", "unmapped", "no_verdict"  # what making a record counts
Counts = defaultdict[
    tuple[str, Any], int
]  # (NOTE, note) or (UNMAPPED or NO_VERDICT, (rating words, publisher)) -> how many


@dataclass
class Outcome:
    """What an input gave: the items and reviews read, each record as JSON text (in id order),
    what was skipped (in reading order), what was adjusted or could not count (notes), ratings
    unmapped and labels of no verdict (reviews by rating words and publisher), the reviews kept,
    and where reviews of a claim disagree."""

    items: int = 0
    reviews: int = 0
    lines: list[bytes] = field(default_factory=list)  # UTF-8: they are written as they are
    skipped: list[Skipped] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)
    unmapped: Counter = field(default_factory=Counter)
    no_verdict: Counter = field(default_factory=Counter)
    disagreements: list[Disagreement] = field(default_factory=list)
    reviews_kept: int = 0

    @property
    def records(self) -> list[dict[str, Any]]:
        return [orjson.loads(line) for line in self.lines]

    def count(self, counts: Counts, sign: int = 1) -> None:
        """What making records counted added (or, with sign -1, taken away)."""
        for (kind, key), number in counts.items():
            counter = getattr(self, kind)
            counter[key] += sign * number
            if counter[key] <= 0:
                del counter[key]


PARALLEL_ITEMS = 20_000  # fewer items than this are read in this process (forking costs more)
Read = tuple[int, int]  # where a review was read: its item's place in the input, its place in the item


class Made(NamedTuple):
    """A claim's record as JSON text, and what the summary counts of it."""

    id: str
    line: bytes
    reviews: int
    disagreement: Disagreement | None


Shown = tuple[str, str | None]  # where a review is, as the report shows it: its position and url


@dataclass
class _Claims:
    """The claims a stretch of items made, by place, a column each: columns of numbers and texts
    travel back from a worker four times faster than an object per claim, and 240,000 claims travel."""

    words: array = field(default_factory=lambda: array("q"))  # its words, hashed: what may join it to others
    identities: dict[int, tuple[int, ...]] = field(default_factory=dict)  # the identifiers given, hashed (few)
    reads: array = field(default_factory=lambda: array("q"))  # where its reviews were read (`_read_at`), in order
    starts: array = field(default_factory=lambda: array("q", [0]))  # where each claim's reads start (and end)
    ids: list[str] = field(default_factory=list)  # "" for a claim that cannot be a record
    lines: list[bytes] = field(default_factory=list)  # its record as JSON text (b"" for none)
    kept: array = field(default_factory=lambda: array("q"))  # the reviews its record keeps
    disagreements: dict[int, tuple[Any, ...]] = field(default_factory=dict)  # as plain tuples: they travel fastest
    refused: dict[int, tuple[str, tuple[Shown, ...]]] = field(
        default_factory=dict
    )  # why no record; where its reviews are
    counted: dict[int, Counts] = field(default_factory=dict)  # what making it counted (in its stretch's counts too)

    def __len__(self) -> int:
        return len(self.ids)

    def add(
        self, marks: tuple[int, ...], reads: list[Read], made: Made | str, shown: tuple[Shown, ...], counts: Counts
    ) -> None:
        place = len(self.ids)
        self.words.append(marks[0])
        if len(marks) > 1:
            self.identities[place] = marks[1:]
        self.reads.extend(_read_at(read) for read in reads)
        self.starts.append(len(self.reads))
        if counts:
            self.counted[place] = counts
        if isinstance(made, str):
            self.ids.append("")
            self.lines.append(b"")
            self.kept.append(0)
            self.refused[place] = (made, shown)
            return
        self.ids.append(made.id)
        self.lines.append(made.line)
        self.kept.append(made.reviews)
        if made.disagreement:
            self.disagreements[place] = tuple(made.disagreement)

    def marks(self, place: int) -> tuple[int, ...]:
        return (self.words[place], *self.identities.get(place, ()))

    def reviews(self, place: int) -> list[Read]:
        """Where the claim's reviews were read, in reading order."""
        return [divmod(read, _READS) for read in self.reads[self.starts[place] : self.starts[place + 1]]]

    def first_read(self, place: int) -> Read:
        return divmod(self.reads[self.starts[place]], _READS)


_READS = 2**32  # a review's place in its item is below this: a read is one number, item * _READS + place


def _read_at(read: Read) -> int:
    return read[0] * _READS + read[1]


@dataclass
class _Stretch:
    """What reading a stretch of items gave: the counts of reading and of making records, and its claims."""

    items: int = 0
    reviews: int = 0
    repairs: Counter = field(default_factory=Counter)  # notes of reading
    counts: Counts = field(default_factory=lambda: defaultdict(int))  # of making its records
    skipped: list[tuple[Read, Skipped]] = field(default_factory=list)
    claims: _Claims = field(default_factory=_Claims)


@dataclass(frozen=True)
class _Making:
    """What every worker shares (inherited, never copied): the input's items, how an item becomes
    its reviews (or why it is skipped), and how records are made."""

    items: Sequence[Any] | Answer
    read: Callable[[Any], Iterable[Review | tuple[str, str | None, str]] | Skipped]
    schema: ClaimSchema
    ratings: RatingMap
    default_speaker: str | None
    today: dt.date
    key: Callable[[str], str]


def to_records(
    items: Sequence[Any] | Answer,
    read: Callable[[Any], Iterable[Review | tuple[str, str | None, str]] | Skipped],
    *,
    schema: ClaimSchema,
    ratings: RatingMap,
    default_speaker: str | None = None,
    today: dt.date | None = None,
    workers: int | None = None,
) -> Outcome:
    """The records of the claims in `items`, each of which `read` makes reviews (a review that
    cannot be read is (position, url, reason)) or Skipped. The items are read and their claims made
    in `workers` processes, a stretch of items (or a piece of an answer) each (None: one per core
    when there are many); a
    claim that may cross stretches (its words, or an identifier its reviews give, met in another
    stretch) is made again here from all its reviews. The same outcome either way."""
    making = _Making(
        items,
        read,
        schema,
        ratings,
        default_speaker,
        today or dt.datetime.now(dt.UTC).date(),
        functools.cache(claim_key),  # each text is keyed 3 times (reviews, duplicates, ids): once is enough
    )
    stretches = forked.work(_read_and_make, making, _stretches(items, workers), workers=workers)
    joined = _crossing([stretch.claims for stretch in stretches])
    crossing = {claim for component in joined for claim in component}
    outcome = Outcome()
    skipped: list[tuple[Read, Skipped]] = []
    for stretch in stretches:
        outcome.items += stretch.items
        outcome.reviews += stretch.reviews
        outcome.notes.update(stretch.repairs)
        outcome.count(stretch.counts)
        skipped += stretch.skipped
    for number, place in crossing:  # made again below, from all their reviews: counted there
        if counted := stretches[number].claims.counted.get(place):
            outcome.count(counted, -1)
    made = [  # each stretch's claims, and the places of those made again
        (stretch.claims, {place for other, place in crossing if other == number})
        for number, stretch in enumerate(stretches)
    ]
    for again in _made_again(making, stretches, joined, workers) if joined else ():
        for counted in again.counted.values():
            outcome.count(counted)
        made.append((again, set()))
    ids: list[str] = []  # of every claim, in one list ("" for none, and for a claim made again)
    lines: list[bytes] = []
    reviews_kept = array("q")
    disagreements: dict[int, tuple[Any, ...]] = {}
    starts: list[int] = []  # where each stretch's claims start in the lists above
    for claims, remade in made:
        starts.append(len(ids))
        for place, (reason, shown) in claims.refused.items():
            if place not in remade:
                skipped += ((read, Skipped(*where, reason)) for read, where in zip(claims.reviews(place), shown))
        disagreements.update((len(ids) + place, disagreement) for place, disagreement in claims.disagreements.items())
        ids += [("" if place in remade else given) for place, given in enumerate(claims.ids)] if remade else claims.ids
        lines += claims.lines
        reviews_kept += claims.kept
    by_id = dict(zip(ids, range(len(ids))))  # an id -> its claim (the last of claims whose ids are the same)
    by_id.pop("", None)
    if len(by_id) < len(ids) - ids.count(""):
        skipped += _same_ids(making, ids, by_id, [(start, claims) for start, (claims, _) in zip(starts, made)])
    kept = [by_id[identifier] for identifier in sorted(by_id)]
    outcome.lines = [lines[index] for index in kept]
    outcome.skipped = [skip for _, skip in sorted(skipped, key=lambda pair: pair[0])]  # reading order
    outcome.reviews_kept = sum(reviews_kept[index] for index in kept)
    as_disagreement = functools.partial(tuple.__new__, Disagreement)  # `_make` without its check: twice as fast
    outcome.disagreements = [as_disagreement(disagreements[index]) for index in kept if index in disagreements]
    return outcome


def _same_ids(
    making: _Making, ids: list[str], by_id: dict[str, int], stretches: list[tuple[int, _Claims]]
) -> list[tuple[Read, Skipped]]:
    """Of claims whose ids are the same, the one read first keeps the id (in `by_id`); the others
    are skipped, naming it. `stretches`: where each stretch's claims start in `ids`, and its claims."""

    def first_read(index: int) -> Read:
        start, claims = stretches[bisect.bisect_right(stretches, index, key=operator.itemgetter(0)) - 1]
        return claims.first_read(index - start)

    holding: dict[str, list[int]] = defaultdict(list)
    for index, identifier in enumerate(ids):
        if identifier:
            holding[identifier].append(index)
    skipped: list[tuple[Read, Skipped]] = []
    for identifier, indexes in holding.items():
        if len(indexes) > 1:
            first, *others = sorted(indexes, key=first_read)
            by_id[identifier] = first
            at = _shown(making, first_read(first))[0]
            skipped += (
                (read, Skipped(*_shown(making, read), f"the same id as the item at {at}"))
                for read in map(first_read, others)
            )
    return skipped


def _stretches(given: Sequence[Any] | Answer, workers: int | None) -> Sequence[tuple[Sequence[int] | Piece, None]]:
    """The items cut into stretches of work: one for few items, else a few for each worker (an
    answer's pieces were cut so)."""
    if isinstance(given, Answer):
        return given.stretches()
    items = len(given)
    if workers is None and items < PARALLEL_ITEMS:
        return [(range(items), None)]
    count = 4 * (workers or forked.cores())
    size = -(-items // count) or 1
    return [(range(start, min(start + size, items)), None) for start in range(0, items, size)]


def _read_and_make(making: _Making, stretch: tuple[Sequence[int] | Piece, Collection[Read] | None]) -> _Stretch:
    """The items at the places given (or of the piece of an answer), read (only the reviews given,
    if any are), their reviews gathered into claims, and the claims made records (or why each
    cannot be one)."""
    given, only = stretch
    places = cast(Answer, making.items).places(given) if isinstance(given, Piece) else given
    done = _Stretch()
    groups: dict[Any, list[Review]] = {}
    for place in places:
        item = making.read(making.items[place])
        if isinstance(item, Skipped):
            done.skipped.append(((place, 0), item))
            continue
        done.items += 1
        for number, review in enumerate(item):
            read = (place, number)
            if only is not None and read not in only:
                continue
            if isinstance(review, tuple):
                done.skipped.append((read, Skipped(*review)))
                continue
            done.reviews += 1
            try:
                review = repair_review(review, done.repairs)
            except Unrepairable as error:
                done.skipped.append((read, Skipped(review.position, _shown_url(review.url), str(error))))
                continue
            if not review.claim:
                done.skipped.append((read, Skipped(review.position, review.url, "no claim text")))
                continue
            review.read = read
            groups.setdefault(_claim_of(review, making.key), []).append(review)
    claims = _one_per_claim(list(groups.values()), making.default_speaker, making.key)
    ids = _ids([members for members, _ in claims], making.schema)
    for index, (members, said) in enumerate(claims):
        counts = _claim(making, members, said, ids.get(index), done.claims)
        for counted, number in counts.items():
            done.counts[counted] += number
    return done


def _claim(making: _Making, members: list[Review], said: Said, given_id: str | None, claims: _Claims) -> Counts:
    """The record of one claim's reviews, or why there is none, and what may join it to others,
    added to `claims`; what making it counted."""
    counts: Counts = defaultdict(int)
    record = _record(members, said, counts, making.ratings, making.default_speaker, making.today, given_id, making.key)
    if not isinstance(record, str):
        record = _fit(record, making.schema, counts)
    line = None if isinstance(record, str) else _line(record)
    if not isinstance(record, str) and (line is None or not rules.plain_written(line)):
        if broken := rules.findings(record):  # a text the repairs did not make valid: never written
            pointer, _, _, message = broken[0]
            record = f"{pointer.lstrip('/') or 'record'}: {message}"[:REASON_CHARS]
        elif line is None:
            record = "record cannot be written as UTF-8"
    ordered = sorted(members, key=lambda member: member.read or (0, 0))
    identities = {member.identity for member in members if member.identity}
    marks = (hash(("words", making.key(members[0].claim or ""))), *(hash(("identity", i)) for i in identities))
    shown = tuple((member.position, member.url) for member in ordered) if isinstance(record, str) else ()
    made: Made | str
    if isinstance(record, str):
        made = record
    else:
        made = Made(record["id"], line or b"", len(record.get("reviews", ())), _disagreement(record))
    claims.add(marks, [member.read or (0, 0) for member in ordered], made, shown, counts)
    return counts


def _crossing(stretches: list[_Claims]) -> list[list[tuple[int, int]]]:
    """The claims, by (stretch, place), that may be one with a claim of another stretch or share
    an identifier with one (which then names neither), each with every claim joined to it by words
    or identifier: those whose words or identifiers are met in two stretches."""
    met: dict[int, int] = {}  # mark -> the stretch it was met in, -1 for several
    for number, claims in enumerate(stretches):
        for marks in (claims.words, *claims.identities.values()):
            for mark in marks:
                if met.setdefault(mark, number) != number:
                    met[mark] = -1
    seeds = [mark for mark, number in met.items() if number == -1]
    if not seeds:
        return []
    holding: dict[int, list[tuple[int, int]]] = {}
    for number, claims in enumerate(stretches):
        for place in range(len(claims)):
            for mark in claims.marks(place):
                holding.setdefault(mark, []).append((number, place))
    seen: set[int] = set()
    placed: set[tuple[int, int]] = set()
    joined: list[list[tuple[int, int]]] = []
    for seed in seeds:
        if seed in seen:
            continue
        seen.add(seed)
        todo, component = [seed], []
        while todo:
            for joint in holding[todo.pop()]:
                if joint not in placed:
                    placed.add(joint)
                    component.append(joint)
                    marks = stretches[joint[0]].marks(joint[1])
                    todo += (mark for mark in marks if mark not in seen)
                    seen.update(marks)
        joined.append(sorted(component))
    return joined


def _made_again(
    making: _Making, stretches: list[_Stretch], joined: list[list[tuple[int, int]]], workers: int | None
) -> list[_Claims]:
    """The claims that cross stretches made again, each from all its reviews (in workers as well
    when there are many: an input in which every claim crosses, such as two overlapping dumps
    imported at once, takes about twice as long as one whose claims do not)."""
    batches = min(len(joined), 4 * (workers or forked.cores()))
    chunks = []
    for start in range(batches):  # whole claims (with all joined to them) in each
        reviews = {
            read
            for component in joined[start::batches]
            for number, place in component
            for read in stretches[number].claims.reviews(place)
        }
        chunks.append((sorted({item for item, _ in reviews}), reviews))
    many = workers is not None or sum(len(reviews) for _, reviews in chunks) >= PARALLEL_ITEMS
    done = forked.work(_read_and_make, making, chunks, workers=workers if many else 1)
    return [stretch.claims for stretch in done]


def _line(record: dict[str, Any]) -> bytes | None:
    """A record as one line of JSON Lines, written compactly as programs write them (and as the
    JSON Lines reader measures positions fastest); None if a text cannot be UTF-8 (a lone surrogate)."""
    try:
        return orjson.dumps(record)
    except orjson.JSONEncodeError:  # a number beyond 64 bits, which the schema may allow; a lone surrogate
        try:
            return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
        except UnicodeEncodeError:
            return None


def _claim_of(review: Review, key: Callable[[str], str]) -> Any:
    """What makes reviews one claim: the source's own id for its claim, which joins only reviews
    of the same speaker and words (publishers number their own claims: two publishers' `claim-1`
    are two claims), else speaker, words and claim date."""
    said = (key(review.speaker or ""), key(review.claim or ""))
    if review.identity:
        return ("identity", review.identity, *said)
    return ("content", *said, review.date or "")


def _one_per_claim(
    groups: list[list[Review]], default_speaker: str | None, key: Callable[[str], str]
) -> list[tuple[list[Review], Said]]:
    """Groups that `claims validate` would call the same claim (`claim_rules.duplicate_key`:
    speaker, words and a known date) made one, so that no two records written are duplicates;
    each with what it says."""
    for _ in range(len(groups)):
        joined: dict[Any, list[Review]] = {}
        said = [_said(members, default_speaker) for members in groups]
        for index, (members, (speaker, claim, date)) in enumerate(zip(groups, said)):
            same = duplicate_key({"speaker": speaker, "claim": claim, "date": date}, key) or index
            joined.setdefault(same, []).extend(members)
        if len(joined) == len(groups):
            return list(zip(groups, said))
        groups = list(joined.values())
    return [(members, _said(members, default_speaker)) for members in groups]


Said = tuple[str, str, str]  # a claim's speaker, words and date


def _said(members: list[Review], default_speaker: str | None) -> Said:
    """A claim's speaker, words and date from its reviews, whatever their order: the speaker
    the source names (else --default-speaker, else `unknown`), the claim's own date (else the
    earliest review's day, else unknown)."""
    speakers = sorted({m.speaker for m in members if m.speaker})
    speaker = speakers[0] if speakers else default_speaker or UNKNOWN_SPEAKER
    claim = min(m.claim for m in members if m.claim)
    own = min((m.date for m in members if m.date), default=None)
    days = sorted(m.review_date for m in members if m.review_date)
    return speaker, claim, own or (days[0] if days else UNKNOWN)


def _ids(claims: list[list[Review]], schema: ClaimSchema) -> dict[int, str]:
    """The source's own id of each claim (by its group's place) where it is a valid id that no
    other claim of this input gives: an identifier two publishers both use (`claim-1`) names
    neither claim, and a short one (`1`) is no id; those claims get ids of their own words."""
    valid = schema.validator.evolve(schema=schema.resolve(schema.properties.get("id", {})))
    given = {
        index: min((m.identity for m in members if m.identity), default=None) for index, members in enumerate(claims)
    }
    used = Counter(given.values())
    return {
        index: identity
        for index, identity in given.items()
        if identity and used[identity] == 1 and valid.is_valid(identity)
    }


def _record(
    members: list[Review],
    said: Said,
    counts: Counts,
    ratings: RatingMap,
    default_speaker: str | None,
    today: dt.date,
    given_id: str | None,
    key: Callable[[str], str],
) -> dict[str, Any] | str:
    """The record of one claim's reviews (which say `said`), or why there is none."""
    speaker, claim, date = said
    own = min((m.date for m in members if m.date), default=None)
    if not any(m.speaker for m in members):
        counts[
            NOTE,
            "speaker taken from --default-speaker" if default_speaker else f"no claimant: speaker {UNKNOWN_SPEAKER}",
        ] += 1
    if not own:
        counts[NOTE, "claim date taken from the review's date" if date != UNKNOWN else "claim date unknown"] += 1
    start = period_start(date)
    if start is not None and start > today:
        return f"claim date {date} is in the future"
    reviews = [r for r in (_review(m, counts, ratings) for m in members) if r]
    if len(reviews) > 1:
        reviews = _unique(counts, _in_order(reviews))
    mapped = [r for r in reviews if r.get("status")]
    status = mapped[-1]["status"] if mapped else "unverified"
    identity = min((m.identity for m in members if m.identity), default=None)
    identifier = given_id or stable_id(speaker, claim, url=identity, date=own or UNKNOWN, publisher=None, key=key)
    ordered = _canonical(members)
    fields = _fields(ordered)
    known_type = next((m.speaker_type for m in ordered if m.speaker_type), None)
    return present(
        {
            "id": identifier,
            "speaker": speaker,
            "speaker_type": known_type or "unknown",
            "speaker_party": fields.pop("speaker_party", None),
            "speaker_job": fields.pop("speaker_job", None),
            "claim": claim,
            "date": date,
            "status": status,
            "appearances": _appearances(members),
            "sources": [{"url": u} for u in dict.fromkeys(u for m in ordered for u in m.sources)],
            "reviews": reviews,
            **fields,
            "language": next((m.claim_language for m in ordered if m.claim_language), None)
            or next((r["language"] for r in reviews if r.get("language")), None),
        }
    )


def _shown(making: _Making, read: Read) -> Shown:
    """Where a review of a claim that was made is, as the report shows it: read again, as it was
    read (asked only of a claim whose id another claim has, which is rare)."""
    place, number = read
    review = list(cast(Iterable[Review], making.read(making.items[place])))[number]
    review = repair_review(review, Counter())
    return review.position, review.url


def _shown_url(address: str | None) -> str | None:
    """A url fit for the report (one holding a lone surrogate cannot be written out)."""
    return address if address and address.isprintable() else None


_COMPARED = operator.attrgetter(*(f.name for f in dataclasses.fields(Review) if f.name not in ("position", "read")))


def _canonical(members: list[Review]) -> list[Review]:
    """The reviews of one claim in an order that does not depend on the order of the input: the
    order decides only what a record takes from the first review that gives it (`_fields`, sources,
    speaker type, claim language), so when no review gives any of these, any order will do."""
    if len(members) == 1 or not any(m.fields or m.sources or m.speaker_type or m.claim_language for m in members):
        return members
    return sorted(members, key=lambda member: repr(_COMPARED(member)))


def _fields(ordered: list[Review]) -> dict[str, Any]:
    """The other record fields of a claim's reviews (in `_canonical` order): each from the first
    review that gives it, tags united (a claim in several topic files keeps the keywords of every copy)."""
    fields: dict[str, Any] = {}
    for member in ordered:
        for key, value in member.fields:
            if key == "tags":
                fields["tags"] = list(dict.fromkeys([*fields.get("tags", []), *value]))
            else:
                fields.setdefault(key, value)
    return fields


def _review(review: Review, counts: Counts, ratings: RatingMap) -> dict[str, Any] | None:
    """One review as the record keeps it (None: the source gives no review, only a claim)."""
    status = review.status or _status(review, counts, ratings)
    if status == "none":  # a label the user's table map says carries no verdict
        counts[NO_VERDICT, (review.words or "", review.publisher or "")] += 1
        status = None
    value = _number(review.value)
    # A value the table cannot hold as a number (NaN, 1e999) is kept as the words it was.
    words = review.words or (rating_text(review.value) if value is None else None)
    rating = present({"text": words, "value": value, "best": _number(review.best), "worst": _number(review.worst)})
    if not (review.url or review.publisher or review.review_date or rating or review.body or status):
        return None
    return present(
        {
            "publisher": present({"name": review.publisher or _host(review.site), "url": _site(review.site)}),
            "url": review.url,
            "date": review.review_date,
            "rating": rating,
            "status": status,
            "summary": review.body,
            "language": review.language,
            "author": review.author,
        }
    )


def _in_order(reviews: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Oldest first (a review of no date before any dated one), then by publisher and page, and
    reviews alike in those by all they say (written out only when there are such)."""
    keys: list[tuple[str, ...]] = [
        (r.get("date") or "", r.get("publisher", {}).get("name") or "", r.get("url") or "") for r in reviews
    ]
    if len(set(keys)) < len(keys):
        keys = [(*key, repr(sorted(review.items()))) for key, review in zip(keys, reviews)]
    return [reviews[index] for index in sorted(range(len(reviews)), key=keys.__getitem__)]


def _unique(counts: Counts, reviews: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same review read twice is kept once (and counted)."""
    kept: list[dict[str, Any]] = []
    for review in reviews:
        if review in kept:
            counts[NOTE, "the same review read twice, kept once"] += 1
        else:
            kept.append(review)
    return kept


def _appearances(members: list[Review]) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for member in members:
        for appearance in member.appearances:
            seen.setdefault(appearance["url"], appearance)
    return sorted(seen.values(), key=lambda a: (a.get("date") or "", a["url"]))


def _status(review: Review, counts: Counts, ratings: RatingMap) -> str | None:
    """The status a review's rating gives (None: unmapped, no verdict or no rating). Words decide
    first; a number counts only on its scale."""
    publisher = review.publisher or review.site or ""
    verdict = ratings.verdict(review.words, (review.publisher, review.site)) if review.words else None
    scaled, problem = from_scale(review.value, review.best, review.worst)
    if problem:
        counts[NOTE, problem] += 1
    if verdict and verdict.status:
        return verdict.status
    if scaled:
        return scaled
    if verdict and verdict.how == "no verdict":
        counts[NO_VERDICT, (review.words, publisher)] += 1
    elif verdict:
        counts[UNMAPPED, (review.words, publisher)] += 1
    elif rating_text(review.value) is None:
        counts[NOTE, "no rating"] += 1
    return None


def _number(value: Any) -> int | float | None:
    """A rating value the schema keeps: a finite number (a numeric text read as one)."""
    if isinstance(value, str):
        try:
            value = float(value.strip()) if "." in value or "e" in value.lower() else int(value.strip())
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int):
        return value if abs(value) < 2**53 else None  # exactly a float, as the table holds it
    return value if math.isfinite(value) else None


@functools.lru_cache(maxsize=4096)  # a few publishers review most claims
def _site(site: str | None) -> str | None:
    """The publisher's web site as a url (the Fact Check API gives a bare host: `misbar.com`)."""
    if not site:
        return None
    if re.match(r"(?i)^https?://", site):
        return site
    return f"https://{site}" if re.match(r"^[A-Za-z0-9.-]+\.[A-Za-z]{2,}$", site) else None


@functools.lru_cache(maxsize=4096)
def _host(site: str | None) -> str | None:
    """A publisher known only by its site is named by its host."""
    if not site:
        return None
    return re.sub(r"(?i)^https?://(www\.)?", "", site).split("/")[0] or None


def _fit(record: dict[str, Any], schema: ClaimSchema, counts: Counts) -> dict[str, Any] | str:
    """The record with the optional values the schema refuses left out (counted), or why it
    cannot be a record (a required value the schema refuses)."""
    for _ in range(10):
        if schema.engine.accepts(record):  # the engine decides; jsonschema only explains what it refuses
            return record
        errors = schema.engine.errors(record)
        for error in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path], reverse=True):
            path = list(error.absolute_path)
            if error.validator == "maxItems" and path:
                _at(record, path[:-1])[path[-1]] = _at(record, path)[: error.validator_value]
                counts[NOTE, f"{path[-1]} cut to the schema's {error.validator_value} (the rest left out)"] += 1
            elif path and path[0] not in ("id", "speaker", "claim", "date", "status"):
                parent = _at(record, path[:-1])
                if isinstance(parent, dict):
                    parent.pop(path[-1], None)
                elif isinstance(parent, list) and isinstance(path[-1], int) and path[-1] < len(parent):
                    parent[path[-1]] = None
                counts[NOTE, "optional value left out (not valid for the schema)"] += 1
            else:
                return _reason(error)
        record = _tidy(record)
    return "record could not be made valid"


def _tidy(value: Any) -> Any:
    """Empty values that leaving out a value made (None in lists, {} and []) removed."""
    if isinstance(value, dict):
        return present({k: _tidy(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_tidy(v) for v in value if v is not None and _tidy(v) not in ({}, [])]
    return value


def _reason(error: Any) -> str:
    """A schema error as a short reason (jsonschema's own message quotes the whole value)."""
    where = "/".join(map(str, error.absolute_path)) or "record"
    said = {
        "maxLength": f"longer than {error.validator_value} characters",
        "minLength": "empty",
        "pattern": "not in the form the schema asks for",
        "format": f"not a valid {error.validator_value}",
        "enum": "not one of the schema's values",
    }.get(error.validator, error.message)
    return f"{where}: {said}"[:REASON_CHARS]


def _at(record: Any, path: list) -> Any:
    """The value at a path of the record, None where an earlier fix removed it."""
    try:
        for step in path:
            record = record[step]
    except (KeyError, IndexError, TypeError):
        return None
    return record


def _disagreement(record: dict[str, Any]) -> Disagreement | None:
    """The reviews of a record whose statuses differ, by status (the publishers that gave each)."""
    statuses: dict[str, list[str]] = {}
    if len(record.get("reviews", ())) < 2:
        return None
    for review in record["reviews"]:
        if review.get("status"):
            name = review.get("publisher", {}).get("name") or review.get("url") or "the desk"
            statuses.setdefault(review["status"], []).append(name)
    if len(statuses) < 2:
        return None
    return Disagreement(
        record["id"],
        record["speaker"],
        record["claim"],
        {status: tuple(names) for status, names in sorted(statuses.items())},
    )
