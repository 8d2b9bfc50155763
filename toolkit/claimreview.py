"""schema.org ClaimReview, both ways: the table as JSON-LD, and fact-checks from elsewhere as records.

Search engines and fact-check aggregators read ClaimReview; the Google Fact Check Tools API answers
`claims:search` with its own JSON. Either comes in as claim records that pass `validate`.

Statuses go out through `vocabulary.STATUSES` (ratingValue 1-5 and alternateName). Coming in, a
rating is read in this order: an alternateName or textualRating equal to one of our statuses or
their alternate names; else the keyword table below (first row that matches wins, whole words,
case, accents and punctuation ignored); else a numeric ratingValue, rescaled to 1-5 when the
publisher's bestRating/worstRating differ (3 reads as mixed, 2 as mostly-false); else `unproven`.
Whenever the publisher's own words are not one of ours, they are kept in review.summary as
`Original rating: "..."`.

| textualRating contains | status |
|---|---|
| not true, not correct, not accurate, untrue, incorrect, inaccurate, wrong, pants on fire, four pinocchios, fake, hoax, fabricated, falso, faux, falsch | false |
| mostly false, barely true, largely false, mainly false, mostly inaccurate, three pinocchios | mostly-false |
| mostly true, largely true, mainly true, mostly accurate, mostly correct, one pinocchio | mostly-true |
| half true, half right, mixture, mixed, partly true, partly false, partially true, partially false, two pinocchios | mixed |
| misleading, missing context, lacks context, needs context, out of context, exaggerated, exaggeration, distorted, distorts, cherry picked, enganoso, trompeur, irrefuhrend | misleading |
| unproven, unverified, unsupported, unsubstantiated, no evidence, not proven, insufficient evidence, cannot be verified, can t be verified, unclear | unproven |
| true, correct, accurate, verdadero, verdadeiro, vrai, wahr | true |
| false | false |
| anything else | unproven, the rating kept in review.summary |
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping
from urllib.parse import quote

import polars as pl
import yaml
from jsonschema import FormatChecker

from .errors import ExportError, UsageError
from .files import write_text
from .text import claim_key, tidy
from .vocabulary import STATUSES

CONTEXT = "https://schema.org"
WIKIDATA = "https://www.wikidata.org/wiki/"
BEST, WORST = 5, 1

# The schema's limits (schema/claim.schema.json), so that imported records validate.
MAX_SPEAKER, MAX_CLAIM, MAX_TITLE, MAX_PUBLISHER, MAX_SUMMARY, MAX_SOURCES, MAX_URL = 200, 5000, 500, 200, 5000, 20, 2000
ID_WORDS, ID_SPEAKER_CHARS, ID_CHARS = 6, 40, 80

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

RATING_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("false", ("not true", "not correct", "not accurate", "untrue", "incorrect", "inaccurate", "wrong",
               "pants on fire", "four pinocchios", "fake", "hoax", "fabricated", "falso", "faux", "falsch")),
    ("mostly-false", ("mostly false", "barely true", "largely false", "mainly false", "mostly inaccurate",
                      "three pinocchios")),
    ("mostly-true", ("mostly true", "largely true", "mainly true", "mostly accurate", "mostly correct",
                     "one pinocchio")),
    ("mixed", ("half true", "half right", "mixture", "mixed", "partly true", "partly false", "partially true",
               "partially false", "two pinocchios")),
    ("misleading", ("misleading", "missing context", "lacks context", "needs context", "out of context",
                    "exaggerated", "exaggeration", "distorted", "distorts", "cherry picked", "enganoso",
                    "trompeur", "irrefuhrend")),
    ("unproven", ("unproven", "unverified", "unsupported", "unsubstantiated", "no evidence", "not proven",
                  "insufficient evidence", "cannot be verified", "can t be verified", "unclear")),
    ("true", ("true", "correct", "accurate", "verdadero", "verdadeiro", "vrai", "wahr")),
    ("false", ("false",)),
)
_KEYWORDS = [(status, re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b")) for status, words in RATING_KEYWORDS]

_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")
_URL = re.compile(r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+[^\s]*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$")
_FORMATS = FormatChecker()


# -- out: the table as ClaimReview ------------------------------------------------------------------


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


# -- in: ClaimReview and Fact Check API answers as records ------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    """What `import_claimreview` wrote, and what it skipped and why (reason -> count)."""

    path: Path
    written: int
    skipped: Mapping[str, int] = field(default_factory=dict)


@dataclass
class _Candidate:
    """A claim read from one ClaimReview or one Fact Check API claim, before ids and merging."""

    speaker: str
    claim: str
    date: str
    status: str
    language: str | None
    sources: list[dict[str, str]]
    review: dict[str, str]


def from_claimreview(data: Any, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Claim records from ClaimReview JSON-LD (an object, a list, or an "@graph") or from a Fact Check
    Tools API `claims:search` answer ({"claims": [...]}); items that cannot make a valid record are
    skipped (see `import_claimreview` for why)."""
    return _convert(data, today)[0]


def import_claimreview(path: str | os.PathLike, out: str | os.PathLike) -> ImportSummary:
    """Read a ClaimReview or Fact Check API JSON file; write its claims to `out` (.yaml, .json or .jsonl).

    >>> summary = import_claimreview("factcheck.json", "claims/imported.yaml")
    >>> summary.written, dict(summary.skipped)
    (12, {'no claim date': 2})
    """
    serialise = _serialiser(Path(out))
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"{path}: cannot read JSON: {error}") from None
    records, skipped = _convert(data)
    try:
        write_text(out, serialise(records))
    except OSError as error:
        raise ExportError(f"cannot write {out}: {error.strerror or error}") from error
    return ImportSummary(Path(out), len(records), dict(sorted(skipped.items())))


def _serialiser(out: Path) -> Callable[[list[dict[str, Any]]], str]:
    """How records are written in the claim format `out`'s suffix names (one the readers read)."""
    suffix = out.suffix.lower()
    if suffix in (".yaml", ".yml"):
        # `---` between records; long lines are not folded, so a claim stays on one line.
        return lambda records: yaml.safe_dump_all(records, sort_keys=False, allow_unicode=True, width=1_000_000) if records else "[]\n"
    if suffix == ".json":
        return lambda records: json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if suffix in (".jsonl", ".ndjson"):
        return lambda records: "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    raise ExportError(f"cannot write claims to {out}: use a .yaml, .json or .jsonl file")


def _convert(data: Any, today: dt.date | None = None) -> tuple[list[dict[str, Any]], Counter]:
    today_text = (today or dt.datetime.now(dt.timezone.utc).date()).isoformat()
    skipped: Counter = Counter()
    candidates: list[_Candidate] = []
    for kind, item, graph in _items(data):
        if kind == "jsonld":
            candidate = _from_jsonld(item, graph)
        elif kind == "api":
            candidate = _from_api(item)
        else:
            candidate = kind  # a reason to skip
        if isinstance(candidate, str):
            skipped[candidate] += 1
        elif candidate.date > today_text:
            skipped["claim date in the future"] += 1
        else:
            candidates.append(candidate)
    return _records(candidates, skipped), skipped


def _items(data: Any, graph: Mapping[str, Any] | None = None, depth: int = 0) -> Iterator[tuple[str, Any, Mapping]]:
    """("jsonld" | "api" | a reason to skip, item, the @graph's nodes by @id) for everything in `data`.

    Inside an @graph, nodes other than ClaimReview (the publisher, the web page) only support the
    reviews, so they are not counted as skipped.
    """
    graph = graph or {}
    if depth > 4:
        yield "nested too deep", data, graph
    elif isinstance(data, list):
        for element in data:
            yield from _items(element, graph, depth + 1)
    elif not isinstance(data, dict):
        yield "not a ClaimReview object", data, graph
    elif isinstance(data.get("@graph"), list):
        nodes = {n["@id"]: n for n in data["@graph"] if isinstance(n, dict) and isinstance(n.get("@id"), str)}
        for element in data["@graph"]:
            if isinstance(element, dict) and "ClaimReview" in _types(element):
                yield "jsonld", element, {**graph, **nodes}
    elif isinstance(data.get("claims"), list) or not set(data) - {"nextPageToken"}:
        # A Fact Check API answer; one that found nothing is {}.
        for claim in data.get("claims", []):
            yield ("api" if isinstance(claim, dict) else "not a Fact Check API claim"), claim, graph
    elif "ClaimReview" in _types(data):
        yield "jsonld", data, graph
    else:
        yield "not a ClaimReview object", data, graph


def _types(node: dict) -> set[str]:
    """The @type names of a node, whatever their spelling ("schema:ClaimReview", a full IRI, a list)."""
    given = node.get("@type")
    names = given if isinstance(given, list) else [given]
    return {re.split(r"[/:#]", n)[-1] for n in names if isinstance(n, str)}


def _from_jsonld(node: dict, graph: Mapping[str, Any]) -> _Candidate | str:
    def resolve(value: Any) -> Any:
        """The first of a list, and a bare {"@id": ...} replaced by the @graph node it names."""
        value = _first(value)
        if isinstance(value, dict) and set(value) == {"@id"}:
            return graph.get(value["@id"], value)
        return value

    item = resolve(node.get("itemReviewed"))
    item = item if isinstance(item, dict) else {}
    rating = resolve(node.get("reviewRating"))
    rating = rating if isinstance(rating, dict) else {}
    text = rating.get("alternateName") or rating.get("name")
    status, keep = _status(text, rating.get("ratingValue"), rating.get("bestRating"), rating.get("worstRating"))
    appearances = [_first_node(a, resolve) for a in _list(item.get("appearance")) + _list(item.get("firstAppearance"))]
    sources = [_source(a) for a in appearances]
    if not any(sources):
        sources = [_source({"url": node.get("url")})]
    language = item.get("inLanguage") or node.get("inLanguage")
    review = {
        "summary": _summary(node.get("reviewBody") or node.get("description"), text if keep else None),
        "url": _url(node.get("url")),
        "reviewer": _text(_name(resolve(node.get("author"))) or _name(resolve(node.get("publisher"))), MAX_SPEAKER),
        "date": _day(node.get("datePublished")),
    }
    return _candidate(
        speaker=_name(resolve(item.get("author"))),
        claim=node.get("claimReviewed") or item.get("text") or item.get("name"),
        date=_day(item.get("datePublished")) or _day(_get(resolve(item.get("firstAppearance")), "datePublished")),
        status=status,
        language=_get(language, "alternateName") if isinstance(language, dict) else language,
        sources=sources,
        review=review,
    )


def _first_node(value: Any, resolve) -> dict:
    """An appearance as a node: a bare url becomes {"url": ...}."""
    value = resolve(value)
    return {"url": value} if isinstance(value, str) else value if isinstance(value, dict) else {}


def _from_api(claim: dict) -> _Candidate | str:
    """A Fact Check API claim: the first review gives the status; every review's page is a source."""
    reviews = [r for r in _list(claim.get("claimReview")) if isinstance(r, dict)]
    if not reviews:
        return "no review"
    first = reviews[0]
    text = first.get("textualRating")
    status, keep = _status(text, None, None, None)
    publisher = lambda review: _get(review.get("publisher"), "name") or _get(review.get("publisher"), "site")  # noqa: E731
    sources = [
        _source({"url": r.get("url"), "name": r.get("title"), "publisher": publisher(r), "datePublished": r.get("reviewDate")})
        for r in reviews
    ]
    review = {
        "summary": _summary(None, text if keep else None),
        "url": _url(first.get("url")),
        "reviewer": _text(publisher(first), MAX_SPEAKER),
        "date": _day(first.get("reviewDate")),
    }
    return _candidate(
        speaker=claim.get("claimant"),
        claim=claim.get("text"),
        date=_day(claim.get("claimDate")),
        status=status,
        language=first.get("languageCode"),
        sources=sources,
        review=review,
    )


def _candidate(*, speaker: Any, claim: Any, date: str | None, status: str, language: Any,
               sources: list[dict[str, str] | None], review: dict[str, Any]) -> _Candidate | str:
    """The checks that make a record valid, each failure a reason to skip the item."""
    claim_text = _text(claim, None)
    speaker_text = _text(speaker, None)
    if not claim_text:
        return "no claim text"
    if len(claim_text) > MAX_CLAIM:
        return f"claim text longer than {MAX_CLAIM} characters"
    if not speaker_text:
        return "no speaker (claimant)"
    if len(speaker_text) > MAX_SPEAKER:
        return f"speaker longer than {MAX_SPEAKER} characters"
    if not date:
        return "no claim date"
    unique = _unique_sources([s for s in sources if s], [])
    if not unique:
        return "no source url"
    language = language if isinstance(language, str) and _LANGUAGE.match(language) else None
    return _Candidate(speaker_text, claim_text, date, status, language, unique, _present(review))


def _records(candidates: list[_Candidate], skipped: Counter) -> list[dict[str, Any]]:
    """Merge candidates that `validate` would call duplicates (same speaker, words and date), then
    give each a readable unique id."""
    merged: dict[tuple[str, str, str], _Candidate] = {}
    for candidate in candidates:
        key = (claim_key(candidate.speaker), claim_key(candidate.claim), candidate.date)
        if key in merged:
            first = merged[key]
            first.sources = _unique_sources(candidate.sources, first.sources)
            skipped["same claim as an earlier item (sources merged)"] += 1
        else:
            merged[key] = candidate
    used: set[str] = set()
    records = []
    for c in merged.values():
        records.append(_present({
            "id": _unique_id(c.speaker, c.claim, used),
            "speaker": c.speaker,
            "claim": c.claim,
            "date": c.date,
            "status": c.status,
            "language": c.language,
            "sources": c.sources,
            "review": c.review or None,
        }))
    return records


def _unique_sources(sources: list[dict[str, str]], known: list[dict[str, str]]) -> list[dict[str, str]]:
    """`known` then the `sources` whose url is new, at most as many as the schema allows."""
    kept = list(known)
    urls = {s["url"] for s in kept}
    for source in sources:
        if source["url"] not in urls:
            urls.add(source["url"])
            kept.append(source)
    return kept[:MAX_SOURCES]


def _unique_id(speaker: str, claim: str, used: set[str]) -> str:
    """`speaker-first-words-of-the-claim`, then -2, -3... if taken; always 3-100 characters."""
    base = _slug(speaker)
    if len(base) > ID_SPEAKER_CHARS:
        base = base[:ID_SPEAKER_CHARS].rsplit("-", 1)[0]
    for word in _slug(claim).split("-")[:ID_WORDS]:
        if not word or len(base) + len(word) + 1 > ID_CHARS:
            break
        base = f"{base}-{word}" if base else word
    base = base.strip("-") or "claim"
    if len(base) < 3:
        base = f"{base}-claim"
    identifier, number = base, 1
    while identifier in used:
        number += 1
        identifier = f"{base}-{number}"
    used.add(identifier)
    return identifier


def _slug(text: str) -> str:
    """Lowercase ASCII words joined by hyphens: accents dropped, "that's" kept as one word."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain.replace("'", "")).strip("-")


def _status(text: Any, value: Any, best: Any, worst: Any) -> tuple[str, bool]:
    """Our status for a publisher's rating, and whether their words should be kept (not ours)."""
    if isinstance(text, str) and text.strip():
        words = _words(text)
        for name, status in STATUSES.items():
            if words in (_words(name), _words(status.alternate_name)) and status.rating is not None:
                return name, False
        status = rating_status(text)
        if status:
            return status, True
    number = _number(value)
    if number is not None:
        high, low = _number(best) or BEST, _number(worst) or WORST
        if high != low:
            scaled = math.floor(WORST + (BEST - WORST) * (number - low) / (high - low) + 0.5)
            for name, status in STATUSES.items():
                if status.rating == scaled:
                    return name, isinstance(text, str) and bool(text.strip())
    return "unproven", isinstance(text, str) and bool(text.strip())


def rating_status(text: str) -> str | None:
    """The status a publisher's textual rating means by the keyword table, or None if it says nothing known."""
    words = _words(text)
    for status, pattern in _KEYWORDS:
        if pattern.search(words):
            return status
    return None


def _words(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _summary(body: Any, rating: str | None) -> str | None:
    parts = [f'Original rating: "{tidy(rating)}".'] if rating else []
    body = _text(body, None)
    if body:
        parts.append(body)
    summary = " ".join(parts)
    if len(summary) > MAX_SUMMARY:
        summary = summary[: MAX_SUMMARY - 1] + "…"
    return summary or None


def _source(node: Any) -> dict[str, str] | None:
    node = node if isinstance(node, dict) else {}
    url = _url(node.get("url"))
    if not url:
        return None
    return _present({
        "url": url,
        "title": _text(node.get("name") or node.get("headline"), MAX_TITLE),
        "publisher": _text(_name(_first(node.get("publisher"))), MAX_PUBLISHER),
        "date": _day(node.get("datePublished")),
    })


def _url(value: Any) -> str | None:
    """A web address the schema accepts; non-ASCII characters are percent-encoded first."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not _conforms(url):
        url = quote(url, safe=":/?#[]@!$&'()*+,;=%~")
    return url if _conforms(url) else None


def _conforms(url: str) -> bool:
    return len(url) <= MAX_URL and bool(_URL.match(url)) and _FORMATS.conforms(url, "uri")


def _day(value: Any) -> str | None:
    """YYYY-MM-DD from a date or a date-time, if it is a real day."""
    if not isinstance(value, str) or not _DAY.match(value.strip()):
        return None
    day = value.strip()[:10]
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return None
    return day


def _text(value: Any, limit: int | None) -> str | None:
    if not isinstance(value, str):
        return None
    text = tidy(value)
    if not text or (limit is not None and len(text) > limit):
        return None
    return text


def _name(node: Any) -> str | None:
    if isinstance(node, str):
        return node
    return _get(node, "name")


def _get(node: Any, key: str) -> Any:
    return node.get(key) if isinstance(node, dict) else None


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else None if isinstance(value, list) else value


def _list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]
