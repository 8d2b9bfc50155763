"""Pointing the real huggingface_hub and datasets clients at a local endpoint, and nowhere else.

It exists because both libraries read their settings into module constants at import time, so
an environment variable set by a fixture is not enough: `configure_hf_clients` sets the
variables (for subprocesses and later imports) and patches the constants with `monkeypatch`.
`block_external_network` makes any DNS lookup or connection to a non-loopback address fail
(and records it), so a test cannot silently reach the real Hub.

Read from the installed sources (huggingface_hub 2.4, datasets 5.2):

* `huggingface_hub.constants.ENDPOINT` and `HUGGINGFACE_CO_URL_TEMPLATE` are used by
  `hf_hub_download`, `HfApi()` and `HfFileSystem()` when no endpoint is passed; `datasets.config`
  has its own `HF_ENDPOINT` and `HUB_DATASETS_URL`. `HF_TOKEN` is read at call time.
* `datasets.load_dataset` on `main` asks the dataset viewer at `datasets-server.<host>`, and
  `increase_load_count` sends a HEAD to S3: both are turned off (`USE_PARQUET_EXPORT`,
  `HF_UPDATE_DOWNLOAD_COUNTS`). With telemetry on, huggingface_hub would fetch
  `{ENDPOINT}/api/agent-harnesses` for its user agent: telemetry is turned off.
* `HfFileSystem` caches instances with their listings per (endpoint, token, thread): the cache
  is cleared here; a test that moves a branch and reads it again through datasets must call
  `HfFileSystem.clear_instance_cache()` (tags and commit shas never move).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


def configure_hf_clients(monkeypatch: Any, endpoint: str, token: str | None, home: str | os.PathLike) -> None:
    """Point the real huggingface_hub and datasets at `endpoint`, with caches under `home`.

    Sets the environment (for subprocesses and not-yet-imported modules) and patches the
    module constants both libraries computed at import time. `token=None` leaves no token.
    """
    import huggingface_hub
    from huggingface_hub import constants as hf

    home = Path(home)
    hub_cache, datasets_cache = home / "hub", home / "datasets"
    env = {
        "HF_ENDPOINT": endpoint,
        "HF_HOME": str(home),
        "HF_HUB_CACHE": str(hub_cache),
        "HF_DATASETS_CACHE": str(datasets_cache),
        "HF_HUB_DISABLE_XET": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_UPDATE_DOWNLOAD_COUNTS": "0",
        "HF_HUB_DISABLE_UPDATE_CHECK": "1",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_OIDC_RESOURCE",
                 "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HUGGINGFACE_CO_STAGING"):
        monkeypatch.delenv(name, raising=False)
    if token is None:
        monkeypatch.delenv("HF_TOKEN", raising=False)
    else:
        monkeypatch.setenv("HF_TOKEN", token)

    host = urlsplit(endpoint).hostname
    for name, value in {
        "ENDPOINT": endpoint,
        "HUGGINGFACE_CO_URL_TEMPLATE": endpoint + "/{repo_id}/resolve/{revision}/{filename}",
        "HF_URL_HOSTS": hf.HF_URL_HOSTS | {host},
        "HF_HOME": str(home),
        "HF_HUB_CACHE": str(hub_cache),
        "HUGGINGFACE_HUB_CACHE": str(hub_cache),
        "HF_ASSETS_CACHE": str(home / "assets"),
        "HF_XET_CACHE": str(home / "xet"),
        "HF_TOKEN_PATH": str(home / "token"),
        "HF_STORED_TOKENS_PATH": str(home / "stored_tokens"),
        "AGENT_HARNESSES_PATH": str(home / ".agent_harnesses.json"),
        "CHECK_FOR_UPDATE_DONE_PATH": str(home / ".check_for_update_done"),
        "CHECK_FOR_SKILL_UPDATE_DONE_PATH": str(home / ".check_for_skill_update_done"),
        "HF_HUB_DISABLE_XET": True,
        "HF_HUB_OFFLINE": False,
        "HF_HUB_DISABLE_TELEMETRY": True,
    }.items():
        monkeypatch.setattr(hf, name, value, raising=False)

    try:
        from datasets import config as ds
    except ImportError:
        ds = None
    if ds is not None:
        for name, value in {
            "HF_ENDPOINT": endpoint,
            "HUB_DATASETS_URL": endpoint + "/datasets/{repo_id}/resolve/{revision}/{path}",
            "HF_CACHE_HOME": str(home),
            "HF_DATASETS_CACHE": datasets_cache,
            "HF_MODULES_CACHE": home / "modules",
            "DOWNLOADED_DATASETS_PATH": datasets_cache / "downloads",
            "EXTRACTED_DATASETS_PATH": datasets_cache / "downloads" / "extracted",
            "USE_PARQUET_EXPORT": False,  # would ask datasets-server.<host>, off this machine
            "HF_UPDATE_DOWNLOAD_COUNTS": False,  # would HEAD an S3 bucket
            "HF_HUB_OFFLINE": False,
            "HF_DATASETS_OFFLINE": False,
        }.items():
            monkeypatch.setattr(ds, name, value, raising=False)

    # HfFileSystem caches instances (with their listings) per endpoint and token.
    huggingface_hub.HfFileSystem.clear_instance_cache()


def block_external_network(monkeypatch: Any) -> list[str]:
    """Refuse DNS lookups and connections to anything but loopback; returns the list the
    refused targets are appended to, so a test can assert it stayed empty."""
    blocked: list[str] = []
    real_getaddrinfo = socket.getaddrinfo
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def is_local(host: Any) -> bool:
        if host is None or host in ("localhost", b"localhost"):
            return True
        try:
            return ipaddress.ip_address(host.decode() if isinstance(host, bytes) else host).is_loopback
        except ValueError:
            return False

    def refuse(target: str) -> OSError:
        blocked.append(target)
        return OSError(f"Test network guard: {target} is not on this machine (only loopback is allowed)")

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not is_local(host):
            raise refuse(str(host))
        return real_getaddrinfo(host, *args, **kwargs)

    def check_address(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_local(address[0]):
            raise refuse(f"{address[0]}:{address[1]}")

    def guarded_connect(sock, address):
        check_address(sock, address)
        return real_connect(sock, address)

    def guarded_connect_ex(sock, address):
        check_address(sock, address)
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    return blocked
