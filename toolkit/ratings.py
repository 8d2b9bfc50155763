"""Fact-checkers' own ratings, in the languages they write, read as our statuses.

A rating is a publisher's words ("Pants on Fire!", "Partiellement faux", "مضلل") or a number on
their scale. `RatingMap.verdict` reads words in this order, each step on a key of the words (case,
accents, diacritics and punctuation ignored):

1. the user's map for this publisher, then the user's global map (`--ratings FILE.yaml`), then the
   shipped labels (`ratings.yaml`): an exact match;
2. qualifiers around a verdict word, before any negation, so that a qualified negation is never a
   plain true or false: "partly" near it ("partly correct", "Partiellement faux", "teilweise nicht
   wahr", "غير صحيح جزئيا") reads as mixed; a negation with "mostly" ("mostly not true") as the
   opposite's mostly; a negation of "entirely" ("not entirely true", "no es del todo cierto", "pas
   tout à fait vrai") as mixed;
3. negation next to a verdict word: "not true", "no es cierto", "doğru değil" read as false; a
   negated false ("Not false") is *not* read as true, since a checker who meant true would say so:
   it stays unmapped for the curator to decide (a `--ratings` entry settles it); then "mostly"
   next to a verdict word: "mostly inaccurate", "plutôt faux" as mostly-false, "mostly true" as
   mostly-true;
4. keywords anywhere in the words, in the shipped order (no-verdict words such as satire first,
   then misleading, unproven, mixed, false, true): "False Context" is misleading, not false;
5. the words before the first full stop, colon or dash, exactly ("Prawda. Według danych ...").

Anything else is unmapped: it never becomes a verdict. Labels mapped to `none` (satire, explainer,
a flip-flop meter) are known but carry no verdict. Both leave the record `unverified` with the
publisher's words kept.

A number counts only on its declared scale (schema.org: bestRating 5, worstRating 1 when not
given): it is rescaled to 1-5, read as `vocabulary.STATUSES` ratings. NaN, an overflow ("1e999"),
0 or 6 on a 1-5 scale are kept as the publisher's text and counted, never mapped.

The shipped map was built from published label maps, not from any dataset's records:
X-Fact (Gupta and Srikumar, ACL 2021; github.com/utahnlp/x-fact, data/x-fact/label_maps: one map
per fact-checker in 25 languages and a master mapping); FACTors (Altuncu et al., SIGIR 2025;
github.com/altuncu/FACTors, scripts/construction/preparation/normalise_verdicts); ClaimsKG's rating
normalisation (github.com/claimskg/claimskg-extractor); and the rating scales the fact-checkers
publish (PolitiFact's Truth-O-Meter, the Washington Post's Pinocchios, Snopes, Full Fact, AFP,
Reuters, AP, Lead Stories, Meta's rating scale). Where they disagree we chose, and say so in
README: altered media is false (Meta's scale), satire has no verdict (X-Fact), misattributed and
outdated are misleading (FACTors), "Pinocchio andante" is mostly-false (Pagella Politica's scale).
"""

from __future__ import annotations

import functools
import math
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from .errors import UsageError
from .paths import MAP_LIMIT, read_yaml
from .vocabulary import STATUSES

NO_VERDICT = "none"
BEST, WORST = 5, 1
VERDICTS = tuple(name for name, status in STATUSES.items() if status.rating is not None)


@dataclass(frozen=True)
class Verdict:
    """What a rating says: a status, or None (unmapped, or known with no verdict), and how it was found."""

    status: str | None
    how: str  # "ours" (our own word), "mapped", "no verdict", "unmapped"


@functools.lru_cache(maxsize=1 << 16)  # ratings and publishers repeat: a corpus has a few thousand of each
@functools.lru_cache(maxsize=65536)  # a few hundred rating words and publishers rate most claims
def label_key(text: str) -> str:
    """What ratings are compared by: lower case, no accents or diacritics (Latin, Arabic,
    Devanagari alike), punctuation as spaces, one space between words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("ı", "i"))
    kept = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category == "Mn":
            continue
        kept.append(char if category[0] in "LNM" else " ")
    return " ".join("".join(kept).split())


@dataclass(frozen=True)
class _Rules:
    """The shipped language data, compiled: exact labels, qualifier and negation patterns, keywords."""

    labels: Mapping[str, str | None]
    true: re.Pattern  # a verdict word of either polarity, as a whole word
    false: re.Pattern
    negation_before: re.Pattern
    negation_after: re.Pattern
    partly: re.Pattern
    mostly: re.Pattern
    negated_whole: re.Pattern  # "not entirely", "no es del todo": a negation, then a word of wholeness
    negated_true: re.Pattern
    negated_false: re.Pattern
    mostly_true: re.Pattern
    mostly_false: re.Pattern
    keywords: tuple[tuple[str | None, re.Pattern], ...]

    def qualified(self, key: str) -> str | None:
        """The status of a verdict word with a qualifier around it (up to `AROUND` words before and
        two after), or None where no qualifier is near one."""
        for match in re.finditer(rf"{self.true.pattern}|{self.false.pattern}", key):
            before = " ".join(key[: match.start()].split()[-AROUND:])
            after = " ".join(key[match.end() :].split()[:2])
            near = f"{before} {after}"
            if self.partly.search(near):
                return "mixed"
            if not (self.negation_before.search(before) or self.negation_after.search(after)):
                continue
            if self.mostly.search(near):
                return "mostly-false" if self.true.fullmatch(match.group()) else "mostly-true"
            if self.negated_whole.search(before):
                return "mixed"
        return None


def _words(words: list[str]) -> str:
    """An alternation of whole keys, longest first, for use between (?<!\\S) and (?!\\S)."""
    keys = sorted({label_key(w) for w in words if label_key(w)}, key=len, reverse=True)
    return "(?:" + "|".join(map(re.escape, keys)) + ")"


def _whole(words: str) -> re.Pattern:
    return re.compile(rf"(?<!\S){words}(?!\S)")


def _near(first: str, second: str) -> re.Pattern:
    """`first` then `second`, as whole words, with at most one word between them."""
    return re.compile(rf"(?<!\S){first} (?:\S+ )?{second}(?!\S)")


@functools.cache
def _rules() -> _Rules:
    data = yaml.safe_load(resources.files("toolkit").joinpath("ratings.yaml").read_text(encoding="utf-8"))
    labels: dict[str, str | None] = {}
    for status, words in data["labels"].items():
        for word in words:
            labels.setdefault(label_key(word), None if status == NO_VERDICT else status)
    groups = {next(iter(g)): next(iter(g.values())) for g in data["keywords"]}
    true, false = _words(groups["true"]), _words(groups["false"])
    q = data["qualifiers"]
    before, after = _words(q["negation_before"]), _words(q["negation_after"])
    mostly, whole = _words(q["mostly"]), _words(q["whole"])
    negated = lambda word: re.compile(  # noqa: E731
        rf"(?<!\S){before} (?:\S+ )?{word}(?!\S)|(?<!\S){word} {after}(?!\S)"
    )
    return _Rules(
        labels=labels,
        true=_whole(true),
        false=_whole(false),
        negation_before=_whole(before),
        negation_after=_whole(after),
        partly=_whole(_words(q["partly"])),
        mostly=_whole(mostly),
        negated_whole=re.compile(rf"(?<!\S){before}(?: \S+)* {whole}$"),
        negated_true=negated(true),
        negated_false=negated(false),
        mostly_true=_near(mostly, true),
        mostly_false=_near(mostly, false),
        keywords=tuple(
            (None if status == NO_VERDICT else status, re.compile(rf"(?<!\S){_words(words)}(?!\S)"))
            for group in data["keywords"]
            for status, words in group.items()
        ),
    )


AROUND = 4  # words before a verdict word that may qualify it: "no es del todo cierto", "pas tout à fait vrai"
_OURS = {label_key(text): name for name in VERDICTS for text in (name, STATUSES[name].alternate_name)}
_FIRST_PART = re.compile(r"[.:;(\[]| [-–—] ")


@dataclass(frozen=True)
class RatingMap:
    """The shipped map with a user's maps over it: `labels` for every publisher, `publishers` by
    the key of a publisher's name or site. Values are statuses, or None for "no verdict"."""

    labels: Mapping[str, str | None] = field(default_factory=dict)
    publishers: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    _found: dict[tuple[str, tuple[str | None, ...]], Verdict] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )  # each verdict once: an import asks the same few hundred words again and again

    def verdict(self, words: str, publishers: tuple[str | None, ...] = ()) -> Verdict:
        """Our status for a publisher's rating words (see the module's docstring for the order).

        >>> RatingMap().verdict("Partiellement faux")
        Verdict(status='mixed', how='mapped')
        """
        found = self._found.get((words, publishers))
        if found is None:
            found = self._found[words, publishers] = self._verdict(words, publishers)
        return found

    def _verdict(self, words: str, publishers: tuple[str | None, ...]) -> Verdict:
        key = label_key(words)
        if not key:
            return Verdict(None, "unmapped")
        for publisher in publishers:
            mine = self.publishers.get(label_key(publisher or ""), {})
            if key in mine:
                return _found(mine[key])
        if key in self.labels:
            return _found(self.labels[key])
        if key in _OURS:
            return Verdict(_OURS[key], "ours")
        rules = _rules()
        if key in rules.labels:
            return _found(rules.labels[key])
        qualified = rules.qualified(key)
        if qualified:
            return Verdict(qualified, "mapped")
        if rules.negated_true.search(key):
            return Verdict("false", "mapped")
        if rules.negated_false.search(key):
            return Verdict(None, "unmapped")
        if rules.mostly_false.search(key):
            return Verdict("mostly-false", "mapped")
        if rules.mostly_true.search(key):
            return Verdict("mostly-true", "mapped")
        for status, pattern in rules.keywords:
            if pattern.search(key):
                return _found(status)
        first = label_key(_FIRST_PART.split(words, 1)[0])
        if first != key and first in rules.labels:
            return _found(rules.labels[first])
        return Verdict(None, "unmapped")


def _found(status: str | None) -> Verdict:
    return Verdict(status, "mapped" if status else "no verdict")


def load_ratings(path: str | os.PathLike | None) -> RatingMap:
    """The user's map from a YAML file (none: the shipped map alone).

    ```yaml
    ratings:                      # for every publisher
      "Two Thumbs Sideways": mixed
    publishers:                   # by publisher name or site
      "Example Fact Check":
        "Geppetto Checkmark": "true"
        "Satire": none            # known, carries no verdict
    ```
    """
    if path is None:
        return RatingMap()
    try:
        data = read_yaml(path, what="the rating map", limit=MAP_LIMIT)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise UsageError(f"{path}: cannot read the rating map: {error}") from None
    data = {} if data is None else data
    if not isinstance(data, dict) or set(data) - {"ratings", "publishers"}:
        raise UsageError(f"{path}: a rating map has `ratings:` and `publishers:` only")
    publishers = data.get("publishers") or {}
    if not isinstance(publishers, dict):
        raise UsageError(f"{path}: `publishers:` maps a publisher's name to its ratings")
    return RatingMap(
        labels=_user_labels(path, "ratings", data.get("ratings") or {}),
        publishers={
            label_key(str(name)): _user_labels(path, f"publishers/{name}", labels or {})
            for name, labels in publishers.items()
        },
    )


def _user_labels(path: Any, where: str, labels: Any) -> dict[str, str | None]:
    if not isinstance(labels, dict):
        raise UsageError(f"{path}: `{where}` maps a rating to a status")
    mapped: dict[str, str | None] = {}
    choices = ", ".join((*VERDICTS, NO_VERDICT))
    for words, status in labels.items():
        status = str(status).lower() if isinstance(status, bool) else status
        if status is not None and status not in (*VERDICTS, NO_VERDICT):
            raise UsageError(f"{path}: {where}/{words}: {status!r} is not one of {choices}")
        words = str(words).lower() if isinstance(words, bool) else str(words)
        mapped[label_key(words)] = None if status in (None, NO_VERDICT) else status
    return mapped


def from_scale(value: Any, best: Any = None, worst: Any = None) -> tuple[str | None, str | None]:
    """(status, None) for a number on its scale, or (None, why not) for one that cannot count.

    >>> from_scale(2), from_scale("6", 5, 1), from_scale("1e999")
    (('mostly-false', None), (None, 'rating outside its scale'), (None, 'rating not a finite number'))
    """
    number = _number(value)
    if number is None:
        return None, "rating not a number" if value is not None else None
    high, low = _number(best), _number(worst)
    high = BEST if best is None else high
    low = WORST if worst is None else low
    if not math.isfinite(number):
        return None, "rating not a finite number"
    if high is None or low is None or not (math.isfinite(high) and math.isfinite(low)) or high == low:
        return None, "rating scale not usable"
    if not min(high, low) <= number <= max(high, low):
        return None, "rating outside its scale"
    scaled = math.floor(WORST + (BEST - WORST) * (number - low) / (high - low) + 0.5)
    return next(name for name in VERDICTS if STATUSES[name].rating == scaled), None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            return float(value.strip())
    except OverflowError:  # an integer too large for a float
        return math.inf
    except ValueError:
        return None
    return None
