"""One contract for every writer (issue 17, point 3), tested as properties: what a writer of the
toolkit writes, `claims validate` accepts, `claims fmt --check` leaves as it is, and the toolkit,
PyYAML, ruamel.yaml and json read back as the same values; a file that cannot be rewritten without
changing its meaning is refused with the reason, never rewritten, never a traceback."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import unicodedata
from pathlib import Path

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from strategies import READABLE, records

import toolkit
from toolkit import readers
from toolkit.fmt import canonical_text, double_quoted, format_paths
from toolkit.readers.source import Source
from toolkit.records import Record
from toolkit.schema import load_schema

SCHEMA = load_schema()
RUAMEL = YAML(typ="safe", pure=True)
LATEST = dt.date(9999, 12, 31)  # the strategies draw any day: none is in the future
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=[Phase.explicit, Phase.generate]
)
# Any character a UTF-8 file can hold: every Unicode category, controls, separators and unassigned ones.
RARELY = st.sampled_from([False] * 9 + [True])
ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)


def toolkit_reads(path: Path) -> list | None:
    """The records as `claims validate` reads them (None when it cannot read the file cleanly)."""
    read = list(readers.read(Source(path, str(path)), SCHEMA.record_kind))
    if not all(isinstance(item, Record) for item in read):
        return None
    return [item.data for item in read]


def other_readers(path: Path) -> list[list]:
    """The documents as PyYAML (YAML 1.1) and ruamel.yaml (1.2) read them, or as json does."""
    text = path.read_bytes().decode("utf-8-sig")
    if path.suffix == ".json":
        return [[json.loads(text)]]
    return [list(yaml.safe_load_all(text)), list(RUAMEL.load_all(text))]


def as_records(documents: list) -> list:
    return [record for document in documents for record in (document if isinstance(document, list) else [document])]


def in_file(name: str, content: bytes) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="contract-"))
    path = folder / name
    path.write_bytes(content)
    return path


# -- what the writers write -------------------------------------------------------------------------


@SETTINGS
@given(records(), st.sampled_from(["yaml", "json"]))
def test_what_new_and_import_write_is_valid_canonical_and_read_alike(record, kind):
    """`claims new` and `claims import` write `fmt.canonical_text`."""
    record.pop("history", None)  # the strategy's history may be older than the claim: another rule
    batch = [record]
    path = in_file(f"a.{kind}", canonical_text(batch, kind, SCHEMA).encode())
    assert toolkit.validate([path], today=LATEST).valid
    assert toolkit_reads(path) == batch
    for documents in other_readers(path):
        assert as_records(documents) == batch
    assert format_paths([path], check=True).unchanged == [str(path)]


# -- fmt over the files' syntax -----------------------------------------------------------------------


@st.composite
def scalar(draw, text: str, flow: bool = False) -> str:
    """One text as a YAML scalar: plain (when a YAML 1.1 reader reads it back), single- or double-quoted,
    sometimes with `!!str`, sometimes (rarely) with a tag validate refuses."""
    styles = ["double"]
    if "\n" not in text and text == text.strip() and not any(unicodedata.category(c)[0] in "CZ" and c != " " for c in text):
        styles.append("single")
        try:
            if yaml.safe_load(f"[{text}]" if flow else text) == ([text] if flow else text):
                styles.append("plain")
        except yaml.YAMLError:
            pass
    style = draw(st.sampled_from(styles))
    written = {"plain": text, "single": "'" + text.replace("'", "''") + "'", "double": double_quoted(text)}[style]
    tag = draw(st.sampled_from(["", "!!str "] * 20 + ["!!binary ", "!!timestamp "]))  # rarely a tag validate refuses
    return tag + written


@st.composite
def yaml_file(draw) -> bytes:
    """A valid record (with hostile text added) written the many ways people write YAML: quotes, flow
    lists and maps, comments above keys and after values, CRLF, a BOM, sometimes a key twice."""
    record = draw(records())
    record["context"] = draw(st.one_of(READABLE, ANY_TEXT))
    record["tags"] = draw(st.lists(st.one_of(READABLE, ANY_TEXT, st.sampled_from(["?q", "?x:y", ":x", "a, b", "no", "2018-12-04", "#x", "- x"])), max_size=3))
    lines: list[str] = []
    for key, value in draw(st.permutations(list(record.items()))):
        if draw(RARELY):
            lines.append(f"# about {key}")
        comment = "  # note" if draw(RARELY) else ""
        if isinstance(value, str):
            lines.append(f"{key}: {draw(scalar(value))}{comment}")
        elif isinstance(value, list) and all(isinstance(item, str) for item in value) and draw(st.booleans()):
            items = ", ".join(draw(scalar(item, flow=True)) for item in value)
            lines.append(f"{key}: [{items}]{comment}")
        else:
            dumped = yaml.safe_dump({key: value}, allow_unicode=draw(st.booleans()), default_flow_style=draw(st.sampled_from([False, None])), width=4096)
            lines.extend(dumped.rstrip("\n").split("\n"))
    if draw(RARELY):
        lines.append(f"claim: {draw(scalar('Again.'))}")  # a key written twice
    if draw(st.booleans()):
        lines.append("# the end")
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from(["", "", "\ufeff"]))
    return (bom + ending.join(lines) + ending).encode("utf-8")


@SETTINGS
@given(yaml_file())
def test_fmt_keeps_what_a_yaml_file_means_or_leaves_it_with_the_reason(content):
    path = in_file("a.yaml", content)
    before = toolkit_reads(path)
    result = format_paths([path])  # never a traceback
    if result.failed:
        [(name, why)] = result.failed
        assert name == str(path) and why and "Traceback" not in why
        assert path.read_bytes() == content  # left as it was
        return
    assert before is not None, "fmt rewrote a file validate cannot read"
    assert toolkit_reads(path) == before
    for documents in other_readers(path):
        assert as_records(documents) == before
    assert format_paths([path], check=True).unchanged == [str(path)]  # idempotent
    if content.startswith(b"\xef\xbb\xbf"):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), ANY_TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(ANY_TEXT, inner, max_size=3)),
    max_leaves=8,
)


@st.composite
def json_file(draw) -> bytes:
    """A record with odd values in JSON: any text (escaped or not), numbers out of range, half a
    UTF-16 pair, a key written twice."""
    record = draw(records())
    text = json.dumps(record, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 2, 4])))
    extra = draw(st.sampled_from(["", "", '"score": 1e400, ', '"note": "\\ud800", ', '"claim": "Twice.", ', '"n": -1e999, ']))
    odd = json.dumps(draw(JSON_VALUES), ensure_ascii=draw(st.booleans()))
    return text.replace("{", "{" + extra + f'"x-odd": {odd}, ', 1).encode("utf-8")


@SETTINGS
@given(json_file())
def test_fmt_keeps_what_a_json_file_means_or_leaves_it_with_the_reason(content):
    path = in_file("a.json", content)
    before = toolkit_reads(path)
    result = format_paths([path])
    if result.failed:
        assert path.read_bytes() == content and result.failed[0][1]
        return
    assert before is not None
    assert toolkit_reads(path) == before == [json.loads(path.read_text(encoding="utf-8"))]
    assert format_paths([path], check=True).unchanged == [str(path)]


# -- exports that are claim input again --------------------------------------------------------------


def _past(value):
    """The record with every day moved into the past (the strategies draw any day) and no history
    (whose order is another rule's)."""
    if isinstance(value, dict):
        return {key: _past(item) for key, item in value.items() if key != "history"}
    if isinstance(value, list):
        return [_past(item) for item in value]
    if isinstance(value, str) and len(value) >= 4 and value[:4].isdigit() and value[:4] > "2025":
        return "2020" + value[4:]
    return value


@SETTINGS
@given(st.lists(records(), min_size=1, max_size=3), st.sampled_from(["csv", "jsonl"]))
def test_an_export_validates_and_builds_back_the_same_table(batch, fmt):
    """export -> validate -> build gives the same table (but where each row was read from)."""
    from polars.testing import assert_frame_equal

    from toolkit.building import build
    from toolkit.exporting import export

    batch = [{**_past(r), "id": f"{r['id']}-{i}", "claim": f"Number {i} said: {r['claim']}"} for i, r in enumerate(batch)]
    source = in_file("claims.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in batch).encode())
    before = build([source]).table
    out = source.parent / "export" / f"claims.{fmt}"
    export(before, fmt, out)
    assert toolkit.validate([out]).valid
    after = build([out]).table
    assert_frame_equal(before.drop("source_file", "source_line"), after.drop("source_file", "source_line"))


# -- migrate ------------------------------------------------------------------------------------------


@st.composite
def schema_1_files(draw) -> tuple[str, bytes]:
    """A schema 1 record (one `review`) written as YAML (by PyYAML, quotes where it wants them), JSON
    or JSON Lines."""
    record = _past(draw(records()))
    record.pop("reviews", None)
    record["review"] = draw(st.fixed_dictionaries({"url": st.just("https://checker.example.org/a")}, optional={
        "summary": READABLE, "reviewer": READABLE, "date": st.just("2018-06-14")}))
    kind = draw(st.sampled_from(["yaml", "json", "jsonl"]))
    if kind == "yaml":
        text = yaml.safe_dump(record, allow_unicode=draw(st.booleans()), sort_keys=draw(st.booleans()), width=4096)
    else:
        text = json.dumps(record, ensure_ascii=draw(st.booleans()), indent=2 if kind == "json" else None) + "\n"
    return kind, text.encode("utf-8")


@SETTINGS
@given(schema_1_files())
def test_what_migrate_writes_is_valid_canonical_and_read_alike(file):
    from toolkit.migrate import migrate_paths

    kind, content = file
    path = in_file(f"a.{kind}", content)
    result = migrate_paths([path])
    assert result.migrated == {str(path): 1}, result.failed
    assert toolkit.validate([path], today=LATEST).valid
    [record] = toolkit_reads(path)
    assert "review" not in record and record["reviews"][0]["url"] == "https://checker.example.org/a"
    if kind != "jsonl":
        assert format_paths([path], check=True).unchanged == [str(path)]
        for documents in other_readers(path):
            assert as_records(documents) == [record]
