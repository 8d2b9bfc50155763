"""Every shape fact-checks come in, down to one item each: a ClaimReview node or a Fact Check
Tools API claim, with where it was found.

Shapes read: schema.org ClaimReview JSON-LD (one object, a list, an `@graph`), HTML pages with
JSON-LD in `<script type="application/ld+json">` blocks, the Fact Check Tools API `claims:search`
answer (`{"claims": [...], "nextPageToken": ...}`), a plain list of its claims, and JSON Lines of
any of these; UTF-8 with or without a byte order mark.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..readers.jsonl import each_key_once
from ..readers.located_json import MAX_DEPTH as MAX_NESTING  # as `claims validate` reads JSON

MAX_DEPTH = 4
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
_LD_JSON = re.compile(r"^\s*application/ld\+json\s*(?:;.*)?$", re.IGNORECASE)


@dataclass  # not frozen (never changed): a frozen one costs 4 times as much to make
class Item:
    """One thing found in the input. `kind` is "jsonld" (a ClaimReview node), "api" (a Fact Check
    API claim) or "skip" (with `reason`); `position` is where: a JSON pointer, after the line
    ("line 3 /claims/0") or the script block ("script 2 /@graph/1") it is in."""

    position: str
    kind: str
    node: Any
    graph: Mapping[str, Any] = field(default_factory=dict)
    reason: str | None = None


def read_text(path: str | os.PathLike) -> str:
    """An input file's text (UTF-8, a byte order mark allowed); anything else is a usage error."""
    return _read(path)[1]


def _read(path: str | os.PathLike) -> tuple[bytes, str]:
    """An input file's bytes and its text (see `read_text`)."""
    try:
        raw = Path(path).read_bytes()
        return raw, raw.decode("utf-8-sig")
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"{path}: not UTF-8 text (byte {error.start}); save it as UTF-8") from None


class TooDeep(ValueError):
    """JSON nested deeper than Python's reader goes (it would raise RecursionError)."""

    def __init__(self) -> None:
        super().__init__(f"nesting is deeper than {MAX_NESTING} levels")


class WrittenTwice(dict):
    """A JSON object that writes a key more than once: which value is meant cannot be known."""

    twice: tuple[str, ...] = ()


def load_json(text: str, *, strict: bool = True) -> Any:
    """Parsed JSON in which an object that writes a key twice is a `WrittenTwice` (see `parse_json`)."""
    return parse_json(text, strict=strict)[0]


def parse_json(text: str, *, strict: bool = True, raw: bytes | None = None) -> tuple[Any, bool]:
    """Parsed JSON in which an object that writes a key twice is a `WrittenTwice` (the test is
    `jsonl.each_key_once`, the validator's; only a text that fails it is read again, slowly), and
    whether there is one. `raw`: the text as UTF-8 when the caller has it. Raises
    json.JSONDecodeError, or TooDeep for nesting Python's reader cannot follow."""
    try:
        data = json.loads(text, strict=strict)
        if each_key_once(text.encode("utf-8", "surrogatepass") if raw is None else raw, data):
            return data, False
        return json.loads(text, strict=strict, object_pairs_hook=_object), True
    except RecursionError:
        raise TooDeep() from None


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    marked = WrittenTwice(result)
    marked.twice = tuple(sorted({key for key, _ in pairs if sum(1 for k, _ in pairs if k == key) > 1}))
    return marked


def written_twice(value: Any) -> tuple[str, ...]:
    """The keys written twice in any object of `value` (empty for nearly every value)."""
    stack: list[Any] = [value]
    found: list[str] = []
    while stack:
        node = stack.pop()
        if isinstance(node, WrittenTwice):
            found.extend(node.twice)
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return tuple(sorted(set(found)))


def twice_reason(keys: tuple[str, ...]) -> str:
    shown = ", ".join(repr(k) for k in keys)
    return f"the key {shown} is written twice in one object: which value is meant cannot be known"


def read_items(path: str | os.PathLike) -> Iterator[Item]:
    """The items of a file of any shape above; a file that is none of them is a usage error."""
    raw, text = _read(path)
    if text.lstrip().startswith("<"):
        return _html_items(path, text)
    try:
        data, twice = parse_json(text, raw=raw)
    except TooDeep as error:
        raise UsageError(f"{path}: {error}") from None
    except json.JSONDecodeError as error:
        lines = [line for line in text.splitlines() if line.strip()]
        if Path(path).suffix.lower() in JSON_LINES_SUFFIXES or (len(lines) > 1 and _parses(lines[0])):
            return _json_lines_items(text)
        raise UsageError(f"{path}: cannot read JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    if isinstance(data, WrittenTwice) and not _is_item(data):
        raise UsageError(f"{path}: {twice_reason(data.twice)}")
    return _checked(walk(data)) if twice else walk(data)


def _parses(line: str) -> bool:
    try:
        load_json(line)
    except (json.JSONDecodeError, TooDeep):
        return False
    return True


def _json_lines_items(text: str) -> Iterator[Item]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data, twice = parse_json(line)
        except TooDeep as error:
            yield Item(f"line {number}", "skip", None, reason=str(error))
            continue
        except json.JSONDecodeError as error:
            yield Item(f"line {number}", "skip", None, reason=f"not JSON ({error.msg}, column {error.colno})")
            continue
        yield from _checked(walk(data, f"line {number} ")) if twice else walk(data, f"line {number} ")


def _checked(items: Iterator[Item]) -> Iterator[Item]:
    """Items with a key written twice anywhere in them are skipped, the keys named."""
    for item in items:
        twice = written_twice(item.node) if item.kind != "skip" else ()
        yield Item(item.position, "skip", item.node, item.graph, twice_reason(twice)) if twice else item


def _is_item(data: dict) -> bool:
    return "claimReview" in data or "ClaimReview" in types(data)


class _ScriptBlocks(HTMLParser):
    """The text of every `<script type="application/ld+json">` in a page, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and _LD_JSON.match(dict(attrs).get("type") or ""):
            self._inside = True
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


def _html_items(path: str | os.PathLike, text: str) -> Iterator[Item]:
    parser = _ScriptBlocks()
    parser.feed(text)
    parser.close()
    if not parser.blocks:
        raise UsageError(
            f'{path}: an HTML page with no <script type="application/ld+json"> block, so no ClaimReview '
            "to read; give the fact-check page itself (its JSON-LD holds the ClaimReview), or a JSON file"
        )
    return _script_items(path, parser.blocks)


def _script_items(path: str | os.PathLike, blocks: list[str]) -> Iterator[Item]:
    for number, block in enumerate(blocks, start=1):
        try:
            # strict=False: pages often carry raw newlines or tabs inside JSON strings.
            data = load_json(block, strict=False)
        except TooDeep as error:
            raise UsageError(f"{path}: script {number}: {error}") from None
        except json.JSONDecodeError as error:
            yield Item(f"script {number}", "skip", None, reason=f"not JSON ({error.msg}, line {error.lineno})")
            continue
        yield from _checked(walk(data, f"script {number} ", quiet=True))


def walk(
    data: Any,
    prefix: str = "",
    pointer: str = "",
    graph: Mapping[str, Any] | None = None,
    depth: int = 0,
    quiet: bool = False,
) -> Iterator[Item]:
    """The items in parsed JSON. Nodes that only support the reviews (the publisher or the web page
    in an `@graph`; in an HTML page, its other JSON-LD such as breadcrumbs) are not items, so they
    are not counted as skipped."""
    graph = graph or {}
    where = f"{prefix}{pointer or '/'}".strip()
    if depth > MAX_DEPTH:
        yield Item(where, "skip", data, graph, "nested too deep")
    elif isinstance(data, list):
        for index, element in enumerate(data):
            yield from walk(element, prefix, f"{pointer}/{index}", graph, depth + 1, quiet)
    elif not isinstance(data, dict):
        if not quiet:
            yield Item(where, "skip", data, graph, "not a ClaimReview or Fact Check API claim")
    elif isinstance(data.get("@graph"), list):
        nodes = {n["@id"]: n for n in data["@graph"] if isinstance(n, dict) and isinstance(n.get("@id"), str)}
        for index, element in enumerate(data["@graph"]):
            if isinstance(element, dict) and "ClaimReview" in types(element):
                yield Item(f"{prefix}{pointer}/@graph/{index}", "jsonld", element, {**graph, **nodes})
    elif isinstance(data.get("claims"), list) or (data and not set(data) - {"nextPageToken"}) or data == {}:
        # A claims:search answer; one that found nothing is {} or only a page token.
        for index, claim in enumerate(data.get("claims", [])):
            at = f"{prefix}{pointer}/claims/{index}"
            if isinstance(claim, dict):
                yield Item(at, "api", claim, graph)
            else:
                yield Item(at, "skip", claim, graph, "not a Fact Check API claim")
    elif "claimReview" in data:
        yield Item(where, "api", data, graph)
    elif "ClaimReview" in types(data):
        yield Item(where, "jsonld", data, graph)
    elif not quiet:
        yield Item(where, "skip", data, graph, "not a ClaimReview or Fact Check API claim")


def types(node: dict) -> set[str]:
    """The @type names of a node, whatever their spelling ("schema:ClaimReview", a full IRI, a list)."""
    given = node.get("@type")
    names = given if isinstance(given, list) else [given]
    return {re.split(r"[/:#]", n)[-1] for n in names if isinstance(n, str)}
