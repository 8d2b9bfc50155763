"""Valid JSON Lines straight into columns, for the stages that need every record (build).

Validation has read every line already; what build needs from a large file is its values in
columns, and a Python object per record is the slow way there. pyarrow's JSON reader parses the
lines into Arrow columns with an explicit schema (on several threads, no Python per record), and
Polars takes the columns as they are. When the file is not one this reads exactly as the records
reader would (a byte-order mark, a value Arrow cannot hold, a field the schema does not know), it
returns None and the caller uses the records. A few of the fields (what stats counts) are read by
Polars' own JSON reader, which skips the others as it parses.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

BLOCK_BYTES = 8 * 1024 * 1024


def jsonl_frame(path: Path, columns: pl.Schema, *, subset: bool = False) -> pl.DataFrame | None:
    """The records of a valid JSON Lines file as a frame of `columns` (nested lists and structs of
    text, as the records hold them), plus `source_line`; None if it cannot be read exactly.
    `subset`: `columns` are some of the records' fields (stats counts three): the others are
    skipped rather than a reason to give up, and the rows are not numbered (the caller compares
    their number with the records validation counted)."""
    import polars as pl

    if subset:  # Polars' own reader: it skips the other fields while parsing, and needs no pyarrow
        if _starts_with_bom(path):
            return None
        try:
            return pl.read_ndjson(path, schema=columns)
        except (pl.exceptions.PolarsError, OSError, TypeError, ValueError):  # TypeError: a name not UTF-8
            return None
    import pyarrow as pa
    import pyarrow.json as pj

    try:
        schema = pa.schema([(name, _arrow_type(dtype)) for name, dtype in columns.items()])
        table = pj.read_json(
            path,
            read_options=pj.ReadOptions(block_size=BLOCK_BYTES),
            parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="error"),
        )
    except (pa.ArrowException, TypeError, OSError):
        return None
    total = _lines(path)
    if total < 0:
        return None
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)  # an Arrow table gives a frame (a Series comes of an array)
    if frame.height == total:
        return frame.with_columns(pl.int_range(1, total + 1, dtype=pl.Int64).alias("source_line"))
    # pyarrow skips blank lines, as the records reader does: number the lines that are not blank.
    numbers = pl.int_range(1, total + 1, dtype=pl.Int64, eager=True)
    numbers = numbers.filter(~numbers.is_in(_blank_lines(path)))
    if len(numbers) != frame.height:
        return None
    return frame.with_columns(numbers.alias("source_line"))


def _arrow_type(dtype):
    import polars as pl
    import pyarrow as pa

    if dtype == pl.String:
        return pa.string()
    if dtype == pl.Int64:
        return pa.int64()
    if dtype == pl.Float64:
        return pa.float64()
    if dtype == pl.Boolean:
        return pa.bool_()
    if isinstance(dtype, pl.List):
        return pa.list_(_arrow_type(dtype.inner))
    if isinstance(dtype, pl.Struct):
        return pa.struct([(field.name, _arrow_type(field.dtype)) for field in dtype.fields])
    raise TypeError(f"no Arrow type for {dtype}")


def _blank_lines(path: Path) -> list[int]:
    """The numbers of the lines that hold only white space (JSON's: space, tab, CR)."""
    with path.open("rb") as stream:
        return [number for number, raw in enumerate(stream, start=1) if not raw.strip(b" \t\r\n")]


def _starts_with_bom(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(3) == b"\xef\xbb\xbf"


def _lines(path: Path) -> int:
    """Lines in the file, counting a last line without its newline (-1 if it starts with a BOM).
    pyarrow skips blank lines, so fewer rows than lines means the rows are not the lines."""
    count, last = 0, b"\n"
    buffer = bytearray(BLOCK_BYTES)
    if _starts_with_bom(path):
        return -1
    with path.open("rb", buffering=0) as stream:
        while got := stream.readinto(buffer):
            view = memoryview(buffer)[:got]
            count += buffer.count(b"\n", 0, got)
            last = bytes(view[-1:])
    return count + (last != b"\n")
