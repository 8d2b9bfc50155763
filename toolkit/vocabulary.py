"""The status vocabulary: what each status means, and how it maps onto other fact-check formats.

ClaimReview wants a numeric `reviewRating` (1 worst to 5 best) plus an `alternateName` in words;
LIAR (Wang, 2017) has six labels; ClaimsKG normalises every source to TRUE, FALSE, MIXTURE or OTHER.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    name: str
    meaning: str
    rating: int | None  # ClaimReview ratingValue, 1-5; None: not reviewed, left out of ClaimReview
    alternate_name: str  # ClaimReview alternateName
    liar: str | None  # LIAR label; None where LIAR has none
    claimskg: str


STATUSES: dict[str, Status] = {
    s.name: s
    for s in (
        Status(
            "unverified", "Not checked yet; the record only says the claim was made.", None, "Unverified", None, "OTHER"
        ),
        Status("true", "Accurate, with nothing significant missing.", 5, "True", "true", "TRUE"),
        Status(
            "mostly-true", "Accurate but needs clarification or added context.", 4, "Mostly true", "mostly-true", "TRUE"
        ),
        Status("mixed", "Partly accurate and partly not, in comparable measure.", 3, "Mixed", "half-true", "MIXTURE"),
        Status(
            "mostly-false",
            "Holds an element of truth but ignores facts that change the picture.",
            2,
            "Mostly false",
            "barely-true",
            "FALSE",
        ),
        Status("false", "Not accurate.", 1, "False", "false", "FALSE"),
        Status(
            "misleading",
            "Accurate in its parts, but arranged to give a false impression.",
            2,
            "Misleading",
            "barely-true",
            "MIXTURE",
        ),
        Status(
            "unproven",
            "Checked, but the evidence available neither proves nor disproves it.",
            3,
            "Unproven",
            None,
            "OTHER",
        ),
    )
}

# LIAR's "pants-fire" (false and ridiculous) has no status of its own; it reads as `false`.
FROM_LIAR = {"pants-fire": "false", **{s.liar: s.name for s in reversed(list(STATUSES.values())) if s.liar}}
