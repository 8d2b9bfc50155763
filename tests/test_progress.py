"""The progress line: shown to a person at a terminal, never in CI or when output is piped."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from conftest import FIXTURES


def run_claims(*, terminal: bool, ci: bool) -> bytes:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    command = [sys.executable, "-c", "from toolkit.cli import main; main()", "validate", str(FIXTURES)]
    if not terminal:
        result = subprocess.run(command, env=env, capture_output=True)
        return result.stdout + result.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, env=env, stdin=follower, stdout=follower, stderr=follower)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait()
    os.close(leader)
    return output


def test_progress_at_a_terminal_only():
    assert b"validating" in run_claims(terminal=True, ci=False)
    assert b"validating" not in run_claims(terminal=True, ci=True)
    piped = run_claims(terminal=False, ci=False)
    assert b"validating" not in piped and b"OK: 14 records" in piped
