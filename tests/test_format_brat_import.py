"""brat import of brat's own data: names matched to the codebook whatever their case and `-`/`_`
(for every import format), binary attributes, notes on any annotation, relations, events as
arguments of events, PolNeAR's empty E lines and trigger-only T lines, errors naming the line, an
annotation.conf as a codebook, and file names that give the document ids back."""

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.cli import main
from annotator.codebook import built_in_codebook, default_codebook, load_codebook
from annotator.errors import InputError
from annotator.formats import brat
from annotator.formats.brat_names import file_stem, stem_name
from annotator.layers import record_problems

TEXT = "Reports\n\nWikinews reported that Google and YouTube merged. Nobody knew it."
CONF = """[entities]
Organization
[relations]
Origin  Arg1:Organization, Arg2:Organization
[events]
Merge-org  Org-Arg+:Organization
Report  Reporter-Arg:Organization, Event-Arg:<EVENT>
[attributes]
Negated  Arg:<EVENT>
Confidence  Arg:<EVENT>, Value:High|Low
"""


def at(word: str, nth: int = 0) -> str:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return f"{start} {start + len(word)}\t{word}"


def folder_with(tmp_path: Path, ann: str, text: str = TEXT) -> Path:
    (tmp_path / "news.txt").write_text(text, encoding="utf-8")
    (tmp_path / "news.ann").write_text(ann, encoding="utf-8")
    return tmp_path


def tutorial_book(tmp_path: Path) -> dict:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "annotation.conf").write_text(CONF, encoding="utf-8")
    return load_codebook(tmp_path / "conf" / "annotation.conf")


def test_an_annotation_conf_is_a_codebook_with_brat_spelling_kept(tmp_path):
    book = tutorial_book(tmp_path)
    assert [label["name"] for label in book["span_labels"]] == ["ORGANIZATION", "EVENT"]
    assert [t["name"] for t in book["event_types"]] == ["MERGE_ORG", "REPORT", "ORIGIN"]
    assert book["argument_roles"] == ["org_arg", "reporter_arg", "event_arg", "arg2"]
    fields = {f["name"]: f for f in book["event_attributes"]}
    assert fields["negated"]["type"] == "boolean"
    assert fields["confidence"]["values"] == ["High", "Low"]
    assert book["brat_names"]["events"]["MERGE_ORG"] == "Merge-org"


def test_create_project_accepts_a_brat_annotation_conf(runner, app, tmp_path):
    tutorial_book(tmp_path)
    result = runner.invoke(main, ["create-project", "B", "--codebook",
                                  str(tmp_path / "conf" / "annotation.conf")])
    assert result.exit_code == 0, result.output
    (tmp_path / "conf" / "bad.conf").write_text("[entities]\nPerson\n[events]\nMarry Person\n",
                                                encoding="utf-8")
    result = runner.invoke(main, ["create-project", "C", "--codebook",
                                  str(tmp_path / "conf" / "bad.conf")])
    assert result.exit_code != 0 and "bad.conf" in result.output and "line 4" in result.output


def test_brat_names_events_roles_binary_attributes_and_notes_match_the_codebook(tmp_path):
    ann = "\n".join([
        f"T1\tOrganization {at('Wikinews')}", f"T2\tReport {at('reported')}",
        f"T3\tOrganization {at('Google')}", f"T4\tOrganization {at('YouTube')}",
        f"T5\tMerge-org {at('merged')}",
        "E1\tMerge-org:T5 Org-Arg:T3 Org-Arg2:T4",
        "E2\tReport:T2 Reporter-Arg:T1 Event-Arg:E1",
        "R1\tOrigin Arg1:T3 Arg2:T1\t",
        "A1\tNegated E1", "A2\tConfidence E2 High",
        "#1\tAnnotatorNotes T1\tA wiki", "#2\tAnnotatorNotes E1\tReally?",
        "#3\tAnnotatorNotes R1\tNot said",
    ]) + "\n"
    (record,) = brat.read(folder_with(tmp_path, ann))
    book = tutorial_book(tmp_path)
    assert record_problems(record, book) == []
    spans = {s["id"]: s for s in record["spans"]}
    assert spans["T1"]["label"] == "ORGANIZATION" and spans["T1"]["attrs"] == {"note": "A wiki"}
    assert spans["T5"]["label"] == "EVENT"  # a trigger; its event keeps the type
    merge, report, origin = record["events"]
    assert (merge["type"], merge["attrs"]) == ("MERGE_ORG", {"negated": True, "note": "Really?"})
    assert [a["role"] for a in merge["arguments"]] == ["org_arg", "org_arg"]
    # "Wikinews reported that <event>": the argument points at the event's trigger span.
    assert report["arguments"] == [{"role": "reporter_arg", "span": "T1"},
                                   {"role": "event_arg", "span": "T5"}]
    assert report["attrs"] == {"confidence": "High"}
    assert origin == {"id": "R1", "trigger": "T3", "type": "ORIGIN", "attrs": {"note":
                      "Not said"}, "arguments": [{"role": "arg2", "span": "T1"}]}
    brat.write([record], tmp_path / "out", codebook=book)
    lines = (tmp_path / "out" / "news.ann").read_text(encoding="utf-8").splitlines()
    assert "E2\tReport:T2 Reporter-Arg:T1 Event-Arg:E1" in lines
    assert "A1\tNegated E1" in lines and "R1\tOrigin Arg1:T3 Arg2:T1\t" in lines


@pytest.mark.parametrize("label, role, attribute", [
    ("Source", "Actor", "Quote-Type"), ("source", "ACTOR", "quote_type"),
    ("SOURCE", "actor", "QUOTE_TYPE"),
])
def test_names_from_any_import_format_match_whatever_their_case_and_separators(
        label, role, attribute):
    book = default_codebook()
    record = {"id": "d", "layer": "gold", "paragraphs": [{"index": 0, "text": "He said it."}],
              "spans": [{"id": "s1", "paragraph": 0, "start": 0, "end": 2, "label": label,
                         "attrs": {}},
                        {"id": "s2", "paragraph": 0, "start": 3, "end": 7, "label": "event",
                         "attrs": {}}],
              "events": [{"id": "e1", "trigger": "s2", "type": "Retreat", "attrs": {
                  "Mode": "release"}, "arguments": [{"role": role, "span": "s1"}]}],
              "attributions": [{"id": "a1", "source": ["s1"], "cue": [], "content": [],
                                "parent": None, "attrs": {attribute: "direct"}}]}
    assert record_problems(record, book) == []
    assert [s["label"] for s in record["spans"]] == ["SOURCE", "EVENT"]
    assert record["events"][0]["type"] == "RETREAT"
    assert record["events"][0]["attrs"] == {"mode": "release"}
    assert record["events"][0]["arguments"][0]["role"] == "actor"
    assert record["attributions"][0]["attrs"] == {"quote_type": "DIRECT"}


def test_polnear_empty_e_lines_and_shared_triggers_are_attributions_with_their_cue(tmp_path):
    text = "Title\n\nThe wall was designated as a polling station, officials said."
    word = text.index("was designated as")
    said = text.index("said")
    ann = "\n".join([
        f"T1\tAttribution-no-source {word} {word + 17}\twas designated as",
        "E1\tAttribution-no-source:T1 ",  # PolNeAR: a trigger and nothing else
        f"T2\tSource {text.index('officials')} {text.index('officials') + 9}\tofficials",
        f"T3\tCue {said} {said + 4}\tsaid",
        f"T4\tAttribution {said} {said + 4}\tsaid",
        f"T5\tContent 7 {text.index(',')}\t{text[7:text.index(',')]}",
        "E2\tAttribution:T4 Source:T2 Cue:T3 Content:T5",
        "E3\tAttribution:T4 Source:T2",  # one trigger, two E lines
    ]) + "\n"
    (record,) = brat.read(folder_with(tmp_path, ann, text))
    assert record_problems(record, built_in_codebook("polnear")) == []
    labels = {s["id"]: s["label"] for s in record["spans"]}
    assert labels == {"T1": "CUE", "T2": "SOURCE", "T3": "CUE", "T5": "CONTENT"}
    first, second, third = record["attributions"]
    assert (first["cue"], first["source"], first["content"]) == (["T1"], [], [])
    assert (second["cue"], second["source"], second["content"]) == (["T3"], ["T2"], ["T5"])
    assert (third["cue"], third["source"]) == (["T3"], ["T2"])  # the Cue over its words


def test_a_t_line_whose_text_holds_a_line_break_is_read_whole(tmp_path):
    text = "Title\n\nShe said: “first line\nsecond line” and left."
    start, end = text.index("“"), text.index(" and")
    ann = (f"T1\tContent {start} {end}\t{text[start:end]}\nT2\tSource 7 10\tShe\n")
    (record,) = brat.read(folder_with(tmp_path, ann, text))
    assert [s["text"] for s in record["spans"]] == ["“first line\nsecond line”", "She"]


@pytest.mark.parametrize("ann, line, message", [
    ("T1\tOrganization 0 7\tReports\nR1\tOrigin Arg1:T1 Arg2:T1\t\n#1\tAnnotatorNotes R7\tx",
     3, "no annotation R7"),
    ("T1\tOrganization 0 7\tReports\n\nE1\tReport:T1 Event-Arg:E2\n", 3, "no annotation E2"),
    ("T1\tSource 0 7\tReports\nE1\tAttribution:T1 Content:E1\n", 2, "cannot be an event"),
    ("T1\tOrganization 0 7\tReports\nA1\tNegated T1 yes no\n", 2, "expected 'Name Target"),
])
def test_errors_name_the_file_and_the_line_they_are_on(tmp_path, ann, line, message):
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        list(brat.read(folder_with(tmp_path, ann)))
    assert (caught.value.file, caught.value.line) == ("news.ann", line)


@given(st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s))
def test_file_names_keep_safe_characters_and_give_the_id_back(name):
    stem = file_stem(name)
    assert "/" not in stem and "\\" not in stem and not stem.startswith(".")
    if stem_name(stem) != name:  # only a name too long to keep is cut and given a hash
        assert len(stem) == 120 and re.search(r"~[0-9a-f]{16}$", stem), stem
    safe = re.sub(r"[^A-Za-z0-9._~-]", "", name)
    if safe == name and not name.startswith("."):
        assert stem == name  # PolNeAR's article names are kept as they are
