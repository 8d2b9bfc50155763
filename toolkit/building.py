"""`claims build`: validated records -> the canonical table -> the folder that gets published.

The folder is byte-for-byte deterministic: the same input gives the same bytes, so an unchanged
dataset re-publishes as no change.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from .card import render_card
from .chart import CHART_NAME, chart_or_none, save
from .config import DatasetConfig
from .counting import TOP_SPEAKERS, stats, statuses_of
from .dataset import Dataset, Paths
from .errors import ValidationFailed
from .files import write_parquet, write_text
from .outputs import build_folder
from .provenance import Origin
from .records import ValidationResult
from .schema import SCHEMA_NAME, ClaimSchema
from .table import BuildReport, frame_of, input_columns, merge
from .validation import valid_frame
from .versions import changelog

DATA_DIR = "data"
REPORT_NAME = "build-report.json"
CARD_NAME = "README.md"
CHANGELOG_NAME = "CHANGELOG.md"
SHARD_BYTES = 256 * 1024 * 1024  # of rows as JSON; Parquet with zstd is several times smaller


@dataclass(frozen=True)
class Build:
    """A built table with what validation and the merge reported."""

    table: pl.DataFrame
    report: BuildReport
    validation: ValidationResult
    schema: ClaimSchema
    written: tuple[str, ...] = ()  # the files written into the folder (`toolkit.build(..., out)`), relative to it
    left_beside: tuple[str, ...] = ()  # files beside them that no build wrote (see `outputs.left_beside`)


def build(
    dataset: Dataset | Paths,
    *,
    schema: str | os.PathLike | ClaimSchema | None = None,
    speakers: str | os.PathLike | None = None,
    strict: bool = False,
) -> Build:
    """Validate and merge the claims of `dataset` (a `Dataset`, or the paths to open one with
    `schema` and `speakers`); raise ValidationFailed (with the located report) if anything is wrong.

    With `strict`, repeats of a claim that disagree on status are errors too.
    """
    dataset = Dataset.of(dataset, schema=schema, speakers=speakers)
    schema = dataset.schema
    columns = schema.columns
    validation, frame = valid_frame(
        dataset, columns=input_columns(columns), rows=lambda records: frame_of(records, columns)
    )
    table, report = merge(frame, dataset.speakers, schema.columns, folder=dataset.folder)
    if strict and report.conflicts:
        raise ValidationFailed(_conflicts_as_problems(validation, report, dataset.folder))
    return Build(table, report, validation, schema)


def _conflicts_as_problems(validation: ValidationResult, report: BuildReport, folder: str) -> ValidationResult:
    """The conflicts as problems at their places (relative to the dataset's `folder` in the table),
    named as the report names files."""
    from .records import ERROR, Problem

    problems = []
    for conflict in report.conflicts:
        for place in conflict.places:
            file, line = place.rsplit(":", 1)
            file = os.path.normpath(os.path.join(folder, file))
            statuses = ", ".join(f"{s} ({', '.join(ids)})" for s, ids in conflict.statuses.items())
            problems.append(
                Problem(
                    file,
                    int(line),
                    1,
                    "/status",
                    "status-conflict",
                    ERROR,
                    f"repeats of claim {conflict.claim_id!r} disagree on status: {statuses}",
                )
            )
    return ValidationResult(validation.files, validation.records, tuple(problems))


def shard_names(count: int) -> list[str]:
    return [f"{DATA_DIR}/train-{i:05d}-of-{count:05d}.parquet" for i in range(count)]


def content_bytes(table: pl.DataFrame) -> int:
    """The size of the rows written as JSON: it depends on the data only, never on how it was read
    into memory (whose estimated size differs between readers for the same rows)."""
    if not table.height:
        return 0
    return int(table.select(pl.struct(pl.all()).struct.json_encode().str.len_bytes().sum()).item())


def plan_shards(table: pl.DataFrame) -> list[str]:
    """`data/train-0000i-of-0000N.parquet`, N from the table's size (its rows written as JSON)."""
    return shard_names(max(1, math.ceil(content_bytes(table) / SHARD_BYTES)))


def write_shards(table: pl.DataFrame, out: Path, names: list[str] | None = None) -> list[str]:
    """The table cut into the shards `names` (default: `plan_shards`), in order. Shards of an earlier
    build that this one does not write are removed by `outputs.build_folder`, never here."""
    names = names or plan_shards(table)
    rows = math.ceil(table.height / len(names)) if table.height else 0
    for index, name in enumerate(names):
        write_parquet(table.slice(index * rows, rows), out / name)
    return names


def write_folder(
    result: Build,
    out: str | os.PathLike,
    config: DatasetConfig | None = None,
    *,
    version: str | None = None,
    entry: str | None = None,
    history: str | None = None,
    force: bool = False,
    mark: bool = True,
    origin: Origin | None = None,
    dataset: Dataset | None = None,
) -> list[str]:
    """Write the publishable folder (shards, card, changelog, schema, build report, and the
    verdicts chart the card shows when matplotlib is installed); returns the paths written,
    relative to it. Unpublished builds get an "unreleased" card and changelog.

    `out` must be missing, empty or written by an earlier build (see `toolkit.outputs`; `force`
    writes beside other files, deleting none, and never over the inputs and settings of
    `dataset`). `mark=False` leaves no marker, for a private staging folder whose
    every file is published.
    """
    out = Path(out)
    config = config or DatasetConfig()
    shards = plan_shards(result.table)
    counts = stats(result.table, statuses_of(result.schema), top=TOP_SPEAKERS)
    chart = chart_or_none(counts, config.pretty_name)
    names = sorted([*shards, REPORT_NAME, SCHEMA_NAME, CARD_NAME, CHANGELOG_NAME, *([CHART_NAME] if chart else [])])
    with build_folder(out, names, force=force, mark=mark, dataset=dataset):
        write_shards(result.table, out, shards)
        write_text(out / REPORT_NAME, json.dumps(result.report.as_dict(), indent=2, ensure_ascii=False) + "\n")
        write_text(out / SCHEMA_NAME, result.schema.text)
        num_bytes = sum((out / name).stat().st_size for name in shards)
        if chart:
            save(chart, out / CHART_NAME)
        card = render_card(
            result.table,
            result.schema,
            config,
            counts=counts,
            chart=CHART_NAME if chart else None,
            repo_id=config.repo_id or "ORG/NAME",
            version=version,
            changelog_entry=entry,
            num_bytes=num_bytes,
            origin=origin,
        )
        write_text(out / CARD_NAME, card)
        write_text(out / CHANGELOG_NAME, changelog(history, entry or "## Unreleased\n"))
    return names
