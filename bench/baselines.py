"""What a user would run instead of `claims`, each as its own process so it is timed and measured
like ours. Prints one JSON object on stdout.

    python bench/baselines.py jsonschema SCHEMA FILE.jsonl
    python bench/baselines.py polars FILE.jsonl OUT.parquet
"""

from __future__ import annotations

import json
import sys
import time


def plain_jsonschema(schema_path: str, path: str) -> dict:
    """A plain loop: the standard library's json, jsonschema's Draft 2020-12 validator with its
    format checker (date and uri on, as rfc3986-validator is installed). A line that does not
    parse counts as invalid."""
    from jsonschema import Draft202012Validator, FormatChecker

    with open(schema_path, encoding="utf-8") as handle:
        validator = Draft202012Validator(json.load(handle), format_checker=FormatChecker())
    started = time.perf_counter()
    invalid, records = [], 0
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            records += 1
            try:
                record = json.loads(line)
            except ValueError:
                invalid.append(number)
                continue
            if not validator.is_valid(record):
                invalid.append(number)
    return {"records": records, "invalid_lines": invalid, "seconds": time.perf_counter() - started}


def polars_floor(path: str, out: str) -> dict:
    """The floor for `claims build`: Polars reads the JSON Lines with an explicit schema (nothing
    inferred) and writes one Parquet file."""
    import polars as pl

    text, struct = pl.String, pl.Struct
    schema = {
        "id": text, "speaker": text, "claim": text, "date": text, "status": text, "context": text,
        "language": text, "tags": pl.List(text),
        "sources": pl.List(struct({"url": text, "title": text, "publisher": text, "date": text})),
        "review": struct({"summary": text, "url": text, "reviewer": text, "date": text}),
        "history": pl.List(struct({"date": text, "status": text, "note": text})),
    }
    started = time.perf_counter()
    frame = pl.read_ndjson(path, schema=schema)
    frame.write_parquet(out, compression="zstd")
    return {"rows": frame.height, "seconds": time.perf_counter() - started}


def main() -> None:
    kind, *args = sys.argv[1:]
    result = {"jsonschema": plain_jsonschema, "polars": polars_floor}[kind](*args)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
