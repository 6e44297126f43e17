"""Tests for the CoNLL BIO export, read back with seqeval as NER evaluations do."""

from pathlib import Path

from seqeval.metrics import classification_report
from seqeval.metrics.sequence_labeling import get_entities
from tests.test_format_common import sample_records

from annotator.formats import conll


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
