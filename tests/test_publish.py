"""`claims publish` / `pull` / `diff` and `toolkit.load`: versions on a local release store and on
a Hub-compatible server, with the real git, huggingface_hub and datasets."""

from __future__ import annotations

import io
import json
import subprocess

import datasets
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import toolkit
from conftest import valid_record
from toolkit.building import build
from toolkit.errors import PublishConflict, TagExists, UsageError, VersionNotFound
from toolkit.publishing import load, publish

REPO = "factcheck-desk/korea-claims"


def jsonl(records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def first_edition():
    return [valid_record(id=f"claim-{n:02d}", claim=f"Claim number {n} about the border.", date=f"2018-12-{n:02d}")
            for n in range(1, 9)]


def second_edition():
    """One claim added, one status changed."""
    records = first_edition()
    records[2]["status"] = "mostly-false"
    return records + [valid_record(id="claim-99", claim="A new claim.", date="2018-12-20")]


def theirs():
    return first_edition() + [valid_record(id="someone-else", claim="Theirs.")]


def someone_else_publishes_meanwhile(monkeypatch, target_class, act, step="files"):
    """Run `act` once, when our publish reaches `step` of the target (by default: after it read
    the target's head, before it commits)."""
    original = getattr(target_class, step)

    def interrupted(self, *args, **kwargs):
        monkeypatch.setattr(target_class, step, original)
        act()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(target_class, step, interrupted)


@pytest.fixture
def data(tmp_path):
    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "claims.yaml").write_text("license: cc-by-4.0\n")

    def edition(records):
        (folder / "claims.jsonl").write_text(jsonl(records))
        return folder

    edition(first_edition())
    return edition


def git(store, *args):
    return subprocess.run(["git", "-C", str(store), *args], capture_output=True, text=True, check=True).stdout


# --- the local release store ------------------------------------------------------------------


def test_first_publish_to_a_release_store(data, tmp_path, cli):
    store = tmp_path / "releases"
    run = cli("publish", data(first_edition()), "--repo", store)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "published v1.0.0" in run.stdout
    assert git(store, "tag").split() == ["v1.0.0"]
    files = git(store, "ls-tree", "-r", "--name-only", "v1.0.0").split()
    assert files == sorted(["CHANGELOG.md", "README.md", "build-report.json", "changes.json", "claim.schema.json",
                            "data/train-00000-of-00001.parquet", "images/verdicts.png"])
    assert git(store, "rev-list", "--count", "main").strip() == "1"
    assert_frame_equal(load(str(store), "v1.0.0"), build([data(first_edition())]).table)


def test_second_publish_bumps_and_keeps_every_version(data, tmp_path, cli):
    store = str(tmp_path / "releases")
    publish([data(first_edition())], store)
    result = publish([data(second_edition())], store)
    assert str(result.version) == "1.1.0"  # a claim added: minor
    assert result.change.added == ["claim-99"] and list(result.change.changed) == ["claim-03"]
    changelog = git(store, "show", "v1.1.0:CHANGELOG.md")
    assert changelog.index("## 1.1.0") < changelog.index("## 1.0.0")
    assert "**Status** of `claim-03`: true -> mostly-false" in changelog
    assert "## 1.1.0" in git(store, "show", "v1.1.0:README.md")
    assert load(store, "v1.0.0").height == 8 and load(store, "1.1.0").height == 9
    assert load(store).height == 9  # the latest by default
    edited = second_edition()[:-1]
    assert str(publish([data(edited)], store, allow_removals=True).version) == "2.0.0"  # a claim removed: major
    edited[0]["claim"] = "Claim number 1, reworded."
    assert str(publish([data(edited)], store).version) == "2.0.1"  # an edit: patch


def test_unchanged_data_publishes_nothing(data, tmp_path, cli):
    store = tmp_path / "releases"
    publish([data(first_edition())], str(store))
    head = git(store, "rev-parse", "main")
    run = cli("publish", data(first_edition()), "--repo", store)
    assert run.exit_code == 0 and "nothing changed since v1.0.0" in run.stdout
    assert git(store, "rev-parse", "main") == head and git(store, "tag").split() == ["v1.0.0"]


def test_version_by_hand_never_goes_back(data, tmp_path, cli):
    store = str(tmp_path / "releases")
    publish([data(first_edition())], store)
    with pytest.raises(UsageError, match="not above the latest"):
        publish([data(second_edition())], store, version="1.0.0")
    assert str(publish([data(second_edition())], store, version="3.0.0").version) == "3.0.0"


def test_dry_run_changes_nothing(data, tmp_path, cli):
    store = tmp_path / "releases"
    run = cli("publish", data(first_edition()), "--repo", store, "--dry-run")
    assert run.exit_code == 0 and "would publish v1.0.0" in run.stdout
    assert "data/train-00000-of-00001.parquet" in run.stdout
    assert not store.exists()


def test_concurrent_publish_is_refused(data, tmp_path, monkeypatch):
    store = str(tmp_path / "releases")
    publish([data(first_edition())], store)
    from toolkit.store import ReleaseStore

    someone_else_publishes_meanwhile(monkeypatch, ReleaseStore, lambda: publish([data(theirs())], store))
    with pytest.raises(PublishConflict, match=r"main moved while publishing \(v1.1.0 was published\)"):
        publish([data(second_edition())], store)
    assert git(store, "tag").split() == ["v1.0.0", "v1.1.0"]
    assert "someone-else" in load(store)["id"].to_list()


def test_missing_version_names_the_published_ones(data, tmp_path, cli):
    store = str(tmp_path / "releases")
    publish([data(first_edition())], store)
    with pytest.raises(VersionNotFound, match="published versions: v1.0.0"):
        load(store, "v9.9.9")
    run = cli("pull", store, "--revision", "v2.0.0", "--out", tmp_path / "x.csv")
    assert run.exit_code == 1 and "v1.0.0" in run.stderr and not (tmp_path / "x.csv").exists()


def test_diff_command(data, tmp_path, cli):
    store = str(tmp_path / "releases")
    publish([data(first_edition())], store)
    publish([data(second_edition())], store)
    assert cli("build", data(second_edition()), "--out", tmp_path / "folder").exit_code == 0
    assert cli("pull", store, "-r", "v1.0.0", "--out", tmp_path / "old.parquet").exit_code == 0
    for old, new in ((f"{store}@v1.0.0", f"{store}@v1.1.0"), (tmp_path / "old.parquet", tmp_path / "folder")):
        run = cli("diff", old, new)
        assert run.exit_code == 0
        assert "- Added `claim-99`" in run.stdout
        assert "- **Status** of `claim-03`: true -> mostly-false" in run.stdout
        assert run.stdout.strip().endswith("1 added, 0 removed, 1 changed, 1 status change")
    assert cli("diff", tmp_path / "nothing-here", tmp_path / "folder").exit_code == 2


def test_diff_refuses_a_csv_or_a_table_without_ids(data, tmp_path, cli):
    assert cli("build", data(first_edition()), "--out", tmp_path / "folder").exit_code == 0
    csv = tmp_path / "claims.csv"
    assert cli("export", data(first_edition()), "--format", "csv", "--out", csv).exit_code == 0
    no_ids = tmp_path / "counts.parquet"
    pl.DataFrame({"status": ["true"], "count": [8]}).write_parquet(no_ids)
    for table, says in ((csv, "not a Parquet file"), (no_ids, "no `id` column"), (tmp_path, "no data/*.parquet")):
        run = cli("diff", table, tmp_path / "folder")
        assert run.exit_code == 2 and says in run.stderr and "Traceback" not in run.stderr, run.stderr


@pytest.mark.parametrize("options, says", [
    (["--bump", "huge"], "--bump takes auto, major, minor, patch, not 'huge'"),
    (["--bump", "major", "--version", "3.0.0"], "--bump and --version cannot be used together"),
])
def test_bad_bump_is_a_usage_error(data, tmp_path, cli, options, says):
    store = tmp_path / "releases"
    run = cli("publish", data(first_edition()), "--repo", store, *options)
    assert run.exit_code == 2 and says in run.stderr
    assert not store.exists()


# --- the Hub -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_publish_to_the_hub_and_load_every_version(data, hub, tmp_path, cli):
    first = publish([data(first_edition())], REPO)
    second = publish([data(second_edition())], REPO)
    assert (str(first.version), str(second.version)) == ("1.0.0", "1.1.0")
    assert set(hub.tags(REPO)) == {"v1.0.0", "v1.1.0"}
    assert hub.tags(REPO)["v1.1.0"] == hub.head(REPO) == second.commit
    for version, records in (("v1.0.0", first_edition()), ("v1.1.0", second_edition())):
        expected = build([data(records)]).table
        rows = datasets.load_dataset(REPO, revision=version, split="train")
        assert_frame_equal(pl.from_arrow(rows.data.table), expected)  # exactly the published rows
        assert_frame_equal(toolkit.load(REPO, revision=version), expected)
        out = tmp_path / f"{version}.parquet"
        assert cli("pull", REPO, "--revision", version, "--out", out).exit_code == 0
        assert_frame_equal(pl.read_parquet(out), expected)
    card = hub.files(REPO, "v1.1.0")["README.md"].decode()
    assert "configs:" in card and "data/train-*.parquet" in card and "dataset_info:" in card


def test_load_dataset_with_a_warm_cache_keeps_versions_apart(data, hub):
    publish([data(first_edition())], REPO)
    assert datasets.load_dataset(REPO, revision="v1.0.0", split="train").num_rows == 8
    publish([data(second_edition())], REPO)
    assert datasets.load_dataset(REPO, revision="v1.1.0", split="train").num_rows == 9
    assert datasets.load_dataset(REPO, revision="v1.0.0", split="train").num_rows == 8
    with pytest.raises(VersionNotFound, match="v1.0.0, v1.1.0"):
        toolkit.load(REPO, revision="v1.2.0")


def test_hub_no_change_and_unchanged_shards(data, hub, monkeypatch):
    monkeypatch.setattr("toolkit.building.SHARD_BYTES", 600)  # several small shards
    publish([data(first_edition())], REPO)
    shards = sorted(p for p in hub.files(REPO) if p.startswith("data/"))
    assert len(shards) > 2
    commits = len(hub.history(REPO))
    assert publish([data(first_edition())], REPO).version is None
    assert len(hub.history(REPO)) == commits
    uploads = len(hub.lfs_uploads)
    edited = first_edition()
    edited[-1]["status"] = "false"  # only the shard that holds this claim changes
    result = publish([data(edited)], REPO)
    assert str(result.version) == "1.0.1"
    assert len(hub.lfs_uploads) == uploads + 2  # that shard, and the chart of the verdicts
    assert sorted(f.path for f in result.files if f.upload and not f.path.startswith("data/")) == [
        "CHANGELOG.md", "README.md", "changes.json", "images/verdicts.png"]
    uploaded = [f.path for f in result.files if f.upload and f.path.startswith("data/")]
    assert len(uploaded) == 1 and uploaded[0] in shards
    holding = pl.read_parquet(io.BytesIO(hub.files(REPO, "v1.0.1")[uploaded[0]]))
    assert edited[-1]["id"] in holding["id"].to_list()


def test_stale_shards_are_deleted_in_the_same_commit(data, hub, monkeypatch):
    monkeypatch.setattr("toolkit.building.SHARD_BYTES", 600)
    publish([data(first_edition())], REPO)
    assert len([p for p in hub.files(REPO) if p.startswith("data/")]) > 1
    monkeypatch.setattr("toolkit.building.SHARD_BYTES", 256 * 1024 * 1024)
    commits = len(hub.history(REPO))
    result = publish([data(second_edition())], REPO)
    assert len(hub.history(REPO)) == commits + 1
    assert [p for p in hub.files(REPO) if p.startswith("data/")] == ["data/train-00000-of-00001.parquet"]
    assert result.deleted and datasets.load_dataset(REPO, revision="v1.1.0", split="train").num_rows == 9


def test_server_error_mid_commit_leaves_the_previous_version(data, hub, cli):
    publish([data(first_edition())], REPO)
    head = hub.head(REPO)
    hub.fail_next("commit", status=500)
    run = cli("publish", data(second_edition()), "--repo", REPO)
    assert run.exit_code == 1 and "could not commit" in run.stderr
    assert hub.head(REPO) == head and set(hub.tags(REPO)) == {"v1.0.0"}
    assert toolkit.load(REPO).height == 8
    assert str(publish([data(second_edition())], REPO).version) == "1.1.0"


@pytest.mark.parametrize("token", [None, "hf_wrong_token"])
def test_missing_or_wrong_token(data, hub, monkeypatch, cli, token):
    if token:
        monkeypatch.setenv("HF_TOKEN", token)
    else:
        monkeypatch.delenv("HF_TOKEN", raising=False)
    run = cli("publish", data(first_edition()), "--repo", REPO)
    assert run.exit_code == 1
    assert "HF_TOKEN" in run.stderr and "Traceback" not in run.stderr
    assert hub.token not in run.stdout + run.stderr
    if token:
        assert token not in run.stdout + run.stderr
    assert not hub.repo_exists(REPO)


@pytest.mark.slow
def test_hub_concurrent_publish_and_existing_tag(data, hub, monkeypatch):
    publish([data(first_edition())], REPO)
    from huggingface_hub import HfApi

    from toolkit.hub import HubTarget

    someone_else_publishes_meanwhile(monkeypatch, HubTarget, lambda: publish([data(theirs())], REPO))
    with pytest.raises(PublishConflict, match=r"changed on the Hub since this publish started \(v1.1.0 was published\)"):
        publish([data(second_edition())], REPO)
    assert set(hub.tags(REPO)) == {"v1.0.0", "v1.1.0"}

    taken_at = []

    def take_the_tag():
        taken_at.append(hub.head(REPO))
        HfApi().create_tag(REPO, tag="v2.0.0", revision=taken_at[0], repo_type="dataset")

    someone_else_publishes_meanwhile(monkeypatch, HubTarget, take_the_tag)
    with pytest.raises(TagExists):
        publish([data(second_edition()[:3])], REPO, allow_removals=True)
    assert hub.tags(REPO)["v2.0.0"] == taken_at[0], "an existing tag is never moved"


def test_file_url_and_home_paths_are_release_stores(data, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert str(publish([data(first_edition())], f"file://{tmp_path}/url-store").version) == "1.0.0"
    assert load(str(tmp_path / "url-store")).height == 8
    assert str(publish([data(first_edition())], "~/home-store").version) == "1.0.0"
    assert git(tmp_path / "home-store", "tag").split() == ["v1.0.0"]
    with pytest.raises(UsageError, match="neither a Hub repository"):
        load("not a target")
