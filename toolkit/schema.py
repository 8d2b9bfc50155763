"""The claim schema: where it lives, checking that it is itself valid, and compiling it once.

The JSON Schema file is the single source of truth for what a record may hold; the CSV layout and
the list of fields are derived from it rather than written again here.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker

from .columns import Columns, Kind, columns_of
from .engine import Engine
from .errors import SchemaError
from .paths import SCHEMA_LIMIT, read_text

SCHEMA_NAME = "claim.schema.json"


def default_schema_path() -> Path:
    """The packaged schema (inside the wheel), or the checkout's `schema/` folder."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "schema" / SCHEMA_NAME, here.parent / "schema" / SCHEMA_NAME):
        if candidate.is_file():
            return candidate
    raise SchemaError(f"the packaged schema {SCHEMA_NAME} is missing; reinstall claims-toolkit")


@dataclass(frozen=True)
class ClaimSchema:
    """A checked schema document and the validators compiled from it."""

    document: dict[str, Any]
    path: Path
    text: str = field(repr=False)

    @cached_property
    def validator(self) -> Draft202012Validator:
        # `format` is asserted, not just annotated: a 30 February is an error.
        return Draft202012Validator(self.document, format_checker=FormatChecker())

    @cached_property
    def engine(self) -> Engine:
        """What decides validity (jsonschema-rs) and what explains it (`validator`)."""
        return Engine(self.document, self.validator)

    @property
    def properties(self) -> dict[str, Any]:
        return self.document.get("properties", {})

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """Follow a local `$ref` (`#/$defs/...`) to the definition it names."""
        while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
            target: Any = self.document
            for step in node["$ref"][2:].split("/"):
                target = target[step]
            node = target
        return node

    @cached_property
    def columns(self) -> Columns:
        """The table's columns and their kinds (see `columns`)."""
        return columns_of(self)

    @property
    def record_kind(self) -> Kind:
        """What the readers give plain YAML and CSV values: the kind at each place of a record."""
        return self.columns.record


def load_schema(path: str | os.PathLike | None = None) -> ClaimSchema:
    """Read and check a schema file; a broken schema is a usage error, found before any record."""
    path = Path(path) if path else default_schema_path()
    try:
        text = read_text(path, what="the schema", limit=SCHEMA_LIMIT)
    except (OSError, UnicodeDecodeError) as error:
        raise SchemaError(f"{path}: cannot read the schema: {error}") from None
    try:
        document = json.loads(text)
    except ValueError as error:
        raise SchemaError(f"{path}: the schema is not valid JSON: {error}") from None
    try:
        Draft202012Validator.check_schema(document)
    except jsonschema.SchemaError as error:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise SchemaError(f"{path}: not a valid JSON Schema at {where}: {error.message}") from None
    if not isinstance(document, dict) or document.get("type") != "object":
        raise SchemaError(f'{path}: a claim schema must describe an object ("type": "object")')
    schema = ClaimSchema(document, path, text)
    try:
        _ = schema.engine  # compiled now: a pattern ECMA-262 cannot read is found before any record
    except ValueError as error:
        raise SchemaError(f"{path}: the schema cannot be compiled: {str(error).splitlines()[0]}") from None
    _ = schema.columns  # a schema the table cannot type is refused here too
    return schema
