"""The real huggingface_hub and datasets clients against the LocalHub test double.

These tests pin down the protocol the rest of the suite relies on: if a client upgrade
changes what it sends or expects, they fail here first.
"""

from __future__ import annotations

import hashlib
import io
import socket

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from huggingface_hub import (
    CommitOperationAdd,
    CommitOperationDelete,
    HfApi,
    HfFileSystem,
    hf_hub_download,
    snapshot_download,
)
from huggingface_hub.errors import (
    EntryNotFoundError,
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from localhub import OPERATIONS, LocalHub, block_external_network, configure_hf_clients

pytestmark = pytest.mark.slow  # the test Hub server driven by the real Hub clients

REPO = "claims-org/claims"
SHARD = "data/train-00000-of-00001.parquet"
CARD = """---
configs:
- config_name: default
  data_files:
  - split: train
    path: data/train-*.parquet
---
# Claims
"""


# The `hub` fixture (a fresh LocalHub, both clients pointed at it, every other address refused)
# lives in conftest.py.


@pytest.fixture
def api(hub):
    """HfApi() with no arguments: proves the patched endpoint and HF_TOKEN are used."""
    return HfApi()


def parquet_bytes(rows: dict[str, list]) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.table(rows), buffer)
    return buffer.getvalue()


def publish(api: HfApi, rows: dict[str, list], message: str, repo_id: str = REPO, **kwargs):
    """Commit a dataset card and one parquet shard, the way the toolkit publishes."""
    return api.create_commit(
        repo_id,
        repo_type="dataset",
        commit_message=message,
        operations=[
            CommitOperationAdd("README.md", CARD.encode()),
            CommitOperationAdd(SHARD, parquet_bytes(rows)),
        ],
        **kwargs,
    )


def status_of(excinfo: pytest.ExceptionInfo) -> int:
    return excinfo.value.response.status_code


# ----------------------------------------------------------------------------- auth


def test_wrong_or_missing_token_is_refused_with_401(hub, api):
    api.create_repo(REPO, repo_type="dataset")
    head = hub.head(REPO)
    wrong, anonymous = HfApi(token="hf_not_a_token"), HfApi(token=False)

    with pytest.raises(HfHubHTTPError) as excinfo:
        wrong.list_repo_refs(REPO, repo_type="dataset")
    assert status_of(excinfo) == 401

    for client in (wrong, anonymous):
        with pytest.raises(HfHubHTTPError) as excinfo:
            client.create_repo("claims-org/other", repo_type="dataset")
        assert status_of(excinfo) == 401
        with pytest.raises(HfHubHTTPError) as excinfo:
            client.create_commit(
                REPO,
                repo_type="dataset",
                commit_message="sneaky",
                operations=[CommitOperationAdd("x.txt", b"x")],
            )
        assert status_of(excinfo) == 401
        with pytest.raises(HfHubHTTPError) as excinfo:
            client.create_tag(REPO, tag="v0", revision=head, repo_type="dataset")
        assert status_of(excinfo) == 401

    assert hub.head(REPO) == head
    assert hub.tags(REPO) == {}
    assert not hub.repo_exists("claims-org/other")


def test_read_only_token_gets_403_on_write(hub, api):
    api.create_repo(REPO, repo_type="dataset")
    hub.add_token("hf_read_only", role="read")
    reader = HfApi(token="hf_read_only")
    assert reader.dataset_info(REPO).sha == hub.head(REPO)
    with pytest.raises(HfHubHTTPError) as excinfo:
        reader.create_tag(REPO, tag="v0", repo_type="dataset")
    assert status_of(excinfo) == 403


def test_private_repo_is_hidden_without_token(hub, api):
    api.create_repo(REPO, repo_type="dataset", private=True)
    api.create_repo("claims-org/public", repo_type="dataset", private=False)
    anonymous = HfApi(token=False)

    assert anonymous.dataset_info("claims-org/public").private is False
    assert api.dataset_info(REPO).private is True
    with pytest.raises(RepositoryNotFoundError):
        anonymous.dataset_info(REPO)
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download(REPO, ".gitattributes", repo_type="dataset", token=False)
    assert hf_hub_download(REPO, ".gitattributes", repo_type="dataset")


def test_create_repo_conflicts_with_409_and_exist_ok_accepts_it(hub, api):
    url = api.create_repo(REPO, repo_type="dataset")
    assert (url.repo_id, url.repo_type) == (REPO, "dataset")
    with pytest.raises(HfHubHTTPError) as excinfo:
        api.create_repo(REPO, repo_type="dataset")
    assert status_of(excinfo) == 409
    assert api.create_repo(REPO, repo_type="dataset", exist_ok=True).repo_id == REPO
    # a new repo holds the Hub's initial commit, so main exists from the start
    assert api.list_repo_files(REPO, repo_type="dataset") == [".gitattributes"]


# ----------------------------------------------------------------------------- commits


def test_commit_tag_and_refs_round_trip(hub, api):
    api.create_repo(REPO, repo_type="dataset")
    info = publish(api, {"claim": ["a", "b"]}, "Publish v1")
    assert info.oid == hub.head(REPO)
    assert info.commit_url == f"{hub.endpoint}/datasets/{REPO}/commit/{info.oid}"
    assert hub.is_lfs(REPO, SHARD) and not hub.is_lfs(REPO, "README.md")

    api.create_tag(REPO, tag="v1.0.0", revision=info.oid, repo_type="dataset")
    with pytest.raises(HfHubHTTPError) as excinfo:
        api.create_tag(REPO, tag="v1.0.0", revision=info.oid, repo_type="dataset")
    assert status_of(excinfo) == 409

    refs = api.list_repo_refs(REPO, repo_type="dataset")
    assert [(b.name, b.target_commit) for b in refs.branches] == [("main", info.oid)]
    assert [(t.name, t.ref, t.target_commit) for t in refs.tags] == [("v1.0.0", "refs/tags/v1.0.0", info.oid)]

    assert hub.history(REPO) == [info.oid, hub.history(REPO)[-1]]

    tagged = api.dataset_info(REPO, revision="v1.0.0")
    assert tagged.sha == info.oid
    assert tagged.card_data.configs[0]["config_name"] == "default"
    assert sorted(s.rfilename for s in tagged.siblings) == [".gitattributes", "README.md", SHARD]

    tree = list(api.list_repo_tree(REPO, repo_type="dataset", recursive=True, revision="v1.0.0"))
    assert sorted(entry.path for entry in tree) == [".gitattributes", "README.md", "data", SHARD]
    shard = next(entry for entry in tree if entry.path == SHARD)
    shard_bytes = hub.files(REPO)[SHARD]
    assert shard.lfs.sha256 == hashlib.sha256(shard_bytes).hexdigest()
    assert shard.size == len(shard_bytes)
    assert api.file_exists(REPO, SHARD, repo_type="dataset", revision="v1.0.0")
    assert not api.file_exists(REPO, "nope.parquet", repo_type="dataset")


def test_unchanged_lfs_file_is_not_uploaded_again(hub, api):
    api.create_repo(REPO, repo_type="dataset")
    rows = {"claim": ["a", "b", "c"]}
    publish(api, rows, "Publish v1")
    shard_oid = hashlib.sha256(parquet_bytes(rows)).hexdigest()
    assert hub.lfs_uploads == [(REPO, shard_oid)]
    hub.clear_log()

    # same shard, new card: preupload reports the shard's oid and the client leaves it out
    api.create_commit(
        REPO,
        repo_type="dataset",
        commit_message="Reword card",
        operations=[
            CommitOperationAdd("README.md", (CARD + "More words.\n").encode()),
            CommitOperationAdd(SHARD, parquet_bytes(rows)),
        ],
    )
    assert hub.lfs_uploads == []
    assert len(hub.history(REPO)) == 3

    # same content under a new name: the LFS batch says the object is already there
    api.create_commit(
        REPO,
        repo_type="dataset",
        commit_message="Copy shard",
        operations=[CommitOperationAdd("data/copy.parquet", parquet_bytes(rows))],
    )
    assert hub.lfs_uploads == []
    assert [r.status for r in hub.requests_for("lfs_batch")] == [200, 200]
    assert hub.requests_for("lfs_upload") == []
    assert hub.files(REPO)["data/copy.parquet"] == parquet_bytes(rows)


def test_parent_commit_that_is_not_the_head_is_refused_with_412(hub, api):
    api.create_repo(REPO, repo_type="dataset")
    first = publish(api, {"claim": ["a"]}, "v1")
    second = publish(api, {"claim": ["b"]}, "v2", parent_commit=first.oid)
    with pytest.raises(HfHubHTTPError) as excinfo:
        publish(api, {"claim": ["c"]}, "v3", parent_commit=first.oid)
    assert status_of(excinfo) == 412
    assert "A commit has happened since" in str(excinfo.value)
    assert hub.head(REPO) == second.oid


def test_injected_commit_failure_leaves_head_unchanged_and_retry_succeeds(hub, api):
    api.create_repo(REPO, repo_type="dataset")
    before = hub.head(REPO)
    hub.fail_next("commit")
    with pytest.raises(HfHubHTTPError) as excinfo:
        publish(api, {"claim": ["a"]}, "v1")
    assert status_of(excinfo) == 500
    assert hub.head(REPO) == before
    assert len(hub.lfs_uploads) == 1  # the shard went up before the commit failed

    info = publish(api, {"claim": ["a"]}, "v1")
    assert hub.head(REPO) == info.oid != before
    assert len(hub.lfs_uploads) == 1  # the retry found the object already stored
    assert [r.status for r in hub.requests_for("commit")] == [500, 200]


def test_failure_hook_can_spare_requests_and_lose_an_applied_answer(hub, api):
    api.create_repo(REPO, repo_type="dataset")
    hub.fail_next("commit", after=1)
    first = publish(api, {"claim": ["a"]}, "v1")
    with pytest.raises(HfHubHTTPError):
        publish(api, {"claim": ["b"]}, "v2")
    assert hub.head(REPO) == first.oid

    hub.fail_next("commit", status=504, apply=True)  # the Hub commits, the answer is lost
    with pytest.raises(HfHubHTTPError) as excinfo:
        publish(api, {"claim": ["c"]}, "v3", parent_commit=first.oid)
    assert status_of(excinfo) == 504
    landed = hub.head(REPO)
    assert landed != first.oid
    commits_sent = len(hub.requests_for("commit"))

    # Retrying the identical publish is a no-op: preupload reports every file unchanged,
    # so the client sends no commit at all (even with a stale parent_commit) and returns the head.
    retry = publish(api, {"claim": ["c"]}, "v3", parent_commit=first.oid)
    assert retry.oid == landed == hub.head(REPO)
    assert len(hub.requests_for("commit")) == commits_sent
    # A retry that changes anything does reach the Hub, and the stale parent is refused.
    with pytest.raises(HfHubHTTPError) as excinfo:
        publish(api, {"claim": ["d"]}, "v3", parent_commit=first.oid)
    assert status_of(excinfo) == 412


def test_delete_operations(hub, api):
    api.create_repo(REPO, repo_type="dataset")
    publish(api, {"claim": ["a"]}, "v1")
    api.create_commit(
        REPO,
        repo_type="dataset",
        commit_message="Drop data",
        operations=[CommitOperationDelete("data/"), CommitOperationDelete("README.md")],
    )
    assert api.list_repo_files(REPO, repo_type="dataset") == [".gitattributes"]
    with pytest.raises(EntryNotFoundError):
        api.create_commit(
            REPO,
            repo_type="dataset",
            commit_message="Drop again",
            operations=[CommitOperationDelete("README.md")],
        )


# ----------------------------------------------------------------------------- reading


def test_hf_hub_download_and_snapshot_download_follow_tags(hub, api):
    api.create_repo(REPO, repo_type="dataset")
    for version, rows in (("v1.0.0", {"claim": ["a"]}), ("v2.0.0", {"claim": ["b", "c"]})):
        info = publish(api, rows, f"Publish {version}")
        api.create_tag(REPO, tag=version, revision=info.oid, repo_type="dataset")

    for version, expected in (("v1.0.0", ["a"]), ("v2.0.0", ["b", "c"])):
        path = hf_hub_download(REPO, SHARD, repo_type="dataset", revision=version)
        assert pq.read_table(path).column("claim").to_pylist() == expected
        folder = snapshot_download(REPO, repo_type="dataset", revision=version)
        assert pq.read_table(f"{folder}/{SHARD}").column("claim").to_pylist() == expected
        assert open(f"{folder}/README.md").read() == CARD


def test_missing_revision_repo_or_file_raise_the_hub_errors(hub, api):
    api.create_repo(REPO, repo_type="dataset")
    with pytest.raises(RevisionNotFoundError):
        hf_hub_download(REPO, ".gitattributes", repo_type="dataset", revision="v9.9.9")
    with pytest.raises(RevisionNotFoundError):
        api.dataset_info(REPO, revision="refs/convert/parquet")
    with pytest.raises(RevisionNotFoundError):
        api.create_tag(REPO, tag="v1", revision="no-such-branch", repo_type="dataset")
    with pytest.raises(RepositoryNotFoundError):
        api.dataset_info("claims-org/nothing-here")
    with pytest.raises(RepositoryNotFoundError):
        hf_hub_download("claims-org/nothing-here", "README.md", repo_type="dataset")
    with pytest.raises(EntryNotFoundError):
        hf_hub_download(REPO, "README.md", repo_type="dataset")


def test_hf_file_system_lists_and_reads_ranges(hub, api):
    api.create_repo(REPO, repo_type="dataset")
    info = publish(api, {"claim": ["a"]}, "v1")
    api.create_tag(REPO, tag="v1.0.0", revision=info.oid, repo_type="dataset")
    api.upload_file(path_or_fileobj=b"0123456789", path_in_repo="notes.txt", repo_id=REPO, repo_type="dataset")

    fs = HfFileSystem()
    root = f"datasets/{REPO}"
    assert fs.glob(f"{root}@v1.0.0/data/*.parquet") == [f"{root}@v1.0.0/{SHARD}"]
    assert not fs.exists(f"{root}@v1.0.0/notes.txt")
    with fs.open(f"{root}/notes.txt", "rb", block_size=4) as f:
        f.seek(3)
        assert f.read(4) == b"3456"
    assert 206 in [r.status for r in hub.requests_for("resolve")]
    assert fs.cat_file(f"{root}/notes.txt", start=8) == b"89"
    with pytest.raises(FileNotFoundError):
        fs.info(f"{root}@refs%2Fconvert%2Fparquet/notes.txt")


def test_load_dataset_returns_the_rows_of_each_tag(hub, api):
    api.create_repo(REPO, repo_type="dataset")
    for version, rows in (("v1.0.0", {"claim": ["a", "b"]}), ("v2.0.0", {"claim": ["c", "d", "e"]})):
        info = publish(api, rows, f"Publish {version}")
        api.create_tag(REPO, tag=version, revision=info.oid, repo_type="dataset")

    first = datasets.load_dataset(REPO, revision="v1.0.0", split="train")
    second = datasets.load_dataset(REPO, revision="v2.0.0", split="train")
    assert first["claim"] == ["a", "b"]
    assert second["claim"] == ["c", "d", "e"]


def test_what_the_toolkit_does_not_use_is_not_served(hub, api):
    """Only dataset repos and the operations in OPERATIONS: anything else is refused, so a
    toolkit change that starts using a new Hub call fails here instead of passing silently."""
    with pytest.raises(HfHubHTTPError) as excinfo:
        api.whoami()
    assert status_of(excinfo) == 404 and "LocalHub does not implement GET /api/whoami-v2" in str(excinfo.value)
    with pytest.raises(HfHubHTTPError) as excinfo:
        api.create_repo("claims-org/model")  # a model repo
    assert status_of(excinfo) == 400
    assert [r.op for r in hub.requests] == ["unknown", "create_repo"]
    with pytest.raises(ValueError, match="Unknown operation"):
        hub.fail_next("delete_tag")
    assert "create_commit" not in OPERATIONS and {"preupload", "commit", "create_tag", "refs"} <= set(OPERATIONS)


def test_network_guard_refuses_anything_but_loopback(monkeypatch, tmp_path):
    """The guard stops names and addresses that are not loopback before the real socket
    functions see them: they are replaced by spies first, which record any call that gets
    through (and never connect). `.invalid` names never resolve (RFC 2606)."""
    reached: list[object] = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: reached.append(host) or [])
    monkeypatch.setattr(socket.socket, "connect", lambda sock, address: reached.append(address))
    monkeypatch.setattr(socket.socket, "connect_ex", lambda sock, address: reached.append(address) or 0)
    blocked = block_external_network(monkeypatch)
    configure_hf_clients(monkeypatch, "https://hub.invalid", None, tmp_path / "hf_home")

    with pytest.raises(Exception, match="network guard"):  # the client's ConnectError
        HfApi().dataset_info("any/thing")
    with socket.socket() as sock:
        with pytest.raises(OSError, match="network guard"):
            sock.connect(("hub.invalid", 443))  # connect resolves names itself, past getaddrinfo
        with pytest.raises(OSError, match="network guard"):
            sock.connect_ex(("hub.invalid", 443))
    assert reached == [], "a refused target reached the real socket functions"
    assert blocked == ["hub.invalid", "hub.invalid:443", "hub.invalid:443"]

    with socket.socket() as sock:  # loopback goes through to the real functions
        sock.connect(("127.0.0.1", 9))
        assert socket.getaddrinfo("localhost", 80) == []
    assert reached == [("127.0.0.1", 9), "localhost"]


def test_server_lifecycle_and_failure_hook_validation():
    hub = LocalHub(token="hf_other")
    with pytest.raises(ValueError):
        hub.fail_next("comit")
    with hub:
        assert hub.endpoint.startswith("http://127.0.0.1:")
        HfApi(endpoint=hub.endpoint, token="hf_other").create_repo(REPO, repo_type="dataset")
        assert hub.repo_exists(REPO)
    hub.stop()  # idempotent
