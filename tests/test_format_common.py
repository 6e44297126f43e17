"""Tests for the shared parts of the labelled-data formats, and hand-built sample records.

The other test_format_* modules import sample_records() from here.
"""

import json
import random

import pytest

from annotator.errors import AnnotatorError, Conflict, InputError, MissingExtra
from annotator.formats import common, registry
from annotator.formats import tokens as tokenising

TEXT_0 = ("Ukraine 🇺🇦 and Russia exchanged prisoners of war, Zelensky said on social "
          "media 👩‍❤️‍👩.")
TEXT_1 = ("“Cafe\u0301 talks”, according to Kyiv, Moscow claimed the remains were those of "
          "Ukrainian citizens.")
APPEAL = "Donate now to support independent journalism."


def span(span_id: str, paragraph: int, text: str, piece: str, label: str, nth: int = 0,
         **attrs) -> dict:
    """Build a span over the nth occurrence of `piece` in `text`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return {"id": span_id, "paragraph": paragraph, "start": start, "end": start + len(piece),
            "text": piece, "label": label, "attrs": attrs}


def sample_records() -> list[dict]:
    """Return two documents with emoji, combining marks, nesting, boilerplate and two layers."""
    spans = [
        span("s1", 0, TEXT_0, "Ukraine", "ACTOR", entity_type="GPE", country="UKR"),
        span("s2", 0, TEXT_0, "Russia", "ACTOR", entity_type="GPE"),
        span("s3", 0, TEXT_0, "exchanged", "EVENT"),
        span("s4", 0, TEXT_0, "Zelensky", "SOURCE"),
        span("s5", 0, TEXT_0, "said", "CUE"),
        span("s6", 0, TEXT_0, "Ukraine 🇺🇦 and Russia exchanged prisoners of war", "CONTENT"),
        span("s7", 0, TEXT_0, "media 👩‍❤️‍👩", "TIME", note="emoji inside", weight=2),
        span("s8", 1, TEXT_1, "Kyiv", "SOURCE"),
        span("s9", 1, TEXT_1, "according to", "CUE"),
        span("s10", 1, TEXT_1, "Moscow claimed the remains were those of Ukrainian citizens",
             "CONTENT"),
        span("s11", 1, TEXT_1, "Moscow", "SOURCE"),
        span("s12", 1, TEXT_1, "claimed", "CUE"),
        span("s13", 1, TEXT_1, "the remains were those of Ukrainian citizens", "CONTENT"),
        span("s14", 1, TEXT_1, "Cafe\u0301 talks", "CONTENT"),
        span("s15", 1, TEXT_1, "Cafe\u0301", "LOCATION", flag=True),
        span("s16", 2, APPEAL, "Donate", "ACTOR"),
    ]
    gold = {
        "id": "doc-1", "title": "Prisoner exchange", "url": None, "published": None, "meta": {},
        "layer": "gold",
        "paragraphs": [{"index": 0, "text": TEXT_0, "boilerplate": False},
                       {"index": 1, "text": TEXT_1, "boilerplate": False},
                       {"index": 2, "text": APPEAL, "boilerplate": True}],
        "spans": spans,
        "events": [{"id": "e1", "trigger": "s3", "type": "RETREAT",
                    "attrs": {"mode": "release", "context": ["military", "diplomatic"]},
                    "arguments": [{"role": "actor", "span": "s1"},
                                  {"role": "actor", "span": "s2"}]}],
        "attributions": [
            {"id": "a1", "source": ["s4"], "cue": ["s5"], "content": ["s6"], "parent": None,
             "attrs": {"channel": "SOCIAL_MEDIA", "quote_type": "INDIRECT"}},
            {"id": "a2", "source": ["s8"], "cue": ["s9"], "content": ["s10", "s14"],
             "parent": None, "attrs": {"comment": "said twice, in two places"}},
            {"id": "a3", "source": ["s11"], "cue": ["s12"], "content": ["s13"], "parent": "a2",
             "attrs": {}},
            {"id": "a4", "source": [], "cue": ["s16"], "content": [], "parent": None,
             "attrs": {}},
        ],
    }
    coder = dict(gold, layer="coder_a", spans=spans[:3],
                 events=[dict(gold["events"][0], arguments=[])], attributions=[])
    empty = {"id": "doc/../2", "title": "", "url": None, "published": None, "meta": {},
             "layer": None, "paragraphs": [{"index": 0, "text": "Nothing here yet.",
                                            "boilerplate": False}],
             "spans": [], "events": [], "attributions": []}
    return [gold, coder, empty]


def test_sample_spans_slice_their_paragraphs():
    for record in sample_records():
        common.check_record(record)


def test_check_record_refuses_a_span_whose_text_is_not_the_slice():
    record = sample_records()[0]
    record["spans"][0] = dict(record["spans"][0], text="Ukrain")
    with pytest.raises(InputError, match="s1"):
        common.check_record(record)


def test_check_record_refuses_a_dangling_attribution_part():
    record = sample_records()[0]
    record["attributions"][0] = dict(record["attributions"][0], cue=["nope"])
    with pytest.raises(InputError, match="missing span 'nope'"):
        common.check_record(record)


def test_boilerplate_paragraphs_and_what_hangs_on_them_are_left_out_and_counted():
    record, dropped = common.filter_boilerplate(sample_records()[0], include=False)
    assert [p["index"] for p in record["paragraphs"]] == [0, 1]
    assert "s16" not in {s["id"] for s in record["spans"]}
    assert "a4" not in {a["id"] for a in record["attributions"]}
    assert dropped == {"boilerplate_paragraphs": 1, "spans": 1, "attributions": 1}
    kept, dropped = common.filter_boilerplate(sample_records()[0], include=True)
    assert len(kept["paragraphs"]) == 3 and not dropped


def test_split_depends_on_the_document_id_and_seed_not_on_order():
    parts = common.parse_split((80, 10, 10))
    ids = [f"doc-{n}" for n in range(2000)]
    first = {i: common.assign_split(i, parts, seed=7) for i in ids}
    random.Random(1).shuffle(ids)
    assert {i: common.assign_split(i, parts, seed=7) for i in ids} == first
    shares = {name: list(first.values()).count(name) / len(ids) for name in common.SPLIT_NAMES}
    assert 0.76 < shares["train"] < 0.84 and 0.07 < shares["dev"] < 0.13
    other = {i: common.assign_split(i, parts, seed=8) for i in ids}
    assert other != first


@pytest.mark.parametrize("bad", [(80, 20), (80, -10, 30), ("a", 1, 1), (0, 0, 0), 5])
def test_a_bad_split_is_refused_with_a_message(bad):
    with pytest.raises(AnnotatorError, match="split must be"):
        common.parse_split(bad)


def test_tokens_keep_emoji_sequences_and_combining_marks_whole():
    text = "Cafe\u0301 👩‍❤️‍👩 🇺🇦🇫🇷 can't e\u0301"
    tokens = [text[s:e] for s, e in tokenising.tokenize(text)]
    assert tokens == ["Cafe\u0301", "👩‍❤️‍👩", "🇺🇦", "🇫🇷", "can", "'", "t", "e\u0301"]


def test_tokens_are_cut_at_requested_offsets():
    assert tokenising.tokenize("prisoners", cuts=[3]) == [(0, 3), (3, 9)]


def test_bio_tags_give_back_each_span_and_count_trimmed_edges():
    text = "Zelensky said on social media."
    tokens, tags, counts = tokenising.bio_tags(text, [(0, 8, "SOURCE"), (8, 13, "CUE")])
    assert [text[s:e] for s, e in tokens][:2] == ["Zelensky", "said"]
    assert tags[:3] == ["B-SOURCE", "B-CUE", "O"]
    assert counts["trimmed_spans"] == 1  # " said" loses its leading space


def test_overlapping_spans_keep_the_longest_then_the_earliest():
    kept, left = tokenising.pick_non_overlapping([(0, 5, "A"), (3, 10, "B"), (10, 12, "C"),
                                              (11, 13, "D")])
    assert kept == [(3, 10, "B"), (10, 12, "C")]
    assert sorted(left) == [(0, 5, "A"), (11, 13, "D")]


def test_paragraph_map_follows_the_import_through_crlf_and_a_bom():
    text = "\ufeffTitle line\r\n\r\nFirst para\r\ngoes on.\r\n\r\n\r\n  Second 😀 para  \r\n"
    pmap = common.ParagraphMap(text)
    assert pmap.texts == ["Title line", "First para\ngoes on.", "Second 😀 para"]
    start = text.index("para\r\ngoes")
    assert pmap.locate(start, start + len("para\r\ngoes")) == [(1, 6, 15)]
    assert pmap.texts[1][6:15] == "para\ngoes"
    whole = pmap.locate(text.index("goes"), text.index(" para  "))
    assert [pmap.texts[i][a:b] for i, a, b in whole] == ["goes on.", "Second 😀"]
    with pytest.raises(ValueError, match="whitespace"):
        pmap.locate(text.index("\r\n\r\n\r\n"), text.index("Second"))


def test_staging_leaves_nothing_behind_when_an_export_fails(tmp_path):
    out = tmp_path / "export"
    with pytest.raises(RuntimeError), common.staging(out) as folder:
        (folder / "half.jsonl").write_text("{")
        raise RuntimeError("disk full")
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_staging_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "x").write_text("")
    with pytest.raises(Conflict), common.staging(tmp_path):
        pass


def test_every_writer_writes_a_card_with_counts(tmp_path):
    for name in ("jsonl", "conll", "brat", "csv", "hf"):
        report = registry.exporter(name).write(sample_records(), tmp_path / name,
                                               codebook_version=3)
        card = json.loads((tmp_path / name / "card.json").read_text())
        assert card["counts"] == report["counts"]
        assert card["codebook_version"] == 3 and card["format"] == name
        assert card["counts"]["spans_per_label"]["ACTOR"] == 4  # 2 + 2, boilerplate left out
        assert card["counts"]["excluded"]["boilerplate_paragraphs"] == 2
        assert "README.md" in card["files"] and (tmp_path / name / "README.md").is_file()


def test_registry_names_the_extra_to_install_when_spacy_is_missing(monkeypatch):
    real = registry.importlib.util.find_spec
    monkeypatch.setattr(registry.importlib.util, "find_spec",
                        lambda name, *a: None if name == "spacy" else real(name, *a))
    with pytest.raises(MissingExtra, match=r"annotator\[spacy\]"):
        registry.exporter("spacy")
    assert registry.exporter("jsonl").write  # the others still load


def test_registry_refuses_an_unknown_format():
    with pytest.raises(AnnotatorError, match="choose one of"):
        registry.importer("xlsx")
    assert callable(registry.importer("label-studio").read)



def test_a_card_names_each_file_of_a_small_export_and_counts_them_in_a_large_one(tmp_path):
    small = tmp_path / "small"
    for name in ("a.txt", "b.ann", "gold/c.txt"):
        (small / name).parent.mkdir(parents=True, exist_ok=True)
        (small / name).write_text("x")
    assert common.listed_files(small) == ["a.txt", "b.ann", "gold/c.txt"]
    large = tmp_path / "large"
    (large / "gold").mkdir(parents=True)
    (large / "annotation.conf").write_text("x")
    for n in range(common.LISTED_FILES):
        (large / "gold" / f"doc{n}.txt").write_text("x")
        (large / "gold" / f"doc{n}.ann").write_text("x")
    assert common.listed_files(large) == ["*.conf (1 file)", "gold/*.ann (1,000 files)",
                                          "gold/*.txt (1,000 files)"]
