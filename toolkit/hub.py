"""A dataset repository on the Hugging Face Hub as a publish target, through `huggingface_hub`.

The endpoint comes from HF_ENDPOINT, the token from HF_TOKEN or the saved login (or `token=`). The
token is never printed: errors are rewritten into messages of our own, and every failure is one
of the toolkit's errors (never an HTTP library's). Reads that fail for a passing reason (5xx, 429,
the network) are retried a few times; only a real "repository not found" means a new repository.
Writes are never retried: a commit that may have landed is reported, not repeated.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import AccessDenied, HubUnavailable, PublishConflict, PublishError, TagExists, TargetNotFound

_PAUSES = (0.5, 2.0)  # seconds between the attempts of a read: three attempts, bounded


def _hf():
    """huggingface_hub is imported only by the commands that talk to the Hub."""
    import huggingface_hub

    return huggingface_hub


class HubTarget:
    def __init__(self, repo_id: str, *, token: str | None = None):
        self.repo_id = repo_id
        self.name = repo_id
        self.api = _hf().HfApi(token=token)

    def _call(self, what: str, function, *args, read: bool = False, **kwargs):
        """Run one Hub call, turning its failures into ours (never echoing the token); a read is
        retried after a server error or a network failure."""
        hf = _hf()
        attempts = len(_PAUSES) + 1 if read else 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                with _progress_bars_only_on_a_terminal():
                    return function(*args, repo_id=self.repo_id, repo_type="dataset", **kwargs)
            except hf.errors.RepositoryNotFoundError:
                raise TargetNotFound(
                    f"no dataset repository {self.repo_id} on {_endpoint()} (or it is private and the token cannot read it)"
                ) from None
            except hf.errors.HfHubHTTPError as error:
                status = error.response.status_code if error.response is not None else None
                if (status is None or status >= 500 or status == 429) and not last:
                    time.sleep(_PAUSES[attempt])
                    continue
                raise self._failure(what, status, error) from None
            except (hf.errors.HTTPError, OSError) as error:  # the network: refused, reset, timed out
                if not last and not isinstance(error, hf.errors.OfflineModeIsEnabled):
                    time.sleep(_PAUSES[attempt])
                    continue
                tries = f" (tried {attempt + 1} times)" if attempt else ""
                raise HubUnavailable(
                    f"cannot reach the Hub at {_endpoint()} to {what} {self.repo_id}{tries}: {_reason(error)}"
                ) from None

    def _failure(self, what: str, status: int | None, error) -> PublishError:
        if status == 401:
            if _hf().get_token() is None and not self.api.token:
                return AccessDenied(
                    f"the Hub needs a token to {what} {self.repo_id} (HTTP 401): set HF_TOKEN or run `hf auth login`"
                )
            return AccessDenied(
                f"the Hub rejected the token (HTTP 401) when asked to {what} {self.repo_id}: check HF_TOKEN or `hf auth login`"
            )
        if status == 403:
            return AccessDenied(
                f"the token may not {what} {self.repo_id} (HTTP 403): a write token is needed to publish; "
                "check HF_TOKEN or `hf auth login`"
            )
        if status == 412:
            return PublishConflict(
                f"{self.repo_id} changed on the Hub while publishing (someone else published); nothing was changed"
            )
        if status == 409 and what == "tag":
            return TagExists(f"the tag already exists on {self.repo_id}; tags are never moved")
        if status is None or status >= 500 or status == 429:
            return HubUnavailable(f"the Hub could not {what} {self.repo_id}: HTTP {status} {_reason(error)}")
        return PublishError(f"the Hub could not {what} {self.repo_id}: HTTP {status} {_reason(error)}")

    def check_publishable(self) -> None:
        """Any Hub repository may be published to; the token decides."""

    def prepare(self, private: bool = False) -> None:
        self._call("create", self.api.create_repo, private=private, exist_ok=True)

    def tags(self) -> dict[str, str]:
        return {tag.name: tag.target_commit for tag in self._refs().tags}

    def head(self) -> str | None:
        return _main(self._refs())

    def _refs(self):
        return self._call("list the versions of", self.api.list_repo_refs, read=True)

    def files(self, revision: str) -> dict[str, str]:
        # `list_repo_tree` is a generator: listed inside the call, so that its requests are retried
        # and their errors turned into ours like every other call's.
        entries = self._call(
            "list the files of", _listed(self.api.list_repo_tree), revision=revision, recursive=True, read=True
        )
        found = {}
        for entry in entries:
            if not hasattr(entry, "blob_id"):
                continue  # a folder
            lfs = getattr(entry, "lfs", None)
            found[entry.path] = f"sha256:{lfs.sha256}" if lfs else f"git:{entry.blob_id}"
        return found

    def fetch(self, revision: str, patterns: list[str]) -> Path:
        hf = _hf()
        folder = self._call(
            f"download {revision} of",
            hf.snapshot_download,
            revision=revision,
            allow_patterns=patterns,
            token=self.api.token,
            read=True,
        )
        return Path(folder)

    def release(
        self, folder: Path, upload: list[str], delete: list[str], message: str, parent: str | None, tag: str
    ) -> str:
        """One commit on main (refused by the Hub if main is no longer `parent`), then the tag on
        that exact commit. The Hub has no transaction for both: a tag that fails after the commit
        landed is reported with the commit, so it can be tagged by hand."""
        hf = _hf()
        refs = self._refs()  # a last look, to refuse before committing rather than after
        if _main(refs) != parent:
            raise self._failure("commit to", 412, None)
        if any(t.name == tag for t in refs.tags):
            raise TagExists(f"tag {tag} already exists on {self.repo_id}; tags are never moved; nothing was changed")
        operations = [hf.CommitOperationAdd(path_in_repo=name, path_or_fileobj=str(folder / name)) for name in upload]
        operations += [hf.CommitOperationDelete(path_in_repo=name) for name in delete]
        info = self._call(
            "commit to",
            self.api.create_commit,
            operations=operations,
            commit_message=message,
            parent_commit=parent,
            revision="main",
        )
        try:
            self._call("tag", self.api.create_tag, tag=tag, revision=info.oid, tag_message=message)
        except PublishError as error:
            raise type(error)(
                f"{error}. The commit {info.oid} is on main without its tag: if no other publish is running, "
                f"create the tag {tag} on that commit, then publish again"
            ) from None
        return info.oid


@contextmanager
def _progress_bars_only_on_a_terminal():
    """huggingface_hub's progress bars are for people watching; in logs and pipes they are noise."""
    utils = _hf().utils
    if sys.stderr.isatty() or utils.are_progress_bars_disabled():
        yield
        return
    utils.disable_progress_bars()
    try:
        yield
    finally:
        utils.enable_progress_bars()


def _main(refs) -> str | None:
    return next((branch.target_commit for branch in refs.branches if branch.name == "main"), None)


def _endpoint() -> str:
    return _hf().constants.ENDPOINT


def _listed(function: Callable[..., Iterable[Any]]) -> Callable[..., list[Any]]:
    """A call that returns a generator, made to fetch everything before it returns."""
    return lambda *args, **kwargs: list(function(*args, **kwargs))


def _reason(error) -> str:
    """The server's message without request details (which could carry headers)."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:300]
