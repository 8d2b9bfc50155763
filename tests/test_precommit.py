"""The `claims-validate` hook of `.pre-commit-hooks.yaml`, run by the real pre-commit (`try-repo`
installs this repository into pre-commit's own environment, as a desk's pre-commit would)."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT


def test_try_repo_on_an_initialised_data_repository(tmp_path, cli):
    folder = tmp_path / "desk"
    assert cli("init", folder).exit_code == 0
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def try_repo() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "claims-validate", "--all-files"],
                              cwd=folder, env=env, capture_output=True, text=True)

    passed = try_repo()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "claims validate" in passed.stdout and "Passed" in passed.stdout
    (folder / "claims" / "broken.yaml").write_text("id: x\nstatus: nope\n")
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)
    failed = try_repo()
    assert failed.returncode == 1
    assert "claims/broken.yaml:2:9: error: the text 'nope' is not a status" in failed.stdout
