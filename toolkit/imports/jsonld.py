"""A schema.org ClaimReview node (JSON-LD) as a `Review`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..records import present
from .review import Review
from .shapes import types
from .values import as_list, claim_date, day, first, get, name, text, url

# schema.org types of a claim's author, as `speaker_type` (subtypes of Organization included).
SPEAKER_TYPES = {
    "Person": "person",
    "Organization": "organization",
    "NewsMediaOrganization": "organization",
    "GovernmentOrganization": "organization",
    "PoliticalParty": "organization",
    "Corporation": "organization",
    "NGO": "organization",
    "EducationalOrganization": "organization",
}


def reviews_from_jsonld(position: str, node: dict, graph: Mapping[str, Any]) -> list[Review]:
    """The reviews of one ClaimReview node: one per rating it gives (a node with several ratings
    keeps each, at `.../reviewRating/N`; they disagree openly rather than one being dropped)."""
    ratings = [r for r in as_list(node.get("reviewRating")) if r is not None] or [None]
    if len(ratings) == 1:
        return [review_from_jsonld(position, node, graph)]
    return [
        review_from_jsonld(f"{position}/reviewRating/{index}", {**node, "reviewRating": rating}, graph)
        for index, rating in enumerate(ratings)
    ]


def review_from_jsonld(position: str, node: dict, graph: Mapping[str, Any]) -> Review:
    def resolve(value: Any) -> Any:
        """A bare {"@id": ...} replaced by the @graph node it names."""
        if isinstance(value, dict) and set(value) == {"@id"}:
            return graph.get(value["@id"], value)
        return value

    def every(value: Any) -> list[Any]:
        return [resolve(v) for v in as_list(value) if v is not None]

    item = resolve(first(node.get("itemReviewed")))
    item = item if isinstance(item, dict) else {}
    rating = resolve(first(node.get("reviewRating")))
    rating = rating if isinstance(rating, dict) else {}
    appearances = [_node(a) for a in every(item.get("firstAppearance")) + every(item.get("appearance"))]
    if item.get("url"):
        appearances.append({"url": item.get("url")})
    speakers = every(item.get("author"))
    # The ClaimReview's author is the publisher (an organization); a Person there is a checker, and
    # the publisher is then `publisher`. Our export names the checker as `creator`. Several of
    # either are all kept, their names joined.
    authors = every(node.get("author"))
    checkers = [a for a in authors if isinstance(a, dict) and "Person" in types(a)] + every(node.get("creator"))
    publishers = [a for a in authors if not (isinstance(a, dict) and "Person" in types(a))]
    publishers = publishers or every(node.get("publisher")) or authors  # a checker who publishes alone
    language = item.get("inLanguage")
    review_language = node.get("inLanguage")
    speaker = speakers[0] if speakers else None
    return Review(
        position=position,
        claim=text(node.get("claimReviewed")) or text(item.get("text")) or text(item.get("name")),
        speaker=_names(speakers),
        date=claim_date(item.get("datePublished"))
        or claim_date(get(resolve(first(item.get("firstAppearance"))), "datePublished")),
        url=url(node.get("url")),
        publisher=_names(publishers),
        site=text(get(publishers[0], "url")) if len(publishers) == 1 else None,
        review_date=day(node.get("datePublished")),
        words=text(rating.get("alternateName")) or text(rating.get("name")),
        value=rating.get("ratingValue"),
        best=rating.get("bestRating"),
        worst=rating.get("worstRating"),
        body=text(node.get("reviewBody")) or text(node.get("description")),
        language=_language(review_language),
        claim_language=_language(language),
        author=_names(checkers),
        speaker_type=next((SPEAKER_TYPES[t] for t in sorted(types(speaker)) if t in SPEAKER_TYPES), None)
        if isinstance(speaker, dict) and len(speakers) == 1
        else None,
        appearances=tuple(_unique([a for a in map(_appearance, appearances) if a])),
        # The claim's own identifier (our export writes the record's id there); a ClaimReview's
        # `identifier` names the review, not the claim, and is not used.
        identity=text(item.get("identifier")),
    )


def _names(nodes: list[Any]) -> str | None:
    """The names of one or several people or organizations, each once, joined by ", "."""
    names = [n for n in dict.fromkeys(text(name(node)) for node in nodes) if n]
    return ", ".join(names) or None


def _language(value: Any) -> str | None:
    return text(get(value, "alternateName") if isinstance(value, dict) else value)


def _node(value: Any) -> dict:
    """An appearance as a node: a bare url becomes {"url": ...}."""
    return {"url": value} if isinstance(value, str) else value if isinstance(value, dict) else {}


def _appearance(node: dict) -> dict[str, str] | None:
    address = url(node.get("url"))
    if not address:
        return None
    return present(
        {
            "url": address,
            "date": day(node.get("datePublished")),
            "title": text(node.get("name")) or text(node.get("headline")),
        }
    )


def _unique(appearances: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: set[str] = set()
    kept = []
    for appearance in appearances:
        if appearance["url"] not in seen:
            seen.add(appearance["url"])
            kept.append(appearance)
    return kept
