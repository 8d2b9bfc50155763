"""Values as fact-check publishers write them, made into what a claim record holds: days, web
addresses, tidy text. Anything unusable becomes None; the schema decides the rest (see records)."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any
from urllib.parse import quote

from ..dates import precision
from ..text import tidy

_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")


def day(value: Any) -> str | None:
    """YYYY-MM-DD from a date or a date-time (cut, not shifted to UTC), if it is a real day."""
    if not isinstance(value, str) or not _DAY.match(value.strip()):
        return None
    text = value.strip()[:10]
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return None
    return text


def claim_date(value: Any) -> str | None:
    """A claim's date as schema 2 keeps it: a day (cut from a date-time), or a month or a year
    when that is all the source says (`2018-12`, `2018`); None for anything else.

    >>> claim_date("2018-12-04T10:00:00Z"), claim_date("2018-12"), claim_date(2018), claim_date("2018-13")
    ('2018-12-04', '2018-12', '2018', None)
    """
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        value = str(value)
    found = day(value)
    if found or not isinstance(value, str):
        return found
    period = value.strip()
    return period if precision(period) in ("month", "year") else None


def url(value: Any) -> str | None:
    """A web address with its non-ASCII characters percent-encoded (as a URI must be)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return text if text.isascii() else quote(text, safe=":/?#[]@!$&'()*+,;=%~")
    except UnicodeEncodeError:  # a lone surrogate: kept, for the repair to refuse (`repair`)
        return text


def text(value: Any) -> str | None:
    """Tidy text (see `text.tidy`), or None for anything that is not a non-empty string."""
    if not isinstance(value, str):
        return None
    return tidy(value) or None


def as_written(value: Any) -> str | None:
    """A table cell's claim exactly as its row holds it (ends trimmed): a statement is quoted, not tidied."""
    if not isinstance(value, str):
        return None
    return value.strip() or None


def rating_text(value: Any) -> str | None:
    """A rating value as words: "6", "NaN", "1e999" as the publisher wrote them."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return text(value) if isinstance(value, str) else str(value) if isinstance(value, (int, float)) else None


def name(node: Any) -> str | None:
    """The name of a node given as a string or as {"name": ...}."""
    if isinstance(node, str):
        return node
    return get(node, "name")


def get(node: Any, key: str) -> Any:
    return node.get(key) if isinstance(node, dict) else None


def first(value: Any) -> Any:
    """The first of a list (None for an empty one), or the value itself."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]
