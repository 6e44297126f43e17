"""Aligning coders' layers for review (pure): what is agreed, what conflicts, who said what."""

import random

from annotator.adjudication import align_document, find_target, review_states, walk

TEXT = "Ukraine and Russia exchanged prisoners of war, officials said."
SECOND = "Kyiv said Moscow claimed the remains were Ukrainian."


def span(uid, start, end, label, paragraph=0, **attrs):
    text = (TEXT if paragraph == 0 else SECOND)[start:end]
    return {"id": uid, "paragraph": paragraph, "start": start, "end": end, "text": text,
            "label": label, "attrs": attrs}


def layer(spans=(), events=(), attributions=()):
    return {"spans": list(spans), "events": list(events), "attributions": list(attributions)}


def event(uid, trigger, kind, *arguments, **attrs):
    return {"id": uid, "trigger": trigger, "type": kind, "attrs": attrs,
            "arguments": [{"role": role, "span": s} for role, s in arguments]}


def attribution(uid, source=(), cue=(), content=(), parent=None, **attrs):
    return {"id": uid, "source": list(source), "cue": list(cue), "content": list(content),
            "parent": parent, "attrs": attrs}


def paragraph(result, index=0):
    return next(p for p in result["paragraphs"] if p["index"] == index)


def test_span_every_coder_marked_alike_is_agreed_with_each_coders_item():
    result = align_document([0], {
        "alice": layer([span("a1", 0, 7, "ACTOR", entity_type="GPE")]),
        "bob": layer([span("b7", 0, 7, "ACTOR", entity_type="GPE")]),
    })
    [agreed] = paragraph(result)["spans"]["agreed"]
    assert agreed["id"] == "s0-0-7-ACTOR"
    assert (agreed["text"], agreed["label"]) == ("Ukraine", "ACTOR")
    assert agreed["from"] == [{"coder": "alice", "id": "a1"}, {"coder": "bob", "id": "b7"}]
    assert paragraph(result)["spans"]["conflicts"] == []


def test_different_label_on_the_same_words_is_one_conflict_showing_each_coder():
    result = align_document([0], {
        "alice": layer([span("a1", 12, 18, "ACTOR")]),
        "bob": layer([span("b1", 12, 18, "LOCATION")]),
    })
    [conflict] = paragraph(result)["spans"]["conflicts"]
    assert conflict["id"] == "cs0-12-18"
    said = {v["coder"]: [i["label"] for i in v["items"]] for v in conflict["versions"]}
    assert said == {"alice": ["ACTOR"], "bob": ["LOCATION"]}
    assert sorted((d["value"]["label"], d["coders"]) for d in conflict["differences"]) == [
        ("ACTOR", ["alice"]), ("LOCATION", ["bob"])]


def test_overlapping_boundaries_cluster_together_and_separate_words_do_not():
    result = align_document([0], {
        "alice": layer([span("a1", 29, 45, "ACTOR"), span("a2", 0, 7, "ACTOR")]),
        "bob": layer([span("b1", 29, 38, "ACTOR"), span("b2", 0, 18, "ACTOR")]),
    })
    conflicts = paragraph(result)["spans"]["conflicts"]
    assert [(c["start"], c["end"]) for c in conflicts] == [(0, 18), (29, 45)]
    assert [[len(v["items"]) for v in c["versions"]] for c in conflicts] == [[1, 1], [1, 1]]


def test_span_one_coder_left_out_is_a_conflict_where_that_coder_marked_nothing():
    result = align_document([0], {
        "alice": layer([span("a1", 47, 56, "SOURCE")]),
        "bob": layer(),
    })
    [conflict] = paragraph(result)["spans"]["conflicts"]
    assert [(v["coder"], len(v["items"])) for v in conflict["versions"]] == [
        ("alice", 1), ("bob", 0)]


def test_same_span_with_different_attributes_is_not_agreed():
    result = align_document([0], {
        "alice": layer([span("a1", 0, 7, "ACTOR", entity_type="GPE")]),
        "bob": layer([span("b1", 0, 7, "ACTOR", entity_type="ORG")]),
    })
    assert paragraph(result)["spans"]["agreed"] == []
    [conflict] = paragraph(result)["spans"]["conflicts"]
    assert {d["value"]["attrs"]["entity_type"] for d in conflict["differences"]} == {"GPE", "ORG"}


def test_agreement_needs_every_coder_not_a_majority():
    same = span("x", 0, 7, "ACTOR")
    result = align_document([0], {"alice": layer([same]), "bob": layer([same]),
                                  "carol": layer([span("c", 0, 7, "LOCATION")])})
    assert paragraph(result)["spans"]["agreed"] == []
    [conflict] = paragraph(result)["spans"]["conflicts"]
    assert [v["coder"] for v in conflict["versions"]] == ["alice", "bob", "carol"]


def test_events_align_on_trigger_and_type_and_list_argument_differences():
    spans_a = [span("u", 0, 7, "ACTOR"), span("r", 12, 18, "ACTOR"), span("x", 19, 28, "EVENT")]
    spans_b = [span("U", 0, 7, "ACTOR"), span("R", 12, 18, "ACTOR"), span("X", 19, 28, "EVENT")]
    result = align_document([0], {
        "alice": layer(spans_a, [event("e1", "x", "RETREAT", ("actor", "u"), ("actor", "r"),
                                       mode="release")]),
        "bob": layer(spans_b, [event("e2", "X", "RETREAT", ("actor", "U"), mode="release")]),
    })
    events = paragraph(result)["events"]
    assert events["agreed"] == []
    [conflict] = events["conflicts"]
    assert conflict["id"] == "ce0-19-28"
    [difference] = conflict["differences"]
    assert difference["what"] == "argument"
    assert (difference["value"]["role"], difference["value"]["span"]["text"]) == ("actor", "Russia")
    assert difference["coders"] == ["alice"]


def test_events_with_same_trigger_type_and_arguments_are_agreed():
    spans = [span("u", 0, 7, "ACTOR"), span("x", 19, 28, "EVENT")]
    one = event("e", "x", "RETREAT", ("actor", "u"))
    result = align_document([0], {"alice": layer(spans, [one]), "bob": layer(spans, [one])})
    [agreed] = paragraph(result)["events"]["agreed"]
    assert agreed["id"] == "e0-19-28-RETREAT"
    assert [a["span"]["text"] for a in agreed["arguments"]] == ["Ukraine"]


def test_nested_attributions_align_on_parts_and_parent():
    spans = [span("k", 0, 4, "SOURCE", 1), span("s", 5, 9, "CUE", 1),
             span("c", 10, 52, "CONTENT", 1), span("m", 10, 16, "SOURCE", 1),
             span("cl", 17, 24, "CUE", 1), span("c2", 25, 51, "CONTENT", 1)]
    outer = attribution("o", ["k"], ["s"], ["c"])
    inner = attribution("i", ["m"], ["cl"], ["c2"], parent="o")
    flat_inner = attribution("i", ["m"], ["cl"], ["c2"])
    result = align_document([0, 1], {"alice": layer(spans, (), [outer, inner]),
                                     "bob": layer(spans, (), [outer, flat_inner])})
    attributions = paragraph(result, 1)["attributions"]
    assert len(attributions["agreed"]) == 1  # the outer one; nesting differs for the inner
    [conflict] = attributions["conflicts"]
    assert {d["what"] for d in conflict["differences"]} == {"parent"}
    assert attributions["agreed"][0]["parent"] is None


def test_item_whose_spans_sit_in_paragraph_two_is_shown_there():
    result = align_document([0, 1], {"alice": layer([span("a", 0, 4, "ACTOR", 1)]),
                                     "bob": layer([span("b", 0, 4, "ACTOR", 1)])})
    assert paragraph(result, 0)["spans"]["agreed"] == []
    assert [s["text"] for s in paragraph(result, 1)["spans"]["agreed"]] == ["Kyiv"]


def test_same_layers_in_any_order_give_the_same_ids_and_layout():
    spans = [span("a", 0, 7, "ACTOR"), span("b", 12, 18, "ACTOR"), span("c", 29, 45, "ACTOR"),
             span("d", 47, 56, "SOURCE")]
    other = [span("p", 0, 7, "ACTOR"), span("q", 12, 18, "LOCATION"), span("r", 29, 38, "ACTOR")]
    first = align_document([0], {"alice": layer(spans), "bob": layer(other)})
    shuffled = spans[:]
    random.Random(4).shuffle(shuffled)
    second = align_document([0], {"bob": layer(other[::-1]), "alice": layer(shuffled)})
    assert first == second
    assert [x["id"] for x in walk(first)] == ["s0-0-7-ACTOR", "cs0-12-18", "cs0-29-45",
                                              "cs0-47-56"]


def test_find_target_and_states_follow_gold_and_decisions():
    result = align_document([0], {
        "alice": layer([span("a", 0, 7, "ACTOR"), span("b", 12, 18, "ACTOR")]),
        "bob": layer([span("p", 0, 7, "ACTOR"), span("q", 12, 18, "LOCATION")]),
    })
    assert find_target(result, "cs0-12-18")["kind"] == "span"
    assert find_target(result, "nope") is None
    empty = {"spans": set(), "events": set(), "attributions": set()}
    assert review_states(result, empty, {}) == {"s0-0-7-ACTOR": "open", "cs0-12-18": "open"}
    gold = {**empty, "spans": {(0, 0, 7, "ACTOR")}}
    decided = {"cs0-12-18": {"action": "accept", "coder": "bob"}}
    assert review_states(result, gold, decided) == {"s0-0-7-ACTOR": "gold",
                                                     "cs0-12-18": "decided"}
    rejected = {"s0-0-7-ACTOR": {"action": "reject"}, "cs0-12-18": {"action": "reject"}}
    assert set(review_states(result, empty, rejected).values()) == {"rejected"}
