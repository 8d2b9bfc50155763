"""schema.org ClaimReview out: the table as JSON-LD, for search engines and fact-check aggregators.

Statuses go out through `vocabulary.STATUSES` (ratingValue 1-5 and alternateName); `unverified`
claims have no rating and are left out. Fact-checks coming *in* are `toolkit.imports`.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from .vocabulary import STATUSES

CONTEXT = "https://schema.org"
WIKIDATA = "https://www.wikidata.org/wiki/"
BEST, WORST = 5, 1

# A speaker whose name holds one of these words is published as an Organization, anyone else as a
# Person: the records do not say which, and a wrong guess only changes the @type.
ORGANIZATION_WORDS = (
    "administration", "agency", "army", "assembly", "associated", "association", "bank", "board",
    "bureau", "campaign", "commission", "committee", "company", "congress", "corporation", "council",
    "court", "department", "embassy", "foundation", "government", "group", "inc", "institute",
    "league", "ltd", "media", "ministry", "network", "news", "office", "organisation",
    "organization", "parliament", "party", "police", "press", "senate", "service", "times",
    "university",
)
_ORGANIZATION = r"(?i)\b(?:" + "|".join(ORGANIZATION_WORDS) + r")\b"




def to_claimreview(table: pl.DataFrame) -> tuple[list[dict[str, Any]], int]:
    """One ClaimReview per reviewed claim, in the table's order, and how many `unverified` were left out.

    >>> from toolkit.build import build
    >>> reviews, left_out = to_claimreview(build(["fixtures/"]).table)
    >>> reviews[0]["reviewRating"]["alternateName"], left_out
    ('Unproven', 3)
    """
    ratings = {name: s.rating for name, s in STATUSES.items() if s.rating is not None}
    names = {name: STATUSES[name].alternate_name for name in ratings}
    reviewed = table.filter(pl.col("status").is_in(list(ratings)))
    review = pl.col("review").struct
    day = lambda e: e.dt.to_string("%Y-%m-%d")  # noqa: E731
    rows = reviewed.select(
        "claim", "speaker", "speaker_id", "language",
        day(pl.col("date")).alias("date"),
        pl.when(pl.col("speaker").str.contains(_ORGANIZATION)).then(pl.lit("Organization"))
        .otherwise(pl.lit("Person")).alias("speaker_type"),
        pl.col("sources").list.eval(pl.element().struct.with_fields(day(pl.field("date")))).alias("sources"),
        pl.col("status").replace_strict(ratings, return_dtype=pl.Int64).alias("rating"),
        pl.col("status").replace_strict(names, return_dtype=pl.String).alias("rating_name"),
        pl.coalesce(review.field("url"), pl.col("sources").list.first().struct.field("url")).alias("url"),
        day(pl.coalesce(
            review.field("date"),
            pl.col("history").list.eval(pl.element().struct.field("date")).list.max(),
            pl.col("date"),
        )).alias("published"),
        review.field("reviewer").alias("reviewer"),
        review.field("summary").alias("summary"),
    )
    return [_claim_review(row) for row in rows.iter_rows(named=True)], table.height - reviewed.height


def _claim_review(row: dict[str, Any]) -> dict[str, Any]:
    """Assemble one JSON-LD object from the columns computed above; absent values leave keys out."""
    author = _present({
        "@type": row["speaker_type"],
        "name": row["speaker"],
        "sameAs": WIKIDATA + row["speaker_id"] if row["speaker_id"] else None,
    })
    appearances = [
        _present({
            "@type": "CreativeWork",
            "url": source["url"],
            "name": source["title"],
            "publisher": {"@type": "Organization", "name": source["publisher"]} if source["publisher"] else None,
            "datePublished": source["date"],
        })
        for source in row["sources"]
    ]
    return _present({
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": row["url"],
        "claimReviewed": row["claim"],
        "itemReviewed": _present({
            "@type": "Claim",
            "author": author,
            "datePublished": row["date"],
            "appearance": appearances,
            "inLanguage": row["language"],
        }),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": row["rating"],
            "bestRating": BEST,
            "worstRating": WORST,
            "alternateName": row["rating_name"],
        },
        "reviewBody": row["summary"],
        "datePublished": row["published"],
        "author": {"@type": "Organization", "name": row["reviewer"]} if row["reviewer"] else None,
    })


def _present(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value is not None and value != []}
