"""`LocalHub`: the test Hub's lifecycle, accounts, test hooks and request dispatch.

It exists so that tests have one object to start, to inspect (heads, tags, files, uploads)
and to make fail (`fail_next`), while the routes stay plain functions of (hub, request).
Every request is logged with its operation name, which is how a test asserts what the
client sent, and how one finds which operations the suite uses.
"""

from __future__ import annotations

import secrets
import socket
import threading
import traceback
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

from . import commits, repos
from .http import Account, HubError, LoggedRequest, Request, RequestHandler, Response
from .storage import Commit, Repo

ROUTES = (*repos.routes, *commits.routes)
# Operation names used by the request log and by `fail_next`.
OPERATIONS = tuple(dict.fromkeys(route.op for route in ROUTES))


@dataclass
class _Fault:
    op: str
    status: int | None  # None: the real answer (only held or dripped)
    message: str
    remaining: int  # how many more requests to fail
    skip: int  # requests of `op` to let through first
    apply: bool  # let the request take effect, only the answer is an error
    body: bytes | None = None  # the answer's body as it is (garbage, empty, `{}`, the wrong shape)
    hold: float = 0.0  # seconds to wait before answering
    drip: float = 0.0  # seconds between the bytes of the answer

    def answer(self, real: Response | None) -> Response:
        if self.status is None:
            assert real is not None  # a fault keeping the real answer lets the request through
            response = real
        elif self.body is not None:
            response = Response(self.status, self.body, {"Content-Type": "application/json"})
        else:
            response = HubError(self.status, self.message).response()
        response.hold, response.drip = self.hold, self.drip
        return response


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
        self.repos: dict[str, Repo] = {}  # repo_id -> dataset repo
        self.signing_key = secrets.token_bytes(16)  # signs the LFS upload hrefs
        self._accounts: dict[str, Account] = {token: Account(user, token, "write")}
        self._faults: list[_Fault] = []
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self.waking = threading.Event()  # ends held and dripping answers (`calm`, `stop`)

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> LocalHub:
        class Handler(RequestHandler):
            local_hub = self

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = True
        self.waking.clear()
        self.endpoint = f"http://{self.host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="LocalHub", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self.waking.set()
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

    def track_connection(self, conn: socket.socket, *, open: bool) -> None:
        with self._lock:
            (self._connections.add if open else self._connections.discard)(conn)

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
        status: int | None = 500,
        message: str | None = None,
        *,
        times: int = 1,
        after: int = 0,
        apply: bool = False,
        body: bytes | None = None,
        hold: float = 0.0,
        drip: float = 0.0,
    ) -> None:
        """Answer `times` requests of operation `op` (see OPERATIONS) with an error `status`.

        `after` lets that many requests of `op` succeed first (e.g. fail the second commit
        of a publish). By default the failed request changes nothing; `apply=True` lets it
        take effect and only loses the answer, like a timeout after the Hub committed.

        `body` answers those bytes instead of the Hub's JSON error (with `status=200`: garbage,
        an empty body, `{}` or JSON of the wrong shape where the client expects an answer).
        `hold` waits that many seconds before answering, `drip` sends the answer (status line,
        headers, body) one byte every `drip` seconds; `status=None` keeps the real answer (a
        slow Hub). Both end when the server stops, and never last more than `http.MAX_DELAY`.

        The client retries some calls by itself on 429/5xx (preupload, lfs_batch,
        lfs_upload, lfs_verify, tree, and the HEAD in hf_hub_download), sleeping 1, 2, 4,
        8, 8 s between up to 6 attempts; the commit POST is never retried. To fail those
        calls at once use a status the client does not retry, e.g. 400, 403 or 507.
        """
        if op not in OPERATIONS:
            raise ValueError(f"Unknown operation {op!r}; expected one of {OPERATIONS}")
        if times < 1 or after < 0 or hold < 0 or drip < 0:
            raise ValueError("times must be >= 1, and after, hold and drip >= 0")
        if status is None and (body is not None or not (hold or drip)):
            raise ValueError("status=None (the real answer) is for a held or dripped answer, without a body")
        message = message or f"Injected failure for {op}"
        with self._lock:
            self._faults.append(_Fault(op, status, message, times, after, apply, body, hold, drip))

    def calm(self) -> None:
        """Drop the faults not yet used and end the held and dripping answers now; the server
        keeps serving, so a client still retrying in the background gets real answers and ends."""
        with self._lock:
            self._faults.clear()
        self.waking.set()

    def requests_for(self, op: str) -> list[LoggedRequest]:
        return [r for r in self.requests if r.op == op]

    def clear_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self.lfs_uploads.clear()

    # ----------------------------------------------------------------- inspection

    def repo_exists(self, repo_id: str) -> bool:
        return repo_id in self.repos

    def head(self, repo_id: str, branch: str = "main") -> str:
        """Commit sha the branch points to."""
        return self.repos[repo_id].branches[branch]

    def tags(self, repo_id: str) -> dict[str, str]:
        return dict(self.repos[repo_id].tags)

    def history(self, repo_id: str, revision: str = "main") -> list[str]:
        """Commit shas from `revision` back to the initial commit, newest first."""
        repo = self.repos[repo_id]
        return [c.oid for c in repo.history(repo.resolve(revision))]

    def files(self, repo_id: str, revision: str = "main") -> dict[str, bytes]:
        """Snapshot of the repo at `revision`: path -> content."""
        commit = self.repos[repo_id].resolve(revision)
        if commit is None:
            raise KeyError(revision)
        return {path: blob.data for path, blob in commit.files.items()}

    def is_lfs(self, repo_id: str, path: str, revision: str = "main") -> bool:
        return self.repos[repo_id].resolve(revision).files[path].lfs_sha256 is not None

    # ----------------------------------------------------------------- dispatch

    def dispatch(self, method: str, raw_path: str, query: str, headers: Any, body: bytes) -> Response:
        """Route one request; called by the HTTP handler threads, one request at a time."""
        segments = [unquote(s) for s in raw_path.strip("/").split("/")]
        req = Request(method, raw_path, parse_qs(query, keep_blank_values=True), headers, body)
        op, handler = "unknown", None
        for route in ROUTES:
            params = route.match(method, segments)
            if params is not None:
                op, handler, req.params = route.op, route.handler, params
                break
        with self._lock:
            try:
                if handler is None:
                    raise HubError(404, f"LocalHub does not implement {method} {raw_path}")
                fault = self._take_fault(op)
                if fault is not None and not fault.apply and fault.status is not None:
                    response = fault.answer(None)
                else:
                    req.account = self._authenticate(req, op)
                    response = handler(self, req) if fault is None else fault.answer(handler(self, req))
            except HubError as err:
                response = err.response()
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
        """The Hub rejects an unknown token on every endpoint, even public reads (the LFS
        upload href is pre-signed and carries no token)."""
        auth = req.headers.get("Authorization") or ""
        if op == "lfs_upload" or not auth:
            return None
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else auth.strip()
        account = self._accounts.get(token)
        if account is None:
            raise HubError(401, "Invalid credentials in Authorization header")
        return account

    # ----------------------------------------------------------------- access rules for the routes

    @staticmethod
    def require_write(req: Request) -> Account:
        if req.account is None:
            raise HubError(401, "Invalid username or password.")
        if req.account.role != "write":
            raise HubError(403, "You don't have the rights to write to this repository (read-only token).")
        return req.account

    def repo_for(self, req: Request, *, write: bool = False) -> Repo:
        """The repo named by the URL, or the Hub's not-found answer (401 when anonymous)."""
        repo = self.repos.get(f"{req.params['ns']}/{req.params['name']}")
        if write:
            self.require_write(req)
        if repo is None or (repo.private and req.account is None):
            raise HubError(401 if req.account is None else 404, "Repository not found", code="RepoNotFound")
        return repo

    @staticmethod
    def commit_at(repo: Repo, revision: str) -> Commit:
        commit = repo.resolve(revision)
        if commit is None:
            raise HubError(404, f"Invalid rev id: {revision}", code="RevisionNotFound")
        return commit

    @staticmethod
    def branch_head(repo: Repo, revision: str) -> tuple[str, Commit]:
        """Commits and preuploads only target branches."""
        branch = revision.removeprefix("refs/heads/")
        if branch not in repo.branches:
            if repo.resolve(revision) is not None:
                raise HubError(400, f"Invalid rev id: {revision} is not a branch")
            raise HubError(404, f"Invalid rev id: {revision}", code="RevisionNotFound")
        return branch, repo.commits[repo.branches[branch]]
