"""Rendering a validation result for a person (text), a script (json) or CI (github), and the
settings a run uses (`settings_lines`). Rendering only: nothing here decides what is a problem."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from itertools import groupby
from typing import TYPE_CHECKING

import orjson

from .records import Problem, ValidationResult
from .text import plural

if TYPE_CHECKING:
    from .dataset import Dataset

FORMATS = ("text", "json", "github")


MAX_PROBLEMS = 200  # a person reads the first ones; the counts say how many more there are


def render(
    result: ValidationResult, style: str, *, max_problems: int | None = MAX_PROBLEMS, first: Iterable[str] = ()
) -> str:
    """The report in `style`; only text is cut short (after `max_problems`), for scripts and CI
    need every problem. `first`: files (paths) whose problems GitHub shows first."""
    if style == "text":
        return as_text(result, max_problems=max_problems)
    if style == "github":
        return as_github(result, first=first)
    return as_json(result)


def summary(result: ValidationResult) -> str:
    counts = f"{plural(result.records, 'record')} in {plural(result.files, 'file')}"
    if not result.problems:
        return f"OK: {counts}, no problems"
    verdict = "FAILED" if result.errors else "OK"
    return f"{verdict}: {plural(result.errors, 'error')}, {plural(result.warnings, 'warning')} ({counts})"


def as_text(result: ValidationResult, *, max_problems: int | None = MAX_PROBLEMS) -> str:
    """`path:line:col: severity: message [rule]`, a block per file, then a summary line; after
    `max_problems` (None: no limit), a line counting the problems left out."""
    shown = result.problems if max_problems is None else result.problems[: max(0, max_problems)]
    blocks = []
    for _, problems in groupby(shown, key=lambda p: p.file):
        blocks.append("\n".join(_text_line(p) for p in problems))
    left = len(result.problems) - len(shown)
    if left:
        blocks.append(
            f"... and {plural(left, 'more problem')} not shown (--max-problems; "
            "--format json or github lists every one)"
        )
    blocks.append(summary(result))
    return "\n\n".join(blocks) + "\n"


def _text_line(problem: Problem) -> str:
    return f"{problem.file}:{problem.line}:{problem.column}: {problem.severity}: {problem.message} [{problem.rule}]"


def as_json(result: ValidationResult) -> str:
    """Indented JSON, text as UTF-8. orjson writes what `json.dumps(indent=2)` does twenty times
    faster (a million-record report holds 12,000 problems); a lone surrogate in a message, which it
    refuses, leaves the work to `json`."""
    data = result.as_dict()
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"
    except orjson.JSONEncodeError:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def as_github(result: ValidationResult, *, first: Iterable[str] = ()) -> str:
    """GitHub Actions workflow commands: each problem becomes an annotation on its line. GitHub
    shows 10 error annotations of a step: the problems of the files in `first` (those a pull
    request changed) come before the rest."""
    lines = [
        f"::{p.severity} file={_property(p.file)},line={p.line},col={p.column},"
        f"title={_property(p.rule)}::{_data(p.message)}"
        for p in _changed_first(result.problems, first)
    ]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def _changed_first(problems: Iterable[Problem], first: Iterable[str]) -> list[Problem]:
    wanted = {os.path.realpath(path) for path in first}
    if not wanted:
        return list(problems)
    return sorted(problems, key=lambda p: os.path.realpath(p.file) not in wanted)  # stable: file order kept


SUMMARY_ROWS = 1000  # GitHub takes 1 MiB of summary per step; the count says how many more


def step_summary(result: ValidationResult, *, first: Iterable[str] = ()) -> str:
    """A Markdown table of every problem (changed files first) for the job summary that GitHub
    shows on the run's page (`$GITHUB_STEP_SUMMARY`)."""
    problems = _changed_first(result.problems, first)
    lines = [f"### claims validate: {summary(result)}", ""]
    if problems:
        lines += ["| file | line | column | severity | rule | message |", "|---|---:|---:|---|---|---|"]
        lines += [
            f"| {_cell(p.file)} | {p.line} | {p.column} | {p.severity} | {_cell(p.rule)} | {_cell(p.message)} |"
            for p in problems[:SUMMARY_ROWS]
        ]
        if len(problems) > SUMMARY_ROWS:
            lines += [
                "",
                f"... and {plural(len(problems) - SUMMARY_ROWS, 'more problem')} (the step's log lists every one)",
            ]
    return "\n".join(lines) + "\n\n"


def _cell(text: str) -> str:
    """Text inside a Markdown table cell: pipes escaped, line breaks and markup made plain."""
    return (
        text.replace("\\", "\\\\")
        .replace("|", "\\|")
        .replace("\r", " ")
        .replace("\n", " ")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("`", "\\`")
    )


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def settings_lines(dataset: Dataset) -> list[str]:
    """Lines naming the settings a run uses, and saying once what was not found (`claims validate
    -v`, `claims build`): nothing is taken silently."""
    where = (
        "from the inputs' folder up to the repository root"
        if dataset.in_repository
        else "beside the inputs (not in a git repository)"
    )
    config, registry = dataset.config_file, dataset.speakers_file
    return [
        f"configuration: {config}" if config else f"configuration: no claims.yaml found {where}; defaults used",
        f"speakers: {registry}" if registry else f"speakers: no speakers.yaml found {where}; speakers not merged",
        f"schema: {dataset.schema_path} ({SCHEMA_ORIGINS[dataset.schema_origin]})",
    ]


SCHEMA_ORIGINS = {"--schema": "--schema", "claims.yaml": "from claims.yaml", "packaged": "packaged"}
