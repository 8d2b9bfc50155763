"""Rendering a validation result for a person (text), a script (json) or CI (github). Rendering
only: nothing here decides what is a problem."""

from __future__ import annotations

import json
from itertools import groupby

import orjson

from .records import Problem
from .validate import ValidationResult

FORMATS = ("text", "json", "github")


def render(result: ValidationResult, style: str) -> str:
    return {"text": as_text, "json": as_json, "github": as_github}[style](result)


def summary(result: ValidationResult) -> str:
    counts = f"{_plural(result.records, 'record')} in {_plural(result.files, 'file')}"
    if not result.problems:
        return f"OK: {counts}, no problems"
    verdict = "FAILED" if result.errors else "OK"
    return f"{verdict}: {_plural(result.errors, 'error')}, {_plural(result.warnings, 'warning')} ({counts})"


def as_text(result: ValidationResult) -> str:
    """`path:line:col: severity: message [rule]`, a block per file, then a summary line."""
    blocks = []
    for _, problems in groupby(result.problems, key=lambda p: p.file):
        blocks.append("\n".join(_text_line(p) for p in problems))
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


def as_github(result: ValidationResult) -> str:
    """GitHub Actions workflow commands: each problem becomes an annotation on its line."""
    lines = [
        f"::{p.severity} file={_property(p.file)},line={p.line},col={p.column},"
        f"title={_property(p.rule)}::{_data(p.message)}"
        for p in result.problems
    ]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
