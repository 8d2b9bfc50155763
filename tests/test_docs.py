"""The docs are kept true by the code: every `claims` command the README and docs/ show in a
console block is a real command with options its `--help` lists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer

from toolkit import docs
from toolkit.cli import app

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
CONSOLE = re.compile(r"```console\n(.*?)```", re.S)


def shown_commands() -> list[tuple[str, str]]:
    """(page, command line) for every `$ claims ...` line of a console block."""
    found = []
    for page in PAGES:
        for block in CONSOLE.findall(page.read_text(encoding="utf-8")):
            for line in block.replace("\\\n", " ").splitlines():  # a command continued on the next line
                if line.startswith("$ claims ") or line == "$ claims":
                    found.append((page.relative_to(ROOT).as_posix(), line[2:]))
    return found


def _words(line: str) -> list[str]:
    """The command's own words: up to a pipe, a redirection, `&&`, `;` or a comment."""
    words = []
    for word in shlex.split(line, comments=True):
        if word in ("|", "||", "&&", ";") or word.startswith((">", "<", "2>")):
            break
        words.append(word)
    return words


def test_the_docs_show_commands():
    assert len(shown_commands()) > 20


@pytest.mark.parametrize("page, line", shown_commands())
def test_every_command_shown_is_real_with_options_its_help_lists(page, line):
    group = typer.main.get_command(app)
    words = _words(line)[1:]
    if not words or words[0].startswith("-"):
        return  # `claims --version`, `claims --help`: the group's own options
    command = group.commands.get(words[0])
    assert command is not None, f"{page}: `{line}` names no command (commands: {', '.join(sorted(group.commands))})"
    known = {name for param in command.params for name in (*param.opts, *param.secondary_opts)} | {"--help", "-h"}
    for word in words[1:]:
        option = word.split("=", 1)[0]
        if option.startswith("-") and option != "-":
            assert option in known, f"{page}: `{line}`: {option} is not an option of `claims {words[0]}`"


def test_the_generated_docs_are_current():
    """docs/rules.md (the rule catalogue) and the `--help` of every command in docs/commands.md
    are what the code says now (`make docs` writes them)."""
    for path, text in docs.pages(ROOT).items():
        shown = path.read_text(encoding="utf-8") if path.exists() else ""
        assert shown == text, f"{path.relative_to(ROOT)} is stale: run `make docs` (python -m toolkit.docs)"


def test_every_command_has_its_help_in_the_docs():
    page = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    for name in typer.main.get_command(app).commands:  # type: ignore[attr-defined]
        assert f"$ claims {name} --help\n{docs.command_help(name)}\n```" in page
