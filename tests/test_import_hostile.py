"""Import sources written to hurt, or by programs that get JSON wrong: deep nesting (B32), keys
written twice (B24), and what such a source does to the rest of the input."""

from __future__ import annotations

import json

import pytest


def _api_claim(text: str, claimant: str = "A Minister", rating: str = "False") -> dict:
    return {
        "text": text,
        "claimant": claimant,
        "claimDate": "2024-03-01T00:00:00Z",
        "claimReview": [
            {
                "publisher": {"name": "Example Check", "site": "check.example.org"},
                "url": "https://check.example.org/" + str(abs(hash(text)) % 10_000),
                "reviewDate": "2024-03-02T00:00:00Z",
                "textualRating": rating,
                "languageCode": "en",
            }
        ],
    }


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("deep.json", "[" * 200_000 + "]" * 200_000),
        ("deep.html", '<html><script type="application/ld+json">' + "[" * 200_000 + "]" * 200_000 + "</script></html>"),
    ],
)
def test_deep_nesting_is_a_usage_error_not_a_recursion_error(tmp_path, cli, name, content):
    """B32: 200,000 `[` ended in RecursionError."""
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    run = cli("import", source, "--from", "claimreview", "--out", tmp_path / "out.jsonl")
    assert run.exit_code == 2, run.stderr
    assert "nesting is deeper than 256 levels" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_a_deep_json_lines_line_is_skipped_and_the_others_read(tmp_path, cli):
    source = tmp_path / "api.jsonl"
    source.write_text(json.dumps(_api_claim("Taxes doubled.")) + "\n" + "[" * 100_000 + "]" * 100_000 + "\n")
    run = cli("import", source, "--from", "claimreview", "--out", tmp_path / "out.jsonl")
    assert run.exit_code == 0, run.stderr
    assert "wrote 1 record" in run.stdout and "1 nesting is deeper than 256 levels" in run.stdout


def test_a_key_written_twice_in_an_item_is_reported_not_resolved(tmp_path, cli):
    """B24: JSON keys written twice resolved last-wins, silently."""
    first = json.dumps(_api_claim("Crime fell by half.", claimant="Governor Jones"))
    twice = first.replace('"claimant": "Governor Jones"', '"claimant": "Governor Jones", "claimant": "Mayor Smith"')
    source = tmp_path / "api.json"
    source.write_text('{"claims": [' + twice + ", " + json.dumps(_api_claim("Taxes doubled.")) + "]}")
    report = tmp_path / "report.json"
    run = cli("import", source, "--from", "claimreview", "--out", tmp_path / "out.jsonl", "--report", report)
    assert run.exit_code == 0, run.stderr
    assert "wrote 1 record" in run.stdout
    [skipped] = json.loads(report.read_text(encoding="utf-8"))["skipped"]
    assert skipped["position"] == "/claims/0"
    assert skipped["reason"].startswith("the key 'claimant' is written twice")
    # The envelope writing `claims` twice loses a whole page: a usage error.
    source.write_text('{"claims": [' + first + '], "claims": []}')
    run = cli("import", source, "--from", "claimreview", "--out", tmp_path / "out2.jsonl")
    assert run.exit_code == 2 and "the key 'claims' is written twice" in run.stderr


def test_a_header_naming_a_mapped_column_twice_is_a_usage_error(tmp_path, cli):
    table = tmp_path / "t.csv"
    table.write_text("Statement,Who,Statement\nRents rose.,Anna,Rents fell.\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns: {Statement: claim, Who: speaker}\n", encoding="utf-8")
    run = cli("import", table, "--from", "csv", "--map", mapping, "--out", tmp_path / "o.jsonl")
    assert run.exit_code == 2 and "the header names 'Statement' more than once" in run.stderr
