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
    # The packaged schema lives inside the installation, and nothing serves its $id: no modeline
    # (a desk's copy of the schema, which `claims init` writes, is named by its relative path).
    assert "yaml-language-server" not in text and "github.io" not in text
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


def test_new_reads_the_dataset_once_unless_its_id_is_taken(tmp_path, monkeypatch):
    """Review finding: `claims new` read the whole dataset twice (its ids, then the validation);
    the readable id is now tried first, and the ids are read only when the dataset has it."""
    import toolkit.new as new

    calls = {"validate": 0, "ids": 0}
    real_validate, real_ids = new.validate, new._ids
    monkeypatch.setattr(new, "validate", lambda *a, **k: calls.__setitem__("validate", calls["validate"] + 1) or real_validate(*a, **k))
    monkeypatch.setattr(new, "_ids", lambda *a, **k: calls.__setitem__("ids", calls["ids"] + 1) or real_ids(*a, **k))
    folder = tmp_path / "claims"
    folder.mkdir()
    options = dict(speaker="Moon Jae-in", date="2018-12-12", status="unverified", source="https://example.org/moon")
    first = new.new_record(folder, claim="A new milestone in the history of the two Koreas.", **options)
    assert calls == {"validate": 1, "ids": 0}
    base = first.id
    # The same first words again, twice: the dataset has the id, then its variant.
    (folder / "renamed.yaml").write_text((folder / f"{base}.yaml").read_text().replace(base, f"{base}-2")
                                         .replace("the two Koreas", "both Koreas"))
    (folder / f"{base}.yaml").rename(folder / "moved.yaml")  # the file name is free, the id is not
    third = new.new_record(folder, claim="A new milestone in the history of the peninsula.", **options)
    assert third.id == f"{base}-3" and calls == {"validate": 3, "ids": 1}
    assert toolkit.validate([folder]).valid


def test_new_takes_the_next_id_when_a_file_of_that_name_exists(tmp_path):
    from toolkit.new import new_record

    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "moon-jae-in-peace.yaml").write_text("id: someone-else\nspeaker: X\nclaim: Y.\ndate: 2018-01-01\nstatus: unverified\n")
    written = new_record(folder, speaker="Moon Jae-in", claim="Peace.", date="2018-12-12", status="unverified",
                         source="https://example.org/a")
    assert written.id == "moon-jae-in-peace-2" and written.path.name == "moon-jae-in-peace-2.yaml"


def test_new_at_a_terminal_asks_again_for_the_field_that_was_wrong(tmp_path, cli, monkeypatch):
    """A wrong date and a wrong status are said, and asked for again; the other answers are kept."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "claims").mkdir()
    monkeypatch.setattr("toolkit.options.at_terminal", lambda: True)
    answers = ["Moon Jae-in", "A new milestone.", "2018-02-30", "nope", "https://news.test/moon",
               "2018-12-12", "unverified"]  # speaker, claim, date, status, source; then date and status again
    run = cli("new", input="\n".join(answers) + "\n")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "date: '2018-02-30' is not a real calendar date" in run.stderr and "status: the text 'nope'" in run.stderr
    assert run.stdout.count("speaker") == 1 and run.stdout.count("date (again)") == 1
    written = yaml.safe_load((tmp_path / run.stdout.strip().splitlines()[-1].split(": ")[-1]).read_text())
    assert (written["speaker"], written["date"], written["status"]) == ("Moon Jae-in", "2018-12-12", "unverified")
    assert written["sources"] == [{"url": "https://news.test/moon"}]
    # Not at a terminal, nothing is asked: the problems and exit 1, nothing written.
    monkeypatch.setattr("toolkit.options.at_terminal", lambda: False)
    bad = cli("new", *ARGS[:-6], "--date", "2018-02-30", "--status", "nope", "--source", "https://news.test/x")
    assert bad.exit_code == 1 and len(list((tmp_path / "claims").iterdir())) == 1
