"""YAML claims: one record, a list of records, or several `---` documents.

Values are read as the curator typed them: `date: 2018-12-04` is the text "2018-12-04" and
`status: no` is "no", never a YAML 1.1 date or boolean. A plain (unquoted) value takes the kind the
schema asks for at its place, and only there: `priority: 2` is the number 2 where the schema says
`"type": "integer"` (see `columns.Kind.typed`). An explicit tag other than `!!str` (`!!binary`,
`!!timestamp`, `!custom`) is refused, as aliases are: other YAML tools would read another value. We build the values from libyaml's event
stream ourselves, without recursion, so that deep nesting and alias bombs cannot hurt us.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from ..columns import Kind
from ..records import Position, Positions, Problem, Record, pointer_join
from .located_json import MAX_DEPTH
from .source import FileProblem, Source
from .split import Duplicate, records_of

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULLS = {"", "~", "null", "Null", "NULL"}
_TEXT_TAGS = {None, "!", "tag:yaml.org,2002:str"}  # no tag, the non-specific `!`, `!!str`: text


def read(source: Source, record: Kind | None = None) -> Iterator[Record | Problem]:
    text = source.text()
    try:
        documents = list(_documents(source, text, record))
    except FileProblem as problem:
        yield problem.problem
        return
    if all(value is None for value, _, _ in documents):
        yield source.problem("the file holds no claim", rule="empty")
        return
    for value, positions, duplicates in documents:
        if value is not None:
            yield from records_of(source, value, positions, duplicates)


@dataclass
class _Frame:
    """An open mapping or sequence while the events are read."""

    container: Any
    pointer: str
    key: str | None = None
    is_root: bool = False
    kind: Kind | None = None  # what the schema asks for here (None: nothing known, values stay text)

    def child_kind(self, opens_mapping: bool) -> Kind | None:
        kind = self.kind
        if kind is None:
            return None
        if self.is_root:  # a document is one record or a list of records
            return kind if opens_mapping else Kind("array", items=kind)
        if isinstance(self.container, dict):
            assert self.key is not None  # a mapping's value comes after its key
            return kind.field(self.key) if kind.type == "object" else None
        return kind.items if kind.type == "array" else None

    def child_pointer(self) -> str:
        if self.is_root:
            return ""
        if isinstance(self.container, dict):
            assert self.key is not None  # a mapping's value comes after its key
            return pointer_join(self.pointer, self.key)
        return pointer_join(self.pointer, len(self.container))

    def place(self, value: Any) -> None:
        if isinstance(self.container, dict):
            self.container[self.key] = value
            self.key = None
        else:
            self.container.append(value)


_KIND_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}  # `!!map {...}` says what it is


def _shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _position(mark) -> Position:
    return (mark.line + 1, mark.column + 1)


def _documents(source: Source, text: str, record: Kind | None) -> Iterator[tuple[Any, Positions, list[Duplicate]]]:
    """Each YAML document's value, positions and duplicate keys, built from the event stream."""
    stack: list[_Frame] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.DocumentStartEvent):
                values: dict[str, Position] = {}
                keys: dict[str, Position] = {}
                duplicates: list[Duplicate] = []
                positions = Positions(values, keys)
                stack = [_Frame([], "", is_root=True, kind=record)]
            elif isinstance(event, yaml.DocumentEndEvent):
                root = stack[0].container
                yield (root[0] if root else None), positions, duplicates
            elif isinstance(event, yaml.AliasEvent):
                raise source.fail(
                    "YAML aliases (*name) are not allowed in claim files: write the value out",
                    _position(event.start_mark),
                    rule="yaml-alias",
                )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
            elif isinstance(event, yaml.NodeEvent):
                frame = stack[-1]
                where = _position(event.start_mark)
                if event.tag not in _TEXT_TAGS and not (
                    isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)) and event.tag in _KIND_TAGS
                ):
                    raise source.fail(
                        f"YAML tags ({_shown_tag(event.tag)}) are not allowed in claim files: other YAML tools "
                        "read another value than the text; remove the tag (write the value as text)",
                        where,
                        rule="yaml-tag",
                    )
                if isinstance(frame.container, dict) and frame.key is None:
                    if not isinstance(event, yaml.ScalarEvent):
                        raise source.fail("a key must be plain text, not a list or a mapping", where)
                    frame.key = event.value
                    pointer = frame.child_pointer()
                    if event.value in frame.container:
                        duplicates.append((pointer, keys[pointer], where))
                    keys[pointer] = where
                    continue
                pointer = frame.child_pointer()
                values[pointer] = where
                kind = frame.child_kind(isinstance(event, yaml.MappingStartEvent))
                if isinstance(event, yaml.ScalarEvent):
                    frame.place(_scalar(event, kind))
                    continue
                if len(stack) > MAX_DEPTH:
                    raise source.fail(f"nesting is deeper than {MAX_DEPTH} levels", where, rule="too-deep")
                value: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
                frame.place(value)
                stack.append(_Frame(value, pointer, kind=kind))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = _position(mark) if mark else (1, 1)
        raise source.fail(_syntax_message(error, text, where), where) from None
    except yaml.YAMLError as error:
        raise source.fail(f"YAML syntax error: {error}") from None


def _syntax_message(error: yaml.MarkedYAMLError, text: str, where: Position) -> str:
    """libyaml's words, with what a curator should do for the two slips seen most: a tab that
    indents a line, and a `: ` inside a value written without quotes."""
    lines = text.splitlines()
    line = lines[where[0] - 1] if 0 < where[0] <= len(lines) else ""
    problem = error.problem or error.context or ""
    if (
        "\t" in line[: where[1]]
        and not line[: where[1] - 1].strip(" \t")
        and ("tab" in problem or "cannot start any token" in problem)
    ):
        return "a tab indents this line; YAML is indented with spaces only: replace the tab with spaces"
    if problem.startswith("mapping values are not allowed"):
        key, _, value = line.partition(": ")
        if value.strip() and not value.lstrip().startswith(('"', "'")):
            quoted = value.strip().replace("\\", "\\\\").replace('"', '\\"')
            return (
                f"the ': ' inside this value starts a new field in YAML; put the value in quotes: "
                f'{key.strip()}: "{quoted}"'
            )
    return f"YAML syntax error: {problem}"


def _scalar(event: yaml.ScalarEvent, kind: Kind | None) -> Any:
    """The text as typed; only an unquoted empty value, `~` or `null` means no value, and an
    unquoted value takes the kind the schema asks for (quoted, it stays text)."""
    if event.style in ("", None) and event.tag is None:
        if event.value in _NULLS:
            return None
        if kind is not None:
            return kind.typed(event.value)
    return event.value


def read_documents(
    source: Source, text: str | None = None, record: Kind | None = None
) -> Iterator[tuple[Any, Positions, list[Duplicate]]]:
    """Each YAML document's value, its positions and its keys written twice (of `text`, else of
    the file), for a file that is not read as claims: the speaker registry, a file to rewrite.
    Raises FileProblem for a file it cannot read."""
    yield from _documents(source, source.text() if text is None else text, record)
