"""Validation: every record against the schema, then the checks that span records.

Reports every problem in one run. The result is plain data; rendering it is `report`'s job.

The schema's verdict comes from the engine (`engine`: jsonschema-rs decides, jsonschema explains),
the toolkit's own rules and the id index from a `Checker` per stream of records (`checker`), and
large inputs are cut into pieces checked by several processes at once (`pieces`), whose parts are
merged into the run's `Findings` (`findings`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from . import pieces, readers
from .checker import Checker
from .dataset import Dataset, Paths
from .errors import ValidationFailed
from .findings import Findings
from .records import Record, ValidationResult
from .schema import ClaimSchema

if TYPE_CHECKING:
    import polars as pl

    from .readers.source import Source

__all__ = ["ValidationResult", "read_frame", "read_records", "validate"]


def validate(
    dataset: Dataset | Paths,
    schema: str | os.PathLike | ClaimSchema | None = None,
    *,
    today: dt.date | None = None,
    on_file: Callable[[str], None] | None = None,
    workers: int | None = None,
    exclude: Iterable[str] = (),
    only: Iterable[str | os.PathLike] | None = None,
    cache: str | os.PathLike | None = None,
    alongside: Callable[[], object] | None = None,
) -> ValidationResult:
    """Check the claim files of `dataset` (a `Dataset`, or the paths to open one with `schema`
    and the `exclude` globs); records are checked and let go, never all held.

    `only`: report the problems of these files (and of the files in these folders) alone, checked against every id and claim under
    `paths` (the whole dataset), so that the checks that span files hold for them. `cache`: the
    folder whose `.claims-cache/` keeps what unchanged files hold (`toolkit.cache`); the files of
    `only` are always checked. `workers` is how many processes share a large input (default: one
    per core when there is enough work to be worth it; 1 checks everything in this process).
    `alongside`: work for this process while the workers check (run in a thread once they are
    started; after the check when there are none).

    >>> result = validate(["fixtures/"])
    >>> result.valid, result.records
    (True, 14)
    """
    dataset = Dataset.of(dataset, schema=schema, exclude=tuple(exclude))
    findings = Findings(dataset.schema)
    day = (today or dt.datetime.now(dt.UTC).date()).isoformat()
    sources = findings.discover(dataset)
    only = None if only is None else readers.as_paths(only)
    wanted = None if only is None else {os.path.realpath(p) for p in only}
    folders = tuple(real + os.sep for real in wanted or () if os.path.isdir(real))  # a folder given: the files in it
    if cache is not None and not any(readers.FORMATS.get(s.path.suffix.lower()) == "jsonl" for s in sources):
        from . import cache as cached

        fresh = (wanted or set()) | {real for real in findings.real if folders and real.startswith(folders)}
        cached.run(findings, sources, day, cache, fresh=fresh, on_file=on_file)
        if alongside is not None:
            alongside()
    else:
        pieces.run(findings, sources, day, on_file=on_file, workers=workers, alongside=alongside)
    result = findings.result()
    if only is None or wanted is None:
        return result
    problems = tuple(
        p for p in result.problems if os.path.realpath(p.file) in wanted or os.path.realpath(p.file).startswith(folders)
    )
    read = set(findings.real)
    outside = tuple(p for p in only if os.path.realpath(p) not in read and not os.path.isdir(p))
    return dataclasses.replace(result, problems=problems, outside=outside, reported=tuple(only))


def read_records(
    dataset: Dataset | Paths,
    schema: str | os.PathLike | ClaimSchema | None = None,
    *,
    today: dt.date | None = None,
) -> tuple[ValidationResult, list[Record]]:
    """Validate and keep the records, for the stages that need them all (build, export)."""
    dataset = Dataset.of(dataset, schema=schema)
    findings = Findings(dataset.schema)
    checker = Checker(findings.schema, today)
    records: list[Record] = []
    for source in findings.discover(dataset):
        records.extend(checker.read_source(findings.add_source(source), source))
    findings.absorb(checker.part())
    return findings.result(), records


def read_frame(
    dataset: Dataset | Paths,
    schema: str | os.PathLike | ClaimSchema | None = None,
    *,
    columns: pl.Schema,
    subset: bool = False,
    today: dt.date | None = None,
) -> tuple[ValidationResult, pl.DataFrame | None] | None:
    """For input that is all JSON Lines: validate it (in several processes when it is large) and,
    when every record is valid, read the records into a frame of `columns` plus `source_file`
    (the file as given) and `source_line`, with no Python object per record. The frame is None
    when the records are invalid or a file cannot be read exactly this way; the whole answer is
    None, before any work, when some input is not JSON Lines. Use `read_records` in both cases.
    `subset`: `columns` are some of the fields, the others are not read (see `jsonl_frame`); so
    few columns are cheap to hold, so they are read while the workers check the records.
    """
    dataset = Dataset.of(dataset, schema=schema)
    sources = dataset.sources
    if not sources or not all(readers.FORMATS.get(s.path.suffix.lower()) == "jsonl" for s in sources):
        return None
    read: list[pl.DataFrame | None] = []
    alongside = (lambda: read.append(_frame_of(sources, columns, subset))) if subset else None
    result = validate(dataset, today=today, alongside=alongside)
    if not result.valid:
        return result, None
    frame = read[0] if read else _frame_of(sources, columns, subset)
    return result, (frame if frame is not None and frame.height == result.records else None)


def _frame_of(sources: Sequence[Source], columns: pl.Schema, subset: bool) -> pl.DataFrame | None:
    """The JSON Lines files as one frame (with `source_file`), None if one cannot be read exactly."""
    import polars as pl

    from .readers.frame import jsonl_frame

    frames = []
    for source in sources:
        frame = jsonl_frame(source.path, columns, subset=subset)
        if frame is None:
            return None
        frames.append(frame.with_columns(pl.lit(source.display, dtype=pl.String).alias("source_file")))
    return pl.concat(frames, how="vertical") if len(frames) > 1 else frames[0]


def valid_frame(
    dataset: Dataset,
    *,
    columns: pl.Schema,
    rows: Callable[[list[Record]], pl.DataFrame],
    subset: bool = False,
) -> tuple[ValidationResult, pl.DataFrame]:
    """Validate, and give the records as a frame of `columns`: JSON Lines straight into columns
    (`read_frame`), anything else through `rows(records)`. Raise ValidationFailed with the report
    when anything is invalid: only valid records make a frame, so a later stage never meets one
    it cannot hold (the report, never a traceback). `subset`: `columns` are some of the fields.

    Valid JSON Lines is validated once and then read into columns; only a file that cannot be read
    that way (a byte-order mark, a value Arrow cannot hold) is read again record by record."""
    validation, frame = read_frame(dataset, columns=columns, subset=subset) or (None, None)
    if frame is None and (validation is None or validation.valid):
        validation, records = read_records(dataset)
        if validation.valid:
            frame = rows(records)
    assert validation is not None  # from read_frame, else from read_records
    if not validation.valid:
        raise ValidationFailed(validation)
    assert frame is not None  # valid records always make a frame, one way or the other
    return validation, frame
