"""spaCy export of a paragraph longer than spaCy's default max_length (1,000,000 characters)."""

import pytest

from annotator.formats import spacy_docbin

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin  # noqa: E402


def test_a_paragraph_over_a_million_characters_is_exported_whole(tmp_path):
    text = "word " * 200_010 + "Kyiv said."  # 1,000,060 characters
    start = text.index("Kyiv")
    record = {"id": "long", "title": "", "url": None, "published": None, "meta": {},
              "layer": "gold", "paragraphs": [{"index": 0, "text": text, "boilerplate": False}],
              "spans": [{"id": "s1", "paragraph": 0, "start": start, "end": start + 4,
                         "text": "Kyiv", "label": "SOURCE", "attrs": {}}],
              "events": [], "attributions": []}
    assert len(text) > spacy.blank("en").max_length
    spacy_docbin.write([record], tmp_path / "out")
    [shard] = (tmp_path / "out").rglob("*.spacy")
    [doc] = DocBin().from_disk(shard).get_docs(spacy.blank("en").vocab)
    assert doc.text == text
    assert [(e.text, e.label_) for e in doc.ents] == [("Kyiv", "SOURCE")]
