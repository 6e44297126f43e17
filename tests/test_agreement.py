"""Tests for annotator.agreement: pure functions over native records, no app needed."""

import json
import math
import os
import random
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.agreement import agreement_svg, compute_agreement, format_agreement_table
from annotator.agreement.matching import greedy_matches, range_overlap, range_size
from annotator.agreement.tokens import TOKEN_RE
from annotator.errors import InputError

TEXT_0 = "Ukraine and Russia exchanged prisoners of war, Zelensky said on social media."
TEXT_1 = "According to Kyiv, Moscow claimed the remains were those of Ukrainian citizens."
PARAGRAPHS = [
    {"index": 0, "text": TEXT_0, "boilerplate": False},
    {"index": 1, "text": TEXT_1, "boilerplate": False},
]
# Offsets into TEXT_0 and TEXT_1.
UKRAINE = (0, 0, 7)
RUSSIA = (0, 12, 18)
EXCHANGED = (0, 19, 28)
ZELENSKY = (0, 47, 55)
SAID = (0, 56, 60)
CONTENT_0 = (0, 0, 45)
KYIV = (1, 13, 17)
MOSCOW = (1, 19, 25)


def span(rng, label, sid=None):
    paragraph, start, end = rng
    text = PARAGRAPHS[paragraph]["text"]
    return {
        "id": sid or f"s{paragraph}-{start}-{end}-{label}",
        "paragraph": paragraph,
        "start": start,
        "end": end,
        "text": text[start:end],
        "label": label,
    }


def record(layer, spans=(), events=(), attributions=(), doc="doc-1", paragraphs=PARAGRAPHS):
    return {
        "id": doc,
        "title": None,
        "url": None,
        "published": None,
        "meta": {},
        "layer": layer,
        "paragraphs": paragraphs,
        "spans": list(spans),
        "events": list(events),
        "attributions": list(attributions),
    }


def pair(section, a="alice", b="bob"):
    [row] = [r for r in section["pairs"] if r["coders"] == [a, b]]
    return row


FULL_SPANS = [
    span(UKRAINE, "ACTOR", "u"),
    span(RUSSIA, "ACTOR", "r"),
    span(EXCHANGED, "EVENT", "x"),
    span(ZELENSKY, "SOURCE", "z"),
    span(SAID, "CUE", "c"),
    span(CONTENT_0, "CONTENT", "q"),
    span(KYIV, "ACTOR", "k"),
]
FULL_EVENTS = [
    {
        "id": "e1",
        "trigger": "x",
        "type": "RETREAT",
        "attrs": {"mode": "release"},
        "arguments": [{"role": "actor", "span": "u"}, {"role": "actor", "span": "r"}],
    }
]
FULL_ATTRIBUTIONS = [
    {"id": "a1", "source": ["z"], "cue": ["c"], "content": ["q"], "parent": None, "attrs": {}}
]


# --- whole-result behaviour -------------------------------------------------------------------


def test_identical_layers_agree_perfectly_on_every_figure():
    layers = [record(name, FULL_SPANS, FULL_EVENTS, FULL_ATTRIBUTIONS) for name in ("alice", "bob")]
    result = compute_agreement(layers)
    spans = pair(result["spans"])
    assert spans["exact"]["f1"] == spans["overlap"]["f1"] == 1.0
    assert spans["exact"]["precision"] == spans["exact"]["recall"] == 1.0
    assert pair(result["tokens"])["kappa"] == pytest.approx(1.0)
    assert result["tokens"]["alpha"]["value"] == pytest.approx(1.0)
    events = pair(result["events"])
    assert events["events"]["f1"] == events["arguments"]["f1"] == 1.0
    attributions = pair(result["attributions"])
    assert attributions["whole"]["f1"] == 1.0
    assert all(
        attributions[p][k]["f1"] == 1.0
        for p in ("source", "cue", "content")
        for k in ("exact", "overlap")
    )
    assert result["per_coder"]["alice"]["span_exact_f1"] == 1.0


def test_disjoint_layers_score_zero_and_kappa_below_chance():
    alice = record("alice", [span(UKRAINE, "ACTOR"), span(RUSSIA, "ACTOR")])
    bob = record("bob", [span(ZELENSKY, "SOURCE"), span(KYIV, "LOCATION")])
    result = compute_agreement([alice, bob])
    spans = pair(result["spans"])
    assert spans["exact"]["f1"] == spans["overlap"]["f1"] == 0.0
    assert spans["exact"]["per_label"]["ACTOR"] == {
        "matches": 0,
        "n_reference": 2,
        "n_other": 0,
        "precision": None,
        "recall": 0.0,
        "f1": 0.0,
    }
    assert pair(result["tokens"])["kappa"] < 0


def test_partial_overlap_counts_only_in_overlap_mode_with_hand_checked_f1():
    alice = record(
        "alice", [span(UKRAINE, "ACTOR"), span(RUSSIA, "ACTOR"), span(EXCHANGED, "EVENT")]
    )
    bob = record(
        "bob", [span(UKRAINE, "ACTOR"), span((0, 12, 28), "ACTOR"), span(ZELENSKY, "ACTOR")]
    )
    spans = pair(compute_agreement([alice, bob])["spans"])
    # By hand: exact matches {Ukraine}, so F1 = 2·1 / (3 + 3) = 1/3, P = 1/3, R = 1/3.
    # Overlap also pairs "Russia" [12,18) with "Russia exchanged" [12,28) (same label): 2 matches,
    # F1 = 4/6. "exchanged" is EVENT for alice and inside bob's ACTOR span: labels differ, no match.
    assert spans["exact"]["f1"] == pytest.approx(1 / 3)
    assert spans["exact"]["precision"] == pytest.approx(1 / 3)
    assert spans["overlap"]["f1"] == pytest.approx(2 / 3)
    assert spans["overlap"]["per_label"]["ACTOR"]["recall"] == 1.0  # alice's 2 ACTORs matched
    assert spans["overlap"]["per_label"]["ACTOR"]["precision"] == pytest.approx(2 / 3)
    assert spans["overlap"]["per_label"]["EVENT"]["f1"] == 0.0


def test_precision_and_recall_take_the_first_coder_as_reference():
    alice = record("alice", [span(UKRAINE, "ACTOR")])
    bob = record("bob", [span(UKRAINE, "ACTOR"), span(RUSSIA, "ACTOR")])
    exact = pair(compute_agreement([bob, alice])["spans"])["exact"]
    assert (exact["recall"], exact["precision"]) == (1.0, 0.5)
    assert exact["f1"] == pytest.approx(2 / 3)


def test_coder_with_empty_layer_counts_as_labelling_nothing():
    alice = record("alice", [span(UKRAINE, "ACTOR"), span(RUSSIA, "ACTOR")])
    bob = record("bob")
    result = compute_agreement([alice, bob])
    assert result["n_documents_compared"] == 1
    exact = pair(result["spans"])["exact"]
    assert (exact["precision"], exact["recall"], exact["f1"]) == (None, 0.0, 0.0)
    tokens = pair(result["tokens"])
    assert tokens["tokens"] == len(TOKEN_RE.findall(TEXT_0 + " " + TEXT_1))
    assert tokens["kappa"] == 0.0  # bob's constant "O" carries no information beyond chance
    assert result["per_coder"]["bob"] == {
        "documents": 1,
        "spans": 0,
        "pairs": 1,
        "span_exact_f1": 0.0,
        "span_overlap_f1": 0.0,
        "kappa": 0.0,
        "event_f1": None,
        "argument_f1": None,
        "attribution_f1": None,
    }


def test_coders_who_labelled_nothing_have_undefined_f1_and_kappa():
    result = compute_agreement([record("alice"), record("bob")])
    assert pair(result["spans"])["exact"]["f1"] is None
    tokens = pair(result["tokens"])
    assert tokens["kappa"] is None
    assert tokens["observed_agreement"] == 1.0
    assert tokens["note"] == "undefined: both coders gave every token the same label"
    assert result["tokens"]["alpha"]["value"] is None
    assert result["documents"][0]["span_exact_f1"] is None
    # scikit-learn has no value for this case either: it warns and returns nan.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert math.isnan(cohen_kappa_score(["O", "O", "O"], ["O", "O", "O"]))


def test_gold_and_null_layers_are_ignored_but_supply_the_text():
    coder_only = {"paragraphs": []}
    result = compute_agreement(
        [
            record(None, doc="doc-1"),
            record("gold", FULL_SPANS, doc="doc-1"),
            record("alice", [span(UKRAINE, "ACTOR")], **coder_only),
            record("bob", [span(UKRAINE, "ACTOR")], **coder_only),
        ]
    )
    assert result["coders"] == ["alice", "bob"]
    assert pair(result["spans"])["exact"]["f1"] == 1.0
    assert pair(result["tokens"])["tokens"] > 0


def test_document_a_coder_did_not_annotate_is_missing_not_empty():
    result = compute_agreement(
        [
            record("alice", [span(UKRAINE, "ACTOR")], doc="both"),
            record("bob", [span(UKRAINE, "ACTOR")], doc="both"),
            record("alice", [span(RUSSIA, "ACTOR")], doc="alice-only"),
        ]
    )
    spans = pair(result["spans"])
    assert spans["documents"] == 1 and spans["exact"]["f1"] == 1.0
    assert result["per_coder"]["alice"]["documents"] == 2
    assert [d["id"] for d in result["documents"]] == ["both", "alice-only"]


def test_two_layers_for_one_coder_and_document_are_an_input_error():
    with pytest.raises(InputError, match="two layers for coder 'alice'"):
        compute_agreement([record("alice"), record("alice")])


def test_document_without_text_is_compared_on_spans_but_not_tokens():
    no_text = {"paragraphs": []}
    result = compute_agreement(
        [
            record("alice", [span(UKRAINE, "ACTOR")], **no_text),
            record("bob", [span(UKRAINE, "ACTOR")], **no_text),
        ]
    )
    assert pair(result["spans"])["exact"]["f1"] == 1.0
    assert result["tokens"]["pairs"] == []
    assert result["tokens"]["documents_without_text"] == 1
    assert "have no text" in format_agreement_table(result)


def test_malformed_span_is_an_input_error_naming_the_layer():
    bad = record("alice", [{"id": "s1", "paragraph": 0, "start": "0", "end": 7, "label": "A"}])
    with pytest.raises(InputError, match="layer 'alice'.*integer paragraph, start and end"):
        compute_agreement([bad])


def test_events_with_a_dangling_trigger_are_left_out():
    events = [{"id": "e1", "trigger": "missing", "type": "AID", "arguments": []}]
    result = compute_agreement([record("alice", FULL_SPANS, events), record("bob", FULL_SPANS)])
    assert pair(result["events"])["events"]["n_reference"] == 0


def test_result_is_json_serialisable():
    result = compute_agreement(
        [
            record("alice", FULL_SPANS, FULL_EVENTS, FULL_ATTRIBUTIONS),
            record("bob", FULL_SPANS[:3]),
            record("carol"),
        ]
    )
    assert json.loads(json.dumps(result, allow_nan=False)) == result


def test_no_records_give_an_empty_result():
    result = compute_agreement([])
    assert result["coders"] == [] and result["spans"]["pairs"] == []
    assert result["spans"]["overall"]["exact"]["f1"] is None
    assert result["tokens"]["alpha"]["value"] is None
    assert "nothing to compare" in format_agreement_table(result)


# --- spans: overlap matching --------------------------------------------------------------------


def test_overlap_matching_is_one_to_one_by_largest_overlap():
    # B [5,15) overlaps A1 [0,10) by 5 and A2 [8,20) by 7: it goes to A2, and only once.
    assert greedy_matches([(0, 10), (8, 20)], [(5, 15)], range_overlap, range_size) == [
        ((8, 20), (5, 15))
    ]


def test_overlap_matching_does_not_depend_on_input_order():
    a = [(0, 10), (8, 20), (30, 40), (35, 45)]
    b = [(5, 15), (9, 19), (36, 44), (30, 40)]
    expected = greedy_matches(a, b, range_overlap, range_size)
    rng = random.Random(7)
    for _ in range(20):
        rng.shuffle(a)
        rng.shuffle(b)
        assert greedy_matches(a, b, range_overlap, range_size) == expected


def test_overlap_matching_pairs_identical_spans_before_containing_ones():
    # "Russia" [12,18) overlaps bob's [12,18) and [0,18) equally; its twin wins the tie, which
    # leaves [0,18) for alice's "Ukraine": two matches, not one.
    alice = record("alice", [span(UKRAINE, "ACTOR"), span(RUSSIA, "ACTOR")])
    bob = record("bob", [span(RUSSIA, "ACTOR"), span((0, 0, 18), "ACTOR")])
    overlap = pair(compute_agreement([alice, bob])["spans"])["overlap"]
    assert overlap["matches"] == 2
    pairs = greedy_matches([(12, 18)], [(0, 18), (12, 18)], range_overlap, range_size)
    assert pairs == [((12, 18), (12, 18))]


def test_overlap_needs_same_paragraph_and_label():
    alice = record("alice", [span((0, 0, 10), "ACTOR"), span((1, 0, 10), "ACTOR")])
    bob = record("bob", [span((1, 0, 10), "TIME"), span((0, 5, 6), "ACTOR")])
    overlap = pair(compute_agreement([alice, bob])["spans"])["overlap"]
    assert overlap["matches"] == 1


def test_touching_spans_do_not_overlap():
    alice = record("alice", [span((0, 0, 7), "ACTOR")])
    bob = record("bob", [span((0, 7, 11), "ACTOR")])
    assert pair(compute_agreement([alice, bob])["spans"])["overlap"]["matches"] == 0


# --- tokens: kappa and alpha ----------------------------------------------------------------------


def reference_token_labels(doc_spans, paragraphs):
    """Label tokens the slow, obvious way, independently of annotator.agreement.tokens."""
    labels = []
    for p in paragraphs:
        if p["boilerplate"]:
            continue
        for m in TOKEN_RE.finditer(p["text"]):
            covering = [
                s
                for s in doc_spans
                if s["paragraph"] == p["index"] and s["start"] < m.end() and m.start() < s["end"]
            ]
            covering.sort(key=lambda s: (s["start"], -s["end"], s["label"]))
            labels.append(covering[0]["label"] if covering else "O")
    return labels


def test_kappa_matches_scikit_learn_on_the_same_token_labels():
    alice = record(
        "alice",
        [
            span(CONTENT_0, "CONTENT"),
            span(UKRAINE, "ACTOR"),
            span(ZELENSKY, "SOURCE"),
            span(KYIV, "ACTOR"),
        ],
    )
    bob = record(
        "bob",
        [
            span((0, 0, 18), "ACTOR"),
            span(ZELENSKY, "SOURCE"),
            span(MOSCOW, "ACTOR"),
            span((1, 0, 12), "CUE"),
        ],
    )
    kappa = pair(compute_agreement([alice, bob])["tokens"])["kappa"]
    expected = cohen_kappa_score(
        reference_token_labels(alice["spans"], PARAGRAPHS),
        reference_token_labels(bob["spans"], PARAGRAPHS),
    )
    assert kappa == pytest.approx(expected, abs=1e-12)


def test_token_takes_label_of_earliest_then_longest_covering_span():
    alice = record(
        "alice",
        [
            span(UKRAINE, "ACTOR"),
            span((0, 0, 18), "ACTOR"),
            span(CONTENT_0, "CONTENT"),
            span((0, 3, 9), "TIME"),
        ],
    )
    bob = record("bob", [span(CONTENT_0, "CONTENT")])
    # CONTENT [0,45) starts first and is longest: every token up to "war" is CONTENT for alice too.
    tokens = pair(compute_agreement([alice, bob])["tokens"])
    assert tokens["observed_agreement"] == 1.0


def test_boilerplate_paragraphs_are_left_out_of_tokens_unless_asked():
    paragraphs = [*PARAGRAPHS, {"index": 2, "text": "Donate now!", "boilerplate": True}]
    layers = [record(name, paragraphs=paragraphs) for name in ("alice", "bob")]
    n = len(TOKEN_RE.findall(TEXT_0 + " " + TEXT_1))
    assert pair(compute_agreement(layers)["tokens"])["tokens"] == n
    with_boilerplate = compute_agreement(layers, include_boilerplate=True)
    assert pair(with_boilerplate["tokens"])["tokens"] == n + 3


def test_alpha_is_undefined_when_no_token_has_two_coders():
    result = compute_agreement(
        [
            record("alice", [span(UKRAINE, "ACTOR")], doc="a"),
            record("bob", [span(RUSSIA, "ACTOR")], doc="b"),
        ]
    )
    alpha = result["tokens"]["alpha"]
    assert alpha["value"] is None and alpha["units"] == 0
    assert alpha["note"] == "undefined: no token was labelled by two coders"


def random_corpus(seed, coders=("ann", "ben", "cat", "dan"), documents=12):
    """Build random coder layers over random documents; some coders skip some documents."""
    rng = random.Random(seed)
    words = [
        "Kyiv",
        "said",
        "Moscow",
        ",",
        "the",
        "talks",
        ".",
        "€5",
        "über",
        "O'Brien_2",
        "😀",
        "déjà-vu",
        "10:30",
        "—",
        "“no”",
    ]
    labels = ["ACTOR", "EVENT", "SOURCE", "CUE", "CONTENT", "LOCATION"]
    records, by_doc = [], {}
    for d in range(documents):
        paragraphs = [
            {
                "index": i,
                "text": " ".join(rng.choice(words) for _ in range(12)),
                "boilerplate": rng.random() < 0.1,
            }
            for i in range(rng.randint(1, 3))
        ]
        present = [c for c in coders if rng.random() < 0.7]
        by_doc[f"d{d}"] = (paragraphs, {})
        for coder in present:
            spans = []
            for k in range(rng.randint(0, 6)):
                p = rng.choice(paragraphs)
                start = rng.randrange(len(p["text"]))
                end = rng.randint(start + 1, min(len(p["text"]), start + 25))
                spans.append(
                    {
                        "id": f"s{k}",
                        "paragraph": p["index"],
                        "start": start,
                        "end": end,
                        "label": rng.choice(labels),
                    }
                )
            by_doc[f"d{d}"][1][coder] = spans
            records.append(
                {
                    "id": f"d{d}",
                    "layer": coder,
                    "paragraphs": paragraphs,
                    "spans": spans,
                    "events": [],
                    "attributions": [],
                }
            )
        records.append(
            {
                "id": f"d{d}",
                "layer": "gold",
                "paragraphs": paragraphs,
                "spans": [],
                "events": [],
                "attributions": [],
            }
        )
    return records, by_doc


@pytest.mark.parametrize("seed", range(6))
def test_kappa_and_alpha_match_the_reference_libraries_on_random_data(seed):
    coders = ("ann", "ben", "cat", "dan")
    records, by_doc = random_corpus(seed, coders)
    result = compute_agreement(records)

    columns = {c: [] for c in coders}  # one reliability-data row per coder, one column per token
    for paragraphs, layers in by_doc.values():
        n = len(reference_token_labels([], paragraphs))
        for c in coders:
            columns[c] += (
                reference_token_labels(layers[c], paragraphs) if c in layers else [None] * n
            )
    for row in result["tokens"]["pairs"]:
        a, b = row["coders"]
        shared = [
            (x, y)
            for x, y in zip(columns[a], columns[b], strict=True)
            if x is not None and y is not None
        ]
        assert row["tokens"] == len(shared)
        expected = cohen_kappa_score([x for x, _ in shared], [y for _, y in shared])
        assert row["kappa"] == pytest.approx(expected, abs=1e-12)
    assert len(result["tokens"]["pairs"]) == 6

    codes = {
        label: i
        for i, label in enumerate(
            sorted({v for col in columns.values() for v in col if v is not None})
        )
    }
    data = np.array([[np.nan if v is None else codes[v] for v in columns[c]] for c in coders])
    expected_alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert result["tokens"]["alpha"]["value"] == pytest.approx(expected_alpha, abs=1e-12)


# --- events and attributions --------------------------------------------------------------------


def test_events_match_on_trigger_range_and_type_whatever_the_span_ids():
    bob_spans = [
        span(UKRAINE, "ACTOR", "b1"),
        span(RUSSIA, "ACTOR", "b2"),
        span(EXCHANGED, "EVENT", "b3"),
    ]
    bob_events = [
        {
            "id": "x",
            "trigger": "b3",
            "type": "RETREAT",
            "arguments": [{"role": "actor", "span": "b1"}, {"role": "recipient", "span": "b2"}],
        }
    ]
    alice = record("alice", FULL_SPANS, FULL_EVENTS)
    events = pair(compute_agreement([alice, record("bob", bob_spans, bob_events)])["events"])
    assert events["events"]["f1"] == 1.0
    assert events["arguments"]["matches"] == 1  # Russia's role differs
    assert events["arguments"]["f1"] == 0.5

    bob_events[0]["type"] = "AGREE"
    events = pair(compute_agreement([alice, record("bob", bob_spans, bob_events)])["events"])
    assert events["events"]["f1"] == 0.0
    assert events["arguments"]["f1"] == 0.0  # arguments hang on the (trigger, type)


def test_attribution_parts_compare_as_sets_of_ranges():
    # Alice marks the content as two pieces; Bob the same two pieces in the other order.
    pieces = [span((0, 0, 18), "CONTENT", "p1"), span((0, 19, 45), "CONTENT", "p2")]
    alice = record(
        "alice",
        [*FULL_SPANS, *pieces],
        attributions=[{"id": "a1", "source": ["z"], "cue": ["c"], "content": ["p1", "p2"]}],
    )
    bob = record(
        "bob",
        [*FULL_SPANS, *pieces],
        attributions=[
            {"id": "b1", "source": ["z"], "cue": ["c"], "content": ["p2", "p1"]},
            {"id": "b2", "source": [], "cue": ["c"], "content": ["q"]},
        ],
    )
    result = compute_agreement([alice, bob])
    assert result["documents"][0]["span_exact_f1"] == 1.0
    attributions = pair(result["attributions"])
    assert attributions["content"]["exact"]["matches"] == 1
    assert attributions["source"]["exact"] == {
        "matches": 1,
        "n_reference": 1,
        "n_other": 1,  # b2's empty source is not an item
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
    }
    assert attributions["cue"]["exact"]["f1"] == pytest.approx(2 / 3)
    assert attributions["whole"]["f1"] == pytest.approx(2 / 3)
    # Overlap is one-to-one: b2's content [0,45) also overlaps alice's, but alice's one content
    # goes to b1 (overlap 44 characters vs 44: tie, broken by the parts' order).
    assert attributions["content"]["overlap"]["matches"] == 1


def test_attribution_part_overlap_matches_what_exact_misses():
    alice = record("alice", FULL_SPANS, attributions=FULL_ATTRIBUTIONS)
    shorter = span((0, 0, 30), "CONTENT", "q")
    bob = record("bob", [*FULL_SPANS[:5], shorter], attributions=FULL_ATTRIBUTIONS)
    attributions = pair(compute_agreement([alice, bob])["attributions"])
    assert attributions["content"]["exact"]["f1"] == 0.0
    assert attributions["content"]["overlap"]["f1"] == 1.0
    assert attributions["whole"]["f1"] == 0.0


# --- per coder, per label, per document --------------------------------------------------------


def test_documents_are_listed_lowest_agreement_first():
    records = [
        record("alice", [span(UKRAINE, "ACTOR")], doc="same"),
        record("bob", [span(UKRAINE, "ACTOR")], doc="same"),
        record("alice", [span(UKRAINE, "ACTOR")], doc="different"),
        record("bob", [span(RUSSIA, "ACTOR")], doc="different"),
        record("alice", [span(UKRAINE, "ACTOR"), span(RUSSIA, "ACTOR")], doc="half"),
        record("bob", [span(UKRAINE, "ACTOR")], doc="half"),
        record("alice", doc="empty"),
        record("bob", doc="empty"),
    ]
    rows = compute_agreement(records)["documents"]
    assert [r["id"] for r in rows] == ["different", "half", "same", "empty"]
    assert rows[1]["span_exact_f1"] == pytest.approx(2 / 3)


def test_per_coder_figures_are_means_over_their_pairs():
    records = [
        record("alice", [span(UKRAINE, "ACTOR")]),
        record("bob", [span(UKRAINE, "ACTOR")]),
        record("carol", [span(RUSSIA, "ACTOR")]),
    ]
    result = compute_agreement(records)
    assert result["per_coder"]["alice"]["span_exact_f1"] == 0.5  # mean of 1.0 (bob), 0.0 (carol)
    assert result["per_coder"]["carol"]["span_exact_f1"] == 0.0
    assert result["per_coder"]["carol"]["pairs"] == 2
    assert result["spans"]["overall"]["exact"]["f1"] == pytest.approx(1 / 3)  # 2·1 / 6


def test_per_label_gives_figures_and_each_coders_span_count():
    result = compute_agreement(
        [
            record("alice", [span(UKRAINE, "ACTOR"), span(KYIV, "LOCATION")]),
            record("bob", [span(UKRAINE, "ACTOR")]),
        ]
    )
    assert result["labels"]["ACTOR"]["exact"]["f1"] == 1.0
    assert result["labels"]["LOCATION"]["spans"] == {"alice": 1, "bob": 0}
    assert result["labels"]["LOCATION"]["exact"]["f1"] == 0.0


# --- rendering ----------------------------------------------------------------------------------


def test_table_shows_pairs_and_figures():
    result = compute_agreement([record("alice", FULL_SPANS), record("bob", FULL_SPANS[:4])])
    text = format_agreement_table(result)
    assert "alice / bob" in text
    assert "Krippendorff's alpha" in text
    assert f"{pair(result['spans'])['exact']['f1']:.3f}" in text


@pytest.mark.parametrize("chart", ["labels", "kappa"])
def test_svg_is_well_formed_and_escapes_names(chart):
    evil = "<script>&"
    result = compute_agreement(
        [record("alice", [span(UKRAINE, evil)]), record(evil, [span(UKRAINE, evil)])]
    )
    svg = agreement_svg(result, chart)
    assert "<script>" not in svg
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert any(evil in t for t in texts)


def test_svg_rejects_an_unknown_chart():
    with pytest.raises(ValueError, match="unknown agreement chart"):
        agreement_svg(compute_agreement([]), "pie")


# --- the real corpus ------------------------------------------------------------------------------

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "polnear-training"


@pytest.mark.shared
def test_polnear_training_coders_agree_measurably():
    """PolNeAR's training articles were attributed by six coders each; compare them."""
    if not POLNEAR.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared corpus missing: {POLNEAR}")
        pytest.skip(f"shared corpus absent: {POLNEAR}")
    brat = pytest.importorskip("annotator.formats.brat", reason="no brat reader yet")
    if not hasattr(brat, "read"):
        pytest.skip("the brat module has no read(path) yet")
    records = list(brat.read(POLNEAR))  # text/*.txt with attributions/<doc>_<coder>.ann
    result = compute_agreement(records)
    assert len(result["coders"]) == 6
    assert result["n_documents_compared"] == 4
    assert 0 < result["attributions"]["overall"]["cue"]["overlap"]["f1"] <= 1
