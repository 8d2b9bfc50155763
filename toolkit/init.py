"""`claims init`: a ready data repository, from the templates in `toolkit/templates/`.

What it writes: `claims/` with one example record, `claims.yaml` (name, license, description, Hub
repository, publisher), `speakers.yaml`, `dataset-card.md` (the card sections the desk writes),
`.gitignore` for build outputs, the schema in use (`schema/claim.schema.json`, which editors find
through the example's first line and `.vscode/settings.json`), `.pre-commit-config.yaml` with the
`claims-validate` and `claims-fmt` hooks, and two GitHub Actions workflows (validate pull requests
and main; publish when a tag is pushed). The files that install the toolkit pin the version that
wrote them. It never replaces a file: if any of them exists, nothing is written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from . import distribution
from .desk_schema import DESK_SCHEMA, packaged_text
from .errors import UsageError
from .files import write_text
from .fmt import double_quoted, reads_as_text
from .targets import REPO_ID

# Where each template goes in the new repository.
LAYOUT = {
    "claims.yaml": "claims.yaml",
    "speakers.yaml": "speakers.yaml",
    "example.yaml": "claims/bolton-commitments-not-lived-up.yaml",
    "dataset-card.md": "dataset-card.md",
    "gitignore": ".gitignore",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "workflows/validate.yml": ".github/workflows/validate.yml",
    "workflows/publish.yml": ".github/workflows/publish.yml",
}
EDITOR_SETTINGS = ".vscode/settings.json"
CLAIMS_FOLDER = "claims"  # the `include` of the claims.yaml template


@dataclass(frozen=True)
class Settings:
    """The choices that are the desk's (nothing is chosen for it: a placeholder would be published)."""

    name: str
    repo_id: str
    license: str
    publisher: str
    publisher_url: str | None = None
    description: str = "Claims made by public figures, with where each fact-check stands and its sources."


def ask_settings(
    folder: str | os.PathLike, given: dict[str, str | None], ask: Callable[..., str] | None = None
) -> Settings:
    """The desk's choices from `given` (Settings' fields); those missing are asked for with
    `ask(question, what_was_wrong)` (a person at a terminal), else a usage error names them:
    nothing is chosen for the desk."""
    needed = {"repo_id": "--repo", "license": "--license", "publisher": "--publisher"}
    missing = [option for field, option in needed.items() if not given.get(field)]
    if missing and ask is None:
        raise UsageError(
            f"missing {', '.join(missing)}: the Hub repository (ORG/NAME), the license of the data and the desk's "
            "name are the desk's to choose (or run it at a terminal to be asked)"
        )
    values = dict(given)
    while ask is not None and not REPO_ID.match(values.get("repo_id") or ""):
        wrong = (
            f"{values['repo_id']!r} is not a Hub dataset repository: write ORG/NAME" if values.get("repo_id") else None
        )
        values["repo_id"] = ask("Hugging Face dataset repository (ORG/NAME)", wrong)
    if ask is not None:
        values["license"] = values.get("license") or ask("license of the data (a Hub license id, e.g. cc-by-4.0)")
        if not values.get("publisher"):
            values["publisher"] = ask("your desk's name (the curator)")
            values["publisher_url"] = (
                values.get("publisher_url") or ask("your desk's web address (empty: none)") or None
            )
    values["name"] = Path(folder).resolve().name if values.get("name") is None else values["name"]
    return Settings(**{key: value for key, value in values.items() if value is not None})


def init_repository(folder: str | os.PathLike, settings: Settings) -> list[str]:
    """Write a new data repository into `folder` (missing or without any of the files); returns
    the paths written, relative to it.

    >>> init_repository("my-claims", Settings("My claims", "my-desk/my-claims", "cc-by-4.0", "My Desk"))
    ... # doctest: +ELLIPSIS
    ['.github/workflows/publish.yml', ..., 'schema/claim.schema.json', 'speakers.yaml']
    """
    folder = Path(folder)
    existing_part = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing_part is not None and not existing_part.is_dir():
        raise UsageError(
            f"{existing_part} is a file, not a folder: give claims init a folder (new, or without the files)"
        )
    from .paths import check_output

    check_output(folder, what="claims init", folder=True)  # never inside a git folder
    if not REPO_ID.match(settings.repo_id):
        raise UsageError(f"{settings.repo_id!r} is not a Hub dataset repository: write ORG/NAME")
    for choice in ("name", "license", "publisher"):
        if not str(getattr(settings, choice)).strip():
            raise UsageError(f"the {choice} is empty: it is the desk's to choose")
    written = {path: text for path, text in _templates(settings).items()}
    written[DESK_SCHEMA] = packaged_text()
    written[EDITOR_SETTINGS] = editor_settings(DESK_SCHEMA, CLAIMS_FOLDER)
    existing = sorted(path for path in written if (folder / path).exists())
    if existing:
        raise UsageError(f"{folder}: {', '.join(existing)} exist(s) already; claims init never replaces a file")
    for path, text in written.items():
        write_text(folder / path, text)
    return sorted(written)


def _templates(settings: Settings) -> dict[str, str]:
    # Values go into YAML: written plain where every YAML reader reads them as that text, else quoted.
    def value(text: str) -> str:
        return text if reads_as_text(text) else double_quoted(text)

    publisher = f"\n  name: {value(settings.publisher)}"
    if settings.publisher_url:
        publisher += f"\n  url: {value(settings.publisher_url)}"
    values = {
        "name": value(settings.name),
        "license": value(settings.license),
        "description": value(settings.description),
        "repo_id": value(settings.repo_id),
        "publisher": publisher,
        "schema": Path(os.path.relpath(DESK_SCHEMA, CLAIMS_FOLDER)).as_posix(),
        "version": distribution.installed_version(),
        "requirement": distribution.requirement(),
        "build_requirement": distribution.requirement("build"),
        "git_requirement": distribution.git_requirement(),
        "git_build_requirement": distribution.git_requirement("build"),
    }
    templates = files("toolkit") / "templates"
    return {
        path: templates.joinpath(template).read_text(encoding="utf-8").format(**values)
        for template, path in LAYOUT.items()
    }


def editor_settings(schema: str, claims: str) -> str:
    """`.vscode/settings.json`: the claim files (YAML and JSON) mapped to the schema file, for the
    files that have no `yaml-language-server` line (imported, hand-made)."""
    settings = {
        "yaml.schemas": {f"./{schema}": [f"/{claims}/**/*.yaml", f"/{claims}/**/*.yml"]},
        "json.schemas": [{"fileMatch": [f"/{claims}/**/*.json"], "url": f"./{schema}"}],
    }
    return json.dumps(settings, indent=2) + "\n"
