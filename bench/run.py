"""`make bench`: whole runs of the `claims` command against what a user would run instead.

Generates deterministic synthetic claims (fixed seed, realistic text lengths, about 1% invalid
records of varied kinds) under bench/out/data, runs each workload as a separate process, and
measures wall time and peak memory: the largest process (like /usr/bin/time) and the whole
process tree (sampled from /proc every 50 ms, as our validate may use several processes).
Prints a table and writes every figure to bench/out/results.json.

    .venv/bin/python bench/run.py                 # 1,000,000 records, 20,000 files
    .venv/bin/python bench/run.py --quick         # a smoke run in about a minute
    .venv/bin/python bench/run.py --with-3m       # adds the 3,000,000-record scaling row
    .venv/bin/python bench/run.py --only stats-validate   # one row (names: see --skip)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import factcheck  # noqa: E402 - bench/ is not a package
import generate  # noqa: E402

BIN = Path(sys.executable).parent
CLAIMS = BIN / "claims"
CHECK_JSONSCHEMA = BIN / "check-jsonschema"
SCHEMA = ROOT / "schema" / "claim.schema.json"
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Run:
    """One measured process: how long, how much memory, how it ended."""

    command: list[str]
    wall: float
    peak_process_mb: float  # the largest single process, like /usr/bin/time's maximum RSS
    peak_tree_mb: float  # the sum over the process tree, sampled
    returncode: int
    stdout: str = field(repr=False, default="")
    walls: list[float] = field(default_factory=list)  # every run's wall time, when run several times


# The command is started by a small launcher process, which reports the command's own peak RSS.
# (Started straight from this process, a command would inherit this process's high-water mark.)
LAUNCHER = """
import json, os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump([os.waitstatus_to_exitcode(status), usage.ru_maxrss], out)
"""


def measure_ours(command: list[str], *, cwd: Path | None = None) -> Run:
    """Our commands take seconds, so a moment's load on this shared machine moves them by a lot:
    they are run REPEAT times and the run with the median wall time is kept (the baselines take
    tens of seconds and are run once). Memory is the largest seen in any of the runs."""
    return _median_run([measure(command, cwd=cwd) for _ in range(REPEAT)])


def _median_run(runs: list[Run]) -> Run:
    """The run with the median wall time, holding every run's wall time and the largest memory."""
    runs = sorted(runs, key=lambda run: run.wall)
    middle = runs[len(runs) // 2]
    middle.peak_process_mb = max(run.peak_process_mb for run in runs)
    middle.peak_tree_mb = max(run.peak_tree_mb for run in runs)
    middle.walls = [run.wall for run in runs]
    return middle


def measure_alternately(first: list[str], second: list[str]) -> tuple[Run, Run]:
    """Two commands compared by their ratio: run in turns (first, second, first, ...) REPEAT times
    each, so that a load on the shared machine weighs on both alike; each keeps its median run."""
    runs: tuple[list[Run], list[Run]] = ([], [])
    for _ in range(REPEAT):
        runs[0].append(measure(first))
        runs[1].append(measure(second))
    return _median_run(runs[0]), _median_run(runs[1])


def measure(command: list[str], *, cwd: Path | None = None) -> Run:
    """Run `command` (stdout captured to a file, stderr passed through) and measure it."""
    out_path, usage_path = OUT / "last-stdout.txt", OUT / "last-usage.json"
    with out_path.open("wb") as out:
        started = time.perf_counter()
        launcher = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(usage_path), *command], stdout=out, cwd=cwd)
        peak = [0]
        done = threading.Event()
        sampler = threading.Thread(target=_sample_tree, args=(launcher.pid, peak, done), daemon=True)
        sampler.start()
        launcher.wait()
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
    returncode, maxrss_kb = json.loads(usage_path.read_text())
    return Run(command, wall, maxrss_kb / 1024, peak[0] / 2**20, returncode,
               out_path.read_text(encoding="utf-8", errors="replace"))


def _sample_tree(root: int, peak: list[int], done: threading.Event) -> None:
    while not done.is_set():
        total = sum(_rss(pid) for pid in _tree(root) if pid != root)  # not the launcher
        peak[0] = max(peak[0], total)
        done.wait(0.05)


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    parent = int(stat.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


# --- data ------------------------------------------------------------------------------------

# A desk's schema for the custom-schema row: the packaged one, plus three fields and rules that
# use anyOf and if/then. The generator reads the added fields from it.
DESK_ADDITIONS = {
    "topic": {"enum": ["economy", "health", "crime", "energy", "migration", "other"]},
    "party": {"anyOf": [{"type": "string", "minLength": 2, "maxLength": 40}, {"type": "null"}]},
    "checked_by": {"type": "string", "minLength": 1, "maxLength": 200},
}
DESK_RULES = {
    "if": {"properties": {"status": {"enum": ["false", "mostly-false", "misleading"]}}, "required": ["status"]},
    "then": {"required": ["checked_by"]},
}


def desk_schema() -> Path:
    document = json.loads(SCHEMA.read_text(encoding="utf-8"))
    document["properties"].update(DESK_ADDITIONS)
    document.update(DESK_RULES)
    path = DATA / "desk.schema.json"
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


def jsonl_data(records: int, *, valid: bool = False, schema: Path | None = None) -> tuple[Path, dict]:
    """The JSON Lines file of `records` records and what must be found in it (cached); with a
    desk's `schema`, the records also hold the fields it adds."""
    name = f"claims-{records}{'-valid' if valid else ''}{'-' + schema.stem.split('.')[0] if schema else ''}"
    path, meta_path = DATA / f"{name}.jsonl", DATA / f"{name}.meta.json"
    document = json.loads(schema.read_text(encoding="utf-8")) if schema else None
    key = {"records": records, "seed": generate.SEED, "valid": valid, "generator": _generator_version(),
           "schema": document}
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta["key"] == key:
            return path, meta
    print(f"  generating {records:,} records{' (all valid)' if valid else ''}...", flush=True)
    data = generate.dataset(records, generate.SEED, 0.0 if valid else generate.INVALID_SHARE, document)
    generate.write_jsonl(data, path)
    meta = {
        "key": key,
        "bytes": path.stat().st_size,
        "invalid_lines": sorted(n + 1 for n in data.invalid),
        "schema_invalid_lines": sorted(n + 1 for n in data.schema_invalid),
        "kinds": data.kinds,
    }
    meta_path.write_text(json.dumps(meta))
    return path, meta


def file_tree(count: int, suffix: str) -> tuple[Path, dict]:
    """`count` one-record files (.yaml or .json) in 100 folders, and the files that must fail."""
    name = f"{suffix[1:]}-{count}"
    folder, meta_path = DATA / name, DATA / f"{name}.meta.json"
    key = {"files": count, "seed": generate.SEED, "generator": _generator_version()}
    if folder.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta["key"] == key:
            return folder, meta
    print(f"  generating {count:,} {suffix} files...", flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    data = generate.dataset(count, generate.SEED)
    ours, schema = generate.write_files(data, folder, count, suffix)
    meta = {"key": key, "ours": sorted(ours), "schema": sorted(schema)}
    meta_path.write_text(json.dumps(meta))
    return folder, meta


def changed_repo(count: int) -> tuple[Path, str]:
    """A desk's git repository: `count` one-record YAML files committed under claims/ (those of
    `file_tree`), and one new valid file not yet committed: what a pull request adds."""
    folder, _ = file_tree(count, ".yaml")
    repo = DATA / f"repo-{count}"
    stamp = repo / ".git" / "bench-source"
    if not (stamp.exists() and stamp.read_text() == str(folder.stat().st_mtime_ns)):
        print(f"  making a git repository of {count:,} files...", flush=True)
        shutil.rmtree(repo, ignore_errors=True)
        shutil.copytree(folder, repo / "claims")
        (repo / "claims.yaml").write_text("pretty_name: Bench desk\ninclude: [claims/**]\n")
        (repo / ".gitignore").write_text("/.claims-cache/\n")
        quiet = {"cwd": repo, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run(["git", "init", "-q"], **quiet)
        subprocess.run(["git", "add", "-A"], **quiet)
        subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", "commit", "-qm", "claims"], **quiet)
        stamp.write_text(str(folder.stat().st_mtime_ns))
    new = "claims/new-claim.yaml"
    record = generate.valid_record(random.Random(1), 10**7)
    (repo / new).write_text(generate.as_yaml({**record, "id": "a-claim-this-pull-request-adds"}), encoding="utf-8")
    return repo, new


def slice_of(path: Path, records: int) -> Path:
    target = path.with_name(f"{path.stem}-first-{records}.jsonl")
    if not target.exists():
        with path.open("rb") as source, target.open("wb") as out:
            for number, line in enumerate(source):
                if number == records:
                    break
                out.write(line)
    return target


def _generator_version() -> str:
    import hashlib

    return hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:12]


STATS_VALIDATE_RECORDS = 200_000  # issue 20: stats within 1.5x validate's time on these
STATS_RECORDS = 12_836  # the desk repository of the report that `claims stats` was slower than `build`


def desk_tree(records: int) -> Path:
    """A desk's repository: `records` one-record YAML files by year, about 3,300 speakers (a few with
    most of the claims), a third of them in `speakers.yaml` with three aliases each, which the
    records use too (cached)."""
    import hashlib
    import inspect
    import random

    import yaml

    folder = DATA / f"desk-{records}"
    stamp = folder / ".generated"
    version = _generator_version() + ":" + hashlib.sha256(inspect.getsource(desk_tree).encode()).hexdigest()[:12]
    if stamp.exists() and stamp.read_text() == version:
        return folder
    print(f"  generating a desk of {records:,} YAML files...", flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    rng = random.Random(generate.SEED)
    first = [a + b for a in "Al Be Ca Da El Fa Ga Ha Ir Jo Ka Lu Ma No Ol Pa Ra Sa Ta Ul Va Wi Xe Yo Za".split()
             for b in ("", "n", "ra", "ssa", "la", "ro")]
    people = sorted({f"{rng.choice(first)} {rng.choice(generate.LAST)}{rng.choice(['', 'son', 'ez', 'ova', 'ski'])}"
                     for _ in range(6000)})[:4300]
    registry, names = [], []
    taken = {person.casefold() for person in people}  # a name belongs to one speaker (the registry's rule)
    for number, person in enumerate(people):
        given, family = person.split()
        if number % 3 == 0:
            aliases = [f"{rng.choice(generate.TITLES)} {person}", person.upper(), f"{given[0]}. {family}"]
            aliases = [alias for alias in aliases if alias == person.upper() or alias.casefold() not in taken]
            taken.update(alias.casefold() for alias in aliases)
            registry.append({"name": person, "aliases": aliases})
            names.append([person, *aliases])
        else:
            names.append([person] + ([f"{rng.choice(generate.TITLES)} {person}"] if number % 7 == 0 else []))
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(names))]
    for serial in range(records):
        record = generate.valid_record(rng, serial)
        record["speaker"] = rng.choice(rng.choices(names, weights)[0])
        year = folder / "claims" / record["date"][:4]
        year.mkdir(parents=True, exist_ok=True)
        (year / f"{record['id']}.yaml").write_text(generate.as_yaml(record), encoding="utf-8")
    (folder / "claims" / "speakers.yaml").write_text(yaml.safe_dump(registry, sort_keys=False, allow_unicode=True))
    stamp.write_text(version)
    return folder


# --- what our report says --------------------------------------------------------------------

def invalid_lines(report: dict) -> set[tuple[str, int]]:
    """The records (file, line) with at least one error in a `claims validate --format json` report."""
    return {(p["file"], p["line"]) for p in report["problems"] if p["severity"] == "error"}


# --- workloads -------------------------------------------------------------------------------

def validate_jsonl(records: int, results: dict, *, label: str, schema: Path | None = None) -> Run:
    path, meta = jsonl_data(records, schema=schema)
    run = measure_ours([str(CLAIMS), "validate", str(path), "--format", "json", *(["--schema", str(schema)] if schema else [])])
    report = json.loads(run.stdout)
    found = {line for _, line in invalid_lines(report)}
    expected = set(meta["invalid_lines"])
    results[label] = {
        "records": report["records"], "bytes": meta["bytes"], "wall_s": run.wall, "wall_s_runs": run.walls,
        "records_per_s": report["records"] / run.wall, "peak_process_mb": run.peak_process_mb,
        "peak_tree_mb": run.peak_tree_mb, "invalid_found": len(found), "invalid_injected": len(expected),
        "verdicts_match": found == expected, "exit": run.returncode,
    }
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--baseline-records", type=int, default=100_000,
                        help="the jsonschema loop runs on this many first records and is scaled")
    parser.add_argument("--scaling", default="100000,1000000", help="record counts for the scaling row")
    parser.add_argument("--with-3m", action="store_true", help="add 3,000,000 records to the scaling row")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each validate command (the median is kept)")
    parser.add_argument("--skip", default="", help=f"comma-separated workloads to skip: {','.join(WORKLOADS)}")
    parser.add_argument("--only", default="", help="comma-separated workloads to run, skipping the others")
    parser.add_argument("--factcheck-items", type=int, default=240_000, help="items in the Fact Check API dump of the daily pipeline")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    if args.quick:
        args.records, args.files, args.baseline_records, args.scaling = 50_000, 1_000, 5_000, "10000,50000"
        args.factcheck_items = 10_000
    scaling = sorted({int(n) for n in args.scaling.split(",") if n} | {args.records} | ({3_000_000} if args.with_3m else set()))
    skip = set(filter(None, args.skip.split(",")))
    if args.only:
        only = set(filter(None, args.only.split(",")))
        if only - set(WORKLOADS):
            parser.error(f"--only takes {', '.join(WORKLOADS)}")
        skip |= set(WORKLOADS) - only

    global OUT, DATA, REPEAT
    OUT, DATA, REPEAT = args.out, args.out / "data", max(1, args.repeat)
    DATA.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": _machine(), "settings": vars(args) | {"out": str(args.out)}, "workloads": {}}
    work = results["workloads"]

    if "jsonl" not in skip:
        print(f"validate: {args.records:,} records in one JSON Lines file", flush=True)
        validate_jsonl(args.records, work, label="validate_jsonl")
        path, meta = jsonl_data(args.records)
        part = slice_of(path, args.baseline_records)
        run = measure([sys.executable, str(HERE / "baselines.py"), "jsonschema", str(SCHEMA), str(part)])
        baseline = json.loads(run.stdout)
        expected = {n for n in meta["schema_invalid_lines"] if n <= args.baseline_records}
        rate = baseline["records"] / run.wall
        work["validate_jsonl"]["baseline"] = {
            "tool": "jsonschema Draft202012Validator + FormatChecker, plain loop (json.loads, is_valid)",
            "records_run": baseline["records"], "wall_s_run": run.wall, "records_per_s": rate,
            "wall_s_scaled": args.records / rate, "peak_process_mb": run.peak_process_mb,
            "invalid_found": len(baseline["invalid_lines"]), "invalid_injected": len(expected),
            "verdicts_match": set(baseline["invalid_lines"]) == expected,
        }
        ours_slice = measure([str(CLAIMS), "validate", str(part), "--format", "json"])
        ours_found = {line for _, line in invalid_lines(json.loads(ours_slice.stdout))}
        schema_kinds_found = ours_found & set(baseline["invalid_lines"])
        work["validate_jsonl"]["same_slice"] = {
            "records": baseline["records"], "ours_wall_s": ours_slice.wall,
            "jsonschema_invalid_also_ours": len(schema_kinds_found) == len(baseline["invalid_lines"]),
        }

    if "custom" not in skip:
        print(f"validate: {args.records:,} records under a desk's schema (anyOf, if/then, 3 more fields)", flush=True)
        validate_jsonl(args.records, work, label="validate_custom", schema=desk_schema())
        if "validate_jsonl" not in work:
            validate_jsonl(args.records, work, label="validate_jsonl")
        work["validate_custom"]["packaged_wall_s"] = work["validate_jsonl"]["wall_s"]

    for suffix, label in ((".yaml", "validate_yaml"), (".json", "validate_json")):
        if suffix[1:] in skip:
            continue
        print(f"validate: {args.files:,} one-record {suffix} files", flush=True)
        folder, meta = file_tree(args.files, suffix)
        ours = measure_ours([str(CLAIMS), "validate", folder.name, "--format", "json"], cwd=DATA)
        report = json.loads(ours.stdout)
        found = {int(Path(f).stem.split("-")[1]) for f, _ in invalid_lines(report)}
        files = sorted(str(p.relative_to(DATA)) for p in folder.rglob(f"*{suffix}"))
        theirs = measure([str(CHECK_JSONSCHEMA), "--schemafile", str(SCHEMA), "-o", "json", *files], cwd=DATA)
        their_report = json.loads(theirs.stdout)
        their_found = {int(Path(e["filename"]).stem.split("-")[1]) for e in their_report["errors"]}
        their_found |= {int(Path(e["filename"]).stem.split("-")[1]) for e in their_report.get("parse_errors", [])}
        work[label] = {
            "files": report["files"], "wall_s": ours.wall, "wall_s_runs": ours.walls, "peak_process_mb": ours.peak_process_mb,
            "peak_tree_mb": ours.peak_tree_mb, "invalid_found": len(found), "invalid_injected": len(meta["ours"]),
            "verdicts_match": found == set(meta["ours"]),
            "baseline": {
                "tool": "check-jsonschema --schemafile (formats on)", "wall_s": theirs.wall,
                "peak_process_mb": theirs.peak_process_mb, "invalid_found": len(their_found),
                "invalid_injected": len(meta["schema"]), "verdicts_match": their_found == set(meta["schema"]),
            },
        }

    if "changed" not in skip:
        print(f"validate --changed-since: one new file in a git repository of {args.files:,} YAML files", flush=True)
        repo, new_file = changed_repo(args.files)
        shutil.rmtree(repo / ".claims-cache", ignore_errors=True)
        command = [str(CLAIMS), "validate", "--changed-since", "HEAD"]
        cold = measure(command, cwd=repo)  # fills the cache
        ours = measure_ours(command, cwd=repo)
        theirs = measure_ours([str(CHECK_JSONSCHEMA), "--schemafile", str(SCHEMA), new_file], cwd=repo)
        work["changed"] = {
            "files": args.files, "wall_s": ours.wall, "wall_s_runs": ours.walls, "peak_process_mb": ours.peak_process_mb,
            "cold_wall_s": cold.wall, "exit": ours.returncode, "cold_exit": cold.returncode, "summary": ours.stdout.strip()[-80:],
            "baseline": {"tool": "check-jsonschema --schemafile on the one file", "wall_s": theirs.wall,
                         "wall_s_runs": theirs.walls, "exit": theirs.returncode},
        }

    if "build" not in skip:
        print(f"build: {args.records:,} valid records", flush=True)
        path, _ = jsonl_data(args.records, valid=True)
        target = OUT / "build"
        shutil.rmtree(target, ignore_errors=True)
        ours = measure([str(CLAIMS), "build", str(path), "--out", str(target)])
        floor_out = OUT / "floor.parquet"
        floor = measure([sys.executable, str(HERE / "baselines.py"), "polars", str(path), str(floor_out)])
        work["build"] = {
            "records": args.records, "wall_s": ours.wall, "peak_process_mb": ours.peak_process_mb,
            "peak_tree_mb": ours.peak_tree_mb, "exit": ours.returncode,
            "baseline": {"tool": "polars.read_ndjson(explicit schema) + write_parquet", "wall_s": floor.wall,
                         "peak_process_mb": floor.peak_process_mb, "exit": floor.returncode},
        }
        shutil.rmtree(target, ignore_errors=True)
        floor_out.unlink(missing_ok=True)

    if "stats" not in skip:
        print(f"stats: {STATS_RECORDS:,} records in one-record YAML files, against build", flush=True)
        desk = desk_tree(STATS_RECORDS)
        target = OUT / "desk-build"
        shutil.rmtree(target, ignore_errors=True)
        built = measure_ours([str(CLAIMS), "build", "claims", "--out", str(target)], cwd=desk)
        counted = measure_ours([str(CLAIMS), "stats", "claims"], cwd=desk)
        work["stats"] = {
            "records": STATS_RECORDS, "wall_s": counted.wall, "wall_s_runs": counted.walls,
            "peak_process_mb": counted.peak_process_mb, "lines": len(counted.stdout.splitlines()), "exit": counted.returncode,
            "build": {"wall_s": built.wall, "wall_s_runs": built.walls, "peak_process_mb": built.peak_process_mb,
                      "exit": built.returncode},
        }
        shutil.rmtree(target, ignore_errors=True)

    if "factcheck" not in skip:
        print(f"daily pipeline: {args.factcheck_items:,} Fact Check API items, then the next day's dump", flush=True)
        work["factcheck"] = factcheck.pipeline(args.factcheck_items, OUT / "factcheck")
        shutil.rmtree(OUT / "factcheck", ignore_errors=True)
    if "stats-validate" not in skip:
        records = STATS_VALIDATE_RECORDS if not args.quick else 20_000
        print(f"stats against validate: {records:,} valid records in one JSON Lines file", flush=True)
        path, _ = jsonl_data(records, valid=True)
        checked, counted = measure_alternately(
            [str(CLAIMS), "validate", str(path)], [str(CLAIMS), "stats", str(path), "--format", "json"]
        )
        target = OUT / "stats-build"
        shutil.rmtree(target, ignore_errors=True)
        built = measure([str(CLAIMS), "build", str(path), "--out", str(target)])  # B53: stats takes less than build
        shutil.rmtree(target, ignore_errors=True)
        work["stats_validate"] = {
            "records": records, "wall_s": counted.wall, "wall_s_runs": counted.walls,
            "peak_process_mb": counted.peak_process_mb, "peak_tree_mb": counted.peak_tree_mb,
            "claims_counted": sum(json.loads(counted.stdout)["statuses"].values()) if counted.returncode == 0 else None,
            "exit": counted.returncode,
            "validate": {"wall_s": checked.wall, "wall_s_runs": checked.walls, "peak_tree_mb": checked.peak_tree_mb,
                         "exit": checked.returncode},
            "build": {"wall_s": built.wall, "peak_tree_mb": built.peak_tree_mb, "exit": built.returncode},
        }

    if "install" not in skip:
        print("install: the light install (validation alone) in a fresh venv, against check-jsonschema", flush=True)
        work["install"] = light_install()

    if "scaling" not in skip:
        rows = work.setdefault("scaling", {})
        for size in scaling:
            if size == args.records and "validate_jsonl" in work:
                entry = work["validate_jsonl"]
                rows[str(size)] = {k: entry[k] for k in ("wall_s", "records_per_s", "peak_process_mb", "peak_tree_mb", "verdicts_match")}
                continue
            print(f"scaling: validate {size:,} records", flush=True)
            scratch: dict = {}
            validate_jsonl(size, scratch, label="run")
            rows[str(size)] = {k: scratch["run"][k] for k in ("wall_s", "records_per_s", "peak_process_mb", "peak_tree_mb", "verdicts_match")}

    (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print()
    print(table(results))
    if args.quick:
        print("\n--quick: small sizes, where start-up costs dominate; the targets are for the full sizes.")
    print(f"\nfigures written to {OUT / 'results.json'}")


def light_install() -> dict:
    from install import measure as measure_install  # bench/install.py, beside this file

    return measure_install()


def _machine() -> dict:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = 0
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        pass
    return {"python": platform.python_version(), "platform": platform.platform(), "cores": cores,
            "memory_gb": round(memory, 1)}


# --- the table -------------------------------------------------------------------------------

def table(results: dict) -> str:
    work = results["workloads"]
    rows = [("workload", "ours", "baseline (same run)", "ratio", "target", "met?")]

    def mark(ok: bool) -> str:
        return "yes" if ok else "NO"

    if "validate_jsonl" in work:
        w = work["validate_jsonl"]
        b = w["baseline"]
        ratio = b["wall_s_scaled"] / w["wall_s"]
        rows.append((
            f"validate {w['records']:,} JSONL records ({w['bytes'] / 1e6:,.0f} MB)",
            f"{w['wall_s']:.2f} s{_median(w)}, {w['peak_tree_mb']:,.0f} MB (largest process {w['peak_process_mb']:,.0f} MB)",
            f"jsonschema loop: {b['records_per_s']:,.0f} rec/s on {b['records_run']:,}, scaled {b['wall_s_scaled']:,.0f} s",
            f"{ratio:,.0f}x faster",
            ">=30x, <3 s, <1 GB",
            mark(ratio >= 30 and w["wall_s"] < 3 and w["peak_tree_mb"] < 1024),
        ))
        rows.append((
            "  verdicts (records with an error)",
            f"{w['invalid_found']:,} of {w['invalid_injected']:,} injected",
            f"{b['invalid_found']:,} of {b['invalid_injected']:,} it can see",
            "", "equal", mark(w["verdicts_match"] and b["verdicts_match"]),
        ))
    if "validate_custom" in work:
        w = work["validate_custom"]
        ratio = w["wall_s"] / w["packaged_wall_s"]
        rows.append((
            f"validate {w['records']:,} JSONL records, desk schema (anyOf, if/then, +3 fields)",
            f"{w['wall_s']:.2f} s{_median(w)}, {w['peak_tree_mb']:,.0f} MB ({w['invalid_found']:,} of {w['invalid_injected']:,} invalid found)",
            f"packaged schema: {w['packaged_wall_s']:.2f} s",
            f"{ratio:.2f}x the packaged", "<=1.5x", mark(ratio <= 1.5 and w["verdicts_match"]),
        ))
    for label, name, needed in (("validate_yaml", "YAML", 10), ("validate_json", "JSON", 3)):
        if label in work:
            w = work[label]
            b = w["baseline"]
            ratio = b["wall_s"] / w["wall_s"]
            rows.append((
                f"validate {w['files']:,} one-record {name} files",
                f"{w['wall_s']:.2f} s{_median(w)} ({w['invalid_found']} of {w['invalid_injected']} invalid found)",
                f"check-jsonschema: {b['wall_s']:.2f} s ({b['invalid_found']} of {b['invalid_injected']})",
                f"{ratio:,.1f}x faster", f">={needed}x", mark(ratio >= needed and w["verdicts_match"]),
            ))
    if "changed" in work:
        w = work["changed"]
        b = w["baseline"]
        ok = w["exit"] == 0 and w["wall_s"] < 1
        rows.append((
            f"validate --changed-since: 1 new file in {w['files']:,} (cache warm)",
            f"{w['wall_s']:.2f} s{_median(w)}; cold cache {w['cold_wall_s']:.2f} s" + ("" if w["exit"] == 0 else f" (exit {w['exit']})"),
            f"check-jsonschema on the file: {b['wall_s']:.2f} s{_median(b)}",
            f"{w['wall_s'] / b['wall_s']:.1f}x its time", "<1 s", mark(ok),
        ))
    if "build" in work:
        w = work["build"]
        b = w["baseline"]
        ratio = w["wall_s"] / b["wall_s"]
        rows.append((
            f"build {w['records']:,} records",
            f"{w['wall_s']:.2f} s, {w['peak_tree_mb']:,.0f} MB" + ("" if w["exit"] == 0 else f" (exit {w['exit']})"),
            f"polars read_ndjson + write_parquet: {b['wall_s']:.2f} s, {b['peak_process_mb']:,.0f} MB",
            f"{ratio:.1f}x the floor", "<=2x, <4 GB", mark(ratio <= 2 and w["peak_tree_mb"] < 4096 and w["exit"] == 0),
        ))
    if "stats" in work:
        w = work["stats"]
        b = w["build"]
        ok = w["exit"] == 0 and b["exit"] == 0
        rows.append((
            f"stats {w['records']:,} YAML records",
            f"{w['wall_s']:.2f} s{_median(w)}, {w['lines']:,} lines",
            f"claims build: {b['wall_s']:.2f} s{_median(b)}",
            f"{w['wall_s'] / b['wall_s']:.2f}x build's time", "< build", mark(ok and w["wall_s"] < b["wall_s"]),
        ))
    if "factcheck" in work:
        w = work["factcheck"]
        for number, day in enumerate(w["days"], 1):
            steps = ", ".join(f"{step} {day[step]:.1f} s" for step in ("import", "validate", "build", "publish") if step in day)
            ratio = day["import"] / day["validate"] if "validate" in day else float("inf")
            rows.append((
                f"day {number}: {w['corpus']['items']:,} Fact Check API items (import, validate, build, publish)",
                f"{day['total']:.1f} s ({steps})" + (f"; FAILED {day['failed']}" if "failed" in day else ""),
                f"claims validate on the imported records: {day.get('validate', 0):.1f} s",
                f"import {ratio:.1f}x validate", "<2 min; import <=5x validate",
                mark("failed" not in day and day["total"] < 120 and ratio <= 5),
            ))
        if "changes" in w:
            c, made = w["changes"], w["corpus"]
            rows.append((
                "  day 2's published changes",
                f"{c['added']:,} added, {c['removed']:,} removed, {c['changed']:,} changed",
                f"made: {made['new']:,} new, {made['gone']:,} gone, {made['rerated']:,} re-rated",
                "", "equal (every unchanged id kept)", mark(w["exact"]),
            ))
    if "stats_validate" in work:
        w = work["stats_validate"]
        b = w["validate"]
        ratio = w["wall_s"] / b["wall_s"]
        ok = w["exit"] == 0 and b["exit"] == 0 and w["claims_counted"] == w["records"]
        rows.append((
            f"stats {w['records']:,} JSONL records",
            f"{w['wall_s']:.2f} s{_median(w)}, {w['peak_tree_mb']:,.0f} MB",
            f"claims validate: {b['wall_s']:.2f} s{_median(b)}, {b['peak_tree_mb']:,.0f} MB",
            f"{ratio:.2f}x validate's time", "<=1.5x", mark(ok and ratio <= 1.5),
        ))
        rows.append((
            "  against build of the same", "", f"claims build: {w['build']['wall_s']:.2f} s",
            f"{w['wall_s'] / w['build']['wall_s']:.2f}x build's time", "< build",
            mark(ok and w["build"]["exit"] == 0 and w["wall_s"] < w["build"]["wall_s"]),
        ))
    if "install" in work:
        ours, theirs = work["install"]["ours"], work["install"]["baseline"]
        ratios = {key: ours[key] / theirs[key] for key in ("packages", "disk_mb", "seconds")}
        rows.append((
            "light install (pip install claims-toolkit, no extras)",
            f"{ours['packages']} packages, {ours['disk_mb']:.0f} MB, {ours['seconds']:.1f} s",
            f"check-jsonschema: {theirs['packages']} packages, {theirs['disk_mb']:.0f} MB, {theirs['seconds']:.1f} s",
            " / ".join(f"{ratio:.1f}x" for ratio in ratios.values()), "<=2x each", mark(max(ratios.values()) <= 2),
        ))
    if "scaling" in work:
        sizes = sorted(work["scaling"], key=int)
        base = work["scaling"][sizes[0]]
        for size in sizes:
            w = work["scaling"][size]
            per = (w["wall_s"] / int(size)) / (base["wall_s"] / int(sizes[0]))
            rows.append((
                f"scaling: validate {int(size):,} records",
                f"{w['wall_s']:.2f} s, {w['records_per_s']:,.0f} rec/s, {w['peak_tree_mb']:,.0f} MB",
                "-", f"{per:.2f}x time/record vs {int(sizes[0]):,}", "linear", mark(per < 1.5),
            ))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(str(cell).ljust(width) for cell, width in zip(row, widths)) for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def _median(workload: dict) -> str:
    runs = workload.get("wall_s_runs") or []
    return f" (median of {len(runs)})" if len(runs) > 1 else ""


OUT = HERE / "out"
REPEAT = 3
WORKLOADS = ("jsonl", "custom", "yaml", "json", "changed", "build", "stats", "stats-validate", "install", "scaling", "factcheck")
DATA = OUT / "data"

if __name__ == "__main__":
    main()
