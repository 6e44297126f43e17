"""Tests for the CoNLL BIO export, read back with seqeval as NER evaluations do, and the import
of our export and of CoNLL-2003 as shipped."""

from pathlib import Path

import pytest
from seqeval.metrics import classification_report
from seqeval.metrics.sequence_labeling import get_entities
from sqlalchemy import select

from annotator.errors import InputError
from annotator.formats import conll
from tests.test_format_common import sample_records


def read_conll(path: Path) -> list[list[list[tuple[str, str]]]]:
    """Return documents -> sentences -> (token, tag), as a CoNLL-2003 reader would."""
    documents, sentence = [], []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("-DOCSTART-"):
            documents.append([])
        elif not line:
            if sentence:
                documents[-1].append(sentence)
            sentence = []
        else:
            token, tag = line.rsplit(" ", 1)
            sentence.append((token, tag))
    return documents


def char_spans(text: str, sentence: list[tuple[str, str]]) -> set[tuple[int, int, str]]:
    """Find each token in the text, then turn seqeval's entities into character spans."""
    offsets, position = [], 0
    for token, _ in sentence:
        position = text.index(token, position)
        offsets.append((position, position + len(token)))
        position += len(token)
    tags = [tag for _, tag in sentence]
    return {(offsets[s][0], offsets[e][1], label) for label, s, e in get_entities(tags)}


def test_seqeval_gives_back_the_tagged_spans(tmp_path):
    records = sample_records()
    conll.write(records, tmp_path / "out", labels={"ACTOR", "EVENT", "SOURCE", "CUE", "TIME",
                                                    "LOCATION"})
    documents = read_conll(tmp_path / "out" / "data.conll")
    assert len(documents) == 3  # one -DOCSTART- per (document, layer)
    gold = records[0]
    for paragraph, sentence in zip(gold["paragraphs"], documents[0], strict=False):
        expected = {(s["start"], s["end"], s["label"]) for s in gold["spans"]
                    if s["paragraph"] == paragraph["index"] and s["label"] != "CONTENT"}
        assert char_spans(paragraph["text"], sentence) == expected
    tokens = [token for sentence in documents[0] for token, _ in sentence]
    assert "👩‍❤️‍👩" in tokens and "Cafe\u0301" in tokens


def test_overlapping_spans_keep_the_longest_and_are_counted(tmp_path):
    report = conll.write(sample_records(), tmp_path / "out")
    documents = read_conll(tmp_path / "out" / "data.conll")
    first = [tag for _, tag in documents[0][0]]
    assert first[:3] == ["B-CONTENT", "I-CONTENT", "I-CONTENT"]  # CONTENT outranks ACTOR
    assert report["tagging"]["overlapping_spans_left_out"] == 7
    y = [[tag for _, tag in sentence] for document in documents for sentence in document]
    assert "1.00" in classification_report(y, y)


def test_a_split_writes_train_dev_test_files(tmp_path):
    records = [dict(sample_records()[0], id=f"d{n}") for n in range(20)]
    conll.write(records, tmp_path / "out", split=(50, 25, 25), seed=2)
    files = sorted(p.name for p in (tmp_path / "out").glob("*.conll"))
    assert files == ["dev.conll", "test.conll", "train.conll"]
    total = sum(len(read_conll(tmp_path / "out" / f)) for f in files)
    assert total == 20


# --- reading back -------------------------------------------------------------------------------

DATA = Path(__file__).parent / "data" / "conll"
# An emoji, a flag, a skin-tone modifier and a combining mark before the spans.
PARAGRAPHS = ["Kyiv 🇺🇦 😀 officials 👍🏽 said the Cafe\u0301 owners agreed on Monday.",
              "Moscow 🇷🇺 👋🏿 claimed 😀 that the e\u0301lite units withdrew."]


def peer_record(layer: str = "gold") -> dict:
    spans = []
    for index, text in enumerate(PARAGRAPHS):
        for piece, label in (("Kyiv", "ACTOR"), ("said", "CUE"), ("Cafe\u0301 owners", "ACTOR"),
                             ("on Monday", "TIME"), ("Moscow", "SOURCE"), ("claimed", "CUE"),
                             ("the e\u0301lite units", "ACTOR")):
            if piece in text:
                start = text.index(piece)
                spans.append({"id": f"s{len(spans) + 1}", "paragraph": index, "start": start,
                              "end": start + len(piece), "text": piece, "label": label,
                              "attrs": {}})
    return {"id": "doc-1", "title": "", "url": None, "published": None, "meta": {},
            "layer": layer, "spans": spans, "events": [], "attributions": [],
            "paragraphs": [{"index": i, "text": t, "boilerplate": False}
                           for i, t in enumerate(PARAGRAPHS)]}


def spans_of(record: dict) -> list[tuple]:
    return sorted((s["paragraph"], s["start"], s["end"], s["text"], s["label"])
                  for s in record["spans"])


def test_our_export_reads_back_into_the_same_paragraphs_and_spans(tmp_path):
    conll.write([peer_record(), peer_record("coder_a")], tmp_path / "out")
    assert (tmp_path / "out" / "data.paragraphs.jsonl").is_file()
    first, second = conll.read(tmp_path / "out")
    assert (first["id"], first["layer"], second["layer"]) == ("doc-1", "gold", "coder_a")
    assert [p["text"] for p in first["paragraphs"]] == PARAGRAPHS
    assert spans_of(first) == spans_of(peer_record())
    named = list(conll.read(tmp_path / "out" / "data.conll", layer="model"))
    assert [r["layer"] for r in named] == ["model", "model"]


def test_overlapping_spans_left_out_by_the_export_are_all_that_is_missing(tmp_path):
    report = conll.write(sample_records()[:1], tmp_path / "out")
    (record,) = conll.read(tmp_path / "out" / "data.conll")
    exported = sample_records()[0]
    kept = {(s["paragraph"], s["start"], s["end"], s["label"]) for s in record["spans"]}
    original = {(s["paragraph"], s["start"], s["end"], s["label"]) for s in exported["spans"]
                if s["paragraph"] != 2}  # the boilerplate paragraph is not exported
    assert kept < original
    assert len(original - kept) == report["tagging"]["overlapping_spans_left_out"]


def test_conll_2003_as_shipped_reads_with_iob1_tags(tmp_path):
    first, second = conll.read(DATA / "eng.sample.conll")
    assert (first["id"], second["id"]) == ("eng.sample-1", "eng.sample-2")
    assert [p["text"] for p in first["paragraphs"]] == [
        "EU rejects German call to boycott British lamb .", "Peter Blackburn"]
    assert [(s["text"], s["label"]) for s in first["spans"]] == [
        ("EU", "ORG"), ("German", "MISC"), ("British", "MISC"), ("Peter Blackburn", "PER")]
    assert [(s["text"], s["label"]) for s in second["spans"]] == [
        ("Kyiv", "LOC"), ("Cafe\u0301", "ORG"), ("Zelensky", "PER"), ("Poroshenko", "PER")]
    # seqeval, reading the same tags, finds the same entities
    sentences = [s for d in read_conll(DATA / "eng.sample.conll") for s in d]
    found = [(label, start, end) for sentence in sentences
             for label, start, end in get_entities([tag for _, tag in sentence])]
    assert len(found) == len(first["spans"]) + len(second["spans"])


def test_a_sidecar_that_does_not_match_is_refused_naming_the_sentence(tmp_path):
    conll.write([peer_record()], tmp_path / "out")
    sidecar = tmp_path / "out" / "data.paragraphs.jsonl"
    lines = sidecar.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("withdrew", "advanced")
    sidecar.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="token 'withdrew' is not the next word") as caught:
        list(conll.read(tmp_path / "out" / "data.conll"))
    assert caught.value.file == "data.conll" and caught.value.line > 3


def test_bad_tags_are_refused_naming_the_line(tmp_path):
    path = tmp_path / "model.conll"
    path.write_text("Kyiv B-ACTOR\nsaid X-CUE\n", encoding="utf-8")
    with pytest.raises(InputError, match="'X-CUE' is not O, B-X") as caught:
        list(conll.read(path))
    assert caught.value.line == 1


def test_a_conll_export_imports_into_a_new_project_with_the_same_spans(runner, app, tmp_path):
    from annotator.cli import main
    from annotator.extensions import db
    from annotator.models import Span
    from annotator.services.intake.records import RecordStore
    from tests.helpers import make_project

    source = make_project("Source")
    RecordStore(source).add_all([(peer_record(), "x", 1)])
    make_project("Target")
    db.session.commit()
    out = tmp_path / "out"
    assert runner.invoke(main, ["export", "Source", "--format", "conll", "--out",
                                str(out)]).exit_code == 0
    result = runner.invoke(main, ["import", "Target", str(out / "data.conll")])
    assert result.exit_code == 0, result.output
    rows = db.session.execute(select(Span.text, Span.label, Span.start, Span.end)).all()
    assert sorted(rows) == sorted([(s["text"], s["label"], s["start"], s["end"])
                                   for s in peer_record()["spans"]] * 2)  # Source, Target
