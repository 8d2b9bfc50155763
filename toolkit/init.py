"""`claims init`: a ready data repository, from the templates in `toolkit/templates/`.

What it writes: `claims/` with one example record, `claims.yaml` (name, license, description, Hub
repository, publisher), `speakers.yaml`, `dataset-card.md` (the card sections the desk writes),
`.gitignore` for build outputs, `.pre-commit-config.yaml` with the `claims-validate` hook, and two
GitHub Actions workflows (validate every pull request; publish when a tag is pushed). It never
replaces a file: if any of them exists, nothing is written.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from .errors import UsageError
from .files import write_text
from .fmt import reads_as_text
from .new import schema_reference
from .schema import load_schema
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


@dataclass(frozen=True)
class Settings:
    """What `claims init` asks for; each has a default a desk is told to review."""

    name: str
    repo_id: str
    license: str = "cc-by-4.0"
    description: str = "Claims made by public figures, with where each fact-check stands and its sources."
    publisher: str = "Our fact-checking desk"
    publisher_url: str = "https://example.org"


def init_repository(folder: str | os.PathLike, settings: Settings | None = None) -> list[str]:
    """Write a new data repository into `folder` (missing or without any of the files); returns
    the paths written, relative to it.

    >>> init_repository("my-claims")  # doctest: +ELLIPSIS
    ['.github/workflows/publish.yml', ..., 'speakers.yaml']
    """
    folder = Path(folder)
    settings = settings or Settings(name=folder.resolve().name, repo_id=f"ORG/{folder.resolve().name}")
    existing = sorted(path for path in LAYOUT.values() if (folder / path).exists())
    if existing:
        raise UsageError(f"{folder}: {', '.join(existing)} exist(s) already; claims init never replaces a file")
    if not REPO_ID.match(settings.repo_id):
        raise UsageError(f"{settings.repo_id!r} is not a Hub dataset repository: write ORG/NAME")
    # Values go into YAML: written plain where every YAML reader reads them as that text, else quoted.
    values = {
        name: value if reads_as_text(value) else json.dumps(value, ensure_ascii=False)
        for name, value in settings.__dict__.items()
    }
    values["schema"] = schema_reference(load_schema(), folder / "claims")
    templates = files("toolkit") / "templates"
    for template, path in LAYOUT.items():
        write_text(folder / path, templates.joinpath(template).read_text(encoding="utf-8").format(**values))
    return sorted(LAYOUT.values())
