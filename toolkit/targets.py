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
    return spec.startswith(("/", ".", "~", "file://"))


def open_target(spec: str, *, token: str | None = None) -> Target:
    """`ORG/NAME` is a Hub dataset repository; a path (or file:// URL) is a release store."""
    if is_local(spec):
        from .store import ReleaseStore

        path = spec[len("file://") :] if spec.startswith("file://") else spec
        return ReleaseStore(Path(path).expanduser())
    if REPO_ID.match(spec):
        from .hub import HubTarget

        return HubTarget(spec, token=token)
    raise UsageError(f"{spec!r} is neither a Hub repository (ORG/NAME) nor a local path (/…, ./…, ~/…, file://…)")
