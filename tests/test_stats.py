"""`claims stats`: the verdicts in all, by speaker and by period, as text, JSON, CSV and a chart."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
from collections import Counter

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from conftest import FIXTURES, valid_record
from toolkit.building import build
from toolkit.chart import COLOURS, check_path, draw, figure, scale
from toolkit.errors import UsageError
from toolkit.schema import load_schema
from toolkit.counting import Stats, Tally, count, render_csv, render_json, render_text, stats, statuses_of
from toolkit.vocabulary import STATUSES

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# Counted by hand from fixtures/claims/*, speakers mapped by fixtures/speakers.yaml.
FIXTURE_STATUSES = {
    "unverified": 3,  # oba-administration-not-flexible, oba-sticks-and-carrots, moon-new-milestone
    "true": 4,  # guard-posts-removed-22, moon-unimaginable-in-the-past, bolton-commitments-not-lived-up, us-sanctions-...
    "mostly-true": 1,  # oba-engagement-not-denuclearization
    "mixed": 1,  # trump-kim-is-strong
    "mostly-false": 1,  # trump-singapore-summit-success
    "false": 1,  # trump-no-longer-nuclear-threat
    "misleading": 1,  # pyongyang-sanctions-political-provocation
    "unproven": 2,  # oba-engagement-keeps-peninsula-stable, bolton-another-summit-productive
}
FIXTURE_SPEAKERS = {  # most claims first, then by name; each with the verdicts it has
    "Mintaro Oba": {"unverified": 2, "mostly-true": 1, "unproven": 1},
    "Donald Trump": {"mixed": 1, "mostly-false": 1, "false": 1},  # "President Trump" and "Donald J. Trump" too
    "John Bolton": {"true": 1, "unproven": 1},
    "Moon Jae-in": {"unverified": 1, "true": 1},
    "Associated Press": {"true": 1},
    "North Korean Foreign Ministry": {"misleading": 1},
    "U.S. Department of the Treasury": {"true": 1},
}


def every_status(counts: dict[str, int]) -> dict[str, int]:
    return {status: counts.get(status, 0) for status in STATUSES}


def test_the_fixtures_counted_from_the_files_and_from_the_table_match_a_hand_count():
    for counted in (count([FIXTURES]), stats(build([FIXTURES]).table)):
        assert counted.claims == 14
        assert list(counted.statuses.items()) == list(FIXTURE_STATUSES.items())  # the schema's order
        assert [(t.name, t.statuses) for t in counted.speakers] == [
            (name, every_status(verdicts)) for name, verdicts in FIXTURE_SPEAKERS.items()
        ]
        assert [(t.name, t.statuses) for t in counted.periods] == [("2018", FIXTURE_STATUSES)]
        assert (counted.first, counted.last, counted.speaker_count) == ("2018-06-12", "2018-12-16", 7)
    by_month = count([FIXTURES], by="month")
    assert [(t.name, t.claims) for t in by_month.periods] == [
        ("2018-06", 3), ("2018-07", 0), ("2018-08", 0), ("2018-09", 0), ("2018-10", 0), ("2018-11", 0), ("2018-12", 11)
    ]  # the months between hold no claim, and show as such


# -- the same numbers both ways, on generated records -------------------------------------------

REGISTRY = """
- name: Donald Trump
  wikidata: Q22686
  aliases: [President Trump, Donald J. Trump]
- name: Moon Jae-in
  aliases: [President Moon]
"""
# Names as curators type them: aliases, other capitals, extra spaces, a decomposed accent.
SPOKEN = ["Donald Trump", "president trump", "Donald J.  Trump", "President Moon", "Moon Jae-in", "  Zoe\u0301 Müller ",
          "Zoé Müller", "John Bolton"]
YEARS = st.integers(1990, 2024)
CLAIM_DATE = st.one_of(
    st.dates(dt.date(1990, 1, 1), dt.date(2024, 12, 31)).map(dt.date.isoformat),
    st.tuples(YEARS, st.integers(1, 12)).map(lambda ym: f"{ym[0]}-{ym[1]:02d}"),
    YEARS.map(str),
    st.just("unknown"),
)
SPOKEN_RECORD = st.tuples(st.sampled_from(SPOKEN), CLAIM_DATE, st.sampled_from(list(STATUSES)))


def spoken_records(drawn: list[tuple[str, str, str]]) -> list[dict]:
    return [valid_record(id=f"claim-{n:03d}", claim=f"Claim number {n}.", speaker=speaker, date=date, status=status)
            for n, (speaker, date, status) in enumerate(drawn)]


def by_hand(records: list[dict], by: str) -> tuple[Counter, Counter, Counter]:
    """Statuses, speakers (canonical by the registry above) and periods, counted in plain Python."""
    canonical = {"donald trump": "Donald Trump", "president trump": "Donald Trump", "donald j. trump": "Donald Trump",
                 "president moon": "Moon Jae-in", "moon jae-in": "Moon Jae-in", "zoé müller": "Zoé Müller",
                 "john bolton": "John Bolton"}
    width = 4 if by == "year" else 7
    import unicodedata

    def name(spoken: str) -> str:
        return canonical[" ".join(unicodedata.normalize("NFC", spoken).split()).casefold()]

    periods = Counter(r["date"][:width] for r in records if r["date"] != "unknown" and len(r["date"]) >= width)
    return Counter(r["status"] for r in records), Counter(name(r["speaker"]) for r in records), periods


@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=st.lists(SPOKEN_RECORD, min_size=1, max_size=40), suffix=st.sampled_from([".jsonl", ".yaml"]),
       by=st.sampled_from(["year", "month"]))
def test_the_counts_of_the_files_are_the_counts_of_the_built_table(tmp_path_factory, drawn, suffix, by):
    """JSON Lines is read into columns, YAML record by record: both count canonical speakers
    exactly as the build merges them, and both agree with a count in plain Python."""
    records = spoken_records(drawn)
    desk = tmp_path_factory.mktemp("desk")
    text = "".join(json.dumps(r) + "\n" for r in records) if suffix == ".jsonl" else yaml.safe_dump_all(records)
    (desk / f"records{suffix}").write_text(text, encoding="utf-8")
    (desk / "speakers.yaml").write_text(REGISTRY, encoding="utf-8")

    counted = count([desk], by=by)
    assert counted == stats(build([desk]).table, by=by)
    statuses, speakers, periods = by_hand(records, by)
    assert counted.statuses == every_status(statuses)
    assert {t.name: t.claims for t in counted.speakers} == dict(speakers)
    assert {t.name: t.claims for t in counted.periods if t.claims} == dict(periods)
    assert sum(t.claims for t in counted.periods) + sum(counted.unplaced.values()) == len(records)
    names = [t.name for t in counted.periods]
    assert names == sorted(names) and len(names) == len(set(names))  # oldest first, every period once


def test_stats_validates_each_record_once_on_json_lines(write, monkeypatch):
    """Regression (issue 17, point 6): the three counted fields were not a frame the JSON Lines
    reader would give, so every record was read and validated a second time, record by record."""
    records = spoken_records([(SPOKEN[n % 8], "2018-05-0" + str(1 + n % 9), "true") for n in range(30)])
    folder = write("desk/records.jsonl", "".join(json.dumps(r) + "\n" for r in records)).parent
    again = []
    import toolkit.validation as validation

    original = validation.read_records
    monkeypatch.setattr(validation, "read_records", lambda *a, **k: again.append(a) or original(*a, **k))
    assert count([folder]).claims == 30
    assert again == []


@pytest.mark.parametrize("workers", [1, 2])
def test_the_frame_is_read_alongside_the_check_once_and_its_error_is_raised(write, workers):
    """stats reads its three columns while the workers check (in a thread started once they are
    forked; after the check when it runs in this process)."""
    import toolkit.validation as validation

    records = spoken_records([(SPOKEN[n % 8], "2018-05-01", "true") for n in range(30)])
    folder = write("desk/records.jsonl", "".join(json.dumps(r) + "\n" for r in records)).parent
    ran = []
    result = validation.validate([folder], workers=workers, alongside=lambda: ran.append("read"))
    assert result.valid and result.records == 30 and ran == ["read"]
    with pytest.raises(ZeroDivisionError):
        validation.validate([folder], workers=workers, alongside=lambda: 1 / 0)


def test_a_byte_order_mark_still_counts_by_the_careful_reader(write):
    records = spoken_records([("John Bolton", "2018", "false"), ("John Bolton", "2019-02", "true")])
    path = write("records.jsonl", b"\xef\xbb\xbf" + "".join(json.dumps(r) + "\n" for r in records).encode())
    counted = count([path])
    assert counted.statuses["false"] == counted.statuses["true"] == 1 and counted.first == "2018"


# -- top, JSON, CSV and text ----------------------------------------------------------------------

def many_speakers(write):
    records = [valid_record(id=f"claim-{n:03d}", claim=f"Claim {n}.", speaker=f"Speaker {n % 30:02d}",
                            status=["true", "false", "mixed"][n % 3], date=f"{2015 + n % 4}-03-01") for n in range(90)]
    return write("claims.jsonl", "".join(json.dumps(r) + "\n" for r in records)).parent


def test_top_keeps_the_speakers_with_most_claims_and_counts_the_others_together(write):
    everyone = count([many_speakers(write)])
    five = everyone.top(5)
    assert [t.name for t in five.speakers] == [t.name for t in everyone.speakers[:5]]
    assert five.others == Tally("(25 other speakers)", {
        status: sum(t.statuses[status] for t in everyone.speakers[5:]) for status in everyone.statuses})
    assert five.top(2).others.name == "(28 other speakers)"
    assert five.top(2).others.claims == 90 - sum(t.claims for t in everyone.speakers[:2])
    assert everyone.top(None) == everyone.top(30) == everyone


def test_json_has_the_documented_shape(write, cli):
    run = cli("stats", many_speakers(write), "--format", "json", "--top", "3", "--by", "month")
    assert run.exit_code == 0 and run.stderr == ""
    document = json.loads(run.stdout)
    assert set(document) == {"claims", "statuses", "speakers", "other_speakers", "by", "periods", "unplaced"}
    assert list(document["statuses"]) == list(STATUSES)
    assert document["claims"] == sum(document["statuses"].values()) == 90
    assert [set(s) for s in document["speakers"]] == [{"name", "statuses"}] * 3
    assert document["other_speakers"]["speakers"] == 27
    speakers = document["speakers"] + [document["other_speakers"]]
    for status, claims in document["statuses"].items():
        assert sum(s["statuses"][status] for s in speakers) == claims
        assert sum(p["statuses"][status] for p in document["periods"]) + document["unplaced"][status] == claims
    assert document["by"] == "month"
    assert [p["period"] for p in document["periods"]][:2] == ["2015-03", "2015-04"]
    assert len(document["periods"]) == 37  # March 2015 to March 2018, the empty months too


def test_csv_has_a_row_per_group_and_a_column_per_status(write, cli):
    folder = many_speakers(write)
    run = cli("stats", folder, "--format", "csv", "--top", "2")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert list(rows[0]) == ["group", "name", "claims", *STATUSES]
    assert [row["group"] for row in rows] == ["all", "speaker", "speaker", "other speakers", "year", "year", "year",
                                              "year", "no year"]
    assert rows[3]["name"] == "(28 other speakers)"
    for row in rows:
        assert int(row["claims"]) == sum(int(row[status]) for status in STATUSES)
    assert sum(int(row["claims"]) for row in rows if row["group"] in ("speaker", "other speakers")) == 90
    assert render_csv(count([folder]).top(2)) == run.stdout


def test_text_shows_every_count_and_names_the_others(write, cli):
    run = cli("stats", many_speakers(write), "--top", "5")
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert "90 claims, 30 speakers, dated 2015-03-01 to 2018-03-01" in run.stdout
    assert sum("Speaker " in line for line in lines) == 5
    assert any("(25 other speakers)" in line and " 75 " in line for line in lines)
    every = cli("stats", many_speakers(write), "--top", "0").stdout
    assert sum("Speaker " in line for line in every.splitlines()) == 30 and "other speakers" not in every


def test_text_of_the_fixtures():
    console = Console(record=True, width=140, color_system=None)
    console.print(render_text(count([FIXTURES])))
    text = console.export_text()
    assert "14 claims, 7 speakers" in text
    assert any("Donald Trump" in line and " 3 " in line and "1 mixed, 1 mostly-false, 1 false" in line
               for line in text.splitlines())
    assert any("unverified" in line and " 3 " in line and "21%" in line for line in text.splitlines())


def test_one_claim_is_singular(write, cli):
    folder = write("one/claim.json", json.dumps(valid_record())).parent
    assert "1 claim, 1 speaker, dated 2018-12-04 to 2018-12-04" in cli("stats", folder).stdout


def test_stats_of_invalid_input_is_the_validation_report(write, cli):
    bad = write("bad.yaml", "id: x\nspeaker: A\nclaim: {text: x}\ndate: 2018-12-04\nstatus: true\nsources: [1, 2]\n")
    run = cli("stats", bad)
    assert run.exit_code == 1
    assert "bad.yaml:3:" in run.stdout and "Traceback" not in run.stdout + run.stderr


def test_statuses_come_from_the_schema_in_use(write):
    document = json.loads(load_schema().text)
    document["$defs"]["status"]["enum"] = ["false", "true", "satire"]
    path = write("desk.schema.json", json.dumps(document))
    assert statuses_of(load_schema(path)) == ("false", "true", "satire")
    records = [valid_record(id="claim-a", status="satire"), valid_record(id="claim-b", claim="Other.", status="true")]
    folder = write("claims/a.jsonl", "".join(json.dumps(r) + "\n" for r in records)).parent
    assert count([folder], schema=path).statuses == {"false": 0, "true": 1, "satire": 1}


# -- the chart ------------------------------------------------------------------------------------

def test_the_scale_runs_from_true_to_false_and_the_neutral_verdicts_are_grey():
    assert scale(list(STATUSES)) == ["true", "mostly-true", "mixed", "mostly-false", "misleading", "false",
                                     "unverified", "unproven"]
    assert scale(["false", "satire", "true"]) == ["true", "false", "satire"]
    for neutral in ("unverified", "unproven"):
        red, green, blue = (int(COLOURS[neutral][i:i + 2], 16) for i in (1, 3, 5))
        assert red == green == blue
    assert len(set(COLOURS.values())) == len(COLOURS)


def test_the_figure_shows_the_top_speakers_every_period_and_a_legend_entry_per_status_present(write):
    counted = count([many_speakers(write)], by="year").top(6)
    chart = figure(counted, "Desk claims")
    speakers_axes, periods_axes = chart.axes
    assert [label.get_text() for label in speakers_axes.get_yticklabels()] == [t.name for t in counted.speakers]
    assert [label.get_text() for label in periods_axes.get_xticklabels()] == ["2015", "2016", "2017", "2018"]
    legend = chart.legends[0]
    assert [text.get_text() for text in legend.get_texts()] == ["true", "mixed", "false"]  # present, on the scale
    assert chart._suptitle.get_text() == "Desk claims\nVerdicts of 90 claims dated 2015-03-01 to 2018-03-01"
    width, height = chart.get_size_inches()
    assert width == 12 and height > 4
    others = counted.others.claims  # counted in the title: one bar of them all would dwarf the others
    assert speakers_axes.get_title(loc="left") == f"Verdicts by speaker (top 6 of 30; the others: {others} claims)"
    # Each speaker's bar is as long as its claims: the last segment of each ends at the speaker's total.
    ends = {}
    for bar in speakers_axes.patches:
        ends[round(bar.get_y() + bar.get_height() / 2)] = max(ends.get(round(bar.get_y() + bar.get_height() / 2), 0),
                                                             bar.get_x() + bar.get_width())
    assert [ends[row] for row in sorted(ends)] == [t.claims for t in counted.speakers]


def test_the_figure_grows_with_the_speakers_shown(write):
    counted = count([many_speakers(write)])
    assert figure(counted.top(25), "x").get_size_inches()[1] > figure(counted.top(5), "x").get_size_inches()[1]


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_the_chart_file_is_the_same_bytes_for_the_same_counts(tmp_path, suffix):
    counted = count([FIXTURES])
    draw(counted, "Korean Peninsula claims", tmp_path / f"one{suffix}")
    draw(count([FIXTURES]), "Korean Peninsula claims", tmp_path / f"two{suffix}")
    data = (tmp_path / f"one{suffix}").read_bytes()
    assert data == (tmp_path / f"two{suffix}").read_bytes()
    if suffix == ".png":
        assert data.startswith(PNG_SIGNATURE) and b"Software" not in data and b"matplotlib" not in data.lower()
    else:
        assert data.lstrip().startswith(b"<?xml") and b"<dc:date>" not in data and b"Matplotlib v" not in data
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"one{suffix}", f"two{suffix}"]  # no temporary file left


def test_a_users_matplotlibrc_changes_nothing_in_the_chart(tmp_path):
    """Two curators draw the same bytes: the chart uses matplotlib's defaults, not the user's."""
    import subprocess

    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "matplotlibrc").write_text("axes.facecolor: yellow\nfont.size: 20\nfont.family: serif\n")
    command = [sys.executable, "-c", "from toolkit.cli import main; main()", "stats", str(FIXTURES), "--plot",
               str(tmp_path / "theirs.png")]
    run = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "MPLCONFIGDIR": str(tmp_path / "config")})
    assert run.returncode == 0, run.stderr
    draw(count([FIXTURES], top=20), "Korean Peninsula claims, December 2018", tmp_path / "ours.png")
    assert (tmp_path / "theirs.png").read_bytes() == (tmp_path / "ours.png").read_bytes()


def test_names_in_scripts_the_font_lacks_draw_without_a_warning_each(recwarn, tmp_path):
    counted = Stats(statuses={"true": 2}, speakers=(Tally("문재인", {"true": 1}), Tally("習近平", {"true": 1})),
                    speaker_count=2)
    draw(counted, "데스크", tmp_path / "chart.png")
    assert [str(w.message) for w in recwarn if "Glyph" in str(w.message)] == []


def test_a_chart_of_no_claims_still_draws(tmp_path):
    draw(Stats(statuses=dict.fromkeys(STATUSES, 0)), "Empty desk", tmp_path / "empty.png")
    assert (tmp_path / "empty.png").read_bytes().startswith(PNG_SIGNATURE)


def test_the_chart_is_png_or_svg_by_its_extension():
    assert check_path("a.PNG") == "png" and check_path("b.svg") == "svg"
    for wrong in ("chart.pdf", "chart", "claims.yaml"):
        with pytest.raises(UsageError, match="png or .svg"):
            check_path(wrong)


def test_plot_refuses_another_extension_an_existing_file_and_an_input(write, cli, tmp_path):
    folder = write("desk/claims/a.json", json.dumps(valid_record())).parent.parent
    write("desk/claims.yaml", "pretty_name: Desk claims\n")
    refused = cli("stats", folder, "--plot", folder / "claims.yaml", "--force")
    assert refused.exit_code == 2 and "--plot" in refused.stderr and "setting" in refused.stderr
    assert (folder / "claims.yaml").read_text() == "pretty_name: Desk claims\n"

    first = cli("stats", folder, "--plot", tmp_path / "chart.svg")
    assert first.exit_code == 0 and "drew" in first.stdout
    drawn = (tmp_path / "chart.svg").read_bytes()
    (tmp_path / "chart.svg").write_text("a chart someone edited")
    again = cli("stats", folder, "--plot", tmp_path / "chart.svg")
    assert again.exit_code == 2 and "--force" in again.stderr
    assert (tmp_path / "chart.svg").read_text() == "a chart someone edited"
    assert cli("stats", folder, "--plot", tmp_path / "chart.svg", "--force").exit_code == 0
    assert (tmp_path / "chart.svg").read_bytes() == drawn

    schema = write("desk/schema.svg", load_schema().text)  # a schema may have any name: it is still an input
    onto_input = cli("stats", folder / "claims", "--schema", schema, "--plot", schema, "--force")
    assert onto_input.exit_code == 2 and "never replaced" in onto_input.stderr
    assert schema.read_text() == load_schema().text


def test_plot_with_json_keeps_standard_output_json(write, cli, tmp_path):
    run = cli("stats", FIXTURES, "--format", "json", "--plot", tmp_path / "chart.png")
    assert json.loads(run.stdout)["claims"] == 14
    assert f"drew {tmp_path / 'chart.png'}" in run.stderr
    assert render_json(count([FIXTURES], top=20)) == run.stdout


# -- the chart in the published version -----------------------------------------------------------

def git_show(store, revision_path: str) -> bytes:
    import subprocess

    return subprocess.run(["git", "--git-dir", str(store), "show", revision_path], capture_output=True, check=True).stdout


def test_publish_puts_the_chart_in_the_version_and_the_card_shows_it(cli, tmp_path):
    store = tmp_path / "releases"
    first = cli("publish", FIXTURES, "--repo", store)
    assert first.exit_code == 0, first.stderr
    assert "images/verdicts.png" in first.stdout and "left out" not in first.stdout
    card = git_show(store, "v1.0.0:README.md").decode()
    assert "![Verdicts by speaker and by year](images/verdicts.png)" in card  # relative: the Hub shows it
    chart = git_show(store, "v1.0.0:images/verdicts.png")
    # The chart `claims stats --plot` draws of the same claims, with the same settings (top 20, by year).
    assert cli("stats", FIXTURES, "--plot", tmp_path / "stats.png").exit_code == 0
    assert (tmp_path / "stats.png").read_bytes() == chart
    again = cli("publish", FIXTURES, "--repo", store)
    assert again.exit_code == 0 and "nothing changed since v1.0.0" in again.stdout


WITHOUT_MATPLOTLIB = """
import sys
class Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "matplotlib":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Hide())
from toolkit.cli import main
sys.argv = ["claims", *sys.argv[1:]]
main()
"""


def test_without_matplotlib_publish_goes_on_without_the_chart_and_says_so(tmp_path):
    import subprocess

    def claims(*args):
        return subprocess.run([sys.executable, "-c", WITHOUT_MATPLOTLIB, *map(str, args)], capture_output=True, text=True)

    store = tmp_path / "releases"
    run = claims("publish", FIXTURES, "--repo", store)
    assert run.returncode == 0, run.stderr
    assert "left out images/verdicts.png, the card's chart: it needs matplotlib" in run.stdout
    files = subprocess.run(["git", "--git-dir", str(store), "ls-tree", "-r", "--name-only", "v1.0.0"],
                           capture_output=True, text=True).stdout.split()
    assert "data/train-00000-of-00001.parquet" in files and "images/verdicts.png" not in files
    assert "images/verdicts.png" not in git_show(store, "v1.0.0:README.md").decode()
    plot = claims("stats", FIXTURES, "--plot", tmp_path / "chart.png")
    assert plot.returncode == 2 and "needs matplotlib" in plot.stderr and "Traceback" not in plot.stderr
    assert plot.stdout == ""  # refused before any counting
    assert not (tmp_path / "chart.png").exists()


def test_the_cli_offers_the_formats_and_periods_the_library_has():
    """Named again in `options` so that the CLI starts without Polars; kept equal here."""
    from toolkit.counting import FORMATS, PERIODS
    from toolkit.options import StatsFormat, StatsPeriod

    assert tuple(StatsFormat) == FORMATS and tuple(StatsPeriod) == tuple(PERIODS)
