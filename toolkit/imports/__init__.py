"""Fact-checks published elsewhere, in as claim records of schema 2 that pass `claims validate`.

`shapes` finds the items in a file of any shape (`answer`: a large API answer in pieces, each
parsed where its records are made), `jsonld` and `factcheck_api` read each item's
reviews, `tabular` reads a CSV or TSV table through a map (and LIAR's TSV); `records` gathers the
reviews of each claim into one record, each review with a status from `toolkit.ratings`, and a
stable id from `ids`. Nothing is written unless at least one record is made.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .. import forked
from ..errors import ClaimsError, ExportError, UsageError
from ..files import write_bytes
from ..ratings import RatingMap, load_ratings
from ..schema import load_schema
from ..text import plural
from .answer import Answer, NotPieces, cut
from .factcheck_api import reviews_from_api
from .jsonld import reviews_from_jsonld
from .maps import LIAR, TableMap, load_map
from .records import Disagreement, Outcome, Skipped, to_records
from .review import Review
from .shapes import Item, read_items, walk
from .summary import REPORT_SUFFIXES, ImportSummary, render, write_report
from .tabular import reviews_from_records, reviews_from_table

__all__ = [
    "ImportSummary",
    "Skipped",
    "Disagreement",
    "SOURCES",
    "from_claimreview",
    "import_claims",
    "import_claimreview",
    "read_claims",
    "read_claimreview",
    "render",
]


SOURCES = ("claimreview", "csv", "tsv", "liar", "json", "jsonl")
MAPPED = ("csv", "tsv", "json", "jsonl")  # the sources read through a --map


def read_claims(
    path: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    source: str = "claimreview",
    table_map: str | os.PathLike | None = None,
    ratings: RatingMap | None = None,
    default_speaker: str | None = None,
    today: dt.date | None = None,
) -> tuple[list[dict[str, Any]], ImportSummary]:
    """The records in a file (or several, read as one input: the same claim in two files is one
    record) of `source`'s shape (ClaimReview or Fact Check API JSON of any shape `shapes` reads;
    a CSV or TSV table, or JSON records, through `table_map`; LIAR's TSV), and the summary (its
    `path` is None)."""
    outcome, summary = _read(_paths(path), source, table_map, ratings, default_speaker, today)
    return outcome.records, summary


def _read(
    paths: list[str | os.PathLike],
    source: str,
    table_map: str | os.PathLike | None,
    ratings: RatingMap | None,
    default_speaker: str | None,
    today: dt.date | None,
) -> tuple[Outcome, ImportSummary]:
    if source in MAPPED:
        table = load_map(table_map, "\t" if source == "tsv" else ",", source)
    elif table_map is not None:
        raise UsageError(f"--map is for --from {' or '.join(MAPPED)}, not {source}")
    else:
        table = LIAR
    # Many small pieces of a large answer: a worker makes the records of 7,500 claims 4% faster
    # than those of 30,000 (less to keep at hand), and the last pieces end closer together.
    if source == "claimreview" and len(paths) == 1 and (answer := cut(paths[0], 16 * forked.cores())):
        try:
            return _convert(answer, ratings, default_speaker, today)
        except NotPieces:
            pass  # read whole below, which tells what is wrong with it
    named = len(paths) > 1
    items = ((Path(p).name if named else None, item) for p in paths for item in _items(p, source, table))
    return _convert(items, ratings, default_speaker, today)


def read_claimreview(path: str | os.PathLike, **options: Any) -> tuple[list[dict[str, Any]], ImportSummary]:
    """`read_claims` of ClaimReview JSON-LD or Fact Check API JSON."""
    return read_claims(path, source="claimreview", **options)


def from_claimreview(
    data: Any, *, ratings: RatingMap | None = None, default_speaker: str | None = None, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """The records in parsed JSON (ClaimReview JSON-LD or a Fact Check API answer or claims).

    >>> [r["status"] for r in from_claimreview({"claims": []})]
    []
    """
    return _convert(((None, item) for item in walk(data)), ratings, default_speaker, today)[0].records


def import_claims(
    path: str | os.PathLike | Sequence[str | os.PathLike],
    out: str | os.PathLike,
    *,
    source: str = "claimreview",
    table_map: str | os.PathLike | None = None,
    ratings: str | os.PathLike | None = None,
    default_speaker: str | None = None,
    strict: bool = False,
    report: str | os.PathLike | None = None,
    today: dt.date | None = None,
) -> ImportSummary:
    """Read fact-checks from `path`, one file or several (see `read_claims`); write their records to `out` (.yaml,
    .json or .jsonl).

    Nothing is written when no record was made, or with `strict` when a rating is unmapped
    (both exit 1 from the CLI); `report` (.json or .csv) lists every skipped item either way.

    >>> summary = import_claims("tests/data/factcheck-api-arabic.json", "imported.yaml")
    >>> summary.written, summary.reviews_kept, summary.skipped_by_reason
    (5, 7, {})
    """
    serialise = _serialiser(Path(out))
    if source not in SOURCES:
        raise UsageError(f"--from {source}: choose one of {', '.join(SOURCES)}")
    if report is not None and Path(report).suffix.lower() not in REPORT_SUFFIXES:
        raise UsageError(f"--report {report}: use a .json or .csv file")
    for other in (out, report):
        if other is not None and any(Path(other).resolve() == Path(p).resolve() for p in _paths(path)):
            raise UsageError(f"{other} is an input; write to another file")
    outcome, summary = _read(_paths(path), source, table_map, load_ratings(ratings), default_speaker, today)
    summary = ImportSummary(Path(out), **{k: v for k, v in summary.__dict__.items() if k != "path"})
    if report is not None:
        write_report(Path(report), summary)
    if not outcome.lines:
        reasons = "; ".join(f"{n} {reason}" for reason, n in summary.skipped_by_reason.items())
        raise ClaimsError(
            f"{', '.join(map(str, _paths(path)))}: no record imported from {plural(summary.items, 'item')}"
            + (f" ({reasons})" if reasons else f": no {source} item found")
            + f"; {out} not written"
        )
    if strict and summary.unmapped:
        listed = ", ".join(f'"{words}" ({publisher or "no publisher"})' for words, publisher in summary.unmapped)
        raise ClaimsError(
            f"{', '.join(map(str, _paths(path)))}: {plural(sum(summary.unmapped.values()), 'review')} with unmapped ratings: {listed}; "
            f"map them with --ratings FILE.yaml; {out} not written (--strict)"
        )
    try:
        write_bytes(out, serialise(outcome))
    except OSError as error:
        raise ExportError(f"cannot write {out}: {error.strerror or error}") from error
    return summary


def import_claimreview(path: str | os.PathLike, out: str | os.PathLike, **options: Any) -> ImportSummary:
    """`import_claims` of ClaimReview JSON-LD or Fact Check API JSON."""
    return import_claims(path, out, source="claimreview", **options)


def _paths(path: str | os.PathLike | Sequence[str | os.PathLike]) -> list[str | os.PathLike]:
    paths = [path] if isinstance(path, (str, os.PathLike)) else list(path)
    if not paths:
        raise UsageError("no file to import")
    return paths


def _placed(item: Any, name: str) -> Any:
    """An item of one of several files, its positions prefixed with the file's name."""
    if isinstance(item, Skipped):
        return dataclasses.replace(item, position=f"{name} {item.position}")
    return [
        dataclasses.replace(r, position=f"{name} {r.position}") if isinstance(r, Review) else (f"{name} {r[0]}", *r[1:])
        for r in item
    ]


def _items(path: str | os.PathLike, source: str, table: TableMap) -> Iterator[Item | list[Any]]:
    """The items of a file: what the Fact Check API or JSON-LD reader finds (read into reviews
    later, by whichever process makes their records), or each table row's or JSON record's review."""
    if source == "claimreview":
        return read_items(path)
    if source in ("json", "jsonl"):
        return ([record] for record in reviews_from_records(path, table, lines=source == "jsonl"))
    return ([row] for row in reviews_from_table(path, table))


def _reviews(
    named_item: tuple[str | None, Item | list[Any]],
) -> list[Review | tuple[str, str | None, str]] | Skipped:
    """An item's reviews (each one that cannot be read as (position, url, reason)), or why the
    whole item is skipped; positions prefixed with the item's file when there are several."""
    name, item = named_item
    if not isinstance(item, Item):
        reviews: list[Review | tuple[str, str | None, str]] | Skipped = list(item)
    elif item.kind == "skip":
        reviews = Skipped(item.position, None, item.reason or "not readable")
    elif item.kind == "jsonld":
        reviews = list(reviews_from_jsonld(item.position, item.node, item.graph))
    else:
        reviews = list(reviews_from_api(item.position, item.node))
    return reviews if name is None else _placed(reviews, name)


def _convert(
    items: Iterable[tuple[str | None, Item | list[Any]]] | Answer,
    ratings: RatingMap | None,
    default_speaker: str | None,
    today: dt.date | None,
) -> tuple[Outcome, ImportSummary]:
    """Records and the summary from the items of an input, each with the name of its file when
    there are several (or from a large answer, read in pieces where its records are made)."""
    collecting = gc.isenabled()
    gc.disable()  # an import makes millions of objects that live to its end and hold no cycle:
    try:  # the collector would scan them again and again (a third of the time of 240,000 items)
        outcome = to_records(
            # Read (parsed and found) here, or a piece at a time where its records are made; an item
            # is made into reviews where its records are made.
            items if isinstance(items, Answer) else list(items),
            _reviews,
            schema=load_schema(None),
            ratings=ratings or RatingMap(),
            default_speaker=default_speaker,
            today=today,
        )
    finally:
        if collecting:
            _promote_young()
            gc.enable()
    summary = ImportSummary(
        path=None,
        items=outcome.items,
        reviews=outcome.reviews,
        written=len(outcome.lines),
        reviews_kept=outcome.reviews_kept,
        skipped=tuple(outcome.skipped),
        notes=dict(sorted(outcome.notes.items())),
        unmapped=dict(sorted(outcome.unmapped.items(), key=lambda kv: (-kv[1], kv[0]))),
        no_verdict=dict(sorted(outcome.no_verdict.items(), key=lambda kv: (-kv[1], kv[0]))),
        disagreements=tuple(outcome.disagreements),
    )
    return outcome, summary


def _promote_young() -> None:
    """The objects made while the collector was off, counted old without a scan: the first
    collection after it is back would scan them all (0.16 s for 240,000 items), and they hold no
    cycle. (Unless the caller froze objects of its own, which must stay frozen.)"""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()  # back in the oldest generation, which is scanned only when it has grown by a quarter


def _serialiser(out: Path) -> Callable[[Outcome], bytes]:
    """How records are written in the claim format `out`'s suffix names (one the readers read):
    YAML and JSON in `claims fmt`'s canonical form (so that `claims fmt --check` passes on them)."""
    from ..fmt import canonical_text

    suffix = out.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return lambda outcome: canonical_text(outcome.records, "yaml", load_schema(None)).encode()
    if suffix == ".json":
        return lambda outcome: canonical_text(outcome.records, "json", load_schema(None)).encode()
    if suffix in (".jsonl", ".ndjson"):
        return lambda outcome: b"\n".join([*outcome.lines, b""])
    raise ExportError(f"cannot write claims to {out}: use a .yaml, .json or .jsonl file")
