"""Where a command may write: only where it was asked, and never over what it did not write.

`claims build` writes a folder and leaves in it a marker, `.claims-build`, naming every file it
wrote with its SHA-256. A later build writes into a folder that is missing, empty or marked; it
replaces or deletes only files the marker names and that still hold what the build wrote (a file
edited or restored since is someone's work). `--force` lets a build write into any folder, but it
still deletes nothing the marker does not vouch for.

`claims export` and `claims import` write one file: never one of the run's own inputs (a claim file
under the paths read, the speaker registry, the schema), not even with `--force`, which would
destroy the input; any other existing file only with `--force`. Export lists the file it wrote
in `.claims-exports` beside it, which discovery reads to pass the file over.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .errors import OutputRefused
from .files import write_text
from .paths import check_output
from .scope import BUILD_MARKER, EXPORT_MARKER, exported_files

if TYPE_CHECKING:
    from .dataset import Dataset

_SHOWN = 5  # foreign files named in a refusal; the rest are counted


def check_build_folder(out: str | os.PathLike, *, force: bool = False) -> None:
    """Refuse, before any work, a folder `build` may not write into: a file, a place `paths`
    refuses, a folder holding files that no build wrote (unless `force`), and, even with `force`,
    one holding claim files that no build wrote: the marker would make every later run pass
    them over, so they would silently drop out of the dataset."""
    out = Path(out)
    check_output(out, what="--out", folder=True)
    if out.exists() and not out.is_dir():
        raise OutputRefused(f"{out} is a file, not a folder; choose a folder for --out")
    if _marker(out) is not None or not _entries(out):
        return
    if not force:
        raise OutputRefused(_refusal(out, sorted(_entries(out)), "is not empty and no build wrote it"))
    claims = [] if _dataset_root(out) else _claim_files(out)
    if claims:
        raise OutputRefused(
            _refusal(out, claims, "holds claim files that no build wrote", forced=False)
            + "; a build folder is passed over when the dataset is read, so they would drop out of it"
        )


def _dataset_root(folder: Path) -> bool:
    """A folder holding claims.yaml or the root of a git work tree: read as given (its marker
    passes nothing over), never as a folder met in a walk."""
    from .config import CONFIG_NAMES

    return (folder / ".git").exists() or any((folder / name).is_file() for name in CONFIG_NAMES)


def _claim_files(out: Path) -> list[str]:
    """The files under `out` that discovery would read as claims (by their names), as paths
    relative to it."""
    from .readers import CONFIG_FILES, FORMATS, SCHEMA_ENDING

    found = []
    for folder, subfolders, files in os.walk(out):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        at_root = Path(folder) == out
        for name in sorted(files):
            if name.startswith(".") or name.endswith(SCHEMA_ENDING) or (at_root and name in CONFIG_FILES):
                continue
            if os.path.splitext(name)[1].lower() in FORMATS:
                found.append(Path(folder, name).relative_to(out).as_posix())
    return found


@contextmanager
def build_folder(
    out: str | os.PathLike,
    names: Iterable[str],
    *,
    force: bool = False,
    mark: bool = True,
    dataset: Dataset | None = None,
) -> Iterator[Path]:
    """Own `out` while the block writes `names` (paths relative to it, with `/`) into it.

    Before the block: refuse what `check_build_folder` refuses, files among `names` that are one
    of the inputs or settings of `dataset` (see `check_file_output`), even with `force`, and other files among them that exist but are not the build's (unless `force`); then mark the folder with both the old and the new
    names, so that a build killed halfway leaves a folder the next build may still write. After
    it: remove the files an earlier build wrote that this one did not, and mark the new names.
    `mark=False` (a private staging folder) writes no marker, so nothing can be deleted either.
    """
    out = Path(out)
    names = sorted(set(names))
    check_build_folder(out, force=force)
    owned = _owned(out)
    foreign = [name for name in names if (out / name).exists() and name not in owned]
    for name in foreign:
        _never_an_input(out / name, (), (), dataset)
    if foreign and not force:
        raise OutputRefused(_refusal(out, foreign, "holds files this build would replace but no build wrote"))
    if mark:
        _write_marker(out, {**owned, **dict.fromkeys(names)})
    yield out
    if not mark:
        return
    for stale in sorted(set(owned) - set(names)):
        (out / stale).unlink(missing_ok=True)
    _write_marker(out, {name: _digest(out / name) for name in names})


def left_beside(out: str | os.PathLike, names: Iterable[str]) -> list[str]:
    """Files in the subfolders a build wrote into (`data/`) that it did not write: a loader reading
    `data/*.parquet` reads them too, so the build names them (it never deletes them)."""
    out = Path(out)
    names = set(names)
    folders = {PurePosixPath(name).parent for name in names} - {PurePosixPath(".")}
    found = (
        f"{folder}/{entry.name}"
        for folder in folders
        for entry in _scan(out / folder)
        if entry.is_file() and not entry.name.startswith(".")
    )
    return sorted(name for name in found if name not in names)


def _scan(folder: Path) -> list[os.DirEntry]:
    try:
        return list(os.scandir(folder))
    except FileNotFoundError:
        return []


def _owned(out: Path) -> dict[str, str | None]:
    """The files of `out` that a build wrote and that still hold what it wrote (None: a build was
    writing it when it stopped)."""
    listed = _marker(out) or {}
    owned = {}
    for name, digest in listed.items():
        path = out / name
        if path.is_file() and not path.is_symlink() and (digest is None or _digest(path) == digest):
            owned[name] = digest
    return owned


def _marker(out: Path) -> dict[str, str | None] | None:
    """The marker's files, or None when `out` has no marker a build wrote (a broken or hand-made
    one counts as none: it vouches for nothing)."""
    try:
        files = json.loads((out / BUILD_MARKER).read_text(encoding="utf-8"))["files"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(files, dict):
        return None
    return {
        name: digest for name, digest in files.items() if _inside(name) and (digest is None or isinstance(digest, str))
    }


def _inside(name: str) -> bool:
    """A relative path that stays inside the folder (a marker never sends a delete elsewhere)."""
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def _write_marker(out: Path, files: dict[str, str | None]) -> None:
    document = {"written by": "claims build", "files": dict(sorted(files.items()))}
    write_text(out / BUILD_MARKER, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _entries(out: Path) -> list[str]:
    return [entry.name for entry in _scan(out)]


def _refusal(out: Path, names: list[str], why: str, *, forced: bool = True) -> str:
    shown = ", ".join(names[:_SHOWN]) + (f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else "")
    if not forced:
        return (
            f"{out} {why} ({shown}): nothing was written, not even with --force; choose a new or empty folder for --out"
        )
    return (
        f"{out} {why} ({shown}): nothing was written; choose a new or empty folder for --out, "
        f"or pass --force to write beside them (files no build wrote are never deleted)"
    )


def check_file_output(
    out: str | os.PathLike,
    *,
    inputs: Iterable[str | os.PathLike] = (),
    also_read: Iterable[str | os.PathLike | None] = (),
    dataset: Dataset | None = None,
    force: bool = False,
    what: str = "--out",
) -> None:
    """Refuse what `paths.check_output` refuses; refuse to replace one of the run's inputs or
    settings, ever (see `_never_an_input`); and any other existing file unless `force`. `what`
    names the option in messages."""
    out = Path(out)
    check_output(out, what=what)
    if not out.is_file():
        return  # nothing to lose; a folder or an unwritable place is the writer's error to give
    _never_an_input(out, inputs, also_read, dataset, what=what)
    if not force:
        raise OutputRefused(f"{out} already exists: pass --force to replace it, or choose another {what}")


def _never_an_input(
    out: Path,
    inputs: Iterable[str | os.PathLike],
    also_read: Iterable[str | os.PathLike | None],
    dataset: Dataset | None,
    *,
    what: str = "--out",
) -> None:
    """Refuse `out` when it is one of the run's inputs: a file in `inputs` (or a claim file in a
    folder of it) or in `also_read` (a map, a ratings file), a claim file of `dataset`, or a
    setting of `dataset` or of the dataset where `out` is (claims.yaml, the schema, the card, the
    speaker registry). `--force` never replaces these."""
    target = _identity(out)
    if target is None:
        return
    for path in _run_inputs(inputs, also_read, dataset, out):
        if _identity(path) == target:
            raise OutputRefused(
                f"{out} is one of this run's inputs or settings ({path}); it is never replaced, "
                f"not even with --force: choose another {what}"
            )


def _run_inputs(
    inputs: Iterable[str | os.PathLike],
    also_read: Iterable[str | os.PathLike | None],
    dataset: Dataset | None,
    out: Path,
) -> Iterator[Path]:
    from .dataset import Dataset

    named = [*inputs, *also_read, *(dataset.paths if dataset is not None else ())]
    yield from (Path(p) for p in named if p is not None and Path(p).is_file())
    folders = [os.fspath(p) for p in inputs if Path(p).is_dir()]
    if folders:  # every file discovery could take there (claims.yaml's globs aside: more is safer)
        from .readers import discover

        yield from (source.path for source in discover(folders))
    if dataset is not None:
        yield from (source.path for source in dataset.sources)
    for settings in (dataset, Dataset.open([out.parent])):  # the run's, and those of where `out` is
        if settings is not None:
            yield from settings.settings_files()
            if settings.config.card is not None and Path(settings.config.card).is_file():
                yield Path(settings.config.card)


def _identity(path: Path) -> tuple[int, int] | None:
    """The same file whatever the path to it (a link, `..`, other capitals on some systems)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


def mark_export(out: str | os.PathLike) -> None:
    """Name `out` in the export marker of its folder (kept with the names already there whose
    files still exist)."""
    out = Path(out)
    names = {name for name in exported_files(out.parent) if (out.parent / name).is_file()} | {out.name}
    document = {"written by": "claims export", "files": sorted(names)}
    write_text(out.parent / EXPORT_MARKER, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
