"""The compact index of ids and claims: indexing many records at once is indexing each, pieces
sorted apart find the same repeats, and the claim digest is `claim_key` without spaces, dots and exclamation marks."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from strategies import DAY, TEXT
from toolkit.duplicates import UniqueIndex, claim_digest, repeated
from toolkit.text import claim_key


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60) | st.text(string.printable, max_size=60) | st.text("“”—–’«» éÉŒœﬁ1_-.!?", max_size=60))
def test_claim_digest_is_claim_key_without_spaces_dots_and_exclamation_marks(text):
    assert claim_digest(text) == claim_key(text).translate({ord(c): None for c in " .!"}).encode("utf-8")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(TEXT, st.none()),
            st.sampled_from(["Moon Jae-in", "Zoë"]),
            st.one_of(TEXT, st.just("Ｃａｆé ﬁne")),
            st.one_of(DAY, st.just("2018-02-30"), st.none(), st.integers()),
        ),
        max_size=8,
    )
)
def test_indexing_many_records_is_indexing_each(rows):
    one, many = UniqueIndex(), UniqueIndex()
    for ref, (identifier, speaker, claim, day) in enumerate(rows):
        one.add_record({"id": identifier, "speaker": speaker, "claim": claim, "date": day}, ref)
    if rows:
        many.add_many(*(list(column) for column in zip(*rows)), list(range(len(rows))))
    assert (one.ids, one.id_refs, one.claims, one.claim_refs) == (many.ids, many.id_refs, many.claims, many.claim_refs)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=12), min_size=1, max_size=4))
def test_sorted_pieces_give_the_same_repeats(pieces):
    """Each piece sorts its index before it is merged; the repeats found, and the order of their
    places, are those of the unsorted index."""
    plain, merged, ref = UniqueIndex(), UniqueIndex(), 0
    for piece in pieces:
        part = UniqueIndex()
        for identifier in piece:
            ref += 1
            plain.add(identifier, "S", identifier, "2018-12-04", ref)
            part.add(identifier, "S", identifier, "2018-12-04", ref)
        part.sort()
        merged.merge(part)
    for keys, refs in (("ids", "id_refs"), ("claims", "claim_refs")):
        assert repeated(getattr(merged, keys), getattr(merged, refs)) == repeated(
            getattr(plain, keys), getattr(plain, refs)
        )


def test_repeats_come_in_reading_order_whatever_the_order_indexed():
    index = UniqueIndex()
    for ref in (7, 3, 5):
        index.add("same-id", None, None, None, ref)
    assert repeated(index.ids, index.id_refs) == [[3, 5, 7]]


def test_a_lone_surrogate_in_a_claim_is_reported_never_a_traceback(tmp_path):
    """The claim index hashed the key as strict UTF-8: a lone surrogate (written as `\\ud800` in
    JSON) ended validate in a UnicodeEncodeError."""
    import toolkit

    (tmp_path / "a.json").write_text(
        '{"id": "a-claim", "speaker": "A", "claim": "x\\ud800y", "date": "2018-12-04", "status": "true"}',
        encoding="utf-8",
    )
    result = toolkit.validate([str(tmp_path)])
    assert [(p.rule, p.pointer) for p in result.problems] == [("surrogate", "/claim")]
