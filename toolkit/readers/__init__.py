"""Finding claim files and reading them into located records, one module per format.

Every reader yields `Record`s and `Problem`s as it goes, so that one broken record, or one broken
file, never hides the rest.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import UsageError
from ..records import Problem, Record
from . import csv, json, jsonl, yaml
from ..columns import Kind
from .source import FileProblem, Source

FORMATS = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}

# Files in a data repository that configure the toolkit rather than hold claims, and the ending of
# a schema kept beside the claims (`schema: claim.schema.json` in claims.yaml).
CONFIG_FILES = frozenset({"speakers.yaml", "speakers.yml", "claims.yaml", "claims.yml"})
SCHEMA_ENDING = ".schema.json"


def discover(paths: Iterable[str | os.PathLike]) -> list[Source]:
    """The claim files under `paths`, in a stable order; directories are searched recursively.

    A file named on the command line is always read; inside directories, hidden entries, config
    files, schemas (`*.schema.json`) and files of other types are passed over.
    """
    sources: list[Source] = []
    for given in paths:
        given = os.fspath(given)
        path = Path(given)
        if path.is_dir():
            for root, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                # Paths are joined as text, once per folder: a tree of 100,000 files is common.
                inside = os.path.relpath(root, given)
                shown = given if inside == "." else os.path.join(given, inside)
                for name in sorted(files):
                    if name.startswith(".") or name in CONFIG_FILES or name.endswith(SCHEMA_ENDING):
                        continue
                    if os.path.splitext(name)[1].lower() in FORMATS:
                        sources.append(Source(Path(root, name), os.path.join(shown, name)))
        elif path.exists():
            sources.append(Source(path, given))
        else:
            raise UsageError(f"{given}: no such file or directory")
    return sources


def read(source: Source, layout: Kind | None = None) -> Iterator[Record | Problem]:
    """Records and problems of one file, whatever its format; `layout` (the schema's record, see
    `columns`) gives plain YAML and CSV values their kinds."""
    kind = FORMATS.get(source.path.suffix.lower())
    try:
        if kind is None:
            known = ", ".join(sorted(FORMATS))
            yield source.problem(f"unknown file type; claim files end in {known}", rule="file-type")
        elif kind == "csv":
            yield from csv.read(source, layout)
        elif kind == "yaml":
            yield from yaml.read(source, layout)
        else:
            yield from {"json": json.read, "jsonl": jsonl.read}[kind](source)
    except FileProblem as problem:
        yield problem.problem
    except RecursionError:
        yield source.problem("the file is nested too deeply to read", rule="too-deep")
    except OSError as error:
        yield source.problem(f"cannot read the file: {error.strerror or error}", rule="io")
