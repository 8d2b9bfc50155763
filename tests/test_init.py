"""`claims init`: a ready data repository that validates, formats and plans a publish as it is."""

from __future__ import annotations

import subprocess

import yaml

import toolkit
from toolkit.config import load_config
from toolkit.fmt import format_paths


def test_init_makes_a_repository_that_passes_its_own_checks(tmp_path, cli):
    folder = tmp_path / "korea-claims"
    run = cli("init", folder, "--repo", "desk/korea-claims", "--publisher", "Korea Desk")
    assert run.exit_code == 0, run.stderr
    for path in ("claims.yaml", "speakers.yaml", "dataset-card.md", ".gitignore", ".pre-commit-config.yaml",
                 ".github/workflows/validate.yml", ".github/workflows/publish.yml"):
        assert (folder / path).is_file(), path
    config = load_config(folder / "claims.yaml")
    assert config.repo_id == "desk/korea-claims" and dict(config.publisher)["name"] == "Korea Desk"
    assert config.include == ("claims/**",)
    assert toolkit.validate([folder / "claims"]).valid
    assert format_paths([folder / "claims"], check=True).changed == []
    for workflow in ("validate", "publish"):
        steps = yaml.safe_load((folder / f".github/workflows/{workflow}.yml").read_text())["jobs"][workflow]["steps"]
        assert any("claims" in step.get("run", "") for step in steps)
    publish = (folder / ".github/workflows/publish.yml").read_text()
    assert "${{ secrets.HF_TOKEN }}" in publish and "--repo desk/korea-claims" in publish


def test_init_never_replaces_a_file(tmp_path, cli):
    (tmp_path / "claims.yaml").write_text("pretty_name: Ours\n")
    run = cli("init", tmp_path)
    assert run.exit_code == 2 and "claims.yaml" in run.stderr
    assert (tmp_path / "claims.yaml").read_text() == "pretty_name: Ours\n"
    assert not (tmp_path / "speakers.yaml").exists()


def test_the_pre_commit_config_runs_the_hook(tmp_path, cli):
    """The real pre-commit runs the configured hook on the initialised repository (the hook is the
    `claims` command of this environment, put on PATH)."""
    import os
    import sys

    folder = tmp_path / "repo"
    assert cli("init", folder).exit_code == 0
    env = {**os.environ, "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}",
           "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)
    passed = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=folder, env=env,
                            capture_output=True, text=True)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "claims validate" in passed.stdout and "Passed" in passed.stdout
    (folder / "claims" / "broken.yaml").write_text("id: x\n")
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)
    failed = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=folder, env=env,
                            capture_output=True, text=True)
    assert failed.returncode == 1 and "broken.yaml" in failed.stdout


def test_publish_dry_run_in_a_new_repository_plans_the_first_version(tmp_path, cli, hub, monkeypatch):
    """`claims publish --dry-run` with no --repo: the Hub repository named in claims.yaml."""
    folder = tmp_path / "desk"
    assert cli("init", folder, "--repo", "desk/korea-claims").exit_code == 0
    monkeypatch.chdir(folder)
    run = cli("publish", "--dry-run")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "would publish v1.0.0 to desk/korea-claims (the first version)" in run.stdout
    from huggingface_hub import HfApi

    assert not HfApi().repo_exists("desk/korea-claims", repo_type="dataset"), "a dry run creates nothing"


def test_settings_with_yaml_characters_are_read_back_as_given(tmp_path, cli):
    """A name with ': ' or ' #' is quoted in claims.yaml (it once made a file no command could read,
    or cut the publisher's name at the '#'); a repository that is not ORG/NAME is refused."""
    folder = tmp_path / "desk"
    run = cli("init", folder, "--name", "Korea: claims", "--publisher", "Desk #1", "--repo", "desk/korea")
    assert run.exit_code == 0, run.stderr
    config = load_config(folder / "claims.yaml")
    assert config.pretty_name == "Korea: claims" and dict(config.publisher)["name"] == "Desk #1"
    refused = cli("init", tmp_path / "other", "--repo", "not a repo")
    assert refused.exit_code == 2 and not (tmp_path / "other").exists()
