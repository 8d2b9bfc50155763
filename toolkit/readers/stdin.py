"""Standard input as a claim file (a path `-`): its kind told from its text, kept in a file of
that kind while it is checked, and named `-` again in what is reported."""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import BinaryIO

from ..records import ValidationResult

STDIN = "-"


@contextmanager
def standard_input(
    paths: list[str], stream: BinaryIO | None = None
) -> Iterator[tuple[list[str], Callable[[ValidationResult], ValidationResult]]]:
    """The paths with `-` replaced by a file holding what `stream` (default: standard input)
    gives, for as long as the block runs; and a function that names that file `-` again in a
    result. Paths without `-` are given back as they are (nothing is read)."""
    if STDIN not in paths:
        yield paths, lambda result: result
        return
    data = (stream or sys.stdin.buffer).read()
    with tempfile.TemporaryDirectory(prefix="claims-stdin-") as scratch:
        kept = os.path.join(scratch, f"stdin.{kind_of(data)}")
        with open(kept, "wb") as out:
            out.write(data)

        def named(result: ValidationResult) -> ValidationResult:
            problems = tuple(
                dataclasses.replace(p, file=STDIN if p.file == kept else p.file, message=p.message.replace(kept, STDIN))
                for p in result.problems
            )
            return dataclasses.replace(result, problems=problems)

        yield [kept if path == STDIN else path for path in paths], named


def kind_of(data: bytes) -> str:
    """A record file's kind told from its text: JSON (one value), JSON Lines (an object a line), CSV
    (a header naming `id` among comma-separated names), else YAML.

    >>> kind_of(b'{"id": "a"}\\n{"id": "b"}\\n'), kind_of(b"id,claim\\na,b\\n"), kind_of(b"id: a\\n")
    ('jsonl', 'csv', 'yaml')
    """
    text = data.lstrip(b"\xef\xbb\xbf").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if (
        text.startswith(b"{")
        and len(lines) > 1
        and all(line.startswith(b"{") and line.endswith(b"}") for line in lines)
    ):
        return "jsonl"
    if text.startswith((b"{", b"[")):
        return "json"
    header = lines[0].replace(b'"', b"").split(b",") if lines else []
    return "csv" if len(header) > 1 and b"id" in [name.strip().lower() for name in header] else "yaml"
