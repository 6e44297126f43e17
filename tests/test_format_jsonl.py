"""Tests for the paragraph-per-line JSON Lines export."""

import json
from pathlib import Path

from annotator.formats import jsonl
from tests.test_format_common import sample_records

GOLDEN = Path(__file__).parent / "data" / "format_jsonl" / "data.jsonl"


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_written_file_matches_the_golden_file(tmp_path):
    jsonl.write(sample_records(), tmp_path / "out")
    assert (tmp_path / "out" / "data.jsonl").read_bytes() == GOLDEN.read_bytes()


def test_every_span_slices_its_line_text_exactly(tmp_path):
    jsonl.write(sample_records(), tmp_path / "out", include_boilerplate=True)
    rows = lines(tmp_path / "out" / "data.jsonl")
    originals = {(r["layer"], s["id"]): s["text"] for r in sample_records() for s in r["spans"]}
    seen = 0
    for row in rows:
        for (start, end, _label), span_id in zip(row["spans"], row["span_ids"], strict=True):
            assert row["text"][start:end] == originals[(row["layer"], span_id)]
            seen += 1
    assert seen == len(originals)
    assert "👩‍❤️‍👩" in rows[0]["text"]  # written as the characters, not escaped


def test_boilerplate_paragraphs_are_left_out_by_default(tmp_path):
    jsonl.write(sample_records(), tmp_path / "out")
    rows = lines(tmp_path / "out" / "data.jsonl")
    assert not any(row["boilerplate"] for row in rows)
    assert [row["paragraph"] for row in rows if row["document"] == "doc-1"] == [0, 1, 0, 1]


def test_relations_sit_on_the_line_of_their_earliest_span(tmp_path):
    jsonl.write(sample_records(), tmp_path / "out")
    rows = lines(tmp_path / "out" / "data.jsonl")
    gold = [row for row in rows if row["layer"] == "gold"]
    assert [e["id"] for e in gold[0]["events"]] == ["e1"]
    assert [a["id"] for a in gold[1]["attributions"]] == ["a2", "a3"]
    assert gold[1]["attributions"][1]["parent"] == "a2"


def test_a_split_writes_one_file_per_split_with_whole_documents(tmp_path):
    records = [dict(sample_records()[0], id=f"doc-{n}") for n in range(40)]
    report = jsonl.write(records, tmp_path / "out", split=(80, 10, 10), seed=1)
    names = sorted(p.name for p in (tmp_path / "out").glob("*.jsonl"))
    assert names == ["dev.jsonl", "test.jsonl", "train.jsonl"]
    homes = {}
    for name in names:
        for row in lines(tmp_path / "out" / name):
            assert homes.setdefault(row["document"], name) == name
    assert len(homes) == 40 == report["counts"]["documents"]
    again = jsonl.write(reversed(records), tmp_path / "again", split=(80, 10, 10), seed=1)
    assert again["counts"]["documents_per_split"] == report["counts"]["documents_per_split"]


def test_the_writer_streams_a_generator_without_needing_a_list(tmp_path):
    consumed = []

    def records():
        for n in range(5):
            consumed.append(n)
            yield dict(sample_records()[0], id=f"doc-{n}")

    report = jsonl.write(records(), tmp_path / "out")
    assert consumed == [0, 1, 2, 3, 4] and report["counts"]["records"] == 5


def test_memory_stays_flat_however_many_records_stream_past(tmp_path):
    import tracemalloc

    def records(n: int):
        for i in range(n):
            text = f"{i} " + "Kyiv said so. " * 5000  # 70 kB, a new string every time
            yield {"id": f"d{i}", "title": "", "layer": "gold", "meta": {},
                   "paragraphs": [{"index": 0, "text": text, "boilerplate": False}],
                   "spans": [{"id": "s1", "paragraph": 0, "start": 0, "end": 1,
                              "text": text[0], "label": "ACTOR", "attrs": {}}],
                   "events": [], "attributions": []}

    tracemalloc.start()
    try:
        jsonl.write(records(400), tmp_path / "out")  # 28 MB of text in all
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000
    assert (tmp_path / "out" / "data.jsonl").stat().st_size > 28_000_000
