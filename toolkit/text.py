"""Text normalisation shared by validation (duplicate claims) and the table (repeated claims), and\ncounts written as words."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

_SPACE = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s]")


# Cells a spreadsheet reads as a formula or a command (OWASP, "CSV Injection"), also after
# quotes that an earlier neutralisation added.
FORMULA_START = r"^'*[=+\-@\t\r]"
_FORMULA = re.compile(FORMULA_START)


def spreadsheet_safe(cell: str) -> str:
    """A CSV cell a spreadsheet shows instead of running: a leading `'` before a formula.

    >>> spreadsheet_safe("=HYPERLINK(1)"), spreadsheet_safe("plain")
    ("'=HYPERLINK(1)", 'plain')
    """
    return "'" + cell if _FORMULA.match(cell) else cell


def plural(count: int, noun: str) -> str:
    """`1 claim`, `2 claims`, `1,000 claims`: counts as people write them.

    >>> plural(1, "claim"), plural(12836, "record")
    ('1 claim', '12,836 records')
    """
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def tidy(text: str) -> str:
    """What we store: Unicode NFC, runs of white space collapsed to one space, ends trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def claim_key(text: str) -> str:
    """What we compare: tidy text, lower-cased, without punctuation or quote marks.

    Two claims whose keys match say the same thing in the same words; differences of typography
    (curly quotes, a trailing full stop, capitals) do not make a new claim.
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    return _SPACE.sub(" ", _PUNCTUATION.sub(" ", folded)).strip()


def claim_key_expr(column: pl.Expr) -> pl.Expr:
    """`claim_key` as a Polars expression, for whole columns at once (same rules, same result)."""
    return (
        column.str.normalize("NFKC")
        .str.to_lowercase()
        .str.replace_all(r"[^\w\s]", " ")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def tidy_expr(column: pl.Expr) -> pl.Expr:
    """`tidy` as a Polars expression."""
    return column.str.normalize("NFC").str.replace_all(r"\s+", " ").str.strip_chars()
