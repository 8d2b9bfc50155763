"""`claims migrate`: schema 1 files rewritten in place as schema 2 (review -> reviews[0]), in every
format, YAML comments kept, each file reported; `claims validate` points schema 1 records at it."""

from __future__ import annotations

import json

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
    assert list(records[0].data)[:7] == ["id", "speaker", "claim", "date", "status", "reviews", "sources"]  # in place
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
