"""Ratings in the languages fact-checkers write (toolkit/ratings.py and the shipped ratings.yaml):
negation and qualifiers before keywords, numbers only on their scale, a user's map over ours, and
an unmapped rating never a verdict."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from importlib import resources

from toolkit.errors import ClaimsError, UsageError
from toolkit.imports import import_claimreview
from toolkit.ratings import VERDICTS, RatingMap, from_scale, load_ratings

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("words, status", [
    # PolitiFact, incl. the LIAR spelling
    ("True", "true"), ("Mostly True", "mostly-true"), ("Half-True", "mixed"), ("Mostly False", "mostly-false"),
    ("Barely True", "mostly-false"), ("False", "false"), ("Pants on Fire!", "false"), ("pants-fire", "false"),
    # Washington Post Pinocchios
    ("Geppetto Checkmark", "true"), ("One Pinocchio", "mostly-true"), ("2 Pinocchios", "mixed"),
    ("Three Pinocchios", "mostly-false"), ("4 Pinocchios", "false"), ("Bottomless Pinocchio", "false"),
    # Snopes, FactCheck.org, Full Fact, AFP, Reuters, AP, Lead Stories
    ("Mixture", "mixed"), ("Miscaptioned", "misleading"), ("Misattributed", "misleading"), ("Outdated", "misleading"),
    ("Legend", "false"), ("Scam", "false"), ("Correct Attribution", "true"), ("Unproven", "unproven"),
    ("Distorts the Facts", "misleading"), ("Incorrect", "false"), ("Needs context", "misleading"),
    ("Missing context", "misleading"), ("Partly false", "mixed"), ("Altered", "false"), ("Altered photo", "false"),
    ("No evidence", "unproven"), ("Fake", "false"), ("Hoax Alert", "false"),
    # the cases: negation and qualifiers before keywords
    ("mostly inaccurate", "mostly-false"), ("partly correct", "mixed"), ("Partiellement faux", "mixed"),
    ("False Context", "misleading"), ("Not true", "false"), ("Isn't true", "false"),
    # Spanish, Portuguese, French, German, Italian
    ("Falso", "false"), ("Engañoso", "misleading"), ("Verdadero, pero…", "mostly-true"), ("No es cierto", "false"),
    ("Verdadeiro", "true"), ("Enganoso", "misleading"), ("Exagerado", "misleading"), ("Sem contexto", "misleading"),
    ("Faux", "false"), ("Trompeur", "misleading"), ("Plutôt vrai", "mostly-true"), ("Manque de contexte", "misleading"),
    ("Falsch", "false"), ("Teilweise falsch", "mixed"), ("Irreführend", "misleading"), ("Richtig", "true"),
    ("Vero", "true"), ("Falso", "false"), ("C'eri quasi", "mostly-true"), ("Nì", "mixed"), ("Fuorviante", "misleading"),
    # Arabic, Hindi, Indonesian, Polish, Turkish, Russian
    ("مضلل", "misleading"), ("خطأ", "false"), ("زائف", "false"), ("صحيح", "true"), ("نصف صحيح", "mixed"),
    ("غير صحيح", "false"), ("ادعاء غير دقيق", "false"),
    ("गलत", "false"), ("भ्रामक", "misleading"), ("सच", "true"), ("सच नहीं", "false"), ("फर्जी", "false"),
    ("Keliru", "false"), ("Sesat", "misleading"), ("Benar", "true"), ("Sebagian benar", "mixed"), ("Hoaks", "false"),
    ("Prawda", "true"), ("Fałsz", "false"), ("Manipulacja", "misleading"), ("Nieweryfikowalne", "unproven"),
    ("Doğru", "true"), ("Yanlış", "false"), ("YANLIŞ", "false"), ("Doğru değil", "false"), ("Karma", "mixed"),
    ("Правда", "true"), ("Неправда", "false"), ("Полуправда", "mixed"), ("Манипуляция", "misleading"),
    ("Частично правда", "mixed"),
    # a verdict with its explanation after a full stop or a dash
    ("Fałsz. Według danych ministerstwa ...", "false"), ("Sesat - video benar namun narasi salah", "misleading"),
])
def test_ratings_map_to_our_statuses(words, status):
    assert RatingMap().verdict(words).status == status


@pytest.mark.parametrize("words, how", [
    ("Not false", "unmapped"),  # says only that it is not false: never read as true
    ("Pas faux", "unmapped"),
    ("Two Thumbs Sideways", "unmapped"),
    ("", "unmapped"),
    ("Satire", "no verdict"), ("Labeled Satire", "no verdict"), ("ساخر", "no verdict"), ("Full Flop", "no verdict"),
    ("True", "ours"), ("mostly-false", "ours"),
])
def test_unmapped_and_no_verdict_ratings_give_no_status(words, how):
    verdict = RatingMap().verdict(words)
    assert verdict.how == how and (verdict.status is None) == (how in ("unmapped", "no verdict"))


@pytest.mark.parametrize("value, best, worst, expected", [
    (1, None, None, ("false", None)), (5, None, None, ("true", None)), ("2", "5", "1", ("mostly-false", None)),
    (7, 7, 1, ("true", None)), (4, 7, 1, ("mixed", None)), (0.5, 1, 0, ("mixed", None)),
    (0, 5, 1, (None, "rating outside its scale")), (6, 5, 1, (None, "rating outside its scale")),
    ("NaN", None, None, (None, "rating not a finite number")), ("1e999", None, None, (None, "rating not a finite number")),
    (10 ** 400, None, None, (None, "rating not a finite number")), ("-inf", 5, 1, (None, "rating not a finite number")),
    (3, 5, 5, (None, "rating scale not usable")), (3, "NaN", 1, (None, "rating scale not usable")),
    ("three", None, None, (None, "rating not a number")), (True, None, None, (None, "rating not a number")),
    (None, None, None, (None, None)),
])
def test_numbers_count_only_on_their_scale(value, best, worst, expected):
    assert from_scale(value, best, worst) == expected


def test_the_shipped_map_is_text_to_known_statuses():
    data = yaml.safe_load(resources.files("toolkit").joinpath("ratings.yaml").read_text(encoding="utf-8"))
    assert set(data["labels"]) == {*VERDICTS, "none"}
    words = [w for ws in data["labels"].values() for w in ws]
    words += [w for group in data["keywords"] for ws in group.values() for w in ws]
    words += [w for ws in data["qualifiers"].values() for w in ws]
    assert all(isinstance(w, str) and w for w in words)  # no YAML boolean slipped in


def test_the_wheel_ships_the_rating_map(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("*.whl"))
    assert "toolkit/ratings.yaml" in zipfile.ZipFile(wheel).namelist()


def test_a_users_map_overrides_ours_globally_and_per_publisher(write, tmp_path, cli):
    ratings = write("ratings.yaml", """
        ratings:
          "Two Thumbs Sideways": mixed
          "Satire": "false"
        publishers:
          "Example Fact Check":
            "False": misleading
          other-checker.example.com:
            "Not false": "true"
    """)
    mine = load_ratings(ratings)
    assert mine.verdict("Two thumbs sideways").status == "mixed"
    assert mine.verdict("satire").status == "false"
    assert mine.verdict("False", ("Example Fact Check", "factcheck.example.org")).status == "misleading"
    assert mine.verdict("False", ("Someone Else", None)).status == "false"
    assert mine.verdict("Not false", (None, "other-checker.example.com")).status == "true"

    source = tmp_path / "api.json"
    source.write_text(json.dumps({"claims": [{"text": "A claim.", "claimant": "Jane Doe", "claimDate": "2020-01-01",
                                              "claimReview": [{"publisher": {"name": "Example Fact Check"}, "url": "https://factcheck.example.org/a",
                                                               "textualRating": "Two Thumbs Sideways"}]}]}))
    run = cli("import", source, "--out", tmp_path / "out.yaml", "--ratings", ratings)
    assert run.exit_code == 0, run.stderr
    [record] = yaml.safe_load_all((tmp_path / "out.yaml").read_text(encoding="utf-8"))
    assert record["status"] == "mixed" and record["reviews"][0]["rating"] == {"text": "Two Thumbs Sideways"}
    assert record["reviews"][0]["status"] == "mixed"


@pytest.mark.parametrize("text, message", [
    ("ratings:\n  Whatever: sort-of\n", "'sort-of' is not one of true, mostly-true"),
    ("ratings:\n  Whatever: unverified\n", "'unverified' is not one of"),
    ("rating:\n  x: 'true'\n", "`ratings:` and `publishers:` only"),
    ("publishers: [a, b]\n", "maps a publisher's name"),
    ("ratings: [a]\n", "maps a rating to a status"),
    ("ratings: {a: [b\n", "cannot read the rating map"),
    ("ratings:\n  Falso: 'false'\n  Falso: 'true'\n", ":3:3: the key 'Falso' is written twice in one mapping"),
    ("publishers:\n  A:\n    x: 'true'\n  A:\n    x: 'false'\n", ":4:3: the key 'A' is written twice"),
])
def test_a_broken_users_map_is_a_usage_error(write, text, message, tmp_path, cli):
    ratings = write("ratings.yaml", text)
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace("`", "`")):
        load_ratings(ratings)
    run = cli("import", Path(__file__).parent / "data" / "factcheck-api.json", "--out", tmp_path / "out.yaml", "--ratings", ratings)
    assert run.exit_code == 2 and not (tmp_path / "out.yaml").exists()


def test_unmapped_ratings_are_listed_with_count_and_publisher_and_strict_refuses_them(tmp_path, cli):
    source = tmp_path / "api.json"
    review = lambda n, words, publisher: {"publisher": {"name": publisher}, "url": f"https://checker.example.org/{n}",  # noqa: E731
                                          "textualRating": words}
    source.write_text(json.dumps({"claims": [
        {"text": f"Claim {n}.", "claimant": "Jane Doe", "claimDate": "2020-01-01", "claimReview": [review(n, words, publisher)]}
        for n, (words, publisher) in enumerate([("Two Thumbs Sideways", "Checker A"), ("Two Thumbs Sideways", "Checker A"),
                                                ("Not false", "Checker B"), ("False", "Checker B")])
    ]}))
    run = cli("import", source, "--out", tmp_path / "out.yaml")
    assert run.exit_code == 0
    assert '2 x "Two Thumbs Sideways" (Checker A)' in run.stdout and '1 x "Not false" (Checker B)' in run.stdout
    records = list(yaml.safe_load_all((tmp_path / "out.yaml").read_text(encoding="utf-8")))
    assert sorted(r["status"] for r in records) == ["false", "unverified", "unverified", "unverified"]

    strict = cli("import", source, "--out", tmp_path / "strict.yaml", "--strict")
    assert strict.exit_code == 1 and "3 reviews with unmapped ratings" in strict.stderr and "--ratings" in strict.stderr
    assert not (tmp_path / "strict.yaml").exists()
    with pytest.raises(ClaimsError, match="unmapped"):
        import_claimreview(source, tmp_path / "strict.yaml", strict=True)


@pytest.mark.parametrize("language, words, status", [
    ("en", "partly not true", "mixed"), ("en", "not entirely true", "mixed"), ("en", "mostly not true", "mostly-false"),
    ("en", "not completely false", "mixed"),
    ("de", "teilweise nicht wahr", "mixed"), ("de", "nicht ganz richtig", "mixed"),
    ("de", "größtenteils nicht wahr", "mostly-false"),
    ("es", "no es del todo cierto", "mixed"), ("es", "parcialmente no cierto", "mixed"),
    ("fr", "pas tout à fait vrai", "mixed"), ("fr", "pas entièrement faux", "mixed"),
    ("it", "non del tutto vero", "mixed"), ("it", "parzialmente non vero", "mixed"),
    ("pt", "não é totalmente verdadeiro", "mixed"), ("pt", "em parte não é verdade", "mixed"),
    ("ar", "غير صحيح جزئيا", "mixed"), ("ar", "زائف جزئي", "mixed"), ("ar", "غير صحيح في الغالب", "mostly-false"),
])
def test_a_qualified_negation_is_never_a_plain_verdict(language, words, status):
    verdict = RatingMap().verdict(words)
    assert verdict.status not in ("true", "false"), (language, words)
    assert verdict.status == status


@pytest.mark.parametrize("words", ["completely untrue", "not true at all", "Not true", "totalmente falso"])
def test_a_negation_qualified_only_by_its_force_stays_false(words):
    assert RatingMap().verdict(words).status == "false"


@pytest.mark.parametrize("words, status", [
    ("مش حقيقي", "false"), ("مفبرك", "false"), ("مُفبرك", "false"), ("معدل", "false"), ("تضليل", "misleading"),
    ("نصف حقيقي", "mixed"), ("غير مثبت", "unproven"), ("محتوى ناقص", "misleading"), ("Excitement", "misleading"),
    # AVeriTeC's four labels
    ("Supported", "true"), ("Refuted", "false"), ("Not Enough Evidence", "unproven"),
    ("Conflicting Evidence/Cherrypicking", "misleading"),
])
def test_words_desks_meet_are_mapped(words, status):
    assert RatingMap().verdict(words).status == status


def _label_agreement():
    import importlib.util

    spec = importlib.util.spec_from_file_location("label_agreement", ROOT / "bench" / "label_agreement.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_label_agreement_reports_coverage_and_agreement_apart():
    bench = _label_agreement()
    result = bench.agreement(
        [("", "False", "false"), ("", "Two Thumbs Sideways", "other"), ("", "Satire", "other"), ("", "True", "false")],
        {None: "other"},
    )
    # the unmapped label is a coverage miss, never an agreement ("other" against "other")
    assert (result["labels"], result["read_by_our_map"], result["agree"]) == (4, 3, 2)
    assert result["coverage"] == 0.75 and result["agreement"] == round(2 / 3, 3)


def test_the_held_out_set_is_read_whole_and_labelled_in_our_statuses():
    bench = _label_agreement()
    labels = bench.heldout_labels()
    assert len(labels) > 50 and {status for _, _, status in labels} <= {*VERDICTS, "none"}
    rows = [line for line in bench.HELD_OUT.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    languages = {row.split("\t")[0] for row in rows[1:]}
    assert {"en", "de", "es", "fr", "it", "pt", "ar"} <= languages
