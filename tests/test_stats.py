"""`claims stats`: counts by status, speaker and year, shown in the terminal and drawn as a PNG."""

from __future__ import annotations

import json
import struct

import pytest
from rich.console import Console

import toolkit
from conftest import FIXTURES, valid_record
from toolkit.building import build
from toolkit.counting import Stats, count, plot_stats, render_stats, stats
from toolkit.table import build_table

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
FIXTURE_SPEAKERS = [
    ("Mintaro Oba", 4),
    ("Donald Trump", 3),  # "President Trump" and "Donald J. Trump" are the same man
    ("John Bolton", 2),
    ("Moon Jae-in", 2),
    ("Associated Press", 1),
    ("North Korean Foreign Ministry", 1),
    ("U.S. Department of the Treasury", 1),
]


def test_fixture_counts_match_a_hand_count():
    counted = stats(build([FIXTURES]).table)
    assert counted.claims == 14
    assert list(counted.by_status.items()) == list(FIXTURE_STATUSES.items())  # vocabulary order
    assert list(counted.by_speaker.items()) == FIXTURE_SPEAKERS  # most first, then by name
    assert counted.by_year == {2018: 14}


def test_years_are_in_order_and_unused_statuses_count_zero(write):
    records = [
        valid_record(id="claim-2019", date="2019-03-01", status="false", speaker="Zed"),
        valid_record(id="claim-2017", date="2017-05-06", status="false", speaker="Amy"),
        valid_record(id="claim-2018-a", date="2018-01-01", claim="One.", speaker="Amy"),
        valid_record(id="claim-2018-b", date="2018-12-31", claim="Two.", speaker="Bob"),
    ]
    path = write("claims.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    table, _ = build_table(toolkit.read_records([path])[1])
    counted = stats(table)
    assert list(counted.by_year.items()) == [(2017, 1), (2018, 2), (2019, 1)]
    assert list(counted.by_speaker.items()) == [("Amy", 2), ("Bob", 1), ("Zed", 1)]
    assert counted.by_status == {"unverified": 0, "true": 2, "mostly-true": 0, "mixed": 0, "mostly-false": 0,
                                 "false": 2, "misleading": 0, "unproven": 0}
    assert counted.as_dict()["by_year"] == {"2017": 1, "2018": 2, "2019": 1}


def test_render_shows_every_count():
    console = Console(record=True, width=100, color_system=None)
    console.print(render_stats(stats(build([FIXTURES]).table)))
    text = console.export_text()
    assert "14 claims" in text
    for name, count in FIXTURE_SPEAKERS:
        assert any(name in line and f" {count} " in line for line in text.splitlines()), name
    assert any("unverified" in line and " 3 " in line and "21%" in line for line in text.splitlines())
    assert any("2018" in line and " 14 " in line for line in text.splitlines())


def test_plot_is_a_real_deterministic_png(tmp_path):
    counted = stats(build([FIXTURES]).table)
    plot_stats(counted, tmp_path / "stats.png")
    data = (tmp_path / "stats.png").read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 10_000
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1500, 500)
    assert b"Software" not in data and b"matplotlib" not in data.lower()  # nothing that changes between versions
    plot_stats(counted, tmp_path / "again.png")
    assert (tmp_path / "again.png").read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.png", "stats.png"]  # no temporary file left


def test_plot_of_an_empty_table_still_draws(tmp_path):
    plot_stats(Stats(claims=0, by_status=dict.fromkeys(FIXTURE_STATUSES, 0)), tmp_path / "empty.png")
    assert (tmp_path / "empty.png").read_bytes().startswith(PNG_SIGNATURE)


# -- counting straight from the files (`claims stats`) -----------------------------------------------

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


def spoken_records() -> list[dict]:
    return [valid_record(id=f"claim-{n:03d}", claim=f"Claim number {n}.", speaker=SPOKEN[n % len(SPOKEN)],
                         date=f"20{10 + n % 9}-0{1 + n % 9}-1{n % 10}", status=list(FIXTURE_STATUSES)[n % 8])
            for n in range(60)]


@pytest.mark.parametrize("suffix", [".jsonl", ".yaml"])
def test_count_gives_the_counts_of_the_built_table(write, suffix):
    """JSON Lines is read into columns, YAML record by record: both count canonical speakers
    exactly as the build merges them."""
    import yaml

    records = spoken_records()
    text = "".join(json.dumps(r) + "\n" for r in records) if suffix == ".jsonl" else yaml.safe_dump_all(records)
    folder = write(f"desk/records{suffix}", text).parent
    write("desk/speakers.yaml", REGISTRY)
    counted = count([folder])
    assert counted == stats(build([folder]).table)
    assert counted.by_speaker == {"Donald Trump": 24, "Moon Jae-in": 15, "Zoé Müller": 14, "John Bolton": 7}
    assert counted.claims == 60 and sum(counted.by_year.values()) == 60


def test_count_of_the_fixtures_matches_a_hand_count():
    counted = count([FIXTURES / "claims"], speakers=FIXTURES / "speakers.yaml")
    assert list(counted.by_speaker.items()) == FIXTURE_SPEAKERS
    assert counted.by_status == FIXTURE_STATUSES


def test_stats_shows_the_top_speakers_and_counts_the_others(write, cli):
    records = [valid_record(id=f"claim-{n:03d}", claim=f"Claim {n}.", speaker=f"Speaker {n % 30:02d}") for n in range(90)]
    folder = write("claims.jsonl", "".join(json.dumps(r) + "\n" for r in records)).parent
    run = cli("stats", folder)
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert "90 claims, 30 speakers" in run.stdout
    assert sum("Speaker " in line for line in lines) == 20
    assert any("(10 other speakers)" in line and " 30 " in line for line in lines)
    five = cli("stats", folder, "--top", "5").stdout
    assert sum("Speaker " in line for line in five.splitlines()) == 5 and "(25 other speakers)" in five
    every = cli("stats", folder, "--top", "0").stdout
    assert sum("Speaker " in line for line in every.splitlines()) == 30 and "other speakers" not in every


def test_stats_of_invalid_input_is_the_validation_report(write, cli):
    bad = write("bad.yaml", "id: x\nspeaker: A\nclaim: {text: x}\ndate: 2018-12-04\nstatus: true\nsources: [1, 2]\n")
    run = cli("stats", bad)
    assert run.exit_code == 1
    assert "bad.yaml:3:" in run.stdout and "Traceback" not in run.stdout + run.stderr


def test_one_claim_by_one_speaker_is_said_in_the_singular(write, cli):
    """B52: `1 claim, 1 speaker`, not `1 claims, 1 speakers`."""
    run = cli("stats", write("a.jsonl", json.dumps(valid_record()) + "\n"))
    assert run.exit_code == 0 and run.stdout.splitlines()[0].rstrip() == "1 claim, 1 speaker"
