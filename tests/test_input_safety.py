"""What validate passes, every command accepts; what it refuses, every command reports (never a
traceback): discovery of claim files, the text rules, the speaker registry, and the messages a
curator meets most."""

from __future__ import annotations

import json
import os

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import toolkit
from conftest import FIXTURES, valid_record
from test_validate import YAML_RECORD
from toolkit.readers import discover

COMMANDS = [
    ("build", "--out", "{tmp}/built"),
    ("export", "--format", "csv", "--out", "{tmp}/out.csv"),
    ("stats",),
    ("publish", "--repo", "{tmp}/store", "--license", "cc-by-4.0"),
]


def run_every_command(cli, tmp_path, path):
    """Each command that reads claims, on `path`: (command, run)."""
    for command, *options in COMMANDS:
        yield command, cli(command, path, *[o.format(tmp=tmp_path) for o in options])


def where(text: str, needle: str) -> tuple[int, int]:
    offset = text.index(needle)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def jsonl(*records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


# --- finding the claim files ------------------------------------------------------------------

def test_a_folder_without_claim_files_is_an_error(cli, tmp_path):
    empty = tmp_path / "emptydir"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a claim")
    run = cli("validate", empty)
    assert run.exit_code == 1
    assert f"{empty}:1:1: error: the folder holds no claim file" in run.stdout
    assert "OK" not in run.stdout
    assert [p.rule for p in toolkit.validate(empty).problems] == ["no-claims"]


def test_every_command_refuses_a_folder_without_claims(cli, tmp_path):
    misspelt = tmp_path / "clams"
    misspelt.mkdir()
    for command, run in run_every_command(cli, tmp_path, misspelt):
        assert run.exit_code == 1, command
        assert "the folder holds no claim file" in run.stdout, command
    assert not (tmp_path / "store").exists()


def test_config_files_are_configuration_only_at_the_root(write, tmp_path):
    write("data/speakers.yaml", "- name: Someone\n")
    write("data/claims.yaml", "license: cc-by-4.0\n")
    write("data/a.jsonl", jsonl(valid_record()))
    write("data/sub/claims.yaml", json.dumps(valid_record(id="in-a-subfolder", claim="A claim in a subfolder.")))
    write("data/sub/speakers.yaml", json.dumps(valid_record(id="also-a-claim", claim="Another claim.")))
    shown = [s.display for s in discover([tmp_path / "data"])]
    assert shown == [str(tmp_path / "data" / n) for n in ("a.jsonl", "sub/claims.yaml", "sub/speakers.yaml")]
    result = toolkit.validate([tmp_path / "data"])
    assert result.valid and result.records == 3


def test_symlinked_folders_are_read_once(write, tmp_path):
    write("data/real/a.jsonl", jsonl(valid_record()))
    write("elsewhere/b.jsonl", jsonl(valid_record(id="outside-claim", claim="Said elsewhere.")))
    os.symlink(tmp_path / "data" / "real", tmp_path / "data" / "again")  # a folder read already
    os.symlink(tmp_path / "data", tmp_path / "data" / "real" / "loop")  # a loop
    os.symlink(tmp_path / "elsewhere", tmp_path / "data" / "linked")  # outside: followed
    os.symlink(tmp_path / "elsewhere", tmp_path / "data" / "linked-twice")
    shown = [s.display for s in discover([tmp_path / "data"])]
    assert shown == [str(tmp_path / "data" / "real" / "a.jsonl"), str(tmp_path / "data" / "linked" / "b.jsonl")]
    result = toolkit.validate([tmp_path / "data"])
    assert result.valid and result.records == 2


def test_the_same_file_named_twice_is_read_once(write, tmp_path):
    path = write("data/a.jsonl", jsonl(valid_record()))
    os.symlink(path, tmp_path / "data" / "alias.jsonl")
    for given in ([path, path], [tmp_path / "data", path], [path, tmp_path / "data"], [tmp_path / "data"] * 2):
        result = toolkit.validate(given)
        assert (result.valid, result.files, result.records) == (True, 1, 1), given


def test_one_path_given_as_text_is_one_path(write):
    folder = write("data/a.jsonl", jsonl(valid_record())).parent
    result = toolkit.validate(str(folder))
    assert (result.valid, result.files) == (True, 1)
    assert toolkit.building.build(str(folder)).table.height == 1


def test_a_file_name_that_is_not_utf8_is_reported_not_a_crash(cli, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.jsonl")
    (folder / name).write_text(jsonl(valid_record()), encoding="utf-8")
    run = cli("validate", folder)
    assert run.exit_code == 1
    assert f"{folder}/caf\\xe9.jsonl:1:1: error: the file name is not UTF-8" in run.stdout
    for command, run in run_every_command(cli, tmp_path, folder):
        assert run.exit_code == 1 and "the file name is not UTF-8" in run.stdout, command


# --- the text rules ---------------------------------------------------------------------------

HOSTILE = [
    ("speaker", "\u200b\u200b", "invisible-text"),
    ("speaker", " \u00a0\u3164 ", "invisible-text"),
    ("claim", "\u2060", "invisible-text"),
    ("speaker", "Bob \u202e live", "bidi-control"),
    ("claim", "isolated \u2067text", "bidi-control"),
    ("claim", "a\x00b", "control-character"),
    ("speaker", "A\tB", "control-character"),
    ("speaker", "A\nB", "control-character"),
    ("claim", "bell\x07", "control-character"),
    ("claim", "next\x85line", "control-character"),
]


@pytest.mark.parametrize("field, text, rule", HOSTILE)
@pytest.mark.parametrize("suffix", [".jsonl", ".json", ".yaml"])
def test_text_rules_are_located(write, field, text, rule, suffix):
    record = valid_record(**{field: text})
    content = {".jsonl": json.dumps(record) + "\n", ".json": json.dumps(record, indent=2),
               ".yaml": "\n".join(f"{k}: {json.dumps(v)}" for k, v in record.items()) + "\n"}[suffix]
    path = write("a" + suffix, content)
    found = [(p.line, p.column, p.pointer, p.rule) for p in toolkit.validate([path]).problems]
    assert found == [(*where(content, json.dumps(text)), f"/{field}", rule)]


def test_a_lone_surrogate_is_refused(write, cli, tmp_path):
    line = json.dumps(valid_record())[:-1] + ', "context": "\\ud800x"}\n'
    path = write("a.jsonl", line)
    [problem] = toolkit.validate([path]).problems
    assert (problem.line, problem.column, problem.pointer, problem.rule) == (1, line.index('"\\ud800') + 1, "/context", "surrogate")
    for command, run in run_every_command(cli, tmp_path, path):
        assert run.exit_code == 1 and "lone surrogate" in run.stdout, command


def test_tabs_and_line_breaks_are_text_in_claim_and_context(write):
    record = valid_record(claim="First line,\nsecond\tline.\r\n", context="Said\non air.")
    assert toolkit.validate([write("a.jsonl", jsonl(record))]).valid
    bad = valid_record(sources=[{"url": "https://e.org", "title": "A\ntitle"}])
    assert [p.pointer for p in toolkit.validate([write("b.jsonl", jsonl(bad))]).problems] == ["/sources/0/title"]


def test_keys_are_checked_too(write):
    text = json.dumps(valid_record())[:-1] + ', "note\\u202e": "x"}'
    found = {(p.rule, p.pointer, p.line, p.column) for p in toolkit.validate([write("a.json", text)]).problems}
    at = text.index('"note') + 1
    assert found == {("bidi-control", "/note\u202e", 1, at), ("additionalProperties", "/note\u202e", 1, at)}


def test_hostile_text_never_reaches_the_outputs(cli, tmp_path, write):
    records = [{**valid_record(id=f"bad-{n}", claim=f"Claim {n}"), field: text} for n, (field, text, _) in enumerate(HOSTILE)]
    folder = write("data/a.jsonl", jsonl(*records)).parent
    result = toolkit.validate([folder])
    assert sorted(p.line for p in result.problems) == list(range(1, len(HOSTILE) + 1))
    for command, run in run_every_command(cli, tmp_path, folder):
        assert run.exit_code == 1, command
        assert "FAILED" in run.stdout and "Traceback" not in run.stderr, command
    assert not (tmp_path / "out.csv").exists()


def test_clean_text_is_not_flagged(write):
    """Emoji, joiners inside words, accents, right-to-left text with its marks, and many lines:
    the prefilter may look twice at them, the rules must let them pass."""
    texts = ["Moon Jae-in 문재인", "👩\u200d👩\u200d👧 family", "می\u200cخواهم", "שלום \u200fעולם", "e\u0301tude",
             "“Quoted” — dash", "\u00a0non-breaking start", "tab\tinside claim"]
    records = [valid_record(id=f"clean-{n}", claim=t, speaker=t.replace("\t", " ")) for n, t in enumerate(texts)]
    for name, content in (("a.jsonl", jsonl(*records)), ("b.jsonl", "".join(json.dumps(r, ensure_ascii=True) + "\n" for r in records))):
        result = toolkit.validate([write(name, content)])
        assert result.valid, result.problems


def test_the_prefilter_flags_every_line_the_rules_refuse(write):
    from toolkit.rules import findings, plain_written, suspect, suspect_lines

    lines = [json.dumps(valid_record(**{f: t}), ensure_ascii=ascii).encode() for f, t, _ in HOSTILE for ascii in (True, False)]
    assert all(findings(json.loads(line)) for line in lines)
    assert suspect_lines(lines) == list(range(len(lines)))
    assert all(map(suspect, lines))
    compact = [orjson.dumps(valid_record(**{f: t})) for f, t, _ in HOSTILE]  # as import writes its records
    assert not any(map(plain_written, compact))
    clean = ["Moon Jae-in 문재인", "👩\u200d👩\u200d👧 family", "می\u200cخواهم", "שלום \u200fעולם", "“Quoted” — dash"]
    assert all(plain_written(orjson.dumps(valid_record(claim=text, speaker=text))) for text in clean)


# --- invalid input: the report from every command, never a traceback --------------------------

INVALID = {
    "claim-mapping.yaml": "id: abc-def\nspeaker: X\nclaim:\n  text: x\ndate: 2018-12-04\nstatus: true\nsources: [1, 2]\n",
    "null.json": "null",
    "list-of-null.json": "[null]",
    "sources-numbers.jsonl": json.dumps(valid_record(sources=[1, 2])) + "\n",
}


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_input_gets_the_report_from_every_command(cli, tmp_path, write, name):
    path = write("data/" + name, INVALID[name])
    expected = toolkit.validate([path])
    assert not expected.valid
    for command, run in run_every_command(cli, tmp_path, path.parent):
        assert run.exit_code == 1, (command, run.stdout, run.stderr)
        assert run.stdout.splitlines()[0] == f"{expected.problems[0].file}:{expected.problems[0].line}:" \
            f"{expected.problems[0].column}: error: {expected.problems[0].message} [{expected.problems[0].rule}]"


# --- the speaker registry ---------------------------------------------------------------------

@pytest.mark.parametrize("registry, expected", [
    ("- name: Donald Trump\n  aliases: Donald J. Trump\n", [(2, 12, "/0/aliases", "type")]),
    ("- name: Donald Trump\n  wikidata: [Q1]\n", [(2, 13, "/0/wikidata", "type")]),
    ("- name: Donald Trump\n  alias: [Trump]\n", [(2, 3, "/0/alias", "additionalProperties")]),
    ("- name: [Donald, Trump]\n", [(1, 9, "/0/name", "type")]),
    ("- name:\n", [(1, 8, "/0/name", "type")]),
    ("- name: Donald Trump\n  wikidata: 22686\n", [(2, 13, "/0/wikidata", "pattern")]),
    ("- name: Donald Trump\n  aliases: [Trump]\n- name: Melania Trump\n  aliases: [trump]\n",
     [(4, 13, "/1/aliases/0", "speaker-twice")]),
    ("- name: \"\\u200b\"\n", [(1, 9, "/0/name", "invisible-text")]),
    ("speakers: []\n", [(1, 1, "", "type")]),
])
def test_the_speaker_registry_is_checked_with_located_problems(cli, write, tmp_path, registry, expected):
    folder = write("data/a.jsonl", jsonl(valid_record())).parent
    speakers = write("data/speakers.yaml", registry)
    result = toolkit.validate([folder])
    assert [(p.line, p.column, p.pointer, p.rule) for p in result.problems] == expected
    assert all(p.file == str(speakers) for p in result.problems)
    for command, run in run_every_command(cli, tmp_path, folder):
        assert run.exit_code == 1 and f"{speakers}:{expected[0][0]}:{expected[0][1]}: error:" in run.stdout, command


def test_aliases_written_as_text_are_never_split_into_letters(write):
    from toolkit.errors import ValidationFailed
    from toolkit.speakers import load_speakers

    path = write("speakers.yaml", "- name: Donald Trump\n  aliases: Donald J. Trump\n")
    with pytest.raises(ValidationFailed) as failure:
        load_speakers(path)
    assert "'aliases' must be a list" in failure.value.result.problems[0].message


def test_the_fixture_registry_is_valid():
    from toolkit.speakers import check_registry

    registry, problems = check_registry(FIXTURES / "speakers.yaml")
    assert problems == [] and registry.canonical("President Trump").wikidata == "Q22686"


def test_an_explicit_registry_is_checked_by_build(cli, write, tmp_path):
    folder = write("data/a.jsonl", jsonl(valid_record())).parent
    speakers = write("elsewhere/people.yaml", "- nam: Someone\n")
    run = cli("build", folder, "--out", tmp_path / "out", "--speakers", speakers)
    assert run.exit_code == 1
    assert f"{speakers}:1:3: error: unknown field 'nam'; did you mean 'name'?" in run.stdout


# --- messages a curator understands ----------------------------------------------------------

def only_problem(path):
    [problem] = toolkit.validate([path]).problems
    return problem


def test_yaml_indented_with_a_tab(write):
    problem = only_problem(write("a.yaml", YAML_RECORD.replace("  - url", "\t- url")))
    assert (problem.line, problem.column) == (7, 1)
    assert problem.message == "a tab indents this line; YAML is indented with spaces only: replace the tab with spaces"


def test_an_unquoted_colon_in_a_value_suggests_quotes(write):
    problem = only_problem(write("a.yaml", YAML_RECORD.replace("A new milestone.", "He said: a new milestone")))
    assert problem.line == 3
    assert problem.message.endswith("""put the value in quotes: claim: "He said: a new milestone\"""")


@pytest.mark.parametrize("written, meant", [("FALSE", "false"), ("Mostly-True", "mostly-true"), ("True", "true")])
def test_enum_values_in_other_capitals(write, written, meant):
    problem = only_problem(write("a.yaml", YAML_RECORD.replace("status: true", f"status: {written}")))
    assert problem.rule == "enum" and problem.message.endswith(f"did you mean {meant!r}?")


def test_a_day_without_its_zero_is_one_error_with_the_right_spelling(write):
    problem = only_problem(write("a.yaml", YAML_RECORD.replace("2018-12-12", "2018-12-4")))
    assert (problem.line, problem.column, problem.pointer) == (4, 7, "/date")
    assert "write it as 2018-12-04" in problem.message
    impossible = only_problem(write("b.yaml", YAML_RECORD.replace("2018-12-12", "2018-02-30")))
    # The claim's date is a pattern that spells the calendar (schema 2's claim_date).
    assert (impossible.rule, impossible.message) == ("pattern", "'2018-02-30' is not a real calendar date")


@pytest.mark.parametrize("written, suggested", [
    ("12/6/2007", "write it YYYY-MM-DD, 2007-12-06 if the month comes first, 2007-06-12 if the day does"),
    ("25.12.2018", "write it as 2018-12-25 (YYYY-MM-DD)"),
    ("5/5/2018", "write it as 2018-05-05 (YYYY-MM-DD)"),
    ("13/13/2018", "a day (2018-12-04), a month (2018-12), a year (2018), or unknown"),
])
def test_a_day_as_spreadsheets_write_it_gets_its_possible_readings(write, written, suggested):
    """A US or European spreadsheet writes the year last; which of month and day comes first
    depends on its locale, so both readings are offered where both are real days."""
    problem = only_problem(write("a.yaml", YAML_RECORD.replace("2018-12-12", written)))
    assert (problem.line, problem.pointer, problem.rule) == (4, "/date", "pattern")
    assert problem.message == f"{written!r} is not a valid date: {suggested}"


def test_item_type_errors_name_the_list(write):
    problems = toolkit.validate([write("a.jsonl", jsonl(valid_record(sources=[1])))]).problems
    assert problems[0].message == "each entry of 'sources' must be a mapping of fields, not the number 1"


def test_the_text_report_shows_the_first_problems_and_counts_the_rest(cli, write):
    records = [valid_record(id=f"claim-{n}", claim=f"Claim {n}", status="maybe") for n in range(250)]
    path = write("a.jsonl", jsonl(*records))
    run = cli("validate", path)
    assert run.exit_code == 1
    assert run.stdout.count("error: ") == 200
    assert "... and 50 more problems not shown" in run.stdout
    assert run.stdout.rstrip().endswith("FAILED: 250 errors, 0 warnings (250 records in 1 file)")
    three = cli("validate", path, "--max-problems", "3")
    assert three.stdout.count("error: ") == 3 and "... and 247 more problems" in three.stdout
    assert len(cli("validate", path, "--format", "json").json()["problems"]) == 250
    assert cli("validate", path, "--format", "github").stdout.count("::error ") == 250


def test_counts_are_singular_for_one(cli, write):
    run = cli("validate", write("a.jsonl", jsonl(valid_record(status="maybe"))))
    assert "FAILED: 1 error, 0 warnings (1 record in 1 file)" in run.stdout
    ok = cli("validate", write("d/a.jsonl", jsonl(valid_record())))
    assert "OK: 1 record in 1 file, no problems" in ok.stdout


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(st.characters(), max_size=12), st.sampled_from(["speaker", "claim", "title"]), st.booleans())
def test_the_prefilter_never_misses_what_the_rules_refuse(text, field, ascii):
    """Soundness of the fast paths: the quick first pass of `findings` agrees with the precise
    check, and every JSON line holding a text that breaks a rule is flagged by the bytes
    prefilter (written as programs write JSON, with or without escapes)."""
    from toolkit.rules import check_text, findings, plain_written, suspect, suspect_lines

    record = valid_record(**({field: text} if field != "title" else {"sources": [{"url": "https://e.org", "title": text}]}))
    pointer = f"/{field}" if field != "title" else "/sources/0/title"
    precise = [] if text == "" else list(check_text(text, pointer))
    assert [(p, r) for p, _, r, _ in findings(record)] == [(pointer, rule) for rule, _ in precise]
    if precise:
        written = json.dumps(record, ensure_ascii=ascii)
        line = (written if written.isascii() or not any("\ud800" <= c <= "\udfff" for c in written)
                else json.dumps(record)).encode("utf-8")  # a raw surrogate is no UTF-8: only escaped
        assert suspect(line) and suspect_lines([b'{"id": "fine"}', line]) == [1]
        if not any("\ud800" <= c <= "\udfff" for c in text):  # orjson writes no lone surrogate
            assert not plain_written(orjson.dumps(record))


EDGES = "a \t\n\"\\\x00\x7f\x85\xa0\xad\u034f\u061c\u200b\u200f\u202a\u202c\u202e\u2066\u2069\u2028\u2800\u3164\ufe0f\ufeff\U000e0020"


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.lists(st.text(st.sampled_from(EDGES) | st.characters(codec="utf-8"), max_size=6), min_size=1, max_size=4))
def test_a_compact_line_called_plain_breaks_no_rule(texts):
    """`plain_written`, import's fast check of the records it writes, never passes a text (a value
    or a key, at any depth) that a rule refuses: texts of invisible, control, bidirectional and
    escaped characters, alone or among others."""
    from toolkit.rules import findings, plain_written

    record = {"claim": texts[0], "reviews": [{"summary": t, t: "key"} for t in texts[1:]], "tags": texts}
    try:
        line = orjson.dumps(record)
    except orjson.JSONEncodeError:  # a lone surrogate: import writes no such record
        return
    if plain_written(line):
        assert findings(record) == []


def test_registry_problems_are_one_block_of_the_report(cli, write):
    folder = write("data/a.yaml", YAML_RECORD.replace("status: true", "status: maybe")).parent
    write("data/speakers.yaml", "- name: A\n  alias: x\n- name: B\n  wikidata: 1\n- name: C\n  nam: y\n")
    blocks = cli("validate", folder).stdout.strip().split("\n\n")
    assert [{line.split(":")[0] for line in block.splitlines()} for block in blocks[:-1]] == [
        {f"{folder}/speakers.yaml"}, {f"{folder}/a.yaml"}]
