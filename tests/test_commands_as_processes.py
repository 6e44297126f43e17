"""Every console command in the README, run the way a user runs it: a separate process.

The servers (`serve`, `demo`) listen on a free port of 127.0.0.1 and must answer the sign-in page
and, once signed in, an API call. The database is a SQLite file, or a scratch PostgreSQL database
of its own when ANNOTATOR_TEST_DATABASE_URL is set.
"""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import scratch_postgres_database

POSTGRES_URL = os.environ.get("ANNOTATOR_TEST_DATABASE_URL")
ANNOTATOR = Path(sys.executable).parent / "annotator"
PROJECT = "Prisoner exchanges"


@pytest.fixture
def database(tmp_path):
    """A database URL of the test's own: a SQLite file, or a scratch PostgreSQL database."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'annotator.sqlite'}"
        return
    with scratch_postgres_database(POSTGRES_URL, "annotator_cli") as url:
        yield url


@pytest.fixture
def environment(tmp_path, database):
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANNOTATOR_")}
    env["ANNOTATOR_INSTANCE_PATH"] = str(tmp_path / "instance")
    env["ANNOTATOR_DATABASE_URL"] = database
    return env


def run(env, *args: str, stdin: str = "", expect: int = 0) -> subprocess.CompletedProcess:
    """Run `annotator ARGS` as a process; fail with its output unless it exits with `expect`."""
    done = subprocess.run([str(ANNOTATOR), *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == expect, (
        f"annotator {' '.join(args)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """A cookie-keeping HTTP client that signs in through the real sign-in form."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, username: str, password: str) -> str:
        status, page = self.get("/auth/login")
        assert status == 200 and "Sign in" in page
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrf_token": token, "username": username,
                                       "password": password}).encode()
        with self.opener.open(self.base + "/auth/login", data=form, timeout=30) as response:
            return response.read().decode()  # the page it redirects to


class Server:
    """`annotator ARGS --port P` as a process, stopped (and its output kept) at the end."""

    def __init__(self, env, *args: str):
        self.port = free_port()
        self.process = subprocess.Popen(
            [str(ANNOTATOR), *args, "--host", "127.0.0.1", "--port", str(self.port)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited {self.process.returncode}:\n"
                            + self.process.stdout.read())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        pytest.fail("the server did not listen within 60 s")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.output = self.process.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.output = self.process.communicate()[0]


def api_status(url: str, token: str) -> int:
    """Answer status of a GET with `Authorization: Bearer TOKEN` (no session, no CSRF token)."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def first_project_id(page: str) -> int:
    return int(re.search(r'href="/projects/(\d+)"', page).group(1))


def test_the_readmes_typical_project_runs_command_by_command(tmp_path, environment):
    env = environment
    articles = tmp_path / "articles.jsonl"
    articles.write_text("".join(json.dumps(article, ensure_ascii=False) + "\n" for article in [
        {"id": "swap-1", "title": "Swap",
         "text": "Ukraine and Russia exchanged prisoners, Kyiv said 👍🏽.\n\nMoscow confirmed it."},
        {"id": "bodies-2", "text": "Russia returned the bodies of 😢 soldiers, officials said."},
    ]), encoding="utf-8")

    run(env, "init-db")
    run(env, "init-db")  # a second run upgrades nothing and still succeeds
    run(env, "create-user", "alice", "--admin", "--password-stdin", stdin="alice-password\n")
    for coder in ("bob", "carol"):
        run(env, "create-user", coder, "--password-stdin", stdin=f"{coder}-password\n")
    run(env, "create-project", PROJECT)
    run(env, "add-member", PROJECT, "alice", "--role", "manager")
    for coder in ("bob", "carol"):
        run(env, "add-member", PROJECT, coder, "--role", "coder")
    assert "2" in run(env, "import", PROJECT, str(articles)).stdout
    run(env, "assign", PROJECT, "--coders", "bob,carol", "--overlap", "2", "--seed", "1")
    coded = tmp_path / "coded.jsonl"
    paragraph = "Zelensky said 🇺🇦 the swap was fair."
    coded.write_text(json.dumps({
        "id": "quote-3", "layer": "bob",
        "paragraphs": [{"index": 0, "text": paragraph, "boilerplate": False}],
        "spans": [{"id": "s1", "paragraph": 0, "start": 0, "end": 8, "text": "Zelensky",
                   "label": "SOURCE", "attrs": {}},
                  {"id": "s2", "paragraph": 0, "start": 9, "end": 13, "text": "said",
                   "label": "CUE", "attrs": {}}],
        "events": [], "attributions": []}, ensure_ascii=False) + "\n", encoding="utf-8")
    run(env, "import", PROJECT, str(coded), "--format", "native")
    run(env, "suggest", PROJECT)
    run(env, "suggestion-stats", PROJECT)
    scores = json.loads(run(env, "score-suggestions", PROJECT, "--layer", "bob", "--json").stdout)
    assert scores
    run(env, "agreement", PROJECT, "--json")
    run(env, "check")

    native = tmp_path / "export.jsonl"
    run(env, "export", PROJECT, "--format", "native", "--out", str(native))
    records = [json.loads(line) for line in native.read_text(encoding="utf-8").splitlines()]
    assert sorted({record["id"] for record in records}) == ["bodies-2", "quote-3", "swap-1"]
    assert "👍🏽" in records[[r["id"] for r in records].index("swap-1")]["paragraphs"][0]["text"]

    token = run(env, "create-token", "bob", "--name", "script").stdout.strip()
    assert "script" in run(env, "list-tokens", "bob").stdout
    with Server(env, "serve") as server:
        browser = Browser(server.base)
        home = browser.sign_in("bob", "bob-password")
        assert PROJECT in home
        actors = f"/api/projects/{first_project_id(home)}/actors"
        status, body = browser.get(actors)
        assert status == 200, body
        assert isinstance(json.loads(body), (list, dict))
        assert api_status(server.base + actors, token) == 200

        token_id = run(env, "list-tokens", "bob").stdout.splitlines()[1].split()[0]
        run(env, "revoke-token", token_id)
        assert api_status(server.base + actors, token) == 401
        run(env, "set-password", "carol", "--password-stdin", stdin="carol-new-password\n")
        run(env, "deactivate-user", "carol")
        assert PROJECT not in Browser(server.base).sign_in("carol", "carol-new-password")
        run(env, "activate-user", "carol")
        assert PROJECT in Browser(server.base).sign_in("carol", "carol-new-password")
        run(env, "remove-member", PROJECT, "carol")
        assert PROJECT not in Browser(server.base).sign_in("carol", "carol-new-password")

    if not POSTGRES_URL:  # backup copies a SQLite file; for PostgreSQL it prints pg_dump's call
        backup = tmp_path / "backup.sqlite"
        run(env, "backup", str(backup))
        assert backup.stat().st_size > 0


def test_serve_answers_the_sign_in_page_on_a_fresh_database(environment):
    run(environment, "init-db")
    with Server(environment, "serve") as server:
        status, page = Browser(server.base).get("/auth/login")
    assert status == 200
    assert 'name="password"' in page


def test_demo_serves_its_project_to_a_demo_coder(environment):
    with Server(environment, "demo") as server:
        browser = Browser(server.base)
        home = browser.sign_in("coder1", demo_password("coder1"))
        status, body = browser.get(f"/api/projects/{first_project_id(home)}/actors")
    assert status == 200, body
    assert "coder1" in server.output  # the logins were printed for the user


def demo_password(name: str) -> str:
    from annotator.demo import DEMO_USERS

    return next(password for user, password, _role in DEMO_USERS if user == name)


def test_export_refuses_an_unknown_layer_and_lists_the_layers_there_are(environment):
    env = environment
    run(env, "init-db")
    run(env, "create-user", "bob", "--password-stdin", stdin="bob-password\n")
    run(env, "create-project", PROJECT)
    run(env, "add-member", PROJECT, "bob", "--role", "coder")
    for layer in ("nosuchuser", "majority"):
        done = run(env, "export", PROJECT, "--format", "jsonl", "--layer", layer,
                   "--out", "/dev/null", expect=1)
        message = done.stderr.strip().splitlines()
        assert len(message) == 1 and "Traceback" not in done.stderr
        assert f"no layer '{layer}'" in message[0]
        assert message[0].endswith("choose one of all, gold, coders, bob")


def test_a_command_that_fails_says_why_in_one_line(environment):
    run(environment, "init-db")
    done = run(environment, "export", "No such project", "--format", "native", expect=1)
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
