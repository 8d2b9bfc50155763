"""Rewriting a claim file without changing what it means: the check that `claims fmt` and
`claims migrate` pass every new text through before they write it.

A rewrite is kept only when
- the toolkit reads from the new text the values it expected: what it read from the old text, with
  the command's change applied (the old text must read cleanly: no syntax error, key written twice,
  YAML tag or number out of range);
- PyYAML (YAML 1.1, as many tools and editors read) and ruamel.yaml (YAML 1.2), or `json`, read
  the same values from it, so that no tool sees a boolean, a date or a mapping where the file meant text;
- every YAML comment stays where it was: on the line of the same value, or before the same key;
- the text is UTF-8 (JSON's `"\\ud800"` is half a character: no UTF-8 text holds it).
Otherwise the file is left as it was and `Refused` says why and where.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from ruamel.yaml import YAML

from .columns import Kind
from .readers import located_json
from .readers import yaml as yaml_reader
from .readers.source import FileProblem, Source
from .records import Positions, pointer_join

_NUMBER = re.compile(r"[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?")


class Refused(ValueError):
    """A file left as it was: it cannot be read cleanly, or cannot be rewritten without changing
    what it means. The message says why (and where)."""


class Unchangeable(ValueError):
    """A record a rewrite cannot change as it should (`claims migrate` on a `review` that is not one):
    the message, and the place in the record (a JSON Pointer) for the file's line and column."""

    def __init__(self, pointer: str, message: str):
        super().__init__(message)
        self.pointer = pointer


@dataclass(frozen=True)
class Read:
    """A file's documents as the toolkit reads them, with where each value stands."""

    values: list[Any]
    positions: list[Positions]

    def where(self, document: int, pointer: str, *, key: bool = False) -> str:
        line, column = self.positions[document].of(pointer, key=key)
        return f"line {line}, column {column}"


def read(source: Source, text: str, kind: str, record: Kind | None, *, first_line: int = 1) -> Read:
    """The documents of a YAML or JSON file (or JSON line, at `first_line`) as `claims validate`
    reads them; Refused when they cannot be read cleanly (the toolkit's own message, located)."""
    if kind == "json":
        try:
            document = located_json.parse(text, first_line=first_line)
        except located_json.JsonSyntaxError as error:
            raise Refused(f"line {error.position[0]}, column {error.position[1]}: {error.message}") from None
        found = Read([document.value], [Positions(document.values, document.keys)])
        duplicates = document.duplicate_keys
    else:
        try:
            documents = list(yaml_reader.read_documents(source, text, record))
        except FileProblem as problem:
            raise Refused(
                f"line {problem.problem.line}, column {problem.problem.column}: {problem.problem.message}"
            ) from None
        found = Read([value for value, _, _ in documents], [positions for _, positions, _ in documents])
        duplicates = [duplicate for _, _, found_twice in documents for duplicate in found_twice]
    for pointer, first, again in duplicates:
        key = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        raise Refused(
            f"line {again[0]}, column {again[1]}: the key {key!r} is written twice in one object "
            f"(first at line {first[0]}, column {first[1]}); keep one"
        )
    for index, value in enumerate(found.values):
        for pointer, _ in _non_finite(value, ""):
            line, column = found.positions[index].of(pointer)
            written = _NUMBER.match(text.splitlines()[line - first_line], column - 1)
            raise Refused(
                f"line {line}, column {column}: the number {written.group() if written else ''} is beyond "
                "the numbers JSON and YAML tools hold (they read it as infinity, and it cannot be written "
                "back as a number); write a smaller number, or text"
            )
    return found


def _non_finite(value: Any, pointer: str) -> Iterator[tuple[str, float]]:
    if isinstance(value, float) and not math.isfinite(value):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _non_finite(item, pointer_join(pointer, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_finite(item, pointer_join(pointer, index))


_YAML_1_2 = YAML(typ="safe", pure=True)
LOADER = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)  # libyaml, as the toolkit reads (the pure one refuses a tab in a value)


def check(
    before: Read,
    text: str,
    expected: list[Any],
    *,
    source: Source,
    kind: str,
    record: Kind | None,
    old_text: str,
    moved: Callable[[str], str] = lambda pointer: pointer,
) -> None:
    """Refused unless `text` (the new text) reads as `expected` for the toolkit and every other
    reader, and keeps the comments of `old_text` where they were (`moved` maps an old pointer to
    its new place, for a rewrite that moves values)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        character = text[error.start]
        raise Refused(
            f"the text holds {character!r} (U+{ord(character):04X}), half of a UTF-16 pair and no character: "
            "UTF-8 cannot hold it; remove it or write the character it was meant to be"
        ) from None
    expected = [plain(value) for value in expected]
    try:
        again = read(source, text, kind, record)
    except Refused as error:
        raise Refused(f"the rewritten file would not read back ({error})") from None
    _same(before, "the toolkit", expected, again.values)
    if kind == "json":
        _same(before, "json", expected, [json.loads(text)])
        return
    for reader, load in (
        ("PyYAML (YAML 1.1)", lambda: yaml.safe_load_all(text)),  # its own reader, as other tools call it
        ("ruamel.yaml (YAML 1.2)", lambda: _YAML_1_2.load_all(text)),
    ):
        try:
            values = list(load())
        except Exception as error:  # noqa: BLE001  (any reader's error: the new text is not for every reader)
            raise Refused(f"{reader} could not read the rewritten file ({_first_line(error)})") from None
        _same(before, reader, expected, values)
    lost = comments(old_text, moved) - comments(text) if "#" in old_text else None
    if lost:
        (place, comment), *_ = sorted(lost)
        raise Refused(
            f"the comment {comment!r} ({_placed(place)}) would move or be lost: the formatter keeps comments "
            "only on their own line above a key or at the end of a line; move it there"
        )


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def plain(value: Any) -> Any:
    """A value as plain Python data (round-trip strings and containers as str, dict, list)."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    return value


def _same(before: Read, reader: str, expected: list[Any], values: list[Any]) -> None:
    if len(expected) != len(values):
        raise Refused(f"{reader} would read {len(values)} documents from the rewritten file, not {len(expected)}")
    for index, (wanted, found) in enumerate(zip(expected, values)):
        difference = _difference(wanted, found, "")
        if difference is not None:
            pointer, was, becomes = difference
            raise Refused(
                f"{before.where(index, pointer)}: rewritten, {pointer or 'the record'} would read as "
                f"{becomes!r} instead of {was!r} to {reader}; the file is left as it was"
            )


def _difference(wanted: Any, found: Any, pointer: str) -> tuple[str, Any, Any] | None:
    """The first place where `found` is not `wanted` (types too: True is not 1, 1 is not 1.0)."""
    if isinstance(wanted, dict) and isinstance(found, dict):
        for key in wanted.keys() | found.keys():
            if key not in wanted or key not in found:
                return pointer_join(pointer, key), wanted.get(key), found.get(key)
            inner = _difference(wanted[key], found[key], pointer_join(pointer, key))
            if inner:
                return inner
        return None
    if isinstance(wanted, list) and isinstance(found, list) and len(wanted) == len(found):
        for index, (one, other) in enumerate(zip(wanted, found)):
            inner = _difference(one, other, pointer_join(pointer, index))
            if inner:
                return inner
        return None
    if type(wanted) is not type(found) or wanted != found:
        return pointer, wanted, found
    return None


# -- comments ---------------------------------------------------------------------------------------

Place = tuple[str, int, str]  # ("after" a value on its line | "before" a node | "at-end"), document, pointer


def comments(text: str, moved: Callable[[str], str] = lambda pointer: pointer) -> Counter[tuple[Place, str]]:
    """Each YAML comment with its place: after the value that ends before it on its line, else
    before the key or value that follows it (or at the end of its document)."""
    marks = list(_node_marks(text))  # in the order of the text
    at_start = [mark[0] for mark in marks]
    starts = [mark for mark in marks if not mark[4].endswith("#end")]
    at_starts = [mark[0] for mark in starts]
    ending_on: dict[int, list] = {}
    for mark in marks:
        ending_on.setdefault(mark[1], []).append(mark)
    found: Counter[tuple[Place, str]] = Counter()
    for at, line, comment in _comments(text):
        ends_before = [m for m in ending_on.get(line, ()) if m[2] <= at]
        before = bisect.bisect_right(at_start, at)
        document = marks[before - 1][3] if before else 0
        after = bisect.bisect_left(at_starts, at)
        follows = starts[after] if after < len(starts) else None
        place: Place
        if ends_before:
            place = ("after", ends_before[-1][3], moved(ends_before[-1][4]))
        elif follows is not None and follows[3] == document:
            place = ("before", follows[3], moved(follows[4]))
        else:  # only the ends of lists and mappings follow it in its document
            place = ("at-end", document, "")
        found[(place, comment.rstrip())] += 1
    return found


def _placed(place: Place) -> str:
    where, _, pointer = place
    return "at the end of the file" if where == "at-end" else f"{where} {pointer or 'the record'}"


def _comments(text: str) -> Iterator[tuple[int, int, str]]:
    """(index, line, text) of each comment: the gaps between YAML's tokens hold only white space and comments."""
    tokens = list(yaml.scan(text, Loader=LOADER))
    for one, other in zip(tokens, tokens[1:]):
        start, end = one.end_mark.index, other.start_mark.index
        line = one.end_mark.line
        at = start
        while at < end:
            if text[at] == "#":
                stop = at
                while stop < end and text[stop] not in "\r\n\x85\u2028\u2029":
                    stop += 1
                yield at, line, text[at:stop]
                at = stop
                continue
            if text[at] in "\n\x85\u2028\u2029" or (text[at] == "\r" and text[at + 1 : at + 2] != "\n"):
                line += 1
            at += 1


def _node_marks(text: str) -> Iterator[tuple[int, int, int, int, str]]:
    """(start index, end line, end index, document, pointer) of each key (`pointer#key`) and value,
    in the order of the text."""
    document = -1
    stack: list[list[Any]] = []  # [pointer, is mapping, next key or None, items so far]
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.DocumentStartEvent):
            document += 1
            stack = [["", False, None, 0]]
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            pointer = stack.pop()[0]
            yield event.start_mark.index, event.start_mark.line, event.start_mark.index, document, pointer + "#end"
            continue
        if not isinstance(event, yaml.NodeEvent) or not stack:
            continue
        frame = stack[-1]
        if frame[1] and frame[2] is None:  # a key
            frame[2] = key = str(getattr(event, "value", ""))
            yield (
                event.start_mark.index,
                event.end_mark.line,
                event.end_mark.index,
                document,
                pointer_join(frame[0], key) + "#key",
            )
            continue
        if len(stack) == 1:
            pointer = ""
        elif frame[1]:
            pointer, frame[2] = pointer_join(frame[0], frame[2]), None
        else:
            pointer, frame[3] = pointer_join(frame[0], frame[3]), frame[3] + 1
        yield event.start_mark.index, event.end_mark.line, event.end_mark.index, document, pointer
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            stack.append([pointer, isinstance(event, yaml.MappingStartEvent), None, 0])
