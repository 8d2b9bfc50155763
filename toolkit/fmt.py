"""`claims fmt`: claim files rewritten in one canonical form that every YAML and JSON tool reads alike.

Hand-edited files drift: keys in any order, `date: 2018-12-4`, `status: true` (which YAML 1.1 tools
and editors read as a boolean, although the toolkit reads the word). The canonical form is:

- keys in the schema's order (fields the schema does not know keep their place after those it does);
- dates of `format: date` fields (and the claim's date, when it is a day) written YYYY-MM-DD;
- a text value written plain only when every YAML reader (1.1 and 1.2) reads it as that same text,
  else double-quoted (`status: "true"`, `date: "2018-12-04"`);
- YAML comments, block scalars and flow lists kept (ruamel.yaml's round trip); JSON indented by two.

Only YAML and JSON files are rewritten; JSON Lines and CSV are left as they are. A file that cannot
be read is reported and left alone; the others are still formatted.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, FoldedScalarString, LiteralScalarString

from . import readers
from .columns import partial_date
from .dataset import Dataset
from .dates import day_written_right
from .errors import ClaimsError
from .files import write_text
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
    handler.preserve_quotes = False
    return handler


_YAML_1_2 = YAML(typ="safe", pure=True)


@lru_cache(maxsize=4096)
def reads_as_text(text: str) -> bool:
    """Whether `text`, written plain, is read back as the same text by YAML 1.1 (PyYAML, many
    editors) and YAML 1.2 (ruamel.yaml) readers alike."""
    if not text or text != text.strip() or "\n" in text:
        return False
    try:
        return yaml.safe_load(text) == text and _YAML_1_2.load(text) == text
    except Exception:  # any parse error means: not plain-safe  # noqa: BLE001
        return False


def format_paths(
    paths: Dataset | Iterable[str | os.PathLike],
    schema: str | os.PathLike | ClaimSchema | None = None,
    *,
    check: bool = False,
) -> FormatResult:
    """Rewrite the YAML and JSON claim files of `paths` (a `Dataset`, or the paths to open one with
    `schema`) canonically (with `check`, only say which files would change).

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
            before = source.path.read_text(encoding="utf-8")
            after = format_text(before, kind, schema)
        except (OSError, UnicodeDecodeError, ValueError, YAMLError) as error:
            result.failed.append((source.display, _why(error)))
            continue
        if after == before:
            result.unchanged.append(source.display)
            continue
        result.changed.append(source.display)
        if not check:
            write_text(source.path, after)
    return result


def format_text(text: str, kind: str, schema: ClaimSchema) -> str:
    """One file's text in canonical form (`kind` is "yaml" or "json")."""
    if kind == "json":
        return canonical_text(json.loads(text, object_pairs_hook=_no_repeated_keys), kind, schema)
    return _yaml_text(list(_round_trip().load_all(text)), schema, _round_trip())


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
        return format_text(text, kind, schema)
    except (ValueError, YAMLError) as error:
        raise ClaimsError(f"cannot format -: {_why(error)}") from None


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


def _canonical(value: Any, node: dict[str, Any], schema: ClaimSchema) -> Any:
    """`value` in canonical form; round-trip containers are reordered in place (their comments
    follow their keys), plain ones rebuilt."""
    node = schema.resolve(node) if isinstance(node, dict) else {}
    if isinstance(value, dict):
        properties = node.get("properties", {})
        order = [key for key in properties if key in value] + [key for key in value if key not in properties]
        for key in order:
            value[key] = _canonical(value[key], properties.get(key, {}), schema)
        if isinstance(value, CommentedMap):
            for key in order:
                value.move_to_end(key)
            return value
        return {key: value[key] for key in order}
    if isinstance(value, list):
        items = node.get("items", {})
        for index, item in enumerate(value):
            value[index] = _canonical(item, items, schema)
        return value
    if isinstance(value, (FoldedScalarString, LiteralScalarString)):
        return value  # a block scalar (| or >) keeps its style
    if isinstance(value, str) and _wants_text(node):
        text = _day(str(value)) if node.get("format") == "date" or partial_date(node.get("pattern")) else str(value)
        return text if reads_as_text(text) else DoubleQuotedScalarString(text)
    return value


def _wants_text(node: dict[str, Any]) -> bool:
    """Whether the schema asks for text here (or says nothing, as for an unknown field)."""
    kind = node.get("type")
    if kind is None:
        return all(isinstance(choice, str) for choice in node.get("enum", [""]))
    return kind == "string" or (isinstance(kind, list) and "string" in kind)


def _day(text: str) -> str:
    """`2018-12-4` as `2018-12-04` when it is a real day; anything else as written."""
    return day_written_right(text) or text


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        repeated = next(key for key in keys if keys.count(key) > 1)
        raise ValueError(f"the key {repeated!r} is written twice in one object; `claims validate` says where")
    return dict(pairs)


def _why(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(error, OSError):
        return f"cannot read it: {error.strerror or error}"
    text = str(error).strip().splitlines()
    return " ".join(line.strip() for line in text[:3]) or type(error).__name__
