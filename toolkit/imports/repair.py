"""Texts from elsewhere made into texts `claims validate` accepts (`toolkit.rules`), each kind of
repair counted: a source's mistakes are repaired where the intent is plain, never passed on.

- a control character (a NUL, the C1 control U+0090 LIAR holds) is removed; a tab, a line break or
  another separator becomes a space (line breaks and tabs stay in the claim, where prose has them);
- bidirectional controls are balanced as Unicode's algorithm (UAX #9) reads them: an embedding or
  isolate left open is closed at the end of its paragraph, a closer that closes nothing and an
  override (which makes text display in another order than it is stored) are removed, with the
  closer that belongs to it; whatever the text rules still refuse (`rules.bidi_faults`) is removed;
- a text with nothing visible (only spaces, zero-width or other invisible characters) is no text:
  an optional field is left out, a claim without text is skipped, a speaker becomes unknown;
- a lone surrogate (half of a UTF-16 pair, as `"\\ud800"` in JSON) cannot be repaired: which
  character was broken is unknown, so the item is skipped, its reason given.
"""

from __future__ import annotations

import dataclasses
import operator
import re
from collections import Counter
from typing import Any

from .. import rules
from .review import Review

CONTROLS_REMOVED = "control characters removed"
BIDI_CLOSED = "bidirectional embeddings or isolates left open, closed"
BIDI_REMOVED = "bidirectional controls removed (overrides, closers of nothing)"
INVISIBLE = "texts with no visible character, left out"

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_SEPARATOR = re.compile("[\t\n\x0b\x0c\r\x1c-\x1f\x85]+")  # controls that separate words
_PROSE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
_EMBEDDINGS, _OVERRIDES, _ISOLATES = "\u202a\u202b", "\u202d\u202e", "\u2066\u2067\u2068"
_PDF, _PDI = "\u202c", "\u2069"
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_PARAGRAPH = "\n\r\x1c\x1d\x1e\x85\u2029"


class Unrepairable(ValueError):
    """A text no repair can make valid: the item is skipped with this reason."""


def repair_review(review: Review, notes: Counter) -> Review:
    """The review with every text repaired (see the module docstring), the repairs counted in
    `notes`; raises Unrepairable for a text that cannot be."""
    if _plain(review):
        return review  # nearly every review: nothing to repair
    changes: dict[str, Any] = {}
    texts: dict[str, str] = {}
    for name, value in zip(_NAMES, _VALUES(review)):
        if name == "position" or value is None:
            continue
        if type(value) is str:
            texts[name] = value  # all at once below: nearly every review needs no repair
        elif not value:
            continue
        elif name == "fields":  # (record field, value) pairs: a pair whose value is no text goes
            pairs = tuple((key, _value(item, key, notes)) for key, item in value)
            fixed: Any = tuple((key, item) for key, item in pairs if item is not None and item != [])
            if fixed != value:
                changes[name] = fixed
        elif (fixed := _value(value, name, notes)) is not value:
            changes[name] = fixed
    if not rules.plain(list(texts.values())):
        for name, text in texts.items():
            if (fixed := repair_text(text, name, notes)) is not text:
                changes[name] = fixed
    return dataclasses.replace(review, **changes) if changes else review


def _plain(review: Review) -> bool:
    """Whether a review holds only plain text (`rules.plain`: its own, its appearances' and its
    sources') and nothing else a repair would look into (fields, values in lists), decided for all
    its texts at once."""
    if (
        review.fields
        or isinstance(review.value, _NESTED)
        or isinstance(review.best, _NESTED)
        or isinstance(review.worst, _NESTED)
    ):
        return False
    texts = [value for value in _VALUES(review) if type(value) is str]
    nested = [*review.sources]
    for appearance in review.appearances:
        if type(appearance) is not dict:
            return False
        nested += appearance.values()
    return all(type(text) is str for text in nested) and rules.plain(texts + nested)


_NESTED = (list, tuple, dict)
_NAMES = tuple(field.name for field in dataclasses.fields(Review))
_VALUES = operator.attrgetter(*_NAMES)  # a review's values, in the order of its fields


def _value(value: Any, name: str, notes: Counter) -> Any:
    if isinstance(value, str):
        return repair_text(value, name, notes)
    if isinstance(value, tuple):
        items = tuple(_value(item, name, notes) for item in value)
        kept = tuple(item for item in items if item is not None)
        return value if kept == value else kept
    if isinstance(value, list):
        kept_list = [item for item in (_value(item, name, notes) for item in value) if item is not None]
        return kept_list if kept_list != value else value
    if isinstance(value, dict):
        kept_dict = {k: v for k, v in ((k, _value(v, k, notes)) for k, v in value.items()) if v is not None}
        return kept_dict if kept_dict != value else value
    return value


def repair_text(text: str, name: str, notes: Counter) -> str | None:
    """One text repaired (None: it has nothing visible); `name` says whether it is prose."""
    if text.isascii() and text.isprintable() and not text.isspace() and text:
        return text  # the usual case: nothing to repair (one C call each)
    surrogate = _SURROGATE.search(text)
    if surrogate:
        raise Unrepairable(
            f"{_field(name)}: a lone surrogate (U+{ord(surrogate.group()):04X}), half of a UTF-16 pair: "
            "the program that wrote the source broke a character in two"
        )
    prose = name in ("claim", "context")
    if (_PROSE_CONTROL if prose else _CONTROL).search(text):
        if prose:
            text = _PROSE_CONTROL.sub(lambda m: "\n" if m.group() == "\r" else "", text)
        else:
            text = _CONTROL.sub("", _SEPARATOR.sub(" ", text)).strip()
        notes[CONTROLS_REMOVED] += 1
    if _BIDI.search(text):
        text = _balanced(text, notes)
        faults = {fault.index for fault in rules.bidi_faults(text)}  # what the rule refuses
        if faults:
            text = "".join(char for index, char in enumerate(text) if index not in faults)
            notes[BIDI_REMOVED] += 1
    if not text:
        return None
    if any(rule == "invisible-text" for rule, _ in rules.check_text(text, "/" + name)):
        notes[INVISIBLE] += 1
        return None
    return text


def _balanced(text: str, notes: Counter) -> str:
    """Bidirectional controls as UAX #9 pairs them: every embedding and isolate closed before its
    paragraph ends, overrides and closers of nothing removed."""
    out: list[str] = []
    open_: list[str] = []  # the closer each open control waits for; "" for a removed override
    closed = removed = False

    def close_all() -> None:
        nonlocal closed
        while open_:
            closer = open_.pop()
            if closer:
                out.append(closer)
                closed = True

    for char in text:
        if char in _EMBEDDINGS or char in _ISOLATES:
            open_.append(_PDF if char in _EMBEDDINGS else _PDI)
            out.append(char)
        elif char in _OVERRIDES:
            open_.append("")  # its PDF is removed with it
            removed = True
        elif char == _PDF:
            if open_ and open_[-1] != _PDI:
                if open_.pop():
                    out.append(char)
            else:
                removed = True
        elif char == _PDI:
            if _PDI in open_:
                while open_[-1] != _PDI:  # an isolate's end closes the embeddings inside it
                    closer = open_.pop()
                    if closer:
                        out.append(closer)
                        closed = True
                open_.pop()
                out.append(char)
            else:
                removed = True
        else:
            if char in _PARAGRAPH:
                close_all()
            out.append(char)
    close_all()
    notes[BIDI_CLOSED] += closed
    notes[BIDI_REMOVED] += removed
    return "".join(out)


def _field(name: str) -> str:
    return {"words": "the rating", "body": "the review's summary", "identity": "the id"}.get(name, name)
