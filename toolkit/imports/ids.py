"""Ids that stay put: the same review gets the same id however the input is ordered and whatever
else is added or removed, so re-importing unchanged data changes nothing downstream.

An id is a readable slug (the speaker and the claim's first words, transliterated to ASCII by
anyascii for Arabic, Devanagari, Cyrillic, CJK...) and 8 hex digits of a SHA-256 of what makes
the review itself: its url (the fact-check page) and the claim's words, since one page may review
several claims; without a url, the speaker, the words, the day and the publisher. The words are
hashed as `text.claim_key` has them, so two claims get two ids exactly when they are two claims
("-5%" and "+5%" are; "“Taxes rose.”" and "taxes rose" are not).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

from anyascii import anyascii

from ..text import claim_key

SLUG_WORDS, SPEAKER_CHARS, SLUG_CHARS, HASH_DIGITS = 6, 30, 60, 8
HEAD_CHARS = SLUG_CHARS + 20  # of the claim, read for its first words


def stable_id(
    speaker: str,
    claim: str,
    *,
    url: str | None,
    date: str,
    publisher: str | None,
    key: Callable[[str], str] = claim_key,
) -> str:
    """`speaker-first-words-of-the-claim-1a2b3c4d`: lowercase ASCII words and hyphens, at most 69 characters.

    >>> stable_id("Donald Trump", "There is no longer a Nuclear Threat.", url="https://example.org/a", date="2018-06-13", publisher=None)
    'donald-trump-there-is-no-longer-a-nuclear-3ed1e7f7'

    `key`: `text.claim_key`, or a memo of it (an import keys each text several times).
    """
    parts: tuple[str, ...]
    if url:
        parts = ("url", url, key(claim))
    else:
        parts = ("content", key(speaker), key(claim), date, key(publisher or ""))
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:HASH_DIGITS]
    return f"{_readable(speaker, claim)}-{digest}"


def _readable(speaker: str, claim: str) -> str:
    slug = _speaker_slug(speaker)
    # The slug reads a few words: transliterating the start of a long claim is enough, unless its
    # words run out before the slug is full (its last word may be cut: never used).
    head = claim[:HEAD_CHARS]
    words = _slug(head).split("-")
    if len(head) < len(claim):
        words.pop()
    taken = _with_words(slug, words, whole=len(head) == len(claim))
    if taken is None:
        taken = _with_words(slug, _slug(claim).split("-"))
    return taken or "claim"


@functools.lru_cache(maxsize=4096)  # a few speakers make most claims
def _speaker_slug(speaker: str) -> str:
    slug = _slug(speaker)
    return slug[:SPEAKER_CHARS].rsplit("-", 1)[0] if len(slug) > SPEAKER_CHARS else slug


def _with_words(slug: str, words: list[str], *, whole: bool = True) -> str | None:
    """The speaker's slug and the claim's first words (None: `words` ran out, and are not the whole claim)."""
    for count, word in enumerate(words):
        if count == SLUG_WORDS or not word or len(slug) + len(word) + 1 > SLUG_CHARS:
            break
        slug = f"{slug}-{word}" if slug else word
    else:
        if not whole and len(words) < SLUG_WORDS:
            return None
    return slug.strip("-") or "claim"


class _Transliteration(dict):
    """`anyascii` as a `str.translate` table filled as characters are met: anyascii reads one
    character at a time, so the table gives its text, in C rather than a Python loop per character."""

    def __missing__(self, codepoint: int) -> str:
        self[codepoint] = ascii = anyascii(chr(codepoint))
        return ascii


_ASCII = _Transliteration()


# Each ASCII byte as a slug has it: letters lowercase, digits as they are, anything else a space.
_SLUG_BYTES = (
    bytes(c if chr(c).isdigit() or chr(c).islower() else c + 32 if chr(c).isupper() else 32 for c in range(128))
    + b" " * 128
)


def _slug(text: str) -> str:
    """Lowercase ASCII words joined by hyphens: any script transliterated, "that's" one word."""
    plain = (text if text.isascii() else text.translate(_ASCII)).encode("ascii")
    return b"-".join(plain.translate(_SLUG_BYTES, b"'").split()).decode("ascii")  # a byte table: C, not a regex
