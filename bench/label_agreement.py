"""How far our rating map (toolkit/ratings.py) agrees with the label maps that X-Fact and FACTors
published: every label they map is read by ours, and our status is put in their classes.

    python bench/label_agreement.py --xfact X-FACT/data/x-fact/label_maps \\
        --factors FACTORS/scripts/construction/preparation/normalise_verdicts/normalise_verdicts.py

X-Fact: one `site.txt` per fact-checker (label TAB intermediate label; "other/satire" is other)
and `master_mapping.tsv` (class TAB intermediate|intermediate...). FACTors: the `verdict_mapping`
dict of its normalise_verdicts.py, read as a literal (never run). Neither is shipped here; fetch
the two repositories (github.com/utahnlp/x-fact, github.com/altuncu/FACTors) and point at them.
"""

from __future__ import annotations

import argparse
import ast
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


def agreement(labels: list[tuple[str, str, str]], ours_to_theirs: dict) -> dict:
    ratings = RatingMap()
    agree, mapped = 0, 0
    disagreements: Counter = Counter()
    for site, label, theirs in labels:
        verdict = ratings.verdict(label, (site,))
        mapped += verdict.status is not None or verdict.how == "no verdict"
        mine = ours_to_theirs[verdict.status]
        if mine == theirs:
            agree += 1
        else:
            disagreements[(label[:60], theirs, verdict.status or verdict.how)] += 1
    return {
        "labels": len(labels),
        "agree": agree,
        "share": round(agree / len(labels), 3) if labels else None,
        "read_by_our_map": mapped,
        "disagreements": [{"label": l, "theirs": t, "ours": o, "n": n} for (l, t, o), n in disagreements.most_common()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xfact", type=Path, help="X-Fact's data/x-fact/label_maps folder")
    parser.add_argument("--factors", type=Path, help="FACTors' normalise_verdicts.py")
    parser.add_argument("--details", action="store_true", help="list every disagreement")
    options = parser.parse_args()
    results = {}
    if options.xfact:
        labels = xfact_labels(options.xfact)
        results["x-fact"] = agreement(labels, XFACT_CLASS)
        short = [entry for entry in labels if len(entry[1].split()) <= SHORT_WORDS]
        results[f"x-fact, labels of up to {SHORT_WORDS} words"] = agreement(short, XFACT_CLASS)
    if options.factors:
        results["factors"] = agreement(factors_labels(options.factors), FACTORS_CLASS)
    for name, result in results.items():
        print(f"{name}: {result['agree']} of {result['labels']} labels agree ({result['share']:.1%}); "
              f"{result['read_by_our_map']} read by our map")
        if options.details:
            for d in result["disagreements"]:
                print(f"  {d['n']:3} {d['label']!r}: theirs {d['theirs']}, ours {d['ours']}")
    if not results:
        parser.error("give --xfact and/or --factors")
    print(json.dumps({k: {x: v[x] for x in ("labels", "agree", "share", "read_by_our_map")} for k, v in results.items()}))


if __name__ == "__main__":
    main()
