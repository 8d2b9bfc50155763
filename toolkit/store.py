"""The release store: a git repository on disk with exactly the Hub's layout, one commit and one
tag per version. Works with no account and no network, and can be pushed to the Hub as it is.

A version is committed without touching any working tree: the files are staged into a temporary
index, written as a tree, committed, and `main` is moved with a compare-and-swap
(`git update-ref NEW OLD`), so two concurrent publishes cannot both win.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .errors import PublishConflict, PublishError, TagExists, UsageError

_IDENTITY = {
    "GIT_AUTHOR_NAME": "claims toolkit",
    "GIT_AUTHOR_EMAIL": "claims-toolkit@localhost",
    "GIT_COMMITTER_NAME": "claims toolkit",
    "GIT_COMMITTER_EMAIL": "claims-toolkit@localhost",
}
_ZERO = "0" * 40


class ReleaseStore:
    def __init__(self, path: Path):
        self.path = path
        self.name = str(path)
        self._scratch: tempfile.TemporaryDirectory | None = None  # fetched files; removed with the store object

    def _git(self, *args: str, env: dict | None = None, data: bytes | None = None, check: bool = True) -> str:
        result = subprocess.run(
            ["git", "-C", str(self.path), *args], input=data, capture_output=True,
            env={**os.environ, **_IDENTITY, **(env or {})},
        )
        if check and result.returncode != 0:
            raise PublishError(f"git {args[0]} failed in {self.path}: {result.stderr.decode(errors='replace').strip()}")
        return result.stdout.decode()

    def _exists(self) -> bool:
        return (self.path / ".git").exists() or (self.path / "HEAD").is_file()

    def prepare(self, private: bool = False) -> None:
        if self._exists():
            return
        if self.path.exists() and any(self.path.iterdir()):
            raise UsageError(f"{self.path} exists and is not a release store (a git repository)")
        self.path.mkdir(parents=True, exist_ok=True)
        self._git("init", "-q", "-b", "main")

    def tags(self) -> dict[str, str]:
        if not self._exists():
            return {}
        listing = self._git("for-each-ref", "refs/tags", "--format=%(refname:short) %(objectname) %(*objectname)")
        tags = {}
        for line in listing.splitlines():
            name, target, peeled = (line.split(" ") + [""])[:3]
            tags[name] = peeled or target
        return tags

    def head(self) -> str | None:
        if not self._exists():
            return None
        return self._git("rev-parse", "--verify", "-q", "refs/heads/main", check=False).strip() or None

    def files(self, revision: str) -> dict[str, str]:
        listing = self._git("ls-tree", "-r", "--format=%(objectname) %(path)", revision)
        return {path: f"git:{oid}" for oid, path in (line.split(" ", 1) for line in listing.splitlines())}

    def fetch(self, revision: str, patterns: list[str]) -> Path:
        archive = subprocess.run(["git", "-C", str(self.path), "archive", "--format=tar", revision, *patterns],
                                 capture_output=True)
        if archive.returncode != 0:
            raise PublishError(f"cannot read {revision} from {self.path}: {archive.stderr.decode().strip()}")
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="claims-fetch-")
        folder = Path(tempfile.mkdtemp(dir=self._scratch.name))
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
        return folder

    def commit(self, folder: Path, upload: list[str], delete: list[str], message: str, parent: str | None) -> str:
        """Commit `folder` as the whole new tree (uploads and deletions follow from it)."""
        with tempfile.TemporaryDirectory() as scratch:
            env = {"GIT_INDEX_FILE": os.path.join(scratch, "index")}
            self._git("--work-tree", str(folder), "add", "-A", "--force", ".", env=env)
            tree = self._git("write-tree", env=env).strip()
        parents = ["-p", parent] if parent else []
        commit = self._git("commit-tree", tree, *parents, "-m", message).strip()
        swap = self._git("update-ref", "-m", message, "refs/heads/main", commit, parent or _ZERO, check=False)
        if self.head() != commit:
            raise PublishConflict(
                f"{self.path}: main moved while publishing (someone else published); nothing was changed. {swap}".strip()
            )
        self._refresh_checkout()
        return commit

    def _refresh_checkout(self) -> None:
        """Keep a non-bare store's files in step with main, for people browsing it."""
        if (self.path / ".git").exists():
            self._git("reset", "-q", "--hard", "main", check=False)

    def tag(self, name: str, commit: str, message: str) -> None:
        if name in self.tags():
            raise TagExists(f"tag {name} already exists in {self.path}; tags are never moved")
        self._git("tag", "-a", name, commit, "-m", message)
