"""The dataset card: front matter the Hub understands, a body a reader wants."""

from __future__ import annotations

import subprocess

import pyarrow.parquet as pq
import pytest
import yaml
from huggingface_hub import DatasetCard

from conftest import FIXTURES
from toolkit.building import build, write_folder
from toolkit.config import DatasetConfig, load_config
from toolkit.dataset import Dataset
from toolkit.errors import UsageError
from toolkit.vocabulary import STATUSES


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    config = Dataset.open([FIXTURES]).config
    write_folder(build([FIXTURES]), out, config, version="1.2.0", entry="## 1.2.0\n\n- Added `x`\n")
    return out


def test_front_matter(folder):
    card = DatasetCard.load(folder / "README.md")
    data = card.data.to_dict()
    assert data["pretty_name"] == "Korean Peninsula claims, December 2018"
    assert data["license"] == "cc-by-4.0" and data["language"] == ["en"]
    assert data["size_categories"] == ["n<1K"]
    assert "fact-checking" in data["tags"] and "korea" in data["tags"]
    assert data["configs"] == [{"config_name": "default", "data_files": [{"split": "train", "path": "data/train-*.parquet"}]}]
    assert data["dataset_info"]["splits"][0]["num_examples"] == 14


def test_features_match_the_parquet_schema(folder):
    import datasets

    front = yaml.safe_load((folder / "README.md").read_text().split("---")[1])
    declared = datasets.Features._from_yaml_list(front["dataset_info"]["features"])
    shard = next((folder / "data").glob("*.parquet"))
    assert declared == datasets.Features.from_arrow_schema(pq.read_schema(shard))


def test_body_says_what_a_reader_needs(folder):
    body = DatasetCard.load(folder / "README.md").text
    for section in ("## What a record is", "## Status vocabulary", "## Counts", "## Loading a version", "## Citation",
                    "## Changelog"):
        assert section in body
    for status in STATUSES.values():
        assert f"| `{status.name}` | {status.meaning} |" in body
    assert 'load_dataset("claims-toolkit/korea-claims-2018", revision="v1.2.0"' in body
    assert "hf://datasets/claims-toolkit/korea-claims-2018@v1.2.0/data/*.parquet" in body
    assert "| Mintaro Oba | 4 |" in body and "| 2018 | 14 |" in body
    assert "- Added `x`" in body


def test_config_overrides_and_errors(write):
    path = write("claims.yaml", "pretty_name: Desk claims\nlicense: mit\nlanguage: pt-BR\n")
    config = load_config(path).with_overrides(license="cc0-1.0", citation=None)
    assert (config.pretty_name, config.license, config.language) == ("Desk claims", "cc0-1.0", ("pt-BR",))
    with pytest.raises(UsageError, match="unknown settings \\(licence\\)"):
        load_config(write("bad.yaml", "licence: mit\n"))
    assert DatasetConfig().license is None, "a license is never guessed"


def test_the_desk_owns_its_sections_and_the_license(tmp_path, cli):
    """The card sections a desk writes are kept in every version's card; languages come from the
    records; with no license, publish refuses instead of choosing one."""
    import shutil

    from conftest import CLAIMS

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # claims.yaml is found up to the repository root
    shutil.copytree(CLAIMS, tmp_path / "claims")
    (tmp_path / "claims.yaml").write_text("pretty_name: Desk\n")
    (tmp_path / "dataset-card.md").write_text("## Methodology and rating scale\n\nTwo checkers read every source.\n")
    (tmp_path / "claims" / "washington.json").write_text(
        (tmp_path / "claims" / "washington.json").read_text().replace('"language": "en"', '"language": "ar"', 1))
    refused = cli("publish", tmp_path / "claims", "--repo", tmp_path / "store")
    assert refused.exit_code == 2 and "no license" in refused.stderr and not (tmp_path / "store").exists()
    (tmp_path / "claims.yaml").write_text("pretty_name: Desk\nlicense: cc-by-sa-4.0\n")
    assert cli("publish", tmp_path / "claims", "--repo", tmp_path / "store").exit_code == 0
    card = subprocess.run(["git", "-C", str(tmp_path / "store"), "show", "v1.0.0:README.md"],
                          capture_output=True, text=True, check=True).stdout
    front = yaml.safe_load(card.split("---")[1])
    assert front["license"] == "cc-by-sa-4.0" and front["language"] == ["ar", "en"]
    assert "## Methodology and rating scale\n\nTwo checkers read every source." in card


@pytest.mark.slow
def test_card_and_changelog_stay_small_at_twenty_thousand_claims(tmp_path):
    """Counts and at most 50 ids per kind of change in the card and the changelog; every id in the
    version's changes.json."""
    import json

    from toolkit.publishing import publish

    def edition(count: int, status: str) -> str:
        return "".join(json.dumps({"id": f"claim-{n:05d}", "speaker": f"Speaker {n % 3000}", "claim": f"Claim {n}.",
                                   "date": "2018-12-04", "status": status if n % 2 else "true",
                                   "sources": [{"url": f"https://example.org/{n}"}]}) + "\n" for n in range(count))

    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "claims.yaml").write_text("license: cc-by-4.0\n")
    (folder / "claims.jsonl").write_text(edition(20_000, "true"))
    store = str(tmp_path / "store")
    publish([folder], store)
    (folder / "claims.jsonl").write_text(edition(20_500, "false"))  # 500 added, 10,000 status changes
    publish([folder], store)

    def shown(name: str) -> str:
        return subprocess.run(["git", "-C", store, "show", f"v1.1.0:{name}"], capture_output=True, text=True,
                              check=True).stdout

    card, changelog, changes = shown("README.md"), shown("CHANGELOG.md"), json.loads(shown("changes.json"))
    assert len(card.encode()) < 50_000 and len(changelog.encode()) < 50_000
    latest, first = changelog.split("\n## 1.0.0 (")
    assert first.count("- Added `") == 50 and "and 19,950 more added" in first
    changelog = latest
    assert changelog.count("- Added `") == 50 and "and 450 more added" in changelog
    assert changelog.count("- **Status** of `") == 50 and "and 9,950 more status changes" in changelog
    assert len(changes["added"]) == 500 and len(changes["changed"]) == 10_000
    first_changes = subprocess.run(["git", "-C", store, "show", "v1.0.0:changes.json"], capture_output=True,
                                   text=True, check=True).stdout
    assert len(first_changes) < 1_000 and json.loads(first_changes)["counts"]["added"] == 20_000
    assert "(2,980 other speakers)" in card
