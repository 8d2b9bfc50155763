"""A large Fact Check API answer is read in pieces, each parsed where its records are made: what
is written, reported and said is what reading it whole gives, in workers or in one process, and
an answer the pieces cannot prove (a cut inside a claim, a file that is not JSON) is read whole,
its faults told as always."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit import forked
from toolkit.errors import ClaimsError, UsageError
from toolkit.imports import answer, import_claims

needs_fork = pytest.mark.skipif(not hasattr(forked.os, "fork"), reason="workers are forked")


def claim(n: int, **extra) -> dict:
    return {
        "text": f"Bus fares rose by {n} percent in {2000 + n % 20}.",
        "claimant": ["Mayor Ana", "Council member Bo", None][n % 3],
        "claimDate": f"2021-0{1 + n % 9}-1{n % 10}T00:00:00Z",
        **extra,
        "claimReview": [
            {
                "publisher": {"name": "PolitiFact", "site": "politifact.com"},
                "url": f"https://www.politifact.com/factchecks/{n}/",
                "reviewDate": "2024-01-02T00:00:00Z",
                "textualRating": ["False", "Mostly True", "Tall tale", "Half True"][n % 4],
            },
            {
                "publisher": {"name": "Full Fact", "site": "fullfact.org"},
                "url": f"https://fullfact.org/{n}",
                "textualRating": "Correct" if n % 5 else "Wrong",
            },
        ],
    }


def dump(tmp_path: Path, claims: list, *, indent: int | None = None, bom: bool = False, name="dump.json") -> Path:
    text = json.dumps({"claims": claims, "nextPageToken": "CAE"}, ensure_ascii=False, indent=indent)
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" * bom + text.encode("utf-8"))
    return path


def imported(source: Path, out: Path, *, pieces: bool) -> tuple[bytes, bytes, dict] | str:
    """What importing `source` writes, reports and says, read in pieces (or whole), or the error it tells."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(answer, "PIECED_BYTES", 1 if pieces else 10**12)
        try:
            summary = import_claims(source, out.with_suffix(".jsonl"), report=out.with_suffix(".json"))
        except ClaimsError as error:
            return str(error).replace(str(out), "OUT")
    said = {k: v for k, v in summary.__dict__.items() if k != "path"}
    return out.with_suffix(".jsonl").read_bytes(), out.with_suffix(".json").read_bytes(), said


@pytest.fixture
def pieces_read(monkeypatch) -> list[int]:
    """The numbers of the pieces parsed, in this process (the workers' own lists are theirs)."""
    parsed: list[int] = []
    real = answer.Answer._parse

    def parse(self, number):
        parsed.append(number)
        return real(self, number)

    monkeypatch.setattr(answer.Answer, "_parse", parse)
    return parsed


def hundreds(tmp_path: Path) -> list:
    """400 claims: some said twice far apart (one record of both), some that are not claims, one
    in the future, one that writes a key twice, one with no claimReview."""
    claims: list = [claim(n) for n in range(400)]
    claims[250] = dict(claim(3), claimReview=[claim(3)["claimReview"][1] | {"url": "https://fullfact.org/again"}])
    claims[100] = "not a claim"
    claims[120] = dict(claim(120), claimDate="2099-01-01T00:00:00Z")
    claims[130] = {"text": "No reviews here."}
    return claims


@needs_fork
@pytest.mark.parametrize("indent", [None, 2], ids=["compact", "indented"])
def test_an_answer_read_in_pieces_in_workers_gives_what_reading_it_whole_does(tmp_path, monkeypatch, indent):
    source = dump(tmp_path, hundreds(tmp_path), indent=indent, bom=indent is None)
    whole = imported(source, tmp_path / "whole", pieces=False)
    monkeypatch.setattr(answer, "PIECED_BYTES", 1)
    cut = answer.cut(source, 8)
    assert cut is not None and len(cut.spans) == 8  # cut between claims, near equal shares
    monkeypatch.setattr(forked, "cores", lambda: 2)
    assert imported(source, tmp_path / "pieces", pieces=True) == whole
    assert whole[2]["written"] == 396 and whole[2]["items"] == 399  # what was read, and of how much


def test_in_one_process_the_pieces_are_read_in_turn_with_the_same_outcome(tmp_path, monkeypatch, pieces_read):
    source = dump(tmp_path, hundreds(tmp_path))
    whole = imported(source, tmp_path / "whole", pieces=False)
    monkeypatch.setattr(forked, "cores", lambda: 1)
    assert imported(source, tmp_path / "pieces", pieces=True) == whole
    assert pieces_read == list(range(16))  # 16 pieces for the one core, each parsed once, in order


def test_a_cut_between_values_inside_a_claim_is_found_out_and_the_answer_read_whole(tmp_path, monkeypatch):
    # Each claim holds a list of objects opening as a claim does: a cut may fall between two of them.
    claims = [claim(n, appearances=[{"text": "a"}, {"text": "b"}, {"text": "c"}]) for n in range(300)]
    source = dump(tmp_path, claims)
    monkeypatch.setattr(answer, "PIECED_BYTES", 1)
    cut = answer.cut(source, 8)
    assert cut is not None
    inside = [number for number in range(len(cut.spans)) if _unreadable(cut, number)]
    assert inside  # the pieces do not parse: such a cut is never taken for one between claims
    whole = imported(source, tmp_path / "whole", pieces=False)
    monkeypatch.setattr(forked, "cores", lambda: 2)
    assert imported(source, tmp_path / "pieces", pieces=True) == whole


def _unreadable(cut: answer.Answer, number: int) -> bool:
    try:
        cut._parse(number)
    except answer.NotPieces:
        return True
    return False


@pytest.mark.parametrize(
    "broken, told",
    [
        (lambda text: text.replace('"Mayor Ana", "claimDate": "2021-04-14', '"Mayor Ana" "claimDate": "2021-04-14'),
         "cannot read JSON: Expecting ',' delimiter at line 1 column"),
        (lambda text: text.replace('"nextPageToken": "CAE"', '"nextPageToken": "CAE", "nextPageToken": "CAF"'),
         "written twice in one object"),
        (lambda text: text.replace('"claimDate": "2021-04-14', '"deep": ' + "[" * 100_000 + "]" * 100_000 + ', "claimDate": "2021-04-14', 1),
         "nesting is deeper than"),
    ],
    ids=["a comma missing in a piece", "a key twice in the answer", "nesting too deep in a piece"],
)  # fmt: skip
def test_an_answer_the_pieces_cannot_read_is_read_whole_and_its_fault_told_as_always(tmp_path, broken, told):
    source = tmp_path / "dump.json"
    source.write_text(broken(json.dumps({"claims": [claim(n) for n in range(300)], "nextPageToken": "CAE"})))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(answer, "PIECED_BYTES", 10**12)
        with pytest.raises(UsageError) as whole:
            import_claims(source, tmp_path / "whole.jsonl")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(answer, "PIECED_BYTES", 1)
        with pytest.raises(UsageError) as pieces:
            import_claims(source, tmp_path / "pieces.jsonl")
    assert told in str(whole.value) and str(pieces.value) == str(whole.value)


def test_bytes_that_are_not_utf8_in_a_piece_are_told_as_reading_whole_tells_them(tmp_path, monkeypatch):
    source = tmp_path / "dump.json"
    text = json.dumps({"claims": [claim(n) for n in range(300)]}).encode()
    source.write_bytes(text.replace(b"Bus fares rose by 200", b"Bus fares rose by \xff200"))
    monkeypatch.setattr(answer, "PIECED_BYTES", 1)
    assert answer.cut(source, 8) is not None
    with pytest.raises(UsageError, match=r"not UTF-8 text \(byte \d+\)"):
        import_claims(source, tmp_path / "out.jsonl")
    assert not (tmp_path / "out.jsonl").exists()


def test_a_claim_writing_a_key_twice_in_a_piece_is_skipped_as_when_read_whole(tmp_path, monkeypatch):
    text = json.dumps({"claims": [claim(n) for n in range(300)]})
    source = tmp_path / "dump.json"
    source.write_text(text.replace('"claimant": "Council member Bo"', '"claimant": "Bo", "claimant": "Ana"', 1))
    whole = imported(source, tmp_path / "whole", pieces=False)
    monkeypatch.setattr(forked, "cores", lambda: 2)
    assert imported(source, tmp_path / "pieces", pieces=True) == whole
    assert [s.reason for s in whole[2]["skipped"]] == [
        "the key 'claimant' is written twice in one object: which value is meant cannot be known"
    ]


@pytest.mark.parametrize(
    "text",
    [
        [claim(0), claim(1)],  # a list of claims, not an answer
        {"nextPageToken": "x", "claims": [claim(0), claim(1)]},  # its claims not first
        {"claims": [claim(0), claim(1)], "@graph": [claim(2), claim(3)]},  # JSON-LD beside them
        {"claims": [claim(0), claim(1)], "more": [claim(2), claim(3)]},  # the last ] is not the claims' end
        "\n".join(json.dumps({"claims": [claim(n), claim(n + 1)]}) for n in (0, 2)),  # JSON Lines
    ],
    ids=["list", "claims-not-first", "graph", "more", "json-lines"],
)
def test_other_shapes_read_as_reading_them_whole_reads_them(tmp_path, text):
    source = tmp_path / "in.json"
    source.write_text(text if isinstance(text, str) else json.dumps(text))
    whole = imported(source, tmp_path / "whole", pieces=False)
    assert imported(source, tmp_path / "pieces", pieces=True) == whole
    assert isinstance(whole, tuple) or "no claimreview item found" in whole  # the @graph holds none


def test_a_small_answer_is_read_whole(tmp_path):
    source = dump(tmp_path, [claim(n) for n in range(50)])
    assert answer.cut(source, 8) is None  # below PIECED_BYTES


def test_an_answer_whose_first_claim_opens_with_a_long_key_is_read_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(answer, "PIECED_BYTES", 1)
    source = dump(tmp_path, [{"k" * 1000: "a long first key", **claim(n)} for n in range(300)])
    assert answer.cut(source, 8) is None  # its opening would be a cut's pattern 1,000 bytes long
    short = dump(tmp_path, [{"k" * 100: "a key of 100", **claim(n)} for n in range(300)], name="short.json")
    assert answer.cut(short, 8) is not None


def test_a_place_is_found_only_in_a_piece_counted_with_all_before_it(tmp_path, monkeypatch):
    monkeypatch.setattr(answer, "PIECED_BYTES", 1)
    cut = answer.cut(dump(tmp_path, [claim(n) for n in range(300)]), 4)
    assert cut is not None
    with pytest.raises(IndexError):
        cut[0]  # nothing counted yet
    first = cut.places(answer.Piece(0))
    assert cut[first[-1]][1].position == f"/claims/{first[-1]}"
    with pytest.raises(IndexError):
        cut[first[-1] + 1]  # in the second piece, not counted yet
