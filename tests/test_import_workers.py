"""A large import reads its items and makes their records in worker processes, a stretch of items
each: what it writes and says is the same as one process makes, whatever crosses the stretches (the
same claim in items far apart, an identifier given in two stretches, an item that cannot be a
record, reviews that disagree, what is counted of a claim read in two stretches)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit import forked
from toolkit.imports import answer, import_claims, records

DATA = Path(__file__).parent / "data"
needs_fork = pytest.mark.skipif(not hasattr(forked.os, "fork"), reason="workers are forked: one process without fork")


def api_dump(tmp_path: Path) -> Path:
    """An API dump of 400 claims: a claim said again 300 items later (one record of both reviews), one
    without a claim date said again (its notes and unmapped rating counted once), disagreeing
    publishers, an item whose claim date is in the future, and the Arabic sample."""
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
    undated = {"text": "Crime fell by half.", "claimant": "Mayor Ana", "claimReview": [
        {"publisher": {"name": "Desk A"}, "url": "https://a.example.org/1", "reviewDate": "2024-02-01T00:00:00Z",
         "textualRating": "Somewhat dubious"}]}  # fmt: skip
    claims.insert(20, undated)
    claims.append(dict(undated, claimReview=[dict(undated["claimReview"][0], url="https://a.example.org/2")]))
    again = dict(claims[-300], claimReview=[dict(claims[-300]["claimReview"][0], url="https://fullfact.org/a",
                                                 publisher={"name": "Full Fact"}, textualRating="Correct")])  # fmt: skip
    claims.append(again)
    path = tmp_path / "dump.json"
    path.write_text(json.dumps({"claims": claims}, ensure_ascii=False), encoding="utf-8")
    return path


def jsonld_dump(tmp_path: Path) -> Path:
    """ClaimReview nodes whose claims' identifiers cross stretches: `claim-1` given by two publishers
    to two claims far apart (it names neither), `desk-7` given to one claim reviewed twice far apart
    (one record, with that id), and 200 claims between them."""

    def review(n: int, claim: str, identifier: str | None, publisher: str) -> dict:
        item = {"@type": "Claim", "author": {"@type": "Person", "name": "Ana Lopez"}, "datePublished": "2023-05-01"}
        return {"@type": "ClaimReview", "url": f"https://{publisher}.example.org/{n}", "claimReviewed": claim,
                "itemReviewed": dict(item, identifier=identifier) if identifier else item,
                "author": {"@type": "Organization", "name": publisher},
                "reviewRating": {"@type": "Rating", "alternateName": "False"}}  # fmt: skip

    nodes = [review(0, "Taxes doubled last year.", "claim-1", "alpha"), review(1, "Rents fell.", "desk-7", "beta")]
    nodes += [review(n, f"The bridge cost {n} million.", None, "gamma") for n in range(2, 202)]
    nodes += [review(202, "Crime fell by half.", "claim-1", "delta"), review(203, "Rents fell.", "desk-7", "alpha")]
    path = tmp_path / "nodes.jsonld"
    path.write_text(json.dumps(nodes), encoding="utf-8")
    return path


def overlapping_dumps(tmp_path: Path) -> list[Path]:
    """Two days' dumps imported at once, every claim in both (in another order): every claim crosses."""
    first = api_dump(tmp_path)
    claims = json.loads(first.read_text(encoding="utf-8"))["claims"]
    second = tmp_path / "next-day.json"
    second.write_text(json.dumps({"claims": claims[::-1]}, ensure_ascii=False), encoding="utf-8")
    return [first, second]


def in_workers(monkeypatch, tmp_path: Path) -> str:
    """Stretches of a few dozen items read in two workers, whatever the input's size (an API answer
    cut into pieces, each parsed by its worker), and so are the claims that cross them made again;
    each process that reads leaves a mark, `read-PID-stretch` or `read-PID-again`. The caller's process id."""
    monkeypatch.setattr(records, "PARALLEL_ITEMS", 1)
    monkeypatch.setattr(answer, "PIECED_BYTES", 1)
    monkeypatch.setattr(forked, "cores", lambda: 2)
    real = records._read_and_make

    def read_and_make(making, stretch):
        (tmp_path / f"read-{forked.os.getpid()}-{'stretch' if stretch[1] is None else 'again'}").touch()
        return real(making, stretch)

    monkeypatch.setattr(records, "_read_and_make", read_and_make)
    return str(forked.os.getpid())


def summary_of(result) -> dict:
    return {k: v for k, v in result.__dict__.items() if k != "path"}


@needs_fork
@pytest.mark.parametrize("make_input", [api_dump, jsonld_dump, overlapping_dumps])
def test_workers_write_and_say_what_one_process_does(tmp_path, monkeypatch, make_input):
    source = make_input(tmp_path)
    one = import_claims(source, tmp_path / "one.jsonl", report=tmp_path / "one.json")
    caller = in_workers(monkeypatch, tmp_path)
    many = import_claims(source, tmp_path / "many.jsonl", report=tmp_path / "many.json")
    marks = {tuple(path.name.split("-")[1:]) for path in tmp_path.glob("read-*")}
    # Workers read the stretches and made the crossing claims again, not this process (which worker
    # takes which piece is the pool's choice: one may take them all).
    assert {what for pid, what in marks if pid != caller} == {"stretch", "again"}
    assert caller not in {pid for pid, _ in marks}
    assert (tmp_path / "many.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
    assert (tmp_path / "many.json").read_bytes() == (tmp_path / "one.json").read_bytes()
    assert summary_of(many) == summary_of(one)


@needs_fork
def test_a_claim_read_in_two_stretches_is_one_record_counted_once(tmp_path, monkeypatch):
    in_workers(monkeypatch, tmp_path)
    summary = import_claims(api_dump(tmp_path), tmp_path / "out.jsonl")
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert summary.written == 5 + 399 + 1  # the Arabic sample, all but the future claim, and the undated one
    said_again = [r for r in written if {v["publisher"]["name"] for v in r["reviews"]} == {"PolitiFact", "Full Fact"}]
    assert len(said_again) == 1 and said_again[0]["id"] in {d.id for d in summary.disagreements}
    [undated] = [r for r in written if r["claim"] == "Crime fell by half."]
    assert len(undated["reviews"]) == 2
    assert summary.notes["claim date taken from the review's date"] == 1 + 1  # the sample's, and this claim once
    assert summary.unmapped == {("Somewhat dubious", "Desk A"): 2}  # its two reviews, each once


@needs_fork
def test_identifiers_given_in_two_stretches_name_a_claim_only_when_it_is_one(tmp_path, monkeypatch):
    in_workers(monkeypatch, tmp_path)
    import_claims(jsonld_dump(tmp_path), tmp_path / "out.jsonl")
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    by_claim = {r["claim"]: r for r in written}
    assert len(written) == 203  # "Rents fell." reviewed twice is one record
    assert by_claim["Rents fell."]["id"] == "desk-7" and len(by_claim["Rents fell."]["reviews"]) == 2
    assert "claim-1" not in {r["id"] for r in written}  # two publishers' claim-1: neither claim's id
    assert by_claim["Taxes doubled last year."]["id"] != by_claim["Crime fell by half."]["id"]


def same_id_dump(tmp_path: Path) -> Path:
    """ClaimReview nodes far apart that give one identifier, `claim-9`, to the same words said by
    "José Álvarez", "Jóse Alvárez" and "Jose Alvarez": three claims (the speakers differ), so the
    identifier names none, and their ids, made of the identifier, the words and the speaker's
    letters, are the same."""

    def review(n: int, speaker: str, claim: str, identifier: str | None) -> dict:
        item = {"@type": "Claim", "author": {"@type": "Person", "name": speaker}, "datePublished": "2023-05-01"}
        return {"@type": "ClaimReview", "url": f"https://desk.example.org/{n}", "claimReviewed": claim,
                "itemReviewed": dict(item, identifier=identifier) if identifier else item,
                "reviewRating": {"@type": "Rating", "alternateName": "False"}}  # fmt: skip

    nodes = [review(0, "José Álvarez", "Taxes doubled.", "claim-9")]
    nodes += [review(n, "Ana Lopez", f"The bridge cost {n} million.", None) for n in range(1, 150)]
    nodes.append(review(150, "Jóse Alvárez", "Taxes doubled.", "claim-9"))
    nodes += [review(n, "Ana Lopez", f"The bridge cost {n} million.", None) for n in range(151, 301)]
    nodes.append(review(301, "Jose Alvarez", "Taxes doubled.", "claim-9"))
    path = tmp_path / "nodes.jsonld"
    path.write_text(json.dumps(nodes, ensure_ascii=False), encoding="utf-8")
    return path


@needs_fork
def test_a_claim_whose_id_another_has_is_skipped_naming_both_in_workers_as_in_one_process(tmp_path, monkeypatch):
    source = same_id_dump(tmp_path)
    one = import_claims(source, tmp_path / "one.jsonl", report=tmp_path / "one.json")
    in_workers(monkeypatch, tmp_path)
    many = import_claims(source, tmp_path / "many.jsonl", report=tmp_path / "many.json")
    assert [(s.position, s.url, s.reason) for s in one.skipped] == [
        (f"/{n}", f"https://desk.example.org/{n}", "the same id as the item at /0") for n in (150, 301)
    ]
    assert one.written == 300 and summary_of(many) == summary_of(one)
    assert (tmp_path / "many.json").read_bytes() == (tmp_path / "one.json").read_bytes()


def test_what_an_import_made_is_counted_old_so_the_next_collection_does_not_scan_it(tmp_path):
    import gc

    assert gc.isenabled()
    summary = import_claims(api_dump(tmp_path), tmp_path / "out.jsonl")
    made = summary.disagreements[0]  # made while the collector was off
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert any(obj is made for obj in gc.get_objects(generation=2))


def test_objects_the_caller_froze_stay_frozen(tmp_path):
    import gc

    gc.freeze()
    try:
        assert gc.get_freeze_count() > 0
        import_claims(api_dump(tmp_path), tmp_path / "out.jsonl")
        # Still frozen (some may have been freed meanwhile): a freeze and unfreeze would leave none.
        assert gc.get_freeze_count() > 0 and gc.isenabled()
    finally:
        gc.unfreeze()
