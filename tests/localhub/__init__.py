"""An in-memory, Hugging Face Hub-compatible HTTP server for tests, on 127.0.0.1.

The suite publishes and loads versions with the real `huggingface_hub` and `datasets` clients;
this double lets them do so without the network. It serves only what the toolkit uses on dataset
repos: create, info, tree, refs, tags, downloads (with Range) and commits with LFS uploads
(`OPERATIONS` lists them). Anything else is answered 404 "LocalHub does not implement ...".

    @pytest.fixture
    def hub(monkeypatch, tmp_path):
        blocked = block_external_network(monkeypatch)
        with LocalHub() as server:
            configure_hf_clients(monkeypatch, server.endpoint, server.token, tmp_path / "hf_home")
            yield server
            assert server.server_errors == []  # no handler crashed
        assert blocked == []

What the client makes of the answers (huggingface_hub 2.4 against an http:// endpoint):

* 404/401 + `RepoNotFound` -> RepositoryNotFoundError; `RevisionNotFound` -> RevisionNotFoundError;
  `EntryNotFound` -> RemoteEntryNotFoundError (datasets turns it into FileNotFoundError). Reads of a
  missing or private repo without a valid token get 401 + `RepoNotFound`; an unknown token gets
  401 "Invalid credentials in Authorization header" everywhere.
* 401 on a write, 403, 409 (repo or tag exists), 412, 5xx -> plain HfHubHTTPError with
  `.response.status_code`; 400 -> BadRequestError. On the real https Hub a 401 from `/api/...`
  without the "Invalid credentials" message becomes RepositoryNotFoundError (its URL regex only
  matches https), so test the status code.
* `create_commit` sends no commit at all when preupload reports every file unchanged; it then
  returns the current head (even with a stale `parent_commit`).

Not implemented: model and space repos, pull requests, branches other than `main`, Xet storage,
multipart LFS uploads, gated repos, organisations and per-repo permissions (a valid write token
may write any repo, any valid token may read private repos).

Test hooks: `fail_next(op, status=...)` injects errors (or, with `body=`, `hold=`, `drip=`, answers
that are not the Hub API, held or dripped one byte at a time; `calm()` ends them); `requests` logs every request with its
operation name; `lfs_uploads` lists the LFS objects actually uploaded.

Modules: `http` (requests, answers, routing), `storage` (git objects, commits, refs, LFS),
`repos` and `commits` (the routes), `server` (LocalHub), `clients` (pointing the clients here).
"""

from .clients import block_external_network, configure_hf_clients
from .http import HubError, LoggedRequest
from .server import OPERATIONS, LocalHub
from .storage import Blob, git_blob_oid, lfs_pointer

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
