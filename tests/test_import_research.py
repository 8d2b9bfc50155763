"""Research sets and spreadsheets as they are published (issue 18.5): ClaimsKG's export, whose
claims sit in several topic files; AVeriTeC's nested JSON, read through a map of dotted paths; and
identifiers, which are each publisher's own (B4)."""

from __future__ import annotations

import csv
import json

import yaml

from toolkit.imports import read_claims

CLAIMSKG_HEADER = ["id", "text", "date", "truthRating", "ratingName", "author", "headline",
                   "named_entities_claim", "named_entities_article", "keywords", "source", "link", "language"]
KG = "http://data.gesis.org/claimskg/creative_work/"
CLAIMSKG_ROWS = {
    "economy": [
        [KG + "0a1", "Says unemployment is the lowest in 50 years.", "2019-03-05", "2", "half-true", "Donald Trump",
         "Trump on jobs", "", "", "jobs, economy", "politifact", "https://www.politifact.com/factchecks/2019/mar/05/a/",
         "en"],
        [KG + "0b2", "Canada's debt doubled under the Liberals.", "2018-10-01", "1", "False", "Andrew Scheer",
         "Scheer on debt", "", "", "debt", "factscan", "https://factscan.ca/scheer-debt/", "en"],
    ],
    "health": [
        [KG + "0a1", "Says unemployment is the lowest in 50 years.", "2019-03-05", "2", "half-true", "Donald Trump",
         "Trump on jobs", "", "", "health insurance", "politifact",
         "https://www.politifact.com/factchecks/2019/mar/05/a/", "en"],
        [KG + "0c3", "Vaccines cause autism.", "2017-05-04", "1", "false", "Jenny Doe", "Vaccines", "", "",
         "vaccines, health", "snopes", "https://www.snopes.com/fact-check/vaccines/", "en"],
    ],
    "immigration": [
        [KG + "0b2", "Canada's debt doubled under the Liberals.", "2018-10-01", "1", "False", "Andrew Scheer",
         "Scheer on debt", "", "", "budget, debt", "factscan", "https://factscan.ca/scheer-debt/", "en"],
    ],
}
CLAIMSKG_MAP = """\
columns:
  id: id
  text: claim
  date: date
  author: speaker
  ratingName: review.rating
  link: review.url
  keywords: tags
  language: language
constants:
  tags: [claimskg]
"""


def _claimskg(tmp_path) -> list:
    files = []
    for topic, rows in CLAIMSKG_ROWS.items():
        path = tmp_path / f"claimskg-{topic}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CLAIMSKG_HEADER)
            writer.writerows(rows)
        files.append(path)
    (tmp_path / "claimskg.map.yaml").write_text(CLAIMSKG_MAP, encoding="utf-8")
    return files


def test_claimskg_topic_files_make_one_record_per_claim(tmp_path, cli):
    files = _claimskg(tmp_path)
    out = tmp_path / "claims" / "claimskg.yaml"
    run = cli("import", *files, "--from", "csv", "--map", tmp_path / "claimskg.map.yaml", "--out", out)
    assert run.exit_code == 0, run.stderr
    assert "read 5 items" in run.stdout and "wrote 3 records (3 reviews kept)" in run.stdout
    records = {r["speaker"]: r for r in yaml.safe_load_all(out.read_text(encoding="utf-8"))}
    # Keywords of every copy kept, beside the constant tag.
    assert sorted(records["Donald Trump"]["tags"]) == ["claimskg", "economy", "health insurance", "jobs"]
    assert sorted(records["Andrew Scheer"]["tags"]) == ["budget", "claimskg", "debt"]
    # Each review's publisher is its page's site, not one publisher for every row.
    assert records["Andrew Scheer"]["reviews"] == [{
        "publisher": {"name": "factscan.ca", "url": "https://factscan.ca"}, "url": "https://factscan.ca/scheer-debt/",
        "rating": {"text": "False"}, "status": "false"}]
    assert records["Donald Trump"]["reviews"][0]["publisher"]["name"] == "politifact.com"
    assert cli("validate", out).exit_code == 0 and cli("fmt", "--check", out).exit_code == 0
    assert cli("build", out.parent, "--out", tmp_path / "built").exit_code == 0
    # The files in another order make the same bytes.
    again = tmp_path / "again.yaml"
    assert cli("import", *files[::-1], "--from", "csv", "--map", tmp_path / "claimskg.map.yaml",
               "--out", again).exit_code == 0
    assert again.read_bytes() == out.read_bytes()


def test_a_publisher_column_names_each_rows_publisher(tmp_path):
    files = _claimskg(tmp_path)
    mapping = tmp_path / "by-column.yaml"
    mapping.write_text(CLAIMSKG_MAP.replace("  language: language\n", "  language: language\n  source: review.publisher\n"),
                       encoding="utf-8")
    records, _ = read_claims(files, source="csv", table_map=mapping)
    assert sorted(r["reviews"][0]["publisher"]["name"] for r in records) == ["factscan", "politifact", "snopes"]


AVERITEC = [
    {
        "claim": "Hunter Biden had no experience in Ukraine or in the energy sector when he joined Burisma.",
        "required_reannotation": False,
        "label": "Supported",
        "justification": "No former experience in the energy sector or in Ukraine is on record.",
        "claim_date": "25-8-2020",
        "speaker": "Pam Bondi",
        "original_claim_url": None,
        "fact_checking_article": "https://web.archive.org/web/2020/https://www.politifact.com/factchecks/2020/aug/26/x/",
        "reporting_source": "Speech",
        "location_ISO_code": "US",
        "claim_types": ["Position Statement"],
        "fact_checking_strategies": ["Written Evidence"],
        "questions": [
            {"question": "Did Hunter Biden have experience in the energy sector?",
             "answers": [{"answer": "No", "answer_type": "Boolean",
                          "source_url": "https://en.wikipedia.org/wiki/Hunter_Biden", "source_medium": "Web text",
                          "boolean_explanation": "He had none."}]},
            {"question": "Did he have experience in Ukraine?",
             "answers": [{"answer": "He had not worked there.", "answer_type": "Abstractive",
                          "source_url": "https://www.nytimes.com/2019/ukraine.html", "source_medium": "Web text"},
                         {"answer": "No answer could be found.", "answer_type": "Unanswerable"}]},
        ],
        "cached_original_claim_url": None,
    },
    {
        "claim": "Joe Biden wants to ban fracking.",
        "label": "Refuted",
        "justification": "His plan bans new permits on federal land only.",
        "claim_date": "1-10-2020",
        "speaker": None,
        "original_claim_url": "https://www.facebook.com/posts/1",
        "fact_checking_article": "https://www.factcheck.org/2020/10/fracking/",
        "claim_types": ["Event/Property Claim", "Position Statement"],
        "questions": [{"question": "Does the plan ban fracking?", "answers": [
            {"answer": "No", "answer_type": "Boolean", "source_url": "https://joebiden.com/climate-plan/"}]}],
    },
]
AVERITEC_MAP = """\
columns:
  claim: claim
  speaker: speaker
  claim_date: date
  label: review.rating
  justification: review.summary
  fact_checking_article: review.url
  original_claim_url: appearance.url
  claim_types: tags
  questions.answers.source_url: source.url
dates: ["%d-%m-%Y"]
constants:
  language: en
"""


def test_averitec_json_reads_through_a_map_of_dotted_paths(tmp_path, cli):
    source = tmp_path / "averitec-dev.json"
    source.write_text(json.dumps(AVERITEC, indent=1), encoding="utf-8")
    mapping = tmp_path / "averitec.map.yaml"
    mapping.write_text(AVERITEC_MAP, encoding="utf-8")
    out = tmp_path / "claims" / "averitec.yaml"
    run = cli("import", source, "--from", "json", "--map", mapping, "--out", out)
    assert run.exit_code == 0, run.stderr
    assert "wrote 2 records" in run.stdout
    records = {r["claim"]: r for r in yaml.safe_load_all(out.read_text(encoding="utf-8"))}
    hunter = records[AVERITEC[0]["claim"]]
    assert (hunter["speaker"], hunter["date"], hunter["tags"]) == ("Pam Bondi", "2020-08-25", ["Position Statement"])
    assert hunter["sources"] == [{"url": "https://en.wikipedia.org/wiki/Hunter_Biden"},
                                 {"url": "https://www.nytimes.com/2019/ukraine.html"}]
    assert hunter["reviews"][0]["rating"] == {"text": "Supported"}
    assert hunter["reviews"][0]["summary"] == AVERITEC[0]["justification"]
    fracking = records["Joe Biden wants to ban fracking."]
    assert fracking["speaker"] == "unknown"  # AVeriTeC's null speaker: kept, filterable
    assert fracking["appearances"] == [{"url": "https://www.facebook.com/posts/1"}]
    assert fracking["reviews"][0]["publisher"]["name"] == "factcheck.org"
    assert cli("validate", out).exit_code == 0 and cli("fmt", "--check", out).exit_code == 0
    # The same records as JSON Lines, one a line.
    lines = tmp_path / "averitec-dev.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in AVERITEC), encoding="utf-8")
    same = tmp_path / "claims2" / "averitec.yaml"
    assert cli("import", lines, "--from", "jsonl", "--map", mapping, "--out", same).exit_code == 0
    assert same.read_bytes() == out.read_bytes()


def _review(publisher: str, speaker: str, claim: str, identifier: str, rating: str) -> dict:
    return {"@type": "ClaimReview", "url": f"https://{publisher}.example.org/{identifier}", "claimReviewed": claim,
            "author": {"@type": "Organization", "name": publisher},
            "itemReviewed": {"@type": "Claim", "identifier": identifier, "datePublished": "2024-01-02",
                             "author": {"@type": "Person", "name": speaker}},
            "reviewRating": {"alternateName": rating}}


def test_an_identifier_is_a_publishers_own_never_a_merge_key_across_publishers(tmp_path, cli):
    """B4: two publishers' `claim-1` became one record, one claim lost and its verdict filed under
    another speaker; `"identifier": "1"` made every item `id: empty`."""
    source = tmp_path / "ident.json"
    source.write_text(json.dumps([
        _review("sitea", "Mayor Smith", "Taxes doubled last year.", "claim-1", "False"),
        _review("siteb", "Governor Jones", "Crime fell by half.", "claim-1", "True"),
    ]), encoding="utf-8")
    out = tmp_path / "ident.jsonl"
    run = cli("import", source, "--out", out)
    assert run.exit_code == 0, run.stderr
    records = {r["speaker"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert records["Mayor Smith"]["claim"] == "Taxes doubled last year." and records["Mayor Smith"]["status"] == "false"
    assert records["Governor Jones"]["claim"] == "Crime fell by half." and records["Governor Jones"]["status"] == "true"
    assert "claim-1" not in {r["id"] for r in records.values()}  # neither claim owns the shared identifier
    source.write_text(json.dumps([_review("sitea", "Mayor Smith", "Taxes doubled last year.", "1", "False")]))
    [record], summary = read_claims(source)
    assert summary.skipped == () and record["id"].startswith("mayor-smith-taxes-doubled")
    # One publisher's own identifier, valid as an id, is kept (our export writes the record's id there).
    source.write_text(json.dumps([_review("sitea", "Mayor Smith", "Taxes doubled last year.", "smith-taxes", "False")]))
    [record], _ = read_claims(source)
    assert record["id"] == "smith-taxes"
