"""A schema.org ClaimReview node (JSON-LD) as a `Review`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .review import Review
from .values import as_list, day, first, get, name, present, text, url


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
    appearances = [_node(resolve(a)) for a in as_list(item.get("appearance")) + as_list(item.get("firstAppearance"))]
    page = url(node.get("url"))
    sources = [s for s in map(_source, appearances) if s] or ([{"url": page}] if page else [])
    language = item.get("inLanguage") or node.get("inLanguage")
    author = resolve(node.get("author")) or resolve(node.get("publisher"))
    return Review(
        position=position,
        claim=text(node.get("claimReviewed")) or text(item.get("text")) or text(item.get("name")),
        speaker=text(name(resolve(item.get("author")))),
        date=day(item.get("datePublished")) or day(get(resolve(item.get("firstAppearance")), "datePublished")),
        url=page,
        publisher=text(name(author)),
        site=text(get(author, "url")),
        review_date=day(node.get("datePublished")),
        words=text(rating.get("alternateName")) or text(rating.get("name")),
        value=rating.get("ratingValue"),
        best=rating.get("bestRating"),
        worst=rating.get("worstRating"),
        body=text(node.get("reviewBody")) or text(node.get("description")),
        language=text(get(language, "alternateName") if isinstance(language, dict) else language),
        sources=tuple(_unique(sources)),
    )


def _node(value: Any) -> dict:
    """An appearance as a node: a bare url becomes {"url": ...}."""
    return {"url": value} if isinstance(value, str) else value if isinstance(value, dict) else {}


def _source(node: dict) -> dict[str, str] | None:
    address = url(node.get("url"))
    if not address:
        return None
    return present({
        "url": address,
        "title": text(node.get("name")) or text(node.get("headline")),
        "publisher": text(name(first(node.get("publisher")))),
        "date": day(node.get("datePublished")),
    })


def _unique(sources: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: set[str] = set()
    kept = []
    for source in sources:
        if source["url"] not in seen:
            seen.add(source["url"])
            kept.append(source)
    return kept
