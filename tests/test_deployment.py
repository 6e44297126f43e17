"""The team deployment of docs/deployment.md: gunicorn's threaded workers keep answering while
slow clients hold connections, and a Redis store makes every worker count sign-in attempts
together (the test runs where a Redis server listens on 127.0.0.1:6379, and skips elsewhere)."""

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.request import urlopen

import pytest

from annotator.extensions import db

BIN = Path(sys.executable).parent
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_listening() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=0.5):
            return True
    except OSError:
        return False


WORKER = """
import json, sys
from annotator import create_app
config, count = json.loads(sys.argv[1]), int(sys.argv[2])
client = create_app(config).test_client()
form = {"username": "nobody", "password": "wrong"}
print(json.dumps([client.post("/auth/login", data=form).status_code for _ in range(count)]))
"""


def _worker_attempts(database_url: str, storage: str, prefix: str, count: int) -> list[int]:
    """Send `count` wrong sign-ins through a worker of its own (a separate process, as gunicorn
    runs them) on the shared database and limit store; return the statuses."""
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
              "SECRET_KEY": "shared-" + prefix, "WTF_CSRF_ENABLED": False,
              "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": storage,
              "RATELIMIT_KEY_PREFIX": prefix, "LOGIN_RATE_LIMIT": "3 per minute"}
    done = subprocess.run([sys.executable, "-c", WORKER, json.dumps(config), str(count)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_workers_count_sign_in_attempts_together_in_redis(app, database_url, tmp_path):
    if not _redis_listening():
        pytest.skip(f"no Redis server on {REDIS_HOST}:{REDIS_PORT}")
    redis = pytest.importorskip("redis")
    prefix = f"annotator-test-{uuid.uuid4().hex}"
    url = f"redis://{REDIS_HOST}:{REDIS_PORT}"
    db.session.commit()  # the workers read the same database
    try:
        # Each worker alone is within the limit of 3: only a shared count refuses the fourth.
        assert _worker_attempts(database_url, url, prefix, 2) == [200, 200]
        assert _worker_attempts(database_url, url, prefix, 2) == [200, 429]
    finally:
        store = redis.Redis(host=REDIS_HOST, port=REDIS_PORT)
        keys = list(store.scan_iter(f"*{prefix}*"))
        if keys:
            store.delete(*keys)
        store.close()


def test_threaded_workers_answer_while_slow_clients_hold_connections(tmp_path):
    """Four connections that send half a request stalled four sync workers for 20 s; the
    documented gthread workers (here 2 workers of 8 threads) answer meanwhile."""
    gunicorn = BIN / "gunicorn"
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed (pip install '.[team]')")
    port = _free_port()
    env = {**os.environ,
           "ANNOTATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'team.sqlite'}",
           "ANNOTATOR_INSTANCE_PATH": str(tmp_path / "instance"),
           "ANNOTATOR_SECRET_KEY": uuid.uuid4().hex * 2}
    env.pop("ANNOTATOR_TEST_DATABASE_URL", None)
    subprocess.run([str(BIN / "annotator"), "init-db"], env=env, check=True,
                   capture_output=True, timeout=120)
    server = subprocess.Popen(
        [str(gunicorn), "-k", "gthread", "-w", "2", "--threads", "8", "-b", f"127.0.0.1:{port}",
         "--timeout", "60", "annotator:create_app()"],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/auth/login"
    slow = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urlopen(url, timeout=5) as response:
                    assert response.status == 200
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        for _ in range(4):
            connection = socket.create_connection(("127.0.0.1", port))
            connection.sendall(b"GET /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(connection)
        time.sleep(0.5)  # let the workers take the slow connections first
        for _ in range(8):
            started = time.monotonic()
            with urlopen(url, timeout=10) as response:
                assert response.status == 200
            assert time.monotonic() - started < 2.0
    finally:
        for connection in slow:
            connection.close()
        server.terminate()
        server.wait(timeout=30)
