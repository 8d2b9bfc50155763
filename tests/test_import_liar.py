"""LIAR (Wang, 2017) as it is published: tab-separated, never quoted. Its statements often open
with `"` and close with `''`, which CSV quoting would read as a quoted cell running on into the
next rows (issue 18: 29 rows vanished into neighbours, 658 statements lost their quote marks)."""

from __future__ import annotations

import json
from pathlib import Path

from toolkit.imports import import_claims, read_claims

# LIAR-shaped rows: id, label, statement, subjects, speaker, job, state, party, 5 counts, context.
STATEMENTS = [
    ("2635.json", "false", '"Says the Annies List political group supports third-trimester abortions on demand.\'\''),
    ("10540.json", "half-true", "When did the decline of coal start? It started when natural gas took off."),
    ("324.json", "mostly-true", '"The vast majority of the money I got was from individual donors.\'\' In 2008.'),
    ("1123.json", "pants-fire", '"Hillary Clinton agrees with John McCain "by voting to give George Bush the benefit.\'\''),
    ("9028.json", "barely-true", 'The "health care law" is a "job killer," economists say.'),
    ("12465.json", "true", '"Under this bill, nobody\'s taxes go up.'),
    ("2342.json", "false", "Says Bobby Jindal cut $300 million from higher education.\"\t"),
    ("153.json", "half-true", '""We have less Americans working now than in the \'70s.\'\''),
]


def _row(identity: str, label: str, statement: str, speaker: str) -> str:
    cells = [identity, label, statement.rstrip("\t"), "economy,taxes", speaker, "Governor", "Louisiana", "republican",
             "1", "2", "3", "4", "0", "a speech"]
    return "\t".join(cells) + "\n"


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("".join(rows), encoding="utf-8")
    return path


def test_every_liar_row_is_one_record_with_its_statement_as_written(tmp_path):
    rows = [_row(i, label, s, f"speaker-{n}") for n, (i, label, s) in enumerate(STATEMENTS)]
    records, summary = read_claims(_write(tmp_path / "train.tsv", rows), source="liar")
    assert (summary.items, summary.written, summary.skipped) == (len(rows), len(rows), ())
    by_speaker = {r["speaker"]: r for r in records}
    for n, (_, _, statement) in enumerate(STATEMENTS):
        assert by_speaker[f"speaker-{n}"]["claim"] == statement.rstrip("\t")  # byte for byte, quotes kept
    # The row that opens with a quote keeps its own speaker and verdict, not a neighbour's.
    assert by_speaker["speaker-2"]["status"] == "mostly-true"
    assert by_speaker["speaker-2"]["claim"].startswith('"The vast majority')


def test_liar_records_do_not_depend_on_row_order(tmp_path):
    rows = [_row(i, label, s, f"speaker-{n}") for n, (i, label, s) in enumerate(STATEMENTS)]
    forward = import_claims(_write(tmp_path / "a.tsv", rows), tmp_path / "a.jsonl", source="liar")
    backward = import_claims(_write(tmp_path / "b.tsv", rows[::-1]), tmp_path / "b.jsonl", source="liar")
    assert forward.written == backward.written == len(rows)
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_a_tsv_map_says_the_file_is_not_quoted(tmp_path, cli):
    table = tmp_path / "checks.tsv"
    table.write_text(
        "Statement\tWho\tVerdict\n"
        '"Crime is down 50%,\'\' the mayor said.\tMayor Smith\tFalse\n'
        "Taxes doubled.\tGovernor Jones\tTrue\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "columns: {Statement: claim, Who: speaker, Verdict: review.rating}\nquoting: false\n"
        "constants: {review.publisher: Example Check}\n",
        encoding="utf-8",
    )
    out = tmp_path / "checks.jsonl"
    run = cli("import", table, "--from", "tsv", "--map", mapping, "--out", out)
    assert run.exit_code == 0, run.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["claim"] for r in records) == ['"Crime is down 50%,\'\' the mayor said.', "Taxes doubled."]
