"""The release store: a bare git repository on disk with exactly the Hub's layout, one commit and
one tag per version. Works with no account and no network, and can be pushed to the Hub as it is.

Only a folder that `claims publish` created is ever written: a bare repository (no working tree,
so no file of anyone's to overwrite) carrying the marker `claims.releaseStore = true` in its own git
config. Any other git repository or non-empty folder is refused before anything is touched; git
always runs with `--git-dir`, so it never wanders up into a repository around the folder.

A version is written without any working tree: the files are staged into a temporary index,
written as a tree and committed; then `main` and the version's tag move in ONE ref transaction
that names main's expected old value, so a kill leaves the whole version or nothing, and of two
concurrent publishes one is refused.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from .errors import NotAReleaseStore, PublishConflict, PublishError, TagExists, TargetNotFound

MARKER = "claims.releaseStore"
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
        self._known: Path | None = None  # the git dir, once the folder was seen to be a store

    # --- what the folder is -------------------------------------------------------------------

    def _kind(self) -> tuple[str, Path | None]:
        """(kind, git dir): `missing`/`empty` (a store can be made there), `store` (ours),
        `legacy` (made by an earlier claims version: a working tree, no marker), `repository`
        (anyone else's git repository), `folder` (files that are not a repository)."""
        path = self.path
        if not path.exists():
            return "missing", None
        if not path.is_dir():
            return "folder", None
        if not any(path.iterdir()):
            return "empty", None
        if (path / "HEAD").is_file() and (path / "objects").is_dir():
            git_dir = path
        elif (path / ".git").is_dir():
            git_dir = path / ".git"
        else:
            return "folder", None
        marked = _run(git_dir, "config", "--local", "--get", MARKER).stdout.strip() == b"true"
        if marked and git_dir == path:
            return "store", git_dir
        authors = _run(git_dir, "log", "--all", "--format=%ae%n%ce").stdout.decode(errors="replace").split()
        if authors and set(authors) == {_IDENTITY["GIT_AUTHOR_EMAIL"]}:
            return "legacy", git_dir
        return "repository", git_dir

    def check_publishable(self) -> None:
        """Refuse (exit 2, nothing touched) any folder that is not a store and could not become one."""
        kind, git_dir = self._kind()
        if kind in ("missing", "empty", "store"):
            return
        if kind == "legacy":
            bare = git_dir == self.path
            steps = (
                f"git -C {self.path} config {MARKER} true"
                if bare
                else f"git clone -q --bare {self.path} {self.path}.git && git -C {self.path}.git config {MARKER} true"
            )
            raise NotAReleaseStore(
                f"{self.path} is a release store made by an earlier claims version{'' if bare else ' (with a working tree)'}; "
                f"it can still be read, but publishing needs a bare store with the marker: run `{steps}`"
                f"{'' if bare else f' and publish to {self.path}.git'}"
            )
        why = {
            "repository": "it is a git repository that `claims publish` did not create",
            "folder": "it is not empty and not a release store",
        }[kind]
        raise NotAReleaseStore(
            f"{self.path}: refusing to publish there, {why}; nothing was changed. "
            "A release store is a folder that `claims publish` creates: give a new or empty folder (e.g. --repo ./releases)"
        )

    def _git_dir(self) -> Path:
        """The store's git directory, for reading; a missing or foreign folder is an error."""
        if self._known:
            return self._known
        kind, git_dir = self._kind()
        if kind in ("store", "legacy"):
            assert git_dir is not None  # a store has its git dir
            self._known = git_dir
            return git_dir
        if kind in ("missing", "empty"):
            raise TargetNotFound(f"no release store at {self.path}: nothing was published there")
        raise NotAReleaseStore(f"{self.path} is not a release store (a folder `claims publish` created)")

    def _git(self, *args: str, env: dict | None = None, data: bytes | None = None) -> str:
        result = _run(self._git_dir(), *args, env=env, data=data)
        if result.returncode != 0:
            command = next(a for a in args if not a.startswith("-") and "/" not in a)
            raise PublishError(f"git {command} failed in {self.path}: {_one_line(result.stderr)}; nothing was changed")
        return result.stdout.decode()

    # --- the Target interface -------------------------------------------------------------------

    def prepare(self, private: bool = False) -> None:
        """Create the store: a bare repository with the marker. A missing folder appears whole (made
        beside it and renamed into place), so a kill never leaves an unmarked repository there."""
        self.check_publishable()
        kind, _ = self._kind()
        if kind == "store":
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "empty":
            _init(self.path)
            return
        scratch = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", dir=self.path.parent))
        try:
            _init(scratch)
            os.chmod(scratch, 0o777 & ~_umask())  # mkdtemp makes it 0700; a store is as shared as the umask says
            os.rename(scratch, self.path)
        except OSError:
            shutil.rmtree(scratch, ignore_errors=True)
            if self._kind()[0] != "store":  # someone else created it meanwhile: fine if it is a store
                raise

    def tags(self) -> dict[str, str]:
        listing = self._git("for-each-ref", "refs/tags", "--format=%(refname:short) %(objectname) %(*objectname)")
        tags = {}
        for line in listing.splitlines():
            name, target, peeled = (line.split(" ") + [""])[:3]
            tags[name] = peeled or target
        return tags

    def head(self) -> str | None:
        result = _run(self._git_dir(), "rev-parse", "--verify", "-q", "refs/heads/main")
        return result.stdout.decode().strip() or None

    def files(self, revision: str) -> dict[str, str]:
        listing = self._git("ls-tree", "-r", "--format=%(objectname) %(path)", revision)
        return {path: f"git:{oid}" for oid, path in (line.split(" ", 1) for line in listing.splitlines())}

    def fetch(self, revision: str, patterns: list[str]) -> Path:
        archive = _run(self._git_dir(), "archive", "--format=tar", revision, *patterns)
        if archive.returncode != 0:
            raise PublishError(f"cannot read {revision} from {self.path}: {_one_line(archive.stderr)}")
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="claims-fetch-")
        folder = Path(tempfile.mkdtemp(dir=self._scratch.name))
        try:
            with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
                tar.extractall(folder, filter="data")
        except OSError as error:  # a full disk, a folder we may not write
            raise PublishError(
                f"cannot read {revision} of {self.path} into the temporary folder {self._scratch.name} (TMPDIR): "
                f"{error.strerror or error}; nothing was changed"
            ) from None
        return folder

    def release(
        self, folder: Path, upload: list[str], delete: list[str], message: str, parent: str | None, tag: str
    ) -> str:
        """Commit `folder` as the whole new tree, then move `main` (from `parent`) and create the
        tag in one transaction: both or neither."""
        with tempfile.TemporaryDirectory() as scratch:
            env = {"GIT_INDEX_FILE": os.path.join(scratch, "index")}
            self._git("--work-tree", str(folder), "add", "-A", "--force", ".", env=env)
            tree = self._git("write-tree", env=env).strip()
        parents = ["-p", parent] if parent else []
        commit = self._git("commit-tree", tree, *parents, "-m", message).strip()
        transaction = f"update refs/heads/main {commit} {parent or _ZERO}\n"
        self._record(transaction, commit, tag, message, parent)
        return commit

    def tag(self, commit: str, tag: str, message: str) -> None:
        if self.tags().get(tag) == commit:
            return
        self._record("", commit, tag, message, self.head())

    def _record(self, update: str, commit: str, tag: str, message: str, parent: str | None) -> None:
        """Create `tag` on `commit` (and apply `update` to main) in one ref transaction that names
        main's expected value: both or neither, and refused if main moved."""
        tagger = self._git("var", "GIT_COMMITTER_IDENT").strip()
        tag_object = self._git(
            "mktag", data=f"object {commit}\ntype commit\ntag {tag}\ntagger {tagger}\n\n{message}\n".encode()
        ).strip()
        verify = "" if update else f"verify refs/heads/main {parent or _ZERO}\n"
        transaction = f"start\n{update}{verify}create refs/tags/{tag} {tag_object}\nprepare\ncommit\n"
        result = _run(self._git_dir(), "update-ref", "--stdin", data=transaction.encode())
        if result.returncode == 0:
            return
        head, tags = self.head(), self.tags()
        if head != parent:
            moved_by = next((name for name, target in tags.items() if target == head), None)
            by = f"{moved_by} was published" if moved_by else f"main is now at {head}"
            raise PublishConflict(
                f"{self.path}: main moved while publishing ({by}); nothing of this publish was kept: "
                "publish again to build on it"
            )
        if tag in tags:
            raise TagExists(f"tag {tag} already exists in {self.path}; tags are never moved; nothing was changed")
        reason = _one_line(result.stderr)
        hint = (
            " (a lock file left by a publish that is running or was killed: if none is running, delete it)"
            if ".lock" in reason
            else ""
        )
        raise PublishError(f"{self.path}: could not record {tag}, main and the tags are as they were: {reason}{hint}")


def _run(git_dir: Path, *args: str, env: dict | None = None, data: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args],
        input=data,
        capture_output=True,
        env={**os.environ, **_IDENTITY, **(env or {})},
    )


def _umask() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _init(path: Path) -> None:
    for args in (("init", "-q", "--bare", "-b", "main", str(path)), ("--git-dir", str(path), "config", MARKER, "true")):
        result = subprocess.run(["git", *args], capture_output=True)
        if result.returncode != 0:
            raise PublishError(f"cannot create a release store at {path}: {_one_line(result.stderr)}")


def _one_line(stderr: bytes) -> str:
    """git's complaint (a full disk, a folder we may not write) as one line."""
    return "; ".join(line.strip() for line in stderr.decode(errors="replace").splitlines() if line.strip())
