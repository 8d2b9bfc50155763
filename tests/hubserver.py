"""In-memory, Hugging Face Hub-compatible HTTP server for tests (a test double).

`LocalHub` serves the subset of the Hub API that the real `huggingface_hub` (2.4) and
`datasets` (5.2) clients use to publish and read dataset repos: auth, repo creation,
NDJSON commits with inline and LFS files, tags and branches, refs, commit history,
tree / paths-info listings, repo info and `resolve` downloads with Range support.
Everything lives in memory and is served on 127.0.0.1 at a random free port.

    with LocalHub() as hub:
        api = HfApi(endpoint=hub.endpoint, token=hub.token)
        api.create_repo("org/claims", repo_type="dataset")

The fixture to use (it makes `HfApi()`, `hf_hub_download()`, `HfFileSystem()` and
`datasets.load_dataset()` all talk to the double, with caches under tmp_path):

    @pytest.fixture
    def hub(monkeypatch, tmp_path):
        blocked = block_external_network(monkeypatch)
        with LocalHub() as server:
            configure_hf_clients(monkeypatch, server.endpoint, server.token, tmp_path / "hf_home")
            yield server
            assert server.server_errors == []  # no handler crashed
        assert blocked == []

How the clients must be pointed at it (read from the installed sources):

* Both libraries read their settings into module constants *at import time*:
  `huggingface_hub.constants.ENDPOINT` and `HUGGINGFACE_CO_URL_TEMPLATE` (used by
  `hf_hub_download` / `HfApi()` / `HfFileSystem()` when no endpoint is passed),
  `HF_HUB_DISABLE_XET`, `HF_HOME`, `HF_HUB_CACHE`, `HF_TOKEN_PATH`; and
  `datasets.config.HF_ENDPOINT`, `HUB_DATASETS_URL`, `HF_DATASETS_CACHE`, ... .
  Setting environment variables in a fixture is therefore not enough once the
  libraries are imported: `configure_hf_clients()` below sets the variables (for
  subprocesses and later imports) *and* patches those constants with `monkeypatch`.
  `HfApi(endpoint=...)` alone works for the HfApi calls, but `hf_hub_download()`,
  `snapshot_download()` and everything in `datasets` go through the constants.
* `HF_TOKEN` is read at call time, so `monkeypatch.setenv("HF_TOKEN", ...)` works.
* `datasets.load_dataset` on `main` (no revision) asks the dataset viewer at
  `http://datasets-server.<endpoint host>` for exported infos, and `increase_load_count`
  sends a HEAD to S3. Both are off-machine: `configure_hf_clients` turns them off
  (`datasets.config.USE_PARQUET_EXPORT` / `HF_UPDATE_DOWNLOAD_COUNTS`).
* With telemetry on, huggingface_hub fetches `{ENDPOINT}/api/agent-harnesses` once per
  process for its user agent; `configure_hf_clients` turns telemetry off, and this
  server answers that endpoint with an empty registry anyway.
* `HfFileSystem` instances are cached per (endpoint, token, thread) together with their
  directory listings: `configure_hf_clients` clears that cache; when a test moves a
  branch and reads it again through datasets/HfFileSystem, call
  `HfFileSystem.clear_instance_cache()` (tags and commit shas are immutable, no issue).
* `block_external_network()` makes any DNS lookup or connection to a non-loopback
  address fail (and records it), so a test cannot silently reach the real Hub.

Hub behaviours reproduced because the clients depend on them:

* A new repo gets an initial commit holding the Hub's default `.gitattributes`, so
  `main` always exists (as on the Hub).
* `preupload` answers `uploadMode` "lfs" for paths matching `.gitattributes` LFS rules
  (e.g. `*.parquet`), files over 10 MB and binary samples, and `oid` for files already
  at the revision (sha256 for LFS, git blob sha1 otherwise): the client then drops
  unchanged files from the commit, as with the real Hub.
* The LFS batch API answers without an upload action for objects the repo already has
  (LFS objects are per repo), so unchanged shards are never uploaded twice.
* Errors carry `X-Error-Code` (`RepoNotFound`, `RevisionNotFound`, `EntryNotFound`) and
  `X-Error-Message` headers, which `hf_raise_for_status` maps to the client exceptions.
  Reads of a missing or private repo without a valid token get 401 + `RepoNotFound`.
  An unknown token gets 401 "Invalid credentials in Authorization header" everywhere.
* A commit whose `parentCommit` is not the branch head gets 412.

What the client makes of the answers (huggingface_hub 2.4 against an http:// endpoint):

* 404/401 + `RepoNotFound` -> RepositoryNotFoundError; `RevisionNotFound` ->
  RevisionNotFoundError; `EntryNotFound` -> RemoteEntryNotFoundError (an
  EntryNotFoundError; datasets turns it into FileNotFoundError).
* 401 on a write, 403, 409 (repo or tag exists), 412, 5xx -> plain HfHubHTTPError with
  `.response.status_code`; 400 -> BadRequestError (also a ValueError). Caution: on the
  real https Hub a 401 from `/api/...` without the "Invalid credentials" message becomes
  RepositoryNotFoundError (its URL regex only matches https), so test the status code.
* `create_commit` sends no commit at all when preupload reports every file unchanged; it
  then returns the current head (even with a stale `parent_commit`).

Not implemented: pull requests (`create_pr`), Xet storage, multipart LFS uploads,
gated repos, organisations and per-repo permissions (a valid write token may write any
repo, any valid token may read private repos).

Test hooks: `fail_next(op, status=...)` injects errors; `requests` logs every request
with the operation name; `lfs_uploads` lists the LFS objects actually uploaded.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import hashlib
import hmac
import ipaddress
import json
import os
import re
import secrets
import socket
import threading
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any, Callable
from urllib.parse import parse_qs, unquote, urlsplit

# Operation names used by the request log and by `fail_next`.
OPERATIONS = (
    "whoami",
    "create_repo",
    "delete_repo",
    "repo_settings",
    "repo_info",
    "tree",
    "paths_info",
    "refs",
    "commits",
    "preupload",
    "commit",
    "create_tag",
    "delete_tag",
    "create_branch",
    "delete_branch",
    "validate_yaml",
    "agent_harnesses",
    "lfs_batch",
    "lfs_upload",
    "lfs_verify",
    "resolve",
)

# The Hub stores files above this size with LFS whatever their name.
LFS_SIZE_THRESHOLD = 10 * 1024 * 1024

# What the Hub puts in a new repo's first commit (abridged from its default file).
DEFAULT_GITATTRIBUTES = "".join(
    f"{pattern} filter=lfs diff=lfs merge=lfs -text\n"
    for pattern in (
        "*.7z", "*.arrow", "*.bin", "*.bz2", "*.ckpt", "*.ftz", "*.gz", "*.h5", "*.joblib",
        "*.lfs.*", "*.lz4", "*.mds", "*.mlmodel", "*.model", "*.msgpack", "*.npy", "*.npz",
        "*.onnx", "*.ot", "*.parquet", "*.pb", "*.pickle", "*.pkl", "*.pt", "*.pth", "*.rar",
        "*.safetensors", "saved_model/**/*", "*.tar.*", "*.tar", "*.tflite", "*.tgz", "*.wasm",
        "*.xz", "*.zip", "*.zst", "*tfevents*", "*.mp3", "*.ogg", "*.wav", "*.flac",
        "*.jpg", "*.jpeg", "*.png", "*.webp", "*.gif", "*.mp4", "*.webm",
    )
)

_REPO_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space"}
_URL_PREFIXES = {"model": "", "dataset": "datasets/", "space": "spaces/"}
_REPO_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
_REF_NAME_RE = re.compile(r"^(?!/)(?!.*//)(?!.*\.\.)(?!.*/$)[A-Za-z0-9._/-]+$")
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


# --------------------------------------------------------------------------- git model


def git_blob_oid(data: bytes) -> str:
    """Git object id of a blob, as the Hub reports it in `oid` / `blobId`."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def lfs_pointer(sha256: str, size: int) -> bytes:
    """The git-lfs pointer file that git stores in place of an LFS file."""
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


@dataclass(frozen=True)
class Blob:
    """File content at a commit; LFS files also carry their sha256."""

    data: bytes
    oid: str
    lfs_sha256: str | None = None

    @classmethod
    def regular(cls, data: bytes) -> Blob:
        return cls(data=data, oid=git_blob_oid(data))

    @classmethod
    def lfs(cls, data: bytes, sha256: str) -> Blob:
        return cls(data=data, oid=git_blob_oid(lfs_pointer(sha256, len(data))), lfs_sha256=sha256)

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def etag(self) -> str:
        """What the Hub sends as (linked) ETag: sha256 for LFS files, the blob oid otherwise."""
        return self.lfs_sha256 or self.oid

    def lfs_info(self) -> dict | None:
        if self.lfs_sha256 is None:
            return None
        return {"oid": self.lfs_sha256, "size": self.size, "pointerSize": len(lfs_pointer(self.lfs_sha256, self.size))}


def _tree_oids(files: dict[str, Blob]) -> dict[str, str]:
    """Git tree ids of every directory ("" is the root), computed like git does."""
    children: dict[str, dict[str, tuple[bytes, str]]] = {"": {}}
    for path, blob in files.items():
        parts = path.split("/")
        for depth in range(1, len(parts)):
            children.setdefault("/".join(parts[:depth]), {})
        children["/".join(parts[:-1])][parts[-1]] = (b"100644", blob.oid)
    oids: dict[str, str] = {}
    for directory in sorted(children, key=lambda d: d.count("/") + bool(d), reverse=True):
        entries = dict(children[directory])
        for sub, sub_oid in oids.items():
            if sub and _parent_dir(sub) == directory:
                entries[sub.rsplit("/", 1)[-1]] = (b"40000", sub_oid)
        # git orders tree entries by name, directories compared as "name/"
        ordered = sorted(entries.items(), key=lambda kv: kv[0] + ("/" if kv[1][0] == b"40000" else ""))
        body = b"".join(mode + b" " + name.encode() + b"\0" + bytes.fromhex(oid) for name, (mode, oid) in ordered)
        oids[directory] = hashlib.sha1(b"tree %d\0" % len(body) + body).hexdigest()
    return oids


def _parent_dir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Commit:
    oid: str
    parent: str | None
    title: str
    description: str
    author: str
    date: datetime
    files: dict[str, Blob]
    tree: dict[str, str]  # directory -> git tree id

    @classmethod
    def create(
        cls, *, parent: Commit | None, files: dict[str, Blob], title: str, description: str, author: str
    ) -> Commit:
        """Build a commit whose oid is the real git commit hash of its content."""
        tree = _tree_oids(files)
        date = datetime.now(timezone.utc)
        stamp = f"{author} <{author}@users.noreply.localhub> {int(date.timestamp())} +0000"
        lines = [f"tree {tree['']}"] + ([f"parent {parent.oid}"] if parent else [])
        lines += [f"author {stamp}", f"committer {stamp}", "", title + (f"\n\n{description}" if description else "")]
        body = ("\n".join(lines) + "\n").encode()
        oid = hashlib.sha1(b"commit %d\0" % len(body) + body).hexdigest()
        return cls(oid, parent.oid if parent else None, title, description, author, date, files, tree)

    def directories(self) -> set[str]:
        """Every directory holding files ("" excluded)."""
        return {d for d in self.tree if d}


@dataclass
class Repo:
    repo_type: str
    repo_id: str
    private: bool
    created_at: datetime
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    lfs_objects: dict[str, bytes] = field(default_factory=dict)  # sha256 -> content

    @property
    def key(self) -> tuple[str, str]:
        return (self.repo_type, self.repo_id)

    def url(self, endpoint: str) -> str:
        return f"{endpoint}/{_URL_PREFIXES[self.repo_type]}{self.repo_id}"

    def resolve(self, revision: str) -> Commit | None:
        """Branch, tag, `refs/heads/x`, `refs/tags/x` or full commit sha, like the Hub."""
        if revision.startswith("refs/heads/"):
            revision = self.branches.get(revision[len("refs/heads/") :], "")
        elif revision.startswith("refs/tags/"):
            revision = self.tags.get(revision[len("refs/tags/") :], "")
        oid = self.branches.get(revision) or self.tags.get(revision) or revision
        return self.commits.get(oid)

    def history(self, commit: Commit) -> list[Commit]:
        """Commits reachable from `commit`, newest first."""
        out = [commit]
        while out[-1].parent is not None:
            out.append(self.commits[out[-1].parent])
        return out


# --------------------------------------------------------------------------- HTTP plumbing


class HubError(Exception):
    """An error answer: JSON body `{"error": message}` plus the Hub's error headers."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.status, self.message, self.code = status, message, code
        self.headers = headers or {}
        self.extra = extra or {}  # more JSON fields, e.g. the repo url of a 409 on create


@dataclass
class Account:
    name: str
    token: str
    role: str  # "write" or "read"


@dataclass
class Request:
    method: str
    path: str  # raw path, without query string
    query: dict[str, list[str]]
    headers: Any
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    account: Account | None = None

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"{}")
        except ValueError as exc:
            raise HubError(400, f"Invalid JSON body: {exc}") from exc

    def flag(self, name: str) -> bool:
        return self.query.get(name, ["false"])[-1].lower() in ("1", "true", "yes")


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        body = json.dumps(payload).encode()
        return cls(status, body, {"Content-Type": "application/json; charset=utf-8", **(headers or {})})


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    op: str
    status: int


@dataclass
class _Fault:
    op: str
    status: int
    message: str
    remaining: int  # how many more requests to fail
    skip: int  # requests of `op` to let through first
    apply: bool  # let the request take effect, only the answer is an error


# Where the Hub serves a repo's files and LFS batch API: under `datasets/`, `spaces/`, and with no
# prefix for models (`rtype` as the /api routes spell it).
_REPO_TYPE_PREFIXES = (("datasets", "datasets"), ("spaces", "spaces"), ("", "models"))


def route(method: str, pattern: str, op: str, *, per_repo_type: bool = False) -> Callable:
    """Register a LocalHub method as the handler of `method pattern` (one per endpoint).

    Pattern segments: literals, `{name}` (one URL segment, unquoted), `{rev}` (a revision:
    one encoded segment, or `refs/<kind>/<name>` unencoded) and `{name*}` (the rest).
    `per_repo_type`: the pattern is served under each repo type's prefix, which sets `rtype`.
    """
    parts = pattern.strip("/").split("/")

    def decorate(handler: Callable) -> Callable:
        if per_repo_type:
            handler.routes = [(method, [prefix, *parts] if prefix else parts, op, {"rtype": rtype})
                              for prefix, rtype in _REPO_TYPE_PREFIXES]
        else:
            handler.routes = [(method, parts, op, {})]
        return handler

    return decorate


def _match(pattern: list[str], segments: list[str]) -> dict[str, str] | None:
    params: dict[str, str] = {}
    i = 0
    for part in pattern:
        if part.endswith("*}"):
            params[part[1:-2]] = "/".join(segments[i:])
            i = len(segments)
        elif part.startswith("{"):
            if i >= len(segments) or not segments[i]:
                return None
            if part == "{rev}" and segments[i] == "refs" and len(segments) - i >= 3:
                params["rev"] = "/".join(segments[i : i + 3])
                i += 3
            else:
                params[part[1:-1]] = segments[i]
                i += 1
        elif i < len(segments) and segments[i] == part:
            i += 1
        else:
            return None
    return params if i == len(segments) else None


# --------------------------------------------------------------------------- the server


class LocalHub:
    """A Hub double on 127.0.0.1. Use as a context manager, or call start()/stop()."""

    def __init__(self, token: str = "hf_test_token", user: str = "test-user", *, host: str = "127.0.0.1"):
        self.token = token
        self.user = user
        self.host = host
        self.endpoint = ""  # set by start()
        self.requests: list[LoggedRequest] = []
        self.lfs_uploads: list[tuple[str, str]] = []  # (repo_id, sha256) of every LFS PUT stored
        self.server_errors: list[str] = []  # tracebacks of unexpected exceptions in handlers
        self._accounts: dict[str, Account] = {token: Account(user, token, "write")}
        self._repos: dict[tuple[str, str], Repo] = {}
        self._faults: list[_Fault] = []
        self._lock = threading.RLock()
        self._signing_key = secrets.token_bytes(16)
        self._routes = [(getattr(self, name), endpoint) for name in dir(type(self))
                        for endpoint in getattr(getattr(type(self), name), "routes", ())]
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> LocalHub:
        hub = self

        class Handler(_Handler):
            local_hub = hub

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self.endpoint = f"http://{self.host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="LocalHub", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        with self._lock:  # drop kept-alive client connections so their threads end now
            for conn in list(self._connections):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> LocalHub:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ----------------------------------------------------------------- test hooks

    def add_token(self, token: str, user: str | None = None, role: str = "write") -> None:
        """Accept another token, e.g. `role="read"` to test a write refused with 403."""
        if role not in ("read", "write"):
            raise ValueError("role must be 'read' or 'write'")
        with self._lock:
            self._accounts[token] = Account(user or self.user, token, role)

    def fail_next(
        self,
        op: str,
        status: int = 500,
        message: str | None = None,
        *,
        times: int = 1,
        after: int = 0,
        apply: bool = False,
    ) -> None:
        """Answer `times` requests of operation `op` (see OPERATIONS) with an error `status`.

        `after` lets that many requests of `op` succeed first (e.g. fail the second commit
        of a publish). By default the failed request changes nothing; `apply=True` lets it
        take effect and only loses the answer, like a timeout after the Hub committed.

        The client retries some calls by itself on 429/5xx (preupload, lfs_batch,
        lfs_upload, lfs_verify, tree, and the HEAD in hf_hub_download), sleeping 1, 2, 4,
        8, 8 s between up to 6 attempts; the commit POST is never retried. To fail those
        calls at once use a status the client does not retry, e.g. 400, 403 or 507.
        """
        if op not in OPERATIONS:
            raise ValueError(f"Unknown operation {op!r}; expected one of {OPERATIONS}")
        if times < 1 or after < 0:
            raise ValueError("times must be >= 1 and after >= 0")
        with self._lock:
            self._faults.append(_Fault(op, status, message or f"Injected failure for {op}", times, after, apply))

    def requests_for(self, op: str) -> list[LoggedRequest]:
        return [r for r in self.requests if r.op == op]

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self.lfs_uploads.clear()

    # ----------------------------------------------------------------- inspection

    def repo_exists(self, repo_id: str, repo_type: str = "dataset") -> bool:
        return (repo_type, repo_id) in self._repos

    def head(self, repo_id: str, repo_type: str = "dataset", branch: str = "main") -> str:
        """Commit sha the branch points to."""
        return self._repos[(repo_type, repo_id)].branches[branch]

    def tags(self, repo_id: str, repo_type: str = "dataset") -> dict[str, str]:
        return dict(self._repos[(repo_type, repo_id)].tags)

    def history(self, repo_id: str, repo_type: str = "dataset", revision: str = "main") -> list[str]:
        """Commit shas from `revision` back to the initial commit, newest first."""
        repo = self._repos[(repo_type, repo_id)]
        return [c.oid for c in repo.history(repo.resolve(revision))]

    def files(self, repo_id: str, revision: str = "main", repo_type: str = "dataset") -> dict[str, bytes]:
        """Snapshot of the repo at `revision`: path -> content."""
        commit = self._repos[(repo_type, repo_id)].resolve(revision)
        if commit is None:
            raise KeyError(revision)
        return {path: blob.data for path, blob in commit.files.items()}

    def is_lfs(self, repo_id: str, path: str, revision: str = "main", repo_type: str = "dataset") -> bool:
        return self._repos[(repo_type, repo_id)].resolve(revision).files[path].lfs_sha256 is not None

    # ----------------------------------------------------------------- dispatch

    def _dispatch(self, method: str, raw_path: str, query: str, headers: Any, body: bytes) -> Response:
        """Route one request; called by the HTTP handler threads."""
        segments = [unquote(s) for s in raw_path.strip("/").split("/")]
        req = Request(method, raw_path, parse_qs(query, keep_blank_values=True), headers, body)
        op, handler = "unknown", None
        for candidate, (route_method, pattern, route_op, fixed) in self._routes:
            if route_method == method or (route_method == "GET" and method == "HEAD"):
                params = _match(pattern, segments)
                if params is not None:
                    op, handler, req.params = route_op, candidate, params | fixed
                    break
        with self._lock:
            try:
                if handler is None:
                    raise HubError(404, f"LocalHub does not implement {method} {raw_path}")
                fault = self._take_fault(op)
                if fault is not None and not fault.apply:
                    raise HubError(fault.status, fault.message)
                req.account = self._authenticate(req, op)
                response = handler(req)
                if fault is not None:
                    raise HubError(fault.status, fault.message)
            except HubError as err:
                response = Response.json({"error": err.message, **err.extra}, err.status, headers=err.headers)
                response.headers["X-Error-Message"] = err.message.replace("\n", " ")
                if err.code:
                    response.headers["X-Error-Code"] = err.code
            except Exception as exc:  # a bug in the double: answer 500 and keep it for the test to see
                self.server_errors.append(f"{method} {raw_path}: {traceback.format_exc()}")
                response = Response.json({"error": f"LocalHub internal error: {exc!r}"}, 500)
            self.requests.append(LoggedRequest(method, raw_path, op, response.status))
        return response

    def _take_fault(self, op: str) -> _Fault | None:
        """The injected failure this request of `op` must get, if any."""
        fault = next((f for f in self._faults if f.op == op), None)
        if fault is None:
            return None
        if fault.skip > 0:
            fault.skip -= 1
            return None
        fault.remaining -= 1
        if fault.remaining == 0:
            self._faults.remove(fault)
        return fault

    def _authenticate(self, req: Request, op: str) -> Account | None:
        """The Hub rejects an unknown token on every endpoint, even public reads."""
        auth = req.headers.get("Authorization") or ""
        if op in ("lfs_upload", "agent_harnesses") or not auth:
            return None
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else auth.strip()
        account = self._accounts.get(token)
        if account is None:
            raise HubError(401, "Invalid credentials in Authorization header")
        return account

    # ----------------------------------------------------------------- access helpers

    def _require_write(self, req: Request) -> Account:
        if req.account is None:
            raise HubError(401, "Invalid username or password.")
        if req.account.role != "write":
            raise HubError(403, "You don't have the rights to write to this repository (read-only token).")
        return req.account

    def _repo(self, req: Request, *, write: bool = False) -> Repo:
        """The repo named by the URL, or the Hub's not-found answer (401 when anonymous)."""
        repo_type = _REPO_TYPES.get(req.params["rtype"])
        if repo_type is None:
            raise HubError(404, f"Unknown repo type {req.params['rtype']!r}")
        repo = self._repos.get((repo_type, f"{req.params['ns']}/{req.params['name']}"))
        if write:
            self._require_write(req)
        if repo is None or (repo.private and req.account is None):
            raise HubError(401 if req.account is None else 404, "Repository not found", code="RepoNotFound")
        return repo

    @staticmethod
    def _commit_at(repo: Repo, revision: str) -> Commit:
        commit = repo.resolve(revision)
        if commit is None:
            raise HubError(404, f"Invalid rev id: {revision}", code="RevisionNotFound")
        return commit

    @staticmethod
    def _branch_head(repo: Repo, revision: str) -> tuple[str, Commit]:
        """Commits, preuploads and branch deletions only target branches."""
        branch = revision.removeprefix("refs/heads/")
        if branch not in repo.branches:
            if repo.resolve(revision) is not None:
                raise HubError(400, f"Invalid rev id: {revision} is not a branch")
            raise HubError(404, f"Invalid rev id: {revision}", code="RevisionNotFound")
        return branch, repo.commits[repo.branches[branch]]

    # ----------------------------------------------------------------- account endpoints

    @route("GET", "api/whoami-v2", "whoami")
    def _whoami(self, req: Request) -> Response:
        """`HfApi.whoami`: who owns the token, with the token's role."""
        if req.account is None:
            raise HubError(401, "Invalid username or password.")
        return Response.json(
            {
                "type": "user",
                "id": hashlib.md5(req.account.name.encode()).hexdigest()[:24],
                "name": req.account.name,
                "fullname": req.account.name,
                "orgs": [],
                "auth": {"type": "access_token", "accessToken": {"displayName": "localhub", "role": req.account.role}},
            }
        )

    @route("POST", "api/validate-yaml", "validate_yaml")
    def _validate_yaml(self, req: Request) -> Response:
        """`create_commit` validates README.md front matter here before uploading."""
        content = req.json().get("content", "")
        error = _front_matter_error(content)
        if error:
            return Response.json({"errors": [{"message": error}], "warnings": []}, 400)
        return Response.json({"errors": [], "warnings": []})

    @route("GET", "api/agent-harnesses", "agent_harnesses")
    def _agent_harnesses(self, req: Request) -> Response:
        """huggingface_hub fetches this registry once per process to build its user agent."""
        return Response.json({"standardEnvVars": [], "harnesses": {}})

    # ----------------------------------------------------------------- repo lifecycle

    @route("POST", "api/repos/create", "create_repo")
    def _create_repo(self, req: Request) -> Response:
        """`create_repo`: 409 with the repo url when it exists (exist_ok relies on it)."""
        account = self._require_write(req)
        payload = req.json()
        name, namespace = payload.get("name") or "", payload.get("organization") or account.name
        repo_type = payload.get("type") or "model"
        if repo_type not in _URL_PREFIXES:
            raise HubError(400, f"Invalid repo type {repo_type!r}")
        if not _REPO_NAME_RE.match(name) or ".." in name or "--" in name or name.endswith(".git"):
            raise HubError(400, f"Invalid repo name {name!r}")
        repo_id = f"{namespace}/{name}"
        existing = self._repos.get((repo_type, repo_id))
        if existing is not None:
            url = existing.url(self.endpoint)
            raise HubError(409, f"You already created this {repo_type} repo", extra={"url": url})
        private = payload.get("visibility") == "private" or bool(payload.get("private"))
        repo = Repo(repo_type, repo_id, private, datetime.now(timezone.utc))
        initial = Commit.create(
            parent=None,
            files={".gitattributes": Blob.regular(DEFAULT_GITATTRIBUTES.encode())},
            title="initial commit",
            description="",
            author=account.name,
        )
        repo.commits[initial.oid] = initial
        repo.branches["main"] = initial.oid
        self._repos[repo.key] = repo
        return Response.json({"url": repo.url(self.endpoint), "name": repo_id, "id": repo_id})

    @route("DELETE", "api/repos/delete", "delete_repo")
    def _delete_repo(self, req: Request) -> Response:
        """`delete_repo`: 404 RepoNotFound when missing (missing_ok relies on it)."""
        account = self._require_write(req)
        payload = req.json()
        repo_id = f"{payload.get('organization') or account.name}/{payload.get('name')}"
        if self._repos.pop((payload.get("type") or "model", repo_id), None) is None:
            raise HubError(404, "Repository not found", code="RepoNotFound")
        return Response.json({})

    @route("PUT", "api/{rtype}/{ns}/{name}/settings", "repo_settings")
    def _repo_settings(self, req: Request) -> Response:
        """`update_repo_settings`: only visibility is modelled."""
        repo = self._repo(req, write=True)
        payload = req.json()
        if "visibility" in payload:
            repo.private = payload["visibility"] == "private"
        elif "private" in payload:
            repo.private = bool(payload["private"])
        return Response.json({})

    # ----------------------------------------------------------------- reading

    @route("GET", "api/{rtype}/{ns}/{name}", "repo_info")
    def _repo_info_main(self, req: Request) -> Response:
        """`repo_info` / `dataset_info` without revision: the main branch."""
        return self._repo_info(req, "main")

    @route("GET", "api/{rtype}/{ns}/{name}/revision/{rev}", "repo_info")
    def _repo_info_at(self, req: Request) -> Response:
        """`repo_info(revision=...)`; also how HfFileSystem checks a revision exists."""
        return self._repo_info(req, req.params["rev"])

    def _repo_info(self, req: Request, revision: str) -> Response:
        repo = self._repo(req)
        commit = self._commit_at(repo, revision)
        blobs = req.flag("blobs")
        siblings = []
        for path in sorted(commit.files):
            blob = commit.files[path]
            sibling: dict[str, Any] = {"rfilename": path}
            if blobs:
                sibling.update(size=blob.size, blobId=blob.oid)
                if blob.lfs_sha256:
                    lfs = blob.lfs_info()
                    sibling["lfs"] = {"sha256": lfs["oid"], "size": lfs["size"], "pointerSize": lfs["pointerSize"]}
            siblings.append(sibling)
        info: dict[str, Any] = {
            "_id": hashlib.md5(f"{repo.repo_type}/{repo.repo_id}".encode()).hexdigest()[:24],
            "id": repo.repo_id,
            "author": repo.repo_id.split("/")[0],
            "sha": commit.oid,
            "lastModified": _iso(commit.date),
            "createdAt": _iso(repo.created_at),
            "private": repo.private,
            "gated": False,
            "disabled": False,
            "downloads": 0,
            "likes": 0,
            "tags": [],
            "siblings": siblings,
            "usedStorage": sum(b.size for b in commit.files.values()),
        }
        if repo.repo_type == "model":
            info["modelId"] = repo.repo_id
        card = commit.files.get("README.md")
        card_data = _front_matter(card.data.decode("utf-8", "replace")) if card else None
        if isinstance(card_data, dict):
            info["cardData"] = card_data
        expand = req.query.get("expand", []) + req.query.get("expand[]", [])
        if expand:
            info = {k: v for k, v in info.items() if k in ("_id", "id") or k in expand}
        return Response.json(info)

    @route("GET", "api/{rtype}/{ns}/{name}/tree/{rev}/{path*}", "tree")
    def _tree(self, req: Request) -> Response:
        """`list_repo_tree` (and HfFileSystem listings): direct children or, with
        `recursive`, every file and directory below `path`."""
        repo = self._repo(req)
        commit = self._commit_at(repo, req.params["rev"])
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
        ordered = sorted(paths, key=lambda p: (p not in directories, p))  # directories first, like the Hub
        return Response.json([self._entry(repo, commit, p, req.flag("expand")) for p in ordered])

    @route("POST", "api/{rtype}/{ns}/{name}/paths-info/{rev}", "paths_info")
    def _paths_info(self, req: Request) -> Response:
        """`get_paths_info` (form-encoded): entries for the paths that exist, others skipped."""
        repo = self._repo(req)
        commit = self._commit_at(repo, req.params["rev"])
        content_type = req.headers.get("Content-Type") or ""
        if "json" in content_type:
            payload = req.json()
            paths, expand = payload.get("paths", []), bool(payload.get("expand"))
        else:
            form = parse_qs(req.body.decode(), keep_blank_values=True)
            paths, expand = form.get("paths", []), form.get("expand", ["False"])[-1].lower() == "true"
        entries = []
        for path in paths:
            path = path.strip("/")
            if path in commit.files or (path and path in commit.tree):
                entries.append(self._entry(repo, commit, path, expand))
        return Response.json(entries)

    def _entry(self, repo: Repo, commit: Commit, path: str, expand: bool) -> dict[str, Any]:
        """One tree / paths-info entry, in the Hub's JSON shape."""
        blob = commit.files.get(path)
        if blob is None:
            entry: dict[str, Any] = {"type": "directory", "oid": commit.tree[path], "size": 0, "path": path}
        else:
            entry = {"type": "file", "oid": blob.oid, "size": blob.size, "path": path}
            if blob.lfs_sha256:
                entry["lfs"] = blob.lfs_info()
        if expand:
            last = self._last_commit(repo, commit, path)
            entry["lastCommit"] = {"id": last.oid, "title": last.title, "date": _iso(last.date)}
            if blob is not None:
                entry["securityFileStatus"] = {"status": "safe", "avScan": None, "pickleImportScan": None}
        return entry

    @staticmethod
    def _last_commit(repo: Repo, commit: Commit, path: str) -> Commit:
        """Newest commit that changed `path` (a file or a directory)."""

        def version(c: Commit) -> str | None:
            blob = c.files.get(path)
            return blob.oid if blob is not None else c.tree.get(path)

        for current in repo.history(commit):
            if current.parent is None or version(current) != version(repo.commits[current.parent]):
                return current
        return commit

    @route("GET", "api/{rtype}/{ns}/{name}/refs", "refs")
    def _refs(self, req: Request) -> Response:
        """`list_repo_refs`: branches and tags with their target commits."""
        repo = self._repo(req)

        def refs(kind: str, table: dict[str, str]) -> list[dict[str, str]]:
            return [{"name": n, "ref": f"refs/{kind}/{n}", "targetCommit": table[n]} for n in sorted(table)]

        return Response.json(
            {
                "branches": refs("heads", repo.branches),
                "converts": [],
                "tags": refs("tags", repo.tags),
                "pullRequests": [],
            }
        )

    @route("GET", "api/{rtype}/{ns}/{name}/commits/{rev}", "commits")
    def _commits(self, req: Request) -> Response:
        """`list_repo_commits`: history from the revision, newest first, in one page."""
        repo = self._repo(req)
        commit = self._commit_at(repo, req.params["rev"])
        return Response.json(
            [
                {
                    "id": c.oid,
                    "title": c.title,
                    "message": c.description,
                    "authors": [{"user": c.author}],
                    "date": _iso(c.date),
                }
                for c in repo.history(commit)
            ]
        )

    @route("GET", "{ns}/{name}/resolve/{rev}/{path*}", "resolve", per_repo_type=True)
    def _resolve(self, req: Request) -> Response:
        """A file download (GET) or its metadata (HEAD), with the headers `hf_hub_download`
        checks: X-Repo-Commit, ETag, X-Linked-Etag / X-Linked-Size for LFS files; Range gives 206
        (HfFileSystem reads)."""
        repo = self._repo(req)
        commit = self._commit_at(repo, req.params["rev"])
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

    # ----------------------------------------------------------------- writing

    @route("POST", "api/{rtype}/{ns}/{name}/preupload/{rev}", "preupload")
    def _preupload(self, req: Request) -> Response:
        """Tell the client which files go through LFS, and the oid of files already there
        (sha256 for LFS, git blob sha1 otherwise) so unchanged files are skipped."""
        repo = self._repo(req, write=True)
        _, commit = self._branch_head(repo, req.params["rev"])
        payload = req.json()
        gitignore = payload.get("gitIgnore")
        if gitignore is None and ".gitignore" in commit.files:
            gitignore = commit.files[".gitignore"].data.decode("utf-8", "replace")
        lfs_rules = _lfs_patterns(commit.files.get(".gitattributes"))
        answers = []
        for item in payload.get("files", []):
            path = item["path"]
            sample = base64.b64decode(item.get("sample") or "")
            is_lfs = item.get("size", 0) > LFS_SIZE_THRESHOLD or _matches(path, lfs_rules) or b"\0" in sample
            answer = {
                "path": path,
                "uploadMode": "lfs" if is_lfs else "regular",
                "shouldIgnore": _matches(path, _gitignore_patterns(gitignore)),
            }
            existing = commit.files.get(path)
            if existing is not None:
                answer["oid"] = existing.lfs_sha256 or existing.oid
            answers.append(answer)
        return Response.json({"files": answers, "commitOid": commit.oid})

    @route("POST", "api/{rtype}/{ns}/{name}/commit/{rev}", "commit")
    def _commit(self, req: Request) -> Response:
        """`create_commit`: apply the NDJSON operations to the branch head atomically.
        412 when `parentCommit` is not the head; LFS files must have been uploaded first."""
        repo = self._repo(req, write=True)
        if req.flag("create_pr"):
            raise HubError(400, "LocalHub does not support pull requests (create_pr)")
        branch, head = self._branch_head(repo, req.params["rev"])
        header, operations = _parse_ndjson_commit(req.body)
        summary = (header.get("summary") or "").strip()
        if not summary:
            raise HubError(400, "A commit summary is required")
        parent = header.get("parentCommit")
        if parent and not head.oid.startswith(parent.lower()):
            raise HubError(412, "A commit has happened since. Please refresh and try again.")
        files = dict(head.files)
        for key, value in operations:
            self._apply_operation(repo, files, key, value)
        _check_no_file_directory_clash(files)
        commit = Commit.create(
            parent=head,
            files=files,
            title=summary,
            description=header.get("description") or "",
            author=req.account.name,
        )
        repo.commits[commit.oid] = commit
        repo.branches[branch] = commit.oid
        return Response.json(
            {
                "success": True,
                "commitOid": commit.oid,
                "commitUrl": f"{repo.url(self.endpoint)}/commit/{commit.oid}",
                "hookOutput": "",
            }
        )

    @staticmethod
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

    @route("POST", "api/{rtype}/{ns}/{name}/tag/{rev}", "create_tag")
    def _create_tag(self, req: Request) -> Response:
        """`create_tag(revision=...)`: 409 when the tag exists."""
        repo = self._repo(req, write=True)
        commit = self._commit_at(repo, req.params["rev"])
        tag = str(req.json().get("tag") or "")
        if not _REF_NAME_RE.match(tag):
            raise HubError(400, f"Invalid tag name {tag!r}")
        if tag in repo.tags:
            raise HubError(409, f"Tag {tag} already exists")
        repo.tags[tag] = commit.oid
        return Response.json({})

    @route("DELETE", "api/{rtype}/{ns}/{name}/tag/{tag}", "delete_tag")
    def _delete_tag(self, req: Request) -> Response:
        repo = self._repo(req, write=True)
        if repo.tags.pop(req.params["tag"], None) is None:
            raise HubError(404, f"Tag {req.params['tag']} not found", code="RevisionNotFound")
        return Response.json({})

    @route("POST", "api/{rtype}/{ns}/{name}/branch/{branch}", "create_branch")
    def _create_branch(self, req: Request) -> Response:
        """`create_branch` (used by datasets' push_to_hub(revision=...)): 409 when it exists."""
        repo = self._repo(req, write=True)
        branch = req.params["branch"]
        if not _REF_NAME_RE.match(branch):
            raise HubError(400, f"Invalid branch name {branch!r}")
        if branch in repo.branches:
            raise HubError(409, f"Branch {branch} already exists")
        start = self._commit_at(repo, req.json().get("startingPoint") or "main")
        repo.branches[branch] = start.oid
        return Response.json({})

    @route("DELETE", "api/{rtype}/{ns}/{name}/branch/{branch}", "delete_branch")
    def _delete_branch(self, req: Request) -> Response:
        repo = self._repo(req, write=True)
        branch, _ = self._branch_head(repo, req.params["branch"])
        if branch == "main":
            raise HubError(403, "Cannot delete the main branch")
        del repo.branches[branch]
        return Response.json({})

    # ----------------------------------------------------------------- LFS

    @route("POST", "{ns}/{name}/info/lfs/objects/batch", "lfs_batch", per_repo_type=True)
    def _lfs_batch(self, req: Request) -> Response:
        """Git LFS batch API (`{endpoint}/datasets/{repo_id}.git/info/lfs/objects/batch`): objects
        the repo already has get no `actions` (the client skips them); others get a signed upload
        href on this server plus a verify href."""
        if not req.params["name"].endswith(".git"):
            raise HubError(404, "The LFS batch API lives under {repo_id}.git/")
        req.params["name"] = req.params["name"].removesuffix(".git")
        repo = self._repo(req, write=True)
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
                base = f"{self.endpoint}/_localhub/lfs/{repo.repo_type}/{repo.repo_id}"
                signature = self._sign(repo, oid, size)
                objects.append(
                    {
                        "oid": oid,
                        "size": size,
                        "authenticated": True,
                        "actions": {
                            "upload": {"href": f"{base}/{oid}?size={size}&signature={signature}", "expires_in": 3600},
                            "verify": {"href": f"{base}/verify"},
                        },
                    }
                )
        return Response.json({"transfer": "basic", "objects": objects, "hash_algo": "sha256"},
                             headers={"Content-Type": "application/vnd.git-lfs+json"})

    def _sign(self, repo: Repo, oid: str, size: int) -> str:
        message = f"{repo.repo_type}/{repo.repo_id}/{oid}/{size}".encode()
        return hmac.new(self._signing_key, message, hashlib.sha256).hexdigest()

    @route("PUT", "_localhub/lfs/{ltype_singular}/{ns}/{name}/{oid}", "lfs_upload")
    def _lfs_upload(self, req: Request) -> Response:
        """The upload href (a pre-signed URL, like S3's: no Authorization header is sent).
        The content must hash to the announced sha256."""
        repo = self._repos.get((req.params["ltype_singular"], f"{req.params['ns']}/{req.params['name']}"))
        oid = req.params["oid"]
        size = int(req.query.get("size", ["-1"])[-1])
        signature = req.query.get("signature", [""])[-1]
        if repo is None or not hmac.compare_digest(signature, self._sign(repo, oid, size)):
            raise HubError(403, "Invalid or expired upload signature")
        if len(req.body) != size or hashlib.sha256(req.body).hexdigest() != oid:
            raise HubError(400, "Uploaded content does not match the announced oid/size")
        repo.lfs_objects[oid] = req.body
        self.lfs_uploads.append((repo.repo_id, oid))
        return Response(200, b"", {"ETag": f'"{oid}"'})

    @route("POST", "_localhub/lfs/{ltype_singular}/{ns}/{name}/verify", "lfs_verify")
    def _lfs_verify(self, req: Request) -> Response:
        """The verify href: 404 unless the object arrived with the expected size."""
        self._require_write(req)
        repo = self._repos.get((req.params["ltype_singular"], f"{req.params['ns']}/{req.params['name']}"))
        payload = req.json()
        data = repo.lfs_objects.get(payload.get("oid")) if repo else None
        if data is None or len(data) != payload.get("size"):
            raise HubError(404, "Object not found")
        return Response.json({"oid": payload["oid"], "size": len(data)})


class _Handler(BaseHTTPRequestHandler):
    """Reads one HTTP/1.1 request (keep-alive, chunked bodies), asks the hub, writes the answer."""

    protocol_version = "HTTP/1.1"
    timeout = 60  # idle keep-alive connections end on their own
    local_hub: LocalHub

    def setup(self) -> None:
        super().setup()
        with self.local_hub._lock:
            self.local_hub._connections.add(self.connection)

    def finish(self) -> None:
        with self.local_hub._lock:
            self.local_hub._connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        response = self.local_hub._dispatch(self.command, parts.path, parts.query, self.headers, self._read_body())
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _handle

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the hub keeps its own request log


# --------------------------------------------------------------------------- helpers


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


def _lfs_patterns(gitattributes: Blob | None) -> list[str]:
    if gitattributes is None:
        return []
    patterns = []
    for line in gitattributes.data.decode("utf-8", "replace").splitlines():
        fields = line.split()
        if fields and not fields[0].startswith("#") and "filter=lfs" in fields[1:]:
            patterns.append(fields[0])
    return patterns


def _gitignore_patterns(text: str | None) -> list[str]:
    if not text:
        return []
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith(("#", "!"))]


def _matches(path: str, patterns: list[str]) -> bool:
    """gitattributes/gitignore-style match: patterns without '/' match the file name."""
    name = path.rsplit("/", 1)[-1]
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" in pattern.strip("/"):
            if fnmatch.fnmatchcase(path, pattern.lstrip("/")) or path.startswith(pattern.lstrip("/") + "/"):
                return True
        elif fnmatch.fnmatchcase(name, pattern) or any(fnmatch.fnmatchcase(p, pattern) for p in path.split("/")[:-1]):
            return True
    return False


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


def _read_front_matter(content: str) -> tuple[Any, str | None]:
    """The card's YAML metadata and why the Hub would refuse it, if it would (None and None
    without front matter or PyYAML)."""
    match = re.match(r"^---\s*\n(.*?)\n---\s*(\n|$)", content, flags=re.DOTALL)
    if match is None:
        return None, None
    try:
        import yaml
    except ImportError:
        return None, None
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        return None, f"Invalid YAML in README.md metadata: {exc}"
    if data is not None and not isinstance(data, dict):
        return data, "README.md metadata must be a YAML mapping"
    return data, None


def _front_matter(content: str) -> Any:
    return _read_front_matter(content)[0]


def _front_matter_error(content: str) -> str | None:
    return _read_front_matter(content)[1]


# --------------------------------------------------------------------------- client setup for tests


def configure_hf_clients(monkeypatch: Any, endpoint: str, token: str | None, home: str | os.PathLike) -> None:
    """Point the real huggingface_hub and datasets at `endpoint`, with caches under `home`.

    Sets the environment (for subprocesses and not-yet-imported modules) and patches the
    module constants both libraries computed at import time. `token=None` leaves no token.
    """
    import huggingface_hub
    from huggingface_hub import constants as hf

    home = Path(home)
    hub_cache, datasets_cache = home / "hub", home / "datasets"
    env = {
        "HF_ENDPOINT": endpoint,
        "HF_HOME": str(home),
        "HF_HUB_CACHE": str(hub_cache),
        "HF_DATASETS_CACHE": str(datasets_cache),
        "HF_HUB_DISABLE_XET": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_UPDATE_DOWNLOAD_COUNTS": "0",
        "HF_HUB_DISABLE_UPDATE_CHECK": "1",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_OIDC_RESOURCE",
                 "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HUGGINGFACE_CO_STAGING"):
        monkeypatch.delenv(name, raising=False)
    if token is None:
        monkeypatch.delenv("HF_TOKEN", raising=False)
    else:
        monkeypatch.setenv("HF_TOKEN", token)

    host = urlsplit(endpoint).hostname
    for name, value in {
        "ENDPOINT": endpoint,
        "HUGGINGFACE_CO_URL_TEMPLATE": endpoint + "/{repo_id}/resolve/{revision}/{filename}",
        "HF_URL_HOSTS": hf.HF_URL_HOSTS | {host},
        "HF_HOME": str(home),
        "HF_HUB_CACHE": str(hub_cache),
        "HUGGINGFACE_HUB_CACHE": str(hub_cache),
        "HF_ASSETS_CACHE": str(home / "assets"),
        "HF_XET_CACHE": str(home / "xet"),
        "HF_TOKEN_PATH": str(home / "token"),
        "HF_STORED_TOKENS_PATH": str(home / "stored_tokens"),
        "AGENT_HARNESSES_PATH": str(home / ".agent_harnesses.json"),
        "CHECK_FOR_UPDATE_DONE_PATH": str(home / ".check_for_update_done"),
        "CHECK_FOR_SKILL_UPDATE_DONE_PATH": str(home / ".check_for_skill_update_done"),
        "HF_HUB_DISABLE_XET": True,
        "HF_HUB_OFFLINE": False,
        "HF_HUB_DISABLE_TELEMETRY": True,
    }.items():
        monkeypatch.setattr(hf, name, value, raising=False)

    try:
        from datasets import config as ds
    except ImportError:
        ds = None
    if ds is not None:
        for name, value in {
            "HF_ENDPOINT": endpoint,
            "HUB_DATASETS_URL": endpoint + "/datasets/{repo_id}/resolve/{revision}/{path}",
            "HF_CACHE_HOME": str(home),
            "HF_DATASETS_CACHE": datasets_cache,
            "HF_MODULES_CACHE": home / "modules",
            "DOWNLOADED_DATASETS_PATH": datasets_cache / "downloads",
            "EXTRACTED_DATASETS_PATH": datasets_cache / "downloads" / "extracted",
            "USE_PARQUET_EXPORT": False,  # would ask datasets-server.<host>, off this machine
            "HF_UPDATE_DOWNLOAD_COUNTS": False,  # would HEAD an S3 bucket
            "HF_HUB_OFFLINE": False,
            "HF_DATASETS_OFFLINE": False,
        }.items():
            monkeypatch.setattr(ds, name, value, raising=False)

    # HfFileSystem caches instances (with their listings) per endpoint and token.
    huggingface_hub.HfFileSystem.clear_instance_cache()


def block_external_network(monkeypatch: Any) -> list[str]:
    """Refuse DNS lookups and connections to anything but loopback; returns the list the
    refused targets are appended to, so a test can assert it stayed empty."""
    blocked: list[str] = []
    real_getaddrinfo = socket.getaddrinfo
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def is_local(host: Any) -> bool:
        if host is None or host in ("localhost", b"localhost"):
            return True
        try:
            return ipaddress.ip_address(host.decode() if isinstance(host, bytes) else host).is_loopback
        except ValueError:
            return False

    def refuse(target: str) -> OSError:
        blocked.append(target)
        return OSError(f"Test network guard: {target} is not on this machine (only loopback is allowed)")

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not is_local(host):
            raise refuse(str(host))
        return real_getaddrinfo(host, *args, **kwargs)

    def check_address(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_local(address[0]):
            raise refuse(f"{address[0]}:{address[1]}")

    def guarded_connect(sock, address):
        check_address(sock, address)
        return real_connect(sock, address)

    def guarded_connect_ex(sock, address):
        check_address(sock, address)
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    return blocked


__all__ = [
    "OPERATIONS",
    "Blob",
    "HubError",
    "LocalHub",
    "LoggedRequest",
    "block_external_network",
    "configure_hf_clients",
    "git_blob_oid",
    "lfs_pointer",
]
