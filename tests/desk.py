"""Helpers for tests that work in a desk's git repository: the `claims` command as a subprocess
(as a desk runs it), git, and one claim file written at a time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from conftest import valid_record

CLAIMS = Path(sys.executable).parent / "claims"


def claims(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLAIMS), *args], cwd=cwd, capture_output=True, text=True, env=env)


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout


def record_file(path: Path, **overrides) -> Path:
    """A valid claim (see `conftest.valid_record`) as YAML at `path`, with `overrides`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(valid_record(**overrides), sort_keys=False), encoding="utf-8")
    return path
