"""Finding claim files and reading them into located records, one module per format.

Every reader yields `Record`s and `Problem`s as it goes, so that one broken record, or one broken
file, never hides the rest.
"""

from __future__ import annotations

import os
import posixpath
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import scope
from ..columns import Kind
from ..errors import UsageError
from ..paths import SYSTEM_ROOTS, in_git_folder, within
from ..records import ERROR, Problem, Record
from . import csv, json, jsonl, yaml
from .source import FileProblem, Source

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

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
    """What discovery found: the claim files to read, in a stable order, what is wrong with
    the paths themselves (a folder without a claim file, a file name that is not UTF-8), and how
    many entries each rule of `scope` passed over (for `claims validate -v`)."""

    sources: tuple[Source, ...]
    problems: tuple[Problem, ...] = ()
    skipped: tuple[tuple[str, int], ...] = ()
    real: tuple[str, ...] = ()  # the real path of each source, in the same order


def as_paths(paths: Iterable[str | os.PathLike] | str | os.PathLike) -> list[str]:
    """The paths given, as text: one path given alone (`"claims/"`) is one path, not its letters."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    return [os.fsdecode(p) for p in paths]


def find(
    paths: Iterable[str | os.PathLike] | str | os.PathLike,
    *,
    exclude: Iterable[str] = (),
    rules: scope.Rules | None = None,
) -> Found:
    """The claim files under `paths`, and the problems of the paths themselves.

    A file named on the command line is always read. Folders are searched recursively; hidden
    entries, schemas (`*.schema.json`), files of other types and, in the folder given itself, the
    configuration files are passed over, and so is what `scope` says is not the dataset (`exclude`
    globs of claims.yaml and of `exclude`, relative to the current folder, paths git ignores,
    virtual environments, the toolkit's own outputs). `rules` are what claims.yaml says (none: no
    claims.yaml; `Dataset.rules` gives them): its folder, given, is read as its `include` globs say.
    Folders reached through a symbolic link are read too, each real folder once
    (under its own path first, so a link to a folder already read, or a loop, adds nothing); the
    same file named twice is read once. A folder given that holds no claim file is an error: a
    misspelt folder must not look like a dataset without claims. So is a folder that cannot be read
    (or an entry that cannot be told apart, such as a link that loops): its claims would be left
    out in silence.
    """
    paths = as_paths(paths)
    rules = rules or scope.Rules(os.path.realpath("."))
    base = rules.folder
    walk = _Walk(base, [*rules.exclude, *_from_here(exclude, base)])
    problems: list[Problem] = []
    for given in paths:
        if os.path.isdir(given):
            real = os.path.realpath(given)
            if real in walk.folders:
                continue  # given twice, or inside a folder given before: read already
            if real == base and rules.include and rules.settings_file is not None:
                problems.extend(walk.included(given, rules.include, rules.settings_file))
            elif not walk.tree(given, real) and real not in walk.unreadable:
                known = ", ".join(sorted(FORMATS))
                problems.append(
                    Problem(
                        _shown(given),
                        1,
                        1,
                        "",
                        "no-claims",
                        ERROR,
                        f"the folder holds no claim file (files ending in {known}); is the path right?",
                    )
                )
        elif os.path.exists(given):
            walk.add(given, given, os.path.realpath(given))
        else:
            raise UsageError(f"{_shown(given)}: no such file or directory")
    for shown, why in walk.unreadable.values():
        problems.append(Problem(_shown(shown), 1, 1, "", "unreadable", ERROR, why))
    problems.extend(walk.refused)
    for source in walk.misnamed:
        problems.append(
            source.problem(
                "the file name is not UTF-8 (shown here with \\x escapes); rename the file", rule="file-name"
            )
        )
    return Found(tuple(walk.sources), tuple(problems), tuple(sorted(walk.skipped.items())), tuple(walk.real))


def discover(
    paths: Iterable[str | os.PathLike] | str | os.PathLike,
    *,
    exclude: Iterable[str] = (),
    rules: scope.Rules | None = None,
) -> list[Source]:
    """The claim files under `paths`, in a stable order (see `find`)."""
    return list(find(paths, exclude=exclude, rules=rules).sources)


def _from_here(patterns: Iterable[str], base: str) -> list[str]:
    """`--exclude` globs, relative to the current folder, made relative to claims.yaml's folder
    (the walk matches every path against that one folder)."""
    here = os.path.relpath(os.path.realpath("."), base).replace(os.sep, "/")
    if here == "." or here.startswith(".."):
        return list(patterns)
    return [p if "/" not in p.strip("/") else posixpath.normpath(f"{here}/{p}") for p in patterns]


class _Walk:
    """The files found so far, the real paths of every folder and file read, and what the rules
    of `scope` passed over (counted by rule)."""

    def __init__(self, base: str, exclude: list[str]) -> None:
        self.sources: list[Source] = []
        self.real: list[str] = []
        self.misnamed: list[Source] = []  # file names that are not UTF-8
        self.files: set[str] = set()
        self.folders: set[str] = set()
        self.met = 0  # claim files met, read already or not
        self.base = base  # globs are relative to this real folder
        self.exclude = scope.compile_globs(exclude)
        self.include: GitIgnoreSpec | None = None
        self.ignored: dict[str, frozenset[str]] = {}  # work tree -> the real paths git ignores
        self.skipped: Counter[str] = Counter()
        self.unreadable: dict[str, tuple[str, str]] = {}  # real path -> (as shown, why it is an error)
        self.edge: str | None = None  # the git work tree of the tree walked: links may not leave it
        self.refused: list[Problem] = []  # what a walk met and did not read (see `_refuse`)

    def add(self, path: str, shown: str, real: str) -> None:
        self.met += 1
        if real not in self.files:
            self.files.add(real)
            self.real.append(real)
            source = Source(Path(path), _shown(shown))
            self.sources.append(source)
            if not _is_utf8(path):
                self.misnamed.append(source)

    def included(self, given: str, patterns: tuple[str, ...], config: str) -> list[Problem]:
        """The folder of claims.yaml, as its `include` globs say: each glob's fixed folders are
        walked, and only files the globs match are taken."""
        # `claims/**` or `claims` takes the whole folder walked: no file to match one by one
        whole = all(
            scope.static_prefix(p) and p.strip().strip("/") in (scope.static_prefix(p), scope.static_prefix(p) + "/**")
            for p in patterns
        )
        self.include = None if whole else scope.compile_globs(patterns)
        problems = []
        try:
            for pattern in patterns:
                prefix = scope.static_prefix(pattern)
                on_disk = os.path.join(given, prefix) if prefix else given
                shown = prefix if prefix and given in (".", "./") else on_disk
                real = os.path.realpath(on_disk)
                if os.path.isfile(on_disk):
                    self.add(on_disk, shown, real)
                elif not os.path.isdir(on_disk) or not (real in self.folders or self.tree(on_disk, real, shown)):
                    problems.append(
                        Problem(
                            config,
                            1,
                            1,
                            "",
                            "no-claims",
                            ERROR,
                            f"include: {pattern!r} matches no claim file; is the glob right?",
                        )
                    )
        finally:
            self.include = None
        return problems

    def tree(self, given: str, real: str, shown: str | None = None) -> bool:
        """A folder given: its own tree first, then the trees its symbolic links lead to.
        Returns whether it holds any claim file (read now or before)."""
        met = self.met
        self.edge = scope.work_tree(real)
        links = self.walk(given, given if shown is None else shown, real, root=True)
        while links:
            shown, on_disk = links.pop(0)
            target = os.path.realpath(on_disk)
            if target not in self.folders and os.path.isdir(target) and not self._refuse(shown, target):
                links.extend(self.walk(on_disk, shown, target, root=False))
        return self.met > met

    def _refuse(self, shown: str, real: str, *, regular: bool = True) -> bool:
        """Whether a file or folder met in a walk must not be read, said as a problem: a link
        leading out of the git work tree walked or into a git folder (a pull request can add a
        link to the runner's token file), a file of /proc, /sys or /dev, or one that is not a
        regular file (a FIFO would hang the run)."""
        if self.edge is not None and (not within(real, self.edge) or in_git_folder(real, itself=False)):
            why = f"is a link leading outside the repository ({real}); not read"
        elif any(within(real, root) for root in SYSTEM_ROOTS):
            why = f"is a link to a file of the system ({real}); not read"
        elif not regular:
            why = "is not a regular file (a FIFO, a device or a socket); not read"
        else:
            return False
        self.refused.append(Problem(_shown(shown), 1, 1, "", "io", ERROR, f"the path {why}"))
        return True

    def walk(self, folder: str, shown: str, real: str, *, root: bool) -> list[tuple[str, str]]:
        """One tree without following links; returns the linked folders met (as shown, on disk).
        Paths are joined as text, once per entry: a tree of 100,000 files is common."""
        links: list[tuple[str, str]] = []
        ignored = self.git_ignored(real)
        stack = [(folder, shown, real, root)]
        while stack:
            folder, shown, real, at_root = stack.pop()
            if real in self.folders:
                continue  # reached again through a link
            self.folders.add(real)
            try:
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda entry: entry.name)
            except OSError as error:  # never passed over in silence: its claims would be left out
                self.unreadable[real] = (shown, FOLDER_UNREADABLE.format(why=error.strerror or error))
                continue
            names = {entry.name for entry in entries}
            if not at_root and (names & _NOT_CLAIMS):
                self.skipped["build folder" if scope.BUILD_MARKER in names else "virtual environment"] += 1
                continue
            exported = scope.exported_files(folder) if scope.EXPORT_MARKER in names else frozenset()
            subfolders = []
            # Paths joined as text, once per entry (`os.path.join` twice per file cost a fifth of the walk).
            shown_in = shown if shown.endswith(os.sep) else shown + os.sep
            real_in = real if real.endswith(os.sep) else real + os.sep
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                is_link = False
                where = real_in + name
                try:
                    is_link = entry.is_symlink()
                    if entry.is_dir():
                        if name in scope.PACKAGE_FOLDERS:
                            self.skipped["virtual environment"] += 1
                        elif where in ignored:
                            self.skipped["git-ignored path"] += 1
                        elif self.excluded(where, folder=True):
                            self.skipped["excluded path"] += 1
                        elif is_link:
                            links.append((shown_in + name, entry.path))
                        else:
                            subfolders.append((entry.path, shown_in + name, where, False))
                        continue
                except OSError as error:  # a link that loops, an entry we may not look at
                    if os.path.splitext(name)[1].lower() not in FORMATS and not self.passed_over(where):
                        self.unreadable[where] = (shown_in + name, ENTRY_UNREADABLE.format(why=error.strerror or error))
                        continue  # a claim file's name goes on: its reader says what is wrong with it
                if (
                    (at_root and name in CONFIG_FILES)
                    or name.endswith(SCHEMA_ENDING)
                    or os.path.splitext(name)[1].lower() not in FORMATS
                ):
                    if is_link and not os.path.exists(entry.path) and not self.passed_over(where):
                        self.unreadable[where] = (
                            shown_in + name,
                            ENTRY_UNREADABLE.format(why="the link leads nowhere"),
                        )
                    continue
                if name in exported:
                    self.skipped["exported file"] += 1
                    continue
                if where in ignored:
                    self.skipped["git-ignored path"] += 1
                    continue
                if self.excluded(where, folder=False):
                    self.skipped["excluded path"] += 1
                    continue
                target = os.path.realpath(entry.path) if is_link else where
                if (is_link or not entry.is_file()) and os.path.exists(entry.path):
                    if self._refuse(shown_in + name, target, regular=os.path.isfile(entry.path)):
                        continue
                self.add(entry.path, shown_in + name, target)
            stack.extend(reversed(subfolders))
        return links

    def passed_over(self, real: str) -> bool:
        """Whether the rules pass over an entry whatever it is (git ignores it, a glob excludes it)."""
        ignored = self.ignored.get(scope.work_tree(real) or "", frozenset())
        return real in ignored or self.excluded(real, folder=True) or self.excluded(real, folder=False)

    def excluded(self, real: str, *, folder: bool) -> bool:
        """Whether an `exclude` glob matches the path, or an `include` glob in force does not."""
        if self.exclude is None and self.include is None:
            return False
        relative = real[len(self.base) + 1 :] if real.startswith(self.base + os.sep) else os.path.basename(real)
        relative = relative.replace(os.sep, "/") + ("/" if folder else "")
        if self.exclude is not None and self.exclude.match_file(relative):
            return True
        return not folder and self.include is not None and not self.include.match_file(relative)

    def git_ignored(self, real: str) -> frozenset[str]:
        """What git ignores in the work tree holding `real`, asked once per tree."""
        root = scope.work_tree(real)
        if root is None:
            return frozenset()
        if root not in self.ignored:
            self.ignored[root] = scope.git_ignored(root, root) or frozenset()
        return self.ignored[root]


_NOT_CLAIMS = frozenset({scope.BUILD_MARKER, scope.VENV_MARKER})
FOLDER_UNREADABLE = (
    "the folder cannot be read ({why}): its claim files would be left out of every check, build and "
    "publish; make it readable, or exclude it in claims.yaml"
)
ENTRY_UNREADABLE = (
    "cannot tell what this is ({why}): a folder of claims behind it would be left out of every check, "
    "build and publish; fix or remove it, or exclude it in claims.yaml"
)


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
