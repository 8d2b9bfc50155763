"""The dataset card: README.md with front matter the Hub understands and a body a reader wants.

Made with huggingface_hub's `DatasetCardData`/`DatasetCard`, so the metadata is what the Hub
expects, and `dataset_info` features come from the Parquet schema itself (through `datasets`).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from huggingface_hub import DatasetCard, DatasetCardData

from .columns import BUILT
from .config import DatasetConfig
from .counting import Stats
from .errors import UsageError
from .paths import CARD_LIMIT, read_text
from .provenance import Origin
from .schema import ClaimSchema
from .vocabulary import STATUSES

_SIZES = [
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
]


def size_category(rows: int) -> str:
    return next((name for limit, name in _SIZES if rows < limit), "n>1T" if rows > 10**12 else "100M<n<1B")


def _features(table: pl.DataFrame, num_bytes: int) -> dict:
    """`dataset_info` for the front matter: features as `datasets` reads them from our Parquet."""
    import datasets

    features = datasets.Features.from_arrow_schema(table.head(0).to_arrow().schema)
    splits = datasets.SplitDict()
    splits.add(datasets.SplitInfo("train", num_bytes=num_bytes, num_examples=table.height))
    return datasets.DatasetInfo(features=features, splits=splits)._to_yaml_dict()


def card_data(table: pl.DataFrame, config: DatasetConfig, num_bytes: int) -> DatasetCardData:
    return DatasetCardData(
        pretty_name=config.pretty_name,
        license=config.license,
        language=list(config.language) or languages(table),
        task_categories=["text-classification"],
        task_ids=["fact-checking"],
        tags=sorted({"fact-checking", "claims", "claimreview", *config.tags}),
        size_categories=[size_category(table.height)],
        configs=[{"config_name": "default", "data_files": [{"split": "train", "path": "data/train-*.parquet"}]}],
        dataset_info=_features(table, num_bytes),
    )


def languages(table: pl.DataFrame) -> list[str]:
    """The languages of the records (their primary subtags: `pt-BR` is `pt`), for the card's
    metadata when claims.yaml names none; never a guess."""
    if "language" not in table.columns:
        return []
    primary = table.get_column("language").drop_nulls().str.split("-").list.first().str.to_lowercase()
    return sorted(primary.unique().to_list())


def desk_sections(config: DatasetConfig) -> str:
    """The sections the desk writes itself (methodology, uses, limitations, contact...), from the
    file claims.yaml names: kept word for word in the card of every version."""
    if not config.card:
        return ""
    try:
        text = read_text(config.card, what="the card sections named in claims.yaml", limit=CARD_LIMIT)
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{config.card}: cannot read the card sections named in claims.yaml: {error}") from None
    if "\x00" in text:
        raise UsageError(
            f"{config.card}: the card sections named in claims.yaml hold a NUL character: not Markdown text"
        )
    return text.strip() + "\n\n"


def _provenance(config: DatasetConfig, origin: Origin | None) -> str:
    """Who curated the dataset, and when and from what this version was released."""
    publisher = dict(config.publisher)
    name = publisher.get("name")
    curator = f"[{name}]({publisher['url']})" if name and publisher.get("url") else name
    lines = [f"Curated by {curator}." if curator else "Curator not named (publisher in claims.yaml)."]
    if origin is not None:
        lines.append(f"Released on {origin.date} from {origin.describe()} of the curators' repository.")
    return " ".join(lines) + "\n\n"


def _markdown_table(header: list[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _fields(schema: ClaimSchema) -> str:
    required = set(schema.document.get("required", []))
    rows = []
    for name, dtype in schema.columns.table_schema().items():
        spec = schema.resolve(schema.properties.get(name, {}))
        built = BUILT.get(name, (None, ""))[1]
        about = schema.properties.get(name, {}).get("description") or spec.get("description") or built
        rows.append([f"`{name}`", f"`{dtype}`", "yes" if name in required else "", about])
    return _markdown_table(["column", "type", "required", "meaning"], rows)


def _vocabulary() -> str:
    rows = [
        [
            f"`{s.name}`",
            s.meaning,
            f"{s.rating} ({s.alternate_name})" if s.rating else "left out",
            s.liar or "-",
            s.claimskg,
        ]
        for s in STATUSES.values()
    ]
    return _markdown_table(["status", "meaning", "ClaimReview ratingValue (alternateName)", "LIAR", "ClaimsKG"], rows)


def _counts(counts: Stats, chart: str | None) -> str:
    """The verdicts in all, of the speakers with most claims and per year, as `claims stats`
    counts them; first the chart of them, by its path in the version (the Hub shows an image a
    card names by a relative path)."""
    from .counting import Tally, verdicts

    statuses = _markdown_table(["status", "claims"], list(counts.statuses.items()))
    speakers = [*counts.speakers, *([counts.others] if counts.others else [])]
    periods = [*counts.periods, *([Tally(f"no {counts.by}", counts.unplaced)] if any(counts.unplaced.values()) else [])]
    parts = [f"![Verdicts by speaker and by {counts.by}]({chart})"] if chart else []
    parts.append(f"By status:\n\n{statuses}")
    for title, rows in (("speaker", speakers), (counts.by, periods)):
        rows_shown = [[row.name, f"{row.claims:,}", verdicts(row)] for row in rows]
        parts.append(f"By {title}:\n\n" + _markdown_table([title, "claims", "verdicts"], rows_shown))
    return "\n\n".join(parts)


def render_card(
    table: pl.DataFrame,
    schema: ClaimSchema,
    config: DatasetConfig,
    *,
    repo_id: str,
    version: str | None,
    changelog_entry: str | None,
    num_bytes: int,
    origin: Origin | None = None,
    counts: Stats | None = None,
    chart: str | None = None,
) -> str:
    """The whole README.md, deterministic for the same inputs (a published version's `origin`,
    its day and commit, among them). `counts`: the table's (counted here when not given);
    `chart`: the path of the verdicts chart in the version, if it has one."""
    if counts is None:
        from .counting import TOP_SPEAKERS, stats, statuses_of

        counts = stats(table, statuses_of(schema), top=TOP_SPEAKERS)
    revision = f"v{version}" if version else "main"
    load = f"""```python
from datasets import load_dataset

claims = load_dataset("{repo_id}", revision="{revision}", split="train")
```

```python
import polars as pl

claims = pl.read_parquet("hf://datasets/{repo_id}@{revision}/data/*.parquet")
```

```sql
-- DuckDB
SELECT * FROM 'hf://datasets/{repo_id}@{revision}/data/*.parquet';
```

Or with the toolkit: `claims pull {repo_id} --revision {revision} --out claims.csv`."""
    citation = config.citation or (
        f"@misc{{{repo_id.replace('/', '_').replace('-', '_')},\n  title = {{{config.pretty_name}}},\n"
        f"  howpublished = {{\\url{{https://huggingface.co/datasets/{repo_id}}}}},\n"
        f"  note = {{Version {version or 'unreleased'}}}\n}}"
    )
    body = f"""# {config.pretty_name}

{config.description}

**Version {version or "unreleased"}** ({table.height:,} claims). Every version is a tag (`v1.0.0`, ...) of this repository:
load a version by its tag and you get exactly the rows published under it.

{_provenance(config, origin)}{desk_sections(config)}## What a record is

One row is one claim: who said it, what was said, when, and where its fact-check stands, with the
sources that back it. Records are validated against `claim.schema.json` (JSON Schema 2020-12), which is
published beside the data.

{_fields(schema)}

## Status vocabulary

{_vocabulary()}

## Counts

{_counts(counts, chart)}

## Loading a version

{load}

## Citation

```bibtex
{citation}
```

## Changelog

{(changelog_entry or "Not published yet.").strip()}

The full history is in `CHANGELOG.md`.
"""
    data = card_data(table, config, num_bytes)
    return str(DatasetCard(f"---\n{data.to_yaml()}\n---\n\n{body}"))
