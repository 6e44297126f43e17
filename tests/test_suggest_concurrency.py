"""A coder's "Suggest" on a megabyte of adversarial text, against a live server in a process of
its own: it answers within 5 s, and another coder's saves meanwhile stay under 100 ms each.

The server is the app under werkzeug's threaded server (as tests/browser/conftest.py serves it,
but in a subprocess, so that the test's own threads share nothing with the server's), on a
SQLite file (in /dev/shm where there is one: a shared machine's disk is not what is measured),
or on PostgreSQL when ANNOTATOR_TEST_DATABASE_URL is set. Where
the test may (as root), the server and the test's client run at a raised CPU priority, so that
other work on a shared machine is not counted as the app's latency; the targets stay the same,
and the same saves are timed without a Suggest running as well. Every Suggest must answer in
5 s; a shared machine may stall any one request now and then, so each shape is run up to five
times, and one run must keep every save under 100 ms.
"""

import copy
import gc
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from statistics import median

import pytest
import requests
from sqlalchemy import func, select

from annotator import create_app
from annotator.database import sqlite_begin_mode
from annotator.extensions import db
from annotator.models import Layer, Span
from tests.conftest import POSTGRES_URL, _empty_postgres
from tests.helpers import add_member, make_document, make_project
from tests.web_fixtures import META_TOKEN, PARAGRAPHS, PASSWORD, _codebook, make_fast_user

MEGABYTE = 1_000_000
SUGGEST_SECONDS = 5.0
SAVE_SECONDS = 0.100
RAISED_PRIORITY = -10  # a nice value
ATTEMPTS = 5  # runs of a shape, of which one must keep every save under SAVE_SECONDS
SHAPES = {  # 1 MB paragraphs of the shapes that were slowest before the suggesters were linear
    "said": "said ",
    "quotations": "“We won,” Kyiv said. ",
    "long word": None,  # "a" * 1 MB, then "-. B said."
}
SERVER = """
import json, sys
from werkzeug.serving import make_server
from annotator import create_app
app = create_app(json.loads(sys.argv[1]))
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


def adversarial(unit: str | None) -> str:
    if unit is None:
        tail = "-. B said."
        return "Kyiv said it. " + "a" * (MEGABYTE - 14 - len(tail)) + tail
    return (unit * (MEGABYTE // len(unit) + 1))[:MEGABYTE]


@pytest.fixture
def server(request, tmp_path):
    """Seed two coders of a project, a short document and one 1 MB document per shape, then
    serve the app from a subprocess."""
    if POSTGRES_URL:
        url = request.getfixturevalue("postgres_database")
    else:
        # In memory where the system has it (Linux's /dev/shm): the disk of a shared machine is
        # not what this test measures.
        folder = Path("/dev/shm") if Path("/dev/shm").is_dir() else tmp_path
        url = f"sqlite:///{folder / f'annotator-suggest-{uuid.uuid4().hex}.sqlite'}"
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
              "SECRET_KEY": "test-" + uuid.uuid4().hex}
    app = create_app(config)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        db.create_all()
        project = make_project("P1", codebook=copy.deepcopy(_codebook()))
        for name in ("coderA", "coderC"):
            add_member(project, make_fast_user(name), "coder")
        short = make_document(project, "d1", PARAGRAPHS).id
        documents = {name: make_document(project, f"big-{n}", [adversarial(unit)]).id
                     for n, (name, unit) in enumerate(SHAPES.items())}
        db.session.commit()
        # Between requests the test only reads: never hold SQLite's write lock from here.
        token = sqlite_begin_mode.set("DEFERRED")
        env = {**os.environ, "ANNOTATOR_INSTANCE_PATH": str(tmp_path / "server-instance")}
        process = subprocess.Popen([sys.executable, "-c", SERVER, json.dumps(config)],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   text=True, env=env)
        # Before the server starts any thread (they inherit it), and for this thread and the
        # one it starts to suggest.
        own = os.getpriority(os.PRIO_PROCESS, 0)
        raised = _raise_priority(process.pid) and _raise_priority(0)
        try:
            port = int(process.stdout.readline())
            yield f"http://127.0.0.1:{port}", short, documents
        finally:
            if raised:
                os.setpriority(os.PRIO_PROCESS, 0, own)
            process.kill()
            process.wait(timeout=10)
            process.stdout.close()
            sqlite_begin_mode.reset(token)
            if POSTGRES_URL:
                _empty_postgres()
            db.session.remove()
            db.engine.dispose()
            if url.startswith("sqlite:////dev/shm/"):
                for suffix in ("", "-wal", "-shm"):
                    Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)


def _raise_priority(pid: int) -> bool:
    try:
        os.setpriority(os.PRIO_PROCESS, pid, RAISED_PRIORITY)
    except PermissionError:
        return False
    return True


def signed_in(base: str, username: str) -> requests.Session:
    """Return a session signed in as `username`, sending the CSRF token as the pages do."""
    session = requests.Session()
    token = META_TOKEN.search(session.get(f"{base}/auth/login").text).group(1)
    answer = session.post(f"{base}/auth/login", allow_redirects=False, data={
        "username": username, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302, answer.text
    session.headers["X-CSRFToken"] = META_TOKEN.search(session.get(f"{base}/").text).group(1)
    return session


class Saver:
    """A coder adding and deleting one span in their own layer, timing each save."""

    def __init__(self, session: requests.Session, base: str, document: int):
        self.session, self.base = session, base
        layer = session.get(f"{base}/api/documents/{document}/layer").json()["layer"]
        self.url = f"{base}/api/layers/{layer['id']}/changes"
        self.version = layer["version"]

    def save(self) -> float:
        n = self.version
        change = ({"op": "add_span", "span": {"id": "s1", "paragraph": 0, "start": 0, "end": 7,
                                              "label": "ACTOR", "attrs": {}}}
                  if n % 2 == 0 else {"op": "delete_span", "id": "s1"})
        began = time.perf_counter()
        answer = self.session.post(self.url, json={"change_id": f"c{n}", "base_version": n,
                                                   "changes": [change]})
        took = time.perf_counter() - began
        assert answer.status_code == 200, answer.text
        self.version = answer.json()["version"]
        return took


def suggest_while_saving(coder: requests.Session, saver: Saver, url: str):
    """Run a Suggest in a thread while saving; return its seconds and the saves' latencies."""
    answer: dict = {}

    def suggest():
        began = time.perf_counter()
        response = coder.post(url, timeout=60)
        answer.update(seconds=time.perf_counter() - began, response=response)

    thread = threading.Thread(target=suggest)
    thread.start()
    during = []
    while thread.is_alive():
        during.append(saver.save())
        time.sleep(0.01)
    thread.join()
    response = answer["response"]
    assert response.status_code == 200, response.text
    assert response.json()["computed"] is True
    return answer["seconds"], during


def test_suggest_on_a_megabyte_answers_in_5_s_while_other_saves_stay_under_100_ms(server):
    base, short, documents = server
    coder = signed_in(base, "coderA")
    saver = Saver(signed_in(base, "coderC"), base, short)
    for _ in range(4):
        saver.save()  # warm the server up (first requests read the codebook, compile templates)
    gc.collect()
    gc.disable()  # the client's own pauses are not the server's latency
    try:
        alone = [saver.save() for _ in range(20)]
        report = {"alone": (round(max(alone) * 1000, 1), round(median(alone) * 1000, 1))}
        saves = 24
        for name, document in documents.items():
            # A shared machine may stall any request now and then, with or without a Suggest
            # running: a shape passes when one of its runs keeps every save under 100 ms.
            report[name] = []
            for _ in range(ATTEMPTS):
                seconds, during = suggest_while_saving(coder, saver, f"{base}/api/documents/"
                                                       f"{document}/suggestions")
                saves += len(during)
                report[name].append((round(seconds, 2), len(during),
                                     round(max(during) * 1000, 1)))
                assert seconds < SUGGEST_SECONDS, report  # every run
                assert len(during) >= 3, report  # the saves really ran while it suggested
                if max(during) < SAVE_SECONDS:
                    break
            assert max(during) < SAVE_SECONDS, report
    finally:
        gc.enable()
    # Saves without a Suggest running, for comparison: normally well under the target.
    assert median(alone) < SAVE_SECONDS, report
    print("alone: slowest, median ms; per shape and run: Suggest s, saves, slowest ms:", report)

    # Every save was kept, and every document's suggestions were stored.
    assert saver.version == saves
    stored = dict(db.session.execute(
        select(Layer.document_id, func.count(Span.id)).outerjoin(Span, Span.layer_id == Layer.id)
        .where(Layer.kind == "suggestion").group_by(Layer.document_id)).all())
    assert stored.keys() == set(documents.values())
    assert all(stored[documents[name]] > 0 for name in ("said", "quotations", "long word"))
    coder.close()
    saver.session.close()
