"""Turning JSON Schema errors into messages a curator understands without knowing JSON Schema,
placed at the value (or, for an unknown field, the key) that is wrong."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from jsonschema import ValidationError

from .claim_rules import unknown_field_hint
from .dates import day_written_right, year_last
from .records import Problem, Record, pointer_join

_TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a mapping of fields",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}


# jsonschema names no keyword for a `false` schema (`"then": false`); jsonschema-rs calls it this.
FALSE_SCHEMA = "falseSchema"

_DAY_SHAPE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@lru_cache(maxsize=1024)
def closest(word: str, choices: tuple[str, ...], cutoff: float) -> str | None:
    """The choice most like `word`, if any is like enough. Remembered: difflib takes about 0.1 ms
    and the same slips (`speakr`, `half true`) come back in file after file."""
    guess = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    return guess[0] if guess else None


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}" if len(value) <= 60 else f"a text of {len(value)} characters"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return "a mapping of fields"


def field_name(pointer: str) -> str:
    """The last named step of a pointer: `/sources/0/url` -> `url`; the record itself -> `record`."""
    steps = [s for s in pointer.split("/")[1:] if not s.isdigit()]
    return steps[-1].replace("~1", "/").replace("~0", "~") if steps else "record"


def problems_for(record: Record, error: ValidationError) -> Iterator[Problem]:
    """One or more located problems for one schema error."""
    pointer = "".join(pointer_join("", step) for step in error.absolute_path)
    keyword = error.validator or FALSE_SCHEMA
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        for key in error.instance:
            if key in allowed:
                continue
            guess = closest(key, tuple(allowed), 0.6)
            hint = f"; did you mean {guess!r}?" if guess else f"; known fields: {', '.join(allowed)}"
            if older := unknown_field_hint(key, pointer):
                hint = f": {older}"
            yield record.problem(pointer_join(pointer, key), keyword, f"unknown field {key!r}{hint}", key=True)
        return
    if keyword == "format" and _pattern_fails(error):
        return  # the value does not even look right: its `pattern` error says all (one problem a value)
    yield record.problem(pointer, keyword, message(error, pointer))


def _pattern_fails(error: ValidationError) -> bool:
    """Whether the value of a `format` error breaks the `pattern` beside it, which is reported."""
    pattern = error.schema.get("pattern") if isinstance(error.schema, dict) else None
    try:
        return (
            isinstance(pattern, str) and isinstance(error.instance, str) and re.search(pattern, error.instance) is None
        )
    except re.error:
        return False


def _hint(schema: Any, pattern: Any) -> str:
    """What a value should look like, in the schema's own words: the `description` of the part of
    the schema whose `pattern` refused it (the schema is the one source of such facts)."""
    description = schema.get("description") if isinstance(schema, dict) else None
    if not isinstance(description, str) or not description:
        return f"it must match the pattern {pattern}"
    return description[0].lower() + description[1:].rstrip(".")


def message(error: ValidationError, pointer: str) -> str:
    name = field_name(pointer)
    value = error.instance
    keyword = error.validator or FALSE_SCHEMA
    expected = error.validator_value
    if keyword == FALSE_SCHEMA:
        return f"the schema allows no value here ({'this record' if not pointer else repr(name)} is refused by `false`)"
    if keyword == "required":
        missing = [key for key in expected if not isinstance(value, dict) or key not in value]
        fields = ", ".join(repr(key) for key in missing)
        where = "this record" if not pointer else f"this {name} entry"
        return f"{where} is missing the required field{'s' if len(missing) > 1 else ''} {fields}"
    if keyword == "type":
        wanted: list[str] = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in wanted)
        last = pointer.rsplit("/", 1)[-1]
        subject = "a record" if not pointer else f"each entry of {name!r}" if last.isdigit() else repr(name)
        return f"{subject} must be {words}, not {describe(value)}"
    if keyword == "minLength":
        if expected == 1:
            return f"{name!r} must not be empty"
        return f"{name!r} must be at least {expected} characters long; it has {len(value)}"
    if keyword == "maxLength":
        return f"{name!r} must be at most {expected} characters long; it has {len(value)}"
    if keyword == "pattern":
        if pointer == "/date" and isinstance(value, str) and _DAY_SHAPE.match(value):
            # The claim's date: its pattern spells out the calendar (see schema 2's claim_date).
            return f"{value!r} is not a real calendar date"
        day = day_written_right(value) if name == "date" else None
        if day is not None:
            return f"{value!r} is not a valid date: write it as {day} (YYYY-MM-DD, with zeros)"
        month_first, day_first = year_last(value) if name == "date" else (None, None)
        if month_first and day_first and month_first != day_first:
            return (
                f"{value!r} is not a valid date: write it YYYY-MM-DD, {month_first} if the month comes first, "
                f"{day_first} if the day does"
            )
        if month_first or day_first:
            return f"{value!r} is not a valid date: write it as {month_first or day_first} (YYYY-MM-DD)"
        return f"{value!r} is not a valid {name}: {_hint(error.schema, expected)}"
    if keyword == "format":
        if expected == "date":
            return f"{value!r} is not a real calendar date"
        if expected == "uri":
            return f"{value!r} is not a valid web address"
        return f"{value!r} is not a valid {expected}"
    if keyword == "enum":
        choices = [str(c) for c in expected]
        same_letters = [c for c in choices if isinstance(value, str) and c.casefold() == value.strip().casefold()]
        guess = same_letters[0] if same_letters else closest(str(value), tuple(choices), 0.5)
        hint = f"; did you mean {guess!r}?" if guess else ""
        return f"{describe(value)} is not a {name}; use one of: {', '.join(choices)}{hint}"
    if keyword == "minItems":
        if expected == 1:
            return f"{name!r} needs at least one entry"
        return f"{name!r} needs at least {expected} entries; it has {len(value)}"
    if keyword == "maxItems":
        return f"{name!r} may hold at most {expected} entries; it has {len(value)}"
    if keyword == "uniqueItems":
        seen, repeated = set(), []
        for item in value:
            key = repr(item)
            if key in seen:
                repeated.append(item)
            seen.add(key)
        return f"{name!r} repeats {', '.join(repr(r) for r in repeated)}; list each value once"
    return f"{name!r}: {error.message}"
