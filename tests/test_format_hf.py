"""Tests for the Hugging Face folder, loaded with datasets.load_dataset("json", ...)."""

import json

import datasets
import pytest
from tests.test_format_common import sample_records

from annotator.formats import hf


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
    spans = json.loads(row["spans"])
    assert all(row["text"][s["start"]:s["end"]] == s["text"] for s in spans)
    assert "👩‍❤️‍👩" in row["tokens"] and len(row["tokens"]) == len(row["ner_tags"])


def test_the_folder_loads_by_its_readme_configs(tmp_path):
    hf.write(many_records(6), tmp_path / "out", split=(50, 50, 0))
    loaded = datasets.load_dataset(str(tmp_path / "out"), cache_dir=str(tmp_path / "cache"))
    assert set(loaded) == {"train", "dev"}


def test_a_document_without_annotations_has_an_empty_layer_not_null(tmp_path):
    hf.write([sample_records()[2]], tmp_path / "out", split=(100, 0, 0))
    row = json.loads((tmp_path / "out" / "train.jsonl").read_text(encoding="utf-8"))
    assert row["layer"] == "" and row["spans"] == "[]"
