"""A claim's date as schema 2 writes it: a day (`2018-12-04`), a month (`2018-12`), a year
(`2018`) or `unknown`, because real data often knows no more (LIAR has no dates at all, a tweet
quoted "in December" has no day) and a day made up would be a false fact.

The table keeps the date as a Date, the first day of its period (null when unknown), beside
`date_precision`, so sorting and filtering by date still work and the export writes the date
back as it was written. The validation rules use the same reading: a period is in the future
when its first day is.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

UNKNOWN = "unknown"
# A day written loosely: one-digit months and days, `/` or `.` between the parts, spaces around.
_LOOSE_DAY = re.compile(r"\s*([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})\s*")
# A day as spreadsheets write it, the year last: 12/6/2007, 25.12.2018.
_YEAR_LAST = re.compile(r"\s*([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})\s*")
# Length of the text -> its precision; anything else (a full date-time, garbage) is not a claim date.
PRECISIONS = {10: "day", 7: "month", 4: "year"}
# How each precision is written from the period's first day.
WRITTEN = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def day_written_right(value: Any) -> str | None:
    """`2018-12-4` (or `2018/12/04`) as `2018-12-04`: the same day written as the schema wants, if
    it is a real day; None otherwise. `fmt` writes it so, `explain` suggests it.

    >>> day_written_right("2018-12-4"), day_written_right("2018-02-30")
    ('2018-12-04', None)
    """
    match = _LOOSE_DAY.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def year_last(value: Any) -> tuple[str | None, str | None]:
    """`12/6/2007` read month first and day first, as YYYY-MM-DD (None where that reading is no
    real day; both None for anything else). Which one a spreadsheet meant depends on its locale,
    so `explain` offers what is possible and `fmt` changes nothing.

    >>> year_last("12/6/2007"), year_last("25.12.2018"), year_last("2018-12-04")
    (('2007-12-06', '2007-06-12'), (None, '2018-12-25'), (None, None))
    """
    match = _YEAR_LAST.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None, None
    first, second, year = map(int, match.groups())
    return _real_day(year, first, second), _real_day(year, second, first)


def _real_day(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def precision(text: Any) -> str | None:
    """ "day", "month", "year" or "unknown"; None for what is not a claim date.

    >>> [precision(t) for t in ("2018-12-04", "2018-12", "2018", "unknown", "Dec 2018")]
    ['day', 'month', 'year', 'unknown', None]
    """
    if text == UNKNOWN:
        return UNKNOWN
    if not isinstance(text, str) or len(text) not in PRECISIONS or period_start(text) is None:
        return None
    return PRECISIONS[len(text)]


def period_start(text: Any) -> dt.date | None:
    """The first day of the period `text` names (None: unknown, or not a claim date).

    >>> period_start("2018-12"), period_start("unknown")
    (datetime.date(2018, 12, 1), None)
    """
    if not isinstance(text, str) or len(text) not in PRECISIONS:
        return None
    try:
        return dt.date.fromisoformat(text + "-01-01"[len(text) - 4 :] if len(text) < 10 else text)
    except ValueError:
        return None


def start_expr(value: pl.Expr) -> pl.Expr:
    """`period_start` for a column of valid claim dates (text): a Date, null for unknown."""
    import polars as pl

    length = value.str.len_chars()
    full = (
        pl.when(length == 4)
        .then(value + "-01-01")
        .when(length == 7)
        .then(value + "-01")
        .when(length == 10)
        .then(value)
        .otherwise(None)
    )
    return full.str.to_date("%Y-%m-%d", strict=False)


def precision_expr(value: pl.Expr) -> pl.Expr:
    """`precision` for a column of valid claim dates (text)."""
    import polars as pl

    length = value.str.len_chars()
    expression: Any = pl.when(value == UNKNOWN).then(pl.lit(UNKNOWN))
    for size, name in PRECISIONS.items():
        expression = expression.when(length == size).then(pl.lit(name))
    return expression.otherwise(None)


def written_expr(date: pl.Expr, precision_of: pl.Expr) -> pl.Expr:
    """The date as it was written, from the table's Date and its precision."""
    import polars as pl

    expression: Any = pl.when(precision_of == UNKNOWN).then(pl.lit(UNKNOWN))
    for name, pattern in WRITTEN.items():
        expression = expression.when(precision_of == name).then(date.dt.to_string(pattern))
    return expression.otherwise(date.dt.to_string(WRITTEN["day"]))


def dates_as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every Date of `frame`, in lists and objects too, as YYYY-MM-DD text. RFC 3339 (and so a valid
    claim file) has the year 0000, which Python's dates do not (they start at year 1): what turns a
    table into Python values turns its dates into text first."""
    import polars as pl

    def text(dtype: Any) -> Any:
        if dtype == pl.Date:
            return pl.String()
        if isinstance(dtype, pl.List):
            return pl.List(text(dtype.inner))
        if isinstance(dtype, pl.Struct):
            return pl.Struct({field.name: text(field.dtype) for field in dtype.fields})
        return dtype

    changed = {name: text(dtype) for name, dtype in frame.schema.items() if text(dtype) != dtype}
    return frame.with_columns(pl.col(name).cast(dtype) for name, dtype in changed.items())


def written(date: dt.date | None, precision_of: str | None) -> str:
    """One table date as it was written, from its Date and precision (a day when none is said).

    >>> written(dt.date(2018, 12, 1), "month"), written(None, "unknown")
    ('2018-12', 'unknown')
    """
    if date is None:
        return UNKNOWN
    return date.strftime(WRITTEN.get(precision_of or "day", WRITTEN["day"]))
