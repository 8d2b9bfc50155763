"""One review of one claim, as read from a ClaimReview node, a Fact Check API claim review or a row
of a table, before the reviews of each claim are gathered into one record of schema 2."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)  # not frozen (never changed, only replaced): a frozen one costs 4 times as much to make;
class Review:  # slots: a third of the memory (600,000 reviews a day), made and read faster
    position: str
    claim: str | None
    speaker: str | None
    date: str | None  # the claim's own date: a day, a month or a year (never the review's)
    url: str | None  # the fact-check page
    publisher: str | None  # its name
    site: str | None  # its web site (a url, or the bare host the Fact Check API gives)
    review_date: str | None
    words: str | None  # the publisher's rating in words
    value: Any = None  # the publisher's rating as a number on its scale, as given
    best: Any = None
    worst: Any = None
    body: str | None = None
    language: str | None = None  # the review's language
    claim_language: str | None = None  # the claim's, when the source says
    author: str | None = None  # the checker's name
    speaker_type: str | None = None  # person, organization, group (None: not known)
    appearances: tuple[dict[str, str], ...] = field(default_factory=tuple)  # where the claim was made
    sources: tuple[str, ...] = ()  # urls of the evidence (a research set's answers' sources)
    identity: str | None = None  # the claim's id as the source gives it (ours, after an export; LIAR's)
    status: str | None = None  # a status the source gives in our vocabulary (a tabular label map)
    fields: tuple[tuple[str, Any], ...] = ()  # other record fields the source gives (party, job, context...)
    read: tuple[int, int] | None = None  # where it was read: its item's place in the input, its place in the item
