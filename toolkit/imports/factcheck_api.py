"""A Google Fact Check Tools API claim (`claims:search`: text, claimant, claimDate, claimReview[])
as one `Review` per review: every publisher's review is kept, and `build` gathers them into one
record (the claim is the item)."""

from __future__ import annotations

from collections.abc import Iterator

from ..records import present
from .review import Review
from .values import day, get, text, url


def reviews_from_api(position: str, claim: dict) -> Iterator[Review | tuple[str, str | None, str]]:
    """A Review per claimReview, or (position, url, reason) for one that cannot be read."""
    reviews = claim.get("claimReview")
    if not isinstance(reviews, list) or not reviews:
        yield position, None, "no claimReview"
        return
    # The API says nothing of what the claimant is; where the claim was made is its `url`, if any.
    appearance = url(claim.get("url"))
    said, speaker, date = text(claim.get("text")), text(claim.get("claimant")), day(claim.get("claimDate"))
    appearances = (present({"url": appearance, "date": date}),) if appearance else ()
    for index, review in enumerate(reviews):
        at = f"{position}/claimReview/{index}"
        if not isinstance(review, dict):
            yield at, None, "not a Fact Check API claim review"
            continue
        publisher = review.get("publisher")
        yield Review(
            position=at,
            claim=said,
            speaker=speaker,
            date=date,
            url=url(review.get("url")),
            publisher=text(get(publisher, "name")),
            site=text(get(publisher, "site")),
            review_date=day(review.get("reviewDate")),
            words=text(review.get("textualRating")),
            body=text(review.get("title")),
            language=text(review.get("languageCode")),
            appearances=appearances,
        )
