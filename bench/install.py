"""The light install, measured: packages, disk and seconds of `pip install claims-toolkit` (no
extras: validation alone) in a fresh virtual environment, beside the same for check-jsonschema.

Our wheel is built first (as PyPI would serve it), so both installs are of wheels; each install
runs twice and the second (warm pip cache, as on a CI runner with a cache) is kept. Packages and
disk count what the install added to a new venv (pip and setuptools, present before, are not
counted)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _packages(python: Path) -> set[str]:
    listing = subprocess.run([str(python), "-m", "pip", "list", "--format", "json"], capture_output=True, text=True,
                             check=True).stdout
    return {entry["name"].lower() for entry in json.loads(listing)}


def install(requirement: str) -> dict:
    """Install `requirement` into a new venv (twice; the second is kept) and say what it cost."""
    runs = []
    for _ in range(2):
        with tempfile.TemporaryDirectory(prefix="claims-bench-venv-") as scratch:
            venv = Path(scratch) / "venv"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            python = venv / "bin" / "python"
            site = next(venv.glob("lib/python*/site-packages"))
            before, size_before = _packages(python), _size(site)
            start = time.perf_counter()
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", requirement],
                           check=True, capture_output=True)
            seconds = time.perf_counter() - start
            runs.append({"seconds": seconds, "packages": len(_packages(python) - before),
                         "disk_mb": (_size(site) - size_before) / 2**20})
    return runs[-1] | {"seconds_runs": [r["seconds"] for r in runs]}


def measure() -> dict:
    with tempfile.TemporaryDirectory(prefix="claims-bench-wheel-") as wheels:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", wheels, str(ROOT)],
                       check=True, capture_output=True)
        wheel = next(Path(wheels).glob("*.whl"))
        ours = install(str(wheel))
    return {"ours": ours, "baseline": {"tool": "check-jsonschema"} | install("check-jsonschema")}


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
