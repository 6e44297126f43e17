"""Agreement conventions (unit and average) on tiny hand-made records: pure, no app needed."""

import json

import pytest

from annotator.agreement import compute_agreement, format_agreement_table
from annotator.errors import InputError

TEXT = "Ukraine and Russia exchanged prisoners of war, Zelensky said on social media."
PARAGRAPHS = [{"index": 0, "text": TEXT, "boilerplate": False}]
ZELENSKY, SAID = (47, 55), (56, 60)
FIRST, SECOND = (0, 18), (19, 45)  # "Ukraine and Russia" and "exchanged prisoners of war"


def span(sid, rng, label):
    start, end = rng
    return {"id": sid, "paragraph": 0, "start": start, "end": end, "label": label,
            "text": TEXT[start:end], "attrs": {}}


def record(layer, spans, attributions=(), doc="d1"):
    return {"id": doc, "layer": layer, "paragraphs": PARAGRAPHS, "spans": list(spans),
            "events": [], "attributions": list(attributions)}


def attribution(aid, source, cue, content):
    return {"id": aid, "source": source, "cue": cue, "content": content, "parent": None,
            "attrs": {}}


BASE = [span("z", ZELENSKY, "SOURCE"), span("c", SAID, "CUE")]
# Alice marks the content as one annotation in two fragments (a discontinuous brat T, imported
# as the pieces q.1 and q.2); Bob as two annotations of their own (brat's Content and Content2).
ALICE = record("alice", [*BASE, span("q.1", FIRST, "CONTENT"), span("q.2", SECOND, "CONTENT")],
               [attribution("a1", ["z"], ["c"], ["q.1", "q.2"])])
BOB = record("bob", [*BASE, span("p", FIRST, "CONTENT"), span("q", SECOND, "CONTENT")],
             [attribution("b1", ["z"], ["c"], ["p", "q"])])


def overall(result, part, kind="exact"):
    return result["attributions"]["overall"][part][kind]


def test_a_discontinuous_content_is_one_unit_whole_and_two_fragments():
    whole = compute_agreement([ALICE, BOB], unit="whole")
    fragment = compute_agreement([ALICE, BOB], unit="fragment")
    part = compute_agreement([ALICE, BOB])  # the default: one item per attribution part
    assert (part["unit"], part["average"]) == ("part", "pooled")

    # whole: Alice has one content unit, Bob two, and none is the same as Alice's.
    assert overall(whole, "content") == {"matches": 0, "n_reference": 1, "n_other": 2,
                                         "precision": 0.0, "recall": 0.0, "f1": 0.0}
    # fragment: both have the same two pieces.
    assert overall(fragment, "content")["f1"] == 1.0
    assert overall(fragment, "content")["matches"] == 2
    # part: all spans of the part as one set: the same set on both sides.
    assert overall(part, "content")["f1"] == 1.0
    assert overall(part, "content")["matches"] == 1

    # The three parts together: source and cue match; 2 matches of 3 + 4 units.
    assert overall(whole, "all_parts")["f1"] == pytest.approx(2 * 2 / 7)
    assert overall(fragment, "all_parts")["f1"] == 1.0
    # The spans section counts the same units: Alice 3 annotations, Bob 4, 2 the same.
    assert whole["spans"]["overall"]["exact"]["f1"] == pytest.approx(2 * 2 / 7)
    assert fragment["spans"]["overall"]["exact"]["f1"] == 1.0
    assert whole["labels"]["CONTENT"]["spans"] == {"alice": 1, "bob": 2}
    assert fragment["labels"]["CONTENT"]["spans"] == {"alice": 2, "bob": 2}


def test_whole_annotations_overlap_when_their_fragments_share_characters():
    one = record("bob", [*BASE, span("q", (0, 45), "CONTENT")],
                 [attribution("b1", ["z"], ["c"], ["q"])])
    result = compute_agreement([ALICE, one], unit="whole")
    assert overall(result, "content")["f1"] == 0.0
    assert overall(result, "content", "overlap")["f1"] == 1.0
    assert result["spans"]["overall"]["overlap"]["per_label"]["CONTENT"]["f1"] == 1.0
    assert result["spans"]["overall"]["exact"]["per_label"]["CONTENT"]["f1"] == 0.0


def test_a_source_shared_by_two_attributions_is_one_unit_except_per_part():
    second = span("r", (61, 76), "CONTENT")  # "on social media", a second content
    alice = record("alice", [*BASE, span("q", (0, 45), "CONTENT"), second],
                   [attribution("a1", ["z"], ["c"], ["q"]), attribution("a2", ["z"], [], ["r"])])
    bob = record("bob", [*BASE, span("q", (0, 45), "CONTENT")],
                 [attribution("b1", ["z"], ["c"], ["q"])])
    # part: one source item per attribution, so Alice has two and Bob one.
    assert overall(compute_agreement([alice, bob]), "source")["f1"] == pytest.approx(2 / 3)
    for unit in ("fragment", "whole"):
        result = compute_agreement([alice, bob], unit=unit)
        assert overall(result, "source")["f1"] == 1.0, unit
        assert overall(result, "content")["f1"] == pytest.approx(2 / 3), unit


def test_pairs_averages_per_document_pair_f1_where_pooled_sums_the_counts():
    # d1: one matching span each. d2: three spans each, none matching.
    big_a = [span(f"a{i}", (i * 10, i * 10 + 5), "ACTOR") for i in range(3)]
    big_b = [span(f"b{i}", (i * 10 + 1, i * 10 + 6), "ACTOR") for i in range(3)]
    one = [span("u", (0, 7), "ACTOR")]
    records = [record("alice", one), record("bob", one),
               record("alice", big_a, doc="d2"), record("bob", big_b, doc="d2")]
    pooled = compute_agreement(records)["spans"]["overall"]["exact"]
    pairs = compute_agreement(records, average="pairs")["spans"]["overall"]["exact"]
    assert pooled["f1"] == pytest.approx(2 * 1 / 8)
    assert pairs["f1"] == pytest.approx((1.0 + 0.0) / 2)
    # The counts stay summed; "averaged" says over how many pair-documents the mean runs.
    assert (pairs["matches"], pairs["n_reference"], pairs["n_other"]) == (1, 4, 4)
    assert pairs["averaged"] == 2


def test_pairs_counts_only_the_coders_who_annotated_each_document():
    one, other = [span("u", (0, 7), "ACTOR")], [span("r", (12, 18), "ACTOR")]
    three = [span(f"b{i}", (i * 10 + 1, i * 10 + 6), "ACTOR") for i in range(3)]
    records = [record("alice", one), record("bob", one), record("carol", other),
               record("alice", three, doc="d2"), record("bob", other, doc="d2")]
    result = compute_agreement(records, average="pairs")
    # Cells: alice/bob on d1 (1.0) and d2 (0.0), alice/carol on d1 (0.0), bob/carol on d1 (0.0).
    assert result["spans"]["overall"]["exact"]["f1"] == pytest.approx(1 / 4)
    assert result["spans"]["overall"]["exact"]["averaged"] == 4
    rows = {tuple(r["coders"]): r["exact"]["f1"] for r in result["spans"]["pairs"]}
    assert rows == {("alice", "bob"): 0.5, ("alice", "carol"): 0.0, ("bob", "carol"): 0.0}
    # Pooled, alice/bob has 1 match of 2 + 4 spans, and all pairs pool to 1 match of 10.
    pooled = compute_agreement(records)
    assert pooled["spans"]["overall"]["exact"]["f1"] == pytest.approx(2 / 10)
    assert pair_f1(pooled, "alice", "bob") == pytest.approx(2 / 6)


def pair_f1(result, a, b):
    [row] = [r for r in result["spans"]["pairs"] if r["coders"] == [a, b]]
    return row["exact"]["f1"]


def test_pairs_leaves_out_documents_where_neither_coder_has_an_item():
    one = [span("u", (0, 7), "ACTOR")]
    records = [record("alice", one), record("bob", one),
               record("alice", [], doc="d2"), record("bob", [], doc="d2")]
    exact = compute_agreement(records, average="pairs")["spans"]["overall"]["exact"]
    assert exact["f1"] == 1.0 and exact["averaged"] == 1


def test_whole_and_pairs_together_on_the_discontinuous_example():
    other_doc = [record("alice", BASE, [attribution("a9", ["z"], ["c"], [])], doc="d2"),
                 record("bob", BASE, [attribution("b9", ["z"], ["c"], [])], doc="d2")]
    result = compute_agreement([ALICE, BOB, *other_doc], unit="whole", average="pairs")
    # d1: 2 of 3 + 4 units match (4/7); d2: source and cue match (1.0).
    assert overall(result, "all_parts")["f1"] == pytest.approx((4 / 7 + 1.0) / 2)
    # The content is only annotated on d1, where no unit matches.
    assert overall(result, "content")["f1"] == 0.0
    assert overall(result, "content")["averaged"] == 1


def test_table_states_the_convention_and_the_parts_together():
    text = format_agreement_table(compute_agreement([ALICE, BOB], unit="whole", average="pairs"))
    assert "Unit: whole (every annotation with all its fragments" in text
    assert "Average: pairs (mean of the F1 of every pair of coders on every document" in text
    assert ("Exact F1, all pairs (mean): source 1.000, cue 1.000, content 0.000, "
            "all three 0.571") in text
    default = format_agreement_table(compute_agreement([ALICE, BOB]))
    assert "Unit: part" in default and "Average: pooled" in default
    assert "all pairs (micro): source 1.000, cue 1.000, content 1.000, all three 1.000" in default


def test_result_with_a_convention_is_json_serialisable():
    result = compute_agreement([ALICE, BOB], unit="whole", average="pairs")
    assert json.loads(json.dumps(result))["unit"] == "whole"


@pytest.mark.parametrize("options", [{"unit": "span"}, {"average": "macro"}])
def test_an_unknown_unit_or_average_is_an_input_error_naming_the_choices(options):
    with pytest.raises(InputError) as refused:
        compute_agreement([ALICE, BOB], **options)
    message = str(refused.value)
    assert "part, fragment, whole" in message or "pooled, pairs" in message


def test_pieces_of_one_annotation_share_their_id_before_the_last_dot_and_their_label():
    second = "They said more."
    paragraphs = [*PARAGRAPHS, {"index": 1, "text": second, "boilerplate": False}]

    def layer(name, spans):
        return {**record(name, spans), "paragraphs": paragraphs}

    across = [span("t.1", (47, 77), "CONTENT"),  # one annotation over a paragraph break
              {"id": "t.2", "paragraph": 1, "start": 0, "end": 15, "label": "CONTENT",
               "text": second, "attrs": {}}]
    one_region_two_labels = [span("r.1", ZELENSKY, "SOURCE"), span("r.2", ZELENSKY, "ACTOR")]
    alice = layer("alice", [*across, *one_region_two_labels])
    bob = layer("bob", [across[0], *one_region_two_labels])
    result = compute_agreement([alice, bob], unit="whole")
    # Alice's content is one annotation in two paragraphs, Bob's only its first piece: no
    # exact match. The two labels of r.1 and r.2 are two annotations, each matched.
    assert result["labels"]["CONTENT"]["exact"]["f1"] == 0.0
    assert result["labels"]["CONTENT"]["overlap"]["f1"] == 1.0
    assert result["labels"]["SOURCE"]["exact"]["f1"] == 1.0
    assert result["labels"]["ACTOR"]["exact"]["f1"] == 1.0
    assert result["labels"]["CONTENT"]["spans"] == {"alice": 1, "bob": 1}
    fragment = compute_agreement([alice, bob], unit="fragment")
    assert fragment["labels"]["CONTENT"]["exact"]["f1"] == pytest.approx(2 / 3)
