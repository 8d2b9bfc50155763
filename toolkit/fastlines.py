"""The fast path for raw JSON lines: the schema compiled into msgspec types, checked in C.

`fastpath` checks a record that Python already holds; for a large JSON Lines file, making those
Python objects is most of the cost. msgspec decodes a line straight into typed structs and checks
types, lengths, enums, dates, required and unknown fields while it parses. As in `fastpath`, the
compiled types only ever say yes when jsonschema would: every format is checked by a regex that
accepts only values the format checker accepts, anything the compiler does not translate means
no fast path at all, and a line it refuses is read and explained by the careful path.

Lines are decoded many at a time (`decode_lines`), and what msgspec does not see, or would check
with a Python call per value, is checked afterwards for all of them at once: patterns and format
regexes (`patterns.BatchCheck`, one regex call per field where the pattern allows it; else
msgspec checks them text by text), a key written twice (msgspec keeps the last), found by
counting quotes against the structs' encoding, and `uniqueItems`.
"""

from __future__ import annotations

import datetime as dt
import keyword
import re
from typing import Annotated, Any, Callable, Literal

import msgspec
import msgspec.inspect
import numpy as _np

from .fastpath import ANNOTATIONS, POSSESSIVE_FOR_SPEED, SUFFICIENT_FORMATS, Unsupported, follow
from .patterns import BatchCheck
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

    def __init__(self, record_type: type, unique: tuple[str, ...], texts: list[tuple[tuple, BatchCheck]]):
        info = msgspec.inspect.type_info(record_type)
        self.required = frozenset(f.name for f in info.fields if f.required)
        self.optional = frozenset(f.name for f in info.fields if not f.required)
        self.texts = frozenset(f.name for f in info.fields if f.required and isinstance(f.type, msgspec.inspect.StrType))
        self._decode = msgspec.json.Decoder(record_type).decode
        self._encode = msgspec.json.Encoder().encode_lines
        self._text_checks = [check for _, check in texts]
        self._gather = _gatherer([path for path, _ in texts], unique)

    @classmethod
    def compile(cls, document: Any) -> "LineDecoder | None":
        """The decoder for `document`, or None if it uses something this compiler does not translate."""
        try:
            return _Compiler(document).build(cls)
        except (Unsupported, re.error, RecursionError, TypeError, ValueError):
            return None

    def decode(self, raw: bytes) -> Any:
        """The line's record as a struct if it surely passes the schema, else None."""
        return self.decode_lines([raw])[0]

    def decode_lines(self, lines: list[bytes]) -> list[Any]:
        """Each line's record as a struct if it surely passes the schema, else None. Checks
        that cost a call per value (patterns, keys written twice) are made for all lines at once."""
        decode = self._decode
        records: list[Any] = []
        kept: list[int] = []  # the lines msgspec decoded
        for at, raw in enumerate(lines):
            try:
                records.append(decode(raw))
            except _DECODE_ERRORS:
                records.append(None)
                continue
            kept.append(at)
        if not kept:
            return records
        structs = [records[at] for at in kept]
        refused = self._written_twice([lines[at] for at in kept], structs)
        gathered, repeated = self._gather(structs)
        refused.update(repeated)
        for check, (texts, owners) in zip(self._text_checks, gathered):
            refused.update(owners[k] for k in check.failing(texts))
        for k in refused:
            records[kept[k]] = None
        return records

    def _written_twice(self, raws: list[bytes], structs: list[Any]) -> set[int]:
        """Which records (by index) may have a key written twice: msgspec keeps the last, so the
        line writes more than the struct holds. A line never writes fewer quotes than the struct's
        encoding holds, so a block of lines with as many quotes as their encodings, and no
        backslash, has no key written twice; only the other blocks are looked at line by line."""
        suspect = set()
        for start in range(0, len(raws), _BLOCK):
            lines = raws[start : start + _BLOCK]
            joined = b"".join(lines)
            encoded = self._encode(structs[start : start + _BLOCK])  # one record a line
            if b"\\" not in joined and _quotes(joined) == _quotes(encoded):
                continue
            for at, (raw, again) in enumerate(zip(lines, encoded.split(b"\n")), start):
                if _more_keys(raw, again):
                    suspect.add(at)
        return suspect


_BLOCK = 256  # lines whose quotes are counted together


def _quotes(text: bytes) -> int:
    return int(_np.count_nonzero(_np.frombuffer(text, dtype=_np.uint8) == ord('"')))


def _more_keys(raw: bytes, encoded: bytes) -> bool:
    """Whether a line may write more keys than the struct decoded from it holds (`encoded`)."""
    if b"\\" not in raw:
        # Without a backslash, every `"` opens or closes a key or a text, in the line as in the
        # encoding, and a key written twice adds at least two.
        return raw.count(b'"') != encoded.count(b'"')
    # With escapes, count keys instead: each key decoded, and each `"` then `:` inside a text
    # (escaped as `\":`), appears in the encoding as `":`; the line writes at least as many,
    # unless it escapes characters as \u (then: not sure).
    return b"\\u" in raw or keys_written(raw) != encoded.count(b'":')


def _gatherer(paths: list[tuple], unique: tuple[str, ...]) -> Callable[[list], tuple[list, list[int]]]:
    """A function that collects, from a list of structs, the texts at each path (a field name, or
    EACH for every item of a list), each with the index of the struct it came from, and the
    indexes of the structs whose `unique` fields repeat an item. Generated as Python source: one
    loop over the structs, as a hand-written one would be."""
    code = ["def gather(records):", "    repeated = []"]
    code += [f"    texts{n}, owners{n} = [], []" for n in range(len(paths))]
    code.append("    for at, record in enumerate(records):")
    for n, path in enumerate(paths):
        indent, value = 8, "record"
        for depth, step in enumerate(path):
            inner = f"v{n}_{depth}"
            if step is EACH:
                code.append(" " * indent + f"for {inner} in {value}:")
            else:
                code.append(" " * indent + f"{inner} = {_attribute(value, step)}")
                code.append(" " * indent + f"if {inner} is not UNSET:")
            indent += 4
            value = inner
        code.append(" " * indent + f"texts{n}.append({value}); owners{n}.append(at)")
    for name in unique:
        code.append(f"        items = {_attribute('record', name)}")
        code.append("        if items is not UNSET and len(set(items)) != len(items):")
        code.append("            repeated.append(at)")
    texts = ", ".join(f"(texts{n}, owners{n})" for n in range(len(paths)))
    code.append(f"    return [{texts}], repeated")
    namespace: dict[str, Any] = {"UNSET": _UNSET}
    exec(compile("\n".join(code), "<fastlines gather>", "exec"), namespace)
    return namespace["gather"]


def _attribute(value: str, name: str) -> str:
    return f"{value}.{name}" if not keyword.iskeyword(name) else f"getattr({value}, {name!r})"


EACH = object()  # a path step: every item of a list


class _Compiler:
    def __init__(self, document: Any):
        self.document = document
        self.structs = 0
        self.unique: list[str] = []
        self.texts: list[tuple[tuple, BatchCheck]] = []  # texts checked after decoding, at these paths

    def build(self, cls) -> LineDecoder:
        if not isinstance(self.document, dict) or self.document.get("type") != "object":
            raise Unsupported("a record that is not an object")
        return cls(self.type_of(self.document, [], ()), tuple(self.unique), self.texts)

    def type_of(self, schema: Any, stack: list, path: tuple, *, field: str = "") -> Any:
        """The msgspec type of `schema` at `path` in the record; `field` names a property of the
        record itself."""
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
            return self.type_of(follow(self.document, schema["$ref"]), stack, path, field=field)
        if "enum" in keywords or "const" in keywords:
            members = schema["enum"] if "enum" in schema else [schema["const"]]
            if keywords - {"enum", "const", "type"} or not members or not all(type(m) is str for m in members):
                raise Unsupported("an enum of values other than text")
            if schema.get("type", "string") != "string":
                raise Unsupported("an enum with another type")
            return Literal[tuple(members)]
        kind = schema.get("type")
        if kind == "string" and keywords <= _STRING:
            return self.string(schema, path)
        if kind == "array" and keywords <= _ARRAY:
            return self.array(schema, stack, path, field=field)
        if kind == "object" and keywords <= _OBJECT:
            return self.object(schema, stack, path)
        raise Unsupported(f"type {kind!r} with {sorted(keywords)}")

    def string(self, schema: dict, path: tuple) -> Any:
        if schema.get("format") == "date" and schema.get("pattern", _FULL_DATE) in _FULL_DATE_PATTERNS \
                and not {"minLength", "maxLength"} & set(schema):
            return dt.date
        patterns: list[tuple[str, str]] = []  # (regex, how jsonschema uses it)
        for_speed = frozenset()
        if "pattern" in schema:
            patterns.append((schema["pattern"], "search"))
        if "format" in schema:
            sufficient = SUFFICIENT_FORMATS.get(schema["format"])
            if sufficient is None:
                raise Unsupported(f"format {schema['format']}")
            patterns.append((sufficient.__self__.pattern, "fullmatch"))
            if schema["format"] in POSSESSIVE_FOR_SPEED:
                for_speed = frozenset({sufficient.__self__.pattern})
        pattern = None
        if patterns:
            check = BatchCheck(patterns, possessive_for_speed=for_speed)
            if check.batched:  # checked after decoding, for many texts at once
                self.texts.append((path, check))
            else:  # checked by msgspec, text by text: every pattern, each a lookahead from the start
                wholes = [_searched(p) if how == "search" else rf"(?:{p})\Z" for p, how in patterns]
                pattern = "^" + "".join(f"(?={whole})" for whole in wholes)
        meta = msgspec.Meta(min_length=schema.get("minLength"), max_length=schema.get("maxLength"), pattern=pattern)
        return Annotated[str, meta]

    def array(self, schema: dict, stack: list, path: tuple, *, field: str) -> Any:
        if schema.get("uniqueItems") is True:
            if not field:
                raise Unsupported("uniqueItems below the record's own fields")
            items = schema.get("items")
            if not (isinstance(items, dict) and items.get("type") == "string"):
                raise Unsupported("uniqueItems on anything but text")
            self.unique.append(field)
        item = self.type_of(schema.get("items", True), stack, (*path, EACH))
        meta = msgspec.Meta(min_length=schema.get("minItems"), max_length=schema.get("maxItems"))
        return Annotated[list[item], meta]

    def object(self, schema: dict, stack: list, path: tuple) -> Any:
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        if schema.get("additionalProperties", True) not in (True, False) or required - set(properties):
            raise Unsupported("an object schema this compiler does not translate")
        fields = []
        for name, subschema in properties.items():
            if not _IDENTIFIER.fullmatch(name) or name.startswith("_"):
                raise Unsupported(f"a field named {name!r}")
            kind = self.type_of(subschema, stack, (*path, name), field=name if schema is self.document else "")
            fields.append((name, kind) if name in required else (name, kind | msgspec.UnsetType, _UNSET))
        fields.sort(key=lambda item: len(item) == 3)  # required fields first
        self.structs += 1
        return msgspec.defstruct(
            f"Compiled{self.structs}", fields, kw_only=True,
            forbid_unknown_fields=schema.get("additionalProperties", True) is False,
            gc=False,  # a struct holds no cycle: the collector need not track millions of them
        )


def _searched(pattern: str) -> str:
    """`pattern` as `re.search` uses it (a match anywhere), for a match from the start."""
    re.compile(pattern)
    return rf"[\s\S]*?(?:{pattern})"
