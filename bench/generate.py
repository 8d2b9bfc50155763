"""Deterministic synthetic claims for the benchmark: realistic text lengths, about 1% invalid.

Every invalid record is injected on purpose, and the generator knows which lines (or files) must be
reported, so the benchmark can check the verdicts as well as the time. Records are written as JSON
Lines (one big file) or as one-record YAML / JSON files in a tree of folders, like a hand-curated
repository.

    python bench/generate.py --records 100000 --out /tmp/claims.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import orjson

SEED = 20181212
PACKAGED_SCHEMA = Path(__file__).resolve().parent.parent / "schema" / "claim.schema.json"
INVALID_SHARE = 0.01

WORDS = """
the a of to and in that is for on with as was by it be at from has have not are this but more than
they their said would will its were been about which one all new two who also after over when there
year years people government country state states president minister tax taxes jobs health care
million billion percent rate crime police border wall trade deal deals economy economic growth
unemployment workers wages school schools students teachers hospital hospitals doctors nurses
water energy oil gas coal climate emissions carbon election elections vote votes voters court law
laws bill budget deficit debt spending military troops war peace treaty sanctions nuclear weapons
city cities rural farmers food prices inflation housing rent homes families children women men
immigrants refugees asylum visas china russia europe mexico canada korea japan india brazil africa
first last highest lowest record fewer most never always every since under before during against
doubled tripled cut raised lowered created lost built closed opened signed vetoed passed blocked
""".split()
FIRST = "John Maria Ahmed Li Olga Pedro Anna James Fatima Kenji Sarah David Amina Carlos Elena Tom Priya Luis".split()
LAST = "Smith Garcia Khan Wang Petrova Silva Johnson Brown Okafor Tanaka Miller Rossi Novak Lopez Murphy Kim".split()
ACCENTED = ["José Álvarez", "Zoë Müller", "François Lefèvre", "Søren Kierkegård", "Łukasz Wróbel", "Chloé Dubois"]
TITLES = ["Senator", "Governor", "Mayor", "Minister", "President", "Representative", "Councillor"]
PUBLISHERS = ["Reuters", "Associated Press", "ThinkProgress", "The Guardian", "Le Monde", "El País",
              "Der Spiegel", "NHK", "Folha de S.Paulo", "BBC News", "PolitiFact", "Full Fact"]
DOMAINS = ["example.org", "news.example.com", "factcheck.example.net", "archive.example.org", "press.example.co.uk"]
STATUSES = ["unverified", "true", "mostly-true", "mixed", "mostly-false", "false", "misleading", "unproven"]
LANGUAGES = ["en"] * 8 + ["pt-BR", "fr", "de", "es"]

# Invalid kinds: what is changed, and whether a plain jsonschema loop can see it (`schema`) or only
# the toolkit's own rules can (syntax errors are seen by both: a plain loop fails to parse them).
SCHEMA_KINDS = [
    "bad-status", "impossible-date", "date-format", "unknown-field", "missing-required", "wrong-type",
    "empty-text", "bad-id", "bad-url", "long-claim", "repeated-tag", "bad-language", "nested-unknown",
    "history-bad-status", "too-many-sources",
]
TOOLKIT_KINDS = ["syntax", "duplicate-key", "duplicate-id", "duplicate-claim", "future-date", "history-order"]


@dataclass
class Dataset:
    """Records as text, and which of them must be reported (by 0-based record number)."""

    lines: list[bytes] = field(default_factory=list)
    invalid: set[int] = field(default_factory=set)  # every record that must get an error
    schema_invalid: set[int] = field(default_factory=set)  # those a plain jsonschema loop sees
    kinds: dict[str, int] = field(default_factory=dict)
    repeats: dict[int, int] = field(default_factory=dict)  # a duplicate claim -> the record it repeats


def words(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high)))


def sentence(rng: random.Random, low: int, high: int, serial: int | None = None) -> str:
    text = words(rng, low, high)
    if serial is not None:  # makes every claim distinct, so no duplicate claim happens by chance
        text += f" by {serial:,} in total"
    if rng.random() < 0.05:
        text = f"“{text}” — {rng.choice(ACCENTED)}"
    return text[0].upper() + text[1:] + rng.choice(".!?.")


def day(rng: random.Random, first: int = 1990, last: int = 2023) -> str:
    return f"{rng.randint(first, last):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def url(rng: random.Random) -> str:
    slug = "-".join(rng.choices(WORDS, k=rng.randint(2, 5)))
    return f"https://{rng.choice(DOMAINS)}/{rng.randint(1995, 2023)}/{rng.randint(1, 12):02d}/{slug}"


def speaker(rng: random.Random) -> str:
    if rng.random() < 0.03:
        return rng.choice(ACCENTED)
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    return f"{rng.choice(TITLES)} {name}" if rng.random() < 0.4 else name


def valid_record(rng: random.Random, serial: int) -> dict[str, Any]:
    when = day(rng)
    slug = "-".join(rng.choices(WORDS, k=rng.randint(2, 4)))
    record: dict[str, Any] = {
        "id": f"{slug}-{serial:x}",
        "speaker": speaker(rng),
        "claim": sentence(rng, 6, 16, serial),
        "date": when,
        "status": rng.choice(STATUSES),
    }
    if rng.random() < 0.4:
        record["context"] = sentence(rng, 5, 12)
    if rng.random() < 0.9:
        record["language"] = rng.choice(LANGUAGES)
    if rng.random() < 0.7:
        record["tags"] = sorted(set(rng.choices(WORDS[60:], k=rng.randint(1, 4))))
    sources = []
    for _ in range(rng.choice([1, 1, 1, 1, 1, 2, 2, 3])):
        source: dict[str, Any] = {"url": url(rng)}
        if rng.random() < 0.3:
            source["title"] = sentence(rng, 4, 10)
        if rng.random() < 0.7:
            source["publisher"] = rng.choice(PUBLISHERS)
        if rng.random() < 0.3:
            source["date"] = when
        sources.append(source)
    record["sources"] = sources
    if rng.random() < 0.2:
        record["speaker_type"] = rng.choice(["person", "person", "organization", "group"])
    if rng.random() < 0.1:
        record["appearances"] = [{"url": url(rng), "date": when}]
    if rng.random() < 0.1:
        record["reviews"] = [{"summary": sentence(rng, 10, 25), "url": url(rng), "author": rng.choice(PUBLISHERS),
                              "date": when, "status": record["status"]}]
    if rng.random() < 0.05:
        later = f"{min(int(when[:4]) + 1, 2023)}{when[4:]}"
        record["history"] = [{"date": when, "status": "unverified"},
                             {"date": later, "status": record["status"], "note": sentence(rng, 4, 10)}]
    return record


def spoil(rng: random.Random, record: dict[str, Any], kind: str) -> dict[str, Any] | bytes:
    """The record changed so that it has exactly the problem `kind` names."""
    if kind == "bad-status":
        record["status"] = rng.choice(["maybe", "True", "pants-fire", "half true"])
    elif kind == "impossible-date":
        record["date"] = rng.choice(["2019-02-30", "2018-13-01", "2017-04-31", "2021-00-10"])
    elif kind == "date-format":
        record["date"] = rng.choice(["12/04/2018", "2018-4-5", "4 December 2018", "20181204"])
    elif kind == "unknown-field":
        record[rng.choice(["speakr", "source", "verdict", "notes"])] = "x"
    elif kind == "missing-required":
        del record[rng.choice(["speaker", "claim", "date", "status"])]
    elif kind == "wrong-type":
        field_name, value = rng.choice([("claim", 42), ("speaker", None), ("tags", "economy"), ("sources", {"url": url(rng)})])
        record[field_name] = value
    elif kind == "empty-text":
        record[rng.choice(["speaker", "claim"])] = ""
    elif kind == "bad-id":
        record["id"] = rng.choice(["Bad_ID-1", "ab", "trailing-hyphen-", "double--hyphen", "UPPER-case"])
    elif kind == "bad-url":
        record["sources"][0]["url"] = rng.choice(["ftp://example.org/file", "https://exa mple.org/a", "www.example.org", "https://"])
    elif kind == "long-claim":
        record["claim"] = ("a long claim " * 400)[:5001]
    elif kind == "repeated-tag":
        record["tags"] = ["economy", "jobs", "economy"]
    elif kind == "bad-language":
        record["language"] = rng.choice(["english", "en_US", "e"])
    elif kind == "nested-unknown":
        record["sources"][0]["titel"] = "A misspelt key"
    elif kind == "history-bad-status":
        record["history"] = [{"date": record["date"], "status": "probably"}]
    elif kind == "too-many-sources":
        record["sources"] = [{"url": url(rng)} for _ in range(21)]
    elif kind == "future-date":
        record["date"] = "2999-01-01"
        record.pop("history", None)
        for source in record["sources"]:
            source.pop("date", None)
        record.pop("reviews", None)
        record.pop("appearances", None)
    elif kind == "history-order":
        record["history"] = [{"date": record["date"], "status": "unverified"}, {"date": "1980-01-01", "status": "false"}]
    elif kind == "syntax":
        text = json.dumps(record, ensure_ascii=False)
        return text[: rng.randint(10, len(text) - 2)].encode()
    elif kind == "duplicate-key":
        text = json.dumps(record, ensure_ascii=False)
        return (text[:-1] + ', "status": "false"}').encode()
    else:
        raise ValueError(kind)
    return record


# --- fields a desk's own schema adds -------------------------------------------------------------

def added_fields(schema: dict[str, Any], packaged: dict[str, Any]) -> dict[str, Any]:
    """The properties `schema` declares that the packaged schema does not (name -> subschema)."""
    return {name: spec for name, spec in schema.get("properties", {}).items() if name not in packaged.get("properties", {})}


def value_for(spec: Any, rng: random.Random, document: dict[str, Any]) -> Any:
    """A value `spec` accepts, made from the keywords a field's schema commonly uses (`$ref`,
    `enum`, `const`, `anyOf`/`oneOf` with branches of distinct types, `type` with its bounds),
    so that the generator follows whatever schema it is given."""
    while isinstance(spec, dict) and "$ref" in spec:
        target: Any = document
        for step in spec["$ref"].removeprefix("#/").split("/"):
            target = target[step]
        spec = target
    if not isinstance(spec, dict):
        return None
    if "const" in spec:
        return spec["const"]
    if "enum" in spec:
        return rng.choice(spec["enum"])
    for choice in ("anyOf", "oneOf"):
        if choice in spec:
            return value_for(rng.choice(spec[choice]), rng, document)
    kind = spec.get("type", "string")
    kind = rng.choice(kind) if isinstance(kind, list) else kind
    if kind == "string":
        if spec.get("format") == "date":
            return day(rng)
        low, high = spec.get("minLength", 1), min(spec.get("maxLength", 60), 60)
        return (words(rng, 1, 6) + " " * high)[: rng.randint(low, high)].rstrip().ljust(low, "x")
    if kind == "integer":
        return rng.randint(spec.get("minimum", 0), spec.get("maximum", 1000))
    if kind == "number":
        return round(rng.uniform(spec.get("minimum", 0), spec.get("maximum", 100)), 2)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "array":
        return [value_for(spec.get("items", {}), rng, document) for _ in range(spec.get("minItems", 1))]
    if kind == "object":
        properties = spec.get("properties", {})
        return {name: value_for(properties.get(name, {}), rng, document) for name in spec.get("required", properties)}
    return None


def records(count: int, seed: int = SEED, invalid_share: float = INVALID_SHARE, schema: dict[str, Any] | None = None,
            ) -> Iterator[tuple[dict[str, Any] | bytes, str | None, int | None]]:
    """(record or raw text, invalid kind or None, earlier record it repeats or None), in order.
    With a desk's `schema`, every record also holds the fields it adds (drawn from their own
    random stream, so the records are otherwise the same)."""
    rng = random.Random(seed)
    extra_rng = random.Random(seed + 1)
    extras = added_fields(schema, json.loads(PACKAGED_SCHEMA.read_text(encoding="utf-8"))) if schema else {}
    kinds = SCHEMA_KINDS + TOOLKIT_KINDS
    recent: list[tuple[int, dict[str, Any]]] = []
    for serial in range(count):
        record = valid_record(rng, serial)
        record.update((name, value_for(spec, extra_rng, schema)) for name, spec in extras.items())
        if serial < 10 or rng.random() >= invalid_share:
            if len(recent) < 1000:
                recent.append((serial, record))
            elif rng.random() < 0.01:
                recent[rng.randrange(len(recent))] = (serial, record)
            yield record, None, None
            continue
        kind = kinds[serial % len(kinds)]
        if kind in ("duplicate-id", "duplicate-claim"):
            index = rng.randrange(len(recent))
            earlier, original = recent.pop(index)  # each original is repeated at most once
            if kind == "duplicate-id":
                record["id"] = original["id"]
            else:
                record.update(speaker=original["speaker"], claim=original["claim"], date=original["date"])
                record.pop("history", None)
            yield record, kind, earlier
            continue
        yield spoil(rng, record, kind), kind, None


def dataset(count: int, seed: int = SEED, invalid_share: float = INVALID_SHARE, schema: dict[str, Any] | None = None) -> Dataset:
    data = Dataset()
    for serial, (record, kind, earlier) in enumerate(records(count, seed, invalid_share, schema)):
        data.lines.append(record if isinstance(record, bytes) else orjson.dumps(record))
        if kind is None:
            continue
        data.kinds[kind] = data.kinds.get(kind, 0) + 1
        data.invalid.add(serial)
        if kind == "duplicate-id":
            data.invalid.add(earlier)  # both places are reported
        if kind == "duplicate-claim":
            data.repeats[serial] = earlier  # the one read second is reported
        if kind in SCHEMA_KINDS or kind == "syntax":
            data.schema_invalid.add(serial)
    return data


def write_jsonl(data: Dataset, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for line in data.lines:
            out.write(line + b"\n")


_QUOTED_DAY = re.compile(r"'([0-9]{4}-[0-9]{2}-[0-9]{2})'")


def as_yaml(record: dict[str, Any]) -> str:
    """As a curator writes it: block style, dates unquoted, only ambiguous words quoted."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(record, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return _QUOTED_DAY.sub(r"\1", text)


def write_files(data: Dataset, folder: Path, count: int, suffix: str) -> tuple[set[int], set[int]]:
    """The first `count` records as one-record files in 100 folders.

    Returns the numbers of the files that must be reported by us, and by a plain schema check. Only
    kinds that mean the same in every format are kept invalid: records whose problem is JSON text (a
    syntax error, a key written twice) and, in YAML, numbers (a YAML scalar is text to us, a number
    to other tools) are written valid instead.
    """
    folder.mkdir(parents=True, exist_ok=True)
    ours, schema = set(), set()
    for number, line in enumerate(data.lines[:count]):
        try:
            record = json.loads(line)
            broken = len(re.findall(rb'"\s*:', line)) != _count_keys(record)
        except ValueError:
            record, broken = None, True
        if broken or (suffix == ".yaml" and _has_number(record)):
            record = valid_record(random.Random(number), number + 10_000_000)
        else:
            if number in data.invalid:
                ours.add(number)
            if number in data.schema_invalid:
                schema.add(number)
        text = as_yaml(record) if suffix == ".yaml" else json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        sub = folder / f"{number % 100:02d}"
        sub.mkdir(exist_ok=True)
        (sub / f"claim-{number:06d}{suffix}").write_text(text, encoding="utf-8")
    # Files are read in path order (folder, then name): of two records that make the same claim,
    # the one whose path sorts later is the one reported.
    for later, earlier in data.repeats.items():
        if later in ours:
            ours.discard(later)
            ours.add(max(later, earlier, key=lambda n: (n % 100, n)))
    return ours, schema


def _has_number(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_number(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_number(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _count_keys(value: Any) -> int:
    if isinstance(value, dict):
        return len(value) + sum(_count_keys(v) for v in value.values())
    if isinstance(value, list):
        return sum(_count_keys(v) for v in value)
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--valid", action="store_true", help="no invalid record (for `claims build`)")
    parser.add_argument("--schema", type=Path, help="a desk's schema: records also hold the fields it adds")
    args = parser.parse_args()
    schema = json.loads(args.schema.read_text(encoding="utf-8")) if args.schema else None
    data = dataset(args.records, args.seed, 0.0 if args.valid else INVALID_SHARE, schema)
    write_jsonl(data, args.out)
    print(f"{len(data.lines):,} records, {len(data.invalid):,} invalid: {dict(sorted(data.kinds.items()))}")


if __name__ == "__main__":
    main()
