"""Reviews become claim records of schema 1 (one record per review), each checked against the
schema, so whatever is written passes `claims validate`.

Nothing is invented or merged: a review's status comes from its publisher's rating (see
`toolkit.ratings`), or the record stays `unverified` with the publisher's words kept in
`review.summary` as `Original rating: "..."`. Reviews of one claim that disagree stay separate
records (`claims build` links them as one claim by speaker and words) and are listed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..ratings import RatingMap, from_scale
from ..schema import ClaimSchema
from ..text import claim_key
from .ids import stable_id
from .review import Review
from .values import present, rating_text

REASON_CHARS = 200


@dataclass(frozen=True)
class Skipped:
    """An item that made no record: where it is, its fact-check url if any, and why."""

    position: str
    url: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"position": self.position, "url": self.url, "reason": self.reason}


@dataclass(frozen=True)
class Disagreement:
    """Reviews of one claim (same speaker and words) whose statuses differ: status -> record ids."""

    speaker: str
    claim: str
    statuses: Mapping[str, tuple[str, ...]]

    def as_dict(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "claim": self.claim, "statuses": {k: list(v) for k, v in self.statuses.items()}}


@dataclass
class Outcome:
    """Records in id order, and everything a curator should hear about."""

    records: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)  # what was adjusted or could not count, by kind
    unmapped: Counter = field(default_factory=Counter)  # (rating words, publisher) -> reviews
    no_verdict: Counter = field(default_factory=Counter)  # (rating words, publisher) -> reviews
    disagreements: list[Disagreement] = field(default_factory=list)


def to_records(reviews: Iterable[Review], outcome: Outcome, *, schema: ClaimSchema, ratings: RatingMap,
               default_speaker: str | None = None, today: dt.date | None = None) -> Outcome:
    today_text = (today or dt.datetime.now(dt.UTC).date()).isoformat()
    summary_chars = schema.document["properties"]["review"]["properties"]["summary"]["maxLength"]
    by_id: dict[str, tuple[dict[str, Any], str]] = {}
    for review in reviews:
        record = _record(review, outcome, ratings, default_speaker, today_text, summary_chars)
        if isinstance(record, str):
            outcome.skipped.append(Skipped(review.position, review.url, record))
            continue
        record = _fit(record, schema, outcome)
        if isinstance(record, str):
            outcome.skipped.append(Skipped(review.position, review.url, record))
        elif record["id"] in by_id:
            earlier, where = by_id[record["id"]]
            same = "the same review as" if earlier == record else "the same review url and claim as"
            outcome.skipped.append(Skipped(review.position, review.url, f"{same} the item at {where}"))
        else:
            by_id[record["id"]] = (record, review.position)
    outcome.records = [by_id[key][0] for key in sorted(by_id)]
    outcome.disagreements = _disagreements(outcome.records)
    return outcome


def _record(review: Review, outcome: Outcome, ratings: RatingMap, default_speaker: str | None, today: str,
            summary_chars: int) -> dict[str, Any] | str:
    """The record of one review, or why there is none."""
    if not review.claim:
        return "no claim text"
    speaker = review.speaker
    if not speaker:
        if not default_speaker:
            return "no claimant (speaker) and no --default-speaker"
        speaker = default_speaker
        outcome.notes["speaker taken from --default-speaker"] += 1
    date = review.date
    if not date:
        if not review.review_date:
            return "no claim date and no review date"
        date = review.review_date
        outcome.notes["claim date taken from the review's date"] += 1
    if date > today:
        return f"claim date {date} is in the future"
    if not review.sources:
        return "no url: neither the fact-check page nor where the claim appeared"
    status, kept = _status(review, outcome, ratings)
    summary = " ".join(filter(None, (f'Original rating: "{kept}".' if kept else None, review.body)))
    if len(summary) > summary_chars:
        summary = summary[: summary_chars - 1] + "…"
    return present({
        "id": stable_id(speaker, review.claim, url=review.url, date=date, publisher=review.publisher or review.site),
        "speaker": speaker,
        "claim": review.claim,
        "date": date,
        "status": status,
        "language": review.language,
        "sources": list(review.sources),
        "review": present({
            "summary": summary or None,
            "url": review.url,
            "reviewer": review.publisher or review.site,
            "date": review.review_date,
        }),
    })


def _status(review: Review, outcome: Outcome, ratings: RatingMap) -> tuple[str, str | None]:
    """The status a review's rating gives, and the publisher's words to keep beside it (None: the
    words are ours). Words decide first; a number counts only on its scale."""
    publisher = review.publisher or review.site or ""
    verdict = ratings.verdict(review.words, (review.publisher, review.site)) if review.words else None
    scaled, problem = from_scale(review.value, review.best, review.worst)
    if problem:
        outcome.notes[problem] += 1
    number = rating_text(review.value)
    if verdict and verdict.status:
        return verdict.status, review.words if verdict.keeps_words else None
    if scaled:
        return scaled, review.words
    if verdict and verdict.how == "no verdict":
        outcome.no_verdict[(review.words, publisher)] += 1
    elif verdict:
        outcome.unmapped[(review.words, publisher)] += 1
    elif number is None:
        outcome.notes["no rating"] += 1
    scale = f" (scale {rating_text(review.worst) or 1}-{rating_text(review.best) or 5})" if number else ""
    return "unverified", review.words or (f"{number}{scale}" if number else None)


def _fit(record: dict[str, Any], schema: ClaimSchema, outcome: Outcome) -> dict[str, Any] | str:
    """The record with the optional values the schema refuses left out (counted), or why it
    cannot be a record (a required value the schema refuses)."""
    for _ in range(10):
        errors = list(schema.validator.iter_errors(record))
        if not errors:
            return record
        for error in errors:
            path = list(error.absolute_path)
            if error.validator == "maxItems" and path:
                _at(record, path[:-1])[path[-1]] = _at(record, path)[: error.validator_value]
            elif path[:1] == ["language"] or (path[:1] in (["review"], ["sources"]) and len(path) >= 2):
                if path[0] == "sources" and (len(path) == 2 or path[2] == "url"):
                    record["sources"][path[1]] = None  # an unusable source goes, the others stay
                elif isinstance(parent := _at(record, path[:-1]), dict):
                    parent.pop(path[-1], None)
                outcome.notes["optional value left out (not valid for the schema)"] += 1
            else:
                return _reason(error)
        record["sources"] = [s for s in record.get("sources", []) if s is not None]
        if not record["sources"]:
            return "no valid url for sources"
        record = present({**record, "review": present(record.get("review", {}))})
    return "record could not be made valid"


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


def _disagreements(records: list[dict[str, Any]]) -> list[Disagreement]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for record in records:
        groups.setdefault((claim_key(record["speaker"]), claim_key(record["claim"])), []).append(record)
    found = []
    for members in groups.values():
        statuses: dict[str, list[str]] = {}
        for record in members:
            if record["status"] != "unverified":
                statuses.setdefault(record["status"], []).append(record["id"])
        if len(statuses) > 1:
            found.append(Disagreement(members[0]["speaker"], members[0]["claim"],
                                      {status: tuple(ids) for status, ids in sorted(statuses.items())}))
    return sorted(found, key=lambda d: (d.speaker, d.claim))
