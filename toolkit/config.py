"""The data repository's own settings: what the dataset is called, its license, how to cite it.

A small YAML file, `claims.yaml`, beside the claim files (every key optional):

    pretty_name: Korean Peninsula claims
    license: cc-by-4.0
    description: Claims about inter-Korean relations and US diplomacy, checked against sources.
    citation: |
      @misc{korea_claims, title = {Korean Peninsula claims}, year = {2018}}
    language: [en]
    tags: [korea]
    repo_id: factcheck-desk/korea-claims   # named in the card's loading examples
    schema: schema/claim.schema.json       # the desk's own claim schema, relative to this file
    publisher: {name: Korea Desk, url: https://example.org}   # the desk, author of its fact-checks
    include: [claims/**]                   # where the claim files are (globs)
    exclude: [claims/drafts/**]            # files and folders that are not claims (globs)
    card: dataset-card.md                  # the card sections the desk writes (default: this name, if present)

Command-line options override each key (`--schema` overrides `schema`). Where claims.yaml is, and
what else a run uses, is resolved once (`dataset.Dataset`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

import yaml

from .errors import UsageError
from .paths import CONFIG_LIMIT, include_glob, read_yaml, setting

CONFIG_NAMES = ("claims.yaml", "claims.yml")
CARD_NAME = "dataset-card.md"


@dataclass(frozen=True)
class DatasetConfig:
    pretty_name: str = "Claims"
    license: str | None = None  # required to publish; never guessed
    description: str = "Claims made by public figures, with where each fact-check stands and its sources."
    citation: str | None = None
    language: tuple[str, ...] = ()  # empty: the languages of the records
    tags: tuple[str, ...] = ()
    repo_id: str | None = None  # the Hub repository the card's loading examples name
    schema: str | None = None  # the claim schema in use (None: the packaged one), as a path from here
    publisher: tuple[tuple[str, str], ...] = ()  # the desk: (("name", ...), ("url", ...))
    include: tuple[str, ...] = ()  # globs of the claim files, relative to claims.yaml
    exclude: tuple[str, ...] = ()  # globs of files and folders that are not claims (see `scope`)
    card: str | None = None  # the desk's own card sections (Markdown), kept in every version's card

    def with_overrides(self, **overrides) -> DatasetConfig:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def load_config(path: str | os.PathLike | None) -> DatasetConfig:
    if path is None:
        return DatasetConfig()
    try:
        data = read_yaml(path, what="the dataset config", limit=CONFIG_LIMIT) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise UsageError(f"{path}: cannot read the dataset config: {error}") from None
    known = {f.name for f in fields(DatasetConfig)}
    if not isinstance(data, dict) or set(data) - known:
        unknown = ", ".join(sorted(set(data) - known)) if isinstance(data, dict) else "not a mapping"
        raise UsageError(f"{path}: unknown settings ({unknown}); known: {', '.join(sorted(known))}")
    for key in ("schema", "card"):  # paths, relative to claims.yaml, inside the repository
        if data.get(key) is not None:
            data[key] = setting(path, key, str(data[key]))
    if "card" not in data and os.path.lexists(Path(path).parent / CARD_NAME):
        data["card"] = setting(path, "card", CARD_NAME)
    for key in LISTS:
        if key in data:
            value = data[key]
            data[key] = tuple(map(str, value)) if isinstance(value, list) else (str(value),)
    for pattern in data.get("include", ()):
        include_glob(path, pattern)
    if "publisher" in data:
        publisher = data["publisher"]
        if not isinstance(publisher, dict) or set(publisher) - {"name", "url"}:
            raise UsageError(
                f"{path}: publisher takes a name and a url, e.g. publisher: {{name: Desk, url: https://...}}"
            )
        data["publisher"] = tuple((k, str(v)) for k, v in publisher.items() if v is not None)
    for key, value in data.items():
        if key not in (*LISTS, "publisher") and value is not None:
            data[key] = str(value)
    return DatasetConfig(**data)


LISTS = ("language", "tags", "include", "exclude")
