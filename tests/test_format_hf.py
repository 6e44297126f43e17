"""Tests for the Hugging Face folder, loaded with datasets.load_dataset(folder) and ("json")."""

import json
from collections import Counter

import datasets
import pytest

from annotator.codebook import default_codebook
from annotator.formats import conll, hf, jsonl, paragraph_rows
from annotator.formats.common import filter_boilerplate
from annotator.services.exporting import export_project
from annotator.services.intake import import_files
from tests.helpers import make_project
from tests.test_format_common import sample_records


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")


def many_records(n: int = 30) -> list[dict]:
    records = []
    for i in range(n):
        gold, coder, empty = sample_records()
        if i % 3 == 0:  # some documents without events, some without any annotation
            gold = dict(gold, events=[])
        records += [dict(gold, id=f"d{i}"), dict(coder, id=f"d{i}"), dict(empty, id=f"e{i}")]
    return records


def test_datasets_loads_the_splits_as_they_are(tmp_path):
    report = hf.write(many_records(), tmp_path / "out", seed=4)
    files = report["data_files"]
    assert sorted(files) == ["dev", "test", "train"]
    loaded = datasets.load_dataset(
        "json", data_files={k: str(tmp_path / "out" / v) for k, v in files.items()},
        cache_dir=str(tmp_path / "cache"))
    assert set(loaded) == {"train", "dev", "test"}
    assert sum(len(split) for split in loaded.values()) == 30 * 5
    documents = [set(split["document"]) for split in loaded.values()]
    assert sum(len(d) for d in documents) == len(set().union(*documents)) == 60
    row = next(r for r in loaded["train"] if r["layer"] == "gold" and r["paragraph"] == 0)
    spans = row["spans"]
    assert spans and all(row["text"][s["start"]:s["end"]] == s["text"] for s in spans)
    assert "👩‍❤️‍👩" in row["tokens"] and len(row["tokens"]) == len(row["ner_tags"])


def test_the_folder_loads_by_its_readme_configs(tmp_path):
    hf.write(many_records(6), tmp_path / "out", split=(50, 50, 0))
    loaded = datasets.load_dataset(str(tmp_path / "out"), cache_dir=str(tmp_path / "cache"))
    assert set(loaded) == {"train", "dev"}


def test_a_document_without_annotations_has_an_empty_layer_not_null(tmp_path):
    hf.write([sample_records()[2]], tmp_path / "out", split=(100, 0, 0))
    row = json.loads((tmp_path / "out" / "train.jsonl").read_text(encoding="utf-8"))
    assert row["layer"] == "" and row["spans"] == [] and row["ner_tags"] == [0, 0, 0, 0]


# An emoji, a flag, a skin-tone modifier and a combining mark before the spans.
TEXTS = ["Kyiv 🇺🇦 😀 officials 👍🏽 said the Cafe\u0301 owners agreed.",
         "Moscow 🇷🇺 👋🏿 claimed 😀 the e\u0301lite units withdrew.",
         "Warsaw 🇵🇱 😀 👍🏼 Mu\u0308ller said talks continue."]


@pytest.fixture
def project(app, tmp_path):
    """A project of three documents, imported from doccano lines."""
    project = make_project("Three")
    lines = []
    for n, text in enumerate(TEXTS, start=1):
        said = text.index("said") if "said" in text else text.index("claimed")
        word = text[said:text.index(" ", said)]
        first = text.split()[0]
        lines.append(json.dumps({"id": f"doc-{n}", "text": text, "label": [
            [0, len(first), "ACTOR"],
            [len(text[:said].encode("utf-16-le")) // 2,
             len(text[:said].encode("utf-16-le")) // 2 + len(word), "CUE"]]}))
    path = tmp_path / "three.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_files(project, [path], "doccano")
    return project


def test_a_three_document_project_loads_with_class_labels_and_nested_features(project,
                                                                              tmp_path):
    export_project(project, "hf", out=tmp_path / "out")
    names = sorted(p.name for p in (tmp_path / "out").glob("*.jsonl"))
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    for split in ("train", "dev", "test"):  # no empty split file, none named in the card
        assert (f"{split}.jsonl" in names) == (f"path: {split}.jsonl" in card)
    loaded = datasets.load_dataset(str(tmp_path / "out"), cache_dir=str(tmp_path / "cache"))
    labels = [label["name"] for label in default_codebook()["span_labels"]]
    bio = ["O"] + [f"{prefix}-{label}" for label in labels for prefix in "BI"]
    rows = []
    for split in loaded.values():
        assert split.features["ner_tags"].feature.names == bio
        assert split.features["spans"].feature["start"] == datasets.Value("int64")
        assert split.features["attributions"].feature["source"].feature == datasets.Value(
            "string")
        rows += list(split)
    assert sorted(row["document"] for row in rows) == ["doc-1", "doc-2", "doc-3"]
    tag_name = loaded[next(iter(loaded))].features["ner_tags"].feature.int2str
    for row in rows:
        spans = [(s["text"], s["label"]) for s in row["spans"]]
        assert spans[0] == (row["text"].split()[0], "ACTOR")
        assert spans[1] in (("said", "CUE"), ("claimed", "CUE")) and len(spans) == 2
        tags = dict(zip(row["tokens"], tag_name(row["ner_tags"]), strict=True))
        assert tags[spans[0][0]] == "B-ACTOR" and tags[spans[1][0]] == "B-CUE"
        assert row["tokens"][1] in ("🇺🇦", "🇷🇺", "🇵🇱")


def test_rows_hold_structures_not_json_text(tmp_path):
    gold = sample_records()[0]
    hf.write([gold], tmp_path / "out", split=(100, 0, 0), labels=["ACTOR", "EVENT"])
    row = json.loads((tmp_path / "out" / "train.jsonl").read_text(encoding="utf-8")
                     .splitlines()[0])
    assert row["events"] == [{"id": "e1", "type": "RETREAT", "trigger": "s3",
                              "arguments": [{"role": "actor", "span": "s1"},
                                            {"role": "actor", "span": "s2"}],
                              "attrs": [{"name": "mode", "value": "release", "json": False},
                                        {"name": "context", "json": True,
                                         "value": '["military", "diplomatic"]'}]}]
    assert row["spans"][0]["attrs"] == [{"name": "entity_type", "value": "GPE", "json": False},
                                        {"name": "country", "value": "UKR", "json": False}]
    names = ["O", "B-ACTOR", "I-ACTOR", "B-EVENT", "I-EVENT"]
    _, _, tags = next(conll.tagged_paragraphs(gold, ["ACTOR", "EVENT"], Counter()))
    assert [names[i] for i in row["ner_tags"]] == tags


def comparable(record: dict) -> dict:
    return {"id": record["id"], "layer": record["layer"],
            "paragraphs": [p["text"] for p in record["paragraphs"]],
            "spans": sorted((s["id"], s["paragraph"], s["start"], s["end"], s["text"],
                             s["label"], json.dumps(s["attrs"], sort_keys=True))
                            for s in record["spans"]),
            "events": sorted(json.dumps(e, sort_keys=True) for e in record["events"]),
            "attributions": sorted(json.dumps(a, sort_keys=True)
                                   for a in record["attributions"])}


@pytest.mark.parametrize("writer", [jsonl, hf])
def test_paragraph_row_exports_read_back_as_they_were_exported(tmp_path, writer):
    records = sample_records()
    writer.write(records, tmp_path / "out", split=(100, 0, 0))
    got = [comparable(r) for r in paragraph_rows.read(tmp_path / "out")]
    expected = [comparable(filter_boilerplate(r, False)[0]) for r in records]
    assert got == expected
    assert sum('"parent": "a2"' in a for a in got[0]["attributions"]) == 1  # nesting kept


def test_an_hf_export_imports_into_a_new_project_with_the_same_spans(project, tmp_path):
    export_project(project, "hf", out=tmp_path / "out")
    target = make_project("Again")
    report = import_files(target, [tmp_path / "out"], "hf")
    assert (report["documents"], report["spans"]) == (3, 6)
    again = tmp_path / "again"
    export_project(target, "hf", out=again)
    rows = {p.name: sorted(p.read_text(encoding="utf-8").splitlines())
            for p in (tmp_path / "out").glob("*.jsonl")}
    assert rows == {p.name: sorted(p.read_text(encoding="utf-8").splitlines())
                    for p in again.glob("*.jsonl")}
