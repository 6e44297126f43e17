"""Tests for the spaCy DocBin export, loaded back with spaCy itself."""

import os
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin
from tests.test_format_common import sample_records

from annotator.formats import brat, spacy_docbin

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "polnear-training"


def load(folder: Path) -> list:
    nlp = spacy.blank("en")
    docs = []
    for shard in sorted(folder.rglob("*.spacy")):
        docs += list(DocBin().from_disk(shard).get_docs(nlp.vocab))
    return docs


def test_spacy_loads_every_span_with_the_source_text(tmp_path):
    report = spacy_docbin.write(sample_records(), tmp_path / "out")
    docs = load(tmp_path / "out")
    assert len(docs) == 5  # the non-boilerplate paragraphs of three records
    for doc in docs:
        exact = {s["id"]: doc.text[s["start"]:s["end"]] for s in doc.user_data["spans"]}
        assert len(doc.spans["sc"]) == len(exact)
        for span in doc.spans["sc"]:
            assert span.text == exact[span.id_]
    first = docs[0]
    assert first.user_data["document"] == "doc-1" and first.user_data["layer"] == "gold"
    assert [e.label_ for e in first.ents] == ["CONTENT", "SOURCE", "CUE", "TIME"]
    assert {s.id_ for s in first.spans["attribution"]} == {"s4", "s5", "s6"}
    assert {s.id_ for s in first.spans["events"]} == {"s1", "s2", "s3"}
    assert report["alignment"]["expanded"] == 0 and report["alignment"]["unaligned"] == 0


def test_spans_off_token_boundaries_are_widened_and_reported_not_dropped(tmp_path):
    record = sample_records()[0]
    text = record["paragraphs"][0]["text"]
    record["spans"].append({"id": "half", "paragraph": 0, "start": 2, "end": 5,
                            "text": text[2:5], "label": "ACTOR", "attrs": {}})
    record["spans"].append({"id": "gap", "paragraph": 0, "start": 7, "end": 8,
                            "text": " ", "label": "ACTOR", "attrs": {}})
    report = spacy_docbin.write([record], tmp_path / "out")
    alignment = report["alignment"]
    assert alignment["expanded"] == 1 and alignment["unaligned"] == 1
    assert alignment["expanded_examples"][0]["aligned_text"] == "Ukraine"
    assert alignment["unaligned_examples"][0]["span"] == "gap"
    doc = load(tmp_path / "out")[0]
    assert "half" in {s.id_ for s in doc.spans["sc"]}
    assert {"half", "gap"} <= {s["id"] for s in doc.user_data["spans"]}


def test_large_exports_are_written_in_shards(tmp_path):
    records = [dict(sample_records()[0], id=f"d{n}") for n in range(5)]
    spacy_docbin.write(records, tmp_path / "out", shard_size=3, split=(100, 0, 0))
    shards = sorted(p.name for p in (tmp_path / "out" / "train").iterdir())
    assert shards == ["part-0000.spacy", "part-0001.spacy", "part-0002.spacy", "part-0003.spacy"]
    assert len(load(tmp_path / "out")) == 10


def test_spacy_corpus_reads_the_folder_as_training_data(tmp_path):
    from spacy.training import Corpus

    spacy_docbin.write(sample_records(), tmp_path / "out")
    examples = list(Corpus(tmp_path / "out" / "data")(spacy.blank("en")))
    assert len(examples) == 5


@pytest.mark.shared
def test_polnear_spans_off_token_boundaries_are_counted_and_kept(tmp_path):
    if not POLNEAR.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{POLNEAR} is missing in CI")
        pytest.skip("../shared is not present")
    records = list(brat.read(POLNEAR))
    total = sum(len(r["spans"]) for r in records)
    report = spacy_docbin.write(records, tmp_path / "out", include_boilerplate=True)
    alignment = report["alignment"]
    assert alignment["expanded"] > 0 and alignment["spans"] == total
    docs = load(tmp_path / "out")
    assert sum(len(doc.spans["sc"]) for doc in docs) == total - alignment["unaligned"]
    for example in alignment["expanded_examples"]:
        assert example["text"] in example["aligned_text"]
