"""`claims validate`: every rule, each with a failing example whose line and column are asserted."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import toolkit
import toolkit.readers
from conftest import CLAIMS, FIXTURES, ROOT, valid_record


def where(text: str, needle: str, *, last: bool = False) -> tuple[int, int]:
    """The 1-based line and column of `needle` in `text`: expected positions, computed not typed."""
    offset = text.rindex(needle) if last else text.index(needle)
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def problems(path, **kwargs):
    return [(p.line, p.column, p.pointer, p.rule) for p in toolkit.validate([path], **kwargs).problems]


def test_fixtures_are_valid(cli):
    run = cli("validate", FIXTURES)
    assert run.exit_code == 0, run.stdout
    assert "14 records in 4 files" in run.stdout
    result = toolkit.validate([FIXTURES])
    assert result.valid and result.records >= 12 and result.files == 4


def test_fixtures_use_every_format():
    suffixes = {p.suffix for p in CLAIMS.iterdir()}
    assert suffixes == {".yaml", ".json", ".jsonl", ".csv"}


YAML_RECORD = """\
id: moon-new-milestone
speaker: Moon Jae-in
claim: A new milestone.
date: 2018-12-12
status: true
sources:
  - url: https://example.org/a
"""


def test_unknown_field_is_reported_at_its_key_with_a_suggestion(write):
    path = write("a.yaml", YAML_RECORD.replace("speaker:", "speakr:"))
    result = toolkit.validate([path])
    found = {(p.line, p.column, p.rule): p for p in result.problems}
    assert (2, 1, "additionalProperties") in found
    assert "did you mean 'speaker'" in found[(2, 1, "additionalProperties")].message
    assert found[(1, 1, "required")].pointer == ""


@pytest.mark.parametrize(
    "line, replacement, expected",
    [
        ("date: 2018-12-12", "date: 2018-02-30", (4, 7, "/date", "pattern")),  # the claim date's pattern spells the calendar
        ("date: 2018-12-12", "date: 2018-13", (4, 7, "/date", "pattern")),
        ("date: 2018-12-12", "date: 12/12/2018", (4, 7, "/date", "pattern")),
        ("status: true", "status: no", (5, 9, "/status", "enum")),
        ("id: moon-new-milestone", "id: Moon_New", (1, 5, "/id", "pattern")),
        ("id: moon-new-milestone", "id: ab", (1, 5, "/id", "minLength")),
        ("speaker: Moon Jae-in", "speaker: ''", (2, 10, "/speaker", "minLength")),
        ("  - url: https://example.org/a", "  - url: ftp://example.org/a", (7, 10, "/sources/0/url", "pattern")),
        ("  - url: https://example.org/a", "  - url: https://exa mple.org", (7, 10, "/sources/0/url", "pattern")),
        ("sources:\n  - url: https://example.org/a", "sources:\n  - url: https://example.org/a\nreviews:\n  - status: maybe",
         (9, 13, "/reviews/0/status", "enum")),
        ("claim: A new milestone.", "claim: [a, b]", (3, 8, "/claim", "type")),
    ],
)
def test_schema_rules_are_located(write, line, replacement, expected):
    text = YAML_RECORD.replace(line, replacement)
    assert replacement in text
    path = write("a.yaml", text)
    assert expected in problems(path)


def test_yaml_values_are_read_as_typed(write):
    """`date: 2018-12-04` stays text, `status: true` is the word 'true', `status: no` is 'no'."""
    path = write("a.yaml", YAML_RECORD)
    result, records = toolkit.read_records([path])
    assert result.valid
    assert records[0].data["date"] == "2018-12-12"
    assert records[0].data["status"] == "true"
    result = toolkit.validate([write("b.yaml", YAML_RECORD.replace("status: true", "status: no"))])
    assert "'no' is not a status" in result.problems[0].message


def test_tags_must_be_unique_and_language_bcp47(write):
    text = json.dumps(valid_record(tags=["korea", "korea"], language="english"), indent=2)
    found = problems(write("a.json", text))
    assert (*where(text, "[\n    \"korea\""), "/tags", "uniqueItems") in found
    assert (*where(text, '"english"'), "/language", "pattern") in found
    ok = write("b.json", json.dumps(valid_record(language="pt-BR")))
    assert toolkit.validate([ok]).valid


def test_additional_properties_at_every_level(write):
    record = valid_record(sources=[{"url": "https://example.org", "titel": "x"}],
                          reviews=[{"sumary": "x", "publisher": {"nam": "y"}, "rating": {"txt": "False"}}])
    path = write("a.jsonl", json.dumps(record) + "\n")
    rules = {(p.pointer, p.rule) for p in toolkit.validate([path]).problems}
    assert rules == {("/sources/0/titel", "additionalProperties"), ("/reviews/0/sumary", "additionalProperties"),
                     ("/reviews/0/publisher/nam", "additionalProperties"), ("/reviews/0/rating/txt", "additionalProperties")}


def test_a_schema_1_record_is_told_to_run_claims_migrate(write):
    path = write("a.yaml", "id: moon-new-milestone\nspeaker: Moon\nclaim: A milestone.\ndate: 2018-12-12\nstatus: 'true'\n"
                           "review:\n  reviewer: Desk\n")
    [problem] = toolkit.validate([path]).problems
    assert (problem.line, problem.pointer, problem.rule) == (6, "/review", "additionalProperties")
    assert "schema 1 record (review:)" in problem.message and "claims migrate" in problem.message


@pytest.mark.parametrize("date, precision, rules", [
    ("2018-12-04", "day", set()), ("2018-12", "month", set()), ("2018", "year", set()), ("unknown", "unknown", set()),
    ("2999-01", None, {"future-date"}), ("2999", None, {"future-date"}), ("2018-02-29", None, {"pattern"}),
    ("2016-02-29", "day", set()), ("1900-02-29", None, {"pattern"}), ("Dec 2018", None, {"pattern"}),
])
def test_a_claim_date_is_a_day_a_month_a_year_or_unknown(write, date, precision, rules):
    path = write("a.jsonl", json.dumps(valid_record(date=date)) + "\n")
    result = toolkit.validate([path])
    assert {p.rule for p in result.problems} == rules
    if precision:
        from toolkit.building import build
        table = build([path]).table
        assert table["date_precision"].to_list() == [precision]


def test_history_and_future_rules_read_a_period_by_its_first_day(write):
    history = [{"date": "2018-11-30", "status": "unverified"}]
    month = write("a.jsonl", json.dumps(valid_record(date="2018-12", history=history)) + "\n")
    assert [p.rule for p in toolkit.validate([month]).problems] == ["history-order"]  # before 1 December
    year = write("b.jsonl", json.dumps(valid_record(date="2018", history=history)) + "\n")
    unknown = write("c.jsonl", json.dumps(valid_record(date="unknown", history=history)) + "\n")
    assert toolkit.validate([year]).valid and toolkit.validate([unknown]).valid


def test_duplicate_id_names_both_places(write):
    first = write("one.yaml", YAML_RECORD)
    second = write("two.json", json.dumps(valid_record(id="moon-new-milestone", claim="Other words.")))
    result = toolkit.validate([first, second])
    duplicates = [p for p in result.problems if p.rule == "duplicate-id"]
    assert {(p.file, p.line, p.column) for p in duplicates} == {(str(first), 1, 5), (str(second), 1, 8)}
    assert f"{first}:1:5" in next(p.message for p in duplicates if p.file == str(second))
    assert f"{second}:1:8" in next(p.message for p in duplicates if p.file == str(first))


def test_same_claim_twice_under_different_ids(write):
    a = valid_record(id="claim-one", claim="They have NOT lived up to the commitments so far!")
    b = valid_record(id="claim-two", claim="they have not lived up to the commitments  so far.")
    path = write("a.jsonl", json.dumps(a) + "\n" + json.dumps(b) + "\n")
    found = [p for p in toolkit.validate([path]).problems]
    assert [(p.line, p.rule) for p in found] == [(2, "duplicate-claim")]
    assert "'claim-one'" in found[0].message
    other_day = write("b.jsonl", json.dumps(a) + "\n" + json.dumps(valid_record(id="claim-two", date="2019-01-01")) + "\n")
    assert toolkit.validate([other_day]).valid


def test_future_date(write):
    import datetime as dt

    text = json.dumps(valid_record(date="2030-01-01"))
    path = write("a.json", text)
    assert problems(path, today=dt.date(2026, 11, 25)) == [(*where(text, '"2030-01-01"'), "/date", "future-date")]
    assert toolkit.validate([path], today=dt.date(2030, 1, 1)).valid


def test_history_out_of_order(write):
    history = [{"date": "2018-12-20", "status": "unverified"}, {"date": "2018-12-10", "status": "false"}]
    text = json.dumps(valid_record(history=history), indent=1)
    assert problems(write("a.json", text)) == [(*where(text, '"2018-12-10"'), "/history/1/date", "history-order")]


def test_syntax_errors_have_line_and_column(write):
    assert problems(write("a.json", '{\n  "id": "abc",\n  "speaker" "x"\n}')) == [(3, 13, "", "syntax")]
    assert problems(write("b.yaml", "id: abc\nspeaker: [unclosed\nclaim: x\n"))[0][3] == "syntax"
    assert problems(write("c.csv", 'id,speaker\n"abc,x\n')) == [(2, 1, "", "syntax")]


def test_duplicate_keys_in_json_and_yaml(write):
    yaml_path = write("a.yaml", YAML_RECORD + "speaker: Someone Else\n")
    assert (8, 1, "/speaker", "duplicate-key") in problems(yaml_path)
    text = json.dumps(valid_record())[:-1] + ', "status": "false"}'
    expected = [(*where(text, '"status"', last=True), "/status", "duplicate-key")]
    assert [f for f in problems(write("b.json", text)) if f[3] == "duplicate-key"] == expected
    assert [f for f in problems(write("c.jsonl", text + "\n")) if f[3] == "duplicate-key"] == expected


def test_csv_duplicate_header(write):
    path = write("a.csv", "id,speaker,id\nabc,x,abd\n")
    assert (1, 12, "/id", "duplicate-key") in problems(path)


def test_non_utf8_bytes(write):
    path = write("a.yaml", b"id: abc\nspeaker: Caf\xe9\n")
    assert problems(path) == [(2, 13, "", "encoding")]
    path = write("b.jsonl", json.dumps(valid_record()).encode() + b'\n{"id": "\xff"}\n')
    assert problems(path) == [(2, 9, "", "encoding")]


def test_nan_and_infinity(write):
    assert problems(write("a.json", '{"id": NaN}')) == [(1, 8, "", "non-finite-number")]
    assert problems(write("b.jsonl", '{"id": "abc", "n": -Infinity}\n')) == [(1, 20, "", "non-finite-number")]


@pytest.mark.parametrize("name, content", [("a.json", ""), ("b.yaml", "\n\n"), ("c.jsonl", "\n"), ("d.csv", ""), ("e.yaml", "---\n")])
def test_empty_file(write, name, content):
    assert [p[3] for p in problems(write(name, content))] == ["empty"]


def test_every_problem_in_one_run(write, cli):
    write("bad/one.yaml", YAML_RECORD.replace("status: true", "status: maybe"))
    write("bad/two.json", "{ broken")
    write("bad/three.csv", "id,speaker,claim,date,status,sources\nabc,X,Y,2018-13-01,true,https://e.org\n")
    run = cli("validate", write("bad/x.txt", "").parent, "--format", "json")
    assert run.exit_code == 1
    report = run.json()
    assert report["files"] == 3 and report["errors"] == 3 and report["valid"] is False
    assert {p["file"].rsplit("/", 1)[-1] for p in report["problems"]} == {"one.yaml", "two.json", "three.csv"}
    assert set(report["problems"][0]) == {"file", "line", "column", "pointer", "rule", "severity", "message"}


def test_paths_in_reports_are_as_given(write, cli, tmp_path, monkeypatch):
    write("data/sub/one.yaml", YAML_RECORD.replace("status: true", "status: maybe"))
    monkeypatch.chdir(tmp_path)
    run = cli("validate", "data/")
    assert run.stdout.startswith("data/sub/one.yaml:5:9: error:")


def test_github_format(write, cli):
    path = write("a,b.yaml", YAML_RECORD.replace("status: true", "status: maybe"))
    run = cli("validate", path, "--format", "github")
    assert run.exit_code == 1
    first = run.stdout.splitlines()[0]
    assert first.startswith(f"::error file={str(path).replace(',', '%2C')},line=5,col=9,title=enum::")


def test_text_format_groups_by_file_and_summarises(write, cli):
    write("d/a.yaml", YAML_RECORD.replace("status: true", "status: maybe"))
    write("d/b.yaml", YAML_RECORD.replace("moon-new-milestone", "other-id").replace("date: 2018-12-12", "date: 2018-12-32"))
    run = cli("validate", write("d/c.txt", "").parent)
    blocks = run.stdout.strip().split("\n\n")
    assert len(blocks) == 3
    assert blocks[0].count("\n") == 0 and blocks[1].count("\n") == 0
    assert blocks[-1] == "FAILED: 2 errors, 0 warnings (2 records in 2 files)"


def test_exit_codes(write, cli, tmp_path):
    assert cli("validate", FIXTURES).exit_code == 0
    assert cli("validate", write("a.yaml", "id: [")).exit_code == 1
    missing = cli("validate", tmp_path / "nope")
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    broken_schema = write("s.json", '{"type": "object", "properties": {"id": {"type": "strong"}}}')
    run = cli("validate", FIXTURES, "--schema", broken_schema)
    assert run.exit_code == 2 and "not a valid JSON Schema" in run.stderr
    assert cli("validate", FIXTURES, "--format", "xml").exit_code == 2


def test_custom_schema(write):
    document = json.loads((ROOT / "schema" / "claim.schema.json").read_text())
    document["required"].append("colour")
    schema = write("s.json", json.dumps(document))
    result = toolkit.validate([CLAIMS / "washington.json"], schema=schema)
    assert result.errors == 4 and {p.rule for p in result.problems} == {"required"}


def test_schema_ships_with_the_package():
    import zipfile
    import subprocess
    import sys
    import tempfile

    from conftest import ROOT

    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", out, str(ROOT)],
                       check=True, capture_output=True)
        wheel = next(__import__("pathlib").Path(out).glob("*.whl"))
        assert "toolkit/schema/claim.schema.json" in zipfile.ZipFile(wheel).namelist()


@pytest.mark.parametrize("given", ["data", "data/", "./data", "data/../data"])
def test_files_are_shown_under_the_path_as_given(write, monkeypatch, given):
    write("data/b/one.yaml", "x: 1\n")
    folder = write("data/a.json", "{}").parent
    write("data/.hidden/skip.yaml", "x: 1\n")
    write("data/speakers.yaml", "speakers: []\n")
    monkeypatch.chdir(folder.parent)
    shown = [source.display for source in toolkit.readers.discover([given])]
    assert shown == [os.path.join(given, "a.json"), os.path.join(given, "b", "one.yaml")]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(st.characters(exclude_categories=())), st.integers(1, 2**40), st.text(max_size=5)), max_size=5))
def test_the_json_report_is_what_json_dumps_writes(found):
    """orjson writes the report; it must be the same text as `json.dumps(indent=2)`, also for
    control characters, non-ASCII and lone surrogates (left to `json`)."""
    from toolkit.records import ERROR, Problem
    from toolkit.report import as_json
    from toolkit.validation import ValidationResult

    result = ValidationResult(1, len(found), tuple(Problem(f"a{k}.json", line, 1, "/id", rule, ERROR, message)
                                                   for k, (message, line, rule) in enumerate(found)))
    assert as_json(result) == json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n"


def test_a_pattern_failure_is_explained_in_the_schema_s_own_words(write):
    """The hint after a refused pattern is the `description` of the part of the schema that refused
    it, so a desk's schema explains its own rules (one source of truth, no copy in the code)."""
    import toolkit
    from toolkit.schema import default_schema_path

    document = json.loads(default_schema_path().read_text())
    document["properties"]["id"] = {"type": "string", "pattern": "^desk-[0-9]+$",
                                    "description": "Desk ids are desk- and a number, like desk-42."}
    schema = write("desk.schema.json", json.dumps(document))
    found = toolkit.validate([write("a.json", json.dumps(valid_record(id="claim-1")))], schema=schema)
    assert [p.message for p in found.problems] == [
        "'claim-1' is not a valid id: desk ids are desk- and a number, like desk-42"]
    plain = toolkit.validate([write("b.json", json.dumps(valid_record(language="english")))])
    assert [p.message for p in plain.problems] == ["'english' is not a valid language: a BCP 47 language tag, like en or pt-BR"]


def test_a_history_entry_in_the_claims_own_month_is_not_older(write):
    """B21: dates are compared at the coarser precision of the two: `2018-12` (as a history date it
    is not a day, and the schema says so) and a day of December are not older than `2018-12`."""
    history = [{"date": "2018-12", "status": "unverified"}, {"date": "2018-12-05", "status": "false"}]
    path = write("a.jsonl", json.dumps(valid_record(date="2018-12", history=history)) + "\n")
    problems = toolkit.validate([path]).problems
    assert "history-order" not in {p.rule for p in problems}
    assert [p.pointer for p in problems] == ["/history/0/date"]  # the month, where a day is due
    within = write("b.jsonl", json.dumps(valid_record(date="2018-12", history=history[1:])) + "\n")
    assert toolkit.validate([within]).valid
    older = write("c.jsonl", json.dumps(valid_record(date="2018-12", history=[{"date": "2018-11-30", "status": "false"}])) + "\n")
    assert [p.rule for p in toolkit.validate([older]).problems] == ["history-order"]
