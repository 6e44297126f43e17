"""Import and export pages: all-or-nothing uploads with located errors, and safe downloads."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import importlib.util
import io
import json
import re
import tempfile
import zipfile

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from annotator.extensions import db
from annotator.models import Document, Project
from annotator.services.intake import import_files
from tests.test_api import own_layer, save, span
from tests.web_fixtures import FAST_HASH, browser, world  # noqa: F401  (fixtures)

ARTICLE = '{"id": "%s", "title": "Talks", "text": "Kyiv said talks went well."}\n'
DOWNLOAD_NAME = re.compile(r'attachment; filename="project-\d+-[a-z]+-\d{8}T\d{6}Z\.(jsonl|zip)"')


@pytest.fixture
def uploads_dir(tmp_path, monkeypatch):
    """Make the temporary folders of uploads and exports land where the test can look."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def upload(b, project: int, files: list[tuple[bytes | str, str]], fmt: str = ""):
    b.refresh_token(f"/projects/{project}/import")
    data = {"format": fmt, "csrf_token": b.token,
            "files": [(io.BytesIO(c.encode() if isinstance(c, str) else c), name)
                      for c, name in files]}
    return b.client.post(f"/projects/{project}/import", data=data,
                         content_type="multipart/form-data")


def export(b, project: int, **fields):
    b.refresh_token(f"/projects/{project}/export")
    return b.client.post(f"/projects/{project}/export",
                         data={"format": "native", "layer": "", **fields, "csrf_token": b.token})


def documents() -> int:
    db.session.rollback()
    return db.session.execute(select(func.count(Document.id))).scalar_one()


def test_manager_imports_jsonl_csv_and_txt_in_one_go_and_nothing_stays_on_disk(
        browser, world, uploads_dir):
    before = documents()
    manager = browser("managerM")
    response = upload(manager, world.p1, [
        (ARTICLE % "j1", "articles.jsonl"), ("id,text\nc1,Some text.\n", "table.csv"),
        ("A title\n\nThe body.\n", "story-1.txt")])
    assert response.status_code == 302, response.get_data(as_text=True)
    page = manager.get(response.headers["Location"]).get_data(as_text=True)
    assert "Imported 3 documents" in page
    assert documents() == before + 3
    assert db.session.execute(select(Document.title).where(
        Document.external_id == "story-1")).scalar_one() == "A title"
    assert list(uploads_dir.iterdir()) == []


def test_project_page_links_import_export_and_history_for_managers_only(browser, world):
    manager = browser("managerM").get(f"/projects/{world.p1}").get_data(as_text=True)
    for link in ("import", "export", "history"):
        assert f'href="/projects/{world.p1}/{link}"' in manager
    reviewer = browser("reviewerR").get(f"/projects/{world.p1}").get_data(as_text=True)
    assert f"/projects/{world.p1}/import" not in reviewer


def test_bad_upload_lists_each_problem_by_file_and_line_escaped_and_imports_nothing(
        browser, world):
    name = '%22><img src=x onerror=alert(1)>.jsonl'  # browsers send a quote as %22
    body = ARTICLE % "ok1" + ARTICLE % "ok2" + '{"text":"<img src=x onerror=alert(1)>\n'
    before = documents()
    response = upload(browser("managerM"), world.p1, [
        (body, name), (ARTICLE % "ok1", "again.jsonl")])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was imported" in page
    assert ("<strong>&#34;&gt;&lt;img src=x onerror=alert(1)&gt;.jsonl</strong>, line 3: "
            "malformed JSON") in page
    assert ("<strong>again.jsonl</strong>, line 1: duplicate id &#39;ok1&#39; (first seen at "
            "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;.jsonl line 1)") in page
    assert "<img" not in page
    assert documents() == before


@pytest.mark.parametrize(("name", "problem"), [
    ("../../app.py", "cannot tell the format from the extension &#39;.py&#39;"),
    ("evil.html", "cannot tell the format from the extension &#39;.html&#39;"),
    ("evil.svg", "cannot tell the format"),
])
def test_files_of_no_known_format_are_refused_by_name(browser, world, name, problem):
    response = upload(browser("managerM"), world.p1, [("<svg><script>x</script></svg>", name)])
    assert response.status_code == 422 and problem in response.get_data(as_text=True)


@pytest.mark.parametrize(("name", "outcome"), [
    ("../../app.txt", "app"), ("/etc/passwd.txt", "passwd"),
    ("..\\..\\x.txt", None),  # arrives as "....x.txt": a leading dot is refused
    ("a.jsonl\x00.txt", None), ("n" * 300 + ".txt", None), ("evil\u202etxt.html.txt", None),
])
def test_upload_names_never_become_paths_outside_the_upload_folder(
        browser, world, uploads_dir, name, outcome):
    response = upload(browser("managerM"), world.p1, [("Title\n\n<b>Body</b>", name)], "txt")
    ids = db.session.execute(select(Document.external_id)).scalars().all()
    if outcome is None:
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "the file name cannot be the document id" in page
        assert "\u202e" not in page and "\x00" not in page
    else:
        assert response.status_code == 302 and outcome in ids
    assert list(uploads_dir.iterdir()) == []  # the upload folder is gone, nothing beside it


def test_upload_larger_than_the_limit_gets_a_clear_413_and_imports_nothing(
        browser, world, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    before = documents()
    manager = browser("managerM")
    manager.refresh_token(f"/projects/{world.p1}/import")
    big = ARTICLE % "big" + json.dumps({"id": "x", "text": "y" * 2_000_000}) + "\n"
    boundary, body = encode_multipart({"csrf_token": manager.token, "format": "", "files":
                                       FileStorage(io.BytesIO(big.encode()), "big.jsonl")})
    # A body of bytes: the test client would leave a spooled file of its own unclosed.
    response = manager.client.post(f"/projects/{world.p1}/import", data=body,
                                   content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "larger than the limit of 1 MB" in response.get_data(as_text=True)
    assert documents() == before


def test_native_export_streams_an_attachment_with_every_layer(browser, world):
    coder = browser("coderA")
    save(coder, own_layer(coder, world.doc1), [span("s-1", 0, 7)])
    response = export(browser("managerM"), world.p1)
    assert response.status_code == 200
    assert DOWNLOAD_NAME.fullmatch(response.headers["Content-Disposition"])
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    records = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert {(r["id"], r["layer"]) for r in records} >= {("d1", "coderA"), ("d2", None)}
    [coded] = [r for r in records if r["layer"] == "coderA"]
    assert coded["spans"][0]["text"] == "Ukraine"
    # Nothing secret travels: no password hashes, tokens or session data.
    body = response.get_data(as_text=True)
    assert FAST_HASH not in body and "pbkdf2" not in body and "session" not in body


def test_jsonl_export_streams_paragraph_rows_of_the_chosen_layer(browser, world):
    coder = browser("coderA")
    save(coder, own_layer(coder, world.doc1), [span("s-1", 0, 7)])
    response = export(browser("managerM"), world.p1, format="jsonl", layer="coderA")
    rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert rows[0]["text"][slice(*rows[0]["spans"][0][:2])] == "Ukraine"
    assert {row["layer"] for row in rows} == {"coderA"}


@pytest.mark.parametrize("fmt", ["csv", "conll", "brat", "hf", "jsonl"])
def test_folder_formats_come_zipped_and_ids_never_become_paths(browser, world, fmt,
                                                               uploads_dir, tmp_path):
    source = tmp_path / "evil.jsonl"
    source.write_text(json.dumps({"id": "../../etc/passwd", "text": "Root of it.",
                                  "meta": {"source_path": "../../../../etc/passwd"}}) + "\n")
    import_files(db.session.get(Project, world.p1), [source], "jsonl")
    db.session.commit()
    response = export(browser("managerM"), world.p1, format=fmt, layer="all",
                      split="80/10/10" if fmt == "jsonl" else "")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == "application/zip"
    assert DOWNLOAD_NAME.fullmatch(response.headers["Content-Disposition"])
    names = zipfile.ZipFile(io.BytesIO(response.get_data())).namelist()
    assert "card.json" in names
    assert not [n for n in names if n.startswith("/") or ".." in n.split("/")]
    response.close()
    assert list(uploads_dir.iterdir()) == []


def test_missing_optional_library_and_bad_split_are_explained_on_the_form(
        browser, world, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "spacy" else real(name, *a))
    manager = browser("managerM")
    response = export(manager, world.p1, format="spacy")
    assert response.status_code == 422
    assert "pip install &#39;annotator[spacy]&#39;" in response.get_data(as_text=True)
    bad = export(manager, world.p1, format="csv", split="90/20/10")
    assert bad.status_code == 422
    assert "three percentages that add up to 100" in bad.get_data(as_text=True)
    odd = export(manager, world.p1, format="csv", split="a/b")
    assert odd.status_code == 200 and "three whole percentages" in odd.get_data(as_text=True)
