"""What a commit or a pull request changed, asked of git: the files to report on when checking
against the whole dataset (`claims validate --changed-since REF`)."""

from __future__ import annotations

import os
import subprocess

from .errors import UsageError


def changed_since(ref: str, where: str | os.PathLike = ".") -> set[str]:
    """The real paths of the files changed since `ref`'s merge base with HEAD (committed, staged
    or not), and the untracked files git does not ignore; deleted files are not among them."""
    root = _git(["rev-parse", "--show-toplevel"], where, "is not inside a git repository").strip()
    base = _git(
        ["merge-base", ref, "HEAD"],
        root,
        f"has no commit in common with {ref!r} (is it fetched? in CI, check out with fetch-depth: 0)",
    ).strip()
    changed = _git(
        ["diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", base, "--"], root, "cannot be compared"
    )
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard"], root, "cannot be listed")
    return {os.path.realpath(os.path.join(root, name)) for name in (changed + untracked).split("\0") if name}


def _git(arguments: list[str], where: str | os.PathLike, failure: str) -> str:
    try:
        done = subprocess.run(["git", *arguments], cwd=where, capture_output=True, check=False)
    except OSError as error:
        raise UsageError(f"--changed-since needs git: {error.strerror or error}") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"{os.fspath(where)} {failure}" + (f" (git: {said[-1]})" if said else ""))
    return os.fsdecode(done.stdout)
