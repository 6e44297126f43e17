"""Tests for the spaCy DocBin export, loaded back with spaCy itself."""

import os
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from annotator.formats import brat, spacy_docbin
from tests.test_format_common import sample_records

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


# --- reading back -------------------------------------------------------------------------------

# An emoji, a flag, a skin-tone modifier and a combining mark before the spans.
PARAGRAPHS = ["Kyiv 🇺🇦 😀 officials 👍🏽 said the Cafe\u0301 owners agreed on Monday.",
              "Moscow 🇷🇺 👋🏿 claimed 😀 that the e\u0301lite units withdrew."]


def peer_record(layer: str = "gold") -> dict:
    pieces = [(0, "Kyiv", "ACTOR"), (0, "said", "CUE"), (0, "officials", "SOURCE"),
              (0, "the Cafe\u0301 owners agreed", "CONTENT"), (0, "Cafe\u0301 owners", "ACTOR"),
              (1, "Moscow", "SOURCE"), (1, "claimed", "CUE"), (1, "withdrew", "EVENT"),
              (1, "the e\u0301lite units", "ACTOR"), (1, "lite", "ACTOR")]
    spans = []
    for index, piece, label in pieces:
        start = PARAGRAPHS[index].index(piece)
        spans.append({"id": f"s{len(spans) + 1}", "paragraph": index, "start": start,
                      "end": start + len(piece), "text": piece, "label": label,
                      "attrs": {"entity_type": "GPE"} if piece == "Kyiv" else {}})
    return {"id": "doc-1", "title": "", "url": None, "published": None, "meta": {},
            "layer": layer, "spans": spans,
            "events": [{"id": "e1", "trigger": "s8", "type": "RETREAT", "attrs": {},
                        "arguments": [{"role": "actor", "span": "s9"},
                                      {"role": "actor", "span": "s10"}]}],
            "attributions": [{"id": "a1", "source": ["s3"], "cue": ["s2"], "content": ["s4"],
                              "parent": None, "attrs": {"quote_type": "INDIRECT"}}],
            "paragraphs": [{"index": i, "text": t, "boilerplate": False}
                           for i, t in enumerate(PARAGRAPHS)]}


def test_our_docbin_reads_back_with_spans_ids_and_links(tmp_path):
    report = spacy_docbin.write([peer_record()], tmp_path / "out")
    assert report["alignment"]["expanded"] == 1  # "lite" inside "élite" is widened
    (record,) = spacy_docbin.read(tmp_path / "out")
    assert (record["id"], record["layer"]) == ("doc-1", "gold")
    assert [p["text"] for p in record["paragraphs"]] == PARAGRAPHS
    original = {s["id"]: s for s in peer_record()["spans"]}
    for span in record["spans"]:
        want = original[span["id"]]
        widened = report["alignment"]["expanded_examples"][0]
        if span["id"] == widened["span"]:
            assert span["text"] == widened["aligned_text"] == "e\u0301lite"
        else:
            assert (span["paragraph"], span["start"], span["end"], span["label"]) == (
                want["paragraph"], want["start"], want["end"], want["label"])
    assert {s["id"] for s in record["spans"]} == set(original)
    assert record["spans"][0]["attrs"] == {"entity_type": "GPE"}
    assert record["events"] == peer_record()["events"]
    assert record["attributions"] == peer_record()["attributions"]


def test_a_models_docbin_without_our_user_data_is_a_document_per_doc(tmp_path):
    nlp = spacy.blank("en")
    text = "Kyiv 🇺🇦 😀 👍🏽 said the Cafe\u0301 owners agreed.\n\nMoscow denied it."
    doc = nlp.make_doc(text)
    doc.ents = [doc.char_span(0, 4, label="GPE"),
                doc.char_span(text.index("Cafe"), text.index(" agreed"), label="ORG"),
                doc.char_span(text.index("Moscow"), text.index(" denied"), label="GPE")]
    DocBin(docs=[doc, nlp.make_doc("Nothing here.")]).to_disk(tmp_path / "model.spacy")
    first, second = spacy_docbin.read(tmp_path / "model.spacy", layer="model")
    assert (first["id"], second["id"], first["layer"]) == ("model-1", "model-2", "model")
    assert [(s["paragraph"], s["text"], s["label"]) for s in first["spans"]] == [
        (0, "Kyiv", "GPE"), (0, "Cafe\u0301 owners", "ORG"), (1, "Moscow", "GPE")]
    assert second["spans"] == []


def test_a_spacy_export_imports_into_a_new_project_with_the_same_spans(runner, app, tmp_path):
    from sqlalchemy import select

    from annotator.cli import main
    from annotator.extensions import db
    from annotator.models import Span
    from annotator.services.intake.records import RecordStore
    from tests.helpers import make_project

    record = peer_record()
    record["spans"] = record["spans"][:-1]  # nothing to widen
    record["events"][0]["arguments"] = record["events"][0]["arguments"][:1]
    source = make_project("Source")
    RecordStore(source).add_all([(record, "x", 1)])
    make_project("Target")
    db.session.commit()
    out = tmp_path / "out"
    assert runner.invoke(main, ["export", "Source", "--format", "spacy", "--out",
                                str(out)]).exit_code == 0
    result = runner.invoke(main, ["import", "Target", str(out / "data" / "part-0000.spacy")])
    assert result.exit_code == 0, result.output
    assert "1 events, 1 attributions" in result.output
    rows = db.session.execute(select(Span.text, Span.label, Span.start, Span.end)).all()
    assert sorted(rows) == sorted([(s["text"], s["label"], s["start"], s["end"])
                                   for s in record["spans"]] * 2)  # Source's and Target's
