"""Atomic writes: a file is written next to its target and renamed over it, so a reader (or a
crash) sees the old file or the new one, never half of one.

A file that exists keeps what makes it that file: a symbolic link is written through (its target
is replaced, the link stays), the file's mode is kept (a 0600 file stays private), and a file that is
read-only, or has other hard links (which a rename would split from it), is refused with the reason
(`WriteRefused`): nothing is written.

The temporary file is named `.TARGET.claims-tmp-PID-RANDOM.tmp`. A run that is killed cannot remove
it, so the next write to the same target removes those whose process is gone, and nothing else:
only that target's names, only this pattern, never a live writer's file.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO, cast

if TYPE_CHECKING:
    import polars as pl

TEMPORARY_MARK = ".claims-tmp-"
ROW_GROUP_ROWS = 50_000  # of a Parquet file the toolkit writes
_OWNER = re.compile(r"(\d+)-[a-z0-9_]+\.tmp")  # what follows the prefix: the writer's pid, mkstemp's letters


class WriteRefused(OSError):
    """A file the atomic writer will not replace (read-only, or hard-linked); `strerror` says why."""

    def __init__(self, code: int, why: str, target: Path):
        super().__init__(code, why, os.fspath(target))


@contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """A temporary path to write to; renamed onto `target` (onto its real file, for a symbolic
    link) only if the block succeeds, with the mode the file had."""
    target = Path(os.path.realpath(target)) if os.path.islink(target) else Path(target)
    mode = _mode_kept(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(target)
    handle, name = tempfile.mkstemp(prefix=f"{_prefix(target)}{os.getpid()}-", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    os.chmod(temporary, 0o666 & ~_umask() if mode is None else mode)
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _mode_kept(target: Path) -> int | None:
    """The mode of the file `target` replaces (None when there is none); refuses a file that is
    read-only (its owner made it so on purpose) or that has other hard links."""
    try:
        status = target.stat()
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None  # a folder or a device: the rename says what is wrong
    mode = stat.S_IMODE(status.st_mode)
    if not mode & stat.S_IWUSR or not os.access(target, os.W_OK):
        raise WriteRefused(errno.EACCES, f"the file is read-only (mode {mode:04o}); make it writable first", target)
    if status.st_nlink > 1:
        raise WriteRefused(
            errno.EMLINK,
            f"the file has {status.st_nlink} hard links, which replacing it would split; "
            "make it a file of its own (or a symbolic link) first",
            target,
        )
    return mode


def _prefix(target: Path) -> str:
    return f".{target.name}{TEMPORARY_MARK}"


def remove_abandoned(target: str | os.PathLike) -> list[Path]:
    """Remove the temporary files that killed writes of `target` left beside it; returns them."""
    target = Path(target)
    prefix = _prefix(target)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        owner = _OWNER.fullmatch(entry.name[len(prefix) :]) if entry.name.startswith(prefix) else None
        if owner and not _running(int(owner.group(1))) and entry.is_file(follow_symlinks=False):
            Path(entry.path).unlink(missing_ok=True)
            removed.append(Path(entry.path))
    return removed


def _running(pid: int) -> bool:
    """Whether a process `pid` exists (one of another user's counts: it is not ours to judge).
    On Windows signal 0 would interrupt the process, so every writer counts as running there."""
    if pid == os.getpid() or os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(target: str | os.PathLike, data: bytes) -> None:
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)


def write_text(target: str | os.PathLike, text: str) -> None:
    write_bytes(target, text.encode("utf-8"))


def identities(path: Path) -> set[str]:
    """The names a file's content goes by: its git blob id and its sha256 (LFS files are known by
    the latter on the Hub), so a file can be recognised as unchanged on either kind of target."""
    data = path.read_bytes()
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    return {f"git:{blob}", f"sha256:{hashlib.sha256(data).hexdigest()}"}


def write_parquet(table: pl.DataFrame, target: str | os.PathLike) -> None:
    """A table as Parquet, atomically, with fixed settings, so equal tables give equal bytes (the
    build's shards, an export). Written through `_Kept`, so that a failed write (a full disk) is
    raised as the OSError it is, not as Polars' ComputeError."""
    import polars as pl

    try:
        with atomic_path(target) as temporary, open(temporary, "wb") as stream:
            kept = _Kept(stream)
            try:
                table.write_parquet(
                    cast(IO[bytes], kept),  # the part of a file Polars uses: write, flush, tell
                    compression="zstd",
                    compression_level=9,
                    statistics=True,
                    row_group_size=ROW_GROUP_ROWS,
                )
            except pl.exceptions.PolarsError:
                if kept.error is None:
                    raise
                raise kept.error from None
    except OSError as error:
        if error.filename == os.fspath(target):
            raise  # named already
        raise WriteFailed(error.errno, error.strerror or str(error), os.fspath(target)) from error


class WriteFailed(OSError):
    """A write that did not happen (a full disk): the target is as it was, and the error names
    the target, not the temporary file."""


class _Kept:
    """A file Polars writes into that keeps the OSError of a failed write: Polars turns it into a
    ComputeError whose text varies ("(os error 28)", "transport error"), losing what went wrong."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        try:
            return self.stream.write(data)
        except OSError as error:
            self.error = error
            raise

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as error:
            self.error = error
            raise

    def tell(self) -> int:
        return self.stream.tell()
