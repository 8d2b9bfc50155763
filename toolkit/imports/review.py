"""One review of one claim, as read from a ClaimReview node or a Fact Check API claim review, before
it is checked and becomes a record (schema 1 holds one review per record)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Review:
    position: str
    claim: str | None
    speaker: str | None
    date: str | None  # the claim's day
    url: str | None  # the fact-check page
    publisher: str | None  # its name
    site: str | None  # its web site, when the publisher has no name (Fact Check API)
    review_date: str | None
    words: str | None  # the publisher's rating in words
    value: Any = None  # the publisher's rating as a number on its scale, as given
    best: Any = None
    worst: Any = None
    body: str | None = None
    language: str | None = None
    sources: tuple[dict[str, str], ...] = field(default_factory=tuple)
