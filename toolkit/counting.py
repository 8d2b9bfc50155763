"""`claims stats`: a dataset's verdicts in all, by speaker and by period, as plain data.

Counted with Polars, one row per record (a repeated claim counts each time it was made), speakers
under the canonical names the build gives them (`table.map_speakers`). `count` validates every
record once and reads only the three fields it counts. One `Stats` is what every output shows: the
terminal table, JSON and CSV here, the chart in `chart`.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl
from rich.table import Table

from .dataset import Dataset, Paths
from .dates import UNKNOWN, written_expr
from .schema import ClaimSchema
from .speakers import SpeakerRegistry
from .table import map_speakers
from .text import plural, tidy_expr
from .validation import valid_frame
from .vocabulary import STATUSES

PERIODS = {"year": 4, "month": 7}  # a period is the date as written, cut to this many characters
TOP_SPEAKERS = 20  # the speakers shown by default (`--top`); the counts keep the others as one group
FORMATS = ("text", "json", "csv")  # `options.StatsFormat` names them for the CLI
# What `count` reads: fields every claim schema keeps, as text (`columns.CONTRACT`).
COUNTED = pl.Schema({"speaker": pl.String, "date": pl.String, "status": pl.String})


@dataclass(frozen=True)
class Tally:
    """The claims of one group (a speaker, a period) per status: every status of the scale, in its
    order, zeros too."""

    name: str
    statuses: dict[str, int]

    @property
    def claims(self) -> int:
        return sum(self.statuses.values())


@dataclass(frozen=True)
class Stats:
    """What `claims stats` shows. `statuses`: the schema's statuses in its order. `speakers`: most
    claims first, then by name; after `top(n)`, the first n, and `others` counts the rest together.
    `periods`: oldest first, every year (or month) from the first claim's to the last one's, zeros
    too. `unplaced`: the claims in no period (an unknown date; by month, a date that is a year
    alone). `first` and `last`: the earliest and latest dates, as written."""

    statuses: dict[str, int]
    speakers: tuple[Tally, ...] = ()
    periods: tuple[Tally, ...] = ()
    by: str = "year"
    unplaced: dict[str, int] = field(default_factory=dict)
    speaker_count: int = 0
    others: Tally | None = None
    first: str | None = None
    last: str | None = None

    @property
    def claims(self) -> int:
        return sum(self.statuses.values())

    def top(self, n: int | None) -> Stats:
        """The `n` speakers with most claims (None: all) and the others as one group, so that what
        shows them stays the same size whatever the number of speakers."""
        if n is None or len(self.speakers) <= n and self.others is None:
            return self
        kept, rest = self.speakers[:n], self.speakers[n:]
        if self.others is not None:
            rest = (*rest, self.others)
        if not rest:
            return replace(self, speakers=kept, others=None)
        counted = self.speaker_count - len(kept)
        others = Tally(
            f"({plural(counted, 'other speaker')})",
            {status: sum(t.statuses[status] for t in rest) for status in self.statuses},
        )
        return replace(self, speakers=kept, others=others)

    def as_dict(self) -> dict[str, Any]:
        """The JSON of `claims stats --format json`."""
        return {
            "claims": self.claims,
            "statuses": self.statuses,
            "speakers": [{"name": t.name, "statuses": t.statuses} for t in self.speakers],
            "other_speakers": {
                "speakers": self.speaker_count - len(self.speakers),
                "statuses": self.others.statuses if self.others else dict.fromkeys(self.statuses, 0),
            },
            "by": self.by,
            "periods": [{"period": t.name, "statuses": t.statuses} for t in self.periods],
            "unplaced": self.unplaced,
        }


def count(
    dataset: Dataset | Paths,
    *,
    schema: str | os.PathLike | ClaimSchema | None = None,
    speakers: str | os.PathLike | None = None,
    by: str = "year",
    top: int | None = None,
) -> Stats:
    """Validate the claims of `dataset` (a `Dataset`, or the paths to open one with `schema` and
    `speakers`) once, raising ValidationFailed with the report like `build`, and count them,
    speakers under their canonical names from the registry `build` would use; the `top` speakers
    with most claims (None: all) and the others as one group.

    >>> count(["fixtures/"]).speakers[1].name
    'Donald Trump'
    """
    dataset = Dataset.of(dataset, schema=schema, speakers=speakers)
    _, frame = valid_frame(
        dataset,
        columns=COUNTED,
        subset=True,
        rows=lambda records: pl.DataFrame(
            [{name: r.data.get(name) for name in COUNTED} for r in records], schema=COUNTED, strict=False
        ),
    )
    counted = frame.select(canonical_speakers(frame["speaker"], dataset.speakers), "status", "date")
    return tally(counted, statuses_of(dataset.schema), by=by).top(top)


def stats(
    table: pl.DataFrame, statuses: Sequence[str] | None = None, *, by: str = "year", top: int | None = None
) -> Stats:
    """Count a built table (canonical `speaker`, `status`, `date` with its `date_precision`) over
    `statuses` (default: the packaged vocabulary's).

    >>> from toolkit.building import build
    >>> stats(build(["fixtures/"]).table).statuses["true"]
    4
    """
    precision = pl.col("date_precision") if "date_precision" in table.columns else pl.lit("day")
    counted = table.select("speaker", "status", written_expr(pl.col("date"), precision).alias("date"))
    return tally(counted, statuses or tuple(STATUSES), by=by).top(top)


def statuses_of(schema: ClaimSchema) -> tuple[str, ...]:
    """The verdicts the schema in use allows, in its order (its `status` enum); the packaged
    vocabulary's when it lists none."""
    enum = schema.resolve(schema.properties.get("status", {})).get("enum")
    return tuple(str(s) for s in enum) if enum else tuple(STATUSES)


def canonical_speakers(names: pl.Series, registry: SpeakerRegistry) -> pl.Series:
    """Each name as the table holds it: tidied, then mapped by the registry as the build maps it
    (`table.map_speakers`). Both run once per distinct name as written, not once per record."""
    written = names.unique().drop_nulls().sort()
    distinct = written.to_frame("speaker").select(tidy_expr(pl.col("speaker")))
    mapped, _ = map_speakers(distinct, registry)
    changed = written != mapped["speaker"]
    if not changed.any():
        return names
    return names.replace(written.filter(changed), mapped["speaker"].filter(changed))


def tally(frame: pl.DataFrame, statuses: Sequence[str], *, by: str = "year") -> Stats:
    """Count a frame of `speaker`, `status` and `date` (as written; `unknown` or null for none)."""
    if by not in PERIODS:
        raise ValueError(f"by takes {', '.join(PERIODS)}, not {by!r}")
    seen = frame["status"].unique().drop_nulls().to_list()
    scale = [*statuses, *sorted(set(seen) - set(statuses))]  # a status the list lacks still counts
    date = pl.when(pl.col("date") != UNKNOWN).then(pl.col("date"))
    width = PERIODS[by]
    frame = frame.with_columns(
        date.alias("date"), pl.when(date.str.len_chars() >= width).then(date.str.slice(0, width)).alias("period")
    )
    per_status = [(pl.col("status") == status).sum().cast(pl.Int64).alias(status) for status in scale]
    speakers = (
        frame.group_by("speaker")
        .agg(pl.len().alias("_claims"), *per_status)
        .sort(["_claims", "speaker"], descending=[True, False])
    )
    periods = frame.drop_nulls("period").group_by("period").agg(*per_status).sort("period")
    dates = frame["date"].drop_nulls()
    return Stats(
        statuses=_tallies(frame.select(per_status), "")[0].statuses,
        speakers=tuple(_tallies(speakers.drop("_claims"), "speaker")),
        periods=_every_period(_tallies(periods, "period"), scale, by),
        by=by,
        unplaced=_tallies(frame.filter(pl.col("period").is_null()).select(per_status), "")[0].statuses,
        speaker_count=speakers.height,
        first=dates.min() if len(dates) else None,  # type: ignore[arg-type]
        last=dates.max() if len(dates) else None,  # type: ignore[arg-type]
    )


def _tallies(frame: pl.DataFrame, key: str) -> list[Tally]:
    names = [c for c in frame.columns if c != key]
    return [
        Tally(str(row[key]) if key else "", {n: int(row[n] or 0) for n in names}) for row in frame.iter_rows(named=True)
    ]


def _every_period(counted: list[Tally], scale: Sequence[str], by: str) -> tuple[Tally, ...]:
    """The periods from the first to the last, those without a claim as zeros: a chart over time
    must not close the gaps."""
    if not counted:
        return ()
    known = {t.name: t for t in counted}
    return tuple(
        known.get(name) or Tally(name, dict.fromkeys(scale, 0)) for name in _span(counted[0].name, counted[-1].name, by)
    )


def _span(first: str, last: str, by: str) -> list[str]:
    if by == "year":
        return [f"{year:04d}" for year in range(int(first), int(last) + 1)]
    start, end = int(first[:4]) * 12 + int(first[5:7]) - 1, int(last[:4]) * 12 + int(last[5:7]) - 1
    return [f"{month // 12:04d}-{month % 12 + 1:02d}" for month in range(start, end + 1)]


# -- renderings ----------------------------------------------------------------------------------


def render_text(stats: Stats) -> Table:
    """The counts as one rich table for the terminal: by status, the speakers and the periods,
    each row with its claims, its share and its verdicts (those it has, most first)."""
    from rich import box

    span = f", dated {stats.first} to {stats.last}" if stats.first else ""
    title = f"{plural(stats.claims, 'claim')}, {plural(stats.speaker_count, 'speaker')}{span}"
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for header in ("by", "", "claims", "share", "verdicts"):
        table.add_column(header, justify="right" if header in ("claims", "share") else "left")
    statuses = [Tally(status, {status: claims}) for status, claims in stats.statuses.items()]
    unplaced = [Tally(f"no {stats.by}", stats.unplaced)] if any(stats.unplaced.values()) else []
    sections: list[tuple[str, list[Tally], bool]] = [
        ("status", statuses, False),
        ("speaker", [*stats.speakers, *([stats.others] if stats.others else [])], True),
        (stats.by, [*stats.periods, *unplaced], True),
    ]
    sections = [section for section in sections if section[1]]
    for number, (name, rows, with_verdicts) in enumerate(sections):
        for index, row in enumerate(rows):
            table.add_row(
                name if index == 0 else "",
                row.name,
                f"{row.claims:,}",
                f"{row.claims / stats.claims:.0%}" if stats.claims else "-",
                verdicts(row) if with_verdicts else "",
                end_section=index == len(rows) - 1 and number < len(sections) - 1,
            )
    return table


def verdicts(row: Tally) -> str:
    """`2 unverified, 1 mostly-true, 1 unproven`: the statuses a group has, most claims first."""
    counted = sorted((item for item in row.statuses.items() if item[1]), key=lambda item: -item[1])
    return ", ".join(f"{claims:,} {status}" for status, claims in counted)


def render_json(stats: Stats) -> str:
    return json.dumps(stats.as_dict(), ensure_ascii=False, indent=2) + "\n"


def render_csv(stats: Stats) -> str:
    """One row per group (`all`, `speaker`, `other speakers`, the period, `no year`/`no month`): its
    name, its claims and a column per status of the scale."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["group", "name", "claims", *stats.statuses])
    rows: list[tuple[str, Tally]] = [("all", Tally("", stats.statuses))]
    rows += [("speaker", t) for t in stats.speakers]
    rows += [("other speakers", stats.others)] if stats.others else []
    rows += [(stats.by, t) for t in stats.periods]
    rows += [(f"no {stats.by}", Tally("", stats.unplaced))]
    for group, row in rows:
        writer.writerow([group, row.name, row.claims, *(row.statuses.get(s, 0) for s in stats.statuses)])
    return out.getvalue()
