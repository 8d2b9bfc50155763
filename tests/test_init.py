"""`claims init`: a ready data repository that validates, formats and plans a publish as it is,
with the choices that are the desk's asked for or required, workflows that actionlint passes, and
the schema in use inside the repository where editors find it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

import toolkit
from conftest import ROOT
from toolkit.config import load_config
from toolkit.distribution import installed_version
from toolkit.fmt import format_paths
from toolkit.schema import default_schema_path

CHOICES = ("--repo", "desk/korea-claims", "--license", "cc-by-4.0", "--publisher", "Korea Desk")


def init(cli, folder, *options: str):
    run = cli("init", folder, *(options or CHOICES))
    assert run.exit_code == 0, run.stderr
    return folder


def test_init_makes_a_repository_that_passes_its_own_checks(tmp_path, cli):
    folder = init(cli, tmp_path / "korea-claims")
    for path in ("claims.yaml", "speakers.yaml", "dataset-card.md", ".gitignore", ".pre-commit-config.yaml",
                 ".github/workflows/validate.yml", ".github/workflows/publish.yml", "schema/claim.schema.json",
                 ".vscode/settings.json"):
        assert (folder / path).is_file(), path
    config = load_config(folder / "claims.yaml")
    assert config.repo_id == "desk/korea-claims" and dict(config.publisher) == {"name": "Korea Desk"}
    assert config.license == "cc-by-4.0" and config.include == ("claims/**",)
    assert config.schema == str(folder / "schema" / "claim.schema.json")
    assert toolkit.validate([folder / "claims"], config.schema).valid
    assert format_paths([folder / "claims"], check=True).changed == []


def test_init_never_replaces_a_file(tmp_path, cli):
    (tmp_path / "claims.yaml").write_text("pretty_name: Ours\n")
    run = cli("init", tmp_path, *CHOICES)
    assert run.exit_code == 2 and "claims.yaml" in run.stderr
    assert (tmp_path / "claims.yaml").read_text() == "pretty_name: Ours\n"
    assert not (tmp_path / "speakers.yaml").exists()


def test_init_into_a_file_is_a_usage_problem(tmp_path, cli):
    """B50: a file where the folder should be is exit 2 saying so, not exit 1 "File exists"."""
    (tmp_path / "afile").write_text("mine\n")
    for folder in (tmp_path / "afile", tmp_path / "afile" / "desk"):
        run = cli("init", folder, *CHOICES)
        assert run.exit_code == 2 and "afile is a file, not a folder" in run.stderr
    assert (tmp_path / "afile").read_text() == "mine\n"


def test_init_requires_the_desks_choices_and_writes_no_placeholder(tmp_path, cli):
    """Without a terminal, the Hub repository, the license and the publisher must be given: none
    is made up (a desk once published `ORG/...`, cc-by-4.0 it never chose, and example.org)."""
    run = cli("init", tmp_path / "desk")
    assert run.exit_code == 2 and "missing --repo, --license, --publisher" in run.stderr
    assert not (tmp_path / "desk").exists()
    partly = cli("init", tmp_path / "desk", "--repo", "desk/x")
    assert partly.exit_code == 2 and "missing --license, --publisher" in partly.stderr


def test_init_asks_for_the_desks_choices_at_a_terminal(tmp_path, cli, monkeypatch):
    """At a terminal each missing choice is asked for; a repository that is not ORG/NAME is asked again."""
    monkeypatch.setattr("toolkit.options.at_terminal", lambda: True)
    run = cli("init", tmp_path / "desk", input="not a repo\ndesk/asked\ncc-by-sa-4.0\nAsked Desk\nhttps://asked.test\n")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "'not a repo' is not a Hub dataset repository" in run.stderr
    config = load_config(tmp_path / "desk" / "claims.yaml")
    assert (config.repo_id, config.license) == ("desk/asked", "cc-by-sa-4.0")
    assert dict(config.publisher) == {"name": "Asked Desk", "url": "https://asked.test"}


def test_the_workflows_pass_actionlint_and_pin_the_toolkit(tmp_path, cli):
    """actionlint (with shellcheck for the `run:` scripts) on what init writes; validate.yml runs on
    pull requests and on main, with least permissions, a timeout, pip's cache and the toolkit's;
    publish.yml installs the build extra of this very version and publishes where claims.yaml says."""
    folder = init(cli, tmp_path / "desk")
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    bin_folder = os.path.dirname(sys.executable)
    lint = subprocess.run([os.path.join(bin_folder, "actionlint"), "-verbose"], cwd=folder, capture_output=True,
                          text=True, env={**os.environ, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"})
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "Found total 0 errors" in lint.stderr and 'Rule "shellcheck" was disabled' not in lint.stderr
    release = ROOT / ".github" / "workflows" / "release.yml"  # the toolkit's own, checked the same way
    own = subprocess.run([os.path.join(bin_folder, "actionlint"), str(release)], cwd=ROOT, capture_output=True,
                         text=True, env={**os.environ, "PATH": f"{bin_folder}{os.pathsep}{os.environ['PATH']}"})
    assert own.returncode == 0, own.stdout + own.stderr
    assert "pypa/gh-action-pypi-publish@" in release.read_text() and "id-token: write" in release.read_text()
    validate = yaml.safe_load((folder / ".github/workflows/validate.yml").read_text())
    publish = yaml.safe_load((folder / ".github/workflows/publish.yml").read_text())
    assert validate[True] == {"pull_request": None, "push": {"branches": ["main"]}}  # YAML 1.1 reads `on` as True
    for workflow in (validate, publish):
        assert workflow["permissions"] == {"contents": "read"}
        job = next(iter(workflow["jobs"].values()))
        assert job["timeout-minutes"] > 0
        assert any(step.get("with", {}).get("cache") == "pip" for step in job["steps"])
    assert validate["env"]["CLAIMS_TOOLKIT"] == f"claims-toolkit=={installed_version()}"
    assert publish["env"]["CLAIMS_TOOLKIT"] == f"claims-toolkit[build]=={installed_version()}"
    steps = validate["jobs"]["validate"]["steps"]
    assert any(step.get("uses", "").startswith("actions/cache@") and step["with"]["path"] == ".claims-cache"
               for step in steps)
    runs = [step.get("run", "") for step in steps]
    assert "claims fmt --check" in runs and 'pip install "$CLAIMS_TOOLKIT"' in runs
    publish_run = [step["run"] for step in publish["jobs"]["publish"]["steps"] if "claims publish" in step.get("run", "")]
    assert publish_run == ['claims publish --version "${GITHUB_REF_NAME#v}"']  # repo_id from claims.yaml, no copy
    assert "desk/korea-claims" not in (folder / ".github/workflows/publish.yml").read_text()


def test_the_schema_in_use_is_in_the_repository_where_editors_find_it(tmp_path, cli, monkeypatch):
    """The example's and `claims new`'s `yaml-language-server` line is a path from the file to the
    repository's copy of the schema; .vscode/settings.json maps the claim files to the same file."""
    folder = init(cli, tmp_path / "desk")
    copy = folder / "schema" / "claim.schema.json"
    assert copy.read_text() == default_schema_path().read_text()
    example = next((folder / "claims").glob("*.yaml"))
    modeline = example.read_text().splitlines()[0]
    assert modeline == "# yaml-language-server: $schema=../schema/claim.schema.json"
    monkeypatch.chdir(folder)
    new = cli("new", "--speaker", "Moon Jae-in", "--claim", "Peace is near.", "--date", "2018-12-12",
              "--status", "unverified", "--source", "https://news.test/moon")
    assert new.exit_code == 0, new.stderr
    written = folder / new.stdout.strip()
    reference = written.read_text().splitlines()[0].removeprefix("# yaml-language-server: $schema=")
    assert (written.parent / reference).resolve() == copy.resolve()
    settings = json.loads((folder / ".vscode" / "settings.json").read_text())
    assert settings["yaml.schemas"] == {"./schema/claim.schema.json": ["/claims/**/*.yaml", "/claims/**/*.yml"]}
    assert settings["json.schemas"] == [{"fileMatch": ["/claims/**/*.json"], "url": "./schema/claim.schema.json"}]
    assert "github.io" not in written.read_text() + example.read_text()


def test_schema_write_keeps_the_desks_copy_in_step(tmp_path, cli, monkeypatch):
    """`claims schema --write` brings an older copy of the toolkit's schema up to date, says when
    it is in step, and never replaces a schema of the desk's own (its own $id) without --force."""
    folder = init(cli, tmp_path / "desk")
    monkeypatch.chdir(folder)
    copy = Path("schema/claim.schema.json")
    assert cli("schema", "--write").stdout.startswith("schema/claim.schema.json: in step")
    older = json.loads(copy.read_text())
    older["properties"].pop("tags")
    copy.write_text(json.dumps(older))  # as an older toolkit wrote it: the toolkit's $id
    run = cli("schema", "--write")
    assert run.exit_code == 0 and run.stdout.startswith("schema/claim.schema.json: updated")
    assert copy.read_text() == default_schema_path().read_text()
    own = {**older, "$id": "https://desk.test/claim.schema.json"}
    copy.write_text(json.dumps(own))
    refused = cli("schema", "--write")
    assert refused.exit_code == 2 and "is not the toolkit's schema" in refused.stderr
    assert json.loads(copy.read_text()) == own
    assert cli("schema", "--write", "--force").exit_code == 0 and copy.read_text() == default_schema_path().read_text()


def test_migrate_brings_the_toolkits_schema_copy_in_step(tmp_path, cli, monkeypatch):
    folder = init(cli, tmp_path / "desk")
    copy = folder / "schema" / "claim.schema.json"
    copy.write_text(copy.read_text().replace('"description"', '"$comment": "older", "description"', 1))
    monkeypatch.chdir(folder)
    run = cli("migrate")
    assert run.exit_code == 0, run.stderr
    assert "schema/claim.schema.json: updated" in run.stdout
    assert copy.read_text() == default_schema_path().read_text()


def test_publish_dry_run_in_a_new_repository_plans_the_first_version(tmp_path, cli, hub, monkeypatch):
    """`claims publish --dry-run` with no --repo: the Hub repository named in claims.yaml."""
    folder = init(cli, tmp_path / "desk")
    (folder / "claims" / "bolton-commitments-not-lived-up.yaml").unlink()  # the example is never published
    monkeypatch.chdir(folder)
    assert cli("new", "--speaker", "Moon Jae-in", "--claim", "Peace is near.", "--date", "2018-12-12",
               "--status", "unverified", "--source", "https://news.test/moon").exit_code == 0
    run = cli("publish", "--dry-run")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "would publish v1.0.0 to desk/korea-claims (the first version)" in run.stdout
    from huggingface_hub import HfApi

    assert not HfApi().repo_exists("desk/korea-claims", repo_type="dataset"), "a dry run creates nothing"


def test_settings_with_yaml_characters_are_read_back_as_given(tmp_path, cli):
    """A name with ': ' or ' #' is quoted in claims.yaml (it once made a file no command could read,
    or cut the publisher's name at the '#'); a repository that is not ORG/NAME is refused."""
    folder = tmp_path / "desk"
    run = cli("init", folder, "--name", "Korea: claims", "--publisher", "Desk #1", "--repo", "desk/korea",
              "--license", "cc-by-4.0", "--publisher-url", "https://desk.test/a#b")
    assert run.exit_code == 0, run.stderr
    config = load_config(folder / "claims.yaml")
    assert config.pretty_name == "Korea: claims"
    assert dict(config.publisher) == {"name": "Desk #1", "url": "https://desk.test/a#b"}
    refused = cli("init", tmp_path / "other", "--repo", "not a repo", "--license", "x", "--publisher", "y")
    assert refused.exit_code == 2 and not (tmp_path / "other").exists()


def test_settings_with_separators_and_controls_are_read_alike_by_every_yaml_reader(tmp_path, cli):
    """A name holding U+2028 or a C1 control was written raw inside double quotes: PyYAML read a
    space for U+2028 and refused U+009F (issue 17: what a writer writes, every reader reads alike)."""
    import yaml
    from ruamel.yaml import YAML

    folder = tmp_path / "desk"
    name, publisher = "Korea\u2028claims", "Desk\x9f\x85 one"
    run = cli("init", folder, "--name", name, "--publisher", publisher, "--repo", "desk/korea", "--license", "cc-by-4.0")
    assert run.exit_code == 0, run.stderr
    text = (folder / "claims.yaml").read_text(encoding="utf-8")
    for reader in (yaml.safe_load, YAML(typ="safe", pure=True).load):
        data = reader(text)
        assert data["pretty_name"] == name and data["publisher"]["name"] == publisher
    assert load_config(folder / "claims.yaml").pretty_name == name
