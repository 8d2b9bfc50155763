"""How far our rating map (toolkit/ratings.py) agrees with labelled ratings: every label is read by
ours, and our status is put in the labeller's classes. Two numbers, apart: coverage (the share of
labels our map reads: a status, or a known label with no verdict) and agreement (of those read, the
share whose class is the labeller's). An unmapped label counts against coverage, never as agreement.

    python bench/label_agreement.py                      # the held-out set shipped in bench/data
    python bench/label_agreement.py --xfact X-FACT/data/x-fact/label_maps \\
        --factors FACTORS/scripts/construction/preparation/normalise_verdicts/normalise_verdicts.py

The held-out set (bench/data/ratings-heldout.tsv) was written from fact-checkers' published scales and
is never used to build the map: its figures are out of sample. X-Fact's and FACTors' maps were among
the sources of the shipped map, so their figures are in sample.

X-Fact: one `site.txt` per fact-checker (label TAB intermediate label; "other/satire" is other)
and `master_mapping.tsv` (class TAB intermediate|intermediate...). FACTors: the `verdict_mapping`
dict of its normalise_verdicts.py, read as a literal (never run). Neither is shipped here; fetch
the two repositories (github.com/utahnlp/x-fact, github.com/altuncu/FACTors) and point at them.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
from collections import Counter
from pathlib import Path

from toolkit.ratings import RatingMap

XFACT_CLASS = {  # our status -> X-Fact's class
    "true": "true", "mostly-true": "mostly true", "mixed": "partly true/misleading",
    "misleading": "partly true/misleading", "mostly-false": "mostly false", "false": "false",
    "unproven": "complicated/hard to categorise", None: "other",
}
FACTORS_CLASS = {  # our status -> FACTors' class
    "true": "true", "mostly-true": "partially true", "mixed": "partially true", "mostly-false": "partially true",
    "misleading": "misleading", "false": "false", "unproven": "unverifiable", None: "other",
}
HELD_OUT = Path(__file__).parent / "data" / "ratings-heldout.tsv"
OUR_CLASS = {None: "none"}  # the held-out set is labelled in our statuses ("none": no verdict)
SHORT_WORDS = 5  # X-Fact's maps also hold whole verdict paragraphs; labels of up to 5 words are counted apart


def xfact_labels(folder: Path) -> list[tuple[str, str, str]]:
    """(site, label, X-Fact class) for every label of every site map."""
    classes: dict[str, str] = {}
    for line in (folder / "master_mapping.tsv").read_text(encoding="utf-8").splitlines():
        name, _, members = line.partition("\t")
        for member in members.split("|"):
            classes.setdefault(member.strip(), name.strip())
    labels = []
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            label, tab, intermediate = line.rpartition("\t")
            if not tab or not label.strip():
                continue  # the methodology url heading some maps
            intermediate = intermediate.strip()
            kind = "other" if intermediate.startswith("other") else classes.get(intermediate, intermediate)
            labels.append((path.stem, label.strip(), kind))
    return labels


def factors_labels(script: Path) -> list[tuple[str, str, str]]:
    """("", label, FACTors class) for every label of `verdict_mapping`."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "verdict_mapping" for t in node.targets):
            mapping = ast.literal_eval(node.value)
            return [("", label, kind) for kind, labels in mapping.items() for label in labels]
    raise SystemExit(f"{script}: no verdict_mapping found")


def heldout_labels(path: Path = HELD_OUT) -> list[tuple[str, str, str]]:
    """(publisher, label, our status or "none") for every row of the held-out set."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [(row["publisher"], row["rating"], row["status"]) for row in csv.DictReader(lines, delimiter="\t")]


def agreement(labels: list[tuple[str, str, str]], ours_to_theirs: dict) -> dict:
    """Coverage and agreement apart; `ours_to_theirs` puts our status (None: no verdict) in their class."""
    ratings = RatingMap()
    agree, read = 0, 0
    disagreements: Counter = Counter()
    for site, label, theirs in labels:
        verdict = ratings.verdict(label, (site,))
        if verdict.how == "unmapped":
            disagreements[(label[:60], theirs, "unmapped")] += 1
            continue
        read += 1
        if ours_to_theirs.get(verdict.status, verdict.status) == theirs:
            agree += 1
        else:
            disagreements[(label[:60], theirs, verdict.status or verdict.how)] += 1
    return {
        "labels": len(labels),
        "read_by_our_map": read,
        "coverage": round(read / len(labels), 3) if labels else None,
        "agree": agree,
        "agreement": round(agree / read, 3) if read else None,
        "disagreements": [{"label": l, "theirs": t, "ours": o, "n": n} for (l, t, o), n in disagreements.most_common()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xfact", type=Path, help="X-Fact's data/x-fact/label_maps folder")
    parser.add_argument("--factors", type=Path, help="FACTors' normalise_verdicts.py")
    parser.add_argument("--heldout", type=Path, default=HELD_OUT, help="a held-out set (publisher, rating, status)")
    parser.add_argument("--details", action="store_true", help="list every disagreement")
    options = parser.parse_args()
    results = {"held-out": agreement(heldout_labels(options.heldout), OUR_CLASS)}
    if options.xfact:
        labels = xfact_labels(options.xfact)
        results["x-fact"] = agreement(labels, XFACT_CLASS)
        short = [entry for entry in labels if len(entry[1].split()) <= SHORT_WORDS]
        results[f"x-fact, labels of up to {SHORT_WORDS} words"] = agreement(short, XFACT_CLASS)
    if options.factors:
        results["factors"] = agreement(factors_labels(options.factors), FACTORS_CLASS)
    for name, result in results.items():
        print(f"{name}: coverage {result['read_by_our_map']} of {result['labels']} labels ({result['coverage']:.1%}); "
              f"agreement {result['agree']} of {result['read_by_our_map']} read ({result['agreement']:.1%})")
        if options.details:
            for d in result["disagreements"]:
                print(f"  {d['n']:3} {d['label']!r}: theirs {d['theirs']}, ours {d['ours']}")
    keys = ("labels", "read_by_our_map", "coverage", "agree", "agreement")
    print(json.dumps({k: {x: v[x] for x in keys} for k, v in results.items()}))


if __name__ == "__main__":
    main()
