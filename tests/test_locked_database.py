"""SQLite's write lock: an import holds it only to insert; held past the busy timeout, 503."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import json
import sqlite3

import pytest
from sqlalchemy import event

from annotator.cli import main
from annotator.extensions import db
from annotator.formats import articles_jsonl
from annotator.models import Document, Span
from annotator.services.intake import articles as importing
from tests.helpers import make_project
from tests.test_api import count, own_layer, save, span
from tests.test_data_web import ARTICLE, upload
from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)


class WriteLock:
    """SQLite's write lock, taken and held by another connection, as a long import does."""

    def __init__(self, path: str):
        self.other = sqlite3.connect(path, isolation_level=None)

    def hold(self) -> None:
        self.other.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self.other.in_transaction:
            self.other.execute("ROLLBACK")


@pytest.fixture
def write_lock(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")

    # Give up after 0.2 s rather than the configured 10 s, so the tests do not wait long.
    def short_busy_timeout(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA busy_timeout=200")

    event.listen(db.engine, "connect", short_busy_timeout)
    db.session.remove()
    db.engine.dispose()  # connections made from now on get the short timeout
    lock = WriteLock(db.engine.url.database)
    yield lock
    lock.release()
    lock.other.close()
    event.remove(db.engine, "connect", short_busy_timeout)


def test_save_while_the_database_is_locked_gets_503_with_retry_after_and_stores_nothing(
        browser, world, write_lock):
    coder = browser("coderA")
    layer = own_layer(coder, world.doc1)
    write_lock.hold()
    response = save(coder, layer, [span("s1", 0, 7)])
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert body["error"] == "busy" and "try again" in body["message"]
    write_lock.release()
    assert count(Span) == 0


def test_the_same_save_sent_again_once_the_lock_is_gone_is_stored_once(
        browser, world, write_lock):
    coder = browser("coderA")
    layer = own_layer(coder, world.doc1)
    write_lock.hold()
    assert save(coder, layer, [span("s1", 0, 7)]).status_code == 503
    write_lock.release()
    # What the page's save queue does with a 503: keep the change and send it again.
    response = save(coder, layer, [span("s1", 0, 7)])
    assert response.status_code == 200, response.get_json()
    assert count(Span) == 1


def test_page_form_while_the_database_is_locked_gets_a_503_page_with_retry_after(
        browser, world, write_lock):
    manager = browser("managerM")
    write_lock.hold()
    response = upload(manager, world.p1, [(ARTICLE % "j1", "articles.jsonl")])
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert int(response.headers["Retry-After"]) > 0
    assert "database is busy" in response.get_data(as_text=True)
    write_lock.release()
    assert count(Document) == 3


@pytest.fixture
def saves(app, monkeypatch) -> list[str]:
    """Have a coder save (take the write lock) at each article the import reads; return the ids
    of the articles read. A save fails with "database is locked" if the import holds it."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    read = []

    class Reader:
        @staticmethod
        def read(path):
            coder = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
            for record in articles_jsonl.read(path):
                coder.execute("BEGIN IMMEDIATE")
                coder.execute("ROLLBACK")
                read.append(record["id"])
                yield record
            coder.close()

    monkeypatch.setitem(importing.READERS, "jsonl", Reader)
    return read


def test_import_command_reads_its_files_without_holding_the_write_lock(
        runner, app, tmp_path, saves):
    make_project("P")
    db.session.commit()
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": "x"}) + "\n" for i in range(3)))
    result = runner.invoke(main, ["import", "P", str(path)])
    assert result.exit_code == 0, result.output
    assert saves == ["d0", "d1", "d2"]
    assert count(Document) == 3


def test_import_page_reads_its_files_without_holding_the_write_lock(browser, world, saves):
    response = upload(browser("managerM"), world.p1, [(ARTICLE % "j1", "a.jsonl")])
    assert response.status_code == 302, response.get_data(as_text=True)
    assert saves == ["j1"] and count(Document) == 4
