"""The `claims-validate` hook of `.pre-commit-hooks.yaml`, run by the real pre-commit (`try-repo`
installs this repository into pre-commit's own environment, as a desk's pre-commit would)."""

from __future__ import annotations

import os
from pathlib import Path
import subprocess
import sys

from conftest import ROOT
import pytest

pytestmark = pytest.mark.slow  # runs the real pre-commit, which builds a hook environment


def test_try_repo_on_an_initialised_data_repository(tmp_path, cli):
    folder = tmp_path / "desk"
    assert cli("init", folder, "--repo", "desk/korea", "--license", "cc-by-4.0", "--publisher", "Korea Desk").exit_code == 0
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def try_repo(*options: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "claims-validate", *options],
                              cwd=folder, env=env, capture_output=True, text=True)

    passed = try_repo("--all-files")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "claims validate" in passed.stdout and "Passed" in passed.stdout
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "init"], cwd=folder, check=True)
    (folder / "claims" / "broken.yaml").write_text("id: x\nstatus: nope\n")
    # A new file whose id is the committed example's: alone it is valid, against the dataset it is not.
    example = next((folder / "claims").glob("*.yaml"))
    (folder / "claims" / "again.yaml").write_text(example.read_text().replace("claim: ", "claim: Again, "))
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)
    failed = try_repo()  # the staged files, as the hook runs on a commit
    assert failed.returncode == 1
    assert "claims/broken.yaml:2:9: error: the text 'nope' is not a status" in failed.stdout
    duplicates = [line for line in failed.stdout.splitlines() if line.endswith("[duplicate-id]")]
    assert len(duplicates) == 1 and duplicates[0].startswith("claims/again.yaml:4:5: error: the id 'bolton-commitments-not-lived-up'")
    assert f"at {example.relative_to(folder)}:4:5" in duplicates[0], "the old file is named, not reported on"


def test_the_generated_config_installs_the_hooks_by_itself(tmp_path, cli, built_wheel):
    """The `.pre-commit-config.yaml` that `claims init` writes, unchanged, run by the real
    pre-commit: it installs claims-toolkit into an environment of its own (pip is pointed at the
    wheel built from this checkout, `PIP_FIND_LINKS`, as the release is not on PyPI; its
    dependencies come from pip's usual places), and `claims` is not on PATH. Both hooks run:
    claims-fmt rewrites a file that is not in canonical form, claims-validate fails a broken one."""
    folder = tmp_path / "desk"
    run = cli("init", folder, "--repo", "desk/korea", "--license", "cc-by-4.0", "--publisher", "Korea Desk")
    assert run.exit_code == 0, run.stderr
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)
    path = [folder_ for folder_ in os.environ["PATH"].split(os.pathsep) if not (Path(folder_) / "claims").exists()]
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PATH": os.pathsep.join(path),
           "PIP_FIND_LINKS": str(built_wheel.parent)}

    def pre_commit(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=folder, env=env, capture_output=True,
                              text=True)

    passed = pre_commit("run", "--all-files")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert [line.split(".")[0] for line in passed.stdout.splitlines() if "Passed" in line] == ["claims validate", "claims fmt"]
    (folder / "claims" / "broken.yaml").write_text("id: x\nstatus: nope\n")
    example = next((folder / "claims").glob("bolton*.yaml"))
    example.write_text(example.read_text().replace('date: "2018-12-04"', "date: 2018-12-04"))  # not canonical
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)
    failed = pre_commit("run")
    assert failed.returncode == 1
    assert "claims/broken.yaml:2:9: error: the text 'nope' is not a status" in failed.stdout
    assert f"reformatted {example.relative_to(folder)}" in failed.stdout
    assert 'date: "2018-12-04"' in example.read_text(), "claims-fmt rewrote it"
