"""doccano JSONL: the reader (offsets in three units), the writer, and both checked against
doccano's own loader rules and a file in doccano's export shape (tests/data/doccano)."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import io
import json
import re
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from annotator.cli import main
from annotator.errors import InputError
from annotator.extensions import db
from annotator.formats import doccano
from annotator.formats.offsets_units import UNITS, UnitMap
from annotator.models import Span
from annotator.services.exporting import export_project
from annotator.services.intake import import_files
from tests.helpers import make_project
from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)

DATA = Path(__file__).parent / "data" / "doccano"
# An emoji, a flag, a skin-tone modifier and a combining mark before the spans.
TEXT = "Zelensky 😀 🇺🇦 👍🏽 said on social media.\n\nCafe\u0301 owners in Kyiv agreed."


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
        "Zelensky 😀 🇺🇦 👍🏽 said on social media.", "Cafe\u0301 owners in Kyiv agreed."]
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
    ({"text": TEXT, "label": [[utf16(TEXT, 38), utf16(TEXT, 40), "X"]]},
     "only whitespace between paragraphs"),
    ({"text": TEXT, "label": [[utf16(TEXT, 12), utf16(TEXT, 16), "X"]]},
     "inside a character cluster"),
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


def clusters(text: str, index: int) -> int:
    return len(regex.findall(r"\X", text[:index]))


def test_a_project_counting_grapheme_clusters_is_read_with_offsets_graphemes(tmp_path):
    kyiv = TEXT.index("Kyiv")
    path = write_lines(tmp_path, {"text": TEXT, "label": [
        [clusters(TEXT, kyiv), clusters(TEXT, kyiv) + 4, "ACTOR"]]})
    (record,) = doccano.read(path, offsets="graphemes")
    assert [s["text"] for s in record["spans"]] == ["Kyiv"]


def test_grapheme_offsets_read_as_utf16_are_refused_naming_the_option():
    # The case: read as UTF-16, a grapheme-counting project's "Kyiv" became "🏽 K".
    with pytest.raises(InputError, match="--offsets utf16.*--offsets codepoints or --offsets "
                                         "graphemes") as caught:
        list(doccano.read(DATA / "graphemes.jsonl"))
    assert "inside a" in str(caught.value) and caught.value.line == 1


def cut(text: str, unit: str, start: int, end: int) -> str:
    """Return text[start:end] counted in `unit`, as doccano's browser shows it."""
    if unit == "graphemes":
        return "".join(regex.findall(r"\X", text)[start:end])
    return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le")


def expected_texts(path: Path, unit: str) -> list[list[tuple[str, str]]]:
    """What each line's annotator selected: the text at the offsets, in the file's own unit."""
    result = []
    for line in path.read_text(encoding="utf-8").splitlines():
        value = json.loads(line)
        items = value.get("label") or [[e["start_offset"], e["end_offset"], e["label"]]
                                       for e in value["entities"]]
        result.append([(cut(value["text"], unit, a, b), label) for a, b, label in items])
    return result


@pytest.mark.parametrize("name, unit", [("sequence_labeling.jsonl", "utf16"),
                                        ("relation_extraction.jsonl", "utf16"),
                                        ("graphemes.jsonl", "graphemes")])
def test_every_span_of_a_doccano_export_holds_what_was_labelled(name, unit):
    records = list(doccano.read(DATA / name, offsets=unit))
    got = [[(s["text"], s["label"]) for s in r["spans"]] for r in records]
    assert got == expected_texts(DATA / name, unit)
    assert got[1][2][0] == "that the e\u0301lite 😀 units withdrew from Kherson"


def doccano_accepts(line: dict, relations: bool, allow_overlapping: bool) -> list:
    """Apply doccano 1.8's loader rules (backend/data_import/pipeline: makers.py, label.py,
    labels.py) to one line; return the spans it would store, as (start, end, label).

    The text column must be present and non-null; a span is [start, end, label] (sequence
    labelling, `label`) or {id, start_offset, end_offset, label} (`entities`), with integers
    0 <= start < end and a non-empty label, else doccano drops it without a word; relations
    need from_id/to_id naming entities and a type; overlapping spans are dropped (the later
    ones) unless the project allows overlaps.
    """
    assert isinstance(line.get("text"), str) and line["text"]
    if relations:
        raw = [(e["start_offset"], e["end_offset"], e["label"], e["id"])
               for e in line["entities"]]
        ids = {e[3] for e in raw}
        for relation in line["relations"]:
            assert relation["from_id"] in ids and relation["to_id"] in ids and relation["type"]
    else:
        raw = [(*item, None) for item in line["label"]]
    spans = [(s, e, label) for s, e, label, _ in raw
             if type(s) is int and type(e) is int and 0 <= s < e and label]
    if allow_overlapping:
        return spans
    kept, last = [], -1
    for span in sorted(spans):
        if span[0] >= last:
            kept.append(span)
            last = span[1]
    return kept


@pytest.fixture
def imported(app):
    project = make_project("Peer")
    import_files(project, [DATA / "relation_extraction.jsonl"], "doccano")
    return project


def test_a_doccano_export_goes_back_out_with_the_offsets_doccano_wrote(imported, tmp_path):
    report = export_project(imported, "doccano", out=tmp_path / "out")
    assert report["spans"] == 11
    ours = [json.loads(line) for line in
            (tmp_path / "out" / "data.jsonl").read_text(encoding="utf-8").splitlines()]
    theirs = [json.loads(line) for line in
              (DATA / "relation_extraction.jsonl").read_text(encoding="utf-8").splitlines()]
    for mine, original in zip(ours, theirs, strict=True):
        assert mine["text"] == original["text"]
        # Labels come back spelled as the codebook spells them ("Source" is SOURCE).
        assert sorted((e["start_offset"], e["end_offset"], e["label"].upper())
                      for e in original["entities"]) == sorted(
            (e["start_offset"], e["end_offset"], e["label"]) for e in mine["entities"])
        assert sorted(map(tuple, mine["label"])) == sorted(
            (e["start_offset"], e["end_offset"], e["label"]) for e in mine["entities"])
        by_id = {e["id"]: e for e in mine["entities"]}
        assert sorted((by_id[r["from_id"]]["label"], r["type"], by_id[r["to_id"]]["label"])
                      for r in mine["relations"]) == [("CUE", "content", "CONTENT"),
                                                      ("CUE", "source", "SOURCE")]
        for relations in (False, True):
            assert sorted(doccano_accepts(mine, relations, allow_overlapping=True)) == sorted(
                (e["start_offset"], e["end_offset"], e["label"]) for e in mine["entities"])
    # doccano's loader takes its own export shape too: the rules above are doccano's.
    assert all(doccano_accepts(line, True, allow_overlapping=False) for line in theirs)


def test_a_doccano_label_source_matches_the_codebooks_source(imported):
    labels = dict(db.session.execute(select(Span.text, Span.label)).all())
    assert (labels["Zelensky"], labels["officials"], labels["said"]) == ("SOURCE", "ACTOR", "CUE")
    assert set(labels.values()) == {"SOURCE", "CUE", "CONTENT", "ACTOR", "EVENT", "LOCATION"}


def test_the_export_reimports_with_the_same_spans_and_attribution(imported, tmp_path):
    export_project(imported, "doccano", out=tmp_path / "out")
    again = list(doccano.read(tmp_path / "out" / "data.jsonl"))
    first = list(doccano.read(DATA / "relation_extraction.jsonl"))
    for one, two in zip(first, again, strict=True):
        assert [(s["paragraph"], s["start"], s["end"], s["label"].upper()) for s in one["spans"]
                ] == [(s["paragraph"], s["start"], s["end"], s["label"]) for s in two["spans"]]
        assert len(two["attributions"]) == 1


def test_events_keep_their_type_through_doccano(tmp_path):
    text = "Kyiv 🇺🇦 👍🏽 and Mosco\u0301w 😀 exchanged prisoners."
    record = doccano._record({"text": text, "label": [[0, 4, "ACTOR"]]}, "d", "gold", "utf16")
    trigger = text.index("exchanged")
    record["spans"].append({"id": "t", "paragraph": 0, "start": trigger,
                            "end": trigger + 9, "text": "exchanged", "label": "EVENT",
                            "attrs": {}})
    record["events"] = [{"id": "e1", "trigger": "t", "type": "RETREAT", "attrs": {},
                         "arguments": [{"role": "actor", "span": "s1"}]}]
    doccano.write([record], tmp_path / "out")
    (again,) = doccano.read(tmp_path / "out" / "data.jsonl")
    assert [(e["type"], e["arguments"][0]["role"]) for e in again["events"]] == [
        ("RETREAT", "actor")]
    line = json.loads((tmp_path / "out" / "data.jsonl").read_text(encoding="utf-8"))
    assert line["label"][1] == [len(text[:trigger].encode("utf-16-le")) // 2,
                                len(text[:trigger].encode("utf-16-le")) // 2 + 9, "EVENT"]


def test_the_command_line_takes_offsets_and_names_the_option_when_they_do_not_fit(runner, app):
    make_project("Peer")
    db.session.commit()
    bad = runner.invoke(main, ["import", "Peer", str(DATA / "graphemes.jsonl"), "--format",
                               "doccano"])
    assert bad.exit_code != 0 and "--offsets graphemes" in bad.output
    assert "Traceback" not in bad.output
    good = runner.invoke(main, ["import", "Peer", str(DATA / "graphemes.jsonl"), "--format",
                                "doccano", "--offsets", "graphemes"])
    assert good.exit_code == 0, good.output
    texts = set(db.session.execute(select(Span.text)).scalars())
    assert {"Kyiv", "Cafe\u0301 owners", "agreed"} <= texts
    wrong = runner.invoke(main, ["import", "Peer", str(DATA / "graphemes.jsonl"), "--format",
                                 "native", "--offsets", "utf16"])
    assert wrong.exit_code != 0 and "--offsets applies to doccano, label-studio" in wrong.output


def test_the_import_page_takes_the_offsets_unit_and_names_it_when_they_do_not_fit(
        browser, world):
    manager = browser("managerM")
    content = (DATA / "graphemes.jsonl").read_bytes()

    def upload(offsets: str):
        manager.refresh_token(f"/projects/{world.p1}/import")
        return manager.client.post(f"/projects/{world.p1}/import", data={
            "format": "doccano", "offsets": offsets, "layer": "", "csrf_token": manager.token,
            "files": [(io.BytesIO(content), "doccano.jsonl")]},
            content_type="multipart/form-data")

    refused = upload("")
    assert refused.status_code == 422
    assert b"--offsets graphemes" in refused.data and b"Offsets count" in refused.data
    assert upload("graphemes").status_code == 302
    db.session.rollback()
    texts = set(db.session.execute(select(Span.text)).scalars())
    assert {"Kyiv", "Cafe\u0301 owners", "that the e\u0301lite 😀 units withdrew from Kherson"
            } <= texts


PIECES = ["a", " ", "e\u0301", "😀", "🇺🇦", "👍🏽", "\r\n", "\n", "é", "👩‍❤️‍👩", "\u0600" "1",
          "क्ष", "\u200d", "𠀀"]


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(PIECES), max_size=14).map("".join),
                 st.text(max_size=30)))
def test_every_unit_converts_at_every_cluster_edge_and_refuses_inside_one(text):
    edges = [m.start() for m in regex.finditer(r"\X", text)] + [len(text)]
    units = {unit: UnitMap(text, unit) for unit in UNITS}
    assert [units["graphemes"].to_codepoints(i) for i in range(len(edges))] == edges
    for point in edges:
        for unit, mapping in units.items():
            assert mapping.to_codepoints(mapping.from_codepoints(point)) == point, unit
    for point in set(range(len(text) + 1)) - set(edges):
        with pytest.raises(ValueError, match="inside a"):
            units["codepoints"].to_codepoints(point)
