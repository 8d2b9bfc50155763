"""Hostile input never gives a traceback and never hangs: a clean report and exit 1."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toolkit

SUFFIXES = [".yaml", ".json", ".jsonl", ".csv"]


def assert_clean_failure(cli, path):
    run = cli("validate", path, "--format", "json")
    assert run.exit_code == 1, run.stdout
    report = run.json()
    assert report["valid"] is False and report["errors"] >= 1
    for problem in report["problems"]:
        assert problem["line"] >= 1 and problem["column"] >= 1 and problem["message"]


def test_yaml_alias_bomb(write, cli):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(ord("b"), ord("j")):
        prev = chr(n - 1)
        lines.append(f"{chr(n)}: &{chr(n)} [" + ",".join(f"*{prev}" for _ in range(9)) + "]")
    path = write("bomb.yaml", "\n".join(lines) + "\n")
    assert_clean_failure(cli, path)
    assert toolkit.validate([path]).problems[0].rule == "yaml-alias"


@pytest.mark.parametrize("suffix, text", [
    (".json", "[" * 100_000 + "]" * 100_000),
    (".jsonl", "[" * 100_000 + "\n"),
    (".yaml", "[" * 100_000 + "]" * 100_000),
    (".yaml", "a:\n" + "".join(" " * i + "- \n" for i in range(1, 400))),
    (".csv", "id\n" + "[" * 100_000 + "\n"),
])
def test_deep_nesting(write, cli, suffix, text):
    path = write("deep" + suffix, text)
    assert_clean_failure(cli, path)


@pytest.mark.parametrize("depth", [254, 300, 600, 1100])
@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_nesting_between_what_orjson_writes_and_reads_is_reported_and_the_rest_checked(write, cli, depth, suffix):
    """orjson reads 1,024 levels but writes 254, and Python recurses about 1,000 frames deep:
    a record nested in between was a traceback (writing it again to place a problem)."""
    record = '{"id":"abc-def","speaker":"A","claim":"B","date":"2018-12-04","status":"true"'
    deep = record + ',"extra":' + "[" * depth + "]" * depth + "}"
    after = record.replace("abc-def", "abc-deg").replace('"B"', '"C"').replace('"true"', '"maybe"') + "}"
    path = write("deep" + suffix, deep + "\n" + after + "\n" if suffix == ".jsonl" else deep)
    assert_clean_failure(cli, path)
    rules = {(p.line, p.rule) for p in toolkit.validate([path]).problems}
    assert rules & {(1, "additionalProperties"), (1, "too-deep")}
    if suffix == ".jsonl":
        assert (2, "enum") in rules  # the line after it is still checked


@pytest.mark.slow
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_fifty_megabyte_line(write, cli, suffix):
    big = "x" * (50 * 1024 * 1024)
    content = {
        ".yaml": f"id: abc\nclaim: {big}\n",
        ".json": f'{{"id": "abc", "claim": "{big}"}}',
        ".jsonl": f'{{"id": "abc", "claim": "{big}"}}\n',
        ".csv": f"id,claim\nabc,{big}\n",
    }[suffix]
    path = write("big" + suffix, content)
    result = toolkit.validate([path])
    assert not result.valid
    assert any(p.rule == "maxLength" and p.pointer == "/claim" for p in result.problems)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_binary_garbage(write, cli, suffix):
    import random

    noise = bytes(random.Random(7).getrandbits(8) for _ in range(4096))
    assert_clean_failure(cli, write("noise" + suffix, noise))


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300) | st.text(max_size=300).map(str.encode), suffix=st.sampled_from(SUFFIXES))
def test_arbitrary_bytes_give_a_clean_report(tmp_path, cli, data, suffix):
    """Whatever the bytes, the report is clean and the exit status is 1 (nothing here is a valid
    claim: a valid one needs an http(s) source, which arbitrary short bytes do not make)."""
    path = tmp_path / ("input" + suffix)
    path.write_bytes(data)
    assert_clean_failure(cli, path)


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".yaml", ".csv"])
def test_a_number_longer_than_python_reads_is_a_clean_error(write, cli, suffix):
    """Python refuses to read an integer of more than 4,300 digits from text (a ValueError that
    once ended validation in a traceback): the number is reported, or kept as text where the schema
    would type it, never a crash."""
    import json

    from conftest import valid_record

    digits = "7" * 5000
    record = json.dumps(valid_record())[:-1] + f', "priority": {digits}}}'
    text = {".json": record, ".jsonl": record + "\n", ".yaml": f"id: abc-def\npriority: {digits}\n",
            ".csv": f"id,priority\nabc-def,{digits}\n"}[suffix]
    assert_clean_failure(cli, write("big" + suffix, text))


def test_a_too_long_number_where_the_schema_asks_for_one_stays_text():
    from toolkit.columns import Kind

    assert Kind("integer").typed("7" * 5000) == "7" * 5000  # left for validation to report as "not a number"
    assert Kind("integer").typed("42") == 42
