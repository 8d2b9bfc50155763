"""The routes that create and read a dataset repo: create, info, tree, refs, tag and downloads.

These are the reads and the repo-level writes that `toolkit/hub.py` (through huggingface_hub)
and `datasets.load_dataset` make, answered in the Hub's JSON shapes and with the headers the
clients check (`X-Repo-Commit`, `ETag`, `X-Linked-Etag`/`X-Linked-Size`, `Range`).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import yaml

from .http import HubError, Request, Response, Routes
from .storage import Commit, Repo, iso

routes = Routes()

_REPO_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
_REF_NAME_RE = re.compile(r"^(?!/)(?!.*//)(?!.*\.\.)(?!.*/$)[A-Za-z0-9._/-]+$")


@routes("POST", "api/repos/create", "create_repo")
def create_repo(hub: Any, req: Request) -> Response:
    """`create_repo`: 409 with the repo url when it exists (exist_ok relies on it)."""
    account = hub.require_write(req)
    payload = req.json()
    name, namespace = payload.get("name") or "", payload.get("organization") or account.name
    if (payload.get("type") or "model") != "dataset":
        raise HubError(400, "LocalHub only serves dataset repos")
    if not _REPO_NAME_RE.match(name) or ".." in name or "--" in name or name.endswith(".git"):
        raise HubError(400, f"Invalid repo name {name!r}")
    repo_id = f"{namespace}/{name}"
    existing = hub.repos.get(repo_id)
    if existing is not None:
        raise HubError(409, "You already created this dataset repo", extra={"url": existing.url(hub.endpoint)})
    private = payload.get("visibility") == "private" or bool(payload.get("private"))
    repo = hub.repos[repo_id] = Repo.create(repo_id, private=private, author=account.name)
    return Response.json({"url": repo.url(hub.endpoint), "name": repo_id, "id": repo_id})


@routes("GET", "api/datasets/{ns}/{name}", "repo_info")
def repo_info_main(hub: Any, req: Request) -> Response:
    """`dataset_info` without revision: the main branch."""
    return _repo_info(hub, req, "main")


@routes("GET", "api/datasets/{ns}/{name}/revision/{rev}", "repo_info")
def repo_info_at(hub: Any, req: Request) -> Response:
    """`dataset_info(revision=...)`; also how HfFileSystem and datasets check a revision exists."""
    return _repo_info(hub, req, req.params["rev"])


def _repo_info(hub: Any, req: Request, revision: str) -> Response:
    repo = hub.repo_for(req)
    commit = hub.commit_at(repo, revision)
    info: dict[str, Any] = {
        "_id": hashlib.md5(f"dataset/{repo.repo_id}".encode()).hexdigest()[:24],
        "id": repo.repo_id,
        "author": repo.repo_id.split("/")[0],
        "sha": commit.oid,
        "lastModified": iso(commit.date),
        "createdAt": iso(repo.created_at),
        "private": repo.private,
        "gated": False,
        "disabled": False,
        "downloads": 0,
        "likes": 0,
        "tags": [],
        "siblings": [{"rfilename": path} for path in sorted(commit.files)],
        "usedStorage": sum(b.size for b in commit.files.values()),
    }
    card = commit.files.get("README.md")
    card_data = read_front_matter(card.data.decode("utf-8", "replace"))[0] if card else None
    if isinstance(card_data, dict):
        info["cardData"] = card_data
    return Response.json(info)


@routes("GET", "api/datasets/{ns}/{name}/tree/{rev}/{path*}", "tree")
def tree(hub: Any, req: Request) -> Response:
    """`list_repo_tree` (and HfFileSystem listings): direct children or, with
    `recursive`, every file and directory below `path`; directories first, like the Hub."""
    repo = hub.repo_for(req)
    commit = hub.commit_at(repo, req.params["rev"])
    base = req.params["path"].strip("/")
    if base and base not in commit.tree:
        raise HubError(404, f"Entry not found: {base}", code="EntryNotFound", headers={"X-Repo-Commit": commit.oid})
    prefix = base + "/" if base else ""
    recursive = req.flag("recursive")
    directories = commit.directories()
    paths = [
        path
        for path in [*commit.files, *directories]
        if path.startswith(prefix) and (recursive or "/" not in path[len(prefix) :])
    ]
    return Response.json([_entry(commit, p) for p in sorted(paths, key=lambda p: (p not in directories, p))])


def _entry(commit: Commit, path: str) -> dict[str, Any]:
    """One tree entry, in the Hub's JSON shape."""
    blob = commit.files.get(path)
    if blob is None:
        return {"type": "directory", "oid": commit.tree[path], "size": 0, "path": path}
    entry: dict[str, Any] = {"type": "file", "oid": blob.oid, "size": blob.size, "path": path}
    if blob.lfs_sha256:
        entry["lfs"] = blob.lfs_info()
    return entry


@routes("GET", "api/datasets/{ns}/{name}/refs", "refs")
def refs(hub: Any, req: Request) -> Response:
    """`list_repo_refs`: branches and tags with their target commits."""
    repo = hub.repo_for(req)

    def listed(kind: str, table: dict[str, str]) -> list[dict[str, str]]:
        return [{"name": n, "ref": f"refs/{kind}/{n}", "targetCommit": table[n]} for n in sorted(table)]

    return Response.json(
        {"branches": listed("heads", repo.branches), "converts": [], "tags": listed("tags", repo.tags), "pullRequests": []}
    )


@routes("POST", "api/datasets/{ns}/{name}/tag/{rev}", "create_tag")
def create_tag(hub: Any, req: Request) -> Response:
    """`create_tag(revision=...)`: 409 when the tag exists."""
    repo = hub.repo_for(req, write=True)
    commit = hub.commit_at(repo, req.params["rev"])
    tag = str(req.json().get("tag") or "")
    if not _REF_NAME_RE.match(tag):
        raise HubError(400, f"Invalid tag name {tag!r}")
    if tag in repo.tags:
        raise HubError(409, f"Tag {tag} already exists")
    repo.tags[tag] = commit.oid
    return Response.json({})


@routes("GET", "datasets/{ns}/{name}/resolve/{rev}/{path*}", "resolve")
def resolve(hub: Any, req: Request) -> Response:
    """A file download (GET) or its metadata (HEAD), with the headers `hf_hub_download`
    checks: X-Repo-Commit, ETag, X-Linked-Etag / X-Linked-Size for LFS files; Range gives 206
    (HfFileSystem reads files larger than its block size in ranges)."""
    repo = hub.repo_for(req)
    commit = hub.commit_at(repo, req.params["rev"])
    blob = commit.files.get(req.params["path"])
    if blob is None:
        raise HubError(404, "Entry not found", code="EntryNotFound", headers={"X-Repo-Commit": commit.oid})
    headers = {
        "X-Repo-Commit": commit.oid,
        "ETag": f'"{blob.etag}"',
        "Accept-Ranges": "bytes",
        "Content-Type": "application/octet-stream",
    }
    if blob.lfs_sha256:
        headers.update({"X-Linked-Etag": f'"{blob.lfs_sha256}"', "X-Linked-Size": str(blob.size)})
    byte_range = _parse_range(req.headers.get("Range"), blob.size) if req.method == "GET" else None
    if byte_range is None:
        return Response(200, blob.data, headers)
    if byte_range == "unsatisfiable":
        raise HubError(416, "Range not satisfiable", headers={"Content-Range": f"bytes */{blob.size}"})
    start, end = byte_range
    headers["Content-Range"] = f"bytes {start}-{end}/{blob.size}"
    return Response(206, blob.data[start : end + 1], headers)


def _parse_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """A single `bytes=a-b`, `bytes=a-` or `bytes=-n` range; None means serve it all."""
    match = re.fullmatch(r"\s*bytes=(\d*)-(\d*)\s*", header or "")
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


def read_front_matter(content: str) -> tuple[Any, str | None]:
    """The card's YAML metadata and why the Hub would refuse it, if it would (None and None
    without front matter)."""
    match = re.match(r"^---\s*\n(.*?)\n---\s*(\n|$)", content, flags=re.DOTALL)
    if match is None:
        return None, None
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        return None, f"Invalid YAML in README.md metadata: {exc}"
    if data is not None and not isinstance(data, dict):
        return data, "README.md metadata must be a YAML mapping"
    return data, None
