"""A dataset repository on the Hugging Face Hub as a publish target, through `huggingface_hub`.

The endpoint comes from HF_ENDPOINT, the token from HF_TOKEN or the saved login (or `token=`). The
token is never printed: errors are rewritten into messages of our own.
"""

from __future__ import annotations

from pathlib import Path

from .errors import PublishConflict, PublishError, TagExists


def _hf():
    """huggingface_hub is imported only by the commands that talk to the Hub."""
    import huggingface_hub

    return huggingface_hub


class HubTarget:
    def __init__(self, repo_id: str, *, token: str | None = None):
        self.repo_id = repo_id
        self.name = repo_id
        self.api = _hf().HfApi(token=token)

    def _call(self, what: str, function, *args, **kwargs):
        """Run one Hub call, turning its HTTP errors into ours (never echoing the token)."""
        hf = _hf()
        try:
            return function(*args, repo_id=self.repo_id, repo_type="dataset", **kwargs)
        except hf.errors.HfHubHTTPError as error:
            status = error.response.status_code if error.response is not None else None
            if status in (401, 403):
                raise PublishError(
                    f"the Hub refused to {what} {self.repo_id} (HTTP {status}): check HF_TOKEN or `hf auth login`; "
                    "a write token is needed to publish"
                ) from None
            if status == 412:
                raise PublishConflict(
                    f"{self.repo_id} changed on the Hub while publishing (someone else published); nothing was changed"
                ) from None
            if status == 409 and what == "tag":
                raise TagExists(f"the tag already exists on {self.repo_id}; tags are never moved") from None
            raise PublishError(f"the Hub could not {what} {self.repo_id}: HTTP {status} {_reason(error)}") from None
        except OSError as error:
            raise PublishError(f"cannot reach the Hub to {what} {self.repo_id}: {error}") from None

    def prepare(self, private: bool = False) -> None:
        self._call("create", self.api.create_repo, private=private, exist_ok=True)

    def tags(self) -> dict[str, str]:
        try:
            refs = self._call("list the versions of", self.api.list_repo_refs)
        except PublishError:
            if not self._exists():
                return {}
            raise
        return {tag.name: tag.target_commit for tag in refs.tags}

    def _exists(self) -> bool:
        try:
            return self.api.repo_exists(self.repo_id, repo_type="dataset")
        except _hf().errors.HfHubHTTPError:
            return False

    def head(self) -> str | None:
        if not self._exists():
            return None
        return self._call("read", self.api.repo_info, revision="main").sha

    def files(self, revision: str) -> dict[str, str]:
        entries = self._call("list the files of", self.api.list_repo_tree, revision=revision, recursive=True)
        found = {}
        for entry in entries:
            if not hasattr(entry, "blob_id"):
                continue  # a folder
            lfs = getattr(entry, "lfs", None)
            found[entry.path] = f"sha256:{lfs.sha256}" if lfs else f"git:{entry.blob_id}"
        return found

    def fetch(self, revision: str, patterns: list[str]) -> Path:
        hf = _hf()
        try:
            folder = hf.snapshot_download(
                repo_id=self.repo_id, repo_type="dataset", revision=revision, allow_patterns=patterns,
                token=self.api.token,
            )
        except hf.errors.HfHubHTTPError as error:
            raise PublishError(f"cannot download {revision} of {self.repo_id}: {_reason(error)}") from None
        return Path(folder)

    def commit(self, folder: Path, upload: list[str], delete: list[str], message: str, parent: str | None) -> str:
        hf = _hf()
        operations = [hf.CommitOperationAdd(path_in_repo=name, path_or_fileobj=str(folder / name)) for name in upload]
        operations += [hf.CommitOperationDelete(path_in_repo=name) for name in delete]
        info = self._call("commit to", self.api.create_commit, operations=operations, commit_message=message,
                          parent_commit=parent, revision="main")
        return info.oid

    def tag(self, name: str, commit: str, message: str) -> None:
        self._call("tag", self.api.create_tag, tag=name, revision=commit, tag_message=message)


def _reason(error) -> str:
    """The server's message without request details (which could carry headers)."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:300]
