"""Schema verdicts: `jsonschema-rs` decides whether a record is valid, `jsonschema` says why not.

JSON Schema specifies ECMA-262 regular expressions and RFC 3339 dates. `jsonschema-rs` follows
the specification (its `$` does not match before a final newline, as Python's does; year 0000 is a
date) and checks a record in about a microsecond, with any keyword of 2020-12 (`anyOf`, `oneOf`,
`if`/`then`, `$ref`, ...): every schema gets the same path, and nothing is generated from it.
`jsonschema`, with its format checker, gives the errors `explain` puts in plain words, and is
asked only about records the engine refused.

When the two disagree, the engine decides:
- a record the engine accepts has no schema problem, whatever jsonschema would say;
- for a record it refuses, each place (instance path) the engine finds wrong is explained by
  jsonschema's errors at that place; where jsonschema finds nothing there, the engine's own error
  is reported at that place, under the engine's keyword, in the same plain words where `explain`
  knows the keyword (`'abc\\n' is not a valid id: ...` from the `pattern` keyword).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, ValidationError

from .explain import problems_for
from .records import Problem, Record

# Keywords that only ever look at the record itself, never inside a property's value.
_RECORD_LEVEL = frozenset(
    {
        "type",
        "required",
        "additionalProperties",
        "minProperties",
        "maxProperties",
        "propertyNames",
        "$schema",
        "$id",
        "$defs",
        "definitions",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)


class Engine:
    """One schema, compiled twice: by `jsonschema-rs` to decide, by `jsonschema` to explain.

    >>> from toolkit.schema import load_schema
    >>> engine = load_schema().engine
    >>> record = {"id": "abc\\n", "speaker": "A", "claim": "B", "date": "2018-12-04", "status": "true",
    ...           "sources": [{"url": "https://example.org"}]}
    >>> engine.is_valid(record), [(list(e.path), e.validator) for e in engine.errors(record)]
    (False, [(['id'], 'pattern')])
    """

    def __init__(self, document: dict[str, Any], validator: Draft202012Validator):
        # `offline`: a `$ref` to a web address is never fetched (jsonschema does not fetch either).
        self.compiled = jsonschema_rs.validator_for(document, validate_formats=True, offline=True)
        self.document = document
        self.is_valid = self.compiled.is_valid
        self.validator = validator
        # jsonschema's errors for one record are those of the record's own keywords, with each
        # property only named (`True`: so that additionalProperties knows it), and those of each
        # property's schema; only the parts the engine found wrong are asked about.
        self._properties: dict[str, Any] = {}
        self._record_level = validator
        self._always_record_level = True
        if isinstance(document, dict) and isinstance(document.get("properties"), dict):
            self._properties = document["properties"]
            alone = dict(document, properties={name: True for name in self._properties})
            self._record_level = validator.evolve(schema=alone)
            # anyOf, if/then, allOf, ...: they may find a property wrong, so they are always asked.
            self._always_record_level = bool(set(document) - _RECORD_LEVEL - {"properties"})
        # A list property whose items all take one schema: its own keywords, and its failing items.
        self._lists = {
            name: ({key: value for key, value in spec.items() if key != "items"}, spec["items"])
            for name, spec in self._properties.items()
            if isinstance(spec, dict)
            and isinstance(spec.get("items"), dict)
            and not {"prefixItems", "contains", "unevaluatedItems"} & set(spec)
        }

    def accepts(self, value: Any) -> bool:
        """`is_valid` for a value from any reader: one that JSON cannot hold (a key that is not
        text, a `set`) is left to jsonschema, as the engine only reads JSON values. (`is_valid`
        itself is for values decoded from JSON, where a call costs no more than the check.)"""
        try:
            return self.is_valid(value)
        except ValueError:
            return self.validator.is_valid(value)

    def errors(self, value: Any) -> list[ValidationError]:
        """What is wrong with `value`, as jsonschema errors, by the rule above (empty if valid)."""
        try:
            decided = list(self.compiled.iter_errors(value))
        except ValueError:  # not a JSON value: jsonschema decides alone
            return list(self.validator.iter_errors(value))
        places = {tuple(error.instance_path) for error in decided}
        kept = [error for error in self._explained(value, places) if tuple(error.absolute_path) in places]
        covered = {tuple(error.absolute_path) for error in kept}
        return kept + [
            _in_jsonschema_terms(error, self.document) for error in decided if tuple(error.instance_path) not in covered
        ]

    def problems(self, record: Record) -> Iterator[Problem]:
        """The located problems of a record `accepts` refused."""
        for error in self.errors(record.data):
            yield from problems_for(record, error)

    def _explained(self, value: Any, places: set[tuple]) -> Iterator[ValidationError]:
        """jsonschema's errors about the parts of `value` the engine found wrong (a whole record
        costs about 150 microseconds; its failing parts a fraction of it)."""
        if not isinstance(value, dict):
            yield from self.validator.iter_errors(value)
            return
        if () in places or self._always_record_level:
            yield from self._record_level.iter_errors(value)
        for name in dict.fromkeys(place[0] for place in places if place):
            if name not in self._properties or name not in value:
                continue
            part = value[name]
            if name in self._lists and isinstance(part, list):
                rest, item_schema = self._lists[name]
                yield from self.validator.descend(part, rest, path=name, schema_path=name)
                for index in sorted({place[1] for place in places if len(place) > 1 and place[0] == name}):
                    if isinstance(index, int) and index < len(part):
                        for error in self.validator.descend(part[index], item_schema, path=index, schema_path="items"):
                            error.path.appendleft(name)
                            error.schema_path.appendleft(name)
                            yield error
            else:
                yield from self.validator.descend(part, self._properties[name], path=name, schema_path=name)


def _in_jsonschema_terms(error: jsonschema_rs.ValidationError, document: dict[str, Any]) -> ValidationError:
    """An engine error as jsonschema would have written it, for `explain`: with the part of the
    schema whose keyword refused the value (its description says what the value should be)."""
    keyword = error.kind.name
    expected = error.kind.value
    schema = _part(document, list(error.schema_path)[:-1])
    if keyword == "required":
        expected = [expected]  # jsonschema's value is the whole list; the engine names one field
    elif keyword == "additionalProperties" and isinstance(error.instance, dict):
        # `explain` names the fields that are allowed: those the engine did not call unexpected.
        schema = {"properties": {key: True for key in error.instance if key not in expected}}
    return ValidationError(
        error.message,
        validator=keyword,
        validator_value=expected,
        instance=error.instance,
        path=deque(error.instance_path),
        schema=schema,
    )


def _part(document: Any, path: list[Any]) -> dict[str, Any]:
    """The schema at `path` (the engine's schema paths are already resolved: `$defs/...`); an empty
    one where the path leads nowhere."""
    node = document
    for step in path:
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return {}
    return node if isinstance(node, dict) else {}
