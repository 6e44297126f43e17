"""Tests for the doccano JSONL reader."""

import json
import re

import pytest

from annotator.errors import InputError
from annotator.formats import doccano

TEXT = "Zelensky 😀 said on social media.\n\nCafe\u0301 owners in Kyiv agreed."


def utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def write_lines(tmp_path, *values) -> object:
    path = tmp_path / "admin.jsonl"
    path.write_text("".join(json.dumps(v, ensure_ascii=False) + "\n" for v in values),
                    encoding="utf-8")
    return path


def test_old_label_lists_with_browser_offsets_become_spans_in_paragraphs(tmp_path):
    said, kyiv = TEXT.index("said"), TEXT.index("Kyiv")
    path = write_lines(tmp_path, {"id": 7, "text": TEXT, "label": [
        [utf16(TEXT, said), utf16(TEXT, said) + 4, "CUE"],
        [utf16(TEXT, kyiv), utf16(TEXT, kyiv) + 4, "ACTOR"], "POSITIVE"]})
    (record,) = doccano.read(path)
    assert record["id"] == "7" and record["layer"] == "gold"
    assert [p["text"] for p in record["paragraphs"]] == [
        "Zelensky 😀 said on social media.", "Cafe\u0301 owners in Kyiv agreed."]
    assert [(s["paragraph"], s["text"], s["label"]) for s in record["spans"]] == [
        (0, "said", "CUE"), (1, "Kyiv", "ACTOR")]
    assert record["meta"]["categories"] == ["POSITIVE"]


def test_code_point_offsets_are_read_when_asked(tmp_path):
    said = TEXT.index("said")
    path = write_lines(tmp_path, {"text": TEXT, "label": [[said, said + 4, "CUE"]]})
    (record,) = doccano.read(path, offsets="codepoints", layer="alice")
    assert record["spans"][0]["text"] == "said" and record["layer"] == "alice"
    assert record["id"] == "admin-1"


def test_entities_and_relations_become_spans_and_an_attribution(tmp_path):
    def entity(n, piece, label):
        start = TEXT.index(piece)
        return {"id": n, "start_offset": utf16(TEXT, start),
                "end_offset": utf16(TEXT, start) + len(piece), "label": label}

    path = write_lines(tmp_path, {
        "id": 1, "text": TEXT, "Comments": [],
        "entities": [entity(1, "Zelensky", "SOURCE"), entity(2, "said", "CUE"),
                     entity(3, "on social media", "CONTENT"), entity(4, "agreed", "AGREE"),
                     entity(5, "owners", "ACTOR")],
        "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "source"},
                      {"id": 2, "from_id": 2, "to_id": 3, "type": "content"},
                      {"id": 3, "from_id": 4, "to_id": 5, "type": "Actor"}]})
    (record,) = doccano.read(path)
    assert record["attributions"] == [{"id": "R1", "source": ["s1"], "cue": ["s2"],
                                       "content": ["s3"], "parent": None, "attrs": {}}]
    assert record["events"] == [{"id": "R3", "trigger": "s4", "type": "AGREE", "attrs": {},
                                 "arguments": [{"role": "actor", "span": "s5"}]}]
    assert record["meta"] == {"Comments": []}


def test_a_line_without_labels_is_a_document_without_a_layer(tmp_path):
    (record,) = doccano.read(write_lines(tmp_path, {"id": "a", "text": "Just text."}))
    assert record["layer"] is None and record["spans"] == []


@pytest.mark.parametrize("value, message", [
    ({"text": TEXT, "label": [[0, 99, "X"]]}, "offset 99 is outside the text"),
    ({"text": TEXT, "label": [[10, 11, "X"]]}, "surrogate pair"),
    ({"text": TEXT, "label": [[33, 35, "X"]]}, "only whitespace between paragraphs"),
    ({"text": TEXT, "label": [[0, 3]]}, "must be [start, end"),
    ({"text": TEXT, "entities": [{"id": 1, "start_offset": 0, "label": "X"}]}, "end_offset"),
    ({"text": TEXT, "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "x"}]},
     "unknown entity"),
    ({"text": 42}, "text must be non-empty text"),
    ([1, 2], "JSON object"),
])
def test_what_cannot_be_kept_is_refused_naming_the_line(tmp_path, value, message):
    path = write_lines(tmp_path, {"text": "fine"}, value)
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        list(doccano.read(path))
    assert (caught.value.file, caught.value.line) == ("admin.jsonl", 2)
