"""The validation rules, each named once here: the name a problem's `rule` carries, its severity
and one line a curator can act on. `docs/rules.md` is made from this list (`python -m toolkit.docs`),
and a test keeps the list equal to the rules the toolkit can report: none missing, none dead."""

from __future__ import annotations

from dataclasses import dataclass

from .records import ERROR


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: `origin` says who decides it: the file's syntax (`file`), a check of the toolkit
    (`toolkit`), or a keyword of the schema in use (`schema`)."""

    name: str
    severity: str
    origin: str
    summary: str


def _rules(origin: str, *pairs: tuple[str, str]) -> tuple[Rule, ...]:
    return tuple(Rule(name, ERROR, origin, summary) for name, summary in pairs)


RULES: tuple[Rule, ...] = (
    *_rules(
        "file",
        ("syntax", "the file (or the speaker registry) is not well-formed YAML, JSON, JSON Lines or CSV"),
        ("encoding", "the file is not UTF-8 (a byte that is not, UTF-16, a NUL character)"),
        ("empty", "the file, the list or the table holds no claim"),
        ("io", "the file could not be read (permissions, a special file, an error of the disk)"),
        ("unreadable", "a folder or file named could not be read; nothing in it was checked"),
        ("file-name", "the file's name is not UTF-8; rename it"),
        ("file-type", "a file given by name does not end in a claim file's suffix"),
        ("no-claims", "a folder given, or an `include` glob of claims.yaml, holds no claim file"),
        ("too-deep", "values are nested deeper than the readers go"),
        ("yaml-alias", "a YAML alias (`*name`) stands for a value: write the value out"),
        ("yaml-tag", "an explicit YAML tag (`!!binary`, `!!timestamp`, ...) would read another value than the text"),
        ("duplicate-key", "a key is written twice in one object; keep one"),
        ("non-finite-number", "NaN or Infinity where JSON allows only numbers"),
        ("number-too-long", "a number has more digits than a reader takes; write it as text"),
        ("csv-header", "a CSV column has no name, or a name that is a field written otherwise"),
        ("csv-row", "a CSV row has another number of cells than the header"),
    ),
    *_rules(
        "toolkit",
        ("duplicate-id", "two records use one id"),
        ("duplicate-claim", "two records with different ids hold the same claim by the same speaker on the same date"),
        ("future-date", "the claim's date (its period's first day) is after today"),
        ("history-order", "`history` is not oldest first, or starts before the claim's period"),
        ("surrogate", "a text holds a lone surrogate, half of a broken character"),
        ("control-character", "a text holds a control character (line breaks and tabs only in prose fields)"),
        ("bidi-control", "a text holds a bidirectional control, which shows it in another order than stored"),
        ("invisible-text", "a text has no visible character"),
        ("speaker-twice", "speakers.yaml gives one name (or alias) to two speakers"),
        ("too-large", "a whole number does not fit the table's 64 bits (build, export, publish)"),
        ("status-conflict", "repeats of one claim disagree on its status (`build --strict`)"),
    ),
    *_rules(
        "schema",
        ("additionalProperties", "an unknown field (a misspelt one gets a 'did you mean')"),
        ("required", "a required field is missing"),
        ("type", "a value of the wrong kind (text, number, list, mapping); a JSON Lines line not a record"),
        ("enum", "a value not among those allowed (a status not in the vocabulary)"),
        ("const", "a value other than the one allowed"),
        ("pattern", "a text not in the form asked (an id, a date), in the schema's own description"),
        ("format", "a text that is not the format asked (a day, a web address)"),
        ("minLength", "a text shorter than allowed (an empty field)"),
        ("maxLength", "a text longer than allowed"),
        ("minItems", "a list with fewer entries than allowed"),
        ("maxItems", "a list with more entries than allowed"),
        ("uniqueItems", "a list holds one entry twice"),
        ("contains", "a list has no entry (or too few or too many) of the kind asked"),
        ("items", "a list has entries beyond those allowed"),
        ("minimum", "a number below the least allowed"),
        ("maximum", "a number above the most allowed"),
        ("exclusiveMinimum", "a number at or below the bound"),
        ("exclusiveMaximum", "a number at or above the bound"),
        ("multipleOf", "a number that is not a multiple of the step"),
        ("minProperties", "a mapping with fewer fields than allowed"),
        ("maxProperties", "a mapping with more fields than allowed"),
        ("dependentRequired", "a field that needs another field, without it"),
        ("anyOf", "a value that fits none of the forms allowed"),
        ("oneOf", "a value that fits none, or more than one, of the forms allowed"),
        ("not", "a value of a form that is not allowed"),
        ("unevaluatedProperties", "a field no part of the schema allows"),
        ("unevaluatedItems", "a list entry no part of the schema allows"),
        ("falseSchema", "a value where the schema allows none (`false`)"),
    ),
)

BY_NAME: dict[str, Rule] = {rule.name: rule for rule in RULES}
