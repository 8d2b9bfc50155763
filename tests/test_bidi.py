"""The bidirectional rule, as Unicode's guidance has it (UAX #9, UTS #55): balanced embeddings and
isolates and the marks are ordinary in right-to-left text; overrides and unbalanced controls, which
make text display in another order than it is stored, are refused, saying which and where."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import toolkit
from conftest import valid_record
from toolkit.building import build
from toolkit.rules import bidi_faults

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
LRM, RLM, ALM = "\u200e", "\u200f", "\u061c"

# Right-to-left text as real Arabic dumps write it (issue 18: U+202B and U+2067 in 4 of 8 imports).
ORDINARY = [
    f"{RLE}قال الوزير إن النمو بلغ 5%{PDF}",
    f"قال {RLI}الوزير{PDI} إن {LRI}GDP{PDI} نما",
    f"{FSI}Ahmed Khan{PDI} said {RLE}هذا {LRI}2023{PDI} صحيح{PDF}",
    f"السعر {LRM}$5{RLM} {ALM}١٢٣",
]
REFUSED = [
    (f"Bob {RLO}evil{PDF}", "the bidirectional override U+202E (RIGHT-TO-LEFT OVERRIDE) at character 5"),
    (f"x {LRO}y", "the bidirectional override U+202D (LEFT-TO-RIGHT OVERRIDE) at character 3"),
    (f"isolated {RLI}text", "opens a bidirectional isolate with U+2067 (RIGHT-TO-LEFT ISOLATE) at character 10 "
                            "and never closes it with U+2069 (POP DIRECTIONAL ISOLATE)"),
    (f"{RLE}مرحبا", "opens a bidirectional embedding with U+202B (RIGHT-TO-LEFT EMBEDDING) at character 1 "
                    "and never closes it with U+202C (POP DIRECTIONAL FORMATTING)"),
    (f"text{PDF}", "holds U+202C (POP DIRECTIONAL FORMATTING) at character 5, which closes no bidirectional embedding"),
    (f"{RLE}a{PDI}", "opens a bidirectional embedding with U+202B (RIGHT-TO-LEFT EMBEDDING) at character 1"),
    (f"{RLI}a{RLE}b{PDI}", "opens a bidirectional isolate with U+2067 (RIGHT-TO-LEFT ISOLATE) at character 1"),
]


def _jsonl(*records: dict, ensure_ascii: bool = False) -> str:
    return "".join(json.dumps(r, ensure_ascii=ensure_ascii) + "\n" for r in records)


@pytest.mark.parametrize("ensure_ascii", [False, True], ids=["raw", "escaped"])
def test_balanced_embeddings_isolates_and_marks_are_accepted_and_built(write, ensure_ascii):
    records = [valid_record(id=f"rtl-{n}", claim=text, speaker=f"متحدث {n}") for n, text in enumerate(ORDINARY)]
    path = write("data/rtl.jsonl", _jsonl(*records, ensure_ascii=ensure_ascii))
    result = toolkit.validate([path])
    assert result.valid, [p.message for p in result.problems]
    assert build([path.parent]).table["claim"].to_list() == ORDINARY


def test_balanced_controls_are_accepted_in_yaml_too(write):
    text = "\n".join(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in valid_record(claim=ORDINARY[2]).items())
    assert toolkit.validate([write("a.yaml", text + "\n")]).valid


@pytest.mark.parametrize(("text", "said"), REFUSED)
def test_overrides_and_unbalanced_controls_are_refused_saying_which_and_where(write, text, said):
    path = write("a.jsonl", _jsonl(valid_record(claim=text)))
    [problem] = toolkit.validate([path]).problems
    assert (problem.rule, problem.pointer) == ("bidi-control", "/claim")
    assert said in problem.message


def test_the_message_counts_the_other_faults(write):
    path = write("a.jsonl", _jsonl(valid_record(speaker=f"{RLO}a{RLO}b{PDF}{PDF}")))
    [problem] = toolkit.validate([path]).problems
    assert problem.message.endswith("(3 more unbalanced or overriding bidirectional controls in it)")


# -- the rule as a function (what import repairs by) --------------------------------------------------

CONTROLS = [LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM]


@st.composite
def balanced(draw, depth: int = 0) -> str:
    """Text whose embeddings and isolates nest and close, with marks anywhere."""
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["text", "mark", "embedding", "isolate"] if depth < 4 else ["text", "mark"]))
        if kind == "text":
            parts.append(draw(st.text("abc مرحبا 123", max_size=5)))
        elif kind == "mark":
            parts.append(draw(st.sampled_from([LRM, RLM, ALM])))
        else:
            opener = draw(st.sampled_from([LRE, RLE] if kind == "embedding" else [LRI, RLI, FSI]))
            parts.append(opener + draw(balanced(depth + 1)) + (PDF if kind == "embedding" else PDI))
    return "".join(parts)


@settings(max_examples=300)
@given(balanced())
def test_balanced_text_has_no_fault(text):
    assert bidi_faults(text) == []


@settings(max_examples=500)
@given(st.lists(st.sampled_from(CONTROLS) | st.text("ab ع", max_size=2), max_size=20).map("".join))
def test_removing_the_faults_leaves_a_text_without_fault(text):
    faults = bidi_faults(text)
    assert all(text[f.index] == f.char for f in faults)
    assert [f.index for f in faults] == sorted(f.index for f in faults)
    kept = "".join(char for index, char in enumerate(text) if index not in {f.index for f in faults})
    assert bidi_faults(kept) == []
    assert not any(f.char in (LRM, RLM, ALM) for f in faults)
    assert all(f.kind == "override" for f in faults if f.char in (LRO, RLO))
