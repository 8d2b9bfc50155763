"""`claims import --from csv|tsv --map` and `--from liar`: tables of claims, written by hand from
the published layouts (LIAR: Wang, 2017), each row one claim with its review, dates never made up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import toolkit
from toolkit.errors import UsageError
from toolkit.imports import import_claims, read_claims
from toolkit.imports.tabular import read_date

DATA = Path(__file__).parent / "data"


def test_liar_rows_become_records_with_party_job_and_unknown_dates(tmp_path, cli):
    out = tmp_path / "claims" / "liar.yaml"
    run = cli("import", DATA / "liar-sample.tsv", "--from", "liar", "--out", out)
    assert run.exit_code == 0, run.stderr
    assert toolkit.validate([out]).valid
    records = {r["context"] if "context" in r else r["claim"]: r for r in yaml.safe_load_all(out.read_text(encoding="utf-8"))}
    obama = records["a press conference"]
    assert obama == {
        "id": obama["id"],
        "speaker": "barack-obama",
        "speaker_type": "unknown",
        "speaker_party": "democrat",
        "speaker_job": "President",
        "claim": "Unemployment is at its lowest in 50 years.",
        "date": "unknown",  # LIAR has no dates; none is made up
        "status": "mixed",  # half-true
        "reviews": [{"publisher": {"name": "PolitiFact", "url": "https://www.politifact.com"},
                     "rating": {"text": "half-true"}, "status": "mixed"}],
        "tags": ["economy", "jobs"],
        "context": "a press conference",
        "language": "en",
    }
    assert records["a radio interview"]["status"] == "false"  # pants-fire
    assert "speaker_party" not in records["a press release"]  # an empty cell is no value
    assert "context" not in records["The bridge reopened in May."]
    # A label LIAR does not have is kept as words with no status, and listed.
    assert records["a blog post"]["status"] == "unverified" and "status" not in records["a blog post"]["reviews"][0]
    assert 'unmapped ratings' in run.stdout and '"sort-of" (PolitiFact)' in run.stdout
    assert "skipped 1: 1 no claim text" in run.stdout and "7 claim date unknown" in run.stdout


def test_liar_rechecks_are_repeats_that_build_links_not_errors(tmp_path, cli):
    folder = tmp_path / "claims"
    summary = import_claims(DATA / "liar-sample.tsv", folder / "liar.jsonl", source="liar")
    assert (summary.items, summary.written, summary.reviews_kept) == (8, 7, 7)
    run = cli("build", folder, "--out", tmp_path / "built")
    assert run.exit_code == 0, run.stderr + run.stdout  # no duplicate-claim: unknown dates are never duplicates
    report = json.loads((tmp_path / "built" / "build-report.json").read_text(encoding="utf-8"))
    assert report["repeats"] == 1 and report["conflicts"] == 1  # false, then barely-true on a re-check
    [conflict] = report["status_conflicts"]
    assert sorted(conflict["statuses"]) == ["false", "mostly-false"]


def test_a_csv_through_a_map_keeps_days_months_years_and_unknown(tmp_path):
    records, summary = read_claims(DATA / "checks.csv", source="csv", table_map=DATA / "checks.map.yaml")
    by_claim = {r["claim"]: r for r in records}
    rent = by_claim["Die Mieten sind in Berlin um 50 Prozent gestiegen."]
    assert rent == {
        "id": rent["id"],
        "speaker": "Anna Beispiel",
        "speaker_type": "unknown",
        "claim": "Die Mieten sind in Berlin um 50 Prozent gestiegen.",
        "date": "2023-03-12",  # %d.%m.%Y
        "status": "false",  # "Falsch", by the shipped rating map
        "appearances": [{"url": "https://social.example.org/anna/1"}],
        "reviews": [{"publisher": {"name": "Beispiel Faktencheck", "url": "https://checker.example.de"},
                     "url": "https://checker.example.de/mieten", "date": "2023-03-15",
                     "rating": {"text": "Falsch"}, "status": "false", "language": "de"}],
        "tags": ["wohnen", "berlin"],
        "language": "de",
    }
    assert by_claim["Der Strompreis hat sich verdoppelt."]["date"] == "2022-03"  # %m/%Y: a month
    assert by_claim["Das Gesetz tritt 2021 in Kraft."]["date"] == "2021"  # %Y: a year
    assert by_claim["Das Gesetz tritt 2021 in Kraft."]["status"] == "mixed"  # the map's label
    schools = by_claim["Die Schulen bleiben ab Montag geschlossen."]
    assert (schools["date"], schools["status"]) == ("unknown", "misleading")  # no date, no review date
    assert [(s.position, s.reason) for s in summary.skipped] == [
        ("row 6", "date '31.02.2023' is in none of the forms %d.%m.%Y, %m/%Y, %Y")]
    assert (summary.items, summary.written) == (5, 4)


def test_tsv_takes_the_same_map(tmp_path):
    tsv = tmp_path / "checks.tsv"
    tsv.write_text((DATA / "checks.csv").read_text(encoding="utf-8").replace('"', "").replace(",", "\t")
                   .replace("wohnen; berlin", "wohnen, berlin"), encoding="utf-8")
    records, _ = read_claims(tsv, source="tsv", table_map=DATA / "checks.map.yaml")
    assert len(records) == 4


def test_dates_take_the_precision_of_their_pattern():
    assert read_date("12/04/2018", ("%m/%d/%Y",)) == "2018-12-04"
    assert read_date("Dec 2018", ("%b %Y",)) == "2018-12"
    assert read_date("2018", ("%d.%m.%Y", "%Y")) == "2018"
    assert read_date("unknown", ()) == read_date("n/a", ()) == "unknown"
    assert read_date("someday", ("%Y",)) is None


@pytest.mark.parametrize("text, message", [
    ("columns: {}\n", "needs `columns:`"),
    ("columns: {A: claim, B: nonsense}\n", "unknown field 'nonsense'"),
    ("columns: {A: claim}\nlabels: {Wrong: sort-of}\n", "not a status"),
    ("columns: {A: claim}\ndates: [yyyy]\n", "strptime patterns"),
    ("columns: {A: claim}\nextra: 1\n", "unknown keys extra"),
])
def test_a_bad_map_is_a_usage_error_and_writes_nothing(tmp_path, cli, text, message):
    table_map = tmp_path / "map.yaml"
    table_map.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        import_claims(DATA / "checks.csv", tmp_path / "out.yaml", source="csv", table_map=table_map)
    run = cli("import", DATA / "checks.csv", "--from", "csv", "--map", table_map, "--out", tmp_path / "out.yaml")
    assert run.exit_code == 2 and "Traceback" not in run.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_csv_without_a_map_or_with_a_missing_column_is_refused(tmp_path, cli):
    run = cli("import", DATA / "checks.csv", "--from", "csv", "--out", tmp_path / "out.yaml")
    assert run.exit_code == 2 and "--map" in run.stderr
    table_map = tmp_path / "map.yaml"
    table_map.write_text("columns: {Aussage: claim}\n", encoding="utf-8")
    run = cli("import", DATA / "checks.csv", "--from", "csv", "--map", table_map, "--out", tmp_path / "out.yaml")
    assert run.exit_code == 2 and "no column 'Aussage'" in run.stderr
    run = cli("import", DATA / "liar-sample.tsv", "--from", "xlsx", "--out", tmp_path / "out.yaml")
    assert run.exit_code == 2 and "claimreview, csv, tsv, liar" in run.stderr


def test_a_map_or_table_that_cannot_be_read_is_a_usage_error(tmp_path, cli):
    """Review findings: numbered columns named by text, constants that are not a mapping and a
    cell over the csv module's limit ended in tracebacks."""
    table = tmp_path / "t.csv"
    table.write_text("Anna,Rents rose.,2023-03-12,false\n")
    for text, said in (("header: false\ncolumns: {speaker: speaker}\n", "numbered from 0"),
                       ("columns: {speaker: speaker}\nconstants: [1, 2]\n", "constants: a mapping")):
        (tmp_path / "m.yaml").write_text(text)
        run = cli("import", table, "--from", "csv", "--map", tmp_path / "m.yaml", "--out", tmp_path / "o.yaml")
        assert run.exit_code == 2 and said in run.stderr and "Traceback" not in run.stderr
    huge = tmp_path / "huge.csv"
    huge.write_text("speaker,claim\nAnna," + "x" * 200_000 + "\n")
    (tmp_path / "m.yaml").write_text("columns: {speaker: speaker, claim: claim}\n")
    run = cli("import", huge, "--from", "csv", "--map", tmp_path / "m.yaml", "--out", tmp_path / "o.yaml")
    assert run.exit_code == 2 and "row 2 cannot be read" in run.stderr and not (tmp_path / "o.yaml").exists()


def test_the_csv_report_of_skipped_items_is_safe_in_a_spreadsheet(tmp_path):
    from toolkit.imports.records import Skipped
    from toolkit.imports.summary import ImportSummary, write_report

    skipped = (Skipped("=1+1", "https://example.org/a", "@SUM(A1)"), Skipped("item 2", None, "no claimant"))
    write_report(tmp_path / "report.csv", ImportSummary(None, 2, 2, 0, skipped=skipped))
    assert (tmp_path / "report.csv").read_text().splitlines()[1:] == [
        "'=1+1,https://example.org/a,'@SUM(A1)", "item 2,,no claimant"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('columns: {Statement: claim}\ndates: ["%Y%Y"]\n', ":2:8: dates: '%Y%Y' cannot read a date"),
        ('columns: {Statement: claim}\ndates: ["%Q"]\n', "dates: '%Q' cannot read a date"),
        ("columns: {Statement: claim}\nlabels: [a, b]\n", ":2:9: labels: a mapping (words: status), not a list"),
        ("columns: {Statement: claim, Who: [speaker]}\n", "columns.Who: a column maps to one field"),
        ("columns:\n  Statement: claim\n  Statement: speaker\n", ":3:3: the key 'Statement' is written twice"),
        ("columns: {Statement: claim}\nheader: maybe\n", "header: true or false, not 'maybe'"),
        ("columns: {Statement: claim}\nlabels: {Wrong: {a: 1}}\n", "labels.Wrong: maps to a mapping, not a status"),
    ],
)
def test_a_hostile_map_is_a_usage_error_naming_the_place(tmp_path, cli, text, said):
    """B34, B51: a map's mistakes ended in tracebacks (re.error, AttributeError, TypeError) or, for
    a key written twice, silently kept the last."""
    table = tmp_path / "c.csv"
    table.write_text("Statement,Who\nRents rose.,Anna\n", encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(text, encoding="utf-8")
    run = cli("import", table, "--from", "csv", "--map", mapping, "--out", tmp_path / "o.yaml")
    assert run.exit_code == 2, run.stderr
    assert run.stderr.startswith(f"claims: --map {mapping}") and said in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "o.yaml").exists()
