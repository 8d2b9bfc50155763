"""`claims export`: the canonical table written as CSV, Parquet, JSON Lines or ClaimReview JSON-LD.

Parquet keeps the nested table as it is, every column the build adds included (lossless, for
programs); JSON Lines writes claim records, one per line, in the schema's shape (the build's own
columns and absent values left out, the claim's date as written), so that it is claim input again;
CSV flattens the table for spreadsheets; ClaimReview is schema.org markup for search engines and fact-check aggregators (see
`claimreview`). Every export is written atomically: a failed export leaves the previous file as it
was, and the same table always gives the same bytes.

CSV is claim input again: `claims validate` passes on an export and reads it back as the same
records, every field kept. One row per claim, one column per table column, in table order (UTF-8,
RFC 4180 quoting, CRLF line ends, an empty cell for a missing value or an empty list; `--bom` puts
the UTF-8 byte-order mark first, for Excel):

| the column holds | its cell |
|---|---|
| text, a whole number, a number, true/false | as it is (`true`/`false`) |
| a date | YYYY-MM-DD; the claim's `date` as written (`2018-12`, `2018`, `unknown`, from `date_precision`) |
| a list of text, numbers or dates | the items joined with "; ", or a JSON array when that would be ambiguous (an item holding `;`, starting or ending with a space, or the first starting with `[`) |
| a list of objects, an object | JSON (`[{"url": "https://...", "title": "..."}]`), empty fields left out |

The columns the build adds (`speaker_id`, `repeat_of`, `times_repeated`, `first_seen`, `last_seen`,
`source_file`, `source_line`) are written too; reading a CSV passes over them, as the build works
them out again. A text cell that a spreadsheet would run as a formula (starting with =, +, -, @, a
tab or a carriage return, after any single quotes) gets a leading single quote (OWASP's advice
against CSV injection); the CSV reader removes that one quote again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from .claimreview import LEFT_OUT, to_claimreview
from .columns import BUILT, CONTRACT
from .dates import dates_as_text, written_expr
from .errors import ExportError, UsageError
from .files import atomic_path, write_parquet, write_text
from .text import FORMULA_START

JOIN = "; "


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote, and what it left out and why."""

    format: str
    path: Path
    rows: int
    left_out: int = 0
    reason: str | None = None
    unmarked: str | None = None  # why the export marker could not name the file (None: it does)


def export(
    table: pl.DataFrame,
    fmt: str,
    out: str | os.PathLike,
    *,
    bom: bool = False,
    publisher: Mapping[str, str] | None = None,
    all_reviews: bool = False,
) -> ExportSummary:
    """Write `table` to `out` in format `fmt` (one of FORMATS), replacing `out` atomically; an
    unknown format is a UsageError naming the formats. Which files a command may replace is
    `outputs.check_file_output`'s to say, before the work. `publisher` (the desk, from
    claims.yaml) and `all_reviews` are for ClaimReview (see `claimreview`).

    >>> from toolkit.building import build
    >>> export(build(["fixtures/"]).table, "csv", "claims.csv").rows
    14
    """
    write = writer(fmt)
    if bom and fmt != "csv":
        raise ExportError(f"--bom is for CSV only, not {fmt}")
    if fmt == "claimreview":
        return export_claimreview(table, out, publisher=publisher, all_reviews=all_reviews)
    if publisher is not None or all_reviews:
        raise ExportError(f"--all-reviews is for ClaimReview only, not {fmt}")
    return export_csv(table, out, bom=True) if bom else write(table, out)


def writer(fmt: str) -> Callable[[pl.DataFrame, str | os.PathLike], ExportSummary]:
    """The function that writes format `fmt`; an unknown format is a UsageError naming the formats
    (a command asks before it builds)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return FORMATS[fmt]


def export_csv(table: pl.DataFrame, out: str | os.PathLike, *, bom: bool = False) -> ExportSummary:
    """One row per claim, lists and objects as cells (see the module docstring), formulas defused;
    `bom` starts the file with the UTF-8 byte-order mark, for Excel."""
    _require_canonical(table, "csv")
    frame = neutralise_formulas(flatten(as_written(table)))
    with _writing(out), atomic_path(out) as temporary:
        frame.write_csv(
            temporary, line_terminator="\r\n", quote_style="necessary", date_format="%Y-%m-%d", include_bom=bom
        )
    return ExportSummary("csv", Path(out), frame.height)


def export_parquet(table: pl.DataFrame, out: str | os.PathLike) -> ExportSummary:
    """The nested table as it is, with the build's fixed Parquet settings."""
    with _writing(out):
        write_parquet(table, out)
    return ExportSummary("parquet", Path(out), table.height)


def export_jsonl(table: pl.DataFrame, out: str | os.PathLike) -> ExportSummary:
    """One claim record per line (`claim_records`): `claims validate` reads the export back as the
    same records, and building it gives the same table."""
    _require_canonical(table, "jsonl")
    lines = b"".join(orjson.dumps(record) + b"\n" for record in claim_records(table))
    with _writing(out), atomic_path(out) as temporary:
        temporary.write_bytes(lines)
    return ExportSummary("jsonl", Path(out), table.height)


def claim_records(table: pl.DataFrame) -> Iterator[dict[str, Any]]:
    """The table's rows as the records they were built from: the columns the build adds left out,
    the claim's date as written (`2018-12`, `unknown`), dates YYYY-MM-DD, keys in the schema's order,
    and a field with no value (null; an empty list, as the table holds an absent list) left out."""
    fields = [name for name in table.columns if name not in BUILT]
    for row in dates_as_text(as_written(table).select(fields)).iter_rows(named=True):  # (year 0000: see dates_as_text)
        yield {key: value for key, value in _without_nulls(row).items() if value != []}


def export_claimreview(
    table: pl.DataFrame,
    out: str | os.PathLike,
    *,
    publisher: Mapping[str, str] | None = None,
    all_reviews: bool = False,
) -> ExportSummary:
    """A JSON array of schema.org ClaimReview objects, one per review published (see `claimreview`);
    claims not yet checked, or checked only by others without `all_reviews`, are left out."""
    _require_canonical(table, "claimreview")
    reviews, left_out = to_claimreview(table, publisher=publisher, all_reviews=all_reviews)
    with _writing(out):
        write_text(out, json.dumps(reviews, indent=2, ensure_ascii=False) + "\n")
    reason = "; ".join(f"{count:,} {LEFT_OUT[why]}" for why, count in left_out.items()) or None
    return ExportSummary("claimreview", Path(out), len(reviews), sum(left_out.values()), reason)


FORMATS: dict[str, Callable[[pl.DataFrame, str | os.PathLike], ExportSummary]] = {
    "csv": export_csv,
    "parquet": export_parquet,
    "jsonl": export_jsonl,
    "claimreview": export_claimreview,
}


def as_written(table: pl.DataFrame) -> pl.DataFrame:
    """The claim's date as it was written (`2018-12`, `2018`, `unknown`), from the table's Date
    and `date_precision`: a CSV export is claim input again."""
    if "date_precision" not in table.columns:
        return table
    return table.with_columns(written_expr(pl.col("date"), pl.col("date_precision")).alias("date"))


def flatten(table: pl.DataFrame) -> pl.DataFrame:
    """The table as CSV cells: lists and objects become text (see the module docstring), every
    other column stays as it is."""
    nested = [name for name, dtype in table.schema.items() if isinstance(dtype, (pl.List, pl.Struct))]
    values = dates_as_text(table.select(nested))  # year 0000 is a valid date, not a Python one
    return table.with_columns(
        pl.Series(name, [_cell(value) for value in values[name].to_list()], dtype=pl.String) for name in nested
    )


def _cell(value: Any) -> str | None:
    """One list or object as a cell: items joined with "; " where the reader splits them back
    unchanged, JSON otherwise; an empty list is an empty cell."""
    if not value:
        return None
    if isinstance(value, list) and all(_joinable(item) for item in value) and not str(value[0]).startswith("["):
        return JOIN.join(_plain(item) for item in value)
    return json.dumps(_without_nulls(value), ensure_ascii=False, default=dt.date.isoformat)


def _joinable(item: Any) -> bool:
    if item is None or isinstance(item, (list, dict)):
        return False
    text = _plain(item)
    return bool(text) and ";" not in text and text == text.strip()


def _plain(item: Any) -> str:
    if isinstance(item, bool):
        return "true" if item else "false"
    return item.isoformat() if isinstance(item, dt.date) else str(item)


def _without_nulls(value: Any) -> Any:
    """Empty fields of objects left out: in a record, a field is absent rather than null."""
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix a single quote to every text cell a spreadsheet would evaluate."""
    text = pl.col(pl.String)
    return frame.with_columns(
        pl.when(text.str.contains(FORMULA_START)).then(pl.lit("'") + text).otherwise(text).name.keep()
    )


def _require_canonical(table: pl.DataFrame, fmt: str) -> None:
    """The columns an export reads, typed as the build types them: CSV needs the fields every
    claim schema keeps (it is claim input again), ClaimReview the packaged schema's fields it maps."""
    from .schema import load_schema

    needed = load_schema().columns.table_schema()
    wrong = [
        f"{name} ({dtype})"
        for name, dtype in needed.items()
        if (fmt == "claimreview" or name in CONTRACT) and table.schema.get(name) != dtype
    ]
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
