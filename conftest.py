"""The docstrings' examples run as doctests (`--doctest-modules`), as a user would run them: from a
fresh folder that sees the repository's fixtures/ and tests/data/, so what an example writes (an
export, an import) lands there and never in the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _doctest_folder(request: pytest.FixtureRequest) -> None:
    if not isinstance(request.node, pytest.DoctestItem):
        return
    folder: Path = request.getfixturevalue("tmp_path")
    for name in ("fixtures", "tests"):
        (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    request.getfixturevalue("monkeypatch").chdir(folder)
