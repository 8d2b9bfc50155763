"""The routes of a commit: card check, preupload, the NDJSON commit and the Git LFS upload.

This is the path `HfApi.create_commit` takes when the toolkit publishes: it validates the
card's YAML, asks which files go through LFS and which are unchanged (`preupload`), uploads
the new LFS objects (batch, a pre-signed PUT, verify) and posts the commit. The Hub behaviours
the toolkit relies on are reproduced: unchanged files are reported with their oid so the client
leaves them out, objects the repo already has are not uploaded again, and a commit whose
`parentCommit` is not the branch head gets 412.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from pathlib import PurePosixPath
from typing import Any

from .http import HubError, Request, Response, Routes
from .repos import read_front_matter
from .storage import LFS_SIZE_THRESHOLD, Blob, Commit, Repo, lfs_patterns, matches

routes = Routes()

_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


@routes("POST", "api/validate-yaml", "validate_yaml")
def validate_yaml(hub: Any, req: Request) -> Response:
    """`create_commit` validates README.md front matter here before uploading."""
    error = read_front_matter(req.json().get("content", ""))[1]
    if error:
        return Response.json({"errors": [{"message": error}], "warnings": []}, 400)
    return Response.json({"errors": [], "warnings": []})


@routes("POST", "api/datasets/{ns}/{name}/preupload/{rev}", "preupload")
def preupload(hub: Any, req: Request) -> Response:
    """Tell the client which files go through LFS (`.gitattributes` rules, files over 10 MB,
    binary samples) and the oid of files already there (sha256 for LFS, git blob sha1
    otherwise), so unchanged files are left out of the commit."""
    repo = hub.repo_for(req, write=True)
    _, commit = hub.branch_head(repo, req.params["rev"])
    lfs_rules = lfs_patterns(commit.files.get(".gitattributes"))
    answers = []
    for item in req.json().get("files", []):
        path = item["path"]
        sample = base64.b64decode(item.get("sample") or "")
        is_lfs = item.get("size", 0) > LFS_SIZE_THRESHOLD or matches(path, lfs_rules) or b"\0" in sample
        answer = {"path": path, "uploadMode": "lfs" if is_lfs else "regular", "shouldIgnore": False}
        existing = commit.files.get(path)
        if existing is not None:
            answer["oid"] = existing.lfs_sha256 or existing.oid
        answers.append(answer)
    return Response.json({"files": answers, "commitOid": commit.oid})


@routes("POST", "api/datasets/{ns}/{name}/commit/{rev}", "commit")
def commit(hub: Any, req: Request) -> Response:
    """`create_commit`: apply the NDJSON operations to the branch head atomically.
    412 when `parentCommit` is not the head; LFS files must have been uploaded first."""
    repo = hub.repo_for(req, write=True)
    if req.flag("create_pr"):
        raise HubError(400, "LocalHub does not support pull requests (create_pr)")
    branch, head = hub.branch_head(repo, req.params["rev"])
    header, operations = _parse_ndjson_commit(req.body)
    summary = (header.get("summary") or "").strip()
    if not summary:
        raise HubError(400, "A commit summary is required")
    parent = header.get("parentCommit")
    if parent and not head.oid.startswith(parent.lower()):
        raise HubError(412, "A commit has happened since. Please refresh and try again.")
    files = dict(head.files)
    for key, value in operations:
        _apply_operation(repo, files, key, value)
    _check_no_file_directory_clash(files)
    new = Commit.create(
        parent=head, files=files, title=summary, description=header.get("description") or "", author=req.account.name
    )
    repo.commits[new.oid] = new
    repo.branches[branch] = new.oid
    return Response.json(
        {"success": True, "commitOid": new.oid, "commitUrl": f"{repo.url(hub.endpoint)}/commit/{new.oid}", "hookOutput": ""}
    )


def _parse_ndjson_commit(body: bytes) -> tuple[dict, list[tuple[str, dict]]]:
    """Split the commit payload into its header and its operations."""
    header: dict | None = None
    operations = []
    for line in body.splitlines():
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise HubError(400, f"Invalid NDJSON line in commit payload: {exc}") from exc
        if item.get("key") == "header":
            header = item.get("value") or {}
        else:
            operations.append((item.get("key"), item.get("value") or {}))
    if header is None:
        raise HubError(400, "Commit payload has no header line")
    return header, operations


def _apply_operation(repo: Repo, files: dict[str, Blob], key: str, value: dict) -> None:
    path = _checked_path(value.get("path"))
    if key == "file":
        if value.get("encoding", "base64") != "base64":
            raise HubError(400, f"Unsupported encoding {value.get('encoding')!r}")
        try:
            files[path] = Blob.regular(base64.b64decode(value.get("content") or "", validate=True))
        except binascii.Error as exc:
            raise HubError(400, f"Invalid base64 content for {path}") from exc
    elif key == "lfsFile":
        oid = str(value.get("oid") or "")
        if value.get("algo", "sha256") != "sha256" or oid not in repo.lfs_objects:
            raise HubError(400, f"LFS object {oid} for {path} was not uploaded to this repo")
        data = repo.lfs_objects[oid]
        if value.get("size") is not None and value["size"] != len(data):
            raise HubError(400, f"Size mismatch for LFS file {path}")
        files[path] = Blob.lfs(data, oid)
    elif key == "deletedFile":
        if files.pop(path, None) is None:
            raise HubError(404, f"A file with this name doesn't exist: {path}", code="EntryNotFound")
    elif key == "deletedFolder":
        doomed = [p for p in files if p.startswith(path.rstrip("/") + "/")]
        if not doomed:
            raise HubError(404, f"A folder with this name doesn't exist: {path}", code="EntryNotFound")
        for p in doomed:
            del files[p]
    else:
        raise HubError(400, f"Unknown commit operation {key!r}")


def _checked_path(path: Any) -> str:
    if not isinstance(path, str) or not path.strip("/"):
        raise HubError(400, f"Invalid path {path!r}")
    parts = path.strip("/").split("/")
    if any(part in ("", ".", "..", ".git") for part in parts):
        raise HubError(400, f"Invalid path {path!r}")
    return "/".join(parts)


def _check_no_file_directory_clash(files: dict[str, Blob]) -> None:
    """Git cannot hold a file and a directory at the same path."""
    directories = {str(parent) for path in files for parent in PurePosixPath(path).parents if str(parent) != "."}
    clash = directories & files.keys()
    if clash:
        raise HubError(400, f"A file and a directory cannot share the path {sorted(clash)[0]!r}")


# ----------------------------------------------------------------------------- Git LFS


@routes("POST", "datasets/{ns}/{name}/info/lfs/objects/batch", "lfs_batch")
def lfs_batch(hub: Any, req: Request) -> Response:
    """Git LFS batch API (`{endpoint}/datasets/{repo_id}.git/info/lfs/objects/batch`): objects
    the repo already has get no `actions` (the client skips them); others get a signed upload
    href on this server plus a verify href. LFS objects are kept per repo."""
    if not req.params["name"].endswith(".git"):
        raise HubError(404, "The LFS batch API lives under {repo_id}.git/")
    req.params["name"] = req.params["name"].removesuffix(".git")
    repo = hub.repo_for(req, write=True)
    payload = req.json()
    if payload.get("operation") != "upload":
        raise HubError(400, "LocalHub only supports the 'upload' LFS operation")
    objects = []
    for obj in payload.get("objects", []):
        oid, size = str(obj.get("oid")), obj.get("size")
        if not _SHA256_RE.match(oid) or not isinstance(size, int) or size < 0:
            objects.append({"oid": oid, "size": size if isinstance(size, int) else 0,
                            "error": {"code": 422, "message": "Invalid object"}})
        elif oid in repo.lfs_objects:
            objects.append({"oid": oid, "size": size})
        else:
            base = f"{hub.endpoint}/_localhub/lfs/{repo.repo_id}"
            href = f"{base}/{oid}?size={size}&signature={_sign(hub, repo, oid, size)}"
            actions = {"upload": {"href": href, "expires_in": 3600}, "verify": {"href": f"{base}/verify"}}
            objects.append({"oid": oid, "size": size, "authenticated": True, "actions": actions})
    return Response.json({"transfer": "basic", "objects": objects, "hash_algo": "sha256"},
                         headers={"Content-Type": "application/vnd.git-lfs+json"})


def _sign(hub: Any, repo: Repo, oid: str, size: int) -> str:
    return hmac.new(hub.signing_key, f"{repo.repo_id}/{oid}/{size}".encode(), hashlib.sha256).hexdigest()


@routes("PUT", "_localhub/lfs/{ns}/{name}/{oid}", "lfs_upload")
def lfs_upload(hub: Any, req: Request) -> Response:
    """The upload href (a pre-signed URL, like S3's: no Authorization header is sent).
    The content must hash to the announced sha256."""
    repo = hub.repos.get(f"{req.params['ns']}/{req.params['name']}")
    oid = req.params["oid"]
    size = int(req.query.get("size", ["-1"])[-1])
    signature = req.query.get("signature", [""])[-1]
    if repo is None or not hmac.compare_digest(signature, _sign(hub, repo, oid, size)):
        raise HubError(403, "Invalid or expired upload signature")
    if len(req.body) != size or hashlib.sha256(req.body).hexdigest() != oid:
        raise HubError(400, "Uploaded content does not match the announced oid/size")
    repo.lfs_objects[oid] = req.body
    hub.lfs_uploads.append((repo.repo_id, oid))
    return Response(200, b"", {"ETag": f'"{oid}"'})


@routes("POST", "_localhub/lfs/{ns}/{name}/verify", "lfs_verify")
def lfs_verify(hub: Any, req: Request) -> Response:
    """The verify href: 404 unless the object arrived with the expected size."""
    hub.require_write(req)
    repo = hub.repos.get(f"{req.params['ns']}/{req.params['name']}")
    payload = req.json()
    data = repo.lfs_objects.get(payload.get("oid")) if repo else None
    if data is None or len(data) != payload.get("size"):
        raise HubError(404, "Object not found")
    return Response.json({"oid": payload["oid"], "size": len(data)})
