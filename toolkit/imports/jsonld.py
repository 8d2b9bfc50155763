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


def review_from_jsonld(position: str, node: dict, graph: Mapping[str, Any]) -> Review:
    def resolve(value: Any) -> Any:
        """The first of a list, and a bare {"@id": ...} replaced by the @graph node it names."""
        value = first(value)
        if isinstance(value, dict) and set(value) == {"@id"}:
            return graph.get(value["@id"], value)
        return value

    item = resolve(node.get("itemReviewed"))
    item = item if isinstance(item, dict) else {}
    rating = resolve(node.get("reviewRating"))
    rating = rating if isinstance(rating, dict) else {}
    appearances = [_node(resolve(a)) for a in as_list(item.get("firstAppearance")) + as_list(item.get("appearance"))]
    if item.get("url"):
        appearances.append({"url": item.get("url")})
    speaker = resolve(item.get("author"))
    # The ClaimReview's author is the publisher (an organization); a Person there is the checker,
    # and the publisher is then `publisher`. Our export names the checker as `creator`.
    author = resolve(node.get("author"))
    checker = resolve(node.get("creator"))
    if isinstance(author, dict) and "Person" in types(author):
        checker, author = author, resolve(node.get("publisher")) or author
    author = author or resolve(node.get("publisher"))
    language = item.get("inLanguage")
    review_language = node.get("inLanguage")
    return Review(
        position=position,
        claim=text(node.get("claimReviewed")) or text(item.get("text")) or text(item.get("name")),
        speaker=text(name(speaker)),
        date=claim_date(item.get("datePublished"))
        or claim_date(get(resolve(item.get("firstAppearance")), "datePublished")),
        url=url(node.get("url")),
        publisher=text(name(author)),
        site=text(get(author, "url")),
        review_date=day(node.get("datePublished")),
        words=text(rating.get("alternateName")) or text(rating.get("name")),
        value=rating.get("ratingValue"),
        best=rating.get("bestRating"),
        worst=rating.get("worstRating"),
        body=text(node.get("reviewBody")) or text(node.get("description")),
        language=_language(review_language),
        claim_language=_language(language),
        author=text(name(checker)) if checker is not None else None,
        speaker_type=next((SPEAKER_TYPES[t] for t in sorted(types(speaker)) if t in SPEAKER_TYPES), None)
        if isinstance(speaker, dict)
        else None,
        appearances=tuple(_unique([a for a in map(_appearance, appearances) if a])),
        # The claim's own identifier (our export writes the record's id there); a ClaimReview's
        # `identifier` names the review, not the claim, and is not used.
        identity=text(item.get("identifier")),
    )


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
