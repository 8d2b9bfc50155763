"""The Hub failing, refusing or out of reach: a failed read is retried and never taken for a new
repository, every failure is one line and the toolkit's own error, and nothing is half published."""

from __future__ import annotations

import pytest
from huggingface_hub import HfApi

import toolkit
from test_publish import REPO, data, first_edition, second_edition  # noqa: F401 (data is a fixture)
from toolkit.errors import AccessDenied, HubUnavailable, PublishConflict, TargetNotFound
from toolkit.publishing import publish

pytestmark = pytest.mark.slow  # Hub servers answering with errors, and the real clients' retries


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch):
    monkeypatch.setattr("toolkit.hub._PAUSES", (0, 0))


def test_a_passing_server_error_reading_refs_is_retried(data, hub):
    publish([data(first_edition())], REPO)
    hub.fail_next("refs", status=500)
    result = publish([data(second_edition())], REPO)
    assert str(result.version) == "1.1.0", "the repository was not taken for a new one"
    statuses = [r.status for r in hub.requests_for("refs")]
    assert 500 in statuses and statuses[statuses.index(500) + 1] == 200, "retried at once"
    assert hub.tags(REPO)["v1.1.0"] == hub.head(REPO) == result.commit


def test_a_lasting_server_error_is_reported_never_taken_for_a_new_repository(data, hub, cli):
    publish([data(first_edition())], REPO)
    head = hub.head(REPO)
    hub.fail_next("refs", status=500, times=50)
    hub.fail_next("repo_info", status=500, times=50)
    run = cli("publish", data(second_edition()), "--repo", REPO)
    assert run.exit_code == 1, run.stdout + run.stderr
    assert run.stderr.count("\n") == 1 and "HTTP 500" in run.stderr and "Traceback" not in run.stderr
    assert len([r for r in hub.requests_for("refs") if r.status == 500]) == 3, "three attempts, then reported"
    assert hub.head(REPO) == head and set(hub.tags(REPO)) == {"v1.0.0"}
    with pytest.raises(HubUnavailable):
        toolkit.load(REPO)


def test_an_unreachable_hub_is_one_line(data, unreachable_hub, cli, tmp_path):
    run = cli("publish", data(first_edition()), "--repo", REPO)
    assert run.exit_code == 1
    assert run.stderr.startswith("claims: cannot reach the Hub at " + unreachable_hub) and run.stderr.count("\n") == 1
    assert "Traceback" not in run.stderr and "hf_unreachable_token" not in run.stdout + run.stderr
    run = cli("pull", REPO, "--out", tmp_path / "x.csv")
    assert run.exit_code == 1 and run.stderr.startswith("claims: cannot reach the Hub") and not (tmp_path / "x.csv").exists()
    with pytest.raises(HubUnavailable):
        toolkit.load(REPO, revision="v1.0.0")


def test_a_commit_nobody_tagged_stops_the_next_publish(data, hub):
    publish([data(first_edition())], REPO)
    HfApi().upload_file(path_or_fileobj=b"someone's half-published change", path_in_repo="notes.txt",
                        repo_id=REPO, repo_type="dataset")  # a publish paused between commit and tag
    head = hub.head(REPO)
    with pytest.raises(PublishConflict, match="a commit after v1.0.0 that has no version tag"):
        publish([data(second_edition())], REPO)
    assert hub.head(REPO) == head and set(hub.tags(REPO)) == {"v1.0.0"}


def test_a_tag_refused_after_the_commit_names_the_commit(data, hub, cli):
    publish([data(first_edition())], REPO)
    hub.fail_next("create_tag", status=500)
    run = cli("publish", data(second_edition()), "--repo", REPO)
    assert run.exit_code == 1 and f"The commit {hub.head(REPO)} is on main without its tag" in run.stderr
    assert set(hub.tags(REPO)) == {"v1.0.0"}


def test_pull_tells_a_missing_repository_from_a_rejected_token(hub, cli, monkeypatch, tmp_path):
    run = cli("pull", "factcheck-desk/no-such-claims", "--out", tmp_path / "x.csv")
    assert run.exit_code == 2 and "no dataset repository factcheck-desk/no-such-claims" in run.stderr
    with pytest.raises(TargetNotFound):
        toolkit.load("factcheck-desk/no-such-claims")
    monkeypatch.setenv("HF_TOKEN", "hf_rejected_token")
    run = cli("pull", "factcheck-desk/no-such-claims", "--out", tmp_path / "x.csv")
    assert run.exit_code == 1 and "the Hub rejected the token (HTTP 401)" in run.stderr
    assert "hf_rejected_token" not in run.stdout + run.stderr and "Traceback" not in run.stderr
    with pytest.raises(AccessDenied):
        toolkit.load("factcheck-desk/no-such-claims")


def test_hub_progress_bars_stay_off_the_logs(data, hub, cli, tmp_path):
    publish([data(first_edition())], REPO)
    run = cli("pull", REPO, "--out", tmp_path / "v1.parquet")
    assert run.exit_code == 0 and run.stderr == "", "no progress bar when stderr is not a terminal"
    run = cli("publish", data(second_edition()), "--repo", REPO)
    assert run.exit_code == 0 and run.stderr == ""


def test_listing_the_files_fails_as_the_toolkit_s_own_error(data, hub):
    """`list_repo_tree` is a generator: its requests run while it is listed, so they are now made
    inside the call that turns Hub errors into ours (review finding: a missing revision surfaced as
    a raw client error, which the CLI showed as "cannot read or write")."""
    from toolkit.errors import ClaimsError
    from toolkit.hub import HubTarget

    publish([data(first_edition())], REPO)
    with pytest.raises(ClaimsError):
        HubTarget(REPO).files("0" * 40)
