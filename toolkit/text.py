"""Text normalisation shared by validation (duplicate claims) and the table (repeated claims)."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s]")


def tidy(text: str) -> str:
    """What we store: Unicode NFC, runs of white space collapsed to one space, ends trimmed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def claim_key(text: str) -> str:
    """What we compare: tidy text, case-folded, without punctuation or quote marks.

    Two claims whose keys match say the same thing in the same words; differences of typography
    (curly quotes, a trailing full stop, capitals) do not make a new claim.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _SPACE.sub(" ", _PUNCTUATION.sub(" ", folded)).strip()
