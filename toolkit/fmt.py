"""`claims fmt`: claim files rewritten in one canonical form that every YAML and JSON tool reads alike.

Hand-edited files drift: keys in any order, `date: 2018-12-4`, `status: true` (which YAML 1.1 tools
and editors read as a boolean, although the toolkit reads the word). The canonical form is:

- keys in the schema's order (fields the schema does not know keep their place after those it does);
- dates of `format: date` fields (and the claim's date, when it is a day) written YYYY-MM-DD;
- a text value written plain only when every YAML reader (1.1 and 1.2) reads it as that same text,
  else double-quoted (`status: "true"`, `date: "2018-12-04"`);
- YAML comments, block scalars and flow lists kept (ruamel.yaml's round trip); JSON indented by two.

Only YAML and JSON files are rewritten; JSON Lines and CSV are left as they are. A file that cannot
be read cleanly (as `claims validate` reads it), or cannot be rewritten without changing what some
reader reads from it or moving a comment, is reported with the reason and left alone (see
`rewriting`); the others are still formatted. A file keeps its line ends and its BOM.
"""

from __future__ import annotations

import io
import json
import os
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    PlainScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

from . import readers, rewriting
from .columns import Kind, partial_date
from .dataset import Dataset
from .dates import day_written_right
from .errors import ClaimsError
from .files import write_bytes
from .readers.source import UTF8_BOM, FileProblem, Source, decode
from .rewriting import Refused
from .schema import ClaimSchema

FORMATTED = ("yaml", "json")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


@dataclass
class FormatResult:
    """What `fmt` did (or, with `check`, would do) to each file."""

    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, why it was left alone)


class _TextResolver(VersionedResolver):
    """Every plain scalar is read as the text written (as the toolkit's own reader does), so that
    formatting never turns `no` into `false` or `0x10` into `16`; nulls stay nulls."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0] and value not in _NULLS:
            return self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)


def _round_trip(*, typed: bool = False) -> YAML:
    """ruamel.yaml's round trip in the canonical layout. It reads every plain scalar as text; with
    `typed`, for records made in Python, it writes numbers, booleans and nulls plain (their texts
    are quoted by `_canonical` wherever a reader could take them for anything else)."""
    handler = YAML(typ="rt")
    if not typed:
        handler.Resolver = _TextResolver
    handler.indent(mapping=2, sequence=4, offset=2)
    handler.width = 4096  # never fold a long claim onto new lines
    handler.preserve_quotes = not typed  # a quoted value stays text where the schema asks for a number
    return handler


_YAML_1_2 = YAML(typ="safe", pure=True)


_BREAKS = frozenset("\n\r\x85\u2028\u2029")  # line breaks to YAML 1.1 readers


@lru_cache(maxsize=4096)
def reads_as_text(text: str, flow: bool = False) -> bool:
    """Whether `text`, written plain, is read back as the same text by YAML 1.1 (PyYAML, many
    editors) and YAML 1.2 (ruamel.yaml) readers alike, as a mapping's value and a list's item; with
    `flow`, inside a flow list `[...]` and a flow mapping `{...}` too (where `?q` and `:x` mean other
    things). One document holds every place, so each reader reads it once. PyYAML's own reader
    (`yaml.safe_load`) is asked, not libyaml: in a flow mapping it ends plain text at a `?`."""
    if not text or text != text.strip() or any(character in _BREAKS for character in text):
        return False
    document = f"k: {text}\nl:\n- {text}\n" + (f"f: [{text}]\ng: {{k: {text}}}\n" if flow else "")
    expected: dict[str, Any] = {"k": text, "l": [text]} | ({"f": [text], "g": {"k": text}} if flow else {})
    try:
        return yaml.safe_load(document) == expected and _YAML_1_2.load(document) == expected
    except Exception:  # any parse error means: not plain-safe  # noqa: BLE001
        return False


def double_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar that every YAML reader reads back as `text`: quotes,
    backslashes and every character that is not printable (controls, separators such as U+2028,
    which YAML 1.1 readers take for line breaks) escaped."""
    escaped = []
    for character in text:
        code = ord(character)
        if character in '"\\':
            escaped.append("\\" + character)
        elif character != " " and unicodedata.category(character)[0] in "CZ":
            escaped.append(
                f"\\x{code:02X}" if code < 0x100 else f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}"
            )
        else:
            escaped.append(character)
    return '"' + "".join(escaped) + '"'


def format_paths(
    paths: Dataset | Iterable[str | os.PathLike],
    schema: str | os.PathLike | ClaimSchema | None = None,
    *,
    check: bool = False,
) -> FormatResult:
    """Rewrite the YAML and JSON claim files of `paths` (a `Dataset`, or the paths to open one with
    `schema`) canonically (with `check`, only say which files would change). A file is rewritten
    only when every reader reads the same values from the new text (see `rewriting`); otherwise it
    is left alone, and `failed` says why.

    >>> format_paths(["fixtures/"], check=True).failed
    []
    """
    dataset = Dataset.of(paths, schema=schema)
    schema = dataset.schema
    result = FormatResult()
    for source in dataset.sources:
        kind = readers.FORMATS.get(source.path.suffix.lower())
        if kind not in FORMATTED:
            continue
        try:
            old, new, _ = rewrite(source, kind, schema)
        except Refused as error:
            result.failed.append((source.display, str(error)))
            continue
        if new == old:
            result.unchanged.append(source.display)
            continue
        if not check:
            try:
                write_bytes(source.path, new)
            except OSError as error:
                result.failed.append((source.display, f"cannot write it: {error.strerror or error}"))
                continue
        result.changed.append(source.display)
    return result


def rewrite(
    source: Source,
    kind: str,
    schema: ClaimSchema,
    change: Callable[[dict], bool] | None = None,
    moved: Callable[[str], str] = lambda pointer: pointer,
) -> tuple[bytes, bytes, int]:
    """A YAML or JSON file's bytes, and its bytes in canonical form after `change` (applied to each
    record; it says whether it changed one), with the number of records changed. Refused when the
    file cannot be read cleanly or rewritten without changing its values or moving its comments
    (`moved` maps a value's old place to its new one, for `change`)."""
    try:
        old = source.path.read_bytes()
        text = decode(source, old, first_line=1)
    except OSError as error:
        raise Refused(f"cannot read it: {error.strerror or error}") from None
    except FileProblem as problem:
        raise Refused(problem.problem.message) from None
    new, count = rewrite_text(source, text, kind, schema, change, moved)
    bom = UTF8_BOM if old.startswith(UTF8_BOM) else b""
    return old, bom + new.encode("utf-8"), count


def rewrite_text(
    source: Source,
    text: str,
    kind: str,
    schema: ClaimSchema,
    change: Callable[[dict], bool] | None = None,
    moved: Callable[[str], str] = lambda pointer: pointer,
) -> tuple[str, int]:
    """`rewrite` of a text (the file `source`'s, or standard input's): the new text and the number
    of records changed."""
    record = schema.record_kind
    before = rewriting.read(source, text, kind, record)
    values, count = _changed(before.values, change, before)
    expected = [_canonical(value, _record_node(schema, value), schema) for value in values]
    if kind == "json":
        new = json.dumps(expected[0], ensure_ascii=False, indent=2) + "\n"
    else:
        handler = _round_trip()
        readable, tab = _plain_tabs_hidden(text)
        try:
            documents = [_tabs_shown(document, tab) for document in handler.load_all(readable)]
        except YAMLError as error:
            raise Refused(
                f"{_where(error)}ruamel.yaml, which writes the canonical form, cannot read what validate reads "
                f"({_problem(error)}); write that value in double quotes"
            ) from None
        new = _yaml_text(_changed(documents, change, before)[0], schema, handler)
    if "\r\n" in text:
        new = new.replace("\n", "\r\n")  # a file's line ends are kept
    rewriting.check(before, new, expected, source=source, kind=kind, record=record, old_text=text, moved=moved)
    return new, count


def _plain_tabs_hidden(text: str) -> tuple[str, str | None]:
    """`text` with each tab inside a plain (unquoted) value replaced by a character the text does
    not hold, and that character: valid YAML, which ruamel.yaml's scanner refuses (PyYAML reads it)."""
    if "\t" not in text:
        return text, None
    stand_in = next(chr(code) for code in range(0xE000, 0xF900) if chr(code) not in text)
    pieces, done = [], 0
    for token in yaml.scan(text, Loader=rewriting.LOADER):
        if isinstance(token, yaml.ScalarToken) and token.plain:
            start, end = token.start_mark.index, token.end_mark.index
            pieces += [text[done:start], text[start:end].replace("\t", stand_in)]
            done = end
    return "".join(pieces) + text[done:], stand_in


def _tabs_shown(value: Any, stand_in: str | None) -> Any:
    """The values of a document read by `_plain_tabs_hidden` with their tabs back (in place)."""
    if stand_in is None:
        return value
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _tabs_shown(item, stand_in)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = _tabs_shown(item, stand_in)
    elif isinstance(value, str) and stand_in in value:
        return value.replace(stand_in, "\t")
    return value


def _changed(
    documents: list[Any], change: Callable[[dict], bool] | None, before: rewriting.Read
) -> tuple[list[Any], int]:
    """The documents after `change` (in place) to each of their records, and how many it changed;
    a record it cannot change is Refused, located in `before`."""
    if change is None:
        return documents, 0
    count = 0
    for index, document in enumerate(documents):
        for offset, record in enumerate(_records(document)):
            try:
                count += isinstance(record, dict) and change(record)
            except rewriting.Unchangeable as error:
                pointer = (f"/{offset}" if isinstance(document, list) else "") + error.pointer
                raise Refused(f"{before.where(index, pointer, key=True)}: {error}") from None
    return documents, count


def _records(document: Any) -> list:
    return document if isinstance(document, list) else [document]


def format_unnamed(text: str, schema: ClaimSchema) -> str:
    """A record file's text with no name to tell its kind (`claims fmt -`): JSON when it starts
    with `{` or `[`, else YAML; ClaimsError saying why when it cannot be read (exit 1).

    >>> from toolkit.schema import load_schema
    >>> print(format_unnamed('status: true\\nid: abc\\n', load_schema()), end="")
    id: abc
    status: "true"
    """
    kind = "json" if text.lstrip().startswith(("{", "[")) else "yaml"
    try:
        return rewrite_text(Source(Path("-"), "-"), text.removeprefix("\ufeff"), kind, schema)[0]
    except Refused as error:
        raise ClaimsError(f"cannot format -: {error}") from None


def canonical_text(data: Any, kind: str, schema: ClaimSchema) -> str:
    """Records made in Python as a file's text in canonical form: for "json" the file's one value
    (a record or a list of them), for "yaml" its documents (a list: `---` between them). What
    `claims new` and `claims import` write, so that `claims fmt --check` passes on it."""
    if kind == "json":
        return json.dumps(_canonical(data, _record_node(schema, data), schema), ensure_ascii=False, indent=2) + "\n"
    # a plain record becomes a round-trip map, which keeps the schema's key order as dumped
    return _yaml_text([CommentedMap(document) for document in data], schema, _round_trip(typed=True))


def _yaml_text(documents: list[Any], schema: ClaimSchema, handler: YAML) -> str:
    documents = [_canonical(document, _record_node(schema, document), schema) for document in documents]
    stream = io.StringIO()
    if len(documents) == 1:
        handler.dump(documents[0], stream)
    else:
        handler.dump_all(documents, stream)
    return stream.getvalue()


def to_yaml(record: dict[str, Any], schema: ClaimSchema) -> str:
    """One record as canonical YAML text."""
    return canonical_text([record], "yaml", schema)


def _record_node(schema: ClaimSchema, data: Any) -> dict[str, Any]:
    """The schema of a file's top value: a record, or a list of records."""
    if isinstance(data, list):
        return {"type": "array", "items": schema.document}
    return schema.document


def _canonical(value: Any, node: dict[str, Any], schema: ClaimSchema, flow: bool = False) -> Any:
    """`value` in canonical form; round-trip containers are reordered in place (their comments
    follow their keys), plain ones rebuilt. `flow`: inside a flow list or mapping."""
    node = schema.resolve(node) if isinstance(node, dict) else {}
    if isinstance(value, dict):
        flow = flow or (isinstance(value, CommentedMap) and value.fa.flow_style())
        properties = node.get("properties", {})
        order = [key for key in properties if key in value] + [key for key in value if key not in properties]
        for key in order:
            value[key] = _canonical(value[key], properties.get(key, {}), schema, flow)
        if isinstance(value, CommentedMap):
            above, end = _comment_lines(value) if not flow else ({}, "")
            for key in order:
                value.move_to_end(key)
            if above or end:
                _place_comment_lines(value, order, above, end)
            return value
        return {key: value[key] for key in order}
    if isinstance(value, list):
        flow = flow or (isinstance(value, CommentedSeq) and value.fa.flow_style())
        items = node.get("items", {})
        for index, item in enumerate(value):
            value[index] = _canonical(item, items, schema, flow)
        return value
    if isinstance(value, (FoldedScalarString, LiteralScalarString)):
        return value  # a block scalar (| or >) keeps its style
    if isinstance(value, TaggedScalar) and str(value.tag) in _TEXT_TAGS:
        value = DoubleQuotedScalarString(value.value)  # `!!str x` is the text x, whatever the schema asks for
    if not isinstance(value, str):
        return value
    if not _wants_text(node) and not isinstance(value, (SingleQuotedScalarString, DoubleQuotedScalarString)):
        typed = Kind(node.get("type", "string")).typed(value)  # a plain YAML value where a number is asked
        if not isinstance(typed, str):
            return _plain_word(typed)
    text = _day(str(value)) if node.get("format") == "date" or partial_date(node.get("pattern")) else str(value)
    # (a round-trip container keeps an old value's quotes unless the new one says its own style)
    return PlainScalarString(text) if reads_as_text(text, flow) else DoubleQuotedScalarString(text)


_TEXT_TAGS = frozenset({"tag:yaml.org,2002:str", "!!str", "!"})


def _comment_slot(mapping: CommentedMap, key: Any) -> tuple[dict, Any, int]:
    """Where ruamel.yaml keeps the comments that follow `key`'s value (the end of its line, and the
    comment lines after it): beside the last value written under it. (comments, key, index)"""
    value = mapping[key]
    if isinstance(value, CommentedMap) and value and not value.fa.flow_style():
        return _comment_slot(value, next(reversed(value)))
    if isinstance(value, CommentedSeq) and value and not value.fa.flow_style():
        last = len(value) - 1
        if isinstance(value[last], CommentedMap) and value[last] and not value[last].fa.flow_style():
            return _comment_slot(value[last], next(reversed(value[last])))
        return value.ca.items, last, 0
    return mapping.ca.items, key, 2


def _comment_lines(mapping: CommentedMap) -> tuple[dict[Any, str], str]:
    """The comment lines written above each key (but the first) and after the last one: ruamel.yaml
    keeps them with the value before, so they would follow that value when keys are reordered."""
    keys = list(mapping)
    above: dict[Any, str] = {}
    end = ""
    for index, key in enumerate(keys):
        comments, slot, at = _comment_slot(mapping, key)
        token = (comments.get(slot) or [None] * 4)[at]
        if token is None or "\n" not in token.value:
            continue
        lines = token.value.split("\n", 1)[1]
        if not lines:
            continue
        token.value = token.value[: len(token.value) - len(lines)]
        if index + 1 < len(keys):
            above[keys[index + 1]] = lines
        else:
            end = lines
    return above, end


def _place_comment_lines(mapping: CommentedMap, order: list, above: dict[Any, str], end: str) -> None:
    """Each key's comment lines back above it (and the last ones at the end), in the new order."""
    for index, key in enumerate(order):
        lines = above.get(order[index + 1], "") if index + 1 < len(order) else end
        if not lines:
            continue
        comments, slot, at = _comment_slot(mapping, key)
        entry = comments.setdefault(slot, [None] * 4)
        if entry[at] is None:
            entry[at] = CommentToken("\n" + lines, CommentMark(0), None)
        else:
            entry[at].value += lines
    first = above.get(order[0])
    if first:  # a key moved to the top: its lines go after what stands above the mapping
        mapping.ca.comment = mapping.ca.comment or [None, []]
        mapping.ca.comment[1] = (mapping.ca.comment[1] or []) + [CommentToken(first, CommentMark(0), None)]


def _plain_word(value: bool | int | float) -> str:
    """A number or true/false as YAML 1.1 and 1.2 readers both read it (`1e5` is text to YAML 1.1)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    word = repr(value)
    mantissa, _, exponent = word.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}e{exponent}" if exponent else mantissa


def _wants_text(node: dict[str, Any]) -> bool:
    """Whether the schema asks for text here (or says nothing, as for an unknown field)."""
    kind = node.get("type")
    if kind is None:
        return all(isinstance(choice, str) for choice in node.get("enum", [""]))
    return kind == "string" or (isinstance(kind, list) and "string" in kind)


def _day(text: str) -> str:
    """`2018-12-4` as `2018-12-04` when it is a real day; anything else as written."""
    return day_written_right(text) or text


def _where(error: YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    return f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""


def _problem(error: YAMLError) -> str:
    return str(getattr(error, "problem", "") or "") or _why(error)


def _why(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(error, OSError):
        return f"cannot read it: {error.strerror or error}"
    text = str(error).strip().splitlines()
    return " ".join(line.strip() for line in text[:3]) or type(error).__name__
