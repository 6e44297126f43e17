"""The import service: raw articles into a project, all or nothing, every problem reported."""

import json
import threading

import pytest
from sqlalchemy import func, select

from annotator.errors import InputError, InputErrors
from annotator.extensions import db
from annotator.formats.articles import unpack
from annotator.models import Document, Paragraph
from annotator.services.intake import articles as importing
from annotator.services.intake.articles import import_articles, insert_articles, read_articles
from tests.helpers import make_project


@pytest.fixture
def project(app):
    project = make_project("P")
    db.session.commit()  # the import's rollback must not take the project with it
    return project


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def paragraphs_of(external_id):
    document = db.session.execute(
        select(Document).where(Document.external_id == external_id)
    ).scalar_one()
    return document, [(p.text, p.boilerplate) for p in document.paragraphs]


def refused(project, paths, **kwargs):
    """Run an import that must fail; roll back as the caller would and return the errors."""
    with pytest.raises((InputError, InputErrors)) as info:
        import_articles(project, paths, **kwargs)
    db.session.rollback()
    return unpack(info.value)


def write_jsonl(path, objects):
    path.write_text("\n".join(json.dumps(o) for o in objects) + "\n", encoding="utf-8")
    return path


@pytest.mark.shared
def test_seed_article_imports_with_title_paragraphs_and_flagged_appeal(project, shared_dir):
    seed = shared_dir / "corpus" / "seed-article.txt"
    report = import_articles(project, [seed])
    db.session.commit()
    assert report == {"documents": 1, "paragraphs": 23, "files": 1}
    document, paragraphs = paragraphs_of("seed-article")
    assert document.title == "Ukraine and Russia Conduct Fourth POW Swap in a Week"
    assert document.project_id == project.id
    lines = [line.strip() for line in seed.read_text(encoding="utf-8").splitlines()]
    assert [text for text, _ in paragraphs] == lines  # one paragraph per line of the article
    assert [flag for _, flag in paragraphs] == [False] * 10 + [True] * 13
    assert paragraphs[10][0] == "A Message from The Moscow Times:"


@pytest.mark.shared
def test_polnear_texts_import_intact_with_nothing_flagged(project, shared_dir):
    files = sorted((shared_dir / "corpus" / "polnear-training" / "text").glob("*.txt"))
    report = import_articles(project, files)
    db.session.commit()
    assert report["documents"] == 4 and report["files"] == 4
    for path in files:
        _, paragraphs = paragraphs_of(path.stem)
        assert not any(flag for _, flag in paragraphs), path.name
        original = path.read_text(encoding="utf-8")
        stored = [text for text, _ in paragraphs]
        # Nothing lost or altered: the blank-line-separated blocks are the paragraphs.
        assert stored == [block.strip() for block in original.split("\n\n") if block.strip()]
    assert report["paragraphs"] == count(Paragraph)


def test_jsonl_csv_and_txt_import_together_in_one_run(project, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [{"id": "j1", "title": "J", "text": "One.\n\nTwo."}])
    (tmp_path / "b.csv").write_text("id,text,title\nc1,Three.,C\n", encoding="utf-8")
    (tmp_path / "t1.txt").write_text("Title\nBody.\nSubscribe\n", encoding="utf-8")
    seen = []
    report = import_articles(
        project,
        [tmp_path / "a.jsonl", tmp_path / "b.csv", tmp_path / "t1.txt"],
        progress=seen.append,
    )
    db.session.commit()
    assert report == {"documents": 3, "paragraphs": 6, "files": 3}
    assert seen and seen[-1] == 6
    assert paragraphs_of("t1")[1] == [("Title", False), ("Body.", False), ("Subscribe", True)]
    assert paragraphs_of("c1")[0].title == "C"


def test_format_option_overrides_the_extension(project, tmp_path):
    path = write_jsonl(tmp_path / "articles.data", [{"id": "a", "text": "x"}])
    assert import_articles(project, [path], fmt="jsonl")["documents"] == 1


def test_unknown_extension_or_format_is_refused(project, tmp_path):
    path = write_jsonl(tmp_path / "articles.xml", [{"id": "a", "text": "x"}])
    (error,) = refused(project, [path])
    assert "articles.xml" in error.message and "extension" in error.message
    (error,) = refused(project, [path], fmt="docx")
    assert "unknown article format 'docx'" in error.message


def test_missing_file_is_refused(project, tmp_path):
    (error,) = refused(project, [tmp_path / "nope.jsonl"])
    assert "nope.jsonl" in error.message and "no such file" in error.message


@pytest.mark.parametrize(
    ("name", "content", "line", "reason"),
    [
        ("malformed.jsonl", b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "x\n', 2, "JSON"),
        ("encoding.jsonl", b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "\xe9"}\n', 2, "UTF-8"),
        ("empty.jsonl", b'{"id": "a", "text": "ok"}\n{"id": "b", "text": " \\n "}\n', 2, "empty"),
        ("dup.jsonl", b'{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', 2, "duplicate"),
        ("nul.csv", b"id,text\na,ok\nb,x\x00y\n", 3, "NUL"),
        ("nul.txt", b"Title\nBody \x00\n", 2, "NUL"),
    ],
)
def test_bad_file_is_refused_naming_file_and_line_and_leaves_no_documents(
    project, tmp_path, name, content, line, reason
):
    path = tmp_path / name
    path.write_bytes(content)
    (error,) = refused(project, [path])
    assert f"{name}, line {line}: " in error.message and reason in error.message
    assert count(Document) == 0 and count(Paragraph) == 0


def test_duplicate_id_across_files_names_both_places(project, tmp_path):
    write_jsonl(tmp_path / "one.jsonl", [{"id": "x", "text": "."}, {"id": "a1", "text": "."}])
    write_jsonl(
        tmp_path / "two.jsonl",
        [{"id": "b", "text": "."}, {"id": "c", "text": "."}, {"id": "a1", "text": "."}],
    )
    (error,) = refused(project, [tmp_path / "one.jsonl", tmp_path / "two.jsonl"])
    assert error.message == "two.jsonl, line 3: duplicate id 'a1' (first seen at one.jsonl line 2)"


def test_ids_differing_only_in_unicode_normalisation_are_duplicates(project, tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl", [{"id": "caf\u00e9", "text": "."}, {"id": "cafe\u0301", "text": "."}]
    )
    (error,) = refused(project, [path])
    assert error.line == 2 and "duplicate id" in error.message


def test_id_already_in_the_project_is_refused_and_the_first_import_survives(project, tmp_path):
    first = write_jsonl(tmp_path / "first.jsonl", [{"id": "a1", "text": "Original text."}])
    import_articles(project, [first])
    db.session.commit()
    again = write_jsonl(
        tmp_path / "again.jsonl", [{"id": "new", "text": "x"}, {"id": "a1", "text": "Replacement."}]
    )
    (error,) = refused(project, [again])
    assert error.message == "again.jsonl, line 2: id 'a1' already exists in project 'P'"
    assert count(Document) == 1
    assert paragraphs_of("a1")[1] == [("Original text.", False)]


def test_same_id_in_another_project_is_fine(project, tmp_path):
    other = make_project("Other")
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": "a1", "text": "x"}])
    import_articles(other, [path])
    assert import_articles(project, [path])["documents"] == 1


def test_every_fault_of_a_1000_line_file_is_listed_and_nothing_is_stored(project, tmp_path):
    lines = [json.dumps({"id": f"a{i}", "text": f"Paragraph {i}."}) for i in range(1, 1001)]
    lines[499] = '{"id":"a500","text":"abc'
    lines[699] = '{"id": "a700", "text": 42}'
    lines[700] = '{"id": "a701"}'
    lines[701] = '["a702"]'
    path = tmp_path / "faults.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")  # no final newline
    errors = refused(project, [path])
    assert [(e.file, e.line) for e in errors] == [("faults.jsonl", n) for n in (500, 700, 701, 702)]
    assert "malformed JSON" in errors[0].message
    assert "text must be a string" in errors[1].message
    assert "text is missing" in errors[2].message
    assert "expected a JSON object" in errors[3].message
    assert count(Document) == 0


def test_errors_from_several_files_are_reported_together_in_line_order(project, tmp_path):
    one = tmp_path / "one.jsonl"
    one.write_text('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n{"id": 5}\n')
    two = tmp_path / "two.csv"
    two.write_text("id,text\n,x\n")
    errors = refused(project, [one, two])
    assert [(e.file, e.line) for e in errors] == [
        ("one.jsonl", 2),
        ("one.jsonl", 3),
        ("two.csv", 2),
    ]


def test_import_stops_after_fifty_errors(project, tmp_path):
    path = tmp_path / "junk.jsonl"
    path.write_text("{broken\n" * 200)
    errors = refused(project, [path, path])
    assert len(errors) == 51
    assert [e.line for e in errors[:50]] == list(range(1, 51))
    assert errors[-1].message == "stopped after 50 errors"


def test_large_import_is_inserted_in_batches_with_progress(project, tmp_path):
    objects = [{"id": f"d{i}", "paragraphs": [f"P{i}.{j}" for j in range(7)]} for i in range(1000)]
    path = write_jsonl(tmp_path / "big.jsonl", objects)
    seen = []
    report = import_articles(project, [path], progress=seen.append)
    db.session.commit()
    assert report == {"documents": 1000, "paragraphs": 7000, "files": 1}
    assert len(seen) >= 3 and seen == sorted(seen) and seen[-1] == 7000
    _, paragraphs = paragraphs_of("d999")
    assert [text for text, _ in paragraphs] == [f"P999.{j}" for j in range(7)]


def test_service_does_not_commit(project, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": "a", "text": "x"}])
    import_articles(project, [path])
    db.session.rollback()
    assert count(Document) == 0


def test_file_named_like_markup_is_reported_by_name_only(project, tmp_path):
    # The report echoes the file name; escaping it is the page's job, but it must be the name.
    name = '"><img src=x onerror=alert(1)>.jsonl'
    path = tmp_path / name
    path.write_text('{"id": "a", "text": "<img src=x onerror=alert(1)>"}\n{"text":\n')
    (error,) = refused(project, [path])
    assert error.file == name and error.line == 2


def test_text_and_meta_round_trip_exactly(project, tmp_path, monkeypatch):
    # PostgreSQL's COPY has its own escapes (tab, newline, backslash, \N for NULL): none of them
    # may leak into the stored text. A tiny spool also sends the articles through the file.
    monkeypatch.setattr(importing, "SPOOL_IN_MEMORY", 100)
    texts = ["tab\there \\N and \\. end", "line one\nline two \\n", "back\\slash \\\\ \\t",
             "emoji 👩\u200d❤\ufe0f\u200d👩 🇫🇷 e\u0301 caf\u00e9",
             "nbsp\u00a0ls\u2028ps\u2029end \\"]
    meta = {"k": "v\t\n\\", "\\N": None, "n": [1, 2.5, 1e300, -0.0, 12345678901234567890],
            "u": "ü😀\u0301", "nested": {"b": True, "a": [{}]}}
    path = write_jsonl(tmp_path / "a.jsonl", [
        {"id": "t\\N", "title": "\\N", "published": "\\.", "meta": meta, "paragraphs": texts},
        {"id": "plain", "text": "A."}])
    assert import_articles(project, [path])["paragraphs"] == 6
    db.session.commit()
    db.session.expire_all()
    document, paragraphs = paragraphs_of("t\\N")
    assert (document.title, document.url, document.published) == ("\\N", None, "\\.")
    assert document.meta == meta and list(document.meta) == list(meta)
    assert paragraphs == [(text, False) for text in texts]
    assert paragraphs_of("plain")[0].meta == {}


def test_reading_checks_every_file_and_writes_nothing(project, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"id": f"d{i}", "text": "x"} for i in range(5)])
    statements = []
    listener = lambda conn, cursor, statement, *args: statements.append(statement)  # noqa: E731
    db.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        checked = read_articles(project, [path])
    finally:
        db.event.remove(db.engine, "before_cursor_execute", listener)
    with checked:
        assert checked.counts == {"documents": 5, "paragraphs": 5, "files": 1}
        assert statements and all(s.lstrip().upper().startswith(("SELECT", "BEGIN"))
                                  for s in statements)
        db.session.rollback()  # what the CLI does between reading and inserting
        assert count(Document) == 0
        assert insert_articles(project, checked)["documents"] == 5
    db.session.commit()
    assert count(Document) == 5 and count(Paragraph) == 5


def test_id_stored_by_another_import_after_the_check_is_refused_with_file_and_line(
        project, tmp_path):
    mine = write_jsonl(tmp_path / "mine.jsonl", [{"id": "a", "text": "x"},
                                                 {"id": "caf\u00e9", "text": "y"}])
    theirs = write_jsonl(tmp_path / "theirs.jsonl", [{"id": "cafe\u0301", "text": "z"}])
    with read_articles(project, [mine]) as checked:
        import_articles(project, [theirs])  # lands between this import's check and insert
        db.session.commit()
        with pytest.raises(InputError) as info:
            insert_articles(project, checked)
    db.session.rollback()
    assert info.value.message == ("mine.jsonl, line 2: id 'café' already exists in project "
                                  "'P' (as 'cafe\u0301')")
    assert count(Document) == 1


def test_two_imports_into_one_project_at_once_store_one_and_refuse_the_other_by_line(
        app, project, tmp_path):
    """PostgreSQL: both imports check their ids before either stores; the second to store waits
    for the first and is refused with file and line (SQLite's write lock serialises them)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent transactions on PostgreSQL")
    first = write_jsonl(tmp_path / "first.jsonl", [{"id": "caf\u00e9", "text": "x"}])
    second = write_jsonl(tmp_path / "second.jsonl", [{"id": "b", "text": "y"},
                                                     {"id": "cafe\u0301", "text": "z"}])
    stored, may_commit, outcome = threading.Event(), threading.Event(), {}
    project_id = project.id

    def first_import():
        with app.app_context():  # a session and connection of its own
            mine = db.session.get(type(project), project_id)
            with read_articles(mine, [first]) as checked:
                insert_articles(mine, checked)
            stored.set()
            may_commit.wait(10)
            db.session.commit()
            db.session.remove()

    def second_import(checked):
        with app.app_context():
            try:
                insert_articles(db.session.get(type(project), project_id), checked)
            except InputError as error:
                outcome["error"] = error.message
            finally:
                db.session.rollback()
                db.session.remove()

    checked = read_articles(project, [second])  # before the first stores anything: no clash
    db.session.rollback()
    importer = threading.Thread(target=first_import)
    importer.start()
    assert stored.wait(10)
    waiter = threading.Thread(target=second_import, args=(checked,))
    waiter.start()
    waiter.join(0.5)
    assert waiter.is_alive()  # queued behind the first import's uncommitted insert
    may_commit.set()
    importer.join(10)
    waiter.join(10)
    checked.close()
    assert outcome["error"] == ("second.jsonl, line 2: id 'cafe\u0301' already exists in "
                                "project 'P' (as 'caf\u00e9')")
    assert count(Document) == 1
