"""The canonical claims table: validated records merged into one typed, deterministic Polars frame.

Records become rows; text is tidied; speakers are mapped to their canonical names; repeated claims
(the same speaker saying the same words again, on another day or in another source) are linked to
their first appearance rather than dropped; rows are sorted by id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterable

import polars as pl

from .records import Record
from .speakers import SpeakerRegistry
from .text import claim_key_expr, tidy_expr

SOURCE = pl.Struct({"url": pl.String, "title": pl.String, "publisher": pl.String, "date": pl.Date})
REVIEW = pl.Struct({"summary": pl.String, "url": pl.String, "reviewer": pl.String, "date": pl.Date})
HISTORY = pl.Struct({"date": pl.Date, "status": pl.String, "note": pl.String})

# The columns as curators write them (dates still text), then as the table holds them.
_INPUT = pl.Schema({
    "id": pl.String,
    "speaker": pl.String,
    "claim": pl.String,
    "date": pl.String,
    "status": pl.String,
    "context": pl.String,
    "language": pl.String,
    "tags": pl.List(pl.String),
    "sources": pl.List(pl.Struct({"url": pl.String, "title": pl.String, "publisher": pl.String, "date": pl.String})),
    "review": pl.Struct({"summary": pl.String, "url": pl.String, "reviewer": pl.String, "date": pl.String}),
    "history": pl.List(pl.Struct({"date": pl.String, "status": pl.String, "note": pl.String})),
    "source_file": pl.String,
    "source_line": pl.Int64,
})

SCHEMA = pl.Schema({
    "id": pl.String,
    "speaker": pl.String,
    "speaker_id": pl.String,
    "claim": pl.String,
    "date": pl.Date,
    "status": pl.String,
    "context": pl.String,
    "language": pl.String,
    "tags": pl.List(pl.String),
    "sources": pl.List(SOURCE),
    "review": REVIEW,
    "history": pl.List(HISTORY),
    "repeat_of": pl.String,
    "times_repeated": pl.Int64,
    "first_seen": pl.Date,
    "last_seen": pl.Date,
    "source_file": pl.String,
    "source_line": pl.Int64,
})

TEXT_COLUMNS = ("speaker", "claim", "context")

# What the columns that the build adds mean (the others are described by the schema).
DERIVED = {
    "speaker_id": "Wikidata id of the speaker, from the speaker registry, where known.",
    "repeat_of": "Id of this claim's first appearance when the same speaker said the same words before; null for the first.",
    "times_repeated": "How many times the claim was made again after its first appearance (0: said once).",
    "first_seen": "Date of the claim's first appearance.",
    "last_seen": "Date of the claim's latest appearance.",
    "source_file": "The file the record came from, as given to the build.",
    "source_line": "The line of that file where the record starts.",
}


@dataclass(frozen=True)
class Conflict:
    """Repeats of one claim that disagree on status: never resolved silently."""

    claim_id: str
    statuses: dict[str, list[str]]  # status -> ids of the rows that hold it
    places: list[str]  # file:line of every row of the group


@dataclass(frozen=True)
class BuildReport:
    """What the merge did, for people and scripts: counts, links between repeats, conflicts."""

    claims: int
    unique_claims: int
    repeats: int
    links: list[dict[str, str]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    speakers_renamed: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "claims": self.claims,
            "unique_claims": self.unique_claims,
            "repeats": self.repeats,
            "conflicts": len(self.conflicts),
            "links": self.links,
            "status_conflicts": [
                {"claim": c.claim_id, "statuses": c.statuses, "places": c.places} for c in self.conflicts
            ],
            "speakers_renamed": self.speakers_renamed,
        }


def _provenance(file: str) -> str:
    """The file as given, but never an absolute path (the bytes must not depend on the machine)."""
    if os.path.isabs(file):
        try:
            return os.path.relpath(file)
        except ValueError:
            return os.path.basename(file)
    return file


# What the readers give, before the build adds where each record came from.
INPUT_COLUMNS = pl.Schema({name: dtype for name, dtype in _INPUT.items() if name not in ("source_file", "source_line")})


def _row(record: Record) -> dict[str, Any]:
    row = {name: record.data.get(name) for name in _INPUT.names() if name in record.data}
    row["source_file"] = record.file
    row["source_line"] = record.line
    return row


def frame_of(records: Iterable[Record]) -> pl.DataFrame:
    """Records (already valid) as a frame with the input schema: nothing inferred."""
    return pl.DataFrame([_row(r) for r in records], schema=_INPUT, strict=False)


def build_table(records: Iterable[Record], speakers: SpeakerRegistry | None = None) -> tuple[pl.DataFrame, BuildReport]:
    """Merge valid records into the canonical table and say what was linked and what conflicts."""
    return merge(frame_of(records), speakers)


def merge(frame: pl.DataFrame, speakers: SpeakerRegistry | None = None) -> tuple[pl.DataFrame, BuildReport]:
    """The canonical table from a frame of valid records (the input columns, `source_file` as
    given), and what was linked and what conflicts."""
    files = frame["source_file"].unique().to_list()
    frame = frame.with_columns(pl.col("source_file").replace_strict(
        files, [_provenance(f) for f in files], return_dtype=pl.String))
    frame = _normalise(frame)
    frame, renamed = _map_speakers(frame, speakers or SpeakerRegistry())
    frame = _link_repeats(frame)
    table = frame.select(SCHEMA.names()).sort("id")
    return table, _report(table, renamed)


def _normalise(frame: pl.DataFrame) -> pl.DataFrame:
    dated = lambda e: e.str.to_date("%Y-%m-%d")  # noqa: E731 - validated already: every date parses
    return frame.with_columns(
        *(tidy_expr(pl.col(c)) for c in TEXT_COLUMNS),
        dated(pl.col("date")),
        pl.col("tags").list.eval(tidy_expr(pl.element())),
        pl.col("sources").list.eval(pl.element().struct.with_fields(
            tidy_expr(pl.field("title")), tidy_expr(pl.field("publisher")), dated(pl.field("date")),
        )),
        pl.col("review").struct.with_fields(
            tidy_expr(pl.field("summary")), tidy_expr(pl.field("reviewer")), dated(pl.field("date")),
        ),
        pl.col("history").list.eval(pl.element().struct.with_fields(
            dated(pl.field("date")), tidy_expr(pl.field("note")),
        )),
    ).with_columns(
        pl.col("tags").fill_null([]),
        pl.col("history").fill_null([]),
    )


def _map_speakers(frame: pl.DataFrame, registry: SpeakerRegistry) -> tuple[pl.DataFrame, list[dict[str, str]]]:
    """Aliases become the canonical name; `speaker_id` is the Wikidata id where the registry has one."""
    names = [(alias, s.name, s.wikidata) for s in registry.speakers for alias in (s.name, *s.aliases)]
    lookup = pl.DataFrame(names, schema={"alias": pl.String, "canonical": pl.String, "speaker_id": pl.String}, orient="row")
    lookup = lookup.with_columns(claim_key_expr(pl.col("alias")).alias("speaker_key")).unique("speaker_key", keep="first")
    joined = frame.with_columns(claim_key_expr(pl.col("speaker")).alias("speaker_key")).join(
        lookup.drop("alias"), on="speaker_key", how="left", maintain_order="left"
    )
    renamed = (
        joined.filter(pl.col("canonical").is_not_null() & (pl.col("canonical") != pl.col("speaker")))
        .select(pl.col("speaker").alias("from"), pl.col("canonical").alias("to"))
        .unique()
        .sort("from", "to")
    )
    joined = joined.with_columns(pl.coalesce("canonical", "speaker").alias("speaker")).drop("canonical", "speaker_key")
    return joined, renamed.to_dicts()


def _link_repeats(frame: pl.DataFrame) -> pl.DataFrame:
    """Same speaker and same words (see `text.claim_key`) make one claim; each row keeps its id
    and points at the group's first appearance (earliest date, then smallest id)."""
    group = [claim_key_expr(pl.col("speaker")), claim_key_expr(pl.col("claim"))]
    ordered = frame.with_columns(pl.struct(group).hash(seed=0).alias("_group")).sort("_group", "date", "id")
    first_id = pl.col("id").first().over("_group")
    return ordered.with_columns(
        pl.when(first_id != pl.col("id")).then(first_id).otherwise(None).alias("repeat_of"),
        (pl.len().over("_group") - 1).cast(pl.Int64).alias("times_repeated"),
        pl.col("date").min().over("_group").alias("first_seen"),
        pl.col("date").max().over("_group").alias("last_seen"),
    )


def _report(table: pl.DataFrame, renamed: list[dict[str, str]]) -> BuildReport:
    grouped = table.with_columns(pl.coalesce("repeat_of", "id").alias("_first"))
    links = grouped.filter(pl.col("repeat_of").is_not_null()).select("id", "repeat_of").sort("id").to_dicts()
    conflicts = []
    disagreeing = grouped.group_by("_first").agg(pl.col("status").n_unique().alias("n")).filter(pl.col("n") > 1)
    for first in sorted(disagreeing["_first"].to_list()):
        rows = grouped.filter(pl.col("_first") == first).sort("date", "id")
        statuses: dict[str, list[str]] = {}
        for row in rows.iter_rows(named=True):
            statuses.setdefault(row["status"], []).append(row["id"])
        places = [f"{r['source_file']}:{r['source_line']}" for r in rows.iter_rows(named=True)]
        conflicts.append(Conflict(first, statuses, places))
    unique = grouped["_first"].n_unique() if table.height else 0
    return BuildReport(table.height, unique, len(links), links, conflicts, renamed)
