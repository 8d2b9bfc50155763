"""A dataset repository on the Hugging Face Hub as a publish target, through `huggingface_hub`.

The endpoint comes from HF_ENDPOINT, the token from HF_TOKEN or the saved login (or `token=`).
Neither the token nor credentials written into the endpoint are printed: errors are rewritten
into messages of our own (`redacted`), and every failure is one of the toolkit's errors (never an
HTTP library's). Every answer is checked before it is used: an answer that is not the Hub API
(garbage, an empty body, `{}`, the wrong shape) is an error naming the endpoint, and every file
downloaded must match the checksum its listing gives (a damaged cache is fetched again).

Each Hub operation has the toolkit's own patience: a connect and read timeout, and a deadline for
the whole operation, retries included (`Patience`, settable through the environment); while it
waits, a terminal is told so. Reads that fail for a passing reason (5xx, 429, a refused or reset
connection) are retried a few times, not one that timed out (the Hub held it a whole timeout); only a real "repository not found" means a new repository. Writes are never
retried: a commit that may have landed is said to, and the next publish finishes it.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import AccessDenied, HubUnavailable, PublishConflict, PublishError, TagExists, TargetNotFound, UsageError
from .files import identities

_PAUSES = (0.5, 2.0)  # seconds between the attempts of a read: three attempts, bounded
_COMMIT_ID = re.compile(r"^[0-9a-f]{40}$")
TIMEOUT_VARIABLE = "CLAIMS_HUB_TIMEOUT"
DEADLINE_VARIABLE = "CLAIMS_HUB_DEADLINE"
_LOCAL_ERRORS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS}
_SHOW_WAITING_AFTER = 2.0  # seconds of silence before a terminal is told what we wait for


def _hf():
    """huggingface_hub is imported only by the commands that talk to the Hub."""
    import huggingface_hub

    return huggingface_hub


@dataclass(frozen=True)
class Patience:
    """How long to wait for the Hub: `timeout` to connect and for each read (a Hub that holds the
    request), `deadline` for one whole operation with its retries (a Hub that drips its answer)."""

    timeout: float = 30.0
    deadline: float = 300.0

    @classmethod
    def from_environment(cls) -> Patience:
        """CLAIMS_HUB_TIMEOUT and CLAIMS_HUB_DEADLINE, in seconds, over the defaults."""
        values = {}
        for name, variable in (("timeout", TIMEOUT_VARIABLE), ("deadline", DEADLINE_VARIABLE)):
            text = os.environ.get(variable, "").strip()
            if not text:
                continue
            try:
                values[name] = float(text)
            except ValueError:
                values[name] = -1.0
            if not 0 < values[name] < 1e6:
                raise UsageError(f"{variable} takes a number of seconds above 0, not {text!r}")
        return cls(**values)


class _Overdue(Exception):
    """An operation outlived its deadline."""


class _GivenUp(Exception):
    """Raised in a worker whose operation was given up, at its next request (never retried)."""


def _stop_given_up(request) -> None:
    """A request hook: a worker whose operation outlived its deadline (marked `given_up`) sends no
    other request (the client's own retries included), so it ends within one read timeout and
    shares the Hub client with nothing that comes after."""
    if getattr(threading.current_thread(), "given_up", False):
        raise _GivenUp(f"given up before {request.method} {request.url.path}")


def _guarded_session(timeout: float) -> None:
    """huggingface_hub's shared client, with the toolkit's timeout and the hook that stops a
    given-up worker's requests."""
    session = _hf().utils.get_session()
    session.timeout = _httpx().Timeout(timeout)
    if _stop_given_up not in session.event_hooks["request"]:
        session.event_hooks = {**session.event_hooks, "request": [*session.event_hooks["request"], _stop_given_up]}


class _NotTheHubApi(Exception):
    """An answer that is not what the Hub API answers."""


class HubTarget:
    def __init__(self, repo_id: str, *, token: str | None = None, patience: Patience | None = None):
        self.repo_id = repo_id
        self.name = repo_id
        self.api = _hf().HfApi(token=token)
        self.patience = patience or Patience.from_environment()

    def _call(self, what: str, function, *args, read: bool = False, **kwargs):
        """Run one Hub operation within the deadline, turning its failures into ours (never
        echoing a secret); a read is retried after a server error or a network failure."""
        hf = _hf()
        attempts = len(_PAUSES) + 1 if read else 1
        give_up = time.monotonic() + self.patience.deadline
        for attempt in range(attempts):
            last = attempt == attempts - 1 or time.monotonic() + _PAUSES[attempt] >= give_up
            try:
                return self._waited(
                    what, give_up, lambda: function(*args, repo_id=self.repo_id, repo_type="dataset", **kwargs)
                )
            except _Overdue:
                raise HubUnavailable(
                    f"the Hub at {_endpoint()} did not finish when asked to {what} {self.repo_id} within "
                    f"{self.patience.deadline:g} s ({DEADLINE_VARIABLE}){_landed(what)}"
                ) from None
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
                if isinstance(error, OSError) and error.errno in _LOCAL_ERRORS:  # the disk: full, not ours
                    raise PublishError(
                        f"cannot write {error.filename or 'into the Hub cache'} (HF_HOME) to {what} {self.repo_id}: "
                        f"{error.strerror}{_landed(what, before=True)}"
                    ) from None
                held = isinstance(error, (_httpx().TimeoutException, TimeoutError))  # waited a whole timeout already
                if not last and not held and not isinstance(error, hf.errors.OfflineModeIsEnabled):
                    time.sleep(_PAUSES[attempt])
                    continue
                tries = f" (tried {attempt + 1} times)" if attempt else ""
                raise HubUnavailable(
                    f"cannot reach the Hub at {_endpoint()} to {what} {self.repo_id}{tries}: {_reason(error)}{_landed(what)}"
                ) from None
            except RuntimeError as error:  # huggingface_hub wraps an LFS upload's failure
                cause = _http_cause(error)
                status = cause.response.status_code if cause is not None and cause.response is not None else None
                raise HubUnavailable(
                    f"the Hub at {_endpoint()} did not store a file when asked to {what} {self.repo_id}"
                    f"{f' (HTTP {status})' if status else ''}: {_reason(cause or error.__cause__ or error)}"
                    f"{_landed(what, before=True)}"
                ) from None
            except (_NotTheHubApi, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
                wrong = (
                    _reason(error) if isinstance(error, _NotTheHubApi) else f"{type(error).__name__}: {_reason(error)}"
                )
                raise HubUnavailable(
                    f"the Hub at {_endpoint()} answered something that is not the Hub API when asked to {what} "
                    f"{self.repo_id} ({wrong}){_landed(what)}"
                ) from None
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _waited(self, what: str, give_up: float, work: Callable[[], Any]) -> Any:
        """`work()`, run aside so that waiting has a deadline and, on a terminal, a voice."""
        _guarded_session(self.patience.timeout)
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                with _no_progress_bars():
                    outcome["value"] = work()
            except BaseException as error:  # handed to the caller's thread as it is
                outcome["error"] = error

        worker = threading.Thread(target=run, name="claims-hub", daemon=True)
        started = time.monotonic()
        worker.start()
        shown = False
        while worker.is_alive():
            now = time.monotonic()
            if now >= give_up:
                break
            worker.join(min(1.0, give_up - now))
            waited = time.monotonic() - started
            if worker.is_alive() and waited >= _SHOW_WAITING_AFTER and sys.stderr.isatty():
                sys.stderr.write(
                    f"\rclaims: waiting for the Hub to {what} {self.repo_id}: {waited:.0f} s "
                    f"(gives up at {self.patience.deadline:g} s) "
                )
                sys.stderr.flush()
                shown = True
        if shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
        if worker.is_alive():
            worker.given_up = True  # type: ignore[attr-defined]
            _hf().utils.close_session()  # its connections closed: the abandoned reads end at their next byte
            _guarded_session(self.patience.timeout)  # and the client made anew still stops its retries
            raise _Overdue()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

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
        reason = f"HTTP {status} {_reason(error)}" if error is not None else f"HTTP {status}"
        if status is None or status >= 500 or status == 429:
            return HubUnavailable(f"the Hub could not {what} {self.repo_id}: {reason}{_landed(what)}")
        return PublishError(f"the Hub could not {what} {self.repo_id}: {reason}")

    def check_publishable(self) -> None:
        """Any Hub repository may be published to; the token decides."""

    def prepare(self, private: bool = False) -> None:
        self._call("create", self.api.create_repo, private=private, exist_ok=True)

    def tags(self) -> dict[str, str]:
        return {tag.name: tag.target_commit for tag in self._refs().tags}

    def head(self) -> str | None:
        return _main(self._refs())

    def _refs(self):
        return self._call("list the versions of", _checked(self.api.list_repo_refs, _check_refs), read=True)

    def files(self, revision: str) -> dict[str, str]:
        # `list_repo_tree` is a generator: listed inside the call, so that its requests are retried
        # and their errors turned into ours like every other call's.
        entries = self._call(
            "list the files of",
            _checked(_listed(self.api.list_repo_tree), _check_tree),
            revision=revision,
            recursive=True,
            read=True,
        )
        found = {}
        for entry in entries:
            if not hasattr(entry, "blob_id"):
                continue  # a folder
            lfs = getattr(entry, "lfs", None)
            found[entry.path] = f"sha256:{lfs.sha256}" if lfs else f"git:{entry.blob_id}"
        return found

    def fetch(self, revision: str, patterns: list[str]) -> Path:
        """The files at `revision` matching `patterns`, each checked against the checksum the
        listing gives: a cached copy that was damaged (an emptied or truncated file) is fetched
        again, and a file the Hub serves wrong is an error, never read."""
        hf = _hf()
        wanted = {path: identity for path, identity in self.files(revision).items() if _matches(path, patterns)}
        for again in (False, True):
            folder = Path(
                self._call(
                    f"download {revision} of",
                    hf.snapshot_download,
                    revision=revision,
                    allow_patterns=patterns,
                    token=self.api.token,
                    etag_timeout=self.patience.timeout,
                    force_download=again,
                    read=True,
                )
            )
            damaged = sorted(path for path, identity in wanted.items() if not _holds(folder / path, identity))
            if not damaged:
                return folder
        raise HubUnavailable(
            f"the Hub at {_endpoint()} served {damaged[0]} of {revision} of {self.repo_id} with content that does not "
            "match its checksum, twice; nothing was changed"
        )

    def release(
        self, folder: Path, upload: list[str], delete: list[str], message: str, parent: str | None, tag: str
    ) -> str:
        """One commit on main (refused by the Hub if main is no longer `parent`), then the tag on
        that exact commit. The Hub has no transaction for both: a tag that fails after the commit
        landed leaves a commit that the next publish of the same claims tags."""
        hf = _hf()
        refs = self._refs()  # a last look, to refuse before committing rather than after
        if _main(refs) != parent:
            raise self._moved(refs)
        if any(t.name == tag for t in refs.tags):
            raise TagExists(f"tag {tag} already exists on {self.repo_id}; tags are never moved; nothing was changed")
        operations = [hf.CommitOperationAdd(path_in_repo=name, path_or_fileobj=str(folder / name)) for name in upload]
        operations += [hf.CommitOperationDelete(path_in_repo=name) for name in delete]
        try:
            info = self._call(
                "commit to",
                _checked(self.api.create_commit, _check_commit),
                operations=operations,
                commit_message=message,
                parent_commit=parent,
                revision="main",
            )
        except PublishConflict:
            raise self._moved(self._refs()) from None
        self.tag(info.oid, tag, message)
        return info.oid

    def tag(self, commit: str, tag: str, message: str) -> None:
        """Tag a commit that landed; a tag already on that very commit is fine (a publish that
        finished it meanwhile)."""
        try:
            self._call("tag", self.api.create_tag, tag=tag, revision=commit, tag_message=message)
        except PublishError as error:
            if isinstance(error, TagExists) and self.tags().get(tag) == commit:
                return
            raise type(error)(
                f"{error}. The commit {commit} is on main without its tag {tag}: publish the same claims again "
                "to finish it"
            ) from None

    def _moved(self, refs) -> PublishConflict:
        """Main is not where this publish started: name the version that moved it."""
        head = _main(refs)
        moved_by = next((t.name for t in refs.tags if t.target_commit == head), None)
        by = f" ({moved_by} was published)" if moved_by else f" (main is now at {head}, with no version tag)"
        return PublishConflict(
            f"{self.repo_id} changed on the Hub since this publish started{by}; nothing was changed: "
            "publish again to build on it"
        )


def redacted(text: str) -> str:
    """`text` with the credentials of every URL in it masked: user and password
    (`http://desk:hf_x@host`) and the values of the query (`?token=...`). Endpoints and the
    reasons quoted from errors go through it before they are printed."""
    text = re.sub(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@'\"]*@", r"\1***@", text)
    return re.sub(r"([?&][^=\s&#'\"]*=)[^&\s#'\"]*", r"\1***", text)


def _landed(what: str, before: bool = False) -> str:
    """What a failed commit leaves: maybe a commit on main without its tag."""
    if what != "commit to":
        return ""
    if before:
        return "; nothing was published"
    return (
        "; the commit may have landed without its version tag: publish the same claims again, "
        "which finishes it (tags that commit) if it did"
    )


@contextmanager
def _no_progress_bars():
    """huggingface_hub's progress bars are off: the toolkit says itself what it waits for."""
    utils = _hf().utils
    if utils.are_progress_bars_disabled():
        yield
        return
    utils.disable_progress_bars()
    try:
        yield
    finally:
        utils.enable_progress_bars()


def _httpx():
    import httpx2

    return httpx2


def _main(refs) -> str | None:
    return next((branch.target_commit for branch in refs.branches if branch.name == "main"), None)


def _endpoint() -> str:
    return redacted(_hf().constants.ENDPOINT)


def _listed(function: Callable[..., Iterable[Any]]) -> Callable[..., list[Any]]:
    """A call that returns a generator, made to fetch everything before it returns."""
    return lambda *args, **kwargs: list(function(*args, **kwargs))


def _checked(function: Callable[..., Any], check: Callable[[Any], None]) -> Callable[..., Any]:
    """A call whose answer is checked before anything uses it."""

    def call(*args, **kwargs):
        answer = function(*args, **kwargs)
        check(answer)
        return answer

    return call


def _check_refs(refs) -> None:
    for ref in [*refs.branches, *refs.tags]:
        if not isinstance(ref.name, str) or not _COMMIT_ID.match(str(ref.target_commit)):
            raise _NotTheHubApi(f"a ref {str(ref.name)[:60]!r} pointing at {str(ref.target_commit)[:60]!r}")


def _check_tree(entries: list[Any]) -> None:
    for entry in entries:
        if not isinstance(getattr(entry, "path", None), str):
            raise _NotTheHubApi("a file listed without a path")
        if hasattr(entry, "blob_id") and not isinstance(entry.blob_id, str):
            raise _NotTheHubApi(f"{entry.path[:60]!r} listed without a blob id")


def _check_commit(info) -> None:
    if not _COMMIT_ID.match(str(getattr(info, "oid", ""))):
        raise _NotTheHubApi(f"a commit answered with the id {str(getattr(info, 'oid', None))[:60]!r}")


def _matches(path: str, patterns: list[str]) -> bool:
    return bool(list(_hf().utils.filter_repo_objects([path], allow_patterns=patterns)))


def _holds(path: Path, identity: str) -> bool:
    try:
        return identity in identities(path)
    except OSError:
        return False


def _http_cause(error: BaseException):
    """The Hub's HTTP error behind a wrapped failure, if there is one."""
    hf = _hf()
    seen = error.__cause__ or error.__context__
    while seen is not None:
        if isinstance(seen, hf.errors.HfHubHTTPError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _reason(error) -> str:
    """The server's message without request details (which could carry headers), and with no
    credentials."""
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return redacted(text[:300])
