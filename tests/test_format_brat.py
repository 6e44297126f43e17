"""Tests for the brat standoff writer and reader: golden files, a strict parse, round trips,
errors that name the line, and the PolNeAR corpus from ../shared."""

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.errors import InputError
from annotator.formats import brat
from annotator.formats.common import ROLES
from tests.test_format_common import sample_records

GOLDEN = Path(__file__).parent / "data" / "format_brat"
POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "polnear-training"


def canonical(record: dict) -> dict:
    """Describe a record by offsets and labels instead of ids, which brat renumbers."""
    where = {s["id"]: [s["paragraph"], s["start"], s["end"], s["label"]]
             for s in record["spans"]}
    by_id = {a["id"]: a for a in record["attributions"]}

    def parts(item: dict) -> list:
        return [sorted(where[m] for m in item[role]) for role in ROLES] + [item["attrs"]]

    def dump(value: object) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    return {
        "paragraphs": [p["text"] for p in record["paragraphs"]],
        "layer": record["layer"],
        "spans": sorted(dump([where[s["id"]], s["text"], s["attrs"]]) for s in record["spans"]),
        "events": sorted(dump([where[e["trigger"]], e["type"], e["attrs"], sorted(
            [a["role"], where[a["span"]]] for a in e["arguments"])]) for e in record["events"]),
        "attributions": sorted(dump([parts(a), parts(by_id[a["parent"]]) if a["parent"] else
                                     None]) for a in record["attributions"]),
    }


def strict_parse(folder: Path) -> dict[str, list]:
    """Parse every .ann strictly: T text equals the .txt slices, references resolve, and an E
    line's trigger is a T typed with the E line's type (as brat requires)."""
    parsed = {}
    for ann in sorted(folder.rglob("*.ann")):
        text = ann.with_suffix(".txt").read_text(encoding="utf-8")
        types, references = {}, []
        ids, entities = set(), []
        for line in ann.read_text(encoding="utf-8").splitlines():
            ident, body, *rest = line.split("\t")
            assert ident not in ids
            ids.add(ident)
            if ident.startswith("T"):
                label, offsets = body.split(" ", 1)
                fragments = [tuple(map(int, f.split())) for f in offsets.split(";")]
                assert rest == [" ".join(text[s:e] for s, e in fragments)], line
                entities.append((label, fragments))
                types[ident] = label
            elif ident.startswith("E"):
                kind, trigger = body.split()[0].split(":")
                assert types[trigger] == kind, line
                references += [(word.split(":")[1], line) for word in body.split()]
            elif ident[0] in "A#":
                references.append((body.split()[1], line))
        # An event may name an event defined further down, as brat allows.
        assert all(target in ids for target, _ in references), references
        parsed[str(ann.relative_to(folder))] = entities
    return parsed


def golden_files(folder: Path) -> list[str]:
    """The .txt and .ann files under `folder` (card.json and README.md hold a date)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.suffix in (
        ".txt", ".ann"))


def test_written_files_match_the_golden_files(tmp_path):
    # One folder per layer, DOC.txt beside DOC.ann (brat's own loader needs both names equal).
    report = brat.write(sample_records(), tmp_path / "out")
    written = golden_files(tmp_path / "out")
    assert written == golden_files(GOLDEN) and "gold/doc-1.ann" in written
    card = json.loads((GOLDEN / "card.json").read_text(encoding="utf-8"))
    assert report["layer_folders"] == card["layer_folders"]  # what the import reads back
    for name in golden_files(GOLDEN):
        assert (tmp_path / "out" / name).read_bytes() == (GOLDEN / name).read_bytes(), name


def test_an_export_of_gold_alone_is_one_flat_brat_folder(tmp_path):
    gold = [r for r in sample_records() if r["layer"] in ("gold", None)]
    report = brat.write(gold, tmp_path / "out")
    assert {"doc-1.txt", "doc-1.ann", "doc%2F..%2F2.txt", "doc%2F..%2F2.ann"} <= {
        p.name for p in (tmp_path / "out").iterdir()}
    assert "layer_folders" not in report
    assert (tmp_path / "out" / "doc%2F..%2F2.ann").read_text() == ""  # no layer yet
    assert [(r["id"], r["layer"]) for r in brat.read(tmp_path / "out")] == [
        ("doc/../2", None), ("doc-1", "gold")]  # in file-name order


def test_every_t_line_holds_the_text_at_its_offsets(tmp_path):
    brat.write(sample_records(), tmp_path / "out", include_boilerplate=True)
    parsed = strict_parse(tmp_path / "out")
    assert set(parsed) == {"gold/doc-1.ann", "coder_a/doc-1.ann", "doc%2F..%2F2.ann"}
    labels = Counter(label for label, _ in parsed["gold/doc-1.ann"])
    # The cue of each attribution is its trigger, typed Attribution; a4's cue is an ACTOR
    # span (in the boilerplate), so a4 gets a trigger of its own.
    assert labels["Source"] == 3 and labels["Attribution"] == 3 and labels["Cue"] == 0
    assert labels["Attribution-no-source"] == 1 and labels["RETREAT"] == 1


def test_attributions_are_e_lines_whose_trigger_is_the_cue(tmp_path):
    brat.write(sample_records(), tmp_path / "out")
    lines = (tmp_path / "out" / "gold" / "doc-1.ann").read_text(encoding="utf-8").splitlines()
    attribution = [line for line in lines if re.match(r"E\d+\tAttribution:", line)]
    assert len(attribution) == 3
    assert "T5\tAttribution 59 63\tsaid" in lines
    assert "E2\tAttribution:T5 Source:T4 Content:T6" in lines
    # a2's content is two spans: one T with both fragments, in text order.
    assert "E3\tAttribution:T9 Source:T8 Content:T10" in lines
    assert any(line.startswith("T10\tContent 90 101;123 182\t") for line in lines)
    assert "T3\tRETREAT 22 31\texchanged" in lines  # the trigger carries the event type
    assert "E1\tRETREAT:T3 Actor:T1 Actor2:T2" in lines
    assert any(re.fullmatch(r"A\d+\tnested_in E4 E3", line) for line in lines)


def test_no_two_t_lines_share_an_extent_and_the_cue_comes_back(tmp_path):
    brat.write(sample_records(), tmp_path / "out")
    entities = strict_parse(tmp_path / "out")["gold/doc-1.ann"]
    extents = [tuple(map(tuple, fragments)) for _, fragments in entities]
    assert len(extents) == len(set(extents))
    back = {r["layer"]: r for r in brat.read(tmp_path / "out")}
    assert canonical(back["gold"])["attributions"] == canonical(
        _filtered(sample_records()[0]))["attributions"]


def _filtered(record: dict) -> dict:
    from annotator.formats.common import filter_boilerplate

    return filter_boilerplate(record, include=False)[0]


def test_reading_the_golden_files_gives_back_the_records():
    records = list(brat.read(GOLDEN))
    assert [(r["id"], r["layer"]) for r in records] == [  # in file-name order
        ("doc/../2", None), ("doc-1", "coder_a"), ("doc-1", "gold")]
    for record in records:
        original = next(r for r in sample_records() if (r["id"], r["layer"]) ==
                        (record["id"], record["layer"]))
        assert canonical(record) == canonical(_filtered(original))
    assert records[2]["title"].startswith("Ukraine 🇺🇦")  # the first line, as the txt import


def test_document_ids_never_leave_the_export_folder(tmp_path):
    records = [dict(sample_records()[2], id=name) for name in
               ("../../escape", "/etc/passwd", ".hidden", "a\\b", "x" * 300)]
    brat.write(records, tmp_path / "out")
    files = [p for p in (tmp_path / "out").rglob("*") if p.suffix == ".txt"]
    assert len(files) == 5 and all(p.parent == tmp_path / "out" for p in files)
    assert not any(p.name.startswith(".") for p in files)
    ids = sorted(r["id"] for r in brat.read(tmp_path / "out"))
    assert ids[:4] == sorted(["../../escape", "/etc/passwd", ".hidden", "a\\b"])


def test_a_split_export_puts_each_document_in_one_folder(tmp_path):
    records = [dict(sample_records()[0], id=f"doc-{n}") for n in range(30)]
    report = brat.write(records, tmp_path / "out", split=(60, 20, 20), seed=3)
    folders = {p.parent.name for p in (tmp_path / "out").rglob("*.ann")}
    assert folders <= {"train", "dev", "test"} and len(folders) == 3
    assert sum(report["counts"]["documents_per_split"].values()) == 30
    assert len(list(brat.read(tmp_path / "out"))) == 30


def test_a_fragment_crossing_a_paragraph_break_becomes_one_span_per_paragraph(tmp_path):
    text = "Title\n\nHe said: “We will\n\nnot go.” Then he left."
    (tmp_path / "art.txt").write_text(text, encoding="utf-8")
    start, end = text.index("“We"), text.index(" Then")
    said = text.index("said")
    (tmp_path / "art_c1.ann").write_text(
        f"T1\tSource 7 9\tHe\nT2\tCue {said} {said + 4}\tsaid\n"
        f"T3\tContent {start} {end}\t{text[start:end].replace(chr(10), ' ')}\n"
        f"T4\tAttribution {said} {said + 4}\tsaid\n"
        "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n", encoding="utf-8")
    (record,) = brat.read(tmp_path / "art_c1.ann")
    assert record["layer"] == "c1"
    content = [s for s in record["spans"] if s["label"] == "CONTENT"]
    assert [s["text"] for s in content] == ["“We will", "not go.”"]
    assert [s["id"] for s in content] == ["T3.1", "T3.2"]
    assert record["attributions"] == [{"id": "E1", "source": ["T1"], "cue": ["T2"],
                                       "content": ["T3.1", "T3.2"], "parent": None,
                                       "attrs": {}}]
    # The export writes them as one T again, cut at the line breaks no .ann line can hold.
    brat.write([record], tmp_path / "out")
    lines = (tmp_path / "out" / "c1" / "art.ann").read_text(encoding="utf-8").splitlines()
    middle = text.index("\n\nnot")
    assert (f"T3\tContent {start} {middle};{middle + 2} {end}\t“We will not go.”"
            in lines), lines
    assert "T4" not in {s["id"] for s in record["spans"]}  # PolNeAR's repeated cue


@pytest.mark.parametrize("line, message", [
    ("T1\tSource 0 5\tTitlx", "the .txt has 'Title'"),
    ("T1\tSource 5 7\t  ", "only whitespace between paragraphs"),
    ("T1\tSource 0 500\tx", "outside the text"),
    ("T1\tSource 0 5\tTitle\nN1\tReference T9 Wikipedia:1\tTitle", "no annotation T9"),
    ("T1\tSource 0 5\tTitle\nR1\tFamily Arg1:T1", "a relation needs"),
    ("T1\tSource 0 5\tTitle\nE1\tMerge-org:T1 Org-Arg:E7", "no annotation E7"),
    ("T1\tSource 0 5\tTitle\n*\tAlias T1 T3", "T3 is not a T line"),
    ("T1\tSource 0 5\tTitle\nE1\tAttribution:T1 Speaker:T1", "no role 'speaker'"),
    ("T1\tSource 0 5\tTitle\nA1\tchannel T9 X", "no annotation T9"),
    ("T1\tEVENT 0 2;3 5\tTi le\nE1\tRETREAT:T1", "discontinuous"),
    ("T1 Source 0 5 Title", "not a brat standoff line"),
])
def test_what_cannot_be_kept_is_refused_naming_file_and_line(tmp_path, line, message):
    (tmp_path / "art.txt").write_text("Title\n\nBody text here.", encoding="utf-8")
    (tmp_path / "art_c1.ann").write_text(line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        list(brat.read(tmp_path))
    assert caught.value.file == "art_c1.ann" and caught.value.line


def test_an_ann_without_its_text_is_refused(tmp_path):
    (tmp_path / "lonely_c1.ann").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="no text file lonely.txt"):
        list(brat.read(tmp_path))


def test_crlf_text_and_a_bom_are_mapped_like_the_txt_import(tmp_path):
    text = "\ufeffTitle\r\n\r\nZelensky said so.\r\n"
    (tmp_path / "art.txt").write_bytes(text.encode("utf-8"))
    start = text.index("said")
    (tmp_path / "art.ann").write_text(f"T1\tCue {start} {start + 4}\tsaid\n", encoding="utf-8")
    (record,) = brat.read(tmp_path)
    assert record["layer"] == "gold" and [p["text"] for p in record["paragraphs"]] == [
        "Title", "Zelensky said so."]
    assert record["spans"] == [{"id": "T1", "paragraph": 1, "start": 9, "end": 13,
                                "text": "said", "label": "CUE", "attrs": {}}]


PIECES = ["a", "b", "Kyiv", " ", "é", "e\u0301", "😀", "👩‍❤️‍👩", "🇺🇦", ",", "“", "ß", "\t"]
LABELS = ["ACTOR", "SOURCE", "CUE", "CONTENT", "EVENT"]
ATTR_VALUES = st.one_of(st.sampled_from(["GPE", "two words", "", "x\ny"]), st.booleans(),
                        st.integers(-5, 5), st.none(), st.lists(st.sampled_from(["m", "n"])))


@st.composite
def documents(draw) -> dict:
    texts = draw(st.lists(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map(
        lambda parts: "".join(parts).strip()).filter(bool), min_size=1, max_size=3))
    spans = []
    for index, text in enumerate(texts):
        for _ in range(draw(st.integers(0, 4))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            attrs = draw(st.dictionaries(st.sampled_from(["kind", "note", "n"]), ATTR_VALUES,
                                         max_size=2))
            label = draw(st.sampled_from(LABELS))
            if any((s["paragraph"], s["start"], s["end"], s["label"]) == (index, start, end,
                                                                           label) for s in spans):
                continue  # the app refuses a second span with one label over the same words
            spans.append({"id": f"s{len(spans) + 1}", "paragraph": index, "start": start,
                          "end": end, "text": text[start:end], "label": label, "attrs": attrs})
    ids = [s["id"] for s in spans]
    pick = st.lists(st.sampled_from(ids), max_size=2, unique=True) if ids else st.just([])
    attributions = []
    for n in range(draw(st.integers(0, 3)) if ids else 0):
        item = {"id": f"a{n}", "source": draw(pick), "cue": draw(pick), "content": draw(pick),
                "parent": f"a{n - 1}" if n and draw(st.booleans()) else None,
                "attrs": draw(st.dictionaries(st.just("channel"), ATTR_VALUES, max_size=1))}
        if any(item[r] for r in ROLES):
            attributions.append(item)
    known = {a["id"] for a in attributions}
    for item in attributions:
        if item["parent"] not in known:
            item["parent"] = None
    events = [{"id": f"e{n}", "trigger": draw(st.sampled_from(ids)), "type": "AGREE",
               "attrs": {}, "arguments": [{"role": draw(st.sampled_from(["actor", "theme"])),
                                           "span": s} for s in draw(pick)]}
              for n in range(draw(st.integers(0, 2)) if ids else 0)]
    return {"id": "doc", "title": "", "url": None, "published": None, "meta": {},
            "layer": "coder", "spans": spans, "events": events, "attributions": attributions,
            "paragraphs": [{"index": i, "text": t, "boilerplate": False}
                           for i, t in enumerate(texts)]}


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(record=documents())
def test_random_documents_survive_a_brat_round_trip(tmp_path_factory, record):
    out = tmp_path_factory.mktemp("brat") / "out"
    brat.write([record], out, include_boilerplate=True)
    (back,) = brat.read(out)
    # brat types an event's trigger with the event type, so a trigger comes back as an EVENT
    # span whatever label it had; everything else comes back as it was.
    # Two triggers over the same words are then one span (the app refuses duplicate spans).
    assert canonical(back) == canonical(_triggers_as_brat_has_them(record))


def _triggers_as_brat_has_them(record: dict) -> dict:
    """Relabel event triggers EVENT and merge triggers then identical (one T per type of one
    span cannot be told from two spans), as the brat trip does."""
    triggers = {e["trigger"] for e in record["events"]}
    first: dict[str, str] = {}
    same: dict[str, str] = {}
    spans = []
    for span in record["spans"]:
        span = dict(span, label="EVENT") if span["id"] in triggers else span
        key = json.dumps([span[k] for k in ("paragraph", "start", "end", "label", "attrs")])
        if span["id"] in triggers and key in first:
            same[span["id"]] = first[key]
            continue
        if span["id"] in triggers:
            first[key] = span["id"]
        spans.append(span)

    def one(ids: list) -> list:
        return list(dict.fromkeys(same.get(i, i) for i in ids))

    events = [dict(e, trigger=same.get(e["trigger"], e["trigger"]), arguments=[
        dict(a, span=same.get(a["span"], a["span"])) for a in e["arguments"]])
        for e in record["events"]]
    attributions = [dict(a, **{role: one(a[role]) for role in ROLES})
                    for a in record["attributions"]]
    return dict(record, spans=spans, events=events, attributions=attributions)


def _shared() -> Path:
    if not POLNEAR.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{POLNEAR} is missing in CI")
        pytest.skip("../shared is not present")
    return POLNEAR


@pytest.mark.shared
def test_polnear_gives_one_layer_per_ann_with_every_source_cue_and_content_kept():
    corpus = _shared()
    records = list(brat.read(corpus))
    anns = sorted((corpus / "attributions").glob("*.ann"))
    assert len(records) == len(anns) == 24
    for ann, record in zip(anns, records, strict=True):
        article, _, coder = ann.stem.rpartition("_")
        assert (record["id"], record["layer"]) == (article, coder)
        lines = ann.read_text(encoding="utf-8").splitlines()
        labels = Counter(line.split("\t")[1].split()[0] for line in lines if line[0] == "T")
        kept = Counter(s["label"] for s in record["spans"] if "." not in s["id"] or
                       s["id"].endswith(".1"))
        for role in ("Source", "Cue", "Content", "Discuss", "Discard"):
            assert kept[role.upper()] == labels[role], (ann.name, role)
        assert len(record["attributions"]) == sum(line[0] == "E" for line in lines)
        text = (corpus / "text" / f"{article}.txt").read_text(encoding="utf-8")
        for span in record["spans"]:
            assert span["text"] == record["paragraphs"][span["paragraph"]]["text"][
                span["start"]:span["end"]]
            assert span["text"] in text
        assert all(a["cue"] and a["content"] for a in record["attributions"])


@pytest.mark.shared
def test_polnear_survives_our_brat_export_and_import(tmp_path):
    records = list(brat.read(_shared()))
    brat.write(records, tmp_path / "out", include_boilerplate=True)
    back = list(brat.read(tmp_path / "out"))
    assert [canonical(r) for r in back] == [canonical(r) for r in records]
