"""Text normalisation shared by validation (duplicate claims) and the table (repeated claims), and\ncounts written as words."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl


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
    return " ".join(unicodedata.normalize("NFC", text).split())  # str.split's white space is `\s`


# What the claim key drops, from Unicode's own character properties (checked against the Unicode
# tables of Polars' regex engine in tests/test_claim_key.py): Default_Ignorable_Code_Point
# (DerivedCoreProperties.txt: zero width spaces and joiners, the soft hyphen, bidirectional
# controls, variation selectors; what Unicode's NFKC_Casefold drops too) and Quotation_Mark
# (PropList.txt: straight, curly, angle and corner quotes).
IGNORABLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)  # fmt: skip
QUOTATION_MARK_RANGES = (
    (0x0022, 0x0022), (0x0027, 0x0027), (0x00AB, 0x00AB), (0x00BB, 0x00BB), (0x2018, 0x201F),
    (0x2039, 0x203A), (0x2E42, 0x2E42), (0x300C, 0x300F), (0x301D, 0x301F), (0xFE41, 0xFE44),
    (0xFF02, 0xFF02), (0xFF07, 0xFF07), (0xFF62, 0xFF63),
)  # fmt: skip
_DROPPED = re.compile(  # a character class: five times faster than str.translate with a table
    "[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in IGNORABLE_RANGES + QUOTATION_MARK_RANGES) + "]"
)


def claim_key(text: str) -> str:
    """What makes two texts the same claim: Unicode's caseless match of their compatibility forms
    (NFKC and case folding, as Unicode defines "compatibility caseless match"), without what shows
    nothing (default ignorable characters: zero width spaces, soft hyphens, joiners), without quote
    marks, with white space collapsed and without the full stops or exclamation marks that end it
    (a question mark stays: a question is not a statement).

    Everything else is kept: letters with their marks (a Hindi vowel sign, an Arabic haraka),
    digits, signs, currency, comparison, percent and the other punctuation, so that texts that say
    different things never share a key. The one definition: validate (`duplicate-claim`), build
    (`repeat_of`), import (which reviews are one claim) and the speaker registry all use it.

    >>> claim_key("“Growth was -5% last year.”") == claim_key("growth  was -5% LAST year")
    True
    >>> claim_key("Growth was -5% last year.") == claim_key("Growth was +5% last year.")
    False
    """
    if text.isascii():  # NFKC leaves ASCII as it is, and folding it is lower-casing it
        key = " ".join(text.lower().replace('"', "").replace("'", "").split())
        return key.rstrip(".! ")
    plain = unicodedata.normalize("NFD", _DROPPED.sub("", text))
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", plain.casefold()).casefold())
    key = " ".join(_DROPPED.sub("", unicodedata.normalize("NFC", folded)).split())
    while key and (key[-1] in ".!" or (not key[-1].isascii() and _ends_sentence(key[-1]))):
        key = key[:-1].rstrip()
    return key


@functools.lru_cache(maxsize=256)
def _ends_sentence(char: str) -> bool:
    """A full stop or an exclamation mark in any script (the Arabic full stop, the ideographic one,
    the Devanagari danda), by its Unicode name."""
    name = unicodedata.name(char, "")
    return unicodedata.category(char) == "Po" and name.endswith(("FULL STOP", "DANDA", "EXCLAMATION MARK"))


def claim_key_expr(column: pl.Expr) -> pl.Expr:
    """`claim_key` of each text of a column. Polars has no case folding (its lower-casing keeps
    `ß` apart from `ss`), so texts beyond ASCII are given to `claim_key` itself; ASCII texts, most of
    them, are keyed by Polars as `claim_key` keys them (tests/test_claim_key.py checks that both
    agree), three times faster than Python."""
    import polars as pl

    return column.map_batches(_claim_keys, return_dtype=pl.String)


def _claim_keys(texts: pl.Series) -> pl.Series:

    keys = (
        texts.str.to_lowercase()
        .str.replace_all("[\"']", "")
        .str.replace_all(r"[\s\x1c-\x1f]+", " ")
        .str.strip_chars(" ")
        .str.strip_chars_end(".! ")
    )
    beyond = texts.str.len_bytes() != texts.str.len_chars()
    if beyond.any():
        keys = keys.scatter(beyond.arg_true(), [claim_key(text) for text in texts.filter(beyond).to_list()])
    return keys


def tidy_expr(column: pl.Expr) -> pl.Expr:
    """`tidy` as a Polars expression."""
    return column.str.normalize("NFC").str.replace_all(r"\s+", " ").str.strip_chars()
