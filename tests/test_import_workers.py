"""A large import makes its records in worker processes, one per core: what it writes and says is
the same as one process makes, whatever crosses the workers' stretches (the same claim in items
far apart, a duplicate id, an item that cannot be a record, reviews that disagree)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit import forked
from toolkit.imports import import_claims, records

DATA = Path(__file__).parent / "data"


def dump(tmp_path: Path) -> Path:
    """An API dump of 400 claims: a claim said again 300 items later (one record of both reviews),
    disagreeing publishers, an item whose claim date is in the future, and the Arabic sample."""
    claims = json.loads((DATA / "factcheck-api-arabic.json").read_text(encoding="utf-8"))["claims"]
    for n in range(400):
        claims.append(
            {
                "text": f"Taxes rose by {n} percent in the city last year.",
                "claimant": ["Mayor Ana", "Council member Bo", "Facebook posts"][n % 3],
                "claimDate": "2099-01-01T00:00:00Z" if n == 7 else f"20{10 + n % 12}-0{1 + n % 9}-1{n % 10}T00:00:00Z",
                "claimReview": [
                    {
                        "publisher": {"name": "PolitiFact", "site": "politifact.com"},
                        "url": f"https://www.politifact.com/factchecks/{n}/",
                        "reviewDate": "2024-01-02T00:00:00Z",
                        "textualRating": ["False", "Mostly True", "Pants on Fire", "Half True"][n % 4],
                        "languageCode": "en",
                    }
                ],
            }
        )
    again = dict(claims[-300], claimReview=[dict(claims[-300]["claimReview"][0], url="https://fullfact.org/a",
                                                 publisher={"name": "Full Fact"}, textualRating="Correct")])
    claims.append(again)
    path = tmp_path / "dump.json"
    path.write_text(json.dumps({"claims": claims}, ensure_ascii=False), encoding="utf-8")
    return path


def summary_of(result) -> dict:
    return {k: v for k, v in result.__dict__.items() if k != "path"}


@pytest.mark.skipif(not hasattr(forked.os, "fork"), reason="workers are forked: one process where fork is missing")
def test_workers_write_and_say_what_one_process_does(tmp_path, monkeypatch):
    source = dump(tmp_path)
    one = import_claims(source, tmp_path / "one.jsonl", report=tmp_path / "one.json")
    monkeypatch.setattr(records, "PARALLEL_CLAIMS", 1)  # workers even for a few hundred claims
    real_make = records._make

    def make(making, span):  # each process that makes records leaves its mark
        (tmp_path / f"made-by-{forked.os.getpid()}").touch()
        return real_make(making, span)

    monkeypatch.setattr(records, "_make", make)
    monkeypatch.setattr(forked, "cores", lambda: 2)
    many = import_claims(source, tmp_path / "many.jsonl", report=tmp_path / "many.json")
    made_by = {path.name for path in tmp_path.glob("made-by-*")}
    assert len(made_by) == 2 and f"made-by-{forked.os.getpid()}" not in made_by  # two workers made them
    assert (tmp_path / "many.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
    assert (tmp_path / "many.json").read_bytes() == (tmp_path / "one.json").read_bytes()
    assert summary_of(many) == summary_of(one)
    assert one.skipped and one.written == 5 + 399  # the Arabic sample's records, and all but the future one
    written = [json.loads(line) for line in (tmp_path / "one.jsonl").read_text(encoding="utf-8").splitlines()]
    said_again = [r for r in written if {v["publisher"]["name"] for v in r["reviews"]} == {"PolitiFact", "Full Fact"}]
    assert len(said_again) == 1 and said_again[0]["id"] in {d.id for d in one.disagreements}
