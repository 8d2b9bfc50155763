"""Where a path from settings or options may lead, and how much of a file is read.

claims.yaml arrives through pull requests and is read in CI beside the publishing token, so the
paths it names (`schema`, `card`, `include`) and the settings files found by searching upward
(claims.yaml, speakers.yaml, dataset-card.md) are untrusted: each must stay inside the repository
(the git work tree holding claims.yaml, else claims.yaml's own folder), once links are followed,
and outside its `.git`. A path typed as an option is the user's own choice and may lie anywhere.

Whatever its origin, a file the toolkit reads as a setting (a schema, a card, a map...) is a
regular file, never a device, a FIFO or a file of /proc or /sys, never inside a `.git` folder,
and it is read with a size bound. An output is never written inside a git folder, onto a special
file, or below a file; a file name the toolkit makes up is one every common file system accepts.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from .errors import PathRefused, UsageError

MB = 1024 * 1024
CONFIG_LIMIT = 1 * MB  # claims.yaml
SCHEMA_LIMIT = 4 * MB  # a claim schema
CARD_LIMIT = 1 * MB  # the desk's card sections
MAP_LIMIT = 4 * MB  # an import map, a rating map
SPEAKERS_LIMIT = 64 * MB  # a speaker registry: tens of thousands of speakers

# Real paths under these hold files that look regular but are the system's (a process's
# environment, kernel settings): never read as settings, never written.
SYSTEM_ROOTS = ("/proc", "/sys", "/dev")


def repository(folder: str | os.PathLike) -> str:
    """The real path of the repository holding `folder`: its git work tree, else the folder itself."""
    from .scope import work_tree

    real = os.path.realpath(folder)
    return work_tree(real) or real


def within(real: str, root: str) -> bool:
    """Whether the real path `real` is `root` or below it."""
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def in_git_folder(path: str | os.PathLike, *, itself: bool = True) -> bool:
    """Whether `path` (once links are followed) is inside a git folder: `.git`, or a bare
    repository (a folder holding HEAD, objects/ and refs/); `itself=False` lets `path` be a bare
    repository (a release store) as long as nothing above it is one."""
    real = Path(os.path.realpath(path))
    if ".git" in real.parts:
        return True
    return any(
        (folder / "HEAD").is_file() and (folder / "objects").is_dir() and (folder / "refs").is_dir()
        for folder in (real, *real.parents)[0 if itself else 1 :]
    )


def _system(real: str) -> bool:
    return any(within(real, root) for root in SYSTEM_ROOTS)


def confine(path: str | os.PathLike, root: str, *, what: str) -> None:
    """Refuse `path` (a setting's, `what` naming it) unless, once links are followed, it is inside
    the repository `root` and outside its `.git`."""
    real = os.path.realpath(path)
    if not within(real, root):
        raise PathRefused(
            f"{what} leads outside the repository ({real} is not under {root}); "
            "settings name files inside the repository"
        )
    if in_git_folder(real):
        raise PathRefused(f"{what} leads into git's own folder ({real}); settings name files of the work tree")


def setting(config: str | os.PathLike, key: str, value: str) -> str:
    """The path `key: value` of claims.yaml names (relative to claims.yaml), refused when it
    leaves the repository (`confine`)."""
    path = os.path.join(os.path.dirname(os.fspath(config)), value)
    confine(path, repository(_folder(config)), what=f"{config}: {key}: {value!r}")
    return path


def _folder(config: str | os.PathLike) -> str:
    return os.path.dirname(os.path.abspath(config))


def include_glob(config: str | os.PathLike, pattern: str) -> None:
    """Refuse an `include` glob of claims.yaml that could reach outside the repository: a `..`
    step anywhere, or fixed folders that lead out through a link."""
    from .scope import static_prefix

    steps = pattern.strip().replace("\\", "/").split("/")
    what = f"{config}: include: {pattern!r}"
    if ".." in steps:
        raise PathRefused(
            f"{what} steps out with '..'; include globs are relative to claims.yaml, inside the repository"
        )
    prefix = static_prefix(pattern)
    if prefix:
        confine(os.path.join(os.path.dirname(os.fspath(config)), prefix), repository(_folder(config)), what=what)


def check_file(path: str | os.PathLike, *, what: str, limit: int) -> os.stat_result:
    """Refuse, before reading, a file that is not a regular file of at most `limit` bytes outside
    system folders and git folders; OSError when it cannot be looked at (missing, no permission)."""
    real = os.path.realpath(path)
    if _system(real):
        raise PathRefused(f"{path}: {what} must be a file of yours, not a file of the system ({real})")
    if in_git_folder(real):
        raise PathRefused(f"{path}: {what} is inside git's own folder ({real}); name a file of the work tree")
    status = os.stat(path)
    _regular(path, status, what=what, limit=limit)
    return status


def _regular(path: str | os.PathLike, status: os.stat_result, *, what: str, limit: int) -> None:
    if stat.S_ISDIR(status.st_mode):
        raise PathRefused(f"{path}: {what} is a folder; name a file")
    if not stat.S_ISREG(status.st_mode):
        raise PathRefused(f"{path}: {what} must be a regular file, not {_kind(status.st_mode)}")
    if status.st_size > limit:
        raise PathRefused(_too_large(path, what, limit))


def _too_large(path: str | os.PathLike, what: str, limit: int) -> str:
    return f"{path}: {what} is larger than {limit // MB} MB, more than such a file ever holds; is it the right file?"


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


def read_file(path: str | os.PathLike, *, what: str, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (see `check_file`): opened without
    blocking (a FIFO put in its place after the check cannot hang the run), checked again once
    open, and never read past the bound. OSError when it cannot be read."""
    check_file(path, what=what, limit=limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as stream:
        _regular(path, os.fstat(stream.fileno()), what=what, limit=limit)
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise PathRefused(_too_large(path, what, limit))
    return data


def read_text(path: str | os.PathLike, *, what: str, limit: int) -> str:
    """`read_file` decoded as UTF-8 (a byte order mark allowed); UnicodeDecodeError otherwise."""
    return read_file(path, what=what, limit=limit).decode("utf-8-sig")


def read_yaml(path: str | os.PathLike, *, what: str, limit: int) -> Any:
    """A settings file's YAML (`read_text`, read as PyYAML reads it, which other tools do too),
    with a key written twice in one mapping a usage error naming both places (PyYAML would keep
    the last, silently). Raises OSError, UnicodeDecodeError or yaml.YAMLError otherwise."""
    try:
        return yaml.load(read_text(path, what=what, limit=limit), Loader=_EachKeyOnce)  # a safe loader
    except _WrittenTwice as error:
        raise UsageError(f"{path}:{error.again.line + 1}:{error.again.column + 1}: {error}") from None


class _WrittenTwice(yaml.YAMLError):
    def __init__(self, key: Any, first: yaml.Mark, again: yaml.Mark) -> None:
        super().__init__(f"the key {key!r} is written twice in one mapping (first at line {first.line + 1}); keep one")
        self.again = again


class _EachKeyOnce(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a mapping that writes a key twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node.start_mark)
            except TypeError:
                continue  # a key that cannot be one: PyYAML says so below
            if first is not key_node.start_mark:
                raise _WrittenTwice(key, first, key_node.start_mark)
        return super().construct_mapping(node, deep)


def check_output(path: str | os.PathLike, *, what: str, folder: bool = False, store: bool = False) -> None:
    """Refuse, before any work, an output (`what` names the option) that would land in a git
    folder, in a system folder, onto a special file, below a file, or (for a `folder` output)
    onto a file; a missing path is fine. A `store` (a release store, itself a bare repository)
    may be a git folder, but not inside one."""
    path = Path(path)
    real = os.path.realpath(path)
    if _system(real):
        raise PathRefused(f"{what} {path}: outputs are never written into {real}")
    if in_git_folder(real, itself=not store):
        raise PathRefused(
            f"{what} {path} is inside a git repository's own folder ({real}); writing there would corrupt "
            "the repository: choose a folder of the work tree or elsewhere"
        )
    existing = next(p for p in (path, *path.absolute().parents) if os.path.lexists(p))
    if existing != path and not existing.is_dir():
        raise PathRefused(f"{what} {path}: {existing} is a file, so nothing can be written inside it")
    if existing == path and path.exists():
        mode = path.stat().st_mode
        if folder and not stat.S_ISDIR(mode):
            raise PathRefused(f"{what} {path} is a file, not a folder; choose a folder")
        if not folder and not stat.S_ISDIR(mode) and not stat.S_ISREG(mode):
            raise PathRefused(f"{what} {path} is {_kind(mode)}, not a file to replace")


# Names Windows reserves for devices, whatever the extension (`aux.yaml` is the device AUX), and
# characters it forbids in names; it also drops a name's final dots and spaces.
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?", re.IGNORECASE)
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def portable_name(name: str) -> bool:
    """Whether every common file system (Windows, macOS, Linux) accepts the file name `name`.

    >>> portable_name("aux.yaml"), portable_name("com1.tar.gz"), portable_name("auxiliary.yaml")
    (False, False, True)
    """
    return (
        bool(name)
        and name not in (".", "..")
        and not _RESERVED.fullmatch(name)
        and not _FORBIDDEN.search(name)
        and not name.endswith((".", " "))
        and len(name.encode("utf-8")) <= 255
    )
