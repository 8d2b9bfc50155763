"""A first version publishes nothing placeholder, and every version says where it came from: the
desk's commit, whether its work tree was clean, the day; the card names who curated it."""

from __future__ import annotations

import json
import subprocess

from desk import git
from toolkit.provenance import release_date

CHOICES = ("--repo", "desk/korea", "--license", "cc-by-4.0", "--publisher", "Korea Desk",
           "--publisher-url", "https://korea-desk.test")
DAY = "1796083200"  # 2026-12-01 00:00 UTC, as SOURCE_DATE_EPOCH


def show(store, revision: str) -> str:
    return subprocess.run(["git", "-C", str(store), "show", revision], capture_output=True, text=True, check=True).stdout


def test_a_desk_straight_from_init_publishes_nothing_placeholder(tmp_path, cli, monkeypatch):
    """claims init, then publish at once: refused (exit 1) naming the example claim, nothing made;
    a hand-written claims.yaml with ORG/ and example.org is refused naming each."""
    folder = tmp_path / "plain"
    assert cli("init", folder, *CHOICES).exit_code == 0
    monkeypatch.chdir(folder)
    run = cli("publish", "--repo", "./store")
    assert run.exit_code == 1
    assert "claims/bolton-commitments-not-lived-up.yaml is the example claim of claims init" in run.stderr
    assert not (folder / "store").exists()
    dry = cli("publish", "--repo", "./store", "--dry-run")
    assert dry.exit_code == 1 and "example claim" in dry.stderr, "a dry run says so too"
    config = (folder / "claims.yaml").read_text()
    config = config.replace("repo_id: desk/korea", "repo_id: ORG/plain").replace("https://korea-desk.test", "https://example.org")
    (folder / "claims.yaml").write_text(config)
    run = cli("publish", "--repo", "ORG/plain", "--dry-run")
    assert run.exit_code == 1
    assert "the target is 'ORG/plain'" in run.stderr and "repo_id of claims.yaml is 'ORG/plain'" in run.stderr
    assert "the publisher's url in claims.yaml is 'https://example.org'" in run.stderr
    assert "example claim" in run.stderr
    example = folder / "claims" / "bolton-commitments-not-lived-up.yaml"
    example.write_text(example.read_text().replace("so far.", "so far, he said."))  # now the desk's own claim
    run = cli("publish", "--repo", "./store", "--dry-run")
    assert "example claim" not in run.stderr and "example.org" in run.stderr


def test_every_version_records_the_desks_commit_clean_tree_and_day(tmp_path, cli, monkeypatch):
    folder = tmp_path / "desk"
    assert cli("init", folder, *CHOICES).exit_code == 0
    (folder / "claims" / "bolton-commitments-not-lived-up.yaml").unlink()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DAY)
    assert release_date() == "2026-12-01"
    assert cli("new", "--speaker", "Moon Jae-in", "--claim", "Peace is near.", "--date", "2018-12-12",
               "--status", "unverified", "--source", "https://news.test/moon").exit_code == 0
    git("init", "-q", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-qm", "first", cwd=folder)
    head = git("rev-parse", "HEAD", cwd=folder).strip()
    run = cli("publish", "--repo", "./store")
    assert run.exit_code == 0, run.stderr
    assert f"from commit {head[:12]} (clean), released on 2026-12-01" in run.stdout and "warning" not in run.stderr
    store = folder / "store"
    changes = json.loads(show(store, "v1.0.0:changes.json"))
    assert (changes["commit"], changes["clean"], changes["released"]) == (head, True, "2026-12-01")
    assert f"## 1.0.0 (2026-12-01)\n\n1 added, 0 removed, 0 changed; from commit {head[:12]} (clean)." in \
        show(store, "v1.0.0:CHANGELOG.md")
    card = show(store, "v1.0.0:README.md")
    assert "Curated by [Korea Desk](https://korea-desk.test)." in card
    assert f"Released on 2026-12-01 from commit {head[:12]} (clean) of the curators' repository." in card
    assert f"Released on 2026-12-01 from commit {head[:12]} (clean)." in show(store, "v1.0.0")  # the tag's message

    # An edited claim file and an untracked one: published, each named in a warning; not clean.
    edited = next((folder / "claims").glob("moon*.yaml"))
    edited.write_text(edited.read_text().replace("status: unverified", "status: \"true\""))
    assert cli("new", "--speaker", "Moon Jae-in", "--claim", "Talks resume.", "--date", "2018-12-13",
               "--status", "unverified", "--source", "https://news.test/talks").exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(DAY) + 86_400))
    run = cli("publish", "--repo", "./store")
    assert run.exit_code == 0, run.stderr
    warned = sorted(line.split()[1] for line in run.stderr.splitlines() if "is not committed" in line)
    assert warned == ["claims/moon-jae-in-peace-is-near.yaml", "claims/moon-jae-in-talks-resume.yaml"]
    changes = json.loads(show(store, "v1.1.0:changes.json"))
    assert (changes["commit"], changes["clean"], changes["released"]) == (head, False, "2026-12-02")

    # Nothing changed in the data: no new version, whatever the day or the commit.
    git("add", "-A", cwd=folder)
    git("commit", "-qm", "second", cwd=folder)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(DAY) + 2 * 86_400))
    again = cli("publish", "--repo", "./store")
    assert again.exit_code == 0 and "nothing changed since v1.1.0" in again.stdout
