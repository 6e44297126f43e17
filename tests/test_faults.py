"""Faults: a process killed mid-write leaves the database as it was, and no save is lost silently.

A session that expires while a coder has unsaved changes is tested in a real browser:
tests/browser/test_annotate.py::test_expired_session_keeps_the_change_until_the_coder_signs_in_again
(the page keeps the change, asks to sign in again, then saves it). The test here checks the
server's half of that: a save without a session is refused and stores nothing, and the same batch
sent again after signing in is applied once.
"""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator import create_app
from annotator.extensions import db
from annotator.models import AuditEntry, Layer, User
from annotator.services.maintenance import check_database
from tests.helpers import add_member, make_document, make_project
from tests.test_api import own_layer, save, span
from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[1]
CLI = "import sys; from annotator.cli import main; sys.exit(main())"
SAVE_THEN_DIE = """
import os, signal, sys
from annotator import create_app
from annotator.extensions import db
from annotator.models import Layer, User
from annotator.layers import editor
from annotator.services import annotating

apply = editor.LayerEditor.apply

def apply_then_die(self, index, change):
    apply(self, index, change)
    if index == 1:  # two changes written to the database, none committed
        os.kill(os.getpid(), signal.SIGKILL)

editor.LayerEditor.apply = apply_then_die
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "k" * 64})
with app.app_context():
    layer = db.session.get(Layer, int(sys.argv[2]))
    spans = [{"op": "add_span", "span": {"id": f"s{i}", "paragraph": 0, "start": i,
                                         "end": i + 3, "label": "ACTOR"}} for i in range(3)]
    annotating.apply_changes(layer, db.session.get(User, layer.user_id),
                             {"change_id": "c", "base_version": 0, "changes": spans})
    db.session.commit()
"""


def _environment(tmp_path: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "ANNOTATOR_INSTANCE_PATH":
            str(tmp_path / "instance"), "ANNOTATOR_DATABASE_URL": ""}


def _database(tmp_path: Path) -> tuple[Path, str, int]:
    """Create a SQLite file with project P, a coder and a document; return it and a layer id."""
    path = tmp_path / "faults.sqlite"
    url = f"sqlite:///{path}"
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                        "SECRET_KEY": "k" * 64, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1"})
    with other.app_context():
        db.create_all()
        project = make_project("P")
        user = User(username="coder", password_hash="x")
        db.session.add(user)
        db.session.flush()
        add_member(project, user)
        document = make_document(project, "d", ["Kyiv and Moscow exchanged prisoners."])
        layer = Layer(document_id=document.id, kind="coder", user_id=user.id, version=0)
        db.session.add(layer)
        db.session.commit()
        layer_id = layer.id
        db.session.remove()
        db.engine.dispose()
    return path, url, layer_id


def _rows(path: Path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _integrity(path: Path) -> list:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchall()


def test_import_killed_mid_way_leaves_no_document_and_a_sound_database(tmp_path):
    path, url, _ = _database(tmp_path)
    before = _rows(path, "documents")
    source = tmp_path / "big.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for i in range(2000):
            paragraphs = [f"Paragraph {j} of article {i}: talks went on." for j in range(25)]
            handle.write(json.dumps({"id": f"a{i}", "paragraphs": paragraphs}) + "\n")
    process = subprocess.Popen(
        [sys.executable, "-c", CLI, "--db", url, "import", "P", str(source)],
        env=_environment(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wal = Path(f"{path}-wal")
    deadline = time.monotonic() + 180
    # Rows go to the write-ahead log as batches are inserted, long before the one commit at the
    # end: once it has grown, the import is well under way.
    while not wal.exists() or wal.stat().st_size < 500_000:
        if process.poll() is not None:
            pytest.fail(f"the import ended before it was killed: {process.stderr.read()!r}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the import did not get going within three minutes")
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert _integrity(path) == [("ok",)]
    assert (_rows(path, "documents"), _rows(path, "paragraphs")) == (before, 1)
    restarted = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                            "SECRET_KEY": "k" * 64})
    with restarted.app_context():
        assert check_database() == []  # what `annotator check` runs
        db.session.remove()
        db.engine.dispose()


def test_save_killed_between_two_changes_stores_none_of_the_batch(tmp_path):
    path, url, layer_id = _database(tmp_path)
    process = subprocess.run([sys.executable, "-c", SAVE_THEN_DIE, url, str(layer_id)],
                             env=_environment(tmp_path), capture_output=True, timeout=120)
    assert process.returncode == -signal.SIGKILL, process.stderr
    assert _integrity(path) == [("ok",)]
    assert (_rows(path, "spans"), _rows(path, "audit_log")) == (0, 0)
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version FROM layers").fetchone() == (0,)


def test_two_saves_of_one_layer_at_once_one_wins_and_the_other_reapplies(app, browser, world):
    first, second = browser("coderA"), browser("coderA")  # one coder, two browser tabs
    layer = own_layer(first, world.doc1)
    start = threading.Barrier(2)
    answers = {}

    def send(name, b, change):
        with app.app_context():
            start.wait()
            answers[name] = save(b, layer, [change], change_id=f"c-{name}")

    threads = [threading.Thread(target=send, args=("first", first, span("ukr", 0, 7))),
               threading.Thread(target=send, args=("second", second, span("rus", 12, 18)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(answer.status_code for answer in answers.values())
    assert statuses == [200, 409]
    loser = next(name for name, answer in answers.items() if answer.status_code == 409)
    conflict = answers[loser].get_json()
    assert conflict["error"] == "stale_version" and len(conflict["current"]["spans"]) == 1
    # The losing tab re-applies its change on top of what the server now holds.
    change = span("ukr", 0, 7) if loser == "first" else span("rus", 12, 18)
    again = save(first if loser == "first" else second, conflict["current"], [change],
                 change_id=f"c-{loser}-2")
    assert again.status_code == 200
    final = own_layer(first, world.doc1)
    assert sorted(s["text"] for s in final["spans"]) == ["Russia", "Ukraine"]
    assert final["layer"]["version"] == 2


def test_stale_gold_save_from_a_second_reviewer_is_refused_until_reapplied(
        app, browser, world):
    first = browser("reviewerR")
    second = browser("managerM")
    gold = first.get(f"/api/documents/{world.doc1}/layer?layer=gold").get_json()
    assert save(first, gold, [span("g1", 0, 7)], change_id="g-1").status_code == 200
    stale = save(second, gold, [span("g2", 12, 18)], change_id="g-2")
    assert stale.status_code == 409
    assert save(second, stale.get_json()["current"], [span("g2", 12, 18)],
                change_id="g-3").status_code == 200
    final = first.get(f"/api/documents/{world.doc1}/layer?layer=gold").get_json()
    assert sorted(s["id"] for s in final["spans"]) == ["g1", "g2"]


def test_save_after_the_session_expired_is_refused_then_applied_once_after_signing_in(
        browser, world):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    b.client.delete_cookie("session")  # the session expires while the page is open
    expired = save(b, layer, [span("ukr", 0, 7)], change_id="c-late")
    assert expired.status_code in (400, 401)  # no session: no CSRF token, or not signed in
    assert expired.get_json()["error"] in ("csrf", "unauthorized")
    assert b.login("coderA").status_code == 302
    for _ in range(2):  # the page sends the kept batch; a retry of it is applied once
        assert save(b, layer, [span("ukr", 0, 7)], change_id="c-late").status_code == 200
    final = own_layer(b, world.doc1)
    assert [s["text"] for s in final["spans"]] == ["Ukraine"] and final["layer"]["version"] == 1
    db.session.rollback()
    assert db.session.execute(select(AuditEntry.user_id)).scalars().all() == [
        world.users["coderA"]]
