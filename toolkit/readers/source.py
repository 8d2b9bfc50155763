"""What every reader shares: a file to read, and the problems a file can have before any parsing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..records import ERROR, Position, Problem

UTF8_BOM = b"\xef\xbb\xbf"


class FileProblem(Exception):
    """A problem that stops the reading of a whole file (or line, for JSON Lines)."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True)
class Source:
    """A file to read: its path on disk and its name as reports show it."""

    path: Path
    display: str

    def problem(self, message: str, position: Position = (1, 1), rule: str = "syntax", pointer: str = "") -> Problem:
        return Problem(self.display, position[0], position[1], pointer, rule, ERROR, message)

    def fail(self, message: str, position: Position = (1, 1), rule: str = "syntax") -> FileProblem:
        return FileProblem(self.problem(message, position, rule))

    def text(self) -> str:
        """The file as text: UTF-8 (a BOM is allowed), not empty."""
        return decode(self, self.path.read_bytes(), first_line=1)


def decode(source: Source, data: bytes, *, first_line: int) -> str:
    """Decode UTF-8 strictly, naming the line and column of the first byte that is not UTF-8."""
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise source.fail("the file is UTF-16; save it as UTF-8", (first_line, 1), rule="encoding")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n")
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
        raise source.fail(
            f"byte 0x{data[error.start]:02x} is not UTF-8; save the file as UTF-8",
            (first_line + line, column),
            rule="encoding",
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00"))
        raise source.fail(
            "the file holds a NUL character: is it a binary file?", (first_line + line, 1), rule="encoding"
        )
    if first_line == 1 and not text.strip():
        raise source.fail("the file is empty: it holds no claim", rule="empty")
    return text
