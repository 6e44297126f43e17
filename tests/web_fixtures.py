"""Fixtures for the web tests: a seeded world of users and projects, and signed-in browsers.

Import the fixtures into a test module: `from tests.web_fixtures import browser, world`.
CSRF stays on: browsers read the token from the page's `<meta name="csrf-token">`, as the
pages' JavaScript does.
"""

import copy
import re
from dataclasses import dataclass
from functools import cache

import pytest
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from annotator.codebook import default_codebook
from annotator.extensions import db
from annotator.models import User
from tests.helpers import add_member, make_document, make_project

PASSWORD = "correct horse battery"
META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
PARAGRAPHS = [
    "Ukraine and Russia exchanged prisoners of war, officials said.",
    "Kyiv 😀 said: café e\u0301te 👩\u200d❤\ufe0f\u200d👩 and 🇫🇷 agreed.",
]


# One cheap hash for every seeded user: the default (scrypt) takes ~0.4 s per hash and check.
FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


@cache
def _codebook() -> dict:
    return default_codebook()  # parsing the YAML takes longer than the rest of the set-up


def make_fast_user(name: str, admin: bool = False) -> User:
    user = User(username=name, is_admin=admin, password_hash=FAST_HASH)
    db.session.add(user)
    db.session.flush()
    return user


@dataclass
class World:
    p1: int
    p2: int
    doc1: int
    doc2: int
    doc_p2: int
    users: dict[str, int]


@pytest.fixture
def world(app) -> World:
    """Seed P1 (coderA, coderC, reviewerR, managerM) and P2 (coderB), plus site admin."""
    p1 = make_project("P1", codebook=copy.deepcopy(_codebook()))
    p2 = make_project("P2", codebook=copy.deepcopy(_codebook()))
    users = {name: make_fast_user(name) for name in
             ("coderA", "coderB", "coderC", "reviewerR", "managerM")}
    users["admin"] = make_fast_user("admin", admin=True)
    for name, project, role in (("coderA", p1, "coder"), ("coderC", p1, "coder"),
                                ("reviewerR", p1, "reviewer"), ("managerM", p1, "manager"),
                                ("coderB", p2, "coder")):
        add_member(project, users[name], role)
    doc1 = make_document(p1, "d1", PARAGRAPHS, title="Prisoner exchange")
    doc2 = make_document(p1, "d2", ["A second document.", "It has two paragraphs."])
    doc_p2 = make_document(p2, "b1", ["Another project's text.", "b", "c", "d"])
    db.session.commit()
    return World(p1.id, p2.id, doc1.id, doc2.id, doc_p2.id,
                 {name: user.id for name, user in users.items()})


class Browser:
    """A signed-in (or anonymous) test client that sends the CSRF token like the pages do."""

    def __init__(self, client: FlaskClient):
        self.client = client
        self.token: str | None = None

    def refresh_token(self, url: str = "/auth/login") -> str:
        page = self.client.get(url)
        found = META_TOKEN.search(page.get_data(as_text=True))
        assert found, f"no CSRF meta tag on {url}"
        self.token = found.group(1)
        return self.token

    def login(self, username: str, password: str = PASSWORD, next_url: str | None = None):
        self.refresh_token()
        url = "/auth/login" + (f"?next={next_url}" if next_url is not None else "")
        response = self.client.post(url, data={"username": username, "password": password,
                                               "csrf_token": self.token})
        if response.status_code == 302:
            self.refresh_token("/")  # signing in starts a new session with a new token
        return response

    def headers(self, csrf: bool) -> dict:
        return {"X-CSRFToken": self.token} if csrf and self.token else {}

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url: str, payload=None, csrf: bool = True, **kwargs):
        return self.client.post(url, json=payload, headers=self.headers(csrf), **kwargs)

    def delete(self, url: str, csrf: bool = True):
        return self.client.delete(url, headers=self.headers(csrf))


@pytest.fixture
def browser(app, world):
    """Return a factory of browsers: browser("coderA") is signed in, browser() is anonymous."""

    def make(username: str | None = None) -> Browser:
        result = Browser(app.test_client())
        if username is None:
            result.refresh_token()
        else:
            assert result.login(username).status_code == 302
        return result

    return make
