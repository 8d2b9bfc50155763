"""Discovery that knows a repository (issue 12, items 1 and 2): what `claims validate` with no path
reads in a desk's git repository, and the configuration it names. The CLI runs as a subprocess in
the repository, as a desk runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desk import CLAIMS, claims, git, record_file
from toolkit.scope import compile_globs


@pytest.fixture
def repo(tmp_path) -> Path:
    """A desk's repository with two claims and no `include` (so every rule of discovery shows)."""
    folder = tmp_path / "desk"
    record_file(folder / "claims" / "one.yaml", id="claim-one", claim="The first thing said.")
    record_file(folder / "claims" / "2018" / "two.yaml", id="claim-two", claim="The second thing said.")
    git("init", "-q", cwd=folder)
    return folder


@pytest.mark.slow
def test_build_output_export_and_venv_are_not_read(repo):
    assert claims("build", "--out", "build", cwd=repo).returncode == 0
    assert (repo / "build" / "build-report.json").is_file()
    assert claims("export", "--format", "csv", "--out", "claims.csv", cwd=repo).returncode == 0
    assert claims("export", "--format", "jsonl", "--out", "claims.jsonl", cwd=repo).returncode == 0
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(repo / "venv")], check=True)
    (repo / "venv" / "lib" / "bad.json").write_text('{"not": "a claim"}')
    (repo / "node_modules" / "pkg").mkdir(parents=True)
    (repo / "node_modules" / "pkg" / "package.json").write_text('{"name": "pkg"}')

    run = claims("validate", "-v", cwd=repo)
    assert run.returncode == 0, run.stdout
    assert run.stdout.strip().endswith("OK: 2 records in 2 files, no problems")
    assert "passed over: 1 build folder, 2 exported files, 2 virtual environments" in run.stderr
    # A file named on the command line is read whatever discovery says of it.
    named = claims("validate", "claims.csv", cwd=repo)
    assert named.returncode == 0 and "2 records in 1 file" in named.stdout
    # The marker lists what export wrote: a CSV beside it that export did not write is read.
    (repo / "hand-made.csv").write_text("id\nx\n")
    assert "hand-made.csv" in claims("validate", cwd=repo).stdout


def test_git_ignored_paths_and_exclude_globs_are_passed_over(repo):
    (repo / ".gitignore").write_text("scratch/\n*.draft.yaml\n")
    record_file(repo / "scratch" / "a.yaml", id="x")  # invalid, but ignored
    record_file(repo / "claims" / "three.draft.yaml", id="x")
    record_file(repo / "claims" / "kept.draft.yaml", id="claim-kept", claim="Tracked although ignored.")
    git("add", "-f", "claims/kept.draft.yaml", cwd=repo)  # a tracked file is never ignored
    (repo / "claims.yaml").write_text("exclude: [claims/drafts/**]\n")
    record_file(repo / "claims" / "drafts" / "d.yaml", id="x")
    record_file(repo / "claims" / "2018" / "old-1.yaml", id="x")

    run = claims("validate", "--exclude", "old-*", "-v", cwd=repo)
    assert run.returncode == 0, run.stdout
    assert "OK: 3 records in 3 files" in run.stdout
    assert "2 excluded paths" in run.stderr and "2 git-ignored paths" in run.stderr
    # --exclude is relative to the current folder; claims.yaml's globs to claims.yaml.
    inside = claims("validate", "--exclude", "2018/old-1.yaml", cwd=repo / "claims")
    assert inside.returncode == 0 and "3 records in 3 files" in inside.stdout
    assert claims("validate", cwd=repo).returncode == 1, "without --exclude, old-1.yaml is read and fails"


def test_globs_are_read_as_git_reads_a_gitignore(repo):
    """The globs are pathspec's GitIgnoreSpec: a later `!` takes a file back, a leading `/` holds
    to the folder of claims.yaml (both were read otherwise by the translator it replaced)."""
    record_file(repo / "claims" / "drafts" / "keep.yaml", id="claim-keep", claim="Kept from the drafts.")
    record_file(repo / "claims" / "drafts" / "draft.yaml", id="x")  # invalid, excluded
    record_file(repo / "archive" / "claims" / "old.yaml", id="x")  # invalid, excluded
    (repo / "claims.yaml").write_text("exclude: ['claims/drafts/*', '!claims/drafts/keep.yaml', 'archive/']\n")
    run = claims("validate", cwd=repo)
    assert run.returncode == 0 and "3 records in 3 files" in run.stdout, run.stdout
    (repo / "claims" / "drafts" / "draft.yaml").unlink()
    record_file(repo / "drafts" / "root.yaml", id="x")  # invalid, excluded by `/drafts`
    (repo / "claims.yaml").write_text("exclude: [/drafts, archive/]\n")
    anchored = claims("validate", cwd=repo)
    assert anchored.returncode == 0 and "3 records in 3 files" in anchored.stdout, anchored.stdout  # claims/drafts read


def test_include_globs_say_where_the_claims_are(repo):
    (repo / "claims.yaml").write_text("include: ['claims/**/*.yaml']\n")
    (repo / "claims" / "notes.json").write_text('{"not": "a claim"}')
    record_file(repo / "other" / "bad.yaml", id="x")
    run = claims("validate", cwd=repo)
    assert run.returncode == 0 and "2 records in 2 files" in run.stdout, run.stdout
    # Paths are shown from the repository as people type them, not as ./claims/...
    record_file(repo / "claims" / "broken.yaml", id="x")
    assert "\nclaims/broken.yaml:" in "\n" + claims("validate", cwd=repo).stdout
    (repo / "claims.yaml").write_text("include: [claim/**]\n")
    misspelt = claims("validate", cwd=repo)
    assert misspelt.returncode == 1 and "include: 'claim/**' matches no claim file" in misspelt.stdout


@pytest.mark.parametrize("pattern, matched, not_matched", [
    ("claims/**", ["claims/a.yaml", "claims/x/y.json"], ["other/a.yaml", "a.yaml"]),
    ("*.csv", ["a.csv", "deep/b.csv"], ["a.csv.yaml", "csv"]),
    ("drafts", ["drafts/a.yaml", "x/drafts/b.yaml"], ["drafts.yaml", "my-drafts/a.yaml"]),
    ("claims/*.yaml", ["claims/a.yaml"], ["claims/sub/a.yaml"]),
    ("data/[ab]-?.json", ["data/a-1.json", "data/b-x.json"], ["data/c-1.json", "data/a-12.json"]),
    ("data/[!a]*.json", ["data/b.json"], ["data/a.json"]),
    ("./claims/old/", ["claims/old/a.yaml"], ["claims/older/a.yaml"]),
    ("/drafts", ["drafts/a.yaml"], ["x/drafts/a.yaml"]),
    ("claims\\old", ["claims/old/a.yaml"], ["claims/older/a.yaml"]),
])
def test_globs(pattern, matched, not_matched):
    spec = compile_globs([pattern])
    assert [p for p in matched if not spec.match_file(p)] == []
    assert [p for p in not_matched if spec.match_file(p)] == []


@pytest.mark.slow
def test_configuration_is_found_upward_and_named(repo):
    (repo / "claims.yaml").write_text("pretty_name: Desk claims\n")
    (repo / "speakers.yaml").write_text("- name: John Bolton\n  aliases: [Ambassador Bolton]\n")
    record_file(repo / "claims" / "three.yaml", id="claim-three", speaker="Ambassador Bolton")
    built = claims("build", "claims", "--out", "out", cwd=repo)
    assert built.returncode == 0, built.stderr
    assert "  configuration: claims.yaml\n  speakers: speakers.yaml\n" in built.stdout
    card = (repo / "out" / "README.md").read_text()
    assert "Desk claims" in card
    table = subprocess.run([sys.executable, "-c", "import polars, sys; print(sorted(set(polars.read_parquet(sys.argv[1])['speaker'])))",
                            str(next((repo / "out" / "data").glob("*.parquet")))], capture_output=True, text=True)
    assert table.stdout.strip() == "['John Bolton']", "the registry at the root merged the alias"
    verbose = claims("validate", "-v", "claims/2018", cwd=repo)
    assert "configuration: claims.yaml" in verbose.stderr and "speakers: speakers.yaml" in verbose.stderr
    assert "schema: " in verbose.stderr and "(packaged)" in verbose.stderr

    (repo / "speakers.yaml").unlink()
    (repo / "claims.yaml").unlink()
    none = claims("validate", "-v", cwd=repo / "claims")
    assert none.stderr.count("no speakers.yaml found") == 1 and none.stderr.count("no claims.yaml found") == 1
    assert "up to the repository root" in none.stderr
    rebuilt = claims("build", "claims", "--out", "out", cwd=repo)
    assert "  speakers: no speakers.yaml found" in rebuilt.stdout


def test_discovery_on_a_large_repository_asks_git_once(tmp_path, monkeypatch):
    """Git is asked once per repository, not once per file or folder (the walk must stay fast on
    20,000 files; the time itself is measured in bench/)."""
    import toolkit.scope as scope
    from toolkit import readers

    folder = tmp_path / "big"
    for k in range(300):
        record_file(folder / "claims" / f"{k % 30:02}" / f"c{k}.yaml", id=f"claim-{k}")
    (folder / ".gitignore").write_text("claims/07/\n")
    git("init", "-q", cwd=folder)
    calls = []
    real = scope.git_ignored
    monkeypatch.setattr(scope, "git_ignored", lambda *a: calls.append(a) or real(*a))
    found = readers.find([folder])
    assert len(calls) == 1 and len(found.sources) == 290
    assert dict(found.skipped) == {"git-ignored path": 1}


def test_an_export_whose_marker_cannot_be_written_is_still_an_export(repo):
    (repo / ".claims-exports").mkdir()  # in the way: the marker cannot be written
    run = claims("export", "claims", "--format", "csv", "--out", "claims.csv", cwd=repo)
    assert run.returncode == 0 and (repo / "claims.csv").is_file()
    assert "cannot write .claims-exports beside claims.csv" in run.stderr


def test_a_glob_no_regular_expression_can_hold_is_a_usage_error(cli):
    """Review finding: `--exclude '[z-a]*'` ended in a re.error traceback."""
    from conftest import FIXTURES

    run = cli("validate", FIXTURES, "--exclude", "[z-a]*")
    assert run.exit_code == 2 and "the glob '[z-a]*' cannot be read" in run.stderr


def claims_as_a_desk_user(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`claims` as a desk's user runs it, to whom a folder of mode 000 is closed: root reads such a
    folder anyway, so as root the command runs without the two capabilities that let it
    (setpriv drops them from its bounding set; the kernel then checks the mode for root too)."""
    prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, str(CLAIMS), *args], cwd=cwd, capture_output=True, text=True)


@pytest.mark.slow
def test_a_folder_that_cannot_be_read_is_an_error_never_passed_over(tmp_path):
    """Review finding B6: an unreadable subfolder was passed over in silence ("OK"), and publish
    published the dataset without its claims."""
    repo = tmp_path / "desk"
    record_file(repo / "claims" / "2018" / "a.yaml", id="claim-a")
    record_file(repo / "claims" / "2019" / "b.yaml", id="claim-b", claim="Another claim.")
    git("init", "-q", cwd=repo)
    locked = repo / "claims" / "2019"
    locked.chmod(0)
    try:
        assert claims_as_a_desk_user("validate", "claims/2018", cwd=repo).returncode == 0, "the walk itself works"
        run = claims_as_a_desk_user("validate", cwd=repo)
        assert run.returncode == 1, run.stdout + run.stderr
        assert "claims/2019:1:1: error: the folder cannot be read (Permission denied)" in run.stdout
        assert "[unreadable]" in run.stdout
        published = claims_as_a_desk_user("publish", "--repo", "./releases", "--license", "cc0-1.0", cwd=repo)
        assert published.returncode == 1 and not (repo / "releases").exists()
    finally:
        locked.chmod(0o755)
    assert claims("validate", cwd=repo).returncode == 0


@pytest.mark.parametrize("target", ["2019", "/mnt/no-such-archive/2019"], ids=["loops", "leads-nowhere"])
def test_a_link_that_cannot_be_followed_is_an_error(tmp_path, target):
    """A folder of claims behind a link that loops, or that leads to a drive not mounted, would be
    left out: said, with the link's place."""
    repo = tmp_path / "desk"
    record_file(repo / "claims" / "2018" / "a.yaml", id="claim-a")
    (repo / "claims" / "2019").symlink_to(target)
    (repo / "claims" / "ignored").symlink_to("/mnt/no-such-archive/ignored")
    (repo / ".gitignore").write_text("claims/ignored\n")
    git("init", "-q", cwd=repo)
    run = claims("validate", "--format", "json", cwd=repo)
    assert run.returncode == 1
    [problem] = json.loads(run.stdout)["problems"]
    assert (os.path.normpath(problem["file"]), problem["rule"]) == ("claims/2019", "unreadable")
    assert problem["message"].startswith("cannot tell what this is (")
