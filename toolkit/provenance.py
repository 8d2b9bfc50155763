"""Where a version comes from: the desk's commit, whether its work tree was clean, and the day it
was released. Written into the card, `changes.json`, the changelog entry and the tag's message, so
that any published version can be traced back to the files that made it.

The day makes each version's files differ; whether there is anything to publish is decided by
the data and the schema alone (see `publish`), never by these.
"""

from __future__ import annotations

import datetime
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass

from .scope import work_tree


@dataclass(frozen=True)
class Origin:
    date: str  # the release day, YYYY-MM-DD (UTC)
    commit: str | None = None  # the desk's commit (HEAD); None outside a git repository
    clean: bool | None = None  # no uncommitted change and no untracked file in the work tree
    unsaved: tuple[str, ...] = ()  # claim files of this version that are uncommitted or untracked

    def describe(self) -> str:
        """`commit 1a2b3c4 (clean)`, as the changelog and the tag's message say it."""
        if self.commit is None:
            return "no git commit (not in a git repository)" if self.clean is None else "no git commit yet"
        return f"commit {self.commit[:12]} ({'clean' if self.clean else 'with uncommitted changes'})"

    def as_dict(self) -> dict[str, object]:
        return {"released": self.date, "commit": self.commit, "clean": self.clean}


def release_date() -> str:
    """Today (UTC), or the day of `SOURCE_DATE_EPOCH` when set (reproducible builds' convention)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = (
        datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        if epoch.isdigit()
        else datetime.datetime.now(datetime.UTC)
    )
    return moment.date().isoformat()


def origin(folder: str | os.PathLike, claim_files: Iterable[str]) -> Origin:
    """The origin of a version made from `claim_files` (relative to the dataset's `folder`, as the
    table names them) in the repository of `folder`."""
    root = work_tree(os.path.realpath(folder))
    if root is None:
        return Origin(release_date())
    head = _git(root, "rev-parse", "--verify", "-q", "HEAD")
    status = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    if head is None or status is None:  # no commit yet, or git cannot answer
        return Origin(release_date(), None, False, tuple(sorted(set(claim_files))))
    changed = {os.path.join(root, entry[3:]) for entry in status.split("\0") if len(entry) > 3}
    unsaved = sorted(path for path in set(claim_files) if os.path.realpath(os.path.join(folder, path)) in changed)
    return Origin(release_date(), head.strip(), not changed, tuple(unsaved))


def _git(root: str, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None
