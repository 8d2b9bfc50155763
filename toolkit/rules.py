"""The toolkit's own rules about text, which a schema cannot say: every text of a record (values
and keys) must be text a person can read and every later stage can write.

- no lone surrogate (half of a UTF-16 pair, as `"\\ud800"` in JSON): it is not a character, and
  UTF-8 outputs (Parquet, CSV) cannot hold it;
- no control character (U+0000-U+001F, U+007F-U+009F), except tab and line breaks in the fields
  where curators write paragraphs (`PROSE_FIELDS`);
- no bidirectional override (U+202D, U+202E) and no unbalanced bidirectional control: an embedding
  (U+202A, U+202B) not closed by U+202C in the same text, an isolate (U+2066-U+2068) not closed by
  U+2069, or a closer with nothing to close. These make text display in another order than it is
  stored ("Trojan Source"). Balanced embeddings and isolates and the marks (LRM, RLM, ALM) are
  ordinary in right-to-left text and allowed, as Unicode's guidance has it (UAX #9, UTS #55):
  `bidi_faults` says which controls break the rule, and is what import repairs by;
- a text holds at least one visible character: not only spaces, zero-width or other invisible
  characters.

Checking every text of every record in Python would cost as much as the rest of the validation
of a large JSON Lines file, so the raw JSON (a piece of many lines, or a one-record file) is
searched first for anything that could break a rule (and sometimes what does not): escapes and
strings that may look empty by RE2 over the whole piece, raw controls by regexes that start with a
fixed byte (`suspect_lines`, `suspect`; `plain_written` for the compact lines import writes). Only
the records flagged are checked here, precisely.
Records that other readers (YAML, CSV) have already made into Python objects are checked
directly by `problems`, whose first pass is a few C calls per record.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .records import Problem, Record, pointer_join

# The fields where line breaks and tabs are part of the text (a quote over several lines).
PROSE_FIELDS = frozenset({"/claim", "/context"})

# Characters that show nothing on their own: white space, controls, format characters (zero
# width spaces and joiners, bidirectional marks, the byte order mark, invisible operators, tag
# characters), Hangul fillers, the blank Braille pattern and variation selectors.
_INVISIBLE_RANGES = (
    (0x0, 0x20),
    (0x7F, 0xA0),
    (0xAD, 0xAD),
    (0x34F, 0x34F),
    (0x61C, 0x61C),
    (0x115F, 0x1160),
    (0x1680, 0x1680),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x2000, 0x200F),
    (0x2028, 0x202F),
    (0x205F, 0x2064),
    (0x2066, 0x206F),
    (0x2800, 0x2800),
    (0x3000, 0x3000),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF9, 0xFFFB),
    (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
    (0xE0100, 0xE01EF),
)
_VISIBLE = re.compile("[^" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in _INVISIBLE_RANGES) + "]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_PROSE_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")  # tab, LF and CRLF allowed
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")

# Bidirectional formatting characters (UAX #9, 2.1-2.5): what each opens, and what closes it.
_OPENS = {"\u202a": "embedding", "\u202b": "embedding", "\u2066": "isolate", "\u2067": "isolate", "\u2068": "isolate"}
_CLOSES = {"\u202c": "embedding", "\u2069": "isolate"}
_OVERRIDES = frozenset("\u202d\u202e")
_CLOSER_OF = {"embedding": "U+202C (POP DIRECTIONAL FORMATTING)", "isolate": "U+2069 (POP DIRECTIONAL ISOLATE)"}


@dataclass(frozen=True)
class BidiFault:
    """A bidirectional control that can make text display in another order than it is stored:
    `kind` is "override" (U+202D, U+202E), "unclosed" (an embedding or isolate never closed in
    the text) or "unopened" (U+202C or U+2069 with nothing of its kind open to close)."""

    index: int  # 0-based, in the text
    char: str
    kind: str


def bidi_faults(text: str) -> list[BidiFault]:
    """The bidirectional controls of `text` that break the rule, in text order (none: the text
    displays in the order it is stored). Embeddings and isolates must nest: each closed, in the same
    text, by its own closer before the one that encloses it is. Removing the characters listed
    leaves text with no fault.

    >>> [(f.index, f.kind) for f in bidi_faults("\u202bمرحبا\u202c and \u2067x\u2069")]
    []
    >>> [(f.index, f.kind) for f in bidi_faults("a\u202eb \u2067c \u202c")]
    [(1, 'override'), (4, 'unclosed'), (7, 'unopened')]
    """
    if _BIDI.search(text) is None:
        return []
    faults: list[BidiFault] = []
    open_: list[tuple[int, str]] = []
    for index, char in enumerate(text):
        if char in _OVERRIDES:
            faults.append(BidiFault(index, char, "override"))
        elif char in _OPENS:
            open_.append((index, char))
        elif char in _CLOSES:
            if open_ and _OPENS[open_[-1][1]] == _CLOSES[char]:
                open_.pop()
            else:
                faults.append(BidiFault(index, char, "unopened"))
    faults.extend(BidiFault(index, char, "unclosed") for index, char in open_)
    return sorted(faults, key=lambda fault: fault.index)


def _char(code: int) -> str:
    """One character in a pattern both `re` and RE2 read alike: `\\xHH` below U+0100 (code points in
    both), the character itself above."""
    return f"\\x{code:02x}" if code < 0x100 else chr(code)


def _class(ranges) -> str:
    return "[" + "".join(_char(a) + ("-" + _char(b) if b > a else "") for a, b in ranges) + "]"


def _hex(code: int) -> str:
    """`\\u` and four hex digits of `code` as JSON may write them, in either case."""
    return "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in f"{code:04x}")


_BMP_INVISIBLE = [code for first, last in _INVISIBLE_RANGES for code in range(first, last + 1) if code < 0x10000]

# What could break a rule, in JSON as written: escapes of surrogates (of pairs too), controls and
# bidirectional characters, short escapes of controls; controls and bidirectional characters as
# they are (raw C0 controls are not JSON: the careful reader reports them); a string that may look
# empty: white space then its closing quote, an escape of an invisible character, or an invisible
# character. The parts are read by RE2 (many lines at once, through pyarrow) or by `re`.
_ESCAPES = r"\\(?:u(?:[dD][89a-fA-F]|00[01]|007[fF]|00[89]|202[a-eA-E]|206[6-9])|[bfnrt])"
_CONTROLS = _class(((0x0, 0x8), (0xB, 0xC), (0xE, 0x1F), (0x7F, 0x9F), (0x202A, 0x202E), (0x2066, 0x2069)))
_LOOKS_EMPTY = (
    r'"[ \t\r\n]*(?:"|\\u(?:' + "|".join(_hex(code) for code in _BMP_INVISIBLE) + ")|" + _class(_INVISIBLE_RANGES) + ")"
)
# For `re`, one pattern each: a pattern that starts with a fixed character or a class is searched
# fast, an alternation of them is not.
_SUSPECT_PARTS = tuple(re.compile(part) for part in (_ESCAPES, _CONTROLS, _LOOKS_EMPTY))

# The same controls as UTF-8 bytes, each found by a regex that starts with a fixed byte (which
# `re` finds fast; RE2 reads a class of non-ASCII characters at every byte, five times slower).
# Each is looked for only where its first byte is (`in` finds one byte fastest of all).
_RAW_CONTROLS = (
    (b"\x7f", re.compile(rb"\x7f")),
    (b"\xc2", re.compile(rb"\xc2[\x80-\x9f]")),
    (b"\xe2", re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])")),
)


def suspect(raw: bytes) -> bool:
    """Whether the JSON text `raw` may hold a text that breaks a rule (False: it surely does not)."""
    text = raw.decode("utf-8", "replace")
    return any(part.search(text) for part in _SUSPECT_PARTS)


_OPENS_INVISIBLE = re.compile('"' + _class(_INVISIBLE_RANGES))  # a text opening with what shows nothing


def plain_written(line: bytes) -> bool:
    """Whether a value written as compact JSON (orjson's form: nothing between tokens, and only
    quotes, backslashes and C0 controls escaped) surely holds no text that breaks a rule (False:
    ask `findings`). A text with no visible character opens with an invisible one, and with no
    escape every quote opens or closes a text: twice as fast as `suspect`, which reads JSON as
    people write it too."""
    if b"\\" in line:  # an escape: a control, or a quote or a backslash within a text
        return False
    if any(first in line and pattern.search(line) for first, pattern in _RAW_CONTROLS):
        return False
    return _OPENS_INVISIBLE.search(line.decode("utf-8")) is None


def suspect_lines(lines: list[bytes], data: bytes | None = None) -> list[int]:
    """The indexes of the JSON lines that may hold a text breaking a rule (a line the decoder
    refuses may be flagged or not: the careful reader checks it anyway). `data`, if given, is
    `b"\\n".join(lines)`, the bytes as read, searched as they are. Escapes and strings that may
    look empty are found by RE2, one call per pattern over an Arrow array of the lines (`re`
    reads each line if RE2 cannot); raw controls by `re`."""
    if not lines:
        return []
    text = b"\n".join(lines) if data is None else data
    hits: set[int] = set()
    for first, pattern in _RAW_CONTROLS:
        if first in text:
            hits.update(_lines_of(text, (match.start() for match in pattern.finditer(text))))
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        whole = pa.LargeStringArray.from_buffers(1, pa.py_buffer(array("q", (0, len(text)))), pa.py_buffer(text))
        arrow = pc.list_flatten(pc.split_pattern(whole, "\n"))
        if len(arrow) != len(lines):
            raise ValueError("data is not the lines joined by newlines")
        for regex in (_ESCAPES, _LOOKS_EMPTY) if b"\\" in text else (_LOOKS_EMPTY,):
            hits.update(pc.indices_nonzero(pc.match_substring_regex(arrow, regex)).to_pylist())
    except Exception:  # no pyarrow, or RE2 refuses: `re` reads each line
        hits.update(k for k, line in enumerate(lines) if suspect(line))
    return sorted(hits)


def _lines_of(text: bytes, positions: Iterator[int]) -> Iterator[int]:
    """The line (by index) of each of the increasing `positions` in `text`: newlines counted
    once, from one position to the next."""
    line, last = 0, 0
    for position in positions:
        line += text.count(b"\n", last, position)
        last = position
        yield line


def problems(record: Record) -> list[Problem]:
    """Every text rule the record breaks, located at the text (or key) that breaks it."""
    return [record.problem(pointer, rule, message, key=key) for pointer, key, rule, message in findings(record.data)]


def findings(data: Any) -> list[tuple[str, bool, str, str]]:
    """(pointer, is a key, rule, message) for every text of `data` that breaks a rule."""
    texts: list[str] = []
    _gather(data, texts)
    if plain(texts):
        return []  # the usual case
    found: list[tuple[str, bool, str, str]] = []
    for pointer, is_key, text in _texts(data, ""):
        for rule, message in check_text(text, pointer, is_key):
            found.append((pointer, is_key, rule, message))
    return found


def plain(texts: list[str]) -> bool:
    """Whether every text is one no rule could refuse (the usual case, decided in a few C calls
    for them all): no control, format or surrogate character, none blank."""
    joined = " ".join(texts)
    return (
        joined.isprintable()
        and all(map(str.strip, texts))
        and (joined.isascii() or all(_VISIBLE.search(text) for text in texts if not text.isascii()))
    )


def check_text(text: str, pointer: str, is_key: bool = False) -> Iterator[tuple[str, str]]:
    """(rule, message) for each rule that one text breaks."""
    what = "the key" if is_key else f"the text of {_field(pointer)!r}"
    surrogate = _SURROGATE.search(text)
    if surrogate:
        yield (
            "surrogate",
            (
                f"{what} holds a lone surrogate ({_code(surrogate.group())}, at character {surrogate.start() + 1}), "
                "half of a UTF-16 pair and not a character: the program that wrote the file broke a character in two"
            ),
        )
    control = (_PROSE_CONTROL if pointer in PROSE_FIELDS and not is_key else _CONTROL).search(text)
    if control:
        allowed = (
            "; line breaks and tabs are allowed only in " + " and ".join(sorted(p.lstrip("/") for p in PROSE_FIELDS))
            if control.group() in "\t\n\r"
            else ""
        )
        yield (
            "control-character",
            (
                f"{what} holds the control character {_code(control.group())} at character {control.start() + 1}; "
                f"remove it{allowed}"
            ),
        )
    faults = bidi_faults(text)
    if faults:
        yield "bidi-control", _bidi_message(what, faults)
    if text and not is_key and _VISIBLE.search(text) is None:
        shown = ", ".join(sorted({_code(char) for char in text}))
        yield "invisible-text", f"{what} has no visible character (only {shown}); write the text or leave the field out"


def _bidi_message(what: str, faults: list[BidiFault]) -> str:
    """What is wrong with the first fault (in text order), and how many more there are."""
    fault = faults[0]
    where = f"{_code(fault.char)} at character {fault.index + 1}"
    if fault.kind == "override":
        said = f"{what} holds the bidirectional override {where}, which makes text display in another order than it is stored; remove it"
    elif fault.kind == "unclosed":
        kind = _OPENS[fault.char]
        said = (
            f"{what} opens a bidirectional {kind} with {where} and never closes it with {_CLOSER_OF[kind]}, "
            "so what follows displays in another order than it is stored; close it or remove it"
        )
    else:
        said = f"{what} holds {where}, which closes no bidirectional {_CLOSES[fault.char]}; remove it"
    more = len(faults) - 1
    return said + (
        f" ({more} more unbalanced or overriding bidirectional control{'s' if more > 1 else ''} in it)" if more else ""
    )


def _gather(value: Any, texts: list[str]) -> None:
    """Every text of `value` (keys too) into `texts`: the fast first pass."""
    kind = type(value)
    if kind is str:
        texts.append(value)
    elif kind is dict:
        texts.extend(value)  # the keys: JSON's and our YAML reader's are always text
        for item in value.values():
            if type(item) is str:
                texts.append(item)
            elif type(item) in _CONTAINERS:
                _gather(item, texts)
    elif kind is list:
        for item in value:
            if type(item) is str:
                texts.append(item)
            elif type(item) in _CONTAINERS:
                _gather(item, texts)


_CONTAINERS = (dict, list)


def _texts(value: Any, pointer: str) -> Iterator[tuple[str, bool, str]]:
    """(pointer, is a key, text) for every text of `value`, in the order written."""
    stack = [(pointer, value)]
    while stack:
        pointer, value = stack.pop()
        if isinstance(value, str):
            yield pointer, False, value
        elif isinstance(value, dict):
            children = []
            for key, item in value.items():
                child = pointer_join(pointer, key)
                if isinstance(key, str):
                    yield child, True, key
                children.append((child, item))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([(pointer_join(pointer, k), item) for k, item in enumerate(value)]))


def _field(pointer: str) -> str:
    from .explain import field_name

    return field_name(pointer)


def _code(char: str) -> str:
    """U+202E (RIGHT-TO-LEFT OVERRIDE): a character named the way Unicode names it."""
    name = unicodedata.name(char, "") or {"\x00": "NULL", "\t": "TAB", "\n": "LINE FEED", "\r": "CARRIAGE RETURN"}.get(
        char, ""
    )
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")
