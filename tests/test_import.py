"""`claims import`: every shape fact-checks come in (hand-written from schema.org's ClaimReview and
the Fact Check Tools API reference), one schema 2 record per claim with every review kept, nothing
invented, every skipped item reported with its place."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

import toolkit
from toolkit.errors import ClaimsError, ExportError, UsageError
from toolkit.imports import from_claimreview, import_claimreview, read_claimreview

DATA = Path(__file__).parent / "data"


def imported(tmp_path: Path, name: str, **options) -> tuple[dict[str, dict], "toolkit.imports.ImportSummary"]:
    """Import a file of tests/data, check the output validates, and give its records by claim."""
    out = tmp_path / f"{name}.yaml"
    summary = import_claimreview(DATA / name, out, **options)
    result = toolkit.validate([out])
    assert result.valid, [p.as_dict() for p in result.problems]
    records = list(yaml.safe_load_all(out.read_text(encoding="utf-8")))
    assert result.records == len(records) == summary.written
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)  # written in id order
    by_claim: dict[str, dict] = {}
    for record in records:
        by_claim.setdefault(record["claim"], []).append(record)
    return {claim: rs[0] if len(rs) == 1 else rs for claim, rs in by_claim.items()}, summary


# -- shapes ------------------------------------------------------------------------------------------


def test_fact_check_api_dump_in_arabic_keeps_every_review_of_every_publisher(tmp_path):
    claims, summary = imported(tmp_path, "factcheck-api-arabic.json")
    # One record per claim, every review kept in it.
    assert (summary.items, summary.reviews, summary.written, summary.reviews_kept) == (5, 7, 5, 7)
    floods = claims["صورة تظهر فيضانات في شوارع القاهرة الأسبوع الماضي"]
    misbar_url = ("https://misbar.com/factcheck/2023/11/03/%D8%B5%D9%88%D8%B1%D8%A9-%D9%81%D9%8A%D8%B6%D8%A7%D9%86"
                  "%D8%A7%D8%AA-%D8%A7%D9%84%D9%82%D8%A7%D9%87%D8%B1%D8%A9")
    assert floods == {
        "id": floods["id"],
        "speaker": "منشورات على فيسبوك",
        "speaker_type": "unknown",  # the API does not say what a claimant is
        "claim": "صورة تظهر فيضانات في شوارع القاهرة الأسبوع الماضي",
        "date": "2023-11-02",
        "status": "false",  # the most recent mapped review's
        "reviews": [
            {"publisher": {"name": "Misbar", "url": "https://misbar.com"}, "url": misbar_url, "date": "2023-11-03",
             "rating": {"text": "مضلل"}, "status": "misleading", "summary": "الصورة ليست من القاهرة", "language": "ar"},
            {"publisher": {"name": "Fatabyyano", "url": "https://fatabyyano.net"},
             "url": "https://fatabyyano.net/cairo-floods-photo/", "date": "2023-11-04",
             "rating": {"text": "زائف"}, "status": "false", "summary": "صورة قديمة من دولة أخرى", "language": "ar"},
        ],
        "language": "ar",
    }
    assert floods["id"].startswith("mnshwrt-la-fysbwk-swrh-")  # transliterated, then a hash
    inflation = claims["الرئيس قال إن التضخم انخفض إلى النصف"]
    assert (inflation["status"], inflation["date"]) == ("mixed", "2023-08-15")  # no claim date: the review's
    assert summary.notes == {"claim date taken from the review's date": 1, "no claimant: speaker unknown": 1}
    herbs = claims["اكتشاف علاج جديد للسكري من الأعشاب"]["reviews"][0]
    assert herbs["publisher"] == {"name": "akeed.jo", "url": "https://akeed.jo"}  # no name: the site
    # No claimant: the fact-check is kept, under the speaker `unknown` a desk can filter on (issue 18.3).
    nobody = next(r for r in claims.values() if r["speaker"] == "unknown")
    assert nobody["speaker_type"] == "unknown" and nobody["reviews"][0]["url"].endswith("/beirut-port-video-old/")
    assert summary.skipped == ()


def test_default_speaker_fills_a_missing_claimant_and_is_counted(tmp_path):
    claims, summary = imported(tmp_path, "factcheck-api-arabic.json", default_speaker="مصدر غير معروف")
    beirut = claims["مقطع فيديو لانفجار في مرفأ بيروت عام 2020 منسوب لحدث جديد"]
    assert beirut["speaker"] == "مصدر غير معروف" and beirut["status"] == "unverified"
    assert beirut["reviews"][0]["rating"] == {"text": "ساخر"} and "status" not in beirut["reviews"][0]  # satire: no verdict
    assert summary.no_verdict == {("ساخر", "Fatabyyano"): 1}
    assert summary.skipped == () and summary.notes["speaker taken from --default-speaker"] == 1


def test_html_page_with_json_ld_graph_french_afp_style(tmp_path):
    claims, summary = imported(tmp_path, "afp-fr.html")
    emeutes = claims["Une vidéo montre des émeutes à Paris après les élections de 2024"]
    assert emeutes == {
        "id": emeutes["id"],
        "speaker": "Publications sur les réseaux sociaux",
        "speaker_type": "organization",  # the claim's author @type
        "claim": "Une vidéo montre des émeutes à Paris après les élections de 2024",
        "date": "2024-07-01",
        "status": "mixed",  # "Partiellement faux": the words decide before ratingValue 2
        "appearances": [{"url": "https://x.com/exemple/status/1808000000000000000"}],  # where it was made
        "reviews": [{
            "publisher": {"name": "AFP Factuel", "url": "https://factuel.afp.com/"},  # named by @id in the graph
            "url": "https://factuel.afp.com/doc.afp.com.34XY7Z",  # the fact-check page
            "date": "2024-07-03",
            "rating": {"text": "Partiellement faux", "value": 2, "best": 5, "worst": 1},  # the publisher's scale kept
            "status": "mixed",
            "summary": "La vidéo date de 2023 et a été tournée à Nanterre.",
            "language": "fr",
        }],
        "language": "fr",
    }
    # One page reviewing two claims: two records, two ids.
    bureaux = claims["Les bureaux de vote ferment à 22 heures à Paris"]
    assert bureaux["status"] == "false" and bureaux["reviews"][0]["url"] == emeutes["reviews"][0]["url"]
    assert bureaux["id"] != emeutes["id"] and bureaux["speaker_type"] == "person"
    procuration = claims["Le gouvernement a supprimé le vote par procuration"]
    assert procuration["status"] == "unverified" and procuration["date"] == "2024-07-05"
    assert procuration["reviews"][0]["rating"] == {"text": "Pas faux"} and "status" not in procuration["reviews"][0]
    assert summary.unmapped == {("Pas faux", "AFP Factuel"): 1}  # a negated false is not "true"
    # The breadcrumb block is not an item; the broken block is reported with its place.
    assert summary.items == 3
    assert [(s.position, s.reason[:8]) for s in summary.skipped] == [("script 3", "not JSON")]


def test_html_page_without_json_ld_is_a_clear_usage_error(tmp_path, cli):
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Fact check</title></head><body>False!</body></html>")
    with pytest.raises(UsageError, match=r'no <script type="application/ld\+json"> block'):
        import_claimreview(page, tmp_path / "out.yaml")
    run = cli("import", page, "--out", tmp_path / "out.yaml")
    assert run.exit_code == 2 and "application/ld+json" in run.stderr and "Traceback" not in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_json_lines_of_every_shape_with_a_byte_order_mark(tmp_path):
    assert (DATA / "lines-mixed.jsonl").read_bytes().startswith(b"\xef\xbb\xbf")
    claims, summary = imported(tmp_path, "lines-mixed.jsonl")
    assert (summary.items, summary.reviews, summary.written) == (4, 4, 4)
    whales = claims["Offshore wind turbines are killing whales by the hundreds."]
    assert (whales["status"], whales["speaker"], whales["reviews"][0]["publisher"]) == ("false", "Jane Roe", {"name": "PolitiFact"})
    assert whales["reviews"][0]["rating"] == {"text": "pants-fire", "value": 1, "best": 6, "worst": 1}
    assert claims["Las vacunas contienen grafeno."]["status"] == "false"  # a claims:search answer on a line
    assert claims["O salário mínimo subiu 10% em 2023."]["status"] == "misleading"  # a bare API claim
    assert claims["Windräder verbrauchen mehr Energie als sie erzeugen."]["language"] == "de"  # a list
    assert [(s.position, s.reason) for s in summary.skipped] == [
        ("line 4", "not JSON (Unterminated string starting at, column 10)")]


def test_plain_list_of_api_claims_in_six_languages(tmp_path):
    claims, summary = imported(tmp_path, "plain-claims-list.json")
    statuses = {claim: record["status"] for claim, record in claims.items()}
    assert statuses == {
        "Il governo ha tagliato il 30% dei fondi alla sanità.": "mostly-false",  # Pinocchio andante
        "Rząd podniósł podatki dla wszystkich.": "false",  # "Fałsz. Według danych ..."
        "Enflasyon yüzde 20'nin altına düştü.": "false",  # "Doğru değil"
        "Пенсии повысят в два раза с января.": "false",  # "Неправда"
        "सरकार ने सभी किसानों का कर्ज माफ कर दिया है।": "misleading",  # "भ्रामक"
        "Pemerintah membagikan kuota internet gratis 100 GB.": "false",  # "Keliru"
        "A inflação caiu pela metade.": "mostly-true",  # "Verdadeiro, mas"
    }
    assert summary.unmapped == {} and summary.skipped == ()
    assert claims["Пенсии повысят в два раза с января."]["id"].startswith("telegram-kanaly-pensii-povysyat-")


def test_an_api_answer_that_found_nothing_imports_nothing():
    assert from_claimreview({}) == [] and from_claimreview({"nextPageToken": "CAo"}) == []


# -- issue 10 item 7: nothing invented or merged ---------------------------------------------------


def test_disagreeing_reviews_are_kept_in_one_record_listed_by_import_and_build(tmp_path, cli):
    claims, summary = imported(tmp_path, "factcheck-api-arabic.json")
    vaccine = claims["وزارة الصحة أعلنت مجانية اللقاح لجميع المواطنين"]
    assert [(r["publisher"]["name"], r["status"]) for r in vaccine["reviews"]] == [("AFP عربي", "true"), ("Misbar", "false")]
    assert vaccine["status"] == "false"  # the most recent mapped review's; the "True" is kept beside it
    floods = claims["صورة تظهر فيضانات في شوارع القاهرة الأسبوع الماضي"]
    assert {d.id: dict(d.statuses) for d in summary.disagreements} == {
        vaccine["id"]: {"false": ("Misbar",), "true": ("AFP عربي",)},
        floods["id"]: {"false": ("Fatabyyano",), "misleading": ("Misbar",)},
    }
    built = cli("build", tmp_path / "factcheck-api-arabic.json.yaml", "--out", tmp_path / "built")
    assert built.exit_code == 0, built.stderr
    report = json.loads((tmp_path / "built" / "build-report.json").read_text(encoding="utf-8"))
    assert {d["claim"]: d["statuses"] for d in report["review_disagreements"]} == {
        vaccine["id"]: {"false": ["Misbar"], "true": ["AFP عربي"]},
        floods["id"]: {"false": ["Fatabyyano"], "misleading": ["Misbar"]},
    }
    assert "2 claims with reviews that disagree" in built.stdout
    run = cli("import", DATA / "factcheck-api-arabic.json", "--out", tmp_path / "again.yaml")
    assert "2 claims with reviews that disagree" in run.stdout and vaccine["id"] in run.stdout


def test_same_claim_same_date_is_a_duplicate_whatever_its_reviews_but_never_of_unknown_date(write):
    first = {"id": "jane-doe-said-it", "speaker": "Jane Doe", "claim": "It was said.", "date": "2020-01-01",
             "status": "false"}
    twice = write("claims.jsonl", "\n".join(json.dumps(r) for r in (
        {**first, "reviews": [{"url": "https://checker-a.example.org/1"}]},
        {**first, "id": "jane-doe-said-it-b", "status": "true", "reviews": [{"url": "https://checker-b.example.org/1"}]},
        {**first, "id": "jane-doe-said-it-c", "date": "2020-01"},  # another date as written: not the same
        {**first, "id": "jane-doe-said-it-d", "date": "unknown"},
        {**first, "id": "jane-doe-said-it-e", "date": "unknown"},  # a re-check of unknown date: a repeat
    )) + "\n")
    result = toolkit.validate([twice])
    assert [(p.rule, p.line) for p in result.problems] == [("duplicate-claim", 2)]


def test_numeric_ratings_outside_the_scale_nan_and_overflow_are_kept_and_counted(tmp_path):
    claims, summary = imported(tmp_path, "numeric-ratings.jsonld")
    kept = {claim: (r["status"], r["reviews"][0].get("rating"), r["reviews"][0].get("status")) for claim, r in claims.items()}
    assert kept["Rated zero on a one to five scale."] == ("unverified", {"value": 0, "best": 5, "worst": 1}, None)
    assert kept["Rated six on a one to five scale."] == ("unverified", {"value": 6, "best": 5, "worst": 1}, None)
    # A value no number holds is kept as the words it was written in.
    assert kept["Rated NaN."] == ("unverified", {"text": "NaN"}, None)
    assert kept["Rated 1e999."] == ("unverified", {"text": "1e999"}, None)
    assert kept["Rated with a huge integer."][0::2] == ("unverified", None)
    assert kept["Rated 7 on a one to seven scale."] == ("true", {"value": 7, "best": 7, "worst": 1}, "true")
    assert kept["Rated False with a value of 0."][0::2] == ("false", "false")  # the words decide; the 0 is counted
    assert summary.notes == {"rating not a finite number": 3, "rating outside its scale": 3}


def test_an_import_that_yields_no_record_exits_1_and_writes_nothing(tmp_path, cli):
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"claims": [{"text": "No one said it.", "claimReview": [
        {"url": "https://checker.example.org/a", "textualRating": "False", "reviewDate": "2020-01-01"}]}]}))
    empty.write_text(json.dumps({"claims": [{"claimant": "Jo", "claimReview": [
        {"url": "https://checker.example.org/a", "textualRating": "False", "reviewDate": "2020-01-01"}]}]}))
    with pytest.raises(ClaimsError, match=r"no record imported from 1 item \(1 no claim text"):
        import_claimreview(empty, tmp_path / "out.yaml")
    run = cli("import", empty, "--out", tmp_path / "out.yaml", "--report", tmp_path / "skipped.csv")
    assert run.exit_code == 1 and "not written" in run.stderr
    assert not (tmp_path / "out.yaml").exists()
    rows = list(csv.DictReader((tmp_path / "skipped.csv").open(encoding="utf-8")))
    assert rows == [{"position": "/claims/0/claimReview/0", "url": "https://checker.example.org/a",
                     "reason": "no claim text"}]
    nothing = tmp_path / "nothing.json"
    nothing.write_text("{}")
    run = cli("import", nothing, "--out", tmp_path / "out.yaml")
    assert run.exit_code == 1 and "no claimreview item found" in run.stderr


def test_report_lists_every_skipped_item_with_position_url_and_reason(tmp_path, cli):
    source = tmp_path / "mixed.json"
    source.write_text(json.dumps([
        {"@type": "ClaimReview", "url": "https://checker.example.org/ok", "claimReviewed": "Fine.",
         "itemReviewed": {"author": "Jane Doe", "datePublished": "2020-01-01"}, "reviewRating": {"alternateName": "True"}},
        {"@type": "ClaimReview", "url": "https://checker.example.org/no-date", "claimReviewed": "Undated.",
         "itemReviewed": {"author": "Jane Doe"}, "reviewRating": {"alternateName": "False"}},
        {"@type": "ClaimReview", "url": "https://checker.example.org/no-text",
         "itemReviewed": {"author": "Jane Doe"}, "reviewRating": {"alternateName": "False"}},
        {"@type": "ClaimReview", "url": "https://checker.example.org/future", "claimReviewed": "Later.",
         "itemReviewed": {"author": "Jane Doe", "datePublished": "2999-01-01"}},
        {"@type": "ClaimReview", "url": "https://checker.example.org/long", "claimReviewed": "x" * 6000,
         "itemReviewed": {"author": "Jane Doe", "datePublished": "2020-01-01"}},
        42,
        {"@type": "ClaimReview", "url": "https://checker.example.org/ok", "claimReviewed": "Fine.",
         "itemReviewed": {"author": "Jane Doe", "datePublished": "2020-01-01"}, "reviewRating": {"alternateName": "True"}},
    ]))
    run = cli("import", source, "--out", tmp_path / "out.json", "--report", tmp_path / "report.json")
    assert run.exit_code == 0, run.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["written"] == 2 and report["items"] == 6 and report["reviews_kept"] == 2
    assert report["skipped"] == [
        {"position": "/2", "url": "https://checker.example.org/no-text", "reason": "no claim text"},
        {"position": "/3", "url": "https://checker.example.org/future", "reason": "claim date 2999-01-01 is in the future"},
        {"position": "/4", "url": "https://checker.example.org/long", "reason": "claim: longer than 5000 characters"},
        {"position": "/5", "url": None, "reason": "not a ClaimReview or Fact Check API claim"},
    ]
    # No date at all is `unknown`, never made up; the same review read twice is kept once.
    assert report["notes"] == {"claim date unknown": 1, "no rating": 1, "the same review read twice, kept once": 1}
    records = {r["claim"]: r for r in json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))}
    assert records["Undated."]["date"] == "unknown" and len(records["Fine."]["reviews"]) == 1
    assert "skipped 4" in run.stdout and "report.json" in run.stdout


def test_import_errors_are_clear_and_write_nothing(tmp_path, cli):
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(UsageError, match="cannot read JSON"):
        import_claimreview(tmp_path / "broken.json", tmp_path / "out.yaml")
    with pytest.raises(ExportError, match=r"\.yaml, \.json or \.jsonl"):
        import_claimreview(DATA / "factcheck-api.json", tmp_path / "out.csv")
    with pytest.raises(UsageError, match=r"\.json or \.csv"):
        import_claimreview(DATA / "factcheck-api.json", tmp_path / "out.yaml", report=tmp_path / "r.txt")
    (tmp_path / "latin1.json").write_bytes('{"claims": [], "x": "é"}'.encode("latin-1"))
    run = cli("import", tmp_path / "latin1.json", "--out", tmp_path / "out.yaml")
    assert run.exit_code == 2 and "not UTF-8" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.json", "latin1.json"]


def test_the_older_fact_check_api_sample_keeps_every_review_in_one_record(tmp_path):
    claims, summary = imported(tmp_path, "factcheck-api.json")
    threat = claims["There is no longer a Nuclear Threat from North Korea."]
    assert [(r["publisher"]["name"], r["rating"]["text"], r["status"]) for r in threat["reviews"]] == [
        ("Example Fact Check", "Pants on Fire!", "false"),
        ("Third Checker", "False", "false"),
        ("other-checker.example.com", "False", "false"),
    ]
    assert claims["Such cooperation would have been unimaginable in the past."]["status"] == "unverified"
    assert summary.unmapped == {("Two Thumbs Sideways", "Example Fact Check"): 1}
    sanctions = claims["Las sanciones no tienen ningún efecto sobre Corea del Norte."]
    assert sanctions["reviews"][0]["url"].endswith("%C3%B1")


def test_read_claimreview_is_the_library_call(tmp_path):
    records, summary = read_claimreview(DATA / "claimreview-graph.jsonld")
    assert summary.path is None and len(records) == summary.written == 5 == summary.reviews_kept


def test_a_terminal_shows_twenty_disagreements_and_the_json_report_every_one(tmp_path, cli):
    source = tmp_path / "api.json"
    review = lambda n, words: {"publisher": {"name": words}, "url": f"https://checker.example.org/{n}/{words}",  # noqa: E731
                               "textualRating": words}
    source.write_text(json.dumps({"claims": [
        {"text": f"Claim {n}.", "claimant": "Jane Doe", "claimDate": "2020-01-01",
         "claimReview": [review(n, "True"), review(n, "False")]} for n in range(25)]}))
    run = cli("import", source, "--out", tmp_path / "out.yaml", "--report", tmp_path / "report.json")
    assert "25 claims with reviews that disagree" in run.stdout
    assert "... and 5 more (" in run.stdout and run.stdout.count(": Jane Doe:") == 20
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert len(report["disagreements"]) == 25
    assert toolkit.validate([tmp_path / "out.yaml"]).valid


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
@pytest.mark.parametrize("name, options", [
    ("factcheck-api-arabic.json", ["--default-speaker", "Unknown speaker"]),
    ("afp-fr.html", []),
    ("numeric-ratings.jsonld", []),
    ("plain-claims-list.json", []),
    ("lines-mixed.jsonl", []),
    ("checks.csv", ["--from", "csv", "--map", str(DATA / "checks.map.yaml")]),
    ("liar-sample.tsv", ["--from", "liar"]),
])
def test_what_import_writes_is_already_in_fmts_canonical_form(tmp_path, cli, name, options, suffix):
    """Review finding: imported YAML was PyYAML's (single quotes, lists not indented, numbers
    written as text by a first fix), so a desk whose CI runs `claims fmt --check` failed on every
    import. Numbers stay numbers: the file validates."""
    out = tmp_path / "claims" / f"imported{suffix}"
    run = cli("import", DATA / name, "--out", out, *options)
    assert run.exit_code == 0, run.stdout + run.stderr
    before = out.read_text(encoding="utf-8")
    check = cli("fmt", out, "--check")
    assert check.exit_code == 0, check.stdout + check.stderr
    assert out.read_text(encoding="utf-8") == before
    assert toolkit.validate([out]).valid
