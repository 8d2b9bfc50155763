"""The parts of the docs that the code says: `docs/rules.md` (the rule catalogue) and, in
`docs/commands.md`, every command's `--help`. `python -m toolkit.docs` (or `make docs`) writes them;
`python -m toolkit.docs --check` (run by the tests) exits 1 when a page is stale, so the docs cannot
drift from the CLI (as sqlite-utils' docs do with cog)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

from .catalogue import RULES
from .cli import app
from .files import write_text

MARKER = "<!-- Generated below by `python -m toolkit.docs` (make docs) from the commands themselves: do not edit. -->"
WIDTH = "100"
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # where FORCE_COLOR or a CI makes rich colour the help

_ORIGINS = {
    "file": "Reading the file",
    "toolkit": "The toolkit's own checks",
    "schema": "Keywords of the schema in use",
}


def rules_page() -> str:
    """docs/rules.md: the catalogue, grouped by who decides the rule."""
    lines = [
        "# Validation rules",
        "",
        "Every problem `claims validate` reports names its rule (`[rule]` in text, `rule` in JSON, the",
        "title of a GitHub annotation). This page is made from `toolkit/catalogue.py` by",
        "`python -m toolkit.docs`; a test fails when it is stale, when the toolkit can report a rule the",
        "catalogue lacks, or when the catalogue names a rule nothing reports.",
        "",
    ]
    for origin, title in _ORIGINS.items():
        lines += [f"## {title}", "", "| rule | severity | means |", "| --- | --- | --- |"]
        lines += [f"| `{r.name}` | {r.severity} | {r.summary} |" for r in RULES if r.origin == origin]
        lines.append("")
    return "\n".join(lines)


def command_help(name: str) -> str:
    """`claims NAME --help` as a terminal 100 columns wide shows it, without trailing spaces."""
    result = CliRunner().invoke(
        app, [name, "--help"], prog_name="claims", env={"COLUMNS": WIDTH, "NO_COLOR": "1", "TERM": "dumb"}
    )
    text = _COLOUR.sub("", result.output).strip("\n")
    return "\n".join(line.rstrip() for line in text.splitlines())


def commands_section() -> str:
    """The `--help` of every command, in name order, as it is run."""
    group = typer.main.get_command(app)
    parts = [MARKER, "", "## Every command's `--help`", ""]
    for name in sorted(group.commands):  # type: ignore[attr-defined]
        parts += [f"### `claims {name}`", "", "```console", f"$ claims {name} --help", command_help(name), "```", ""]
    return "\n".join(parts)


def pages(root: Path) -> dict[Path, str]:
    """Each generated page and the text it should have."""
    commands = root / "docs" / "commands.md"
    written = commands.read_text(encoding="utf-8") if commands.exists() else "# Commands\n\n"
    own = written.split(MARKER, 1)[0].rstrip("\n")
    return {
        root / "docs" / "rules.md": rules_page(),
        commands: own + "\n\n" + commands_section(),
    }


def main(argv: list[str]) -> int:
    root = Path.cwd()
    stale = [
        path for path, text in pages(root).items() if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    if "--check" in argv:
        for path in stale:
            print(f"{path.relative_to(root)} is stale: run `python -m toolkit.docs` (make docs)", file=sys.stderr)
        return 1 if stale else 0
    for path, text in pages(root).items():
        if path in stale:
            write_text(path, text)
            print(f"wrote {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
