"""What an import did, for people (`render`) and scripts (`ImportSummary.report`, `--report`)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ExportError
from ..files import write_text
from ..text import plural, spreadsheet_safe
from .records import Disagreement, Skipped

REPORT_SUFFIXES = (".json", ".csv")
SHOWN_DISAGREEMENTS = 20  # on a terminal; the JSON report and the summary object hold them all


@dataclass(frozen=True)
class ImportSummary:
    """What an import read, wrote, skipped (each with its place) and could not map."""

    path: Path | None
    items: int  # ClaimReview nodes and Fact Check API claims read
    reviews: int  # reviews found in them (an API claim may hold several)
    written: int
    reviews_kept: int = 0  # reviews the written records hold
    skipped: tuple[Skipped, ...] = ()
    notes: Mapping[str, int] = field(default_factory=dict)  # e.g. "claim date taken from the review's date": 3
    unmapped: Mapping[tuple[str, str], int] = field(default_factory=dict)  # (words, publisher) -> reviews
    no_verdict: Mapping[tuple[str, str], int] = field(default_factory=dict)
    disagreements: tuple[Disagreement, ...] = ()

    @property
    def skipped_by_reason(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.skipped:
            counts[item.reason] = counts.get(item.reason, 0) + 1
        return dict(sorted(counts.items()))

    def report(self) -> dict[str, Any]:
        """Everything, as plain data (the JSON `--report`)."""
        ratings = lambda counts: [  # noqa: E731
            {"rating": words, "publisher": publisher, "reviews": n} for (words, publisher), n in counts.items()
        ]
        return {
            "items": self.items,
            "reviews": self.reviews,
            "written": self.written,
            "reviews_kept": self.reviews_kept,
            "skipped": [s.as_dict() for s in self.skipped],
            "notes": dict(self.notes),
            "unmapped_ratings": ratings(self.unmapped),
            "no_verdict_ratings": ratings(self.no_verdict),
            "disagreements": [d.as_dict() for d in self.disagreements],
        }


def write_report(path: Path, summary: ImportSummary) -> None:
    """JSON: the whole summary; CSV: one row per skipped item (position, url, reason)."""
    if path.suffix.lower() == ".json":
        text = json.dumps(summary.report(), indent=2, ensure_ascii=False) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, ["position", "url", "reason"], lineterminator="\n")
        writer.writeheader()
        # Positions, urls and reasons come from the input: defused for spreadsheets, as exports are.
        writer.writerows(
            {k: None if v is None else spreadsheet_safe(str(v)) for k, v in s.as_dict().items()}
            for s in summary.skipped
        )
        text = buffer.getvalue()
    try:
        write_text(path, text)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from error


def render(summary: ImportSummary, report: str | None = None) -> str:
    """The summary as lines for a terminal: counts, then every unmapped rating and disagreement."""
    lines = [
        f"read {plural(summary.items, 'item')} ({plural(summary.reviews, 'review')}); "
        f"wrote {plural(summary.written, 'record')} ({plural(summary.reviews_kept, 'review')} kept) to {summary.path}"
    ]
    if summary.skipped:
        reasons = ", ".join(f"{n} {reason}" for reason, n in summary.skipped_by_reason.items())
        where = f"; each listed in {report}" if report else "; --report FILE lists each"
        lines.append(f"skipped {len(summary.skipped)}: {reasons}{where}")
    for note, n in summary.notes.items():
        lines.append(f"  {n} {note}")
    for title, counts in (
        ("unmapped ratings (reviews without a status, words kept in rating.text)", summary.unmapped),
        ("ratings with no verdict (reviews without a status)", summary.no_verdict),
    ):
        if counts:
            lines.append(f"{title}:")
            lines.extend(
                f'  {n} x "{words}" ({publisher or "no publisher"})' for (words, publisher), n in counts.items()
            )
    if summary.disagreements:
        lines.append(
            f"{plural(len(summary.disagreements), 'claim')} with reviews that disagree "
            "(every review kept; the record's status is the most recent mapped one):"
        )
        for d in summary.disagreements[:SHOWN_DISAGREEMENTS]:
            verdicts = "; ".join(f"{status}: {', '.join(names)}" for status, names in d.statuses.items())
            lines.append(f'  {d.id}: {d.speaker}: "{d.claim}" -> {verdicts}')
        if len(summary.disagreements) > SHOWN_DISAGREEMENTS:
            lines.append(
                f"  ... and {len(summary.disagreements) - SHOWN_DISAGREEMENTS:,} more "
                f"({report if report and report.endswith('.json') else '--report FILE.json'} lists every one)"
            )
    return "\n".join(lines) + "\n"
