"""schema.org ClaimReview out, as Google's ClaimReview guidelines ask: the table as JSON-LD, for
search engines and fact-check aggregators. Fact-checks coming *in* are `toolkit.imports`.

One ClaimReview per review published:

- `url` is the fact-check page (the review's `url`), left out when the review has none (never the
  claim's source article); `datePublished` is the review's date, left out when unknown;
- `author` is the publisher: for the desk's own reviews the desk, `publisher: {name, url}` in
  claims.yaml (the CLI reads it beside the inputs and passes it here); the checker's name, if
  any, is the `creator` (a Person);
- `itemReviewed` is a `Claim`: its `author` the speaker, typed from `speaker_type` (person:
  Person, organization: Organization, group or unknown: Thing), with `sameAs` the Wikidata page
  of `speaker_id`; `datePublished` the claim's date as written (a day, a month or a year; left
  out when unknown); `firstAppearance` and `appearance` from `appearances` (never `sources`,
  which are evidence); `identifier` the record's id, so that importing the export back keeps
  every id;
- `reviewRating` carries the publisher's own value and scale when known, and its words as
  `alternateName`; the desk's own reviews fall back on our vocabulary's (1-5,
  `vocabulary.STATUSES`), another publisher's never do: a review whose publisher's rating is not
  known is not published in its name.

The desk's own reviews are the reviews with no publisher (or with the desk's name), and, for a
record with no review at all, its status (a desk's hand-written verdict); a desk review that gives
no status takes the record's, when no review of the record gives one (the status is then the
desk's own). By default only these
go out; `all_reviews` adds every other review, under its own publisher. A claim with nothing to
publish (`unverified`, or only others' reviews) is left out and counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import polars as pl

from .dates import UNKNOWN, dates_as_text, written_expr
from .records import present
from .vocabulary import STATUSES

CONTEXT = "https://schema.org"
WIKIDATA = "https://www.wikidata.org/wiki/"
BEST, WORST = 5, 1
AUTHOR_TYPES = {"person": "Person", "organization": "Organization"}  # group, unknown: Thing


# Why a claim has no ClaimReview to publish: the reason -> what to say of it.
UNVERIFIED, OTHERS, NO_STATUS = "unverified", "others", "no status"
LEFT_OUT = {
    UNVERIFIED: "unverified, no rating to publish",
    OTHERS: "reviewed only by others (--all-reviews publishes them)",
    NO_STATUS: "the desk's review gives no status while others' reviews do",
}


def to_claimreview(
    table: pl.DataFrame, *, publisher: Mapping[str, str] | None = None, all_reviews: bool = False
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The ClaimReviews of the table, in its order, and how many claims had none to publish, by
    reason (a key of LEFT_OUT).

    >>> from toolkit.building import build
    >>> reviews, left_out = to_claimreview(build(["fixtures/"]).table)
    >>> reviews[0]["reviewRating"]["alternateName"], left_out
    ('Unproven', {'unverified': 3})
    """
    desk = dict(publisher or {})
    out: list[dict[str, Any]] = []
    left_out: Counter[str] = Counter()
    # Dates as text (a valid year 0000 is no Python date), the claim's as it was written.
    rows = dates_as_text(table.with_columns(written_expr(pl.col("date"), pl.col("date_precision")).alias("date")))
    for row in rows.iter_rows(named=True):
        chosen = _published(row, desk, all_reviews)
        made = (_claim_review(row, review, who, own) for review, who, own in chosen)
        published = [p for p in made if p is not None]
        if not published:
            left_out[OTHERS if not chosen else UNVERIFIED if row["status"] == "unverified" else NO_STATUS] += 1
        out.extend(published)
    return out, dict(sorted(left_out.items()))


def _published(
    row: dict[str, Any], desk: dict[str, str], all_reviews: bool
) -> list[tuple[dict[str, Any], dict[str, str], bool]]:
    """(review, its publisher, whether it is the desk's own) for each review that goes out."""
    reviews = row.get("reviews") or []
    if not reviews:
        return [({"status": row["status"]}, desk, True)]  # the desk's hand-written verdict
    chosen = []
    rated = any(review.get("status") for review in reviews)
    for review in reviews:
        who = {k: v for k, v in (review.get("publisher") or {}).items() if v}
        if not who or (desk.get("name") and who.get("name") == desk["name"]):
            if not rated:  # no review says a status: the record's is the desk's own verdict
                review = {**review, "status": row["status"]}
            chosen.append((review, {**desk, **who}, True))
        elif all_reviews:
            chosen.append((review, who, False))
    return chosen


def _claim_review(
    row: dict[str, Any], review: dict[str, Any], publisher: dict[str, str], own: bool
) -> dict[str, Any] | None:
    """One JSON-LD object; None for a review with no rating to publish (an `unverified` record,
    another publisher's review whose rating is not known)."""
    rating = _rating(review, own)
    if rating is None:
        return None
    speaker = present(
        {
            "@type": AUTHOR_TYPES.get(row.get("speaker_type") or "", "Thing"),
            "name": row["speaker"],
            "sameAs": WIKIDATA + row["speaker_id"] if row.get("speaker_id") else None,
        }
    )
    # The first appearance is the earliest dated one (else the first listed); the others follow.
    listed = sorted(row.get("appearances") or [], key=lambda a: (a.get("date") is None, a.get("date") or ""))
    appearances = [
        present({"@type": "CreativeWork", "url": a["url"], "name": a.get("title"), "datePublished": a.get("date")})
        for a in listed
    ]
    claim_date = row["date"]
    return present(
        {
            "@context": CONTEXT,
            "@type": "ClaimReview",
            "url": review.get("url"),
            "claimReviewed": row["claim"],
            "itemReviewed": present(
                {
                    "@type": "Claim",
                    "identifier": row["id"],
                    "author": speaker,
                    "datePublished": None if claim_date == UNKNOWN else claim_date,
                    "firstAppearance": appearances[0] if appearances else None,
                    "appearance": appearances[1:],
                    "inLanguage": row.get("language"),
                }
            ),
            "author": present({"@type": "Organization", **publisher}) if publisher else None,
            "creator": {"@type": "Person", "name": review["author"]} if review.get("author") else None,
            "datePublished": review.get("date"),
            "reviewRating": rating,
            "reviewBody": review.get("summary"),
            "inLanguage": review.get("language"),
        }
    )


def _rating(review: dict[str, Any], own: bool) -> dict[str, Any] | None:
    """The publisher's value and scale when known, else our vocabulary's; the publisher's words.
    Our vocabulary speaks only for the desk: another publisher's review goes out with the rating
    that publisher gave, or not at all (never a rating it did not give, under its name)."""
    given = review.get("rating") or {}
    status = STATUSES.get(review.get("status") or "") if own else None
    ours = status if status is not None and status.rating is not None else None
    scale: dict[str, Any] = {}
    if given.get("value") is not None:
        scale = {
            "ratingValue": _number(given["value"]),
            "bestRating": _number(given.get("best")),
            "worstRating": _number(given.get("worst")),
        }
    elif ours is not None and not given.get("text"):
        scale = {"ratingValue": ours.rating, "bestRating": BEST, "worstRating": WORST}
    # Our words only beside our numbers: a publisher who gave a number and no words said no words.
    words = given.get("text") or (ours.alternate_name if ours is not None and given.get("value") is None else None)
    if not words and not scale:
        return None
    return present({"@type": "Rating", **scale, "alternateName": words})


def _number(value: Any) -> Any:
    """A whole number as an int (the table holds every rating as a float)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value
