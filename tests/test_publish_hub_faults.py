"""A Hub that answers wrong, slowly or not at all: every answer is checked before it is used, every
wait is bounded, no secret of the endpoint is printed, and nothing is half published.

The faults are the test Hub's own (`fail_next` with a body, a hold or a drip), on 127.0.0.1."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import threading
import time

import pytest

import toolkit

from localhub import configure_hf_clients
from test_publish import REPO, data, first_edition, second_edition  # noqa: F401 (data is a fixture)
from toolkit.errors import HubUnavailable
from toolkit.hub import redacted
from toolkit.publishing import publish

pytestmark = pytest.mark.slow  # Hub servers that fail, hold and drip, and publishes that wait for deadlines

NOT_THE_API = [
    b"\xff\xfe<html>captive portal</html>",
    b"",
    b"{}",
    b'{"branches": "main", "tags": 7}',
    b'{"branches": [{"name": "main", "ref": "refs/heads/main", "targetCommit": null}], "tags": []}',
]


@pytest.fixture(autouse=True)
def patience(monkeypatch):
    """No pauses between attempts, and a patience that a busy machine never exhausts; the tests
    of holds and drips set short ones (`impatient`)."""
    monkeypatch.setattr("toolkit.hub._PAUSES", (0, 0))
    monkeypatch.setenv("CLAIMS_HUB_TIMEOUT", "20")
    monkeypatch.setenv("CLAIMS_HUB_DEADLINE", "120")


def impatient(monkeypatch, timeout: float = 20, deadline: float = 120) -> None:
    monkeypatch.setenv("CLAIMS_HUB_TIMEOUT", str(timeout))
    monkeypatch.setenv("CLAIMS_HUB_DEADLINE", str(deadline))


@pytest.fixture
def settled(hub):
    """The test Hub, calmed at the end of the test and every Hub call the toolkit gave up on
    (its thread left to huggingface_hub's own retries) waited for, before the server stops: such
    a call reconnecting to a stopped server would close the shared client under the next test."""
    yield hub
    hub.calm()
    for thread in threading.enumerate():
        if thread.name == "claims-hub":
            thread.join(timeout=60)


def one_clear_line(run) -> str:
    assert run.exit_code == 1, run.stdout + run.stderr
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    return run.stderr


@pytest.mark.parametrize("body", NOT_THE_API, ids=["garbage", "empty", "{}", "wrong-shape", "null-commit"])
def test_an_answer_that_is_not_the_hub_api_is_one_line_naming_the_endpoint(data, hub, cli, body):
    publish([data(first_edition())], REPO)
    head = hub.head(REPO)
    hub.fail_next("refs", status=200, body=body)
    message = one_clear_line(cli("publish", data(second_edition()), "--repo", REPO))
    assert f"the Hub at {hub.endpoint} answered something that is not the Hub API" in message
    assert "list the versions of" in message
    assert hub.head(REPO) == head and set(hub.tags(REPO)) == {"v1.0.0"}


@pytest.mark.parametrize("op", ["tree", "preupload", "lfs_batch"])
def test_a_wrong_answer_anywhere_in_a_publish_is_reported_and_nothing_is_published(data, hub, cli, op):
    publish([data(first_edition())], REPO)
    head = hub.head(REPO)
    hub.fail_next(op, status=200, body=b"<html>not json</html>")
    message = one_clear_line(cli("publish", data(second_edition()), "--repo", REPO))
    assert "not the Hub API" in message and hub.endpoint in message
    assert hub.head(REPO) == head and set(hub.tags(REPO)) == {"v1.0.0"}
    assert str(publish([data(second_edition())], REPO).version) == "1.1.0"


@pytest.mark.parametrize("op, status", [("lfs_upload", 507), ("lfs_upload", 403), ("lfs_verify", 507)])
def test_an_lfs_upload_that_fails_is_one_line_and_nothing_is_published(data, hub, cli, op, status):
    publish([data(first_edition())], REPO)
    head = hub.head(REPO)
    hub.fail_next(op, status=status)
    message = one_clear_line(cli("publish", data(second_edition()), "--repo", REPO))
    assert f"did not store a file when asked to commit to {REPO} (HTTP {status})" in message
    assert "nothing was published" in message
    assert hub.head(REPO) == head and set(hub.tags(REPO)) == {"v1.0.0"}


@pytest.mark.parametrize(
    "secret", ["http://desk:hf_SECRETtoken123@127.0.0.1:{port}", "http://127.0.0.1:{port}/?token=hf_SECRETtoken123"]
)
def test_credentials_in_the_endpoint_are_never_printed(data, cli, monkeypatch, tmp_path, secret):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    configure_hf_clients(monkeypatch, secret.format(port=port), "hf_unreachable_token", tmp_path / "hf_home")
    message = one_clear_line(cli("publish", data(first_edition()), "--repo", REPO))
    assert message.startswith("claims: cannot reach the Hub at http://") and "hf_SECRET" not in message
    assert "***" in message


def test_redacted_masks_user_password_and_query_values():
    assert redacted("http://desk:hf_x@hub.local:8080/api") == "http://***@hub.local:8080/api"
    assert redacted("for url 'https://a@b/x?token=hf_y&v=1'") == "for url 'https://***@b/x?token=***&v=***'"
    assert redacted("https://huggingface.co") == "https://huggingface.co"


def test_a_hub_that_holds_every_request_is_given_up_with_the_reads_timeout(data, hub, cli, monkeypatch):
    publish([data(first_edition())], REPO)
    impatient(monkeypatch, timeout=0.5)
    hub.clear_log()
    hub.fail_next("refs", status=None, hold=60, times=3)
    started = time.monotonic()
    message = one_clear_line(cli("publish", data(second_edition()), "--repo", REPO))
    assert time.monotonic() - started < 30, "a read of 0.5 s, not a hold of 60 s"
    assert f"cannot reach the Hub at {hub.endpoint} to list the versions of {REPO}: timed out" in message
    assert len(hub.requests_for("refs")) == 1, "a read the Hub held a whole timeout is not tried again"
    assert set(hub.tags(REPO)) == {"v1.0.0"}


def test_a_hub_that_drips_its_answer_is_given_up_at_the_deadline(data, hub, settled, cli, monkeypatch):
    publish([data(first_edition())], REPO)
    impatient(monkeypatch, deadline=4)
    hub.fail_next("refs", status=None, drip=0.1, times=3)  # each byte within the read timeout: 30 s in all
    message = one_clear_line(cli("publish", data(second_edition()), "--repo", REPO))
    assert f"did not finish when asked to list the versions of {REPO} within 4 s (CLAIMS_HUB_DEADLINE)" in message
    assert set(hub.tags(REPO)) == {"v1.0.0"}


def test_a_slow_but_steady_hub_is_waited_for(data, hub):
    publish([data(first_edition())], REPO)
    hub.fail_next("refs", status=None, hold=1, times=2)  # under the read timeout: an answer, late
    assert str(publish([data(second_edition())], REPO).version) == "1.1.0"


def test_a_commit_whose_deadline_passed_says_it_may_have_landed(data, hub, settled, cli, monkeypatch):
    publish([data(first_edition())], REPO)
    impatient(monkeypatch, deadline=8)
    hub.fail_next("commit", status=None, drip=0.1, apply=True)
    message = one_clear_line(cli("publish", data(second_edition()), "--repo", REPO))
    assert "did not finish when asked to commit to" in message and "the commit may have landed" in message


@pytest.mark.parametrize("variable", ["CLAIMS_HUB_TIMEOUT", "CLAIMS_HUB_DEADLINE"])
def test_a_patience_that_is_not_a_number_of_seconds_is_a_usage_error(data, hub, cli, monkeypatch, variable):
    monkeypatch.setenv(variable, "soon")
    run = cli("publish", data(first_edition()), "--repo", REPO)
    assert run.exit_code == 2 and f"{variable} takes a number of seconds above 0, not 'soon'" in run.stderr


def test_waiting_for_the_hub_is_shown_on_a_terminal(data, hub, tmp_path):
    """A terminal is told what the publish waits for (here a held answer of 3 s), and the line is
    cleared once the answer came."""
    publish([data(first_edition())], REPO)
    hub.fail_next("refs", status=None, hold=3.5)
    env = {**os.environ, "CLAIMS_HUB_TIMEOUT": "10", "CLAIMS_HUB_DEADLINE": "20"}
    leader, follower = pty.openpty()
    claims = os.path.join(os.path.dirname(sys.executable), "claims")
    process = subprocess.Popen(
        [claims, "publish", str(data(second_edition())), "--repo", REPO],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    shown = b""
    try:
        while process.poll() is None or select.select([leader], [], [], 0)[0]:
            if select.select([leader], [], [], 0.2)[0]:
                try:
                    shown += os.read(leader, 4096)
                except OSError:
                    break
        stdout = process.communicate(timeout=60)[0].decode()
    finally:
        os.close(leader)
    assert process.returncode == 0 and "published v1.1.0" in stdout
    assert f"waiting for the Hub to list the versions of {REPO}: 2 s".encode() in shown
    assert shown.endswith(b"\r\x1b[K"), "the waiting line is cleared"


def test_the_deadline_error_is_the_toolkit_s_own(data, hub, settled, monkeypatch):
    publish([data(first_edition())], REPO)
    impatient(monkeypatch, deadline=4)
    hub.fail_next("tree", status=None, drip=0.1, times=3)
    with pytest.raises(HubUnavailable, match="did not finish"):
        publish([data(second_edition())], REPO)


@pytest.mark.parametrize("damage", ["empty schema", "truncated parquet"])
def test_a_damaged_cached_copy_of_the_latest_version_is_fetched_again(data, hub, cli, tmp_path, damage):
    publish([data(first_edition())], REPO)
    publish([data(second_edition())], REPO)
    third = [*second_edition(), dict(second_edition()[0], id="claim-98", claim="Another new claim.")]
    publish([data(third)], REPO, dry_run=True)  # caches v1.1.0, the latest, to compare with
    cache = tmp_path / "hf_home" / "hub" / "datasets--factcheck-desk--korea-claims"
    snapshot = cache / "snapshots" / hub.tags(REPO)["v1.1.0"]
    if damage == "empty schema":
        (snapshot / "claim.schema.json").write_text("")
    else:
        shard = next((snapshot / "data").glob("*.parquet"))
        shard.write_bytes(shard.read_bytes()[:100])
    run = cli("publish", data(third), "--repo", REPO)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "published v1.2.0" in run.stdout and "(1 added, 0 changed, 0 removed)" in run.stdout


def test_a_file_the_hub_serves_wrong_is_an_error_never_read(data, hub, cli):
    publish([data(first_edition())], REPO)
    hub.fail_next("resolve", status=200, body=b"", times=20)
    message = one_clear_line(cli("publish", data(second_edition()), "--repo", REPO))
    assert "does not match its checksum" in message or "not the Hub API" in message or "cannot reach" in message
    assert set(hub.tags(REPO)) == {"v1.0.0"}


# --- a commit that landed without its tag (B40) ---------------------------------------------------


def test_a_tag_that_failed_is_finished_by_publishing_the_same_claims_again(data, hub, cli):
    publish([data(first_edition())], REPO)
    hub.fail_next("create_tag", status=500)
    message = one_clear_line(cli("publish", data(second_edition()), "--repo", REPO))
    landed = hub.head(REPO)
    assert f"The commit {landed} is on main without its tag v1.1.0: publish the same claims again" in message
    assert set(hub.tags(REPO)) == {"v1.0.0"}
    run = cli("publish", data(second_edition()), "--repo", REPO)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.stdout.startswith(f"finished v1.1.0 on {REPO} (after v1.0.0): its commit had landed on main without its tag")
    assert hub.tags(REPO)["v1.1.0"] == hub.head(REPO) == landed, "tagged, no second commit"
    assert "nothing changed since v1.1.0" in cli("publish", data(second_edition()), "--repo", REPO).stdout


def test_a_lost_answer_on_the_commit_says_it_may_have_landed_and_a_re_run_finishes_it(data, hub, cli):
    publish([data(first_edition())], REPO)
    hub.fail_next("commit", status=504, apply=True)
    message = one_clear_line(cli("publish", data(second_edition()), "--repo", REPO))
    assert "HTTP 504" in message and "the commit may have landed without its version tag" in message
    dry = cli("publish", data(second_edition()), "--repo", REPO, "--dry-run")
    assert dry.exit_code == 0 and dry.stdout.startswith("would finish v1.1.0") and set(hub.tags(REPO)) == {"v1.0.0"}
    run = cli("publish", data(second_edition()), "--repo", REPO)
    assert run.exit_code == 0 and run.stdout.startswith("finished v1.1.0")
    assert hub.tags(REPO)["v1.1.0"] == hub.head(REPO)
    assert toolkit.load(REPO)["id"].to_list() == toolkit.load(REPO, "v1.1.0")["id"].to_list()


def test_other_claims_never_tag_a_commit_they_do_not_match(data, hub, cli):
    publish([data(first_edition())], REPO)
    hub.fail_next("create_tag", status=500)
    cli("publish", data(second_edition()), "--repo", REPO)
    landed = hub.head(REPO)
    other = [*first_edition(), dict(first_edition()[0], id="claim-77", claim="Someone else's claim.")]
    message = one_clear_line(cli("publish", data(other), "--repo", REPO))
    assert f"main of {REPO} is at {landed}, a commit after v1.0.0 that has no version tag" in message
    assert "Publish the claims of the stopped publish again to finish it" in message
    assert hub.head(REPO) == landed and set(hub.tags(REPO)) == {"v1.0.0"}
    assert cli("publish", data(second_edition()), "--repo", REPO).exit_code == 0
    run = cli("publish", data([*second_edition(), other[-1]]), "--repo", REPO)
    assert run.exit_code == 0 and "published v1.2.0" in run.stdout


def test_a_publish_killed_between_its_commit_and_its_tag_is_finished_by_a_re_run(data, hub, cli):
    publish([data(first_edition())], REPO)
    hub.clear_log()
    hub.fail_next("create_tag", status=500, hold=60)  # the tag request waits; the process is killed meanwhile
    claims = os.path.join(os.path.dirname(sys.executable), "claims")
    process = subprocess.Popen([claims, "publish", str(data(second_edition())), "--repo", REPO],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if hub.requests_for("create_tag") or process.poll() is not None:
                break
            time.sleep(0.1)
    finally:
        process.kill()
        process.wait()
    assert hub.requests_for("create_tag") and hub.head(REPO) != hub.tags(REPO)["v1.0.0"], "killed after the commit"
    assert set(hub.tags(REPO)) == {"v1.0.0"}
    run = cli("publish", data(second_edition()), "--repo", REPO)
    assert run.exit_code == 0 and run.stdout.startswith("finished v1.1.0")
    assert hub.tags(REPO)["v1.1.0"] == hub.head(REPO)


def test_a_latest_version_damaged_on_the_hub_itself_is_one_line(data, hub, cli):
    from huggingface_hub import HfApi

    publish([data(first_edition())], REPO)
    api = HfApi()
    info = api.upload_file(path_or_fileobj=b"", path_in_repo="claim.schema.json", repo_id=REPO, repo_type="dataset")
    api.create_tag(REPO, tag="v1.0.1", revision=info.oid, repo_type="dataset")
    message = one_clear_line(cli("publish", data(second_edition()), "--repo", REPO))
    assert f"v1.0.1 on {REPO} cannot be read to compare with" in message and "nothing was changed" in message


def test_finish_tags_a_stopped_publish_whose_claims_are_gone(data, hub, cli):
    from huggingface_hub import HfApi

    publish([data(first_edition())], REPO)
    run = cli("publish", data(second_edition()), "--repo", REPO, "--finish")
    assert run.exit_code == 1 and f"nothing to finish on {REPO}: main is at v1.0.0" in run.stderr
    hub.fail_next("create_tag", status=500)
    cli("publish", data(second_edition()), "--repo", REPO)
    landed = hub.head(REPO)
    run = cli("publish", data(first_edition()), "--repo", REPO, "--finish")  # the edition that stopped is gone
    assert run.exit_code == 0 and run.stdout == f"finished v1.1.0: tagged {landed}, which a stopped publish left on main untagged\n"
    assert hub.tags(REPO)["v1.1.0"] == landed
    HfApi().upload_file(path_or_fileobj=b"notes", path_in_repo="notes.txt", repo_id=REPO, repo_type="dataset")
    message = one_clear_line(cli("publish", data(second_edition()), "--repo", REPO, "--finish"))
    assert "which is not a release stopped before its tag after v1.1.0" in message
    assert set(hub.tags(REPO)) == {"v1.0.0", "v1.1.0"}


def test_a_process_given_up_on_a_dripping_download_ends_without_waiting_for_the_drip(data, hub, monkeypatch):
    """The download runs in huggingface_hub's own worker threads, which the interpreter waits for
    at exit: their connections are closed at the deadline, so `claims` ends then, not when the
    drip does (the test Hub drips for up to 60 s)."""
    publish([data(first_edition())], REPO)
    hub.fail_next("resolve", status=None, drip=0.5, times=10)
    claims = os.path.join(os.path.dirname(sys.executable), "claims")
    run = subprocess.run([claims, "publish", str(data(second_edition())), "--repo", REPO], capture_output=True,
                         text=True, timeout=40, env={**os.environ, "CLAIMS_HUB_DEADLINE": "6", "CLAIMS_HUB_TIMEOUT": "3"})
    assert run.returncode == 1 and "did not finish when asked to download" in run.stderr


def test_a_given_up_operation_sends_no_other_request(data, hub, monkeypatch):
    """Regression: a worker given up at its deadline went on in the background with the Hub
    client's own retries (23 s here) on the client later operations share, and now and then broke
    the next test's publish ("Bad file descriptor"). Given up, it sends no other request."""
    publish([data(first_edition())], REPO)
    impatient(monkeypatch, timeout=2, deadline=3)
    hub.fail_next("tree", status=None, drip=0.05, times=3)
    with pytest.raises(HubUnavailable, match="did not finish"):
        publish([data(second_edition())], REPO)
    hub.stop()  # its answer ends: a worker still at work would retry, against a closed port
    ends = time.monotonic() + 10
    while any(t.name == "claims-hub" for t in threading.enumerate()) and time.monotonic() < ends:
        time.sleep(0.05)
    assert not [t for t in threading.enumerate() if t.name == "claims-hub"], "the given-up worker still runs"
