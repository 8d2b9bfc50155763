"""Where the toolkit finds claims.yaml: from the inputs upward to the root of their git repository,
as git finds its own root; outside a repository, only beside the inputs."""

from __future__ import annotations

import subprocess

from toolkit.dataset import find_settings


def find_config(paths):
    return find_settings(paths).config_file


def test_found_upward_up_to_the_repository_root(tmp_path, monkeypatch):
    (tmp_path / "claims.yaml").write_text("pretty_name: Above the repository\n")
    repo = tmp_path / "desk"
    (repo / "data" / "claims" / "2018").mkdir(parents=True)
    inputs = repo / "data" / "claims"
    assert find_config([inputs]) is None, "outside a repository, a parent's claims.yaml is never taken"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    assert find_config([inputs]) is None, "the search stops at the repository root"
    (repo / "claims.yaml").write_text("pretty_name: Desk\n")
    monkeypatch.chdir(repo)
    assert find_config([inputs / "2018"]) == repo.joinpath("claims.yaml").relative_to(repo)
    (inputs / "claims.yaml").write_text("pretty_name: Nearer\n")
    assert find_config([inputs / "2018"]).parts == ("data", "claims", "claims.yaml"), "the nearest one wins"
