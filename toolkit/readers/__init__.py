"""Finding claim files and reading them into located records, one module per format.

Every reader yields `Record`s and `Problem`s as it goes, so that one broken record, or one broken
file, never hides the rest.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..columns import Kind
from ..errors import UsageError
from ..records import ERROR, Problem, Record
from . import csv, json, jsonl, yaml
from .source import FileProblem, Source

FORMATS = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}

# Files that configure the toolkit rather than hold claims, where the configuration is found: in
# a folder given on the command line (the root of the inputs). In a subfolder they hold claims.
CONFIG_FILES = frozenset({"speakers.yaml", "speakers.yml", "claims.yaml", "claims.yml"})
# The ending of a schema kept beside the claims (`schema: claim.schema.json` in claims.yaml).
SCHEMA_ENDING = ".schema.json"


@dataclass(frozen=True)
class Found:
    """What discovery found: the claim files to read, in a stable order, and what is wrong with
    the paths themselves (a folder without a claim file, a file name that is not UTF-8)."""

    sources: tuple[Source, ...]
    problems: tuple[Problem, ...] = ()


def as_paths(paths: Iterable[str | os.PathLike] | str | os.PathLike) -> list[str]:
    """The paths given, as text: one path given alone (`"claims/"`) is one path, not its letters."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    return [os.fsdecode(p) for p in paths]


def find(paths: Iterable[str | os.PathLike] | str | os.PathLike) -> Found:
    """The claim files under `paths`, and the problems of the paths themselves.

    A file named on the command line is always read. Folders are searched recursively; hidden
    entries, schemas (`*.schema.json`), files of other types and, in the folder given itself, the
    configuration files are passed over. Folders reached through a symbolic link are read too, each real folder once
    (under its own path first, so a link to a folder already read, or a loop, adds nothing); the
    same file named twice is read once. A folder given that holds no claim file is an error: a
    misspelt folder must not look like a dataset without claims.
    """
    walk = _Walk()
    problems: list[Problem] = []
    for given in as_paths(paths):
        if os.path.isdir(given):
            real = os.path.realpath(given)
            if real in walk.folders:
                continue  # given twice, or inside a folder given before: read already
            if not walk.tree(given, real):
                known = ", ".join(sorted(FORMATS))
                problems.append(Problem(_shown(given), 1, 1, "", "no-claims", ERROR,
                                        f"the folder holds no claim file (files ending in {known}); is the path right?"))
        elif os.path.exists(given):
            walk.add(given, given, os.path.realpath(given))
        else:
            raise UsageError(f"{_shown(given)}: no such file or directory")
    for source in walk.sources:
        if not _is_utf8(os.fspath(source.path)):
            problems.append(source.problem(
                "the file name is not UTF-8 (shown here with \\x escapes); rename the file", rule="file-name"))
    return Found(tuple(walk.sources), tuple(problems))


def discover(paths: Iterable[str | os.PathLike] | str | os.PathLike) -> list[Source]:
    """The claim files under `paths`, in a stable order (see `find`)."""
    return list(find(paths).sources)


class _Walk:
    """The files found so far, and the real paths of every folder and file read."""

    def __init__(self) -> None:
        self.sources: list[Source] = []
        self.files: set[str] = set()
        self.folders: set[str] = set()
        self.met = 0  # claim files met, read already or not

    def add(self, path: str, shown: str, real: str) -> None:
        self.met += 1
        if real not in self.files:
            self.files.add(real)
            self.sources.append(Source(Path(path), _shown(shown)))

    def tree(self, given: str, real: str) -> bool:
        """A folder given: its own tree first, then the trees its symbolic links lead to.
        Returns whether it holds any claim file (read now or before)."""
        met = self.met
        links = self.walk(given, given, real, root=True)
        while links:
            shown, on_disk = links.pop(0)
            target = os.path.realpath(on_disk)
            if target not in self.folders and os.path.isdir(target):
                links.extend(self.walk(on_disk, shown, target, root=False))
        return self.met > met

    def walk(self, folder: str, shown: str, real: str, *, root: bool) -> list[tuple[str, str]]:
        """One tree without following links; returns the linked folders met (as shown, on disk).
        Paths are joined as text, once per entry: a tree of 100,000 files is common."""
        links: list[tuple[str, str]] = []
        stack = [(folder, shown, real, root)]
        while stack:
            folder, shown, real, at_root = stack.pop()
            if real in self.folders:
                continue  # reached again through a link
            self.folders.add(real)
            try:
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda entry: entry.name)
            except OSError:
                continue  # an unreadable folder is passed over, as `os.walk` does
            subfolders = []
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                is_link = False
                try:
                    is_link = entry.is_symlink()
                    if entry.is_dir():
                        if is_link:
                            links.append((os.path.join(shown, name), entry.path))
                        else:
                            subfolders.append((entry.path, os.path.join(shown, name), os.path.join(real, name), False))
                        continue
                except OSError:
                    pass  # a broken link: the reader says what is wrong with it
                if (at_root and name in CONFIG_FILES) or name.endswith(SCHEMA_ENDING) \
                        or os.path.splitext(name)[1].lower() not in FORMATS:
                    continue
                where = os.path.realpath(entry.path) if is_link else os.path.join(real, name)
                self.add(entry.path, os.path.join(shown, name), where)
            stack.extend(reversed(subfolders))
        return links


def _is_utf8(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(path: str) -> str:
    """A path as reports show it: bytes of a name that are not UTF-8 as `\\xe9` escapes, so that
    every later stage (the report, the table's `source_file`) holds valid text."""
    if _is_utf8(path):
        return path
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


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
