"""Outputs never overwrite what they did not write: `build --out` into a curators' repository,
`export`/`import --out` over input files, and the temporary files a killed export leaves."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import CLAIMS, FIXTURES, ROOT
from toolkit.building import build, write_folder
from toolkit.errors import OutputRefused
from toolkit.outputs import BUILD_MARKER, check_file_output

CLAIMS_COMMAND = Path(sys.executable).parent / "claims"
DATA_DIR = "data"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (git's own files left out) and a hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file() and ".git" not in p.relative_to(folder).parts
    }


def git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repository(tmp_path) -> Path:
    """A curators' git repository: the fixtures' claims, a README, a changelog and an unrelated
    Parquet file, all committed."""
    repo = tmp_path / "desk"
    shutil.copytree(FIXTURES, repo)
    (repo / "README.md").write_text("# Our desk\n\nHow we work.\n")
    (repo / "CHANGELOG.md").write_text("# Changes\n\n- started\n")
    (repo / DATA_DIR).mkdir()
    (repo / DATA_DIR / "other.parquet").write_bytes(b"PAR1 someone else's data PAR1")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=Desk", "-c", "user.email=desk@example.org", "commit", "-qm", "claims")
    return repo


def claims(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The installed `claims` command, as a curator runs it."""
    return subprocess.run([str(CLAIMS_COMMAND), *args], cwd=cwd, capture_output=True, text=True)


# -- build --------------------------------------------------------------------------------------------


def test_build_into_a_repository_is_refused_and_changes_nothing(repository):
    before = snapshot(repository)
    run = claims("build", "claims", "--out", ".", cwd=repository)
    assert run.returncode == 2, run.stderr
    assert "is not empty and no build wrote it" in run.stderr and "--force" in run.stderr
    assert "Traceback" not in run.stderr
    assert snapshot(repository) == before
    assert git(repository, "status", "--porcelain") == ""


@pytest.mark.slow
def test_force_writes_beside_other_files_and_deletes_none(repository):
    other = (repository / DATA_DIR / "other.parquet").read_bytes()
    run = claims("build", "claims", "--out", ".", "--force", cwd=repository)
    assert run.returncode == 0, run.stderr
    assert "warning: data/other.parquet is not this build's and was left as it was" in run.stderr
    assert (repository / DATA_DIR / "other.parquet").read_bytes() == other
    assert (repository / "claims" / "analysts.jsonl").read_bytes() == (FIXTURES / "claims" / "analysts.jsonl").read_bytes()
    marker = json.loads((repository / BUILD_MARKER).read_text())
    assert sorted(marker["files"]) == ["CHANGELOG.md", "README.md", "build-report.json", "claim.schema.json",
                                       "data/train-00000-of-00001.parquet", "images/verdicts.png"]
    # The repository's own README comes back from git: it is not the build's any more.
    git(repository, "checkout", "README.md")
    again = claims("build", "claims", "--out", ".", cwd=repository)
    assert again.returncode == 2 and "README.md" in again.stderr
    assert (repository / "README.md").read_text() == "# Our desk\n\nHow we work.\n"


def test_a_build_folder_is_rebuilt_and_only_its_stale_shards_removed(tmp_path, monkeypatch):
    monkeypatch.setattr("toolkit.building.SHARD_BYTES", 2000)  # several shards
    out = tmp_path / "build"
    result = build([FIXTURES])
    first = write_folder(result, out)
    shards = [name for name in first if name.startswith(f"{DATA_DIR}/")]
    assert len(shards) > 1
    (out / DATA_DIR / "mine.parquet").write_bytes(b"a curator's file")
    (out / "notes.txt").write_text("mine too")
    monkeypatch.setattr("toolkit.building.SHARD_BYTES", 10**9)  # one shard now
    second = write_folder(result, out)
    assert [name for name in second if name.startswith(f"{DATA_DIR}/")] == ["data/train-00000-of-00001.parquet"]
    assert sorted(p.name for p in (out / DATA_DIR).iterdir()) == ["mine.parquet", "train-00000-of-00001.parquet"]
    assert (out / "notes.txt").read_text() == "mine too"
    marker = json.loads((out / BUILD_MARKER).read_text())
    assert sorted(marker["files"]) == second
    assert marker["files"]["README.md"] == hashlib.sha256((out / "README.md").read_bytes()).hexdigest()


def test_a_file_edited_since_the_build_is_neither_replaced_nor_deleted(tmp_path, monkeypatch, cli):
    out = tmp_path / "build"
    assert cli("build", FIXTURES, "--out", out).exit_code == 0
    (out / "README.md").write_text("my own notes")
    run = cli("build", FIXTURES, "--out", out)
    assert run.exit_code == 2 and "README.md" in run.stderr
    assert (out / "README.md").read_text() == "my own notes"
    # An edited shard that the next build would not write again stays too.
    shard = out / DATA_DIR / "train-00000-of-00001.parquet"
    shard.write_bytes(b"edited by hand")
    monkeypatch.setattr("toolkit.building.SHARD_BYTES", 2000)
    assert cli("build", FIXTURES, "--out", out, "--force").exit_code == 0
    assert shard.read_bytes() == b"edited by hand"
    assert (out / "README.md").read_text() != "my own notes"  # --force replaces


def test_a_build_killed_halfway_leaves_a_folder_the_next_build_may_write(tmp_path, monkeypatch):
    out = tmp_path / "build"
    result = build([FIXTURES])

    def dies(*args, **kwargs):
        raise RuntimeError("killed")

    with monkeypatch.context() as patch:
        patch.setattr("toolkit.building.render_card", dies)
        with pytest.raises(RuntimeError):
            write_folder(result, out)
    assert (out / DATA_DIR / "train-00000-of-00001.parquet").exists() and not (out / "README.md").exists()
    assert "README.md" in json.loads((out / BUILD_MARKER).read_text())["files"]
    assert "README.md" in write_folder(result, out)


def test_a_marker_never_sends_a_delete_outside_its_folder(tmp_path):
    out = tmp_path / "build"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (out / BUILD_MARKER).write_text(json.dumps({"files": {"../victim.txt": None, str(victim): None}}))
    write_folder(build([FIXTURES]), out)
    assert victim.read_text() == "keep me"


def test_build_out_that_is_a_file_is_refused(tmp_path, cli):
    target = tmp_path / "claims.parquet"
    target.write_bytes(b"data")
    run = cli("build", FIXTURES, "--out", target)
    assert run.exit_code == 2 and "is a file, not a folder" in run.stderr
    assert target.read_bytes() == b"data"


def test_publish_staging_leaves_no_marker_in_the_release(tmp_path):
    staging = tmp_path / "staging"
    staging.mkdir()
    names = write_folder(build([FIXTURES]), staging, mark=False)
    assert sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file()) == names


# -- export and import --------------------------------------------------------------------------------


@pytest.mark.slow
def test_export_never_replaces_one_of_its_inputs(repository):
    analysts = repository / "claims" / "analysts.jsonl"
    before = snapshot(repository)
    for force in ([], ["--force"]):
        run = claims("export", "claims", "--format", "jsonl", "--out", "claims/analysts.jsonl", *force, cwd=repository)
        assert run.returncode == 2, run.stderr
        assert "is one of this run's inputs" in run.stderr and "Traceback" not in run.stderr
        named = claims("export", "claims/analysts.jsonl", "--format", "csv", "--out", str(analysts), *force, cwd=repository)
        assert named.returncode == 2 and "is one of this run's inputs" in named.stderr
    registry = claims("export", "claims", "--format", "csv", "--out", "speakers.yaml", "--speakers", "speakers.yaml",
                      "--force", cwd=repository)
    assert registry.returncode == 2 and "is one of this run's inputs" in registry.stderr
    assert snapshot(repository) == before


@pytest.mark.slow
def test_export_replaces_another_existing_file_only_with_force(repository):
    notes = repository / "claims.csv"
    notes.write_text("a spreadsheet someone keeps\n")
    run = claims("export", "claims", "--format", "csv", "--out", "claims.csv", cwd=repository)
    assert run.returncode == 2 and "already exists" in run.stderr and "--force" in run.stderr
    assert notes.read_text() == "a spreadsheet someone keeps\n"
    forced = claims("export", "claims", "--format", "csv", "--out", "claims.csv", "--force", cwd=repository)
    assert forced.returncode == 0, forced.stderr
    assert notes.read_text(encoding="utf-8").startswith("id,speaker,")


def test_import_never_replaces_a_curated_file_without_force(repository):
    curated = repository / "claims" / "curated.yaml"
    curated.write_text((FIXTURES / "claims" / "koreas-border.yaml").read_text())
    source = repository / "factcheck.json"
    shutil.copy(ROOT / "tests" / "data" / "factcheck-api.json", source)
    kept = curated.read_bytes()
    run = claims("import", "factcheck.json", "--out", "claims/curated.yaml", cwd=repository)
    assert run.returncode == 2 and "already exists" in run.stderr
    assert curated.read_bytes() == kept
    itself = claims("import", "factcheck.json", "--out", "factcheck.json", "--force", cwd=repository)
    assert itself.returncode == 2 and "is one of this run's inputs" in itself.stderr
    assert source.read_bytes() == (ROOT / "tests" / "data" / "factcheck-api.json").read_bytes()
    forced = claims("import", "factcheck.json", "--out", "claims/curated.yaml", "--force", cwd=repository)
    assert forced.returncode == 0, forced.stderr
    assert curated.read_bytes() != kept


def test_the_same_file_under_another_name_is_still_an_input(tmp_path):
    folder = tmp_path / "claims"
    shutil.copytree(FIXTURES / "claims", folder)
    (tmp_path / "link.jsonl").symlink_to(folder / "analysts.jsonl")
    with pytest.raises(OutputRefused, match="inputs"):
        check_file_output(tmp_path / "link.jsonl", inputs=[folder], force=True)
    with pytest.raises(OutputRefused, match="inputs"):
        check_file_output(folder / ".." / "claims" / "analysts.jsonl", inputs=[folder], force=True)


# -- temporary files ------------------------------------------------------------------------------------

KILLED_EXPORT = textwrap.dedent("""
    import sys, time
    import polars as pl
    from toolkit.building import build
    from toolkit.exporting import export

    def stuck(self, target, *args, **kwargs):
        with open(target, "wb") as handle:
            handle.write(b"half a fi")
        print("writing", flush=True)
        time.sleep(600)

    pl.DataFrame.write_csv = stuck
    export(build([sys.argv[1]]).table, "csv", sys.argv[2])
""")


def test_temporary_files_of_a_killed_export_are_removed_by_the_next_run(tmp_path, cli):
    out = tmp_path / "claims.csv"
    child = subprocess.Popen([sys.executable, "-c", KILLED_EXPORT, str(FIXTURES), str(out)],
                             stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert child.stdout.readline() == "writing\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    left = sorted(p.name for p in tmp_path.iterdir())
    assert len(left) == 1 and left[0].startswith(".claims.csv.claims-tmp-") and not out.exists()
    # Not ours to remove: another target's leftovers, a file of another pattern, a live writer's file.
    import os

    others = [".other.csv.claims-tmp-999999999-abcd.tmp", ".claims.csv.notes", f".claims.csv.claims-tmp-{os.getpid()}-live.tmp"]
    for name in others:
        (tmp_path / name).write_text("not this run's")
    run = cli("export", FIXTURES, "--format", "csv", "--out", out)
    assert run.exit_code == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*others, "claims.csv", ".claims-exports"])


def test_pull_and_the_import_report_never_replace_a_file_without_force(tmp_path, cli):
    """Review findings: `pull --out` and `import --report` replaced any file; now they refuse like
    export, and a pulled file is marked as an export so that discovery passes it over."""
    from toolkit.publishing import publish

    publish([CLAIMS], str(tmp_path / "store"))
    mine = tmp_path / "mine.csv"
    mine.write_text("my own notes\n")
    refused = cli("pull", tmp_path / "store", "--out", mine)
    assert refused.exit_code == 2 and mine.read_text() == "my own notes\n"
    assert cli("pull", tmp_path / "store", "--out", mine, "--force").exit_code == 0
    assert "mine.csv" in (tmp_path / ".claims-exports").read_text()

    report = tmp_path / "report.csv"
    report.write_text("keep me\n")
    source = Path(__file__).parent / "data" / "factcheck-api.json"
    run = cli("import", source, "--out", tmp_path / "imported.yaml", "--report", report)
    assert run.exit_code == 2 and report.read_text() == "keep me\n" and not (tmp_path / "imported.yaml").exists()
