"""kill -9 at random moments of `claims publish`, to a release store and to the test Hub: after each
kill the target holds the old version or the new one (on the Hub, possibly the new commit without
its tag), and a re-run of the same publish finishes, with the expected claims in the latest version.

Too slow for the test suite (two publishes per kill); the suite kills at chosen moments instead
(mid ref transaction on a store, between commit and tag on the Hub).

    python bench/kill_publish.py --kills 10 --records 20000
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

import generate  # noqa: E402  (bench/generate.py)
from localhub import LocalHub, configure_hf_clients  # noqa: E402  (the test suite's Hub)

CLAIMS = str(Path(sys.executable).parent / "claims")
REPO = "desk/killed"
EXPECTED_FILES = {"README.md", "CHANGELOG.md", "claim.schema.json", "changes.json"}


class Settings:
    """What `configure_hf_clients` needs of pytest's monkeypatch, applied for good."""

    def setenv(self, name: str, value: str) -> None:
        os.environ[name] = value

    def delenv(self, name: str, raising: bool = True) -> None:
        os.environ.pop(name, None)

    def setattr(self, target: Any, name: str, value: Any, raising: bool = True) -> None:
        setattr(target, name, value)


def publish(data: Path, target: str) -> subprocess.Popen:
    return subprocess.Popen([CLAIMS, "publish", str(data), "--repo", target], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def write_edition(data: Path, lines: list[bytes], count: int) -> None:
    """The first `count` claims: each round adds one."""
    generate.write_jsonl(generate.Dataset(lines=lines[:count]), data / "claims.jsonl")


def git(store: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", f"--git-dir={store}", *args], capture_output=True, text=True)


def store_state(store: Path) -> str:
    """'old/new' facts of a store, or the reason it is broken."""
    if not store.exists():
        return "absent"
    fsck = git(store, "fsck", "--strict", "--no-dangling")
    if fsck.returncode != 0:
        return f"BROKEN fsck: {fsck.stderr.strip()[:200]}"
    locks = [str(p) for p in store.rglob("*.lock")]
    if locks:
        return f"BROKEN lock left: {locks}"
    tags = git(store, "tag", "--sort=v:refname").stdout.split()
    main = git(store, "rev-parse", "-q", "--verify", "refs/heads/main").stdout.strip()
    if not tags:
        return "empty" if not main else f"BROKEN main {main} without a tag"
    if git(store, "rev-parse", f"{tags[-1]}^{{commit}}").stdout.strip() != main:
        return f"BROKEN main {main} is not {tags[-1]}"
    for tag in tags:
        names = set(git(store, "ls-tree", "-r", "--name-only", tag).stdout.split())
        if not EXPECTED_FILES <= names or not any(n.startswith("data/") for n in names):
            return f"BROKEN {tag} lacks files: {sorted(EXPECTED_FILES - names)}"
    return f"at {tags[-1]}"


def hub_state(hub: LocalHub) -> str:
    if not hub.repo_exists(REPO):
        return "absent"
    tags = hub.tags(REPO)
    main = hub.head(REPO)
    if not tags:
        return "empty"
    latest = max(tags, key=lambda t: tuple(int(p) for p in t[1:].split(".")))
    if tags[latest] == main:
        return f"at {latest}"
    if hub.history(REPO)[1] == tags[latest]:
        return f"at {latest} + an untagged commit (a kill between commit and tag)"
    return f"BROKEN main {main} is neither {latest} nor one commit past it"


def loaded_count(target: str) -> int:
    import toolkit

    return toolkit.load(target).height


def loop(kind: str, target: str, state, data: Path, records: list[bytes], base: int, kills: int, rng: random.Random,
         longest: float) -> dict:
    held = broken = 0
    outcomes: dict[str, int] = {}
    for round_ in range(kills):
        count = base + round_ + 1
        write_edition(data, records, count)
        process = publish(data, target)
        time.sleep(rng.uniform(0.2, longest))
        whole_group = rng.random() > 0.3
        finished_before = process.poll() is not None
        if not finished_before:
            os.killpg(process.pid, signal.SIGKILL) if whole_group else process.kill()
        process.communicate()
        after_kill = state()
        rerun = publish(data, target)
        out, err = rerun.communicate(timeout=600)
        final = state()
        ok = rerun.returncode == 0 and "BROKEN" not in after_kill + final and loaded_count(target) == count
        word = (out.split() or ["?"])[0]
        left = "untagged commit" if "untagged" in after_kill else "old or new version"
        outcomes[f"{left} -> re-run {word}"] = outcomes.get(f"{left} -> re-run {word}", 0) + 1
        held += ok
        broken += not ok
        print(f"  {kind} {round_ + 1:2}: {'exited before the kill' if finished_before else 'killed'}"
              f"{'' if whole_group else ' (main pid only)'}; after: {after_kill}; re-run: {word} "
              f"(exit {rerun.returncode}); {final}; {'held' if ok else 'BROKE: ' + err.strip()[:300]}", flush=True)
    return {"kind": kind, "kills": kills, "held": held, "broke": broken, "outcomes": outcomes}


def timed_publish(data: Path, target: str) -> float:
    started = time.monotonic()
    process = publish(data, target)
    out, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"the first publish failed: {err}")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--only", choices=["store", "hub"])
    args = parser.parse_args()
    rng = random.Random(args.seed)
    records = generate.dataset(args.records + args.kills, generate.SEED, 0.0, None).lines
    results = []
    with tempfile.TemporaryDirectory(prefix="claims-kill-") as scratch:
        root = Path(scratch)
        data = root / "claims"
        data.mkdir()
        (data / "claims.yaml").write_text("license: cc-by-4.0\n")
        write_edition(data, records, args.records)
        if args.only != "hub":
            store = root / "releases"
            longest = timed_publish(data, str(store))
            print(f"store: a publish of {args.records:,} claims takes {longest:.1f} s; killing within 0.2-{longest:.1f} s")
            results.append(loop("store", str(store), lambda: store_state(store), data, records, args.records,
                                args.kills, rng, longest))
        if args.only != "store":
            write_edition(data, records, args.records)
            with LocalHub() as hub:
                configure_hf_clients(Settings(), hub.endpoint, hub.token, root / "hf_home")
                longest = timed_publish(data, REPO)
                print(f"hub: a publish of {args.records:,} claims takes {longest:.1f} s; killing within 0.2-{longest:.1f} s")
                results.append(loop("hub", REPO, lambda: hub_state(hub), data, records, args.records, args.kills,
                                    rng, longest))
    for result in results:
        print(f"{result['kind']}: {result['kills']} kills, {result['held']} held, {result['broke']} broke; {result['outcomes']}")
    sys.exit(1 if any(r["broke"] for r in results) else 0)


if __name__ == "__main__":
    main()
