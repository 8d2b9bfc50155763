"""The table's columns, derived from the schema in use: one place says what each field holds.

A claim schema's top-level `properties` become the table's columns, each with one `Kind` (text,
a date, a whole number, a number, true/false, a list of one kind, or an object of named fields).
The readers give plain YAML and CSV values the kind the schema asks for at their place, the build
types and tidies its columns by kind, the CSV export writes each kind its own way, and the card
and the diff list the same columns. A schema whose fields cannot be given one kind is refused
when it is loaded, naming the field and the keyword, rather than have a field dropped later.

Polars is imported only where dtypes are asked for: validation never needs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from .errors import SchemaError

if TYPE_CHECKING:
    import polars as pl

# The fields every claim schema must keep, required, as text (the build and every export lean
# on them): name -> the kind it must have.
CONTRACT = {"id": "string", "speaker": "string", "claim": "string", "date": "date", "status": "string"}
# The claim's date may be partial (a month, a year, `unknown`: see `dates`); the table keeps its
# first day and this column says how much of it is known. No other field may be partial.
PARTIAL_DATE = "date"

# The columns the build adds, in table order after the schema's fields (`speaker_id` follows
# `speaker`): name -> (kind, what it means).
BUILT = {
    "speaker_id": ("string", "Wikidata id of the speaker, from the speaker registry, where known."),
    "date_precision": (
        "string",
        "How much of `date` is known: day, month, year or unknown (`date` is then the period's first day, or null).",
    ),
    "repeat_of": (
        "string",
        "Id of this claim's first appearance when the same speaker said the same words before; null for the first.",
    ),
    "times_repeated": ("integer", "How many times the claim was made again after its first appearance (0: said once)."),
    "first_seen": ("date", "Date of the claim's first appearance."),
    "last_seen": ("date", "Date of the claim's latest appearance."),
    "source_file": (
        "string",
        "The file the record came from, relative to the dataset's folder (that of claims.yaml, else the repository root).",
    ),
    "source_line": ("integer", "The line of that file where the record starts."),
}

SCALARS = ("string", "date", "integer", "number", "boolean")
_JSON_TYPES = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "array": "array",
    "object": "object",
}


@dataclass(frozen=True)
class Kind:
    """What one place of a record holds, as the table stores it."""

    type: str  # one of SCALARS, "array" or "object"
    items: Kind | None = None  # an array's items
    fields: tuple[tuple[str, Kind], ...] = ()  # an object's properties, in schema order
    key: str | None = None  # an array of objects with one required key (a source is its `url`)
    tidy: bool = False  # free text (no pattern, format or enum): NFC and spaces tidied by the build
    partial: bool = False  # a date that may be a month, a year or `unknown` (see `dates`, `partial_date`)

    def field(self, name: str) -> Kind | None:
        return self._by_name.get(name)

    @cached_property
    def _by_name(self) -> dict[str, Kind]:
        return dict(self.fields)

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.fields]

    def dtype(self, *, dates_as_text: bool = False) -> pl.DataType:
        """The Polars type of this kind (as records hold it, dates still text, if asked)."""
        import polars as pl

        if self.type == "array":
            assert self.items is not None  # an array's kind always says what its items are
            return pl.List(self.items.dtype(dates_as_text=dates_as_text))
        if self.type == "object":
            return pl.Struct({name: kind.dtype(dates_as_text=dates_as_text) for name, kind in self.fields})
        if self.type == "date":
            return pl.String() if dates_as_text else pl.Date()
        return {"string": pl.String(), "integer": pl.Int64(), "number": pl.Float64(), "boolean": pl.Boolean()}[
            self.type
        ]

    def typed(self, text: str) -> Any:
        """A plain (unquoted) YAML scalar or a CSV cell as the value this kind asks for; text that
        does not read as that kind stays text, for validation to report in plain words."""
        word = text.strip()
        if self.type == "boolean" and word in _BOOLEANS:
            return _BOOLEANS[word]
        if self.type in ("integer", "number") and len(word) <= 4_000 and _is_integer(word):
            return int(word)  # (Python reads integers of at most 4,300 digits from text)
        if self.type == "number" and _is_number(word):
            return float(word)
        return text


_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def _is_integer(word: str) -> bool:
    digits = word[1:] if word[:1] in "+-" else word
    return digits.isascii() and digits.isdigit()


def _is_number(word: str) -> bool:
    """JSON's numbers (and YAML's `1.` or `.5`); never `nan`, `inf` or `1_000`."""
    if not word.isascii() or "_" in word or word.strip("+-.").lower() in ("nan", "inf", "infinity", ""):
        return False
    try:
        float(word)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Columns:
    """A schema's fields as the table's columns."""

    record: Kind  # the record itself: an object whose fields are the schema's properties

    @property
    def fields(self) -> list[str]:
        return self.record.names

    def input_schema(self) -> pl.Schema:
        """The frame the readers' records make (dates still text), before the build adds columns."""
        import polars as pl

        return pl.Schema({name: kind.dtype(dates_as_text=True) for name, kind in self.record.fields})

    def table_schema(self) -> pl.Schema:
        """The canonical table: the schema's fields with `speaker_id` after `speaker` and
        `date_precision` after `date`, then the columns the build adds."""
        import polars as pl

        built = {name: Kind(kind).dtype() for name, (kind, _) in BUILT.items()}
        columns: dict[str, pl.DataType] = {}
        for name, kind in self.record.fields:
            columns[name] = kind.dtype()
            if name in _BESIDE:
                columns[_BESIDE[name]] = built.pop(_BESIDE[name])
        return pl.Schema({**columns, **built})


# Built columns that follow a field of the schema in the table.
_BESIDE = {"speaker": "speaker_id", PARTIAL_DATE: "date_precision"}


def curated(columns: Iterable[str]) -> list[str]:
    """The columns `claims diff` compares: every field a curator writes (and `speaker_id`, which
    the registry gives, and `date_precision`, part of the date as written), not the id it
    compares by, nor the links and provenance the build adds."""
    return [name for name in columns if name != "id" and (name not in BUILT or name in _BESIDE.values())]


def columns_of(schema) -> Columns:
    """The columns of a `ClaimSchema` (anything with `.document`, `.properties` and `.resolve`);
    SchemaError names the field and keyword the table cannot type, or the contract broken."""
    document = schema.document
    where = f"{schema.path}: " if getattr(schema, "path", None) else ""
    _check_names(where, list(schema.properties), None)
    fields = []
    for name, node in schema.properties.items():
        if name in BUILT:
            raise SchemaError(f"{where}the field {name!r} is a column the build adds; name it otherwise")
        fields.append((name, _kind(schema, node, name)))
    record = Kind("object", fields=tuple(fields))
    required = set(document.get("required", []))
    for name, wanted in CONTRACT.items():
        kind = record.field(name)
        if kind is None or name not in required or kind.type != wanted:
            what = (
                (
                    'text with "format": "date", or a partial date: text whose "pattern" takes a '
                    "day, a month and a year, as the packaged schema's claim_date"
                )
                if wanted == "date"
                else "text"
            )
            raise SchemaError(
                f"{where}a claim schema must keep {name!r} as a required field holding {what} "
                f"(required: id, speaker, claim, date, status; see the README's 'Custom schemas')"
            )
    return Columns(record)


def _check_names(where: str, names: list[str], place: str | None) -> None:
    """SchemaError for a field with no name, or two whose names differ only in case: a column (a
    CSV header, a Parquet or DuckDB column, a spreadsheet's) needs a name, and many tools read
    `Id` and `id` as one."""
    within = f" of the object {place!r}" if place else ""
    if "" in names:
        raise SchemaError(f"{where}a field{within} has an empty name: a column needs one; name it")
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(name.casefold(), name)
        if other != name:
            raise SchemaError(
                f"{where}the fields {other!r} and {name!r}{within} differ only in case: as columns (a CSV "
                "header, DuckDB, a spreadsheet) they are one; rename one"
            )


def _kind(schema, node: Any, place: str, seen: frozenset[str] = frozenset()) -> Kind:
    """The one kind a schema node allows (null aside), or SchemaError naming `place` and why."""
    named = _kinds(schema, node, place, seen)
    kinds = [kind for kind, _ in named]
    found = {k.type for k in kinds}
    if found == {"integer", "number"}:
        kinds = [k for k in kinds if k.type == "number"]
    elif len(found) > 1:
        keywords = ", ".join(f'"{keyword}"' for keyword in dict.fromkeys(keyword for _, keyword in named))
        raise SchemaError(
            f"{schema.path}: the field {place!r} allows several kinds ({', '.join(sorted(found))}) "
            f'through {keywords}: a table column holds one; give it one "type" (and "null" if '
            "it may be empty)"
        )
    if not kinds:
        raise SchemaError(
            f'{schema.path}: the field {place!r} has no "type" (nor "enum", "const" or "$ref" '
            "to one): the table cannot type it"
        )
    if kinds[0].type == "string":
        return Kind("string", tidy=all(k.tidy for k in kinds))  # free text only if every branch says so
    return max(kinds, key=lambda k: (len(k.fields), k.items is not None))


def _kinds(schema, node: Any, place: str, seen: frozenset[str]) -> list[tuple[Kind, str]]:
    """Every kind the keywords of `node` name, each with the keyword that names it (empty: the
    node says nothing about the kind)."""
    if node is True or node is False:
        raise SchemaError(
            f"{schema.path}: the field {place!r} is the schema {str(node).lower()}: the table cannot type it"
        )
    if not isinstance(node, dict):
        return []
    kinds: list[tuple[Kind, str]] = []
    reference = node.get("$ref")
    if isinstance(reference, str):
        if not reference.startswith("#/") or reference in seen:
            raise SchemaError(
                f'{schema.path}: the field {place!r} uses "$ref": {reference!r}, which the table '
                "cannot follow (only local, non-recursive references into this schema)"
            )
        target = _kinds(schema, schema.resolve({"$ref": reference}), place, seen | {reference})
        kinds += [(kind, "$ref") for kind, _ in target]
    declared = node.get("type")
    if declared is not None:
        names = [declared] if isinstance(declared, str) else list(declared)
        kinds += [(_typed(schema, node, name, place, seen), "type") for name in names if name != "null"]
    for keyword in ("enum", "const"):
        if keyword in node:
            values = node[keyword] if keyword == "enum" else [node[keyword]]
            types = {_value_type(v) for v in values if v is not None}
            if len(types) > 1 or types & {"array", "object"}:
                raise SchemaError(
                    f'{schema.path}: the field {place!r} has "{keyword}" values of several kinds '
                    f"({', '.join(sorted(types))}): a table column holds one"
                )
            kinds += [(Kind(t), keyword) for t in types]
    for keyword in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(keyword, []):
            kinds += [(kind, keyword) for kind, _ in _kinds(schema, branch, place, seen)]
    if declared is None and node.get("format") == "date":
        # A `format: date` beside a `$ref` or branches that say "string" makes them a date.
        kinds = [(Kind("date") if kind.type == "string" else kind, keyword) for kind, keyword in kinds]
    return kinds


def _typed(schema, node: dict, name: str, place: str, seen: frozenset[str]) -> Kind:
    if name not in _JSON_TYPES:
        raise SchemaError(f'{schema.path}: the field {place!r} has "type": {name!r}, which the table cannot hold')
    if name == "string":
        if node.get("format") == "date":
            return Kind("date")
        if partial_date(node.get("pattern")):
            # A day, a month, a year (or `unknown`): the packaged schema's `claim_date`.
            if place != PARTIAL_DATE:
                raise SchemaError(
                    f"{schema.path}: the field {place!r} is a partial date; only the claim's "
                    f'{PARTIAL_DATE!r} may be one (give it "format": "date")'
                )
            return Kind("date", partial=True)
        free = not any(k in node for k in ("pattern", "format", "enum", "const"))
        return Kind("string", tidy=free)
    if name == "array":
        items = node.get("items")
        if not isinstance(items, dict):
            raise SchemaError(f'{schema.path}: the list {place!r} needs one "items" schema for the table to type it')
        item = _kind(schema, items, f"{place}[]", seen)
        key = None
        resolved = schema.resolve(items)
        if item.type == "object" and len(resolved.get("required", [])) == 1:
            key = resolved["required"][0]
        return Kind("array", items=item, key=key)
    if name == "object":
        properties = node.get("properties")
        if not properties:
            raise SchemaError(f'{schema.path}: the object {place!r} needs "properties" for the table to type it')
        _check_names(f"{schema.path}: ", list(properties), place)
        return Kind("object", fields=tuple((k, _kind(schema, v, f"{place}.{k}", seen)) for k, v in properties.items()))
    return Kind(name)


# What makes a text field a partial date, read off its `pattern` (no keyword of our own, so any
# JSON Schema tool reads the schema): it takes a day, a month and a year, and refuses words.
_PARTIAL_DATE_TAKES, _PARTIAL_DATE_REFUSES = ("2018-12-04", "2018-12", "2018"), ("x", "2018-12-04x")


@lru_cache(maxsize=64)
def partial_date(pattern: Any) -> bool:
    """Whether a `pattern` makes text a partial date (see above)."""
    if not isinstance(pattern, str):
        return False
    try:
        search = re.compile(pattern).search
    except re.error:
        return False
    return all(search(t) for t in _PARTIAL_DATE_TAKES) and not any(search(t) for t in _PARTIAL_DATE_REFUSES)


def _value_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"
