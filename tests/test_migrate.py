"""`claims migrate`: schema 1 files rewritten in place as schema 2 (review -> reviews[0]), in every
format, YAML comments kept, each file reported; `claims validate` points schema 1 records at it."""

from __future__ import annotations

import json
import re

import pytest

import toolkit
from toolkit.migrate import migrate_paths

V1_REVIEW = {"summary": 'Original rating: "Pants on Fire!". Not a threat?', "url": "https://checker.example.org/a",
             "reviewer": "Example Fact Check", "date": "2018-06-14"}
V2_REVIEW = {"url": "https://checker.example.org/a", "date": "2018-06-14", "rating": {"text": "Pants on Fire!"},
             "status": "false", "summary": "Not a threat?", "author": "Example Fact Check"}


def v1(**overrides) -> dict:
    record = {"id": "trump-no-longer-nuclear-threat", "speaker": "Donald Trump",
              "claim": "There is no longer a Nuclear Threat from North Korea.", "date": "2018-06-13",
              "status": "false", "sources": [{"url": "https://example.org/a"}], "review": V1_REVIEW}
    return {key: value for key, value in {**record, **overrides}.items() if value is not None}


def test_yaml_keeps_its_comments_and_layout(write, cli):
    path = write("claims/a.yaml", """\
# The desk's file: comments stay.
id: trump-no-longer-nuclear-threat
speaker: Donald Trump   # as tweeted
claim: There is no longer a Nuclear Threat from North Korea.
date: "2018-06-13"
status: "false"
review:   # the check
  summary: Checked against the IAEA reports.
  reviewer: Jo Checker
  date: "2018-06-14"
sources:
  - url: https://example.org/a
---
id: moon-new-milestone
speaker: Moon Jae-in
claim: A new milestone.
date: "2018-12-12"
status: unverified
review: {reviewer: Jo Checker}
""")
    assert not toolkit.validate([path]).valid
    run = cli("migrate", path.parent)
    assert run.exit_code == 0, run.stderr
    assert "migrated claims/a.yaml (2 records)" in run.stdout.replace(str(path.parent.parent) + "/", "")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# The desk's file: comments stay.\n") and "speaker: Donald Trump   # as tweeted" in text
    assert "reviews:" in text and "review:" not in text.replace("reviews:", "")
    result, records = toolkit.read_records([path])
    assert result.valid, [p.as_dict() for p in result.problems]
    assert records[0].data["reviews"] == [{"status": "false", "summary": "Checked against the IAEA reports.",
                                           "author": "Jo Checker", "date": "2018-06-14"}]
    assert list(records[0].data)[:7] == ["id", "speaker", "claim", "date", "status", "sources", "reviews"]  # fmt's order
    assert re.search(r"^reviews: +# the check\n", text, re.M)
    assert records[1].data["reviews"] == [{"author": "Jo Checker"}]  # unverified: no verdict to give the review
    again = cli("migrate", path.parent)
    assert again.exit_code == 0 and "0 files migrated to schema 2, 1 file already schema 2" in again.stdout
    assert path.read_text(encoding="utf-8") == text


def test_json_jsonl_and_csv_are_migrated_and_validate(write):
    json_file = write("claims/b.json", json.dumps([v1(), v1(id="other-claim", claim="Other words.", review=None)], indent=2))
    untouched = json.dumps(v1(id="third-claim", claim="Third words.", review=None)) + "\n"
    lines = write("claims/c.jsonl", json.dumps(v1(id="jsonl-claim", claim="Another.")) + "\n" + untouched)
    csv_file = write("claims/d.csv", "\ufeffid,speaker,claim,date,status,review\r\n"
                     'csv-claim,Jane Doe,"A claim, with a comma.",2018-06-13,mostly-true,'
                     '"{""url"": ""https://checker.example.org/c"", ""reviewer"": ""Jo""}"\r\n'
                     "csv-plain,Jane Doe,Nothing reviewed.,2018-06-13,unverified,\r\n")
    result = migrate_paths([json_file.parent])
    assert result.migrated == {str(json_file): 1, str(lines): 1, str(csv_file): 1} and not result.failed
    assert json.loads(json_file.read_text(encoding="utf-8"))[0]["reviews"] == [V2_REVIEW]
    assert lines.read_text(encoding="utf-8").endswith(untouched)  # a line with nothing to migrate stays as it was
    raw = csv_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,speaker,claim,date,status,reviews\r\n")  # the BOM and CRLF kept
    result, records = toolkit.read_records([json_file.parent])
    assert result.valid, [p.as_dict() for p in result.problems]
    by_id = {r.data["id"]: r.data for r in records}
    assert by_id["csv-claim"]["reviews"] == [{"url": "https://checker.example.org/c", "status": "mostly-true", "author": "Jo"}]
    assert by_id["jsonl-claim"]["reviews"] == [V2_REVIEW] and "reviews" not in by_id["third-claim"]


def test_check_changes_nothing_and_a_broken_file_is_reported(write, cli):
    path = write("claims/a.json", json.dumps(v1()))
    broken = write("claims/b.json", "{not json")
    before = path.read_bytes()
    run = cli("migrate", path.parent, "--check")
    assert run.exit_code == 1 and "would migrate" in run.stdout and "cannot migrate" in run.stderr
    assert path.read_bytes() == before and broken.read_text() == "{not json"


def test_validate_points_a_schema_1_record_at_migrate(write, cli):
    path = write("old.json", json.dumps(v1()))
    run = cli("validate", path)
    assert run.exit_code == 1
    assert "this looks like a schema 1 record (review:)" in run.stdout and "claims migrate" in run.stdout


def test_a_migrated_dataset_publishes_a_major_version(tmp_path):
    from pathlib import Path

    from toolkit.publishing import publish

    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "claims.yaml").write_text("license: cc-by-4.0\n")
    (folder / "a.json").write_text(json.dumps([v1(), v1(id="other-claim", claim="Other words.", review=None)]))
    store = str(tmp_path / "store")
    schema_1 = Path(__file__).parent / "data" / "claim-v1.schema.json"
    assert str(publish([folder], store, schema=schema_1).version) == "1.0.0"
    migrate_paths([folder])
    result = publish([folder], store)
    assert str(result.version) == "2.0.0"  # `review` gone: an incompatible schema change
    assert not result.change.added and not result.change.removed and result.change.schema.incompatible


# -- review 2026-12: migrate writes fmt's form, refuses what it cannot migrate, never loses a value --


def test_a_key_written_twice_is_refused_never_resolved(write, cli):
    """B5: migrate kept the last 'claim' of two and erased the duplicate-key error with the first text."""
    text = json.dumps(v1()).replace('"claim":', '"claim": "First text.", "claim":')
    for name in ("dup.json", "dup.jsonl"):
        path = write(f"claims/{name}", text + "\n")
        run = cli("migrate", path)
        assert run.exit_code == 1
        assert f"cannot migrate {path}: line 1, column" in run.stderr and "the key 'claim' is written twice" in run.stderr
        assert path.read_text() == text + "\n"
    path = write("claims/dup.csv", 'id,review,review\nx-1,"{""reviewer"": ""Jo""}","{""reviewer"": ""Al""}"\n')
    run = cli("migrate", path)
    assert run.exit_code == 1 and "line 1: the column 'review' is written twice in the header" in run.stderr
    path = write("claims/twice.csv", 'id,claim,claim,review\nx-1,First.,Second.,"{""reviewer"": ""Jo""}"\n')
    assert cli("migrate", path).exit_code == 0
    assert path.read_text().startswith("id,claim,claim,reviews\nx-1,First.,Second.,")  # both kept, for validate to name
    assert "duplicate-key" in {p.rule for p in toolkit.validate([path]).problems}


def test_migrated_files_are_in_fmt_form_and_keep_their_quotes(write, cli):
    """B12: `status: 'true'` became `status: true` (a boolean to YAML tools) and dates lost their
    quotes; the migrated files failed `claims fmt --check`."""
    yaml_file = write("claims/a.yaml", """\
        id: trump-no-longer-nuclear-threat
        speaker: Donald Trump
        claim: There is no longer a Nuclear Threat from North Korea.
        date: '2017-05-05'
        status: 'true'
        tags: ['no', yes]
        sources:
          - url: https://example.org/a
        review:
          reviewer: Jo Checker
          date: '2018-06-14'
        """)
    json_file = write("claims/b.json", json.dumps(v1(id="json-claim", claim="Other words.")))
    assert cli("migrate", yaml_file.parent).exit_code == 0
    assert cli("fmt", "--check", yaml_file.parent).exit_code == 0
    import yaml

    plain = yaml.safe_load(yaml_file.read_text())  # YAML 1.1, as other tools read it
    assert plain["status"] == "true" and plain["date"] == "2017-05-05" and plain["tags"] == ["no", "yes"]
    assert plain["reviews"] == [{"date": "2018-06-14", "status": "true", "author": "Jo Checker"}]
    assert json.loads(json_file.read_text())["reviews"] == [V2_REVIEW]
    assert toolkit.validate([yaml_file.parent]).valid


def test_a_semicolon_csv_is_migrated_as_validate_reads_it(write, cli):
    """B18: validate read the `;` header and said 'run claims migrate'; migrate said 'already schema 2'."""
    path = write("claims/semi.csv", 'id;speaker;claim;date;status;sources;review\r\n'
                 'semi-one;Jane Doe;A claim, with a comma.;2018-06-13;false;https://example.org/a;'
                 '"{""url"": ""https://checker.example.org/c"", ""reviewer"": ""Jo""}"\r\n')
    assert "claims migrate" in cli("validate", path).stdout
    run = cli("migrate", path)
    assert run.exit_code == 0 and "1 file migrated to schema 2" in run.stdout
    assert path.read_text().startswith("id;speaker;claim;date;status;sources;reviews\n")
    result, records = toolkit.read_records([path])
    assert result.valid, [p.as_dict() for p in result.problems]
    assert records[0].data["reviews"] == [{"url": "https://checker.example.org/c", "status": "false", "author": "Jo"}]


@pytest.mark.parametrize(
    ("review", "says"),
    [
        ("review:\n", "`review` is empty"),
        ("review: https://checker.example.org/a\n", "`review` is text"),
        ("review:\n  - reviewer: Jo\n", "`review` is a list"),
        ("review: {reviewer: Jo}\nreviews: []\n", "the record has both `review` (schema 1) and `reviews` (schema 2)"),
    ],
)
def test_a_review_migrate_cannot_migrate_is_named_not_passed_over(write, cli, review, says):
    """B18: these records made validate say 'run claims migrate' and migrate say 'already schema 2'."""
    path = write("claims/a.yaml", "id: a-claim\nspeaker: Jo\nclaim: Words.\ndate: '2018-06-13'\nstatus: 'false'\n"
                 "sources:\n  - url: https://example.org/a\n" + review)
    before = path.read_text()
    run = cli("migrate", path)
    assert run.exit_code == 1
    assert f"cannot migrate {path}: line 8, column" in run.stderr and says in run.stderr
    assert "already schema 2" in run.stdout and "0 files already schema 2" in run.stdout
    assert path.read_text() == before


def test_half_a_character_is_refused_and_the_next_files_migrated(write, cli):
    """B31: `\\ud800` in a schema 1 JSON line ended migrate in a traceback; the files after it were not migrated."""
    bad = write("claims/a.jsonl", json.dumps(v1(claim="Bad \ud800 text")) + "\n")
    good = write("claims/b.jsonl", json.dumps(v1(id="good-claim")) + "\n")
    before = bad.read_bytes()
    run = cli("migrate", bad.parent)
    assert run.exit_code == 1
    assert f"cannot migrate {bad}: line 1: the text holds '\\ud800' (U+D800)" in run.stderr
    assert bad.read_bytes() == before and "reviews" in good.read_text()


def test_numbers_out_of_range_and_a_plain_url_review_cell_are_refused_with_the_place(write, cli):
    """B48: migrate wrote `1e400` back as `Infinity`; a CSV `review` cell holding a plain URL said
    'Expecting value: line 1 column 1 (char 0)' with no row and no advice."""
    line = json.dumps(v1()).replace('"status"', '"score": 1e400, "status"')
    numbers = write("claims/a.jsonl", line + "\n")
    url = write("claims/url.csv", "id,speaker,claim,date,status,review\n"
                "url-one,Jo,A claim.,2018-12-12,false,https://checker.example.org/a\n")
    run = cli("migrate", numbers.parent)
    assert run.exit_code == 1
    assert f"cannot migrate {numbers}: line 1, column" in run.stderr and "the number 1e400 is beyond" in run.stderr
    assert f"cannot migrate {url}: line 2, column 38: this `review` cell is not JSON" in run.stderr
    assert '{"url": "https://...", "reviewer": "..."}' in run.stderr
    assert numbers.read_text() == line + "\n" and "Infinity" not in numbers.read_text()
