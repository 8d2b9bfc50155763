"""Publishing never destroys work: only a store `claims publish` created is written (never a
curators' repository or a folder of files), a version lands whole or not at all, and removing
many claims needs saying so."""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CLAIMS, valid_record
from test_publish import first_edition, git, jsonl, second_edition, someone_else_publishes_meanwhile
from toolkit.errors import NotAReleaseStore, PublishConflict, PublishError, TagExists, TargetNotFound
from toolkit.publishing import load, publish
from toolkit.store import MARKER, ReleaseStore


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (its .git included) with a hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def editions(count: int) -> list[dict]:
    return [valid_record(id=f"claim-{n:02d}", claim=f"Claim number {n}.", date=f"2018-12-{n:02d}") for n in range(1, count + 1)]


@pytest.fixture
def curators_repo(tmp_path):
    """The curators' own repository: claims committed, one edit not committed yet, one new file."""

    def make(branch: str) -> Path:
        repo = tmp_path / "curators"
        subprocess.run(["git", "init", "-q", "-b", branch, str(repo)], check=True)
        shutil.copytree(CLAIMS, repo / "claims")
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=Curator", "-c", "user.email=curator@example.org", "commit", "-qm", "claims")
        with open(repo / "claims" / "koreas-border.yaml", "a") as handle:
            handle.write("# work in progress, not committed\n")
        (repo / "notes.txt").write_text("untracked notes\n")
        return repo

    return make


# --- 1. only a release store is written --------------------------------------------------------


@pytest.mark.parametrize("branch", ["main", "master"])
def test_publish_into_the_curators_repository_is_refused_and_touches_nothing(curators_repo, cli, monkeypatch, branch):
    repo = curators_repo(branch)
    before, status = snapshot(repo), git(repo, "status", "--porcelain")
    monkeypatch.chdir(repo)
    for extra in ([], ["--dry-run"]):
        run = cli("publish", "claims", "--repo", ".", *extra)
        assert run.exit_code == 2, run.stdout + run.stderr
        assert "git repository that `claims publish` did not create" in run.stderr and "Traceback" not in run.stderr
    assert snapshot(repo) == before, "every file, the uncommitted edit and .git itself are as they were"
    assert git(repo, "status", "--porcelain") == status
    assert git(repo, "branch", "--format=%(refname:short)").split() == [branch] and git(repo, "tag") == ""


def test_a_folder_of_files_is_refused(tmp_path, cli):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "draft.md").write_text("mine\n")
    data = tmp_path / "claims"
    data.mkdir()
    (data / "claims.yaml").write_text("license: cc-by-4.0\n")
    (data / "claims.jsonl").write_text(jsonl(first_edition()))
    run = cli("publish", data, "--repo", folder)
    assert run.exit_code == 2 and "not empty and not a release store" in run.stderr
    assert snapshot(folder) == {"draft.md": hashlib.sha256(b"mine\n").hexdigest()}


def test_a_new_store_is_bare_and_marked(tmp_path):
    data = tmp_path / "claims"
    data.mkdir()
    (data / "claims.yaml").write_text("license: cc-by-4.0\n")
    (data / "claims.jsonl").write_text(jsonl(first_edition()))
    (tmp_path / "empty").mkdir()
    for store in (tmp_path / "new" / "releases", tmp_path / "empty"):
        assert str(publish([data], str(store)).version) == "1.0.0"
        assert git(store, "rev-parse", "--is-bare-repository").strip() == "true"
        assert git(store, "config", "--local", "--get", MARKER).strip() == "true"
        assert not (store / "README.md").exists(), "a store has no working tree to overwrite"
    assert [p.name for p in (tmp_path / "new").iterdir()] == ["releases"], "no scratch folder left beside it"


def test_a_store_inside_a_repository_never_touches_the_repository(curators_repo, cli, monkeypatch):
    repo = curators_repo("master")
    head, status = git(repo, "rev-parse", "HEAD"), git(repo, "status", "--porcelain")
    monkeypatch.chdir(repo)
    run = cli("publish", "claims", "--repo", "./releases", "--license", "cc-by-4.0")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert git(repo, "rev-parse", "HEAD") == head and git(repo, "tag") == ""
    assert git(repo, "status", "--porcelain") == status + "?? releases/\n"
    assert git(repo / "releases", "tag").split() == ["v1.0.0"]


def test_a_store_made_by_an_earlier_version_is_read_but_not_written(tmp_path, cli):
    data = tmp_path / "claims"
    data.mkdir()
    (data / "claims.yaml").write_text("license: cc-by-4.0\n")
    (data / "claims.jsonl").write_text(jsonl(first_edition()))
    publish([data], str(tmp_path / "made-now"))
    legacy = tmp_path / "releases"  # what earlier versions made: a checked-out repository, no marker
    subprocess.run(["git", "clone", "-q", str(tmp_path / "made-now"), str(legacy)], check=True)
    git(legacy, "config", "--unset", "remote.origin.url")
    (legacy / "README.md").write_text("a browsing curator's note\n")
    before = snapshot(legacy)
    assert load(str(legacy), "v1.0.0").height == 8
    (data / "claims.jsonl").write_text(jsonl(second_edition()))
    run = cli("publish", data, "--repo", legacy)
    assert run.exit_code == 2 and "earlier claims version" in run.stderr
    assert snapshot(legacy) == before
    migrate = run.stderr.split("run `")[1].split("`")[0]
    subprocess.run(migrate, shell=True, check=True)
    assert str(publish([data], f"{legacy}.git").version) == "1.1.0"
    assert load(f"{legacy}.git", "v1.0.0").height == 8 and snapshot(legacy) == before


def test_reading_a_missing_store_says_so(tmp_path, cli):
    with pytest.raises(TargetNotFound, match="no release store at"):
        load(str(tmp_path / "nowhere"))
    run = cli("pull", tmp_path / "nowhere", "--out", tmp_path / "x.csv")
    assert run.exit_code == 2 and "no release store at" in run.stderr
    with pytest.raises(NotAReleaseStore):
        load(str(CLAIMS))


# --- 2. removals -------------------------------------------------------------------------------


def first_version(tmp_path: Path, records: list[dict]) -> tuple[Path, Path]:
    """A data folder holding `records` (and a license) and a release store holding them as v1.0.0."""
    store, data = tmp_path / "releases", tmp_path / "claims"
    data.mkdir()
    (data / "claims.yaml").write_text("license: cc-by-4.0\n")
    (data / "claims.jsonl").write_text(jsonl(records))
    publish([data], str(store))
    return store, data


def test_removing_most_claims_is_refused_without_allow_removals(tmp_path, cli):
    store, data = first_version(tmp_path, editions(14))
    head = git(store, "rev-parse", "main")
    (data / "claims.jsonl").write_text(jsonl(editions(1)))  # 13 of 14 deleted by mistake
    run = cli("publish", data, "--repo", store)
    assert run.exit_code == 1 and "remove 13 of the 14 claims of v1.0.0" in run.stderr
    assert "--allow-removals" in run.stderr and "Traceback" not in run.stderr
    dry = cli("publish", data, "--repo", store, "--dry-run")
    assert dry.exit_code == 1 and "claims: 14 -> 1 (0 added, 0 changed, 13 removed)" in dry.stdout
    assert "would be refused" in dry.stderr
    assert git(store, "rev-parse", "main") == head and git(store, "tag").split() == ["v1.0.0"]
    run = cli("publish", data, "--repo", store, "--allow-removals")
    assert run.exit_code == 0 and "published v2.0.0" in run.stdout


def test_replacing_every_claim_is_refused(tmp_path):
    store, data = first_version(tmp_path, editions(3))
    renamed = [dict(r, id=f"renamed-{r['id']}") for r in editions(3)]
    (data / "claims.jsonl").write_text(jsonl(renamed))
    with pytest.raises(PublishError, match="remove every claim of v1.0.0"):
        publish([data], str(store))


def test_a_small_removal_needs_no_flag_and_the_plan_counts_claims(tmp_path, cli):
    store, data = first_version(tmp_path, editions(14))
    records = editions(14)[1:] + [valid_record(id="claim-new", claim="New.")]
    records[0]["status"] = "false"
    (data / "claims.jsonl").write_text(jsonl(records))
    run = cli("publish", data, "--repo", store)
    assert run.exit_code == 0 and "published v2.0.0" in run.stdout
    assert "claims: 14 -> 14 (1 added, 1 changed, 1 removed)" in run.stdout


# --- 3. atomic and race-free -------------------------------------------------------------------


@pytest.fixture
def published(tmp_path):
    """A store holding v1.0.0, and the folder for the next edition."""
    store, data = tmp_path / "releases", tmp_path / "claims"
    data.mkdir()
    (data / "claims.yaml").write_text("license: cc-by-4.0\n")
    (data / "claims.jsonl").write_text(jsonl(first_edition()))
    publish([data], str(store))
    (data / "claims.jsonl").write_text(jsonl(second_edition()))
    return store, data


def hook(store: Path, body: str) -> None:
    script = store / "hooks" / "reference-transaction"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)


def test_main_and_the_tag_move_in_one_transaction(published, tmp_path):
    store, data = published
    log = tmp_path / "transactions.log"
    hook(store, f'echo "$1 $(cut -d" " -f3 | tr "\\n" " ")" >> {log}\n')
    publish([data], str(store))
    committed = [sorted(set(line.split()[1:]) - {"HEAD"}) for line in log.read_text().splitlines()
                 if line.startswith("committed")]
    assert committed == [["refs/heads/main", "refs/tags/v1.1.0"]]


def test_a_publish_killed_mid_transaction_leaves_nothing(published, cli):
    store, data = published
    head = git(store, "rev-parse", "main")
    hook(store, '[ "$1" = prepared ] && kill -9 $PPID\nexit 0\n')  # git dies holding the ref locks
    run = cli("publish", data, "--repo", store)
    assert run.exit_code == 1 and "Traceback" not in run.stderr
    assert git(store, "rev-parse", "main") == head and git(store, "tag").split() == ["v1.0.0"]
    (store / "hooks" / "reference-transaction").unlink()
    run = cli("publish", data, "--repo", store)
    assert run.exit_code == 1 and ".lock" in run.stderr and "if none is running, delete it" in run.stderr
    locks = sorted(str(lock.relative_to(store)) for lock in store.rglob("*.lock"))
    assert locks == ["HEAD.lock", "refs/heads/main.lock", "refs/tags/v1.1.0.lock"]
    for lock in locks:
        (store / lock).unlink()
    assert str(publish([data], str(store)).version) == "1.1.0"


def test_a_tag_that_cannot_be_created_leaves_main_where_it_was(published):
    store, data = published
    head = git(store, "rev-parse", "main")
    (store / "refs" / "tags" / "v1.1.0.lock").write_text("")
    with pytest.raises(PublishError, match="main and the tags are as they were"):
        publish([data], str(store))
    assert git(store, "rev-parse", "main") == head and git(store, "tag").split() == ["v1.0.0"]


def test_a_tag_created_meanwhile_is_refused_and_main_stays(published, monkeypatch):
    store, data = published
    head = git(store, "rev-parse", "main").strip()
    someone_else_publishes_meanwhile(monkeypatch, ReleaseStore, lambda: git(store, "tag", "v1.1.0", head))
    with pytest.raises(TagExists):
        publish([data], str(store))
    assert git(store, "rev-parse", "main").strip() == head


def test_a_plan_made_on_an_old_main_is_refused(published, tmp_path, monkeypatch):
    store, data = published
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "claims.yaml").write_text("license: cc-by-4.0\n")
    (theirs / "claims.jsonl").write_text(jsonl(first_edition() + [valid_record(id="theirs", claim="Theirs.")]))
    landed = []
    someone_else_publishes_meanwhile(monkeypatch, ReleaseStore, lambda: landed.append(publish([theirs], str(store))),
                                     step="release")  # between our plan and our release
    with pytest.raises(PublishConflict, match="main moved"):
        publish([data], str(store))
    assert git(store, "rev-parse", "main").strip() == landed[0].commit
    assert git(store, "tag").split() == ["v1.0.0", "v1.1.0"] and "theirs" in load(str(store))["id"].to_list()


def test_a_store_created_by_someone_else_meanwhile_is_not_overwritten(tmp_path, monkeypatch):
    store, ours, theirs = tmp_path / "releases", tmp_path / "ours", tmp_path / "theirs"
    for folder, records in ((ours, first_edition()), (theirs, second_edition())):
        folder.mkdir()
        (folder / "claims.yaml").write_text("license: cc-by-4.0\n")
        (folder / "claims.jsonl").write_text(jsonl(records))
    landed = []  # they create the store and publish first
    someone_else_publishes_meanwhile(monkeypatch, ReleaseStore, lambda: landed.append(publish([theirs], str(store))),
                                     step="prepare")
    with pytest.raises(PublishConflict, match="someone else published"):
        publish([ours], str(store), version="2.0.0")
    assert git(store, "tag").split() == ["v1.0.0"] and git(store, "rev-parse", "main").strip() == landed[0].commit
    assert load(str(store)).height == 9


# --- 4. the file system: umask, full disk, a damaged store -------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_a_new_store_honours_the_umask(tmp_path, umask):
    data = tmp_path / "claims"
    data.mkdir()
    (data / "claims.yaml").write_text("license: cc-by-4.0\n")
    (data / "claims.jsonl").write_text(jsonl(first_edition()))
    old = os.umask(umask)
    try:
        publish([data], str(tmp_path / "releases"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "releases").stat().st_mode) == 0o777 & ~umask, "not 0700 whatever the umask"
    assert stat.S_IMODE((tmp_path / "releases" / "objects").stat().st_mode) == 0o777 & ~umask


def test_a_disk_that_fills_while_the_release_is_written_is_one_line(published):
    """A file size limit makes every write past 4 KB fail, as a full disk does."""
    store, data = published
    head = git(store, "rev-parse", "main")

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    claims = os.path.join(os.path.dirname(sys.executable), "claims")
    run = subprocess.run([claims, "publish", str(data), "--repo", str(store)], capture_output=True, text=True,
                         preexec_fn=small_files, timeout=120)
    assert run.returncode == 1 and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    assert "(TMPDIR)" in run.stderr and "nothing was" in run.stderr
    assert git(store, "rev-parse", "main") == head and git(store, "tag").split() == ["v1.0.0"]


def test_a_store_git_cannot_write_to_is_one_line(published, cli):
    store, data = published
    head = git(store, "rev-parse", "main")
    git(store, "repack", "-adq")
    git(store, "prune-packed")
    for folder in [p for p in (store / "objects").iterdir() if len(p.name) == 2]:
        folder.rmdir()
    for name in ("%02x" % n for n in range(256)):
        (store / "objects" / name).write_text("in the way\n")  # no loose object can be written
    run = cli("publish", data, "--repo", store)
    assert run.exit_code == 1 and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, run.stderr
    assert f"git add failed in {store}" in run.stderr and "nothing was changed" in run.stderr
    assert (store / "refs" / "heads" / "main").read_text().strip() == head.strip()
