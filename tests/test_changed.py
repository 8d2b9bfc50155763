"""Checking a few files against the whole dataset (issue 12, items 3 and 4): `--dataset` (the
pre-commit hook), `--changed-since REF` (pull requests), the GitHub report and job summary, and
the cache of the index. Real git, the CLI as a subprocess."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desk import claims, git, record_file
from toolkit import report
from toolkit.findings import ValidationResult
from toolkit.records import ERROR, Problem


@pytest.fixture
def repo(tmp_path) -> Path:
    """A desk's repository on `main`: 30 claims (one of them already broken), committed."""
    folder = tmp_path / "desk"
    (folder / "claims").mkdir(parents=True)
    (folder / "claims.yaml").write_text("include: [claims/**]\n")
    (folder / ".gitignore").write_text("/.claims-cache/\n")
    for k in range(30):
        record_file(folder / "claims" / f"{k // 10}" / f"c{k:02}.yaml", id=f"claim-{k:02}", claim=f"Claim number {k} was said.")
    record_file(folder / "claims" / "old-broken.yaml", id="old-broken", status="nope")
    git("init", "-q", "-b", "main", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-qm", "base", cwd=folder)
    return folder


@pytest.mark.slow
def test_dataset_checks_the_given_files_against_the_whole_dataset(repo):
    new = record_file(repo / "claims" / "new.yaml", id="claim-07", claim="A new claim under an old id.")
    alone = claims("validate", "claims/new.yaml", cwd=repo)
    assert alone.returncode == 0, "the file alone is fine: what the hook said before --dataset"
    run = claims("validate", "--dataset", "claims/new.yaml", cwd=repo)
    assert run.returncode == 1
    assert "claims/new.yaml:1:5: error: the id 'claim-07' is used again at claims/0/c07.yaml:1:5" in run.stdout
    assert "old-broken" not in run.stdout, "only the given files' problems are reported"
    assert "claims/0/c07.yaml:" not in run.stdout.replace("used again at claims/0/c07.yaml", "")
    new.unlink()
    (repo / "notes.yaml").write_text("not: claims\n")
    outside = claims("validate", "--dataset", "notes.yaml", "claims/0/c01.yaml", cwd=repo)
    assert outside.returncode == 0
    assert "notes.yaml is not a claim file of the dataset" in outside.stderr


@pytest.mark.slow
def test_changed_since_reports_the_changes_of_a_branch(repo):
    git("switch", "-q", "-c", "topic", cwd=repo)
    record_file(repo / "claims" / "0" / "c01.yaml", id="claim-01", claim="An edit.", status="maybe")  # changed, committed
    record_file(repo / "claims" / "added.yaml", id="claim-22", claim="Added under an old id.")
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "topic", cwd=repo)
    (repo / ".gitignore").write_text("/.claims-cache/\nclaims/ignored.yaml\n")
    git("commit", "-qam", "ignore", cwd=repo)
    # main moved on after the branch: its later changes are not this branch's.
    git("switch", "-q", "main", cwd=repo)
    record_file(repo / "claims" / "on-main.yaml", id="z")
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "main later", cwd=repo)
    git("switch", "-q", "topic", cwd=repo)
    record_file(repo / "claims" / "untracked.yaml", id="x")  # not committed, not ignored: a change too
    record_file(repo / "claims" / "ignored.yaml", id="y")  # ignored: not a change, not read

    run = claims("validate", "--changed-since", "main", "--format", "json", cwd=repo)
    assert run.returncode == 1, run.stderr
    files = {p["file"] for p in json.loads(run.stdout)["problems"]}
    assert files == {"claims/0/c01.yaml", "claims/added.yaml", "claims/untracked.yaml"}
    rules = {(p["file"], p["rule"]) for p in json.loads(run.stdout)["problems"]}
    assert ("claims/added.yaml", "duplicate-id") in rules

    unknown = claims("validate", "--changed-since", "no-such-branch", cwd=repo)
    assert unknown.returncode == 2 and "no-such-branch" in unknown.stderr and "fetch-depth" in unknown.stderr
    assert claims("validate", "--changed-since", "main", "claims", cwd=repo).returncode == 2
    # In Actions (--format github) a usage problem is an annotation too, not only a line in the log.
    annotated = claims("validate", "--changed-since", "no-such-branch", "--format", "github", cwd=repo)
    assert annotated.returncode == 2
    assert annotated.stdout.startswith("::error title=claims::") and "no-such-branch" in annotated.stdout
    both = claims("validate", "--changed-since", "main", "claims", "--format", "github", cwd=repo)
    assert both.returncode == 2 and both.stdout.startswith("::error title=claims::")
    assert "give no paths with it" in both.stdout


@pytest.mark.slow
def test_github_format_puts_changed_files_first_and_writes_the_step_summary(repo, tmp_path):
    record_file(repo / "claims" / "new.yaml", id="claim-03", claim="Pipes | and <b>markup</b> in a claim.", status="nope")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    run = claims("validate", "--changed-since", "HEAD", "--format", "github", cwd=repo, env=env)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert all(line.startswith("::error file=claims/new.yaml,") for line in lines[:-1]) and len(lines) == 3
    written = summary.read_text()
    assert written.startswith("earlier step\n### claims validate: FAILED: 2 errors")
    assert "| claims/new.yaml | 1 | 5 | error | duplicate-id |" in written
    without = claims("validate", "--changed-since", "HEAD", cwd=repo, env=env)
    assert summary.read_text() == written, "only --format github writes the summary"
    assert without.returncode == 1


def test_changed_files_come_first_in_annotations():
    problems = tuple(Problem(f"claims/{name}.yaml", 1, 1, "", "rule", ERROR, "wrong") for name in ("a", "b", "c", "d"))
    result = ValidationResult(4, 4, problems)
    lines = report.render(result, "github", first=["claims/c.yaml"]).splitlines()
    assert [line.split(",")[0] for line in lines[:4]] == ["::error file=claims/c.yaml", "::error file=claims/a.yaml",
                                                         "::error file=claims/b.yaml", "::error file=claims/d.yaml"]
    table = report.step_summary(ValidationResult(1, 1, (Problem("a|b.yaml", 2, 3, "", "r", ERROR, "x | y\nz"),)))
    assert "| a\\|b.yaml | 2 | 3 | error | r | x \\| y z |" in table


@pytest.mark.slow
def test_cache_is_used_and_never_gives_a_wrong_answer(repo):
    first = claims("validate", "--dataset", "claims/0/c01.yaml", cwd=repo)
    assert first.returncode == 0
    cache = repo / ".claims-cache" / "index.json"
    stored = json.loads(cache.read_bytes())
    assert len(stored["seen"]) == 30, "every file but the one reported on (always checked) is kept"
    # An old file edited to duplicate the reported one's id: its entry no longer matches.
    record_file(repo / "claims" / "2" / "c25.yaml", id="claim-01", claim="Now a duplicate.")
    again = claims("validate", "--dataset", "claims/0/c01.yaml", cwd=repo)
    assert again.returncode == 1 and "is used again at claims/2/c25.yaml" in again.stdout
    # A cache file that is not the toolkit's (corrupt, or from another version) is ignored.
    cache.write_text('{"key": "forged", "entries": {}, "seen": {}}')
    assert claims("validate", "--dataset", "claims/0/c01.yaml", cwd=repo).stdout == again.stdout
    cache.write_bytes(b"\x00not json")
    assert claims("validate", "--dataset", "claims/0/c01.yaml", cwd=repo).stdout == again.stdout
    # Same answer as a full run without the cache.
    full = claims("validate", "--format", "json", cwd=repo)
    assert {(p["file"], p["line"], p["rule"]) for p in json.loads(full.stdout)["problems"]
            if p["file"] == "claims/0/c01.yaml"} == {("claims/0/c01.yaml", 1, "duplicate-id")}


def test_dataset_takes_folders_and_needs_paths(repo):
    record_file(repo / "claims" / "1" / "c99.yaml", id="claim-02", claim="Under an old id, in a folder.")
    run = claims("validate", "--dataset", "claims/1", "--format", "json", cwd=repo)
    assert {p["file"] for p in json.loads(run.stdout)["problems"]} == {"claims/1/c99.yaml"}
    assert claims("validate", "--dataset", cwd=repo).returncode == 2


def test_cache_ignores_itself_and_forgets_deleted_files(repo):
    (repo / ".gitignore").unlink()
    assert claims("validate", "--dataset", "claims/0/c01.yaml", cwd=repo).returncode == 0
    assert git("status", "--porcelain", cwd=repo).strip() == "D .gitignore", "the cache is not an untracked file"
    (repo / "claims" / "2" / "c25.yaml").unlink()
    assert claims("validate", "--dataset", "claims/0/c01.yaml", cwd=repo).returncode == 0
    stored = json.loads((repo / ".claims-cache" / "index.json").read_bytes())
    assert "claims/2/c25.yaml" not in stored["seen"] and len(stored["seen"]) == len(stored["entries"]) == 29


def test_a_cold_cache_checked_by_worker_processes_gives_the_full_run_s_answer(tmp_path, monkeypatch):
    """On a cold cache the files are checked in chunks by forked workers, whose keys of ids and
    claims must meet those of this process (Python's own hash of text would differ between runs)."""
    import toolkit
    from toolkit import cache

    monkeypatch.setattr(cache, "CHUNK", 8)  # 60 files: 8 chunks, enough for the worker pool
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    folder = tmp_path / "desk"
    for k in range(60):
        record_file(folder / "claims" / f"c{k:02}.yaml", id=f"claim-{k % 57:02}", claim=f"Claim {k % 58} said.",
                    status="nope" if k == 7 else "true")
    (folder / "claims.yaml").write_text("include: [claims/**]\n")
    monkeypatch.chdir(folder)
    full = toolkit.validate(["."])
    wanted = ["claims/c03.yaml", "claims/c07.yaml", "claims/c57.yaml", "claims/c58.yaml", "claims/c59.yaml"]
    for run in ("cold", "warm"):
        heard: list[str] = []
        part = toolkit.validate(["."], only=wanted, cache=".", on_file=heard.append)
        assert part.problems == tuple(p for p in full.problems if p.file in wanted), run
        assert len(heard) == len(set(heard)) == 60, "the progress line hears of every file (review finding)"
        assert {p.rule for p in part.problems} >= {"duplicate-id", "enum"}, run
    assert len(json.loads((folder / ".claims-cache" / "index.json").read_bytes())["seen"]) == 55


def test_a_pull_request_that_changes_only_the_schema_checks_every_record(repo):
    """Review finding: a PR that only tightened the schema in use passed `--changed-since` while a
    full validate failed every record; main broke after the merge."""
    schema = json.loads((Path(__file__).resolve().parent.parent / "schema" / "claim.schema.json").read_text())
    (repo / "claim.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (repo / "claims.yaml").write_text("include: [claims/**]\nschema: claim.schema.json\n")
    (repo / "claims" / "old-broken.yaml").unlink()
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "the desk's own schema", cwd=repo)
    assert claims("validate", "--changed-since", "main", cwd=repo).returncode == 0
    git("switch", "-q", "-c", "tighten", cwd=repo)
    schema["required"] = [*schema["required"], "desk_note"]
    schema["properties"]["desk_note"] = {"type": "string"}
    (repo / "claim.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    git("commit", "-qam", "every claim needs a desk note", cwd=repo)

    run = claims("validate", "--changed-since", "main", "--format", "json", cwd=repo)
    assert run.returncode == 1
    assert len(json.loads(run.stdout)["problems"]) == 30, "every record is checked and reported, not only changed files"
    assert "claim.schema.json changed: every record is checked and reported" in run.stderr
    full = claims("validate", "--format", "json", cwd=repo)
    assert json.loads(run.stdout) == json.loads(full.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("setting", ["claims.yaml", "speakers.yaml"])
def test_a_change_to_claims_yaml_or_speakers_yaml_checks_every_record(repo, setting):
    (repo / "speakers.yaml").write_text("- name: John Bolton\n")
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "speakers", cwd=repo)
    git("switch", "-q", "-c", "settings", cwd=repo)
    with (repo / setting).open("a") as changed:
        changed.write("# reviewed\n")
    run = claims("validate", "--changed-since", "main", "--format", "json", cwd=repo)
    assert run.returncode == 1, "the broken record, which no changed file holds, is reported"
    assert {p["file"] for p in json.loads(run.stdout)["problems"]} == {"claims/old-broken.yaml"}
    assert f"claims: {setting} changed: every record is checked" in run.stderr
    hook = claims("validate", "--dataset", setting, "claims/0/c01.yaml", cwd=repo)
    assert hook.returncode == 1 and f"{setting} given: every record is checked" in hook.stderr
