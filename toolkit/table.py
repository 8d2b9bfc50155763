"""The canonical claims table: validated records merged into one typed, deterministic Polars frame.

Records become rows; text is tidied; speakers are mapped to their canonical names; repeated claims
(the same speaker saying the same words again, on another day or in another source) are linked to
their first appearance rather than dropped; rows are sorted by id.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from .dates import dates_as_text, precision_expr, start_expr
from .records import Record
from .speakers import SpeakerRegistry
from .text import claim_key_expr, tidy_expr

if TYPE_CHECKING:
    from .columns import Columns, Kind


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
    # Claims whose own reviews disagree (kept, never resolved): {"claim": id, "statuses": {status: [publishers]}}.
    review_disagreements: list[dict[str, Any]] = field(default_factory=list)

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
            "review_disagreements": self.review_disagreements,
        }


def _provenance(file: str, folder: str | os.PathLike | None = None) -> str:
    """The file relative to the dataset's `folder` (None: to the current folder), with `/`, and
    never an absolute path: the bytes depend neither on the machine nor on where the command ran."""
    if folder is not None or os.path.isabs(file):
        try:
            file = os.path.relpath(os.path.abspath(file), os.path.abspath(folder or "."))
        except ValueError:  # another drive
            file = os.path.basename(file)
    return file.replace(os.sep, "/")


def _packaged(columns: Columns | None) -> Columns:
    """The columns given, or the packaged schema's."""
    if columns is not None:
        return columns
    from .schema import load_schema

    return load_schema().columns


def input_columns(columns: Columns | None = None) -> pl.Schema:
    """What the readers give: the schema's fields, dates still text (the build adds where each
    record came from)."""
    return _packaged(columns).input_schema()


def frame_of(records: Iterable[Record], columns: Columns | None = None) -> pl.DataFrame:
    """Records (already valid) as a frame of `input_columns` (of the packaged schema unless
    `columns` are given): nothing inferred."""
    columns = _packaged(columns)
    records = list(records)
    names = columns.fields
    rows = [
        {
            **{name: record.data[name] for name in names if name in record.data},
            "source_file": record.file,
            "source_line": record.line,
        }
        for record in records
    ]
    schema = pl.Schema({**input_columns(columns), "source_file": pl.String(), "source_line": pl.Int64()})
    try:
        return pl.DataFrame(rows, schema=schema, strict=False)
    except (pl.exceptions.ComputeError, OverflowError):
        raise _too_large(records, columns) from None


def _too_large(records: list[Record], columns: Columns) -> Exception:
    """Whole numbers the table cannot hold (JSON Schema's integers have no bound, Int64 does), as
    located errors; found only when the frame could not be made."""
    from .errors import ValidationFailed
    from .records import pointer_join
    from .validation import ValidationResult

    problems = []
    for record in records:
        todo = [(record.data, columns.record, "")]
        while todo:
            value, kind, pointer = todo.pop()
            if kind.type == "integer" and isinstance(value, int) and not -(2**63) <= value < 2**63:
                problems.append(
                    record.problem(
                        pointer,
                        "too-large",
                        f"the number {value} is too large for the table (whole numbers fit in 64 bits)",
                    )
                )
            elif kind.type == "array" and isinstance(value, list) and kind.items is not None:
                todo += [(item, kind.items, pointer_join(pointer, i)) for i, item in enumerate(value)]
            elif kind.type == "object" and isinstance(value, dict):
                todo += [
                    (value[name], inner, pointer_join(pointer, name)) for name, inner in kind.fields if name in value
                ]
    if not problems:
        return RuntimeError("the records could not be made into a table")  # not ours to explain: a bug
    return ValidationFailed(ValidationResult(len({p.file for p in problems}), len(records), tuple(problems)))


def build_table(
    records: Iterable[Record], speakers: SpeakerRegistry | None = None, columns: Columns | None = None
) -> tuple[pl.DataFrame, BuildReport]:
    """Merge valid records into the canonical table and say what was linked and what conflicts."""
    columns = _packaged(columns)
    return merge(frame_of(records, columns), speakers, columns)


def merge(
    frame: pl.DataFrame,
    speakers: SpeakerRegistry | None = None,
    columns: Columns | None = None,
    *,
    folder: str | os.PathLike | None = None,
) -> tuple[pl.DataFrame, BuildReport]:
    """The canonical table from a frame of valid records (`input_columns`, `source_file` as
    given), and what was linked and what conflicts; `source_file` becomes relative to the
    dataset's `folder` (see `_provenance`)."""
    columns = _packaged(columns)
    files = frame["source_file"].unique().to_list()
    frame = frame.with_columns(
        pl.col("source_file").replace_strict(files, [_provenance(f, folder) for f in files], return_dtype=pl.String)
    )
    frame = _normalise(frame.with_columns(_precision(columns)), columns)
    frame, renamed = map_speakers(frame, speakers or SpeakerRegistry())
    frame = _link_repeats(frame)
    schema = columns.table_schema()
    table = frame.select(schema.names()).cast(schema).sort("id")
    return table, _report(table, renamed)


def _precision(columns: Columns) -> pl.Expr:
    """`date_precision`: read off the date as written where the schema lets it be partial."""
    kind = columns.record.field("date")
    return (precision_expr(pl.col("date")) if kind is not None and kind.partial else pl.lit("day")).alias(
        "date_precision"
    )


def _normalise(frame: pl.DataFrame, columns: Columns) -> pl.DataFrame:
    """Free text tidied and dates read, wherever the schema puts them; an absent list is empty."""
    tidied = [(name, _tidied(pl.col(name), kind)) for name, kind in columns.record.fields]
    lists = [name for name, kind in columns.record.fields if kind.type == "array"]
    return frame.with_columns(
        *(expression.alias(name) for name, expression in tidied if expression is not None)
    ).with_columns(pl.col(name).fill_null([]) for name in lists)


def _tidied(value: pl.Expr, kind: Kind) -> pl.Expr | None:
    """`value` as the table holds it (None: as it is)."""
    if kind.type == "date":
        # Validated already: every date parses (a partial one as its period's first day).
        return start_expr(value) if kind.partial else value.str.to_date("%Y-%m-%d")
    if kind.type == "string":
        return tidy_expr(value) if kind.tidy else None
    if kind.type == "array" and kind.items is not None:
        inner = _tidied(pl.element(), kind.items)
        return None if inner is None else value.list.eval(inner)
    if kind.type == "object":
        fields = [(name, _tidied(pl.field(name), inner)) for name, inner in kind.fields]
        changed = [expression.alias(name) for name, expression in fields if expression is not None]
        return value.struct.with_fields(*changed) if changed else None
    return None


def map_speakers(frame: pl.DataFrame, registry: SpeakerRegistry) -> tuple[pl.DataFrame, list[dict[str, str]]]:
    """Aliases become the canonical name; `speaker_id` is the Wikidata id where the registry has one."""
    names = [(alias, s.name, s.wikidata) for s in registry.speakers for alias in (s.name, *s.aliases)]
    lookup = pl.DataFrame(
        names, schema={"alias": pl.String, "canonical": pl.String, "speaker_id": pl.String}, orient="row"
    )
    lookup = lookup.with_columns(claim_key_expr(pl.col("alias")).alias("speaker_key")).unique(
        "speaker_key", keep="first"
    )
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
    ordered = frame.with_columns(pl.struct(group).hash(seed=0).alias("_group")).sort(
        "_group", "date", "id", nulls_last=True
    )
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
        rows = (
            grouped.filter(pl.col("_first") == first)
            .sort("date", "id", nulls_last=True)
            .select("id", "status", "source_file", "source_line")
        )
        statuses: dict[str, list[str]] = {}
        for row in rows.iter_rows(named=True):
            statuses.setdefault(row["status"], []).append(row["id"])
        places = [f"{r['source_file']}:{r['source_line']}" for r in rows.iter_rows(named=True)]
        conflicts.append(Conflict(first, statuses, places))
    unique = grouped["_first"].n_unique() if table.height else 0
    return BuildReport(table.height, unique, len(links), links, conflicts, renamed, _review_disagreements(table))


def _review_disagreements(table: pl.DataFrame) -> list[dict[str, Any]]:
    """The claims whose reviews give different statuses, each status with the publishers that gave
    it ("the desk" for its own reviews), in id order; none where the schema has no such reviews."""
    dtype = table.schema.get("reviews")
    if not (
        isinstance(dtype, pl.List)
        and isinstance(dtype.inner, pl.Struct)
        and {"status", "publisher"} <= {f.name for f in dtype.inner.fields}
    ):
        return []
    several = table.filter(
        pl.col("reviews").list.eval(pl.element().struct.field("status")).list.drop_nulls().list.n_unique() > 1
    )
    found = []
    for identifier, reviews in dates_as_text(several.select("id", "reviews")).iter_rows():
        statuses: dict[str, list[str]] = {}
        for review in reviews:
            if review["status"]:
                name = (review["publisher"] or {}).get("name") or "the desk"
                statuses.setdefault(review["status"], []).append(name)
        found.append({"claim": identifier, "statuses": dict(sorted(statuses.items()))})
    return found
