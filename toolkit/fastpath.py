"""A fast path for records the schema has nothing to say about, compiled from the schema itself.

jsonschema explains every failure well but takes about half a millisecond a record. Almost every
record is valid, so we first ask a plain Python function, generated from the schema document when
it is loaded, whether the record certainly passes. That function is exact where it says yes: it
uses the same types, the same `re` patterns, the same format checker (answers cached or, for
`uri`, a stricter regex tried first) and the same length rules as jsonschema. Anything unusual
makes it say "not sure", and the record goes to jsonschema as before. The schema stays the single
source of truth; a schema using keywords the compiler does not know simply has no fast path.

It also says which top-level parts of a failing record fail, so that jsonschema is asked about
those parts only, and it counts the keys it saw, which the JSON Lines reader compares with the
keys written to find a key written twice.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator

from jsonschema import Draft202012Validator, ValidationError

from .readers.jsonl import count_keys

# Keywords that only annotate: they never make a record invalid.
ANNOTATIONS = frozenset({
    "$schema", "$comment", "title", "description", "default", "examples", "deprecated", "readOnly",
    "writeOnly", "$defs", "definitions", "contentMediaType", "contentEncoding", "contentSchema",
})
_STRING_KEYWORDS = ("minLength", "maxLength", "pattern")
_ARRAY_KEYWORDS = ("items", "minItems", "maxItems", "uniqueItems")
_OBJECT_KEYWORDS = ("properties", "required", "additionalProperties")
_KNOWN = ANNOTATIONS | {"type", "enum", "const", "format", "$ref", *_STRING_KEYWORDS, *_ARRAY_KEYWORDS, *_OBJECT_KEYWORDS}
_SCALARS = {"string", "null", "boolean", "integer", "number"}
_TYPE_TESTS = {
    "string": "type({v}) is str",
    "null": "{v} is None",
    "boolean": "type({v}) is bool",
    "integer": "(type({v}) is int or (type({v}) is float and {v}.is_integer()))",
    "number": "type({v}) in _NUMBER",
    "array": "type({v}) is list",
    "object": "type({v}) is dict",
}

# Sufficient, never necessary: a value these match surely conforms to the format, so the exact
# checker is asked only about the others. `uri` is RFC 3986's `scheme://authority path ? query #
# fragment` branch with a plain host, a strict subset of what rfc3986-validator accepts.
_SEGMENT = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]++|%[0-9A-Fa-f]{2})*+"
_QUERY = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]++|%[0-9A-Fa-f]{2})*+"
# `date`: RFC 3339's full-date, a real day of the proleptic Gregorian calendar from year 1 (Python's
# `date.fromisoformat`, which the format checker calls, has no year 0).
_DAY = (
    r"(?!0000)(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    r"|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)"
)
SUFFICIENT_FORMATS: dict[str, Callable[[str], Any]] = {
    "date": re.compile(_DAY).fullmatch,
    "uri": re.compile(
        r"[A-Za-z][A-Za-z0-9+.\-]*+://(?:[A-Za-z0-9\-._~!$&'()*+,;=]++|%[0-9A-Fa-f]{2})*+(?::[0-9]*+)?+"
        rf"(?:/{_SEGMENT})?+(?:\?{_QUERY})?+(?:\#{_QUERY})?+"
    ).fullmatch,
}
# In these, giving characters back from a possessive repeat could never lead to a match: each is
# followed only by what it cannot take (`[0-9]*+` by `/`, `?`, `#` or the end; `(?::port)?+` by
# anything but `:`), so the marks only spare `re` the trying. Read as plain repeats (by RE2, which
# has no possessive ones: `patterns.vector_form`) they match the same texts, as a test checks.
POSSESSIVE_FOR_SPEED = frozenset({"uri"})
# Text values that passed a pattern or a format are remembered (dates, languages and statuses
# repeat a lot), up to this many per schema node.
_CACHE_LIMIT = 50_000


class Unsupported(Exception):
    """The schema uses something the compiler does not translate: no fast path for it."""


class FastSchema:
    """Plain-Python checks compiled from one schema document.

    >>> fast = FastSchema.compile({"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}})
    >>> fast.check({"id": "a"}), fast.check({"id": 1}), fast.check({})
    (1, -1, -1)
    """

    def __init__(self, check: Callable[[Any], int], root_ok: Callable[[Any], bool] | None,
                 properties: dict[str, tuple[Any, Callable[[Any], int]]], source: str):
        self.check = check
        self._root_ok = root_ok
        self._properties = properties
        self.source = source

    @classmethod
    def compile(cls, document: Any, format_checker: Any = None) -> "FastSchema | None":
        """The fast path for `document`, or None if it uses keywords we do not translate."""
        try:
            return _Compiler(document, format_checker).build(cls)
        except (Unsupported, re.error, RecursionError):
            return None

    def valid(self, value: Any) -> bool:
        """True only if jsonschema would find no error in `value`."""
        return self.check(value) >= 0

    def failing_parts(self, value: Any) -> list[str] | None:
        """The top-level properties that fail ("" for the record-level keywords), or None when
        only a whole run of jsonschema can tell."""
        if self._root_ok is None or type(value) is not dict:
            return None
        parts = [] if self._root_ok(value) else [""]
        for name, (_, check) in self._properties.items():
            if name in value and check(value[name]) < 0:
                parts.append(name)
        return parts


class Explainer:
    """jsonschema's errors for one record, asking it only about the parts that fail."""

    def __init__(self, validator: Draft202012Validator, fast: FastSchema | None):
        self.validator = validator
        self.fast = fast
        self._root = None
        self._parts: dict[str, Any] = {}
        self._lists: dict[str, tuple[dict, Any, Callable[[Any], bool]]] = {}
        if fast is not None and fast._root_ok is not None:
            # The record-level keywords alone: properties are only named, so that
            # additionalProperties knows them, and each is then checked on its own.
            document = dict(validator.schema)
            document["properties"] = {name: True for name in document.get("properties", {})}
            self._root = validator.evolve(schema=document)
            # Each property's schema with its local $refs written out: the same errors, without
            # jsonschema looking references up again for every record.
            for name, (schema, _) in fast._properties.items():
                try:
                    self._parts[name] = _inline(schema, validator.schema, ())
                except Unsupported:
                    self._parts[name] = schema
                self._compile_items(name, self._parts[name])

    def _compile_items(self, name: str, part: Any) -> None:
        """For a list property (`items` one schema), the fast check of one item, so that
        jsonschema is asked about the failing items of a failing list only."""
        items = part.get("items") if isinstance(part, dict) else None
        if not isinstance(items, dict) or {"prefixItems", "contains", "unevaluatedItems"} & set(part):
            return
        item_check = FastSchema.compile(items, self.validator.format_checker)
        if item_check is not None:
            rest = {key: value for key, value in part.items() if key != "items"}
            self._lists[name] = (rest, items, item_check.valid)

    def errors(self, value: Any) -> Iterator[ValidationError]:
        parts = self.fast.failing_parts(value) if self.fast is not None else None
        if parts is None or self._root is None:
            yield from self.validator.iter_errors(value)
            return
        for name in parts:
            if name == "":
                yield from self._root.iter_errors(value)
            elif name in self._lists and type(value[name]) is list:
                yield from self._list_errors(name, value[name])
            else:
                yield from self.validator.descend(value[name], self._parts[name], path=name, schema_path=name)

    def _list_errors(self, name: str, items: list) -> Iterator[ValidationError]:
        rest, item_schema, item_valid = self._lists[name]
        yield from self.validator.descend(items, rest, path=name, schema_path=name)
        for index, item in enumerate(items):
            if not item_valid(item):
                for error in self.validator.descend(item, item_schema, path=index, schema_path="items"):
                    error.path.appendleft(name)
                    error.schema_path.appendleft(name)
                    yield error


def _inline(schema: Any, document: Any, seen: tuple) -> Any:
    """`schema` with each `{"$ref": "#/..."}` (beside annotations only) replaced by its target."""
    if isinstance(schema, list):
        return [_inline(item, document, seen) for item in schema]
    if not isinstance(schema, dict):
        return schema
    reference = schema.get("$ref")
    if reference is not None:
        if not (isinstance(reference, str) and reference.startswith("#/")) or reference in seen:
            raise Unsupported(reference)
        if set(schema) - ANNOTATIONS - {"$ref"}:
            raise Unsupported("$ref beside other keywords")
        return _inline(follow(document, reference), document, (*seen, reference))
    return {key: (_inline(value, document, seen) if key not in ("enum", "const", "required") else value)
            for key, value in schema.items()}


def follow(document: Any, reference: str) -> Any:
    """The part of `document` that a local reference (`#` or `#/a/b`) points at."""
    target = document
    for step in reference[2:].split("/") if reference != "#" else []:
        step = step.replace("~1", "/").replace("~0", "~")
        if isinstance(target, list) and step.isdigit():
            target = target[int(step)]
        elif isinstance(target, dict) and step in target:
            target = target[step]
        else:
            raise Unsupported(f"$ref {reference}")
    return target


def _unique_strings(items: list) -> bool:
    """uniqueItems, for lists of plain text only (anything else: not sure)."""
    for item in items:
        if type(item) is not str:
            return False
    return len(set(items)) == len(items)


def _format_check(format_checker: Any, name: str) -> Callable[[Any], bool]:
    """The format checker's verdict on a value, remembered for repeated values."""
    sufficient = SUFFICIENT_FORMATS.get(name)
    cache: dict[str, bool] = {}
    conforms = format_checker.conforms

    def check(value: Any) -> bool:
        if type(value) is not str:
            return conforms(value, name)
        if sufficient is not None and sufficient(value) is not None:
            return True
        known = cache.get(value)
        if known is None:
            known = bool(conforms(value, name))
            if len(cache) < _CACHE_LIMIT:
                cache[value] = known
        return known

    return check


class _Compiler:
    """Generates the source of one function per schema node that returns the keys counted, or -1."""

    def __init__(self, document: Any, format_checker: Any):
        self.document = document
        self.format_checker = format_checker
        self.names: dict[str, Any] = {
            "_NUMBER": (int, float), "_MISSING": _MISSING, "_count_keys": count_keys,
            "_unique_strings": _unique_strings,
        }
        self.constants: dict[Any, str] = {}
        self.good: dict[tuple[Any, Any], str] = {}
        self.variables = 0

    def build(self, cls):
        if not isinstance(self.document, dict):
            raise Unsupported("a boolean schema")
        for key in self.document:
            if key not in _KNOWN and key != "$id":
                raise Unsupported(key)
        functions = [self.function("_check", self.document, [])]
        properties, root_ok = {}, None
        if self.document.get("type") == "object" and "$ref" not in self.document:
            for index, (name, schema) in enumerate(self.document.get("properties", {}).items()):
                functions.append(self.function(f"_property_{index}", schema, [self.document]))
                properties[name] = (schema, f"_property_{index}")
            reduced = dict(self.document)
            reduced["properties"] = {name: True for name in reduced.get("properties", {})}
            functions.append(self.function("_root", reduced, []))
            root_ok = "_root"
        source = "\n\n".join(functions) + "\n"
        namespace = dict(self.names)
        exec(compile(source, "<claims fast path>", "exec"), namespace)  # noqa: S102 - our own generated code
        resolved = {name: (schema, namespace[function]) for name, (schema, function) in properties.items()}
        root = (lambda value, _check=namespace["_root"]: _check(value) >= 0) if root_ok else None
        return cls(namespace["_check"], root, resolved, source)

    def function(self, name: str, schema: Any, stack: list) -> str:
        body = ["    n = 0"]
        self.variables = 0
        self.node(schema, "v0", 1, body, stack)
        body.append("    return n")
        # Every constant becomes a keyword default: a local, faster to reach than a global.
        defaults = ", ".join(f"{constant}={constant}" for constant in self.names)
        return "\n".join([f"def {name}(v0, *, {defaults}):", *body])

    def constant(self, value: Any, prefix: str) -> str:
        if isinstance(value, str):
            return repr(value)
        key = (prefix, repr(value)) if isinstance(value, frozenset) else (prefix, id(value))
        if key not in self.constants:
            name = f"_{prefix}{len(self.constants)}"
            self.constants[key] = name
            self.names[name] = value
        return self.constants[key]

    def fresh(self) -> str:
        self.variables += 1
        return f"v{self.variables}"

    def resolve(self, reference: str) -> Any:
        if not reference.startswith("#"):
            raise Unsupported(f"$ref {reference}")
        return follow(self.document, reference)

    def node(self, schema: Any, v: str, depth: int, out: list[str], stack: list) -> None:
        """Code that returns -1 unless `v` surely passes `schema`, adding its keys to `n`."""
        pad = "    " * depth
        if schema is True or schema == {}:
            out.append(f"{pad}n += _count_keys({v})")
            return
        if schema is False:
            out.append(f"{pad}return -1")
            return
        if not isinstance(schema, dict):
            raise Unsupported("a schema that is not an object")
        if any(schema is seen for seen in stack):
            raise Unsupported("a recursive schema")
        stack = [*stack, schema]
        unknown = set(schema) - _KNOWN - {"$id"}
        if unknown or (len(stack) > 1 and "$id" in schema):
            raise Unsupported(", ".join(sorted(unknown)) or "$id below the root")

        types = schema.get("type")
        if isinstance(types, str):
            types = [types]
        if types is not None:
            if not types or any(t not in _TYPE_TESTS for t in types):
                raise Unsupported(f"type {types}")
            if len(types) > 1 and not set(types) <= _SCALARS:
                raise Unsupported("a container among several types")
            test = " or ".join(_TYPE_TESTS[t].format(v=v) for t in types)
            out.append(f"{pad}if not ({test}):")
            out.append(f"{pad}    return -1")
        kind = types[0] if types and len(types) == 1 else None
        counted = kind in _SCALARS

        if "enum" in schema:
            members = schema["enum"]
            if not isinstance(members, list) or not all(type(m) is str for m in members):
                raise Unsupported("an enum of values other than text")
            out.append(f"{pad}if type({v}) is not str or {v} not in {self.constant(frozenset(members), 'enum')}:")
            out.append(f"{pad}    return -1")
            counted = True
        if "const" in schema:
            if type(schema["const"]) is not str:
                raise Unsupported("a const other than text")
            out.append(f"{pad}if type({v}) is not str or {v} != {self.constant(schema['const'], 'const')}:")
            out.append(f"{pad}    return -1")
            counted = True
        formats = schema.get("format") if self.format_checker is not None else None
        if formats is not None and kind != "string":
            check = self.constant(_format_check(self.format_checker, formats), "format")
            out.append(f"{pad}if not {check}({v}):")
            out.append(f"{pad}    return -1")

        if any(k in schema for k in _STRING_KEYWORDS) or (formats is not None and kind == "string"):
            inner = pad
            if kind != "string":
                out.append(f"{pad}if isinstance({v}, str):")
                out.append(f"{pad}    if type({v}) is not str:")
                out.append(f"{pad}        return -1")
                inner = pad + "    "
            low, high = schema.get("minLength"), schema.get("maxLength")
            if low is not None or high is not None:
                bounds = f"{int(low)} <= len({v})" if high is None else f"len({v}) <= {int(high)}"
                if low is not None and high is not None:
                    bounds = f"{int(low)} <= len({v}) <= {int(high)}"
                out.append(f"{inner}if not {bounds}:")
                out.append(f"{inner}    return -1")
            pattern = schema.get("pattern")
            if pattern is not None or (formats is not None and kind == "string"):
                # Values that passed are remembered: dates, languages and the like repeat.
                good = self.constant(set(), "good") if (pattern, formats) not in self.good else self.good[(pattern, formats)]
                self.good[(pattern, formats)] = good
                out.append(f"{inner}if {v} not in {good}:")
                if pattern is not None:
                    out.append(f"{inner}    if {self.constant(re.compile(pattern).search, 'search')}({v}) is None:")
                    out.append(f"{inner}        return -1")
                if formats is not None and kind == "string":
                    sufficient = SUFFICIENT_FORMATS.get(formats)
                    exact = self.constant(_format_check(self.format_checker, formats), "format")
                    if sufficient is not None:
                        test = f"{self.constant(sufficient, 'sufficient')}({v}) is None and not {exact}({v})"
                    else:
                        test = f"not {exact}({v})"
                    out.append(f"{inner}    if {test}:")
                    out.append(f"{inner}        return -1")
                out.append(f"{inner}    if len({good}) < {_CACHE_LIMIT}:")
                out.append(f"{inner}        {good}.add({v})")

        if any(k in schema for k in _ARRAY_KEYWORDS):
            if kind != "array":
                raise Unsupported("array keywords without type: array")
            if "minItems" in schema:
                out.append(f"{pad}if len({v}) < {int(schema['minItems'])}:")
                out.append(f"{pad}    return -1")
            if "maxItems" in schema:
                out.append(f"{pad}if len({v}) > {int(schema['maxItems'])}:")
                out.append(f"{pad}    return -1")
            if schema.get("uniqueItems") is True:
                out.append(f"{pad}if not _unique_strings({v}):")
                out.append(f"{pad}    return -1")
            item = self.fresh()
            out.append(f"{pad}for {item} in {v}:")
            self.node(schema.get("items", True), item, depth + 1, out, stack)
            counted = True
        elif kind == "array":
            out.append(f"{pad}n += _count_keys({v})")
            counted = True

        if any(k in schema for k in _OBJECT_KEYWORDS) or kind == "object":
            if kind != "object":
                raise Unsupported("object keywords without type: object")
            self.object(schema, v, depth, out, stack)
            counted = True

        if "$ref" in schema:
            target = self.resolve(schema["$ref"])
            self.node(target, v, depth, out, stack)
            counted = True
        if not counted:
            out.append(f"{pad}n += _count_keys({v})")

    def object(self, schema: dict, v: str, depth: int, out: list[str], stack: list) -> None:
        pad = "    " * depth
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        extra = schema.get("additionalProperties", True)
        if not isinstance(properties, dict) or not isinstance(required, list) or not isinstance(extra, bool):
            raise Unsupported("an object schema we do not translate")
        out.append(f"{pad}n += len({v})")
        known = self.constant(frozenset(properties), "keys")
        if extra is False:
            out.append(f"{pad}if not ({v}.keys() <= {known}):")
            out.append(f"{pad}    return -1")
        if required:
            out.append(f"{pad}if not ({v}.keys() >= {self.constant(frozenset(required), 'keys')}):")
            out.append(f"{pad}    return -1")
        for name, subschema in properties.items():
            value = self.fresh()
            if name in required:  # present: checked just above
                out.append(f"{pad}{value} = {v}[{name!r}]")
                self.node(subschema, value, depth, out, stack)
                continue
            out.append(f"{pad}{value} = {v}.get({name!r}, _MISSING)")
            out.append(f"{pad}if {value} is not _MISSING:")
            self.node(subschema, value, depth + 1, out, stack)
        if extra is True:
            other = self.fresh()
            out.append(f"{pad}for {other} in {v}.keys() - {known}:")
            out.append(f"{pad}    n += _count_keys({v}[{other}])")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()
