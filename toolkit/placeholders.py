"""What `claims init` and its templates write for a desk to replace, refused by `claims publish`:
a version must never carry a Hub repository, a publisher or a claim the desk did not choose."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

import polars as pl
import yaml

from .config import DatasetConfig

EXAMPLE_HOSTS = ("example.org", "example.com", "example.net")  # RFC 2606's, as templates use them
PLACEHOLDER_ORG = "ORG/"
EXAMPLE_TEMPLATE = "example.yaml"
PLACEHOLDER_PUBLISHER = "Our fact-checking desk"  # what claims init wrote before it asked


def placeholders(config: DatasetConfig, target: str, table: pl.DataFrame, folder: str = ".") -> list[str]:
    """Each placeholder found in the settings and the claims (`table`, its `source_file` relative
    to the dataset's `folder`), said with what to do about it."""
    found = []
    for where, repo in (("the target", target), ("repo_id of claims.yaml", config.repo_id or "")):
        if repo.startswith(PLACEHOLDER_ORG):
            found.append(f"{where} is {repo!r}: ORG/ stands for your Hub organisation or user name")
    publisher = dict(config.publisher)
    if publisher.get("name") == PLACEHOLDER_PUBLISHER:
        found.append(f"the publisher in claims.yaml is {PLACEHOLDER_PUBLISHER!r}: write your desk's name")
    url = publisher.get("url", "")
    host = (urlsplit(url).hostname or "").lower()
    if any(host == name or host.endswith("." + name) for name in EXAMPLE_HOSTS):
        found.append(
            f"the publisher's url in claims.yaml is {url!r}, an example address: write your desk's, or remove it"
        )
    found += [
        f"{file} is the example claim of claims init ({_example()['id']}): make it a claim of yours, or delete it"
        for file in example_claim_files(table, folder)
    ]
    return found


def example_claim_files(table: pl.DataFrame, folder: str = ".") -> list[str]:
    """The files that still hold the template's example record as `claims init` wrote it (as the
    table names them, relative to the dataset's `folder`)."""
    example = _example()
    if "id" not in table.columns or "source_file" not in table.columns:
        return []
    candidates = table.filter(pl.col("id") == example["id"]).get_column("source_file").unique().to_list()
    return sorted(file for file in candidates if example in _documents(Path(folder) / file))


def _example() -> dict:
    return yaml.safe_load(files("toolkit").joinpath("templates", EXAMPLE_TEMPLATE).read_text(encoding="utf-8"))


def _documents(file: Path) -> list:
    try:
        return list(yaml.safe_load_all(Path(file).read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return []
