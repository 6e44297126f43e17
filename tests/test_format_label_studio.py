"""Tests for the Label Studio JSON export reader."""

import json

import pytest

from annotator.errors import InputError
from annotator.formats import label_studio

TEXT = "Moscow 😀 claimed the remains were those of Ukrainian citizens.\n\nKyiv denied it."


def region(rid: str, piece: str, label: str, utf16: bool = False) -> dict:
    start = TEXT.index(piece)
    if utf16:
        start = len(TEXT[:start].encode("utf-16-le")) // 2
    return {"id": rid, "type": "labels", "from_name": "label", "to_name": "text",
            "value": {"start": start, "end": start + len(piece), "text": piece,
                      "labels": [label]}}


def relation(head: str, target: str, *labels: str, direction: str = "right") -> dict:
    return {"type": "relation", "from_id": head, "to_id": target, "direction": direction,
            "labels": list(labels)}


def export(tmp_path, tasks) -> object:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return path


def task(*annotations, **data) -> dict:
    return {"id": 17, "data": {"text": TEXT, **data}, "predictions": [{"result": []}],
            "annotations": list(annotations)}


def test_each_annotator_becomes_a_layer_with_spans_in_paragraphs(tmp_path):
    alice = {"id": 1, "completed_by": {"id": 3, "email": "alice@example.org"}, "result": [
        region("a", "Moscow", "SOURCE"), region("b", "claimed", "CUE"),
        region("c", "the remains were those of Ukrainian citizens", "CONTENT"),
        relation("b", "a", "source"), relation("c", "b", "content", direction="left")]}
    bob = {"id": 2, "completed_by": 4, "result": [region("k", "Kyiv", "ACTOR")]}
    path = export(tmp_path, [task(alice, bob, title="Remains", source="wire")])
    first, second = label_studio.read(path)
    assert (first["id"], first["layer"], second["layer"]) == ("17", "alice@example.org", "4")
    assert first["title"] == "Remains" and first["meta"]["source"] == "wire"
    assert first["meta"]["label_studio"] == {"task": 17, "predictions_not_imported": 1}
    assert first["attributions"] == [{"id": "rel1", "source": ["a"], "cue": ["b"],
                                      "content": ["c"], "parent": None, "attrs": {}}]
    assert [(s["paragraph"], s["text"]) for s in second["spans"]] == [(1, "Kyiv")]


def test_older_utf16_offsets_are_recognised_by_the_region_text(tmp_path):
    ann = {"completed_by": 1, "result": [region("x", "claimed", "CUE", utf16=True)]}
    (record,) = label_studio.read(export(tmp_path, [task(ann)]))
    assert record["spans"][0]["text"] == "claimed"


def test_a_region_with_two_labels_gives_two_spans(tmp_path):
    both = region("x", "Kyiv", "ACTOR")
    both["value"]["labels"] = ["ACTOR", "SOURCE"]
    (record,) = label_studio.read(export(tmp_path, [task({"completed_by": 1,
                                                           "result": [both]})]))
    assert [(s["id"], s["label"]) for s in record["spans"]] == [("x.1", "ACTOR"),
                                                                 ("x.2", "SOURCE")]


def test_a_task_without_annotations_is_a_document_without_a_layer(tmp_path):
    (record,) = label_studio.read(export(tmp_path, [task()]))
    assert record["layer"] is None and len(record["paragraphs"]) == 2


@pytest.mark.parametrize("result, message", [
    ({"type": "choices", "value": {"choices": ["x"]}}, "type 'choices' cannot be imported"),
    ({"type": "labels", "value": {"start": "/p[1]", "end": "/p[2]", "labels": ["X"]}},
     "only plain text regions"),
    ({"type": "labels", "value": {"start": 0, "end": 6, "text": "Kyiv", "labels": ["X"]}},
     "does not hold its text 'Kyiv'"),
    (relation("a", "zz", "source"), "links zz"),
])
def test_what_cannot_be_kept_is_refused_naming_the_task(tmp_path, result, message):
    ann = {"completed_by": 1, "result": [region("a", "Moscow", "SOURCE"), result]}
    with pytest.raises(InputError, match=message) as caught:
        list(label_studio.read(export(tmp_path, [task(ann)])))
    assert caught.value.file == "export.json" and "task 1 (id 17)" in str(caught.value)


def test_malformed_json_names_the_line(tmp_path):
    path = tmp_path / "export.json"
    path.write_text('[\n{"id": 1,\n', encoding="utf-8")
    with pytest.raises(InputError, match="malformed JSON") as caught:
        list(label_studio.read(path))
    assert caught.value.line == 3
