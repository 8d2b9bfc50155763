"""The HTTP plumbing of the test Hub: requests, answers, routing and the socket handler.

It exists so the route modules read as the Hub's behaviour only: a route is a function of
(hub, request) that returns a `Response` or raises `HubError`, registered with `Routes`.
The handler speaks HTTP/1.1 with keep-alive and chunked bodies, as httpx (the clients'
transport) expects.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable
from urllib.parse import urlsplit

MAX_DELAY = 60.0  # the longest a held or dripped answer may take: the server always stops by itself


class HubError(Exception):
    """An error answer: JSON body `{"error": message}` plus the Hub's error headers
    (`X-Error-Code` such as `RepoNotFound`, which the clients map to their exceptions)."""

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

    def response(self) -> Response:
        answer = Response.json({"error": self.message, **self.extra}, self.status, headers=self.headers)
        answer.headers["X-Error-Message"] = self.message.replace("\n", " ")
        if self.code:
            answer.headers["X-Error-Code"] = self.code
        return answer


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
    hold: float = 0.0  # injected: seconds to wait before answering
    drip: float = 0.0  # injected: seconds between the bytes of the answer

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


Handler = Callable[[Any, Request], Response]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: tuple[str, ...]
    op: str
    handler: Handler

    def match(self, method: str, segments: list[str]) -> dict[str, str] | None:
        """The URL parameters when this route serves the request (GET routes also serve HEAD).

        Pattern segments: literals, `{name}` (one URL segment, unquoted), `{rev}` (a revision:
        one encoded segment, or `refs/<kind>/<name>` unencoded) and `{name*}` (the rest).
        """
        if method != self.method and not (self.method == "GET" and method == "HEAD"):
            return None
        params: dict[str, str] = {}
        i = 0
        for part in self.pattern:
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


class Routes(list):
    """The routes of one module; `@routes("GET", "api/...", "op")` registers a handler."""

    def __call__(self, method: str, pattern: str, op: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.append(Route(method, tuple(pattern.strip("/").split("/")), op, handler))
            return handler

        return register


class RequestHandler(BaseHTTPRequestHandler):
    """Reads one HTTP/1.1 request (keep-alive, chunked bodies), asks the hub, writes the answer."""

    protocol_version = "HTTP/1.1"
    timeout = 60  # idle keep-alive connections end on their own
    local_hub: Any  # the LocalHub, set on a subclass per server

    def setup(self) -> None:
        super().setup()
        self.local_hub.track_connection(self.connection, open=True)

    def finish(self) -> None:
        self.local_hub.track_connection(self.connection, open=False)
        try:
            super().finish()
        except OSError:
            pass

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        response = self.local_hub.dispatch(self.command, parts.path, parts.query, self.headers, self._read_body())
        if response.hold and self.local_hub.waking.wait(min(response.hold, MAX_DELAY)):
            self.close_connection = True
            return
        if response.drip:
            self._drip(response)
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        try:
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
        except OSError:  # the client gave up waiting
            self.close_connection = True

    def _drip(self, response: Response) -> None:
        """Send the whole answer, status line first, one byte at a time (a Hub behind a
        struggling proxy); the connection closes after it."""
        self.close_connection = True
        headers = {**response.headers, "Content-Length": str(len(response.body)), "Connection": "close"}
        head = f"HTTP/1.1 {response.status} {self.responses.get(response.status, ('',))[0]}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
        answer = head.encode() + (response.body if self.command != "HEAD" else b"")
        started = time.monotonic()
        for byte in answer:
            if self.local_hub.waking.wait(response.drip) or time.monotonic() - started > MAX_DELAY:
                return
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:  # the client gave up
                return

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
