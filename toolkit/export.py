"""`claims export`: the canonical table written as CSV, Parquet, JSON Lines or ClaimReview JSON-LD.

Parquet and JSON Lines keep the nested table as it is (lossless, for programs); CSV flattens it for
spreadsheets; ClaimReview is schema.org markup for search engines and fact-check aggregators (see
`claimreview`). Every export is written atomically: a failed export leaves the previous file as it
was, and the same table always gives the same bytes.

CSV columns, one row per claim (UTF-8, RFC 4180 quoting, CRLF line ends, dates YYYY-MM-DD, an empty
cell for a missing value):

| column | from the table |
|---|---|
| id, speaker, speaker_id, claim, date, status, context, language | as they are |
| tags | the tags joined with "; " |
| source_count | how many sources |
| source_urls | every source's url, joined with "; " |
| source_titles | every source's title in the same order as source_urls (empty where a source has none), joined with "; " |
| review_summary, review_url, reviewer, review_date | the fields of `review` |
| history_count | how many earlier statuses |
| history | each earlier status as "date status", oldest first, joined with "; " (e.g. "2018-06-13 unverified; 2018-12-04 false") |
| repeat_of, times_repeated, first_seen, last_seen, source_file, source_line | as they are |

Sources' publishers and dates and history notes are left out: use Parquet or JSON Lines for them.
A cell that a spreadsheet would run as a formula (text starting with =, +, -, @, a tab or a carriage
return) gets a leading single quote (OWASP's advice against CSV injection), so CSV is for reading,
not for reading back.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import polars as pl

from .build import write_parquet
from .claimreview import to_claimreview
from .errors import ExportError, UsageError
from .files import atomic_path, write_text
from .table import SCHEMA

JOIN = "; "
# Cells a spreadsheet reads as a formula or a command (OWASP, "CSV Injection").
FORMULA_START = r"^[=+\-@\t\r]"


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote, and what it left out and why."""

    format: str
    path: Path
    rows: int
    left_out: int = 0
    reason: str | None = None


def export(table: pl.DataFrame, fmt: str, out: str | os.PathLike) -> ExportSummary:
    """Write `table` to `out` in format `fmt` (one of FORMATS), replacing `out` atomically; an
    unknown format is a UsageError naming the formats. Which files a command may replace is
    `outputs.check_file_output`'s to say, before the work.

    >>> from toolkit.build import build
    >>> export(build(["fixtures/"]).table, "csv", "claims.csv").rows
    14
    """
    return writer(fmt)(table, out)


def writer(fmt: str) -> Callable[[pl.DataFrame, str | os.PathLike], ExportSummary]:
    """The function that writes format `fmt`; an unknown format is a UsageError naming the formats
    (a command asks before it builds)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return FORMATS[fmt]


def export_csv(table: pl.DataFrame, out: str | os.PathLike) -> ExportSummary:
    """One row per claim, nested fields flattened (see the module docstring), formulas defused."""
    _require_canonical(table, "csv")
    frame = neutralise_formulas(flatten(table))
    with _writing(out), atomic_path(out) as temporary:
        frame.write_csv(temporary, line_terminator="\r\n", quote_style="necessary", date_format="%Y-%m-%d")
    return ExportSummary("csv", Path(out), frame.height)


def export_parquet(table: pl.DataFrame, out: str | os.PathLike) -> ExportSummary:
    """The nested table as it is, with the build's fixed Parquet settings."""
    with _writing(out):
        write_parquet(table, out)
    return ExportSummary("parquet", Path(out), table.height)


def export_jsonl(table: pl.DataFrame, out: str | os.PathLike) -> ExportSummary:
    """One JSON object per claim, nested, keys in column order, nulls kept, dates YYYY-MM-DD."""
    with _writing(out), atomic_path(out) as temporary:
        table.write_ndjson(temporary)
    return ExportSummary("jsonl", Path(out), table.height)


def export_claimreview(table: pl.DataFrame, out: str | os.PathLike) -> ExportSummary:
    """A JSON array of schema.org ClaimReview objects; claims not yet checked have no rating to give."""
    _require_canonical(table, "claimreview")
    reviews, left_out = to_claimreview(table)
    with _writing(out):
        write_text(out, json.dumps(reviews, indent=2, ensure_ascii=False) + "\n")
    reason = "unverified claims have no rating to publish" if left_out else None
    return ExportSummary("claimreview", Path(out), len(reviews), left_out, reason)


FORMATS: dict[str, Callable[[pl.DataFrame, str | os.PathLike], ExportSummary]] = {
    "csv": export_csv,
    "parquet": export_parquet,
    "jsonl": export_jsonl,
    "claimreview": export_claimreview,
}


def flatten(table: pl.DataFrame) -> pl.DataFrame:
    """The canonical table with its lists and structs turned into text and counts, for CSV."""
    sources = pl.col("sources")
    history = pl.col("history")
    review = pl.col("review").struct
    day = lambda e: e.dt.to_string("%Y-%m-%d")  # noqa: E731
    return table.select(
        "id", "speaker", "speaker_id", "claim", "date", "status", "context", "language",
        _joined(pl.col("tags")).alias("tags"),
        sources.list.len().fill_null(0).alias("source_count"),
        _joined(sources.list.eval(pl.element().struct.field("url"))).alias("source_urls"),
        # Titles stay aligned with the urls, so a missing one is an empty place, not a skipped one.
        pl.when(sources.list.eval(pl.element().struct.field("title").is_not_null()).list.any())
        .then(_joined(sources.list.eval(pl.element().struct.field("title").fill_null(""))))
        .alias("source_titles"),
        review.field("summary").alias("review_summary"),
        review.field("url").alias("review_url"),
        review.field("reviewer").alias("reviewer"),
        review.field("date").alias("review_date"),
        history.list.len().fill_null(0).alias("history_count"),
        _joined(history.list.eval(pl.concat_str(
            day(pl.element().struct.field("date")), pl.element().struct.field("status"), separator=" ",
        ))).alias("history"),
        "repeat_of", "times_repeated", "first_seen", "last_seen", "source_file", "source_line",
    )


def _joined(column: pl.Expr) -> pl.Expr:
    """A list of text as one cell; an empty list is an empty cell, not an empty string."""
    return pl.when(column.list.len() > 0).then(column.list.join(JOIN))


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix a single quote to every text cell a spreadsheet would evaluate."""
    text = pl.col(pl.String)
    return frame.with_columns(
        pl.when(text.str.contains(FORMULA_START)).then(pl.lit("'") + text).otherwise(text).name.keep()
    )


def _require_canonical(table: pl.DataFrame, fmt: str) -> None:
    """CSV and ClaimReview read named nested fields: the table must follow `table.SCHEMA`."""
    wrong = [f"{name} ({dtype})" for name, dtype in SCHEMA.items() if table.schema.get(name) != dtype]
    if wrong:
        raise ExportError(f"cannot export {fmt}: the table lacks these canonical columns: {', '.join(wrong)}")


@contextmanager
def _writing(out: str | os.PathLike) -> Iterator[None]:
    """OS errors while writing `out` (a missing permission, a full disk) become ExportError."""
    if Path(out).is_dir():
        raise ExportError(f"cannot write {out}: it is a directory")
    try:
        yield
    except OSError as error:
        raise ExportError(f"cannot write {out}: {error.strerror or error}") from error
