"""Two curators publishing at once never drop each other's claims (B11): publishing is a
compare-and-swap on the version the claims started from. Either the second publish finds main
moved under it, or its plan removes claims a version it never held added, and it is refused,
naming that version; on a release store and on the Hub alike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import toolkit
from conftest import valid_record
from test_publish import REPO, jsonl
from toolkit.errors import StaleClaims
from toolkit.publishing import publish


def working_copy(root: Path, name: str, records: list[dict]) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "claims.yaml").write_text("license: cc-by-4.0\n")
    (folder / "claims.jsonl").write_text(jsonl(records))
    return folder


def first_edition() -> list[dict]:
    """30 claims: removing one or three of them stays under the removal guard's tenth."""
    return [valid_record(id=f"claim-{n:02d}", claim=f"Claim number {n} about the border.", date="2018-12-01")
            for n in range(1, 31)]


def new_claim(name: str) -> dict:
    return valid_record(id=f"claim-of-{name}", claim=f"The claim {name} found.", date="2018-12-24")


@pytest.fixture(params=["store", "hub"])
def target(request, tmp_path):
    if request.param == "hub":
        request.getfixturevalue("hub")
        return REPO
    return str(tmp_path / "releases")


def test_a_copy_older_than_the_latest_version_cannot_remove_its_claims(tmp_path, target, cli):
    publish([working_copy(tmp_path, "base", first_edition())], target)
    alice = working_copy(tmp_path, "alice", [*first_edition(), new_claim("alice")])
    bob = working_copy(tmp_path, "bob", [*first_edition(), new_claim("bob")])
    assert str(publish([alice], target).version) == "1.1.0"

    dry = cli("publish", bob, "--repo", target, "--dry-run")
    assert dry.exit_code == 1 and "31 -> 31 (1 added, 0 changed, 1 removed)" in dry.stdout and "would be refused" in dry.stderr
    run = cli("publish", bob, "--repo", target)
    assert run.exit_code == 1 and run.stderr.count("\n") == 1, run.stderr
    assert "would remove 1 claim added by v1.1.0 (claim-of-alice)" in run.stderr
    assert "last updated before v1.1.0 was published" in run.stderr and "--allow-removals" in run.stderr
    assert "claim-of-alice" in toolkit.load(target)["id"].to_list()

    (bob / "claims.jsonl").write_text(jsonl([*first_edition(), new_claim("alice"), new_claim("bob")]))  # git pull
    assert str(publish([bob], target).version) == "1.2.0"
    assert {"claim-of-alice", "claim-of-bob"} <= set(toolkit.load(target)["id"].to_list())


def test_a_copy_that_held_a_claim_may_remove_it(tmp_path, target):
    """Removing a claim the copy once held is a decision: only claims of versions it never held
    are protected."""
    store_records = [*first_edition(), new_claim("alice"), new_claim("carol")]
    publish([working_copy(tmp_path, "base", first_edition())], target)
    publish([working_copy(tmp_path, "alice", store_records)], target)
    result = publish([working_copy(tmp_path, "bob", [*first_edition(), new_claim("carol")])], target)
    assert result.change.removed == ["claim-of-alice"]
    with pytest.raises(StaleClaims, match="v1.1.0"):  # a copy holding none of v1.1.0's claims
        publish([working_copy(tmp_path, "dave", first_edition()[1:])], target)
    assert str(publish([working_copy(tmp_path, "dave", first_edition()[1:])], target, allow_removals=True).version)


RACE = """
import json, sys
from toolkit.errors import ClaimsError
from toolkit.publishing import publish
sys.stdin.readline()  # both start together
try:
    result = publish([sys.argv[1]], sys.argv[2])
    print(json.dumps({"published": result.version.tag}))
except ClaimsError as error:
    print(json.dumps({"refused": str(error)}))
"""


def test_two_curators_publishing_at_once_never_drop_a_claim(tmp_path):
    """Two processes, each adding its own claim to a copy of v1.0.0, publish to one store at the
    same moment: one wins, the other is refused (main moved, or its plan would remove the
    winner's claim), and the winner's claim is in the latest version."""
    store = str(tmp_path / "releases")
    publish([working_copy(tmp_path, "base", first_edition())], store)
    copies = {name: working_copy(tmp_path, name, [*first_edition(), new_claim(name)]) for name in ("alice", "bob")}
    processes = {
        name: subprocess.Popen([sys.executable, "-c", RACE, str(folder), store], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, env=os.environ)
        for name, folder in copies.items()
    }
    for process in processes.values():
        process.stdin.write("go\n")
        process.stdin.flush()
    outcomes = {name: json.loads(process.communicate(timeout=120)[0]) for name, process in processes.items()}
    winners = [name for name, outcome in outcomes.items() if "published" in outcome]
    assert len(winners) == 1, outcomes
    loser = next(name for name in outcomes if name not in winners)
    refusal = outcomes[loser]["refused"]
    assert "main moved while publishing (v1.1.0 was published)" in refusal or "added by v1.1.0" in refusal, refusal
    latest = set(toolkit.load(store)["id"].to_list())
    assert f"claim-of-{winners[0]}" in latest and {r["id"] for r in first_edition()} <= latest
