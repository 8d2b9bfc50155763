"""`claims stats`: how many claims there are by status, by speaker and by year.

Counted with Polars, one row per record (so a repeated claim counts each time it was made), under
the speakers' canonical names, shown as a terminal table or drawn as one PNG figure. `count` reads
and validates like `build` but keeps only the three counted fields: the merge's normalising of
every text, its linking of repeats and the Parquet are not needed to count.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from rich.table import Table

from .dataset import Dataset, Paths
from .dates import start_expr
from .errors import ExportError, UsageError
from .files import atomic_path
from .schema import ClaimSchema
from .speakers import SpeakerRegistry
from .text import plural, tidy_expr
from .validation import valid_frame
from .vocabulary import STATUSES

PLOT_SPEAKERS = 15  # the figure shows the speakers with most claims; the counts keep them all
TOP_SPEAKERS = 20  # the terminal table shows this many speakers (`--top`); the counts keep them all
# What `count` reads: fields every claim schema keeps, as text (`columns.CONTRACT`); dates parsed after.
COUNTED = pl.Schema({"speaker": pl.String, "date": pl.String, "status": pl.String})


@dataclass(frozen=True)
class Stats:
    """Claim counts. `by_status` holds every status in vocabulary order (zeros too), `by_speaker`
    most claims first then by name, `by_year` oldest first."""

    claims: int
    by_status: dict[str, int] = field(default_factory=dict)
    by_speaker: dict[str, int] = field(default_factory=dict)
    by_year: dict[int, int] = field(default_factory=dict)

    def top_speakers(self, top: int | None = TOP_SPEAKERS) -> dict[str, int]:
        """The `top` speakers with most claims (None: all), and one entry counting the others, so
        that what shows them stays the same size whatever the number of speakers."""
        if top is None:
            return dict(self.by_speaker)
        speakers = dict(list(self.by_speaker.items())[:top])
        others = len(self.by_speaker) - len(speakers)
        if others:
            speakers[f"({plural(others, 'other speaker')})"] = sum(list(self.by_speaker.values())[top:])
        return speakers

    def as_dict(self) -> dict[str, Any]:
        return {
            "claims": self.claims,
            "by_status": self.by_status,
            "by_speaker": self.by_speaker,
            "by_year": {str(year): count for year, count in self.by_year.items()},
        }


def count(
    dataset: Dataset | Paths,
    *,
    schema: str | os.PathLike | ClaimSchema | None = None,
    speakers: str | os.PathLike | None = None,
) -> Stats:
    """Validate the claims of `dataset` (a `Dataset`, or the paths to open one with `schema` and
    `speakers`), raising ValidationFailed with the report like `build`, and count them, speakers
    under their canonical names from the registry `build` would use.

    >>> count(["fixtures/"]).by_speaker["Donald Trump"]
    3
    """
    dataset = Dataset.of(dataset, schema=schema, speakers=speakers)
    _, frame = valid_frame(
        dataset,
        columns=COUNTED,
        rows=lambda records: pl.DataFrame(
            [{name: r.data.get(name) for name in COUNTED} for r in records], schema=COUNTED, strict=False
        ),
    )
    registry = dataset.speakers
    return stats(frame.with_columns(canonical_speakers(frame["speaker"], registry), start_expr(pl.col("date"))))


def canonical_speakers(names: pl.Series, registry: SpeakerRegistry) -> pl.Series:
    """Each name as the table holds it: tidied, then the registry's canonical name for it. The
    registry is asked once per distinct name, not once per record."""
    tidied = names.to_frame().select(tidy_expr(pl.col(names.name))).to_series()
    distinct = tidied.unique().drop_nulls().to_list()
    known = {name: speaker.name for name in distinct if (speaker := registry.canonical(name))}
    return tidied.replace(known) if known else tidied


def stats(table: pl.DataFrame) -> Stats:
    """Count the table's claims three ways (a built table, or any frame with canonical `speaker`,
    `status` and a date `date`).

    >>> from toolkit.building import build
    >>> stats(build(["fixtures/"]).table).by_status["true"]
    4
    """
    vocabulary = pl.DataFrame({"status": list(STATUSES)}).with_row_index("order")
    by_status = (
        vocabulary.join(table.group_by("status").len(), on="status", how="left")
        .sort("order")
        .select("status", pl.col("len").fill_null(0))
    )
    by_speaker = table.group_by("speaker").len().sort(["len", "speaker"], descending=[True, False])
    # Claims of unknown date count in no year.
    by_year = table.drop_nulls("date").group_by(pl.col("date").dt.year().alias("year")).len().sort("year")
    return Stats(
        claims=table.height,
        by_status=dict(by_status.iter_rows()),
        by_speaker=dict(by_speaker.iter_rows()),
        by_year={int(year): count for year, count in by_year.iter_rows()},
    )


def render_stats(stats: Stats, top: int | None = TOP_SPEAKERS) -> Table:
    """The counts as one rich table, a section per grouping, for the terminal: the `top` speakers
    with most claims (None: all) and one line counting the others, so that the output (and the time
    to draw it) stays the same size whatever the number of speakers."""
    title = f"{plural(stats.claims, 'claim')}, {plural(len(stats.by_speaker), 'speaker')}"
    table = Table(title=title, title_justify="left")
    table.add_column("by")
    table.add_column("")
    table.add_column("claims", justify="right")
    table.add_column("share", justify="right")
    groups: list[tuple[str, dict[str, int] | dict[int, int]]] = [
        ("status", stats.by_status),
        ("speaker", stats.top_speakers(top)),
        ("year", stats.by_year),
    ]
    for number, (name, counts) in enumerate(groups):
        for index, (key, count) in enumerate(counts.items()):
            share = f"{count / stats.claims:.0%}" if stats.claims else "-"
            table.add_row(
                name if index == 0 else "",
                str(key),
                f"{count:,}",
                share,
                end_section=index == len(counts) - 1 and number < len(groups) - 1,
            )
    return table


def plot_stats(stats: Stats, path: str | os.PathLike) -> None:
    """Draw the three counts side by side as one PNG at `path` (written atomically, same bytes for
    the same counts: no timestamp or software version in the file)."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise UsageError("plotting needs matplotlib: pip install 'claims-toolkit[plot]'") from None

    # A bare Figure on the Agg canvas: no pyplot, so no global state and no GUI backend.
    figure = Figure(figsize=(15, 5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    status_axes, speaker_axes, year_axes = figure.subplots(1, 3, width_ratios=[1.2, 1.4, 1])
    figure.suptitle(f"{stats.claims} claims")

    statuses = list(stats.by_status)
    status_axes.bar(range(len(statuses)), list(stats.by_status.values()), color="#4c72b0")
    status_axes.set_xticks(range(len(statuses)), statuses, rotation=45, ha="right")
    status_axes.set_title("by status")

    speakers = list(stats.by_speaker.items())[:PLOT_SPEAKERS][::-1]  # most claims at the top
    speaker_axes.barh(range(len(speakers)), [count for _, count in speakers], color="#55a868")
    speaker_axes.set_yticks(range(len(speakers)), [name for name, _ in speakers])
    shown = "" if len(stats.by_speaker) <= PLOT_SPEAKERS else f" (top {PLOT_SPEAKERS} of {len(stats.by_speaker)})"
    speaker_axes.set_title(f"by speaker{shown}")

    years = list(stats.by_year)
    year_axes.bar(range(len(years)), list(stats.by_year.values()), color="#c44e52")
    year_axes.set_xticks(range(len(years)), [str(y) for y in years])
    year_axes.set_title("by year")

    for axes in (status_axes, year_axes):
        axes.yaxis.get_major_locator().set_params(integer=True)
    speaker_axes.xaxis.get_major_locator().set_params(integer=True)

    try:
        with atomic_path(path) as temporary:
            figure.savefig(temporary, format="png", metadata={"Software": None})
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from error
