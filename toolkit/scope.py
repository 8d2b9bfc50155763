"""Which files of a repository are its dataset: the rules discovery follows besides file types.

A walk passes over what is not the desk's claims, so that `claims validate` with no path, in the
repository, reads what a person would call the dataset:

- `include` and `exclude` globs of claims.yaml (relative to it) and `--exclude` globs (relative
  to the current folder), read as .gitignore reads them: `*` is any text within a name, `**` any
  number of folders, a pattern without `/` matches a name at any depth, one that starts with `/`
  only from the folder, a pattern that matches a folder takes everything in it, and a later
  `!pattern` takes back what it matches;
- paths git ignores (`.gitignore`, `.git/info/exclude`, the global excludes file), asked of git
  once per repository, inside a git work tree only; a tracked file is never ignored;
- virtual environments and packages: a folder holding `pyvenv.cfg`, and folders named
  `site-packages` or `node_modules`;
- what the toolkit wrote: a folder holding the build marker (`BUILD_MARKER`) and the files that
  `claims export` lists in the marker it leaves beside them (`EXPORT_MARKER`); `outputs` writes
  the markers, discovery reads them.

A file named on the command line is read whatever these rules say of it; a folder named is walked
whatever they say of the folder itself, and inside it they apply to what it holds.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UsageError

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

VENV_MARKER = "pyvenv.cfg"
PACKAGE_FOLDERS = frozenset({"site-packages", "node_modules", "__pycache__"})
# `claims build` leaves this in the folder it wrote (naming the files, see `outputs`).
BUILD_MARKER = ".claims-build"
# `claims export` leaves this beside the files it wrote, naming them, so that discovery never
# reads an export back as claims (a CSV export in the repository root looks like claims).
EXPORT_MARKER = ".claims-exports"


@dataclass(frozen=True)
class Rules:
    """What claims.yaml says of which files are claims: `include` and `exclude` globs, relative
    to `folder` (a real path: claims.yaml's folder, else the current folder), written in
    `settings_file` (None: no claims.yaml)."""

    folder: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    settings_file: str | None = None


def exported_files(folder: str | os.PathLike) -> frozenset[str]:
    """The names of the files `claims export` wrote in `folder` (none, if its marker is missing
    or broken: then the files are read as claims, which shows them rather than hides them)."""
    try:
        files = json.loads((Path(folder) / EXPORT_MARKER).read_text(encoding="utf-8"))["files"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return frozenset()
    return (
        frozenset(name for name in files if isinstance(name, str) and "/" not in name)
        if isinstance(files, list)
        else frozenset()
    )


def compile_globs(patterns: Iterable[str]) -> GitIgnoreSpec | None:
    """What matches a path (with `/`, relative to the patterns' folder; a folder's ends with `/`)
    that `patterns` match, read as git reads a .gitignore (pathspec's `GitIgnoreSpec`); None for
    no pattern. pathspec is imported only when a glob is given."""
    lines = [_plain(pattern) for pattern in patterns if pattern.strip("/ ")]
    if not lines:
        return None
    from pathspec import GitIgnoreSpec

    for line in lines:
        try:
            GitIgnoreSpec.from_lines([line])
        except (re.error, ValueError) as error:  # a character class no regular expression can hold: `[z-a]`
            raise UsageError(f"the glob {line!r} cannot be read: {error}") from None
    return GitIgnoreSpec.from_lines(lines)


def _plain(pattern: str) -> str:
    """A glob as typed on any system (`\\` between folders, a leading `./`) as git reads it."""
    pattern = pattern.strip().replace("\\", "/")
    while pattern.startswith("./"):
        pattern = pattern[2:]
    return pattern


def static_prefix(pattern: str) -> str:
    """The folders of an `include` glob before its first wildcard (`claims/**` -> `claims`)."""
    segments = pattern.strip().replace("\\", "/").strip("/").split("/")
    fixed = []
    for segment in segments:
        if any(char in segment for char in "*?["):
            break
        fixed.append(segment)
    return "/".join(s for s in fixed if s not in ("", "."))


def work_tree(path: str) -> str | None:
    """The root of the git work tree holding `path` (a real path), found as git finds it."""
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def git_ignored(root: str, under: str) -> frozenset[str] | None:
    """The real paths git ignores under `under` (a real path inside the work tree `root`): files,
    and folders whose whole content is ignored (listed once, not file by file). One call to git;
    None when git cannot answer (not installed, not a repository it trusts)."""
    relative = os.path.relpath(under, root)
    command = ["git", "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory"]
    try:
        listed = subprocess.run(
            [*command, "--", "." if relative == "." else relative],
            cwd=root,
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return frozenset(os.path.join(root, os.fsdecode(name).rstrip("/")) for name in listed.split(b"\0") if name)
