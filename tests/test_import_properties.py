"""Property tests of the article readers: any input gives its paragraphs or a located error.

Whatever the text (any Unicode, NUL, lone surrogates, LF/CRLF/CR line ends, a byte-order mark,
random bytes), a reader either yields records with exactly the paragraphs README "Data formats"
promises, or raises InputError(s) naming the file and line; it never crashes with anything else.
"""

import csv
import io
import json
import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.errors import InputError, InputErrors
from annotator.formats import articles_csv, articles_jsonl, articles_txt
from annotator.formats.articles import unpack

ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])
ANY_TEXT = st.text(max_size=60)  # any code point but surrogates, NUL and controls included
ONE_LINE = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
                   max_size=40).filter(str.strip)
IDS = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8)
SETTINGS = settings(max_examples=60, deadline=None)


def expected(text: str) -> list[str]:
    """The paragraphs README promises: line ends made \\n, split on blank lines (else on
    single newlines), each stripped, empty ones dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    parts = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    return [part.strip() for part in parts if part.strip()]


def unstorable(text: str) -> bool:
    return "\x00" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def read_all(reader, name: str, data: bytes) -> tuple[list[dict], list[InputError]]:
    """Run a reader over `data` saved as `name`; return its records and its errors."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        records = []
        try:
            for record in reader.read(path):
                records.append(record)
        except (InputError, InputErrors) as error:
            return records, unpack(error)
        return records, []


def texts(record: dict) -> list[str]:
    return [p["text"] for p in record["paragraphs"]]


@SETTINGS
@given(st.lists(st.lists(ANY_TEXT, max_size=4), min_size=1, max_size=5), ENDINGS,
       st.booleans(), st.booleans())
def test_jsonl_paragraph_lists_are_kept_or_the_bad_line_is_named(articles, ending, bom,
                                                                 ascii_only):
    lines = [json.dumps({"id": f"a{i}", "paragraphs": ps}, ensure_ascii=ascii_only)
             for i, ps in enumerate(articles)]
    data = ("\ufeff" if bom else "") + ending.join(lines) + ending
    records, errors = read_all(articles_jsonl, "a.jsonl", data.encode("utf-8", "surrogatepass"))
    good = {i + 1: [p.replace("\r\n", "\n").replace("\r", "\n").strip() for p in ps]
            for i, ps in enumerate(articles)}
    good = {line: [p for p in ps if p] for line, ps in good.items()}
    bad = {line for line, ps in zip(good, articles, strict=True)
           if not good[line] or any(unstorable(p) for p in ps)}
    assert {r["line"]: texts(r) for r in records} == {
        line: ps for line, ps in good.items() if line not in bad}
    assert {(e.file, e.line) for e in errors} == {("a.jsonl", line) for line in bad}


@SETTINGS
@given(st.lists(ONE_LINE, min_size=1, max_size=6), ENDINGS, st.booleans())
def test_jsonl_text_splits_on_blank_lines_whatever_the_line_ends(paragraphs, ending, lone):
    text = (ending if lone else ending * 2).join(paragraphs)
    line = json.dumps({"id": "a", "title": paragraphs[0], "text": text}, ensure_ascii=False)
    [record], errors = read_all(articles_jsonl, "a.jsonl", (line + "\n").encode())
    assert errors == []
    assert texts(record) == [p.strip() for p in paragraphs] == expected(text)


@SETTINGS
@given(st.lists(st.tuples(IDS, ANY_TEXT), min_size=1, max_size=5, unique_by=lambda r: r[0]),
       ENDINGS, st.booleans(), st.booleans())
def test_csv_fields_with_quotes_commas_and_newlines_survive(rows, ending, bom, quote_all):
    buffer = io.StringIO(newline="")
    # RFC 4180 quotes every field holding CR or LF; Python's writer quotes only those holding
    # its own line terminator, so only CRLF files may leave the rest unquoted.
    quoting = csv.QUOTE_ALL if quote_all or ending != "\r\n" else csv.QUOTE_MINIMAL
    writer = csv.writer(buffer, lineterminator=ending, quoting=quoting)
    writer.writerow(["id", "text"])
    writer.writerows(rows)
    data = ("\ufeff" if bom else "") + buffer.getvalue()
    records, errors = read_all(articles_csv, "a.csv", data.encode())
    by_id = {r["id"]: texts(r) for r in records}
    bad = {external_id for external_id, text in rows if unstorable(text) or not expected(text)}
    assert by_id == {i: expected(t) for i, t in rows if i not in bad}
    assert len(errors) == len(bad)
    assert all(e.file == "a.csv" and e.line is not None for e in errors)


@SETTINGS
@given(ANY_TEXT, ENDINGS, st.booleans())
def test_txt_gives_the_expected_paragraphs_or_names_the_problem(text, ending, bom):
    body = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", ending)
    data = ("\ufeff" if bom else "") + body
    records, errors = read_all(articles_txt, "story.txt", data.encode())
    if "\x00" in text or not expected(text):
        assert records == [] and errors and all(e.file == "story.txt" for e in errors)
        assert "\x00" not in text or errors[0].line is not None
    else:
        [record] = records
        assert (record["id"], texts(record)) == ("story", expected(text))
        assert record["title"] == expected(text)[0].split("\n")[0].strip()


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([
    (articles_jsonl, "x.jsonl"), (articles_csv, "x.csv"), (articles_txt, "x.txt")]))
def test_random_bytes_never_crash_a_reader(data, reader_and_name):
    reader, name = reader_and_name
    records, errors = read_all(reader, name, data)
    lines = data.count(b"\n") + data.count(b"\r") + 1
    for error in errors:
        assert error.file == name
        assert error.line is None or 1 <= error.line <= lines
    for record in records:
        assert all(p["text"] and not unstorable(p["text"]) for p in record["paragraphs"])
