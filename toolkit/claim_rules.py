"""The toolkit's own rules about claim records, beyond what the schema can say, as plain functions
of a record's data: the validation engine calls them and places what they find.

- `future-date`: a claim made after today; a month or a year is in the future when its first day
  is, and `unknown` never is.
- `history-order`: `history` oldest first, and not older than the claim, dates compared at the
  coarser precision of the two (a day of December 2018 is not older than a claim of `2018-12`).
- `duplicate-claim`: the same speaker, words and date written the same way (`2018-12` and
  `2018-12-04` are not the same date); a claim of unknown date is never a duplicate, since
  re-checks of one statement (LIAR's) are repeats that the build links.
- a schema 1 record (`review:`) is told to run `claims migrate`, rather than hear "unknown field".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from .dates import UNKNOWN, period_start
from .text import claim_key

# Fields schema 1 had and schema 2 replaced: field -> what to say.
SCHEMA1_FIELDS = {
    "review": "this looks like a schema 1 record (review:); schema 2 keeps a list, reviews: run "
    "`claims migrate PATH` to rewrite the file",
}


def record_rules(data: dict, today: str) -> Iterator[tuple[str, str, str]]:
    """(pointer, rule, message) for each rule the record breaks; `today` is YYYY-MM-DD."""
    date = data.get("date")
    start = period_start(date)
    if start is not None and start.isoformat() > today:
        yield "/date", "future-date", f"the date {date} is in the future (today is {today})"
    history = data.get("history")
    if not isinstance(history, list):
        return
    dates: list[tuple[int, str]] = [
        (i, h["date"]) for i, h in enumerate(history) if isinstance(h, dict) and isinstance(h.get("date"), str)
    ]
    for (_, earlier), (index, later) in zip(dates, dates[1:]):
        if _before(later, earlier):
            yield (
                f"/history/{index}/date",
                "history-order",
                f"history is oldest first, but {later} comes after {earlier}",
            )
    if dates and isinstance(date, str) and start is not None and _before(dates[0][1], date):
        index, first = dates[0]
        yield (
            f"/history/{index}/date",
            "history-order",
            f"a status in history ({first}) cannot be older than the claim itself ({date})",
        )


def _before(first: str, second: str) -> bool:
    """Whether the date `first` is before `second` at the coarser of their precisions: a day of
    December 2018 is not before `2018-12`, nor `2018-12` before one of its days."""
    shared = min(len(first), len(second))
    return first[:shared] < second[:shared]


def duplicate_key(data: dict, key: Callable[[str], str] = claim_key) -> tuple[str, str, str] | None:
    """What makes two records the same claim (speaker, words, date as written), or None when the
    record cannot be a duplicate (no text fields, or a date unknown). `key`: `claim_key`, or a
    memo of it for a caller that keys the same texts again and again."""
    speaker, claim, date = data.get("speaker"), data.get("claim"), data.get("date")
    date = date.isoformat() if isinstance(date, dt.date) else date
    if not (isinstance(speaker, str) and isinstance(claim, str) and isinstance(date, str)) or date == UNKNOWN:
        return None
    return key(speaker), key(claim), date


def unknown_field_hint(key: str, pointer: str) -> str | None:
    """What to say about an unknown field that schema 1 had (None: nothing special)."""
    return SCHEMA1_FIELDS.get(key) if pointer == "" else None
