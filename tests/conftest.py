"""Shared test helpers: the fixtures folder, writing claim files, and running the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from localhub import LocalHub, block_external_network, configure_hf_clients
from toolkit.cli import app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CLAIMS = FIXTURES / "claims"


def valid_record(**overrides) -> dict:
    """A record that passes every check; tests change one thing at a time."""
    record = {
        "id": "bolton-commitments-not-lived-up",
        "speaker": "John Bolton",
        "claim": "They have not lived up to the commitments so far.",
        "date": "2018-12-04",
        "status": "true",
        "sources": [{"url": "https://example.org/article"}],
    }
    record.update(overrides)
    return {k: v for k, v in record.items() if v is not None}


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


@pytest.fixture
def cli():
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Run:
        result = runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory) -> Path:
    """The toolkit's wheel, built from this checkout as `make dist` builds it (hatchling, no
    network: the build backend of the test environment)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    return next(out.glob("claims_toolkit-*.whl"))


@pytest.fixture
def write(tmp_path):
    """Write a file under tmp_path (text is dedented, bytes kept as they are)."""

    def make(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return path

    return make


@pytest.fixture
def hub(monkeypatch, tmp_path):
    """A local Hub-compatible server on 127.0.0.1, with the real clients pointed at it and every
    other address refused."""
    blocked = block_external_network(monkeypatch)
    with LocalHub() as server:
        configure_hf_clients(monkeypatch, server.endpoint, server.token, tmp_path / "hf_home")
        yield server
        assert server.server_errors == []
    _no_hub_work_left()
    assert blocked == []


def _no_hub_work_left() -> None:
    """Each test starts with no Hub work of an earlier one: a worker the toolkit gave up at its
    deadline may still be retrying on the shared client, and once the server stopped, ends."""
    import threading
    import time

    import huggingface_hub

    ends = time.monotonic() + 60
    while time.monotonic() < ends and any(t.name == "claims-hub" for t in threading.enumerate()):
        time.sleep(0.05)
    huggingface_hub.close_session()


@pytest.fixture
def unreachable_hub(monkeypatch, tmp_path):
    """The Hub clients pointed at a closed port on 127.0.0.1: every connection is refused. Retries
    do not pause, so the test does not wait (what is tested is what is reported, not when)."""
    import socket

    blocked = block_external_network(monkeypatch)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free now, and nothing listens once the probe is closed
    configure_hf_clients(monkeypatch, f"http://127.0.0.1:{port}", "hf_unreachable_token", tmp_path / "hf_home")
    monkeypatch.setattr("toolkit.hub._PAUSES", (0, 0))
    yield f"http://127.0.0.1:{port}"
    assert blocked == []
