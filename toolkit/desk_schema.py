"""The desk's copy of the toolkit's claim schema: `claims init` puts it in the repository
(`schema/claim.schema.json`, named by `schema:` in claims.yaml), so that editors find it by a
relative path and every command uses the same file; `claims schema --write` (and `claims
migrate`) bring it in step when the toolkit's schema changes.

A copy is the toolkit's while its `$id` is under the toolkit's schema address; a desk that makes
the schema its own gives it its own `$id`, and it is then never replaced without `force`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import OutputRefused
from .files import write_text
from .schema import default_schema_path

DESK_SCHEMA = "schema/claim.schema.json"  # where `claims init` puts it, relative to claims.yaml


def packaged_text() -> str:
    return default_schema_path().read_text(encoding="utf-8")


def _toolkit_address() -> str:
    """The part of the packaged schema's `$id` every version of the toolkit's schema shares."""
    identifier = json.loads(packaged_text()).get("$id", "")
    return identifier[: identifier.rindex("/schema/") + len("/schema/")] if "/schema/" in identifier else identifier


def is_toolkits(path: str | os.PathLike) -> bool:
    """Whether the schema file at `path` is a copy of (some version of) the toolkit's schema."""
    try:
        identifier = json.loads(Path(path).read_text(encoding="utf-8")).get("$id", "")
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return False
    return isinstance(identifier, str) and bool(_toolkit_address()) and identifier.startswith(_toolkit_address())


def in_step(path: str | os.PathLike) -> bool:
    """Whether the file at `path` holds the installed toolkit's schema, byte for byte."""
    try:
        return Path(path).read_text(encoding="utf-8") == packaged_text()
    except (OSError, UnicodeDecodeError):
        return False


def write_schema(path: str | os.PathLike, *, force: bool = False) -> str:
    """Put the installed toolkit's schema at `path`; says what was done: `written` (new), `in step`
    (nothing to do) or `updated` (an older copy of the toolkit's replaced). A schema of the desk's
    own (its own `$id`) is replaced only with `force`."""
    path = Path(path)
    if in_step(path):
        return "in step"
    existed = path.exists()
    if existed and not force and not is_toolkits(path):
        raise OutputRefused(
            f"{path} is not the toolkit's schema (its $id is not under {_toolkit_address()}): a schema of "
            "your own is never replaced; pass --force to replace it with the toolkit's"
        )
    write_text(path, packaged_text())
    return "updated" if existed else "written"
