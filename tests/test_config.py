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


def test_a_setting_written_twice_is_refused_where_it_is_not_kept_silently(tmp_path, monkeypatch, cli):
    """PyYAML keeps the last of a key written twice: the desk would publish under a license it
    did not mean. Every command refuses it, naming both lines; the library too."""
    import pytest

    import toolkit
    from toolkit.errors import UsageError

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # a desk: claims.yaml is found above the claims
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "a.yaml").write_text(
        "id: taxes-rose\nspeaker: A\nclaim: Taxes rose.\ndate: 2020-01-01\nstatus: 'false'\nsources: [{url: 'https://a.example.org'}]\n"
    )
    (tmp_path / "claims.yaml").write_text("license: cc-by-4.0\npretty_name: Desk\nlicense: mit\n")
    monkeypatch.chdir(tmp_path)
    for command in ("validate", "build", "stats"):
        run = cli(command, "claims", *(["--out", "b"] if command == "build" else []))
        assert run.exit_code == 2, (command, run.stdout, run.stderr)
        assert "claims.yaml:3:1: the key 'license' is written twice in one mapping (first at line 1)" in run.stderr
    with pytest.raises(UsageError, match="written twice"):
        toolkit.validate(["claims"])
    (tmp_path / "claims.yaml").write_text("license: cc-by-4.0\npretty_name: Desk\n")
    assert cli("validate", "claims").exit_code == 0
