"""What validate passes, every command accepts: schema-valid records of arbitrary Unicode (that
the text rules let through), with optional fields left out or empty and texts as long as the
schema allows, go through validate, build, every export, stats, diff and publish without any
error but the toolkit's own."""

from __future__ import annotations

import json
import string

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toolkit
from toolkit.building import build, write_folder
from toolkit.config import DatasetConfig
from toolkit.errors import ClaimsError
from toolkit.exporting import export
from toolkit.publishing import publish, read_table
from toolkit.rules import findings
from toolkit.counting import stats
from toolkit.text import claim_key
from toolkit.versions import describe_changes, diff
from toolkit.vocabulary import STATUSES
import pytest

# Any character but surrogates (UTF-8 cannot hold them; the rules refuse them); texts that break
# a rule are filtered out below, so the others are all drawn.
CHARACTER = st.characters(codec="utf-8")
WORD = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=6)


def text(max_size: int) -> st.SearchStrategy[str]:
    """Text of 1 to `max_size` characters: short and arbitrary, or at the schema's limit."""
    short = st.text(CHARACTER, min_size=1, max_size=min(max_size, 30))
    longest = st.tuples(st.text(CHARACTER, min_size=1, max_size=3), st.sampled_from("xé문😀")).map(
        lambda pair: (pair[0] + pair[1] * max_size)[:max_size])
    return st.one_of(short, short, longest)


DAY = st.dates(min_value=__import__("datetime").date(1990, 1, 1),
               max_value=__import__("datetime").date(2024, 12, 31)).map(lambda d: d.isoformat())
URL = st.builds(lambda host, path: f"https://{host}.example.org/{path}", WORD,
                st.text(string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@/", max_size=40))


@st.composite
def source(draw) -> dict:
    item = {"url": draw(URL)}
    for name, value in (("title", text(500)), ("publisher", text(200)), ("date", DAY)):
        if draw(st.booleans()):
            item[name] = draw(value)
    return item


@st.composite
def record(draw) -> dict:
    date = draw(DAY)
    value = {
        "id": "-".join(draw(st.lists(WORD, min_size=1, max_size=4))) + "-x",
        "speaker": draw(text(200)),
        "claim": draw(text(5000)),
        "date": date,
        "status": draw(st.sampled_from(list(STATUSES))),
        "sources": draw(st.lists(source(), min_size=1, max_size=20 if draw(st.booleans()) else 2)),
    }
    optional = {
        "context": text(5000),
        "tags": st.lists(text(100), max_size=5, unique=True),  # empty lists included
        "language": st.sampled_from(["en", "pt-BR", "ko", "zh-Hant-TW"]),
        "speaker_type": st.sampled_from(["person", "organization", "group", "unknown"]),
        "appearances": st.lists(st.fixed_dictionaries({"url": URL}, optional={"date": DAY, "title": text(500)}), max_size=3),
        "reviews": st.lists(st.fixed_dictionaries({}, optional={
            "publisher": st.fixed_dictionaries({}, optional={"name": text(200), "url": URL}), "url": URL, "date": DAY,
            "rating": st.fixed_dictionaries({}, optional={"text": text(500), "value": st.integers(0, 10), "best": st.integers(1, 10)}),
            "status": st.sampled_from(list(STATUSES)), "summary": text(5000), "language": st.just("en"), "author": text(200),
        }), max_size=3),
        "history": st.lists(st.fixed_dictionaries({"date": st.just(date), "status": st.sampled_from(list(STATUSES))},
                                                  optional={"note": text(2000)}), max_size=3),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            value[name] = draw(strategy)
    return value


RECORDS = st.lists(record().filter(lambda r: not findings(r)), min_size=1, max_size=6,
                   unique_by=(lambda r: r["id"], lambda r: (claim_key(r["speaker"]), claim_key(r["claim"]))))


def own_errors_only(step):
    """Run `step`; the toolkit may refuse (its own errors), never crash."""
    try:
        return step()
    except ClaimsError:
        return None


@pytest.mark.slow
@settings(max_examples=20, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(values=RECORDS, as_yaml=st.booleans())
def test_what_validate_passes_every_command_accepts(tmp_path_factory, values, as_yaml):
    root = tmp_path_factory.mktemp("pipeline")
    first = root / "first"
    first.mkdir()
    if as_yaml:  # YAML as a curator's editor would write it (JSON is YAML, read with positions)
        for k, value in enumerate(values):
            (first / f"claim-{k}.yaml").write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        (first / "claims.jsonl").write_text("".join(json.dumps(v, ensure_ascii=False) + "\n" for v in values),
                                            encoding="utf-8")
    result = toolkit.validate([first], today=__import__("datetime").date(2025, 1, 1))
    assert result.valid, result.problems

    built = build([first])
    assert built.table.height == len(values)
    write_folder(built, root / "built-1")
    for fmt, name in (("csv", "a.csv"), ("parquet", "a.parquet"), ("jsonl", "a.jsonl")):
        export(built.table, fmt, root / name)
        assert (root / name).stat().st_size > 0
    own_errors_only(lambda: export(built.table, "claimreview", root / "a.json"))  # none if all are unverified
    assert pl.read_parquet(root / "a.parquet")["id"].sort().to_list() == sorted(v["id"] for v in values)
    assert pl.read_ndjson(root / "a.jsonl").height == len(values)
    assert stats(built.table).claims == len(values)

    second = root / "second"
    second.mkdir()
    edited = [dict(v, status="false" if v["status"] != "false" else "true") for v in values[:-1]] or values
    (second / "claims.jsonl").write_text("".join(json.dumps(v, ensure_ascii=False) + "\n" for v in edited), encoding="utf-8")
    rebuilt = build([second])
    write_folder(rebuilt, root / "built-2")
    change = diff(read_table(root / "built-1"), read_table(root / "built-2"))
    assert describe_changes(change) is not None and change.summary()

    store, config = str(root / "store"), DatasetConfig(license="cc-by-4.0")
    assert publish([first], store, config=config).version is not None
    own_errors_only(lambda: publish([second], store, config=config, allow_removals=True))
