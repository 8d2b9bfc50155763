"""Whatever a source holds, `claims import` writes only what `claims validate` and `claims fmt
--check` accept (issue 18.2): texts with controls (C0, C1 such as LIAR's U+0090), bidirectional
controls balanced or not, lone surrogates, invisible-only texts and fields longer than the schema
allows, in a Fact Check Tools API dump, ClaimReview JSON-LD and LIAR's TSV. The real commands run."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HOSTILE = st.sampled_from(
    ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x90", "\x9f", "\t", "\n", "\r", "\r\n", "\u2028", "\u2029",
     "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
     "\u061c", "\u200b", "\u2060", "\ufeff", "\u00ad", "\ud800", "\udfff", " ", "  "]
)
PLAIN = st.text(st.characters(codec="utf-8"), max_size=8)
ARABIC = st.sampled_from(["وزارة الصحة", "قال الرئيس", "صورة قديمة", "غير صحيح", "مضلل"])
LONG = st.sampled_from(["x" * 5_100, "ب" * 600, "Ministry, " * 60, "y" * 201, "z" * 501])
TEXT = st.one_of(st.lists(st.one_of(HOSTILE, PLAIN, ARABIC), max_size=8).map("".join), LONG, ARABIC)
URL = st.one_of(st.none(), st.just("https://check.example.org/a"), TEXT.map(lambda t: "https://x.example.org/" + t))


@st.composite
def api_claim(draw) -> dict:
    reviews = draw(st.lists(st.fixed_dictionaries(
        {"url": URL, "textualRating": TEXT},
        optional={"publisher": st.fixed_dictionaries({}, optional={"name": TEXT, "site": TEXT}),
                  "title": TEXT, "reviewDate": st.sampled_from(["2023-11-03T00:00:00Z", "2023-02-30", "x"]),
                  "languageCode": st.sampled_from(["ar", "en", "x y", "\u202bar"])},
    ), min_size=1, max_size=3))
    claim = draw(st.fixed_dictionaries({"text": TEXT}, optional={"claimant": TEXT, "claimDate": st.just("2023-11-02")}))
    return {**claim, "claimReview": reviews}


@st.composite
def claimreview_node(draw) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": draw(URL),
        "claimReviewed": draw(TEXT),
        "author": draw(st.one_of(TEXT, st.lists(st.fixed_dictionaries({"@type": st.just("Person"), "name": TEXT}),
                                                max_size=2))),
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": draw(TEXT)},
                         "identifier": draw(st.one_of(st.none(), st.just("1"), st.just("claim-1"), TEXT))},
        "reviewRating": draw(st.one_of(
            st.fixed_dictionaries({"alternateName": TEXT}),
            st.lists(st.fixed_dictionaries({"alternateName": TEXT}), min_size=2, max_size=3),
        )),
    }


def _chain(cli, tmp_path, source, *options) -> None:
    """import -> validate -> fmt --check, as a desk runs them; whatever is written passes both."""
    for suffix in (".yaml", ".jsonl"):
        out = tmp_path / f"out{suffix}"
        out.unlink(missing_ok=True)
        run = cli("import", source, *options, "--out", out)
        assert "Traceback" not in run.stderr
        assert run.exit_code in (0, 1), run.stderr
        if run.exit_code == 1:  # nothing could make a record: nothing written, and it says why
            assert not out.exists() and "no record imported" in run.stderr
            continue
        validated = cli("validate", out)
        assert validated.exit_code == 0, validated.stdout + validated.stderr
        formatted = cli("fmt", "--check", out)
        assert formatted.exit_code == 0, formatted.stdout + formatted.stderr


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])


@SETTINGS
@given(claims=st.lists(api_claim(), min_size=1, max_size=4))
def test_any_fact_check_api_dump_imports_to_what_validate_and_fmt_accept(tmp_path, cli, claims):
    source = tmp_path / "api.json"
    source.write_text(json.dumps({"claims": claims}), encoding="utf-8")  # lone surrogates as \\ud800 escapes
    _chain(cli, tmp_path, source)


@SETTINGS
@given(nodes=st.lists(claimreview_node(), min_size=1, max_size=4))
def test_any_claimreview_imports_to_what_validate_and_fmt_accept(tmp_path, cli, nodes):
    source = tmp_path / "reviews.jsonld"
    source.write_text(json.dumps(nodes), encoding="utf-8")
    _chain(cli, tmp_path, source)


@SETTINGS
@given(rows=st.lists(st.tuples(TEXT, TEXT, TEXT, TEXT), min_size=1, max_size=4))
def test_any_liar_shaped_table_imports_to_what_validate_and_fmt_accept(tmp_path, cli, rows):
    def cell(text: str) -> str:  # a cell of LIAR's TSV holds no tab or line break; surrogates are not UTF-8
        return "".join(c for c in text if c not in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029" and not "\ud800" <= c <= "\udfff")

    lines = [
        "\t".join([f"{n}.json", cell(label), cell(statement), cell(tags), cell(speaker), "job", "state", "party",
                   "0", "0", "0", "0", "0", "context"])
        for n, (label, statement, tags, speaker) in enumerate(rows)
    ]
    source = tmp_path / "train.tsv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _chain(cli, tmp_path, source, "--from", "liar")
