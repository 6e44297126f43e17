"""Label Studio JSON: the streamed reader, the writer, a file in Label Studio's export shape
(tests/data/label_studio) and label-studio-converter reading our export."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import json
from pathlib import Path

import pytest
from label_studio_converter import Converter
from sqlalchemy import select

from annotator.cli import main
from annotator.errors import InputError
from annotator.extensions import db
from annotator.formats import label_studio
from annotator.models import Layer, Span, User
from annotator.services.exporting import export_project
from annotator.services.intake import import_files
from tests.helpers import make_project
from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)

DATA = Path(__file__).parent / "data" / "label_studio"
# An emoji, a flag, a skin-tone modifier and a combining mark before the spans.
TEXT = ("Moscow 😀 🇷🇺 👋🏿 Cafe\u0301 claimed the remains were those of Ukrainian citizens."
        "\n\nKyiv denied it.")


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


def task(*annotations, predictions=(), **data) -> dict:
    return {"id": 17, "data": {"text": TEXT, **data}, "predictions": list(predictions),
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
    assert first["meta"]["label_studio"] == {"task": 17, "predictions_not_imported": 0}
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
    if result.get("value", {}).get("text") == "Kyiv":
        assert "--offsets codepoints" in str(caught.value)


def test_malformed_json_names_the_line(tmp_path):
    path = tmp_path / "export.json"
    path.write_text('[\n{"id": 1,\n', encoding="utf-8")
    with pytest.raises(InputError, match="malformed JSON") as caught:
        list(label_studio.read(path))
    assert caught.value.line == 3


def test_predictions_go_to_the_layer_option_unless_an_annotation_fills_it(tmp_path):
    guess = {"model_version": "v1", "result": [region("p", "Kyiv", "ACTOR")]}
    second = {"model_version": "v2", "result": []}
    path = export(tmp_path, [task(predictions=[guess, second])])
    (record,) = label_studio.read(path)
    assert record["layer"] == "gold" and [s["text"] for s in record["spans"]] == ["Kyiv"]
    assert record["meta"]["label_studio"]["predictions_not_imported"] == 1
    (named,) = label_studio.read(path, layer="model")
    assert named["layer"] == "model"
    done = {"completed_by": 2, "result": [], "was_cancelled": False}
    kept = list(label_studio.read(export(tmp_path, [task(done, predictions=[guess])]),
                                  layer="2"))
    assert [r["layer"] for r in kept] == ["2"]


def test_tasks_without_id_and_annotations_without_completed_by_are_kept(tmp_path):
    loose = {"data": {"text": TEXT}, "annotations": [{"result": [region("k", "Kyiv", "ACTOR")]}]}
    first, second = label_studio.read(export(tmp_path, [loose, loose]), layer="review")
    assert (first["id"], second["id"]) == ("export-1", "export-2")
    assert first["layer"] == second["layer"] == "review"


def test_a_numeric_completed_by_takes_the_email_label_studio_gives(tmp_path):
    named = {"completed_by": 3, "created_username": " Alice Smith alice@example.org, 3",
             "result": []}
    other = {"completed_by": 4, "created_username": "bob@example.org, 9", "result": []}
    first, second = label_studio.read(export(tmp_path, [task(named, other)]))
    assert (first["layer"], second["layer"]) == ("alice@example.org", "4")


def test_the_file_is_read_one_task_at_a_time(tmp_path):
    big = task({"completed_by": 1, "result": [region("k", "Kyiv", "ACTOR")]},
               padding="x" * 200_000)
    path = tmp_path / "export.json"
    path.write_text("[" + json.dumps(big) + ",\n" + json.dumps(big) + ",\n{broken\n]",
                    encoding="utf-8")
    records = label_studio.read(path)
    assert next(records)["spans"][0]["text"] == "Kyiv"  # before the broken task is read
    with pytest.raises(InputError, match="malformed JSON") as caught:
        list(records)
    assert caught.value.line == 3


@pytest.mark.parametrize("unit", ["utf16", "graphemes"])
def test_other_offsets_units_are_read_when_asked(tmp_path, unit):
    import regex

    start = TEXT.index("claimed")
    if unit == "utf16":
        convert = lambda i: len(TEXT[:i].encode("utf-16-le")) // 2  # noqa: E731
    else:
        convert = lambda i: len(regex.findall(r"\X", TEXT[:i]))  # noqa: E731
    result = {"id": "c", "type": "labels", "value": {
        "start": convert(start), "end": convert(start) + 7, "text": "claimed", "labels": ["CUE"]}}
    path = export(tmp_path, [task({"completed_by": 1, "result": [result]})])
    (record,) = label_studio.read(path, offsets=unit)
    assert record["spans"][0]["text"] == "claimed"
    with pytest.raises(InputError, match=f"--offsets codepoints;.*--offsets {unit}"):
        list(label_studio.read(path, offsets="codepoints"))


def peer_regions(path: Path) -> dict:
    """{(task, annotator): [(start, end, text, label)]} of a Label Studio file."""
    found = {}
    for number, item in enumerate(json.loads(path.read_text(encoding="utf-8")), start=1):
        document = str(item["data"].get("id", item.get("id", f"project-7-export-{number}")))
        for kind in ("annotations", "predictions"):
            for one in item.get(kind) or []:
                who = one.get("completed_by")
                who = who.get("email") if isinstance(who, dict) else one.get("created_username")
                found[(document, (who or "gold").strip().split(",")[0])] = sorted(
                    (r["value"]["start"], r["value"]["end"], r["value"]["text"],
                     r["value"]["labels"][0].upper())
                    for r in one["result"] if r["type"] == "labels")
    return found


@pytest.fixture
def imported(app):
    project = make_project("Peer")
    import_files(project, [DATA / "project-7-export.json"], "label-studio", create_coders=True)
    return project


def test_a_label_studio_export_imports_with_every_span_as_labelled(imported):
    layers = set(db.session.execute(select(User.username).join(Layer, Layer.user_id == User.id)
                                    ).scalars())
    assert {"alice@example.org", "bob@example.org"} <= layers
    stored = sorted((s.text, s.label) for s in db.session.execute(select(Span)).scalars())
    expected = sorted((text, label) for regions in peer_regions(
        DATA / "project-7-export.json").values() for _, _, text, label in regions)
    assert stored == expected


def test_our_export_gives_label_studio_its_own_offsets_back(imported, tmp_path):
    report = export_project(imported, "label-studio", layer="all", out=tmp_path / "out")
    assert report["spans"] == 12
    ours = peer_regions(tmp_path / "out" / "tasks.json")
    theirs = peer_regions(DATA / "project-7-export.json")
    assert ours == {(document, who): regions for (document, who), regions in theirs.items()}
    tasks = json.loads((tmp_path / "out" / "tasks.json").read_text(encoding="utf-8"))
    relation = next(r for t in tasks for a in t.get("annotations", []) for r in a["result"]
                    if r["type"] == "relation")
    assert relation["labels"] in (["source"], ["content"])
    # Label Studio's import (tasks/serializers.py, _insert_valid_completed_by) gives an annotation
    # without completed_by to the importing user, and refuses an e-mail or id it does not know.
    assert all("completed_by" not in a for t in tasks for a in t.get("annotations", []))
    config = (tmp_path / "out" / "labeling_config.xml").read_text(encoding="utf-8")
    assert '<Label value="SOURCE"/>' in config and '<Relation value="content"/>' in config


def test_label_studio_converter_reads_our_export(imported, tmp_path):
    export_project(imported, "label-studio", layer="all", out=tmp_path / "out")
    converter = Converter(config=str(tmp_path / "out" / "labeling_config.xml"),
                          project_dir=str(tmp_path))
    converter.convert_to_json_min(str(tmp_path / "out" / "tasks.json"), str(tmp_path / "min"),
                                  is_dir=False)
    rows = json.loads((tmp_path / "min" / "result.json").read_text(encoding="utf-8"))
    regions = [(row["text"], region) for row in rows for region in row.get("label", [])]
    assert len(regions) == 12
    for text, region in regions:
        assert text[region["start"]:region["end"]] == region["text"]
    assert any(region["text"].startswith("the remains 👍🏽 of Cafe\u0301") for _, region in regions)


def test_predictions_export_and_import_through_the_command_line(runner, imported, tmp_path):
    db.session.commit()
    out = tmp_path / "pred"
    result = runner.invoke(main, ["export", "Peer", "--format", "label-studio-predictions",
                                  "--layer", "alice@example.org", "--out", str(out)])
    assert result.exit_code == 0, result.output
    tasks = json.loads((out / "tasks.json").read_text(encoding="utf-8"))
    assert [p["model_version"] for t in tasks for p in t.get("predictions", [])] == [
        "alice@example.org"]
    make_project("Second")
    db.session.commit()
    result = runner.invoke(main, ["import", "Second", str(out / "tasks.json"), "--format",
                                  "label-studio", "--layer", "gold"])
    assert result.exit_code == 0, result.output
    assert "4 spans" in result.output


def test_one_document_id_with_two_texts_is_refused(app, tmp_path):
    from annotator.errors import InputErrors

    one = {"data": {"id": "d1", "text": TEXT}, "annotations": []}
    two = {"data": {"id": "d1", "text": TEXT + " 🇺🇦"}, "annotations": []}
    project = make_project("Twice")
    with pytest.raises(InputErrors, match="document 'd1' appears again with different"):
        import_files(project, [export(tmp_path, [one, one, two])], "label-studio")


@pytest.mark.parametrize("fmt, name", [("label-studio", "tasks.json"),
                                       ("label-studio-predictions", "tasks.json"),
                                       ("doccano", "data.jsonl")])
def test_the_export_page_offers_the_peer_formats_as_zip_files(browser, world, fmt, name):
    import io
    import zipfile

    manager = browser("managerM")
    manager.refresh_token(f"/projects/{world.p1}/export")
    response = manager.client.post(f"/projects/{world.p1}/export", data={
        "format": fmt, "layer": "all", "csrf_token": manager.token})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as zipped:
        assert name in zipped.namelist()
        content = zipped.read(name).decode("utf-8")
    response.close()
    assert "Prisoner exchange" in content
