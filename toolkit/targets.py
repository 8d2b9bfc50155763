"""Where versions are published: a dataset repository on the Hugging Face Hub, or a release store
on disk (a git repository with the Hub's layout). Both speak this one small interface, so
publishing and loading never ask which one they hold."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from .errors import UsageError

REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*$")


class Target(Protocol):
    name: str

    def tags(self) -> dict[str, str]:
        """Every tag and the commit it points at; TargetNotFound when the repository does not exist."""

    def head(self) -> str | None:
        """The commit `main` points at now, or None for a repository with no commit."""

    def files(self, revision: str) -> dict[str, str]:
        """The files at a revision, each with its identity (see `files.identities`)."""

    def fetch(self, revision: str, patterns: list[str]) -> Path:
        """A local folder holding the files matching `patterns` at that revision."""

    def check_publishable(self) -> None:
        """Refuse, before anything is touched, a place that must not be published to."""

    def prepare(self, private: bool) -> None:
        """Create the repository if it is missing."""

    def release(
        self, folder: Path, upload: list[str], delete: list[str], message: str, parent: str | None, tag: str
    ) -> str:
        """One commit on `main` whose parent must be `parent`, tagged `tag` (an existing tag is never
        moved); returns the commit's id."""

    def tag(self, commit: str, tag: str, message: str) -> None:
        """Tag a commit already on `main` (finishing a publish stopped before its tag); a tag
        already on that very commit is fine, one elsewhere is never moved."""


def is_local(spec: str) -> bool:
    return spec.startswith(("/", ".", "~", "file:"))


def local_path(spec: str) -> Path:
    """The folder a local target names: a path (`~` and `~user` expanded) or a file URL as RFC 8089
    reads it (`file:///srv/releases` and `file://localhost/srv/releases` are /srv/releases,
    percent-escapes decoded); another host, or a relative file URL, is a usage error."""
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    path = spec
    if spec.startswith("file:"):
        url = urlsplit(spec)
        if url.netloc.lower() not in ("", "localhost"):
            raise UsageError(
                f"{spec!r} names a folder on the host {url.netloc!r}; a file URL names one on this machine: file:///PATH"
            )
        if not url.path.startswith("/") or url.query or url.fragment:
            raise UsageError(
                f"{spec!r} is not a file URL of a folder: write file:///ABSOLUTE/PATH (or a path, ./releases)"
            )
        path = url2pathname(url.path)
    try:
        return Path(path).expanduser()
    except RuntimeError:  # `~name` of no user, or no home folder
        raise UsageError(
            f"{spec!r}: {path.split('/')[0]} is no user's home folder here; write the folder's path"
        ) from None


def open_target(spec: str, *, token: str | None = None) -> Target:
    """`ORG/NAME` is a Hub dataset repository; a path (or file:// URL) is a release store, which
    may not lie inside a git folder or below a file (`paths.check_output`)."""
    if not spec.strip():
        raise UsageError("the release target is empty (an unset variable?): give ORG/NAME or a release store path")
    if is_local(spec):
        from .paths import check_output
        from .store import ReleaseStore

        path = local_path(spec)
        check_output(path, what="--repo", folder=True, store=True)
        return ReleaseStore(path)
    if REPO_ID.match(spec):
        from .hub import HubTarget

        return HubTarget(spec, token=token)
    raise UsageError(f"{spec!r} is neither a Hub repository (ORG/NAME) nor a local path (/…, ./…, ~/…, file://…)")
