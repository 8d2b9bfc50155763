"""One `Dataset`: a desk's settings (claims.yaml, the schema in use, speakers.yaml) are found by one
upward search and read once per command, and the library's face reads them exactly as the CLI does."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import toolkit
from conftest import FIXTURES, valid_record
from toolkit import dataset as dataset_module
from toolkit.dataset import Dataset


@pytest.fixture
def desk(tmp_path, monkeypatch):
    """A desk (a git repository) whose own schema requires a field the packaged schema does not know."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    schema = json.loads((FIXTURES.parent / "schema" / "claim.schema.json").read_text(encoding="utf-8"))
    schema["required"] = [*schema["required"], "desk_note"]
    schema["properties"]["desk_note"] = {"type": "string"}
    (tmp_path / "desk.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (tmp_path / "claims.yaml").write_text("schema: desk.schema.json\n", encoding="utf-8")
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "a.json").write_text(json.dumps(valid_record()), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_library_reads_the_desk_s_schema_as_the_cli_does(desk, cli):
    """Review finding: only the CLI read `schema:` of claims.yaml; `toolkit.validate` said valid."""
    run = cli("validate", "claims")
    assert run.exit_code == 1 and "desk_note" in run.stdout
    result = toolkit.validate(["claims"])
    assert not result.valid
    assert [(p.file, p.rule) for p in result.problems] == [(os.path.join("claims", "a.json"), "required")]
    assert "desk_note" in result.problems[0].message
    with pytest.raises(toolkit.ValidationFailed):
        toolkit.build(["claims"])
    (desk / "claims" / "a.json").write_text(json.dumps(valid_record(desk_note="checked twice")), encoding="utf-8")
    assert toolkit.validate(["claims"]).valid and cli("validate", "claims").exit_code == 0
    assert toolkit.build(["claims"]).table["desk_note"].to_list() == ["checked twice"]


def test_the_face_has_one_call_per_command_and_build_is_a_call(desk):
    for name in ("validate", "build", "export", "stats", "publish", "load", "diff"):
        assert callable(getattr(toolkit, name)), name
    (desk / "claims" / "a.json").write_text(json.dumps(valid_record(desk_note="n")), encoding="utf-8")
    built = toolkit.build(Dataset.open(["claims"]), desk / "out")
    assert (desk / "out" / built.written[0]).is_file()
    summary = toolkit.export(["claims"], "csv", desk / "claims.csv")
    assert summary.rows == 1 and summary.unmarked is None
    assert toolkit.stats(["claims"]).claims == 1


def test_options_belong_to_the_dataset_not_to_a_call_given_one(desk):
    opened = Dataset.open(["claims"])
    with pytest.raises(toolkit.UsageError, match="schema"):
        toolkit.validate(opened, schema="other.schema.json")


@pytest.mark.parametrize(
    "command",
    [
        ["build", "claims", "--out", "built"],
        ["validate", "claims"],
        ["export", "claims", "--format", "csv", "--out", "claims.csv"],
        ["stats", "claims"],
        ["publish", "claims", "--repo", "./releases", "--license", "cc0-1.0", "--dry-run"],
    ],
)
def test_one_command_reads_claims_yaml_once_and_searches_upward_once(desk, cli, monkeypatch, command):
    """Review finding: one `claims build` read claims.yaml 4 times and searched upward 8 times."""
    (desk / "claims" / "a.json").write_text(json.dumps(valid_record(desk_note="n")), encoding="utf-8")
    (desk / "speakers.yaml").write_text("- name: John Bolton\n", encoding="utf-8")
    searches = []
    search = dataset_module.find_settings
    monkeypatch.setattr(dataset_module, "find_settings", lambda paths: searches.append(paths) or search(paths))
    opened: list[str] = []
    _OPENED.append(opened)
    try:
        run = cli(*command)
    finally:
        _OPENED.remove(opened)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert len(searches) == 1
    assert opened.count("claims.yaml") == 1 and opened.count("speakers.yaml") == 1 and opened.count("desk.schema.json") == 1


_OPENED: list[list[str]] = []  # the lists the audit hook fills while a test listens


def _audit(event: str, args: tuple) -> None:
    if event == "open" and _OPENED and isinstance(args[0], (str, bytes, os.PathLike)):
        _OPENED[-1].append(os.path.basename(os.fsdecode(args[0])))


sys.addaudithook(_audit)  # cannot be removed; it only listens while a test asks (`_OPENED`)


def test_import_toolkit_and_validate_load_no_polars():
    code = "import sys, toolkit; toolkit.validate(['fixtures/']); print('polars' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], cwd=FIXTURES.parent, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
