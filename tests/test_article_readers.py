"""Streamed raw-article readers (.jsonl, .csv, .txt): records, encodings and located errors."""

import codecs
import json
import tracemalloc

import pytest

from annotator.errors import InputError, InputErrors
from annotator.formats import articles, articles_csv, articles_jsonl, articles_txt
from annotator.formats.articles import raw_lines, unpack


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def jsonl(*objects):
    return "\n".join(o if isinstance(o, str) else json.dumps(o) for o in objects) + "\n"


def errors_of(reader, path):
    """Read the whole file and return the errors it raised."""
    with pytest.raises((InputError, InputErrors)) as info:
        list(reader.read(path))
    return unpack(info.value)


def yielded_before_errors(reader, path):
    ids = []
    with pytest.raises((InputError, InputErrors)):
        for record in reader.read(path):
            ids.append(record["id"])
    return ids


def texts(record):
    return [p["text"] for p in record["paragraphs"]]


# --- JSON Lines ---------------------------------------------------------------------------------


def test_jsonl_record_has_every_field_and_the_line_it_starts_on(tmp_path):
    path = write(
        tmp_path,
        "a.jsonl",
        "\n"
        + jsonl(
            {
                "id": "a1",
                "title": "T",
                "text": "One.\n\nTwo.",
                "url": "http://x.example/1",
                "published": "2025-05-31",
                "meta": {"outlet": "MT", "tags": ["war"]},
            },
            {"id": "a2", "paragraphs": ["  Only.  "]},
        ),
    )
    first, second = articles_jsonl.read(path)
    assert first == {
        "id": "a1",
        "title": "T",
        "url": "http://x.example/1",
        "published": "2025-05-31",
        "meta": {"outlet": "MT", "tags": ["war"]},
        "paragraphs": [
            {"text": "One.", "boilerplate": False},
            {"text": "Two.", "boilerplate": False},
        ],
        "line": 2,
    }
    assert second["line"] == 3
    assert (second["title"], second["url"], second["published"], second["meta"]) == (
        "",
        None,
        None,
        {},
    )
    assert texts(second) == ["Only."]


def test_jsonl_skips_blank_lines_and_needs_no_final_newline(tmp_path):
    body = '{"id": "a", "text": "x"}\n\n   \n{"id": "b", "text": "y"}'
    records = list(articles_jsonl.read(write(tmp_path, "a.jsonl", body)))
    assert [(r["id"], r["line"]) for r in records] == [("a", 1), ("b", 4)]


@pytest.mark.parametrize("ending", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_jsonl_reads_crlf_and_lone_cr_line_endings(tmp_path, ending):
    body = ending.join(['{"id": "a", "text": "x\\r\\n\\r\\ny"}', '{"id": "b", "text": "z"}'])
    records = list(articles_jsonl.read(write(tmp_path, "a.jsonl", body + ending)))
    assert [(r["id"], r["line"]) for r in records] == [("a", 1), ("b", 2)]
    assert texts(records[0]) == ["x", "y"]


def test_jsonl_splits_text_and_flags_boilerplate_in_text_and_paragraph_lists(tmp_path):
    path = write(
        tmp_path,
        "a.jsonl",
        jsonl(
            {"id": "a", "text": "Talks resumed on Monday.\r\n\r\nSubscribe\r\n\r\n"},
            {"id": "b", "paragraphs": ["Talks resumed.\r\nBoth sides said so.", " ", "Continue"]},
        ),
    )
    a, b = articles_jsonl.read(path)
    assert [(p["text"], p["boilerplate"]) for p in a["paragraphs"]] == [
        ("Talks resumed on Monday.", False),
        ("Subscribe", True),
    ]
    assert [(p["text"], p["boilerplate"]) for p in b["paragraphs"]] == [
        ("Talks resumed.\nBoth sides said so.", False),
        ("Continue", True),
    ]


def test_jsonl_with_utf8_bom_does_not_leak_the_bom_into_the_text(tmp_path):
    path = write(tmp_path, "a.jsonl", codecs.BOM_UTF8 + jsonl({"id": "a", "text": "Été"}).encode())
    (record,) = articles_jsonl.read(path)
    assert record["id"] == "a" and texts(record) == ["Été"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_jsonl_in_utf16_with_bom_is_decoded(tmp_path, encoding):
    bom = codecs.BOM_UTF16_LE if encoding == "utf-16-le" else codecs.BOM_UTF16_BE
    body = jsonl({"id": "a", "text": "“Été” 😀"}, {"id": "b", "text": "€"})
    records = list(articles_jsonl.read(write(tmp_path, "a.jsonl", bom + body.encode(encoding))))
    assert [texts(r) for r in records] == [["“Été” 😀"], ["€"]]
    assert [r["line"] for r in records] == [1, 2]


def test_jsonl_with_invalid_utf8_is_refused_naming_file_and_line(tmp_path):
    lines = [json.dumps({"id": f"a{i}", "text": "ok"}).encode() for i in range(1, 401)]
    lines[399] = b'{"id": "a400", "text": "bad \xc3\x28 byte"}'
    path = write(tmp_path, "bad.jsonl", b"\n".join(lines))
    (error,) = errors_of(articles_jsonl, path)
    assert (error.file, error.line) == ("bad.jsonl", 400)
    assert "bad.jsonl, line 400" in error.message and "UTF-8" in error.message


def test_jsonl_in_cp1252_is_refused_not_guessed(tmp_path):
    body = '{"id": "a", "text": "café “quoted” €5"}\n'.encode("cp1252")
    (error,) = errors_of(articles_jsonl, write(tmp_path, "win.jsonl", body))
    assert error.line == 1 and "UTF-8" in error.message


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": "a500", "text": "abc', "malformed JSON"),
        ('[{"id": "x", "text": "y"}]', "expected a JSON object"),
        ('"just a string"', "expected a JSON object"),
        ('{"id": "x", "text": 42}', "text must be a string, not a number"),
        ('{"id": "x"}', "text is missing"),
        ('{"id": "x", "text": "  \\n\\n\\t "}', "text is empty"),
        ('{"id": "x", "paragraphs": ["", "  "]}', "paragraphs are empty"),
        ('{"id": "x", "paragraphs": "one"}', "paragraphs must be an array"),
        ('{"id": "x", "paragraphs": ["a", 3]}', "paragraphs[1] must be a string"),
        ('{"id": "x", "text": "a", "paragraphs": ["a"]}', "either text or paragraphs"),
        ('{"text": "x"}', "id is missing"),
        ('{"id": 7, "text": "x"}', "id must be a string"),
        ('{"id": "", "text": "x"}', "id is empty"),
        ('{"id": " x", "text": "x"}', "leading or trailing whitespace"),
        ('{"id": "x", "text": "a\\u0000b"}', "NUL"),
        ('{"id": "x", "text": "a\\ud800b"}', "lone surrogate"),
        ('{"id": "x", "title": "t\\u0000", "text": "a"}', "title contains a NUL"),
        ('{"id": "x", "text": "a", "meta": {"n": NaN}}', "NaN is not valid JSON"),
        ('{"id": "x", "text": "a", "meta": {"k": "\\ud800"}}', "lone surrogate"),
        ('{"id": "x", "text": "a", "meta": [1]}', "meta must be an object"),
        ('{"id": "x", "text": "a", "published": 2016}', "published must be a string"),
        ('{"id": "x", "text": "a", "published": "%s"}' % ("9" * 65), "longer than 64"),
        ('{"id": "%s", "text": "a"}' % ("x" * 301), "longer than 300"),
        ('{"id": "a\\nb", "text": "a"}', "control character"),
        ("[" * 100_000 + "]" * 100_000, "malformed JSON"),
    ],
)
def test_jsonl_bad_line_is_refused_with_file_line_and_reason(tmp_path, line, reason):
    path = write(tmp_path, "in.jsonl", jsonl({"id": "good", "text": "fine"}, line))
    (error,) = errors_of(articles_jsonl, path)
    assert (error.file, error.line) == ("in.jsonl", 2)
    assert reason in error.message


def test_jsonl_lists_every_bad_line_and_never_yields_a_bad_record(tmp_path):
    lines = [json.dumps({"id": f"a{i}", "text": f"Paragraph {i}."}) for i in range(1, 1001)]
    lines[499] = '{"id":"a500","text":"abc'
    lines[699] = '{"id": "a700", "text": 42}'
    lines[700] = '{"id": "a701"}'
    lines[701] = '["a702"]'
    lines.insert(100, "")  # a blank line: later line numbers shift by one
    path = write(tmp_path, "big.jsonl", "\n".join(lines))
    errors = errors_of(articles_jsonl, path)
    assert [e.line for e in errors] == [501, 701, 702, 703]
    ids = yielded_before_errors(articles_jsonl, path)
    assert len(ids) == 996 and not {"a500", "a700", "a701"} & set(ids)


def test_jsonl_stops_after_too_many_errors(tmp_path):
    path = write(tmp_path, "junk.jsonl", "not json\n" * 500)
    errors = errors_of(articles_jsonl, path)
    assert len(errors) == articles.MAX_ERRORS + 1
    assert "stopped reading" in errors[-1].message


def test_jsonl_line_longer_than_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(articles, "MAX_RECORD_BYTES", 100_000)
    body = jsonl({"id": "a", "text": "ok"}, {"id": "b", "text": "x" * 300_000})
    (error,) = errors_of(articles_jsonl, write(tmp_path, "long.jsonl", body))
    assert error.line == 2 and "longer than" in error.message


def test_jsonl_is_read_in_flat_memory(tmp_path):
    path = tmp_path / "many.jsonl"
    line = json.dumps({"id": "{}", "text": "A paragraph of text. " * 40}) + "\n"
    with path.open("w") as handle:
        for i in range(6_000):
            handle.write(line.replace("{}", f"a{i}", 1))
    assert path.stat().st_size > 5_000_000
    tracemalloc.start()
    try:
        count = sum(1 for _ in articles_jsonl.read(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 6_000
    assert peak < 1_000_000  # holding the records would take about 10 MB


def test_line_split_across_read_chunks_keeps_crlf_and_line_numbers(tmp_path):
    # Put the CR of a CRLF as the last byte of the first 64 KiB chunk.
    first = b"a" * (65_536 - 1 - 1) + b"\r\n"
    assert len(first) - 1 == 65_535
    path = write(tmp_path, "x.txt", first + b"b\rc\r" + b"d" * 200_000 + b"\ne")
    lines = list(raw_lines(path))
    assert [number for number, _ in lines] == [1, 2, 3, 4, 5]
    assert lines[0][1] == first
    assert [raw for _, raw in lines[1:3]] == [b"b\r", b"c\r"]
    assert lines[3][1] == b"d" * 200_000 + b"\n"
    assert lines[4][1] == b"e"


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_reads_known_columns_and_keeps_other_columns_as_meta(tmp_path):
    body = (
        "ID,Text,title,url,published,outlet\r\n"
        'a1,"First.\n\nSecond, with a comma and ""quotes"".",T1,http://x.example,2025-05-31,MT\r\n'
        "a2,Only one.,,,,\r\n"
    )
    first, second = articles_csv.read(write(tmp_path, "a.csv", body))
    assert first["id"] == "a1" and first["title"] == "T1"
    assert texts(first) == ["First.", 'Second, with a comma and "quotes".']
    assert (first["url"], first["published"], first["meta"]) == (
        "http://x.example",
        "2025-05-31",
        {"outlet": "MT"},
    )
    assert (first["line"], second["line"]) == (2, 5)
    assert (second["title"], second["url"], second["published"]) == ("", None, None)


def test_csv_with_bom_and_blank_lines_is_read(tmp_path):
    body = codecs.BOM_UTF8 + b"id,text\n\na1,Hello\n\n,\na2,World"
    records = list(articles_csv.read(write(tmp_path, "a.csv", body)))
    assert [(r["id"], r["line"]) for r in records] == [("a1", 3), ("a2", 6)]


def test_csv_field_beyond_pythons_default_limit_is_read(tmp_path):
    text = "word " * 100_000  # 500,000 characters; Python's default limit is 131,072
    (record,) = articles_csv.read(write(tmp_path, "big.csv", f'id,text\na1,"{text}"\n'))
    assert texts(record) == [text.strip()]


def test_csv_field_above_the_limit_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setattr(articles_csv, "MAX_RECORD_BYTES", 1000)
    body = f'id,text\na1,ok\na2,"{"x" * 5000}"\n'
    (error,) = errors_of(articles_csv, write(tmp_path, "huge.csv", body))
    assert error.line == 3 and "field is larger than" in error.message


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("a1,Some text\n", 1, "header row must name the columns id and text"),
        ("id;text\na1;x\n", 1, "separated by commas"),
        ("id,title\na1,x\n", 1, "missing text"),
        ("id,text,id\na,b,c\n", 1, "more than once: id"),
        ("id,text\na1,x\na2,y,extra\n", 3, "3 fields but the header (line 1) has 2"),
        ("id,text,title\na1,x,t\na2,y\n", 3, "2 fields but the header (line 1) has 3"),
        ('id,text\na1,"unclosed\nmore text\n', 2, "never closed"),
        ('id,text\na1,"x"y\n', 2, "malformed CSV"),
        ("id,text\n,orphan text\n", 2, "id is empty"),
        ("id,text\na1,   \n", 2, "text is empty"),
        ("id,text,\na1,x,stray\n", 2, "no name in the header"),
        ("", 1, "file is empty"),
    ],
)
def test_csv_problem_is_refused_naming_the_line(tmp_path, body, line, reason):
    (error,) = errors_of(articles_csv, write(tmp_path, "in.csv", body))
    assert (error.file, error.line) == ("in.csv", line)
    assert reason in error.message


def test_csv_error_in_multiline_record_names_the_line_where_it_starts(tmp_path):
    body = 'id,text\na1,"one\n\ntwo"\n,"three\nfour"\n'
    (error,) = errors_of(articles_csv, write(tmp_path, "in.csv", body))
    assert error.line == 5 and "id is empty" in error.message


def test_csv_with_invalid_utf8_names_the_line(tmp_path):
    body = b"id,text\na1,fine\na2,caf\xe9\n"
    (error,) = errors_of(articles_csv, write(tmp_path, "win.csv", body))
    assert error.line == 3 and "UTF-8" in error.message


def test_csv_collects_row_errors_and_yields_only_good_rows(tmp_path):
    body = "id,text\na1,x\n,y\na3,z\na4,\n"
    path = write(tmp_path, "in.csv", body)
    assert [e.line for e in errors_of(articles_csv, path)] == [3, 5]
    assert yielded_before_errors(articles_csv, path) == ["a1", "a3"]


# --- plain text ---------------------------------------------------------------------------------


def test_txt_id_is_the_file_stem_and_title_the_first_nonempty_line(tmp_path):
    body = "\r\n  Headline here  \r\nSecond line.\r\nThird line.\r\n"
    (record,) = articles_txt.read(write(tmp_path, "story-1.txt", body))
    assert record["id"] == "story-1" and record["title"] == "Headline here"
    assert texts(record) == ["Headline here", "Second line.", "Third line."]
    assert record["line"] == 1


def test_txt_with_bom_does_not_put_the_bom_in_the_title_or_text(tmp_path):
    path = write(tmp_path, "a.txt", codecs.BOM_UTF8 + b"Title\n\nBody.")
    (record,) = articles_txt.read(path)
    assert record["title"] == "Title" and texts(record) == ["Title", "Body."]


def test_txt_in_utf16_with_bom_is_decoded(tmp_path):
    path = write(tmp_path, "a.txt", "Título\r\nCuerpo 😀.".encode("utf-16"))
    (record,) = articles_txt.read(path)
    assert texts(record) == ["Título", "Cuerpo 😀."]


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        (b"", None, "no text"),
        (b" \n\n\t\n", None, "no text"),
        (b"Title\nBody \xc3\x28 here\n", 2, "UTF-8"),
        (b"Title\n\nBody\x00\n", 3, "NUL"),
    ],
)
def test_txt_problem_is_refused(tmp_path, body, line, reason):
    (error,) = errors_of(articles_txt, write(tmp_path, "a.txt", body))
    assert (error.file, error.line) == ("a.txt", line)
    assert reason in error.message


def test_txt_larger_than_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(articles_txt, "MAX_RECORD_BYTES", 100)
    (error,) = errors_of(articles_txt, write(tmp_path, "a.txt", "x" * 200))
    assert "larger than" in error.message


@pytest.mark.shared
def test_txt_reads_the_seed_article_with_its_appeal_flagged(shared_dir):
    (record,) = articles_txt.read(shared_dir / "corpus" / "seed-article.txt")
    assert record["id"] == "seed-article"
    assert record["title"] == "Ukraine and Russia Conduct Fourth POW Swap in a Week"
    assert [p["boilerplate"] for p in record["paragraphs"]] == [False] * 10 + [True] * 13
