"""The verdicts chart: who says what and how it checks out, and how that moves over time.

One figure from a `stats.Stats`: stacked horizontal bars of the top speakers' verdicts beside
stacked bars of the verdicts per period, the counts written on them, the dataset's name and dates in
the title. The verdicts run along a diverging scale, true at one end and false at the other, in
ColorBrewer's RdYlBu colours (Cynthia Brewer, colorbrewer2.org: made to be told apart by readers
with the common colour-vision deficiencies); the statuses that are no verdict on the truth
(unverified, unproven) are grey. The same counts always give the same bytes (PNG or SVG), so an
unchanged dataset re-publishes as no change.

matplotlib is the `plot` extra: `figure` raises ChartUnavailable without it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .errors import ChartUnavailable, ExportError, UsageError
from .files import atomic_path
from .vocabulary import STATUSES

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .counting import Stats, Tally

FORMATS = {".png": "png", ".svg": "svg"}
CHART_NAME = "images/verdicts.png"  # in a built folder and a published version; the card shows it
NEUTRAL = ("unverified", "unproven")  # no verdict on the truth: grey, after the scale
# ColorBrewer RdYlBu (11 classes) for the scale, Greys for the rest.
COLOURS = {
    "true": "#4575b4",
    "mostly-true": "#abd9e9",
    "mixed": "#fee090",
    "mostly-false": "#fdae61",
    "misleading": "#f46d43",
    "false": "#d73027",
    "unverified": "#d9d9d9",
    "unproven": "#969696",
}
OTHER_COLOURS = ("#bdbdbd", "#737373", "#f0f0f0", "#525252")  # statuses a desk's schema adds
WIDTH = 12.0  # inches; at DPI, the PNG is 1,200 pixels wide
DPI = 100
BAR = 0.34  # inches a speaker's bar takes, with its gap
LABELLED_PERIODS = 36  # more bars than this are drawn without edges or gaps
PERIODS_WIDTH = WIDTH * DPI * 0.38  # about the pixels the periods' plot gets (of 1 + 1.25 parts, less the margins)
DIGIT_WIDTH = 6  # about the pixels of a digit at the labels' size
NAME_LENGTH = 34  # longer speaker names are cut, with an ellipsis


def scale(statuses: Sequence[str]) -> list[str]:
    """The statuses as the chart stacks them: the verdicts on the truth from true to false (by
    their ClaimReview rating, ties in the schema's order), then the others in the schema's order."""
    rated = [s for s in statuses if s not in NEUTRAL and s in STATUSES and STATUSES[s].rating is not None]
    rated.sort(key=lambda s: -(STATUSES[s].rating or 0))  # sort is stable: ties keep the schema's order
    return rated + [s for s in statuses if s not in rated]


def colours(statuses: Sequence[str]) -> dict[str, str]:
    """A colour for each status: the palette's, and greys for statuses it does not know."""
    unknown = iter(OTHER_COLOURS * (1 + len(statuses) // len(OTHER_COLOURS)))
    return {status: COLOURS.get(status) or next(unknown) for status in statuses}


def title_of(stats: Stats, name: str) -> str:
    dates = f" dated {stats.first} to {stats.last}" if stats.first and stats.first != stats.last else ""
    dates = f" dated {stats.first}" if stats.first and stats.first == stats.last else dates
    count = f"{stats.claims:,} claim{'' if stats.claims == 1 else 's'}"
    return f"{name}\nVerdicts of {count}{dates}"


@contextmanager
def _house_style() -> Iterator[None]:
    """matplotlib's own defaults whatever a user's matplotlibrc says, the font it ships (DejaVu
    Sans) and fixed SVG ids: two curators draw the same bytes. A character that font lacks (CJK
    scripts) is drawn as a box, without a warning per character on stderr."""
    from matplotlib import rc_context, style

    fixed = rc_context({"font.family": "DejaVu Sans", "svg.hashsalt": "claims-toolkit", "svg.fonttype": "path"})
    with style.context("default"), fixed, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        yield


def figure(stats: Stats, name: str) -> Figure:
    """The chart as a matplotlib Figure (not yet drawn to a file): `name` is the dataset's, for
    the title."""
    require()
    with _house_style():
        return _figure(stats, name)


def _figure(stats: Stats, name: str) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    order = [s for s in scale(list(stats.statuses)) if stats.statuses[s]]
    palette = colours(list(stats.statuses))
    rows = list(stats.speakers)  # the others together would dwarf them: they are counted in the title
    height = max(4.8, 2.2 + BAR * len(rows))
    # A bare Figure on the Agg canvas: no pyplot, so no global state and no GUI backend.
    chart = Figure(figsize=(WIDTH, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(chart)
    speaker_axes, period_axes = chart.subplots(1, 2, width_ratios=[1.25, 1])
    chart.suptitle(title_of(stats, name), fontsize=13, fontweight="bold")

    shown = ""
    if stats.others:
        rest = f"{stats.others.claims:,} claim{'' if stats.others.claims == 1 else 's'}"
        shown = f" (top {len(stats.speakers)} of {stats.speaker_count:,}; the others: {rest})"
    _speakers(speaker_axes, rows, order, palette)
    speaker_axes.set_title(f"Verdicts by speaker{shown}", loc="left", fontsize=11)
    _periods(period_axes, stats.periods, order, palette)
    undated = sum(stats.unplaced.values())
    note = f" ({undated:,} without a {stats.by} not shown)" if undated else ""
    period_axes.set_title(f"Verdicts by {stats.by}{note}", loc="left", fontsize=11)

    if order:
        handles = [_swatch(palette[status]) for status in order]
        chart.legend(handles, order, loc="outside lower center", ncols=min(len(order), 8), frameon=False, fontsize=10)
    return chart


def chart_or_none(stats: Stats, name: str) -> Figure | None:
    """The chart, or None when matplotlib (the `plot` extra) is not installed: a build or a
    publish then goes on without it, and says so."""
    try:
        return figure(stats, name)
    except ChartUnavailable:
        return None


def _swatch(colour: str):
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, edgecolor="white", linewidth=0.5)


def _speakers(axes: Axes, rows: list[Tally], order: list[str], palette: dict[str, str]) -> None:
    """One stacked bar per speaker, most claims at the top; a segment's count written on it when
    it fits, each bar's total at its end."""
    positions = range(len(rows))
    most = max((row.claims for row in rows), default=0) or 1
    left = [0] * len(rows)
    for status in order:
        widths = [row.statuses.get(status, 0) for row in rows]
        bars = axes.barh(positions, widths, left=left, color=palette[status], edgecolor="white", linewidth=0.5)
        fits = [str(w) if w and w / most >= 0.045 * len(str(w)) else "" for w in widths]
        axes.bar_label(bars, labels=fits, label_type="center", fontsize=8, color=_ink(palette[status]))
        left = [a + b for a, b in zip(left, widths)]
    for position, total in zip(positions, left):
        axes.text(total + most * 0.01, position, f"{total:,}", va="center", fontsize=8)
    axes.set_yticks(list(positions), [_short(row.name) for row in rows], fontsize=9)
    axes.set_ylim(max(len(rows), 1) - 0.5, -0.5)  # most claims at the top
    axes.set_xlim(0, most * 1.1)
    axes.set_xlabel("claims")
    _tidy(axes, "x")
    if not rows:
        axes.text(0.5, 0.5, "no claims", transform=axes.transAxes, ha="center", va="center", color="#737373")


def _periods(axes: Axes, periods: Sequence[Tally], order: list[str], palette: dict[str, str]) -> None:
    """One stacked bar per period, oldest first, its total on top when the bars are few enough."""
    positions = range(len(periods))
    most = max((period.claims for period in periods), default=0) or 1
    bottom = [0] * len(periods)
    few = len(periods) <= LABELLED_PERIODS
    room = PERIODS_WIDTH / max(len(periods), 5)  # pixels a bar gets (five at least: see the limits below)
    edges, width = (0.5, 0.8) if few else (0, 1.0)  # thin bars: edges or gaps would wash them out
    for status in order:
        heights = [period.statuses.get(status, 0) for period in periods]
        bars = axes.bar(
            positions, heights, bottom=bottom, color=palette[status], edgecolor="white", linewidth=edges, width=width
        )
        if room >= DIGIT_WIDTH * len(str(most)) * 1.6:  # wide bars: a segment's count fits on it
            fits = [str(h) if h and h / most >= 0.06 else "" for h in heights]
            axes.bar_label(bars, labels=fits, label_type="center", fontsize=8, color=_ink(palette[status]))
        bottom = [a + b for a, b in zip(bottom, heights)]
    if room >= DIGIT_WIDTH * len(f"{most:,}") + 3:  # the totals fit above the bars, side by side
        for position, total in zip(positions, bottom):
            if total:
                axes.text(position, total + most * 0.01, f"{total:,}", ha="center", va="bottom", fontsize=8)
    ticks, labels = _period_ticks([period.name for period in periods])
    slanted = any(len(label) > 4 for label in labels)
    axes.set_xticks(ticks, labels, rotation=45 if slanted else 0, ha="right" if slanted else "center", fontsize=9)
    margin = max(0, 5 - len(periods)) / 2  # a year or two: bars of the same width as five would have
    axes.set_xlim(-0.6 - margin, len(periods) - 0.4 + margin)
    axes.set_ylim(0, most * 1.1)
    axes.set_ylabel("claims")
    _tidy(axes, "y")
    if not periods:
        axes.text(0.5, 0.5, "no dated claims", transform=axes.transAxes, ha="center", va="center", color="#737373")


def _period_ticks(names: list[str]) -> tuple[list[int], list[str]]:
    """At most 12 labels under the bars: every period when they fit; else every k-th year (by
    month: at its January, labelled with the year alone)."""
    if len(names) <= 12:
        return list(range(len(names))), names
    years = [(index, name[:4]) for index, name in enumerate(names) if len(name) == 4 or name.endswith("-01")]
    step = -(-len(years) // 12)
    shown = [(index, year) for index, year in years if int(year) % step == 0] if step > 1 else years
    return [index for index, _ in shown], [year for _, year in shown]


def _tidy(axes: Axes, counted: Literal["x", "y"]) -> None:
    """Whole-number ticks and a light grid along the counted axis; no box."""
    from matplotlib.ticker import MaxNLocator

    (axes.xaxis if counted == "x" else axes.yaxis).set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis=counted, color="#e5e5e5", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _ink(colour: str) -> str:
    """Black or white text, whichever reads on `colour` (by its relative luminance)."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "white" if 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.5 else "black"


def _short(name: str) -> str:
    return name if len(name) <= NAME_LENGTH else name[: NAME_LENGTH - 1].rstrip() + "…"


def require() -> None:
    """Refuse, before any work, to draw without matplotlib."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ChartUnavailable("the chart needs matplotlib: pip install 'claims-toolkit[plot]'") from None


def check_path(path: str | os.PathLike) -> str:
    """The chart's format from the file's extension (.png or .svg); anything else is refused
    before any work."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(
            f"--plot {path}: the chart is written as .png or .svg, not {suffix or 'a file without an extension'}"
        )
    return FORMATS[suffix]


def save(chart: Figure, path: str | os.PathLike) -> None:
    """Write the figure as PNG or SVG (by the extension), atomically, with nothing that changes
    from one run to the next: no date, no software version, fixed SVG ids."""
    kind = check_path(path)
    metadata = {"Software": None} if kind == "png" else {"Date": None, "Creator": None}
    try:
        with atomic_path(path) as temporary, _house_style():
            chart.savefig(temporary, format=kind, metadata=metadata)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from error


def draw(stats: Stats, name: str, path: str | os.PathLike) -> None:
    """The chart of `stats` written to `path` (.png or .svg)."""
    check_path(path)
    save(figure(stats, name), path)
