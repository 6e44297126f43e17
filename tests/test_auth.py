"""Sign-in and sign-out: generic errors, safe redirects, fresh sessions, throttling, pages."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import re
import uuid
from pathlib import Path

import pytest

from annotator import create_app
from annotator.extensions import db
from annotator.models import User
from tests.web_fixtures import PASSWORD, Browser, browser, make_fast_user, world  # noqa: F401

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def session_data(client, app) -> dict:
    cookie = client.get_cookie("session")
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(cookie.value) if cookie else {}


def test_login_page_has_the_form_fields_and_csrf_token(browser, world):
    page = browser().get("/auth/login").get_data(as_text=True)
    for name in ("username", "password", "csrf_token"):
        assert f'name="{name}"' in page
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', page)


def test_signing_in_goes_home_with_a_fresh_session(browser, world, app):
    b = browser()
    before = session_data(b.client, app)
    response = b.login("coderA")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    after = session_data(b.client, app)
    assert after["_user_id"].startswith(f"{world.users['coderA']}:")
    assert after.get("csrf_token") != before["csrf_token"]
    assert b.get("/").status_code == 200


@pytest.mark.parametrize(("username", "password"),
                         [("coderA", "wrong"), ("nobody", PASSWORD), ("inactive", PASSWORD),
                          ("a\x00b", PASSWORD), ("CODERA", PASSWORD)])
def test_failed_sign_in_gives_one_generic_answer(browser, world, username, password):
    make_fast_user("inactive").active = False
    db.session.commit()
    b = browser()
    response = b.login(username, password)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if "\x00" not in username:
        assert "Invalid username or password" in page
    assert "_user_id" not in session_data(b.client, b.client.application)


@pytest.mark.parametrize(
    "target",
    ["https://evil.example", "//evil.example", "/\\evil.example", "%2F%2Fevil.example",
     "javascript:alert(1)", "https:evil.example", "/%09/evil.example", "///evil.example",
     "http://localhost/", ""],
)
def test_open_redirect_attempts_after_sign_in_go_home(browser, world, target):
    response = browser().login("coderA", next_url=target)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_same_origin_next_is_followed(browser, world):
    response = browser().login("coderA", next_url=f"/projects/{world.p1}?page=2")
    assert response.headers["Location"] == f"/projects/{world.p1}?page=2"


def test_anonymous_pages_redirect_to_sign_in_and_api_gets_401(browser, world):
    b = browser()
    page = b.get(f"/projects/{world.p1}")
    assert page.status_code == 302
    assert page.headers["Location"] == f"/auth/login?next=/projects/{world.p1}"
    api = b.get(f"/api/documents/{world.doc1}/layer")
    assert api.status_code == 401
    assert api.get_json() == {"error": "unauthorized", "message": "Sign in, or send an API token."}


def test_signed_in_user_visiting_sign_in_goes_home(browser, world):
    assert browser("coderA").get("/auth/login").headers["Location"] == "/"


def test_sign_out_needs_post_with_csrf_and_voids_the_old_cookie(browser, world, app):
    b = browser("coderA")
    assert b.get("/auth/logout").status_code == 405
    refused = b.client.post("/auth/logout")
    assert refused.status_code == 400 and b.get("/").status_code == 200
    old_cookie = b.client.get_cookie("session").value
    signed_out = b.client.post("/auth/logout", data={"csrf_token": b.token})
    assert signed_out.status_code == 302 and signed_out.headers["Location"] == "/auth/login"
    assert b.get("/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert replay.get("/").status_code == 302


def test_deactivated_user_is_signed_out_on_the_next_page(browser, world):
    b = browser("coderA")
    db.session.get(User, world.users["coderA"]).active = False
    db.session.commit()
    assert b.get("/").headers["Location"].startswith("/auth/login")


@pytest.fixture
def limited_app(app, database_url):
    # A second app on the test database (the `app` fixture empties it afterwards).
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "SECRET_KEY": "test-" + uuid.uuid4().hex, "RATELIMIT_ENABLED": True,
                      "LOGIN_RATE_LIMIT": "3 per minute"})
    with app.app_context():
        db.create_all()
        make_fast_user("coderA")
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_password_guessing_is_throttled_per_address(limited_app):
    b = Browser(limited_app.test_client())
    statuses = [b.login(f"user{i}", "wrong").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert b.client.get("/auth/login").status_code == 200  # only POST is limited
    other = Browser(limited_app.test_client())
    other.refresh_token()
    other_address = other.client.post("/auth/login", environ_base={"REMOTE_ADDR": "10.0.0.9"},
                                      data={"username": "coderA", "password": PASSWORD,
                                            "csrf_token": other.token})
    assert other_address.status_code == 302


def test_pages_send_security_headers(browser, world):
    response = browser("coderA").get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_templates_have_no_inline_script_or_style():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
    offences = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (inline_script, re.compile(r"<style|\sstyle=|\son[a-z]+=", re.I)):
            offences += [f"{path.name}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offences == []


def test_missing_pages_get_a_generic_404_page(browser, world):
    response = browser("coderA").get("/projects/999999/<svg onload=alert(1)>")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Not found" in page and "<svg" not in page


def test_server_errors_show_a_generic_page_with_a_request_id_and_roll_back(app, world):
    def boom():
        db.session.add(User(username="half-done", password_hash="x"))
        db.session.flush()
        raise RuntimeError("secret detail")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/boom", "api_boom", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    b = Browser(app.test_client())
    page = b.get("/boom")
    assert page.status_code == 500
    text = page.get_data(as_text=True)
    assert "request id" in text and "secret detail" not in text and "Traceback" not in text
    api = b.get("/api/boom")
    assert api.status_code == 500 and api.get_json()["error"] == "server_error"
    db.session.rollback()
    assert db.session.execute(
        db.select(User).where(User.username == "half-done")).scalar_one_or_none() is None


@pytest.fixture
def proxied_app(app, database_url):
    # As limited_app, behind one reverse proxy that sets X-Forwarded-For.
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "SECRET_KEY": "test-" + uuid.uuid4().hex, "RATELIMIT_ENABLED": True,
                      "LOGIN_RATE_LIMIT": "2 per minute", "PROXY_FIX_HOPS": 1})
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_behind_a_proxy_the_sign_in_limit_counts_each_client_address(proxied_app):
    def attempts(forwarded_for: str) -> list[int]:
        b = Browser(proxied_app.test_client())
        b.refresh_token()
        return [b.client.post("/auth/login", headers={"X-Forwarded-For": forwarded_for},
                              data={"username": "nobody", "password": "wrong",
                                    "csrf_token": b.token}).status_code for _ in range(3)]

    # Every request comes from the proxy's address; the limit follows the forwarded one.
    assert attempts("203.0.113.7") == [200, 200, 429]
    assert attempts("198.51.100.4") == [200, 200, 429]
    # A client prepending its own X-Forwarded-For entry does not escape its limit.
    assert attempts("10.9.9.9, 203.0.113.7") == [429, 429, 429]
