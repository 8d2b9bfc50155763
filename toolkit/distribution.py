"""The toolkit as a package a desk installs: its version (set once, in pyproject.toml, and read
from the installed package's metadata) and the requirement the files of `claims init` pin, so that
a desk's CI and hooks run the version that wrote them."""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, metadata, version

NAME = "claims-toolkit"


@cache
def installed_version() -> str:
    """The installed toolkit's version, or `0+unknown` for code run without being installed."""
    try:
        return version(NAME)
    except PackageNotFoundError:
        return "0+unknown"


def requirement(extra: str | None = None) -> str:
    """`claims-toolkit==X.Y.Z` (with `[extra]`): what a desk's files install.

    >>> requirement("build") == f"claims-toolkit[build]=={installed_version()}"
    True
    """
    return f"{NAME}{f'[{extra}]' if extra else ''}=={installed_version()}"


def git_requirement(extra: str | None = None) -> str:
    """The same version from the toolkit's source repository (its tag), for as long as it is not on PyPI."""
    return f"{NAME}{f'[{extra}]' if extra else ''} @ git+{source_url()}@v{installed_version()}"


def source_url() -> str:
    """Where the toolkit's source lives (`Source` of the project's URLs in pyproject.toml)."""
    try:
        urls = metadata(NAME).get_all("Project-URL") or []
    except PackageNotFoundError:
        urls = []
    found = dict(url.split(", ", 1) for url in urls if ", " in url)
    return found.get("Source", "")
