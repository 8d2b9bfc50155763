"""The fast path for raw JSON lines: the schema compiled into msgspec types, checked in C.

`fastpath` checks a record that Python already holds; for a large JSON Lines file, making those
Python objects is most of the cost. msgspec decodes a line straight into typed structs and checks
types, lengths, patterns, enums, required and unknown fields while it parses. As in `fastpath`,
the compiled types only ever say yes when jsonschema would: every format is checked by a regex
that accepts only values the format checker accepts, anything the compiler does not translate
means no fast path at all, and a line it refuses is read and explained by the careful path.

Two things msgspec does not see are checked after decoding: a key written twice (msgspec keeps
the last), found by counting the keys written against the keys decoded, and `uniqueItems`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

import msgspec
import msgspec.inspect

from .fastpath import ANNOTATIONS, SUFFICIENT_FORMATS, Unsupported, follow
from .readers.jsonl import keys_written

_ANNOTATIONS = ANNOTATIONS | {"$id"}  # keywords that never make a record invalid
_STRING = frozenset({"type", "minLength", "maxLength", "pattern", "format"})
_ARRAY = frozenset({"type", "items", "minItems", "maxItems", "uniqueItems"})
_OBJECT = frozenset({"type", "properties", "required", "additionalProperties"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# msgspec's own `datetime.date` takes exactly RFC 3339's full-date (`YYYY-MM-DD` in ASCII digits,
# a real day, from year 1), which is all that `format: date` with one of these patterns accepts;
# it costs less than a regex. The value then reaches the caller as a `datetime.date`.
_FULL_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_FULL_DATE_PATTERNS = frozenset({_FULL_DATE, r"^\d{4}-\d{2}-\d{2}$", r"^\d{4}-\d\d-\d\d$"})

_UNSET = msgspec.UNSET
_DECODE_ERRORS = (msgspec.DecodeError, ValueError)  # ValueError: bytes that are not UTF-8


class LineDecoder:
    """Decodes one JSON line into a checked struct, or says it cannot vouch for the line.

    >>> decoder = LineDecoder.compile({"type": "object", "required": ["id"],
    ...     "additionalProperties": False, "properties": {"id": {"type": "string", "minLength": 3}}})
    >>> decoder.decode(b'{"id":"abc"}').id, decoder.decode(b'{"id":"ab"}'), decoder.decode(b'{"id":"abc","id":"x"}')
    ('abc', None, None)
    """

    def __init__(self, record_type: type, unique: tuple[str, ...]):
        info = msgspec.inspect.type_info(record_type)
        self.required = frozenset(f.name for f in info.fields if f.required)
        self.optional = frozenset(f.name for f in info.fields if not f.required)
        self._decode = msgspec.json.Decoder(record_type).decode
        self._encode = msgspec.json.Encoder().encode
        self._unique = unique

    @classmethod
    def compile(cls, document: Any) -> "LineDecoder | None":
        """The decoder for `document`, or None if it uses something this compiler does not translate."""
        try:
            return _Compiler(document).build(cls)
        except (Unsupported, re.error, RecursionError, TypeError, ValueError):
            return None

    def decode(self, raw: bytes) -> Any:
        """The line's record as a struct if it surely passes the schema, else None."""
        try:
            record = self._decode(raw)
        except _DECODE_ERRORS:
            return None
        # A key written twice: msgspec keeps the last, so the line writes more than the struct
        # holds. Without a backslash in the line, every `"` opens or closes a key or a text, in
        # the line as in the struct's encoding, and a key written twice adds at least two.
        encoded = self._encode(record)
        if b"\\" in raw:
            # With escapes, count keys instead: each key decoded, and each `"` then `:` inside a
            # text (escaped as `\":`), appears in the encoding as `":`; the line writes at least
            # as many, unless it escapes characters as \u (then: not sure).
            if b"\\u" in raw or keys_written(raw) != encoded.count(b'":'):
                return None
        elif raw.count(b'"') != encoded.count(b'"'):
            return None
        for name in self._unique:
            items = getattr(record, name)
            if items is not _UNSET and len(set(items)) != len(items):
                return None
        return record


class _Compiler:
    def __init__(self, document: Any):
        self.document = document
        self.structs = 0
        self.unique: list[str] = []

    def build(self, cls) -> LineDecoder:
        if not isinstance(self.document, dict) or self.document.get("type") != "object":
            raise Unsupported("a record that is not an object")
        return cls(self.type_of(self.document, []), tuple(self.unique))

    def type_of(self, schema: Any, stack: list, *, field: str = "") -> Any:
        """The msgspec type of `schema`; `field` names a property of the record itself."""
        if schema is True or schema == {}:
            return Any
        if not isinstance(schema, dict):
            raise Unsupported("a schema that is not an object")
        if any(schema is seen for seen in stack):
            raise Unsupported("a recursive schema")
        if "$id" in schema and stack:
            raise Unsupported("$id below the root")  # it would change what a $ref points at
        stack = [*stack, schema]
        keywords = set(schema) - _ANNOTATIONS
        if "$ref" in keywords:
            if keywords != {"$ref"} or not str(schema["$ref"]).startswith("#"):
                raise Unsupported("$ref beside other keywords")
            return self.type_of(follow(self.document, schema["$ref"]), stack, field=field)
        if "enum" in keywords or "const" in keywords:
            members = schema["enum"] if "enum" in schema else [schema["const"]]
            if keywords - {"enum", "const", "type"} or not members or not all(type(m) is str for m in members):
                raise Unsupported("an enum of values other than text")
            if schema.get("type", "string") != "string":
                raise Unsupported("an enum with another type")
            return Literal[tuple(members)]
        kind = schema.get("type")
        if kind == "string" and keywords <= _STRING:
            return self.string(schema)
        if kind == "array" and keywords <= _ARRAY:
            return self.array(schema, stack, field=field)
        if kind == "object" and keywords <= _OBJECT:
            return self.object(schema, stack)
        raise Unsupported(f"type {kind!r} with {sorted(keywords)}")

    def string(self, schema: dict) -> Any:
        if schema.get("format") == "date" and schema.get("pattern", _FULL_DATE) in _FULL_DATE_PATTERNS \
                and not {"minLength", "maxLength"} & set(schema):
            return dt.date
        patterns = []
        if "pattern" in schema:
            pattern = schema["pattern"]
            re.compile(pattern)
            patterns.append(pattern if pattern.startswith("^") else rf"[\s\S]*?(?:{pattern})")
        if "format" in schema:
            sufficient = SUFFICIENT_FORMATS.get(schema["format"])
            if sufficient is None:
                raise Unsupported(f"format {schema['format']}")
            patterns.append(rf"(?:{sufficient.__self__.pattern})\Z")
        pattern = None
        if patterns:  # every pattern must match: each is a lookahead from the start
            pattern = "^" + "".join(f"(?={p})" for p in patterns)
        meta = msgspec.Meta(min_length=schema.get("minLength"), max_length=schema.get("maxLength"), pattern=pattern)
        return Annotated[str, meta]

    def array(self, schema: dict, stack: list, *, field: str) -> Any:
        if schema.get("uniqueItems") is True:
            if not field:
                raise Unsupported("uniqueItems below the record's own fields")
            items = schema.get("items")
            if not (isinstance(items, dict) and items.get("type") == "string"):
                raise Unsupported("uniqueItems on anything but text")
            self.unique.append(field)
        item = self.type_of(schema.get("items", True), stack)
        meta = msgspec.Meta(min_length=schema.get("minItems"), max_length=schema.get("maxItems"))
        return Annotated[list[item], meta]

    def object(self, schema: dict, stack: list) -> Any:
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        if schema.get("additionalProperties", True) not in (True, False) or required - set(properties):
            raise Unsupported("an object schema this compiler does not translate")
        fields = []
        for name, subschema in properties.items():
            if not _IDENTIFIER.fullmatch(name) or name.startswith("_"):
                raise Unsupported(f"a field named {name!r}")
            kind = self.type_of(subschema, stack, field=name if schema is self.document else "")
            fields.append((name, kind) if name in required else (name, kind | msgspec.UnsetType, _UNSET))
        fields.sort(key=lambda item: len(item) == 3)  # required fields first
        self.structs += 1
        return msgspec.defstruct(
            f"Compiled{self.structs}", fields, kw_only=True,
            forbid_unknown_fields=schema.get("additionalProperties", True) is False,
        )
