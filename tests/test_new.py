"""`claims new`: one claim file, with a readable unique id, written only when it passes."""

from __future__ import annotations

import yaml

import toolkit
from toolkit.new import unique_id

ARGS = ["--speaker", "Moon Jae-in", "--claim", "A new milestone in the history of the two Koreas.",
        "--date", "2018-12-12", "--status", "unverified", "--source", "https://example.org/moon"]


def test_new_writes_a_valid_file_into_the_claims_folder(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "claims").mkdir()
    run = cli("new", *ARGS)
    assert run.exit_code == 0, run.stdout + run.stderr
    path = tmp_path / run.stdout.strip()
    assert path.parent == tmp_path / "claims" and path.name == "moon-jae-in-a-new-milestone-in-the-history.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=https://claims-toolkit.github.io/schema/v2/")
    assert yaml.safe_load(text)["status"] == "unverified"  # text for every YAML reader
    assert toolkit.validate([tmp_path / "claims"]).valid


def test_new_follows_the_include_of_claims_yaml(tmp_path, cli, monkeypatch):
    (tmp_path / "claims.yaml").write_text("include: [data/claims/**/*.yaml]\n")
    (tmp_path / "data" / "claims").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    run = cli("new", *ARGS)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.strip().startswith("data/claims/moon-jae-in")


def test_new_refuses_what_would_not_validate_and_writes_nothing(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "claims").mkdir()
    assert cli("new", *ARGS).exit_code == 0
    again = cli("new", *ARGS)  # the same claim, same speaker, same day: a duplicate
    assert again.exit_code == 1 and "duplicate-claim" in again.stdout
    bad = cli("new", *ARGS[:-6], "--date", "2018-02-30", "--status", "nope", "--source", "https://example.org/x")
    assert bad.exit_code == 1
    assert "not a real calendar date" in bad.stdout and "did you mean 'unproven'" in bad.stdout
    assert len(list((tmp_path / "claims").iterdir())) == 1


def test_new_without_a_terminal_names_what_is_missing(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cli("new", "--speaker", "X")
    assert run.exit_code == 2 and "missing --claim, --date, --status, --source" in run.stderr


def test_ids_are_readable_and_unique():
    assert unique_id("John Bolton", "They have not lived up to the commitments so far.", set()) == \
        "john-bolton-they-have-not-lived-up-to"
    assert unique_id("Moon Jae-in", "Peace.", {"moon-jae-in-peace", "moon-jae-in-peace-2"}) == "moon-jae-in-peace-3"
    arabic = unique_id("محمد", "خبر", set())
    assert arabic.startswith("claim-") and len(arabic) == 14
