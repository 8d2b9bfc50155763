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
    assert len(duplicates) == 1 and duplicates[0].startswith("claims/again.yaml:3:5: error: the id 'bolton-commitments-not-lived-up'")
    assert f"at {example.relative_to(folder)}:3:5" in duplicates[0], "the old file is named, not reported on"
