"""The bad-inputs checklist (shared/checklists/bad-inputs.md), item by item, without a browser.

Items tested elsewhere are named in docs/security.md ("Checklist coverage"); browser items are in
tests/browser/test_bad_inputs_browser.py. Test names start with the item number.
"""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import json
import re
from pathlib import Path

import itsdangerous
import pytest
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed

from annotator.codebook import CodebookError, default_codebook, validate
from annotator.extensions import csrf, db
from annotator.models import Document, Membership, User
from tests.permissions import PERMISSIONS
from tests.test_access import snapshot
from tests.test_api import own_layer, save, span
from tests.test_data_web import export, upload
from tests.test_routes import fill, ids_for, seeded, send  # noqa: F401  (seeded: fixture)
from tests.web_fixtures import PASSWORD, Browser, browser, world  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[1]
PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(document.domain)>",
            "</textarea><svg onload=alert(1)>", "{{7*7}}", '<a href="javascript:alert(1)">x</a>',
            "\u202eevil"]
WRITES = [(key, rule) for key, rules in PERMISSIONS.items() for rule in rules
          if key[1] != "GET" and key != ("auth.login", "POST")]


def _raw_markup(page: str) -> list[str]:
    """Return the payloads that appear unescaped in a page (outside its JSON data block)."""
    page = re.sub(r'<script type="application/json"[^>]*>.*?</script>', "", page, flags=re.S)
    return [p for p in PAYLOADS[:3] + PAYLOADS[4:5] if p in page]


# -- A. output encoding ---------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name", "body"), [
    ("jsonl", "x.jsonl", lambda ps: json.dumps({"id": "xss", "title": ps[0],
                                                "paragraphs": ps}) + "\n"),
    ("csv", "x.csv", lambda ps: "id,title,text\nxss," + ",".join(
        '"' + t.replace('"', '""') + '"' for t in (ps[0], "\n\n".join(ps))) + "\n"),
    ("txt", "xss.txt", lambda ps: "\n\n".join(ps) + "\n"),
])
def test_1_article_markup_imported_from_any_format_is_only_ever_text(browser, world, fmt,
                                                                     name, body):
    manager = browser("managerM")
    assert upload(manager, world.p1, [(body(PAYLOADS), name)], fmt).status_code == 302
    doc = db.session.execute(select(Document).where(Document.external_id == "xss")).scalar_one()
    assert [p.text for p in doc.paragraphs] == PAYLOADS  # stored exactly, offsets unchanged
    for url in (f"/documents/{doc.id}/annotate", f"/documents/{doc.id}/review",
                f"/projects/{world.p1}", f"/documents/{doc.id}/history",
                f"/projects/{world.p1}/agreement"):
        response = manager.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and _raw_markup(page) == [], url
        data = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
        if data and "paragraphs" in json.loads(data.group(1)):  # {{7*7}} is never evaluated
            assert [p["text"] for p in json.loads(data.group(1))["paragraphs"]] == PAYLOADS
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_2_label_names_cannot_hold_markup_and_json_goes_through_tojson():
    book = default_codebook()
    book["span_labels"][0]["name"] = '"><img src=x onerror=alert(1)>'
    book["event_attributes"].append({"name": "</script><script>alert(1)</script>",
                                     "type": "text"})
    with pytest.raises(CodebookError) as refused:
        validate(book)
    assert "is not a label name" in str(refused.value)
    assert "is not a field name" in str(refused.value)
    safe = [(path.name, line) for path in (ROOT / "templates").rglob("*.html")
            for line in path.read_text().splitlines() if "|safe" in line]
    assert safe == [("agreement.html", line) for _, line in safe]  # agreement_svg escapes
    for path in (ROOT / "templates").rglob("*.html"):
        for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>',
                                path.read_text(), flags=re.S):
            assert re.fullmatch(r"\{\{ *[\w.]+\|tojson *\}\}", block.strip()), path


def test_4_reflected_parameters_are_escaped_or_dropped(browser, world):
    b = browser("managerM")
    svg = "<svg onload=alert(1)>"
    for url in (f"/projects/{world.p1}/docs/{svg}", f"/projects/{world.p1}?page={svg}",
                f'/projects/{world.p1}/history?page="><script>alert(1)</script>',
                f"/documents/{world.doc1}/history?page={svg}",
                f"/api/projects/{world.p1}/actors?q={svg}"):
        response = b.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code in (200, 404), url
        assert "<svg" not in body and "<script>alert" not in body, url


def test_5_no_route_serves_uploaded_or_stored_files(app):
    served = [rule.rule for rule in app.url_map.iter_rules() if "<path:" in rule.rule]
    assert served == ["/static/<path:filename>"]  # the app's own scripts and styles only
    assert Path(app.static_folder).name == "static"


# -- B. access control ----------------------------------------------------------------------


def test_6_a_non_member_gets_the_answer_of_a_missing_object_for_every_route_and_verb(
        browser, seeded):
    b = browser("coderB")
    before = snapshot()
    for (endpoint, _declared), rules in PERMISSIONS.items():
        rule = rules[0]
        if rule.role in ("public", "user"):
            continue
        ids = ids_for(seeded, "nonmember")
        real = rule.url.format(**ids)
        past = re.sub(r"\d+", "999999", real)  # an id past the largest there is
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            headers = b.headers(csrf=True)
            first = b.client.open(real, method=method, json={}, headers=headers)
            second = b.client.open(past, method=method, json={}, headers=headers)
            where = f"{method} {real} ({endpoint})"
            assert first.status_code in (404, 405), where
            assert (first.status_code, _body(first)) == (second.status_code, _body(second)), where
    assert snapshot() == before


def _body(response) -> str:
    """The body without the page's CSRF tokens, which are signed afresh for every page."""
    return re.sub(r'"[\w.-]{40,}"', '""', response.get_data(as_text=True))


def test_7_extra_form_fields_never_change_roles(browser, world):
    extra = {"role": "admin", "is_admin": "1", "user_id": str(world.users["reviewerR"]),
             "project_id": str(world.p2)}
    manager = browser("managerM")
    manager.refresh_token(f"/projects/{world.p1}/assign")
    manager.client.post(f"/projects/{world.p1}/assign", data={
        **extra, "coders": "coderA", "overlap": "1", "seed": "0", "csrf_token": manager.token})
    export(manager, world.p1, **extra)
    coder = browser("coderA")
    coder.refresh_token("/")
    for url in (f"/projects/{world.p1}/assign", f"/projects/{world.p1}/import",
                f"/projects/{world.p1}/export"):
        refused = coder.client.post(url, data={**extra, "csrf_token": coder.token})
        assert refused.status_code == 403
    db.session.rollback()
    assert not any(u.is_admin for u in db.session.execute(
        select(User).where(User.username != "admin")).scalars())
    roles = dict(db.session.execute(select(Membership.user_id, Membership.role)).all())
    assert roles[world.users["managerM"]] == "manager" and roles[world.users["coderA"]] == "coder"


def test_8_forged_authors_are_ignored_and_the_log_names_the_real_one(browser, world):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    forged = {**span("s", 0, 7)["span"], "user_id": world.users["reviewerR"],
              "created_by": "reviewerR", "annotator_id": world.users["reviewerR"]}
    assert save(b, layer, [{"op": "add_span", "span": forged}],
                user_id=world.users["reviewerR"]).status_code == 200
    from annotator.models import AuditEntry
    db.session.rollback()
    assert db.session.execute(select(AuditEntry.user_id)).scalars().all() == [
        world.users["coderA"]]


INJECTED = ["sort=password_hash", "sort=user.password", "order_by=id;DROP TABLE annotation",
            "filter[annotator__password__startswith]=p", "limit=-5",
            "limit=99999999999999999999", "page=-1", "page=1e9"]


def test_10_sort_and_filter_parameters_are_ignored(browser, world):
    b = browser("managerM")
    for url in (f"/api/projects/{world.p1}/actors?q=u", f"/projects/{world.p1}",
                f"/projects/{world.p1}/history", f"/documents/{world.doc1}/history"):
        plain = b.get(url)
        for query in INJECTED:
            injected = b.get(f"{url}{'&' if '?' in url else '?'}{query}")
            assert injected.status_code == 200, (url, query)
            if url.startswith("/api/"):
                assert injected.get_json() == plain.get_json()
    assert "$" not in (b.get(f"/api/projects/{world.p1}/actors?q=' OR 1=1--").get_data(
        as_text=True))


# -- C. CSRF, sessions -------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["missing", "another user's", "expired"])
def test_11_every_write_without_a_valid_csrf_token_is_refused_and_changes_nothing(
        browser, seeded, token, monkeypatch):
    b, other = browser("admin"), browser("managerM")
    for (endpoint, method), rule in WRITES:
        if token == "missing":
            b.token = None
        elif token == "another user's":
            b.token = other.token
        else:
            b.refresh_token("/")
            b.client.application.config["WTF_CSRF_TIME_LIMIT"] = 60
            later = itsdangerous.timed.time.time() + 3600
            monkeypatch.setattr(itsdangerous.timed.time, "time", lambda later=later: later)
        before = snapshot()
        ids = ids_for(seeded, "admin")
        response = send(b, method, rule.url.format(**ids), rule, ids)
        monkeypatch.undo()
        assert response.status_code == 400, (endpoint, token, response.status_code)
        assert snapshot() == before, endpoint


def test_11_no_view_is_exempt_and_json_needs_its_content_type_and_get_changes_nothing(
        app, browser, seeded):
    assert not csrf._exempt_views and not csrf._exempt_blueprints
    b = browser("coderA")
    ids = ids_for(seeded, "coder")
    text_plain = b.client.post(f"/api/layers/{ids['own_layer']}/changes", headers=b.headers(True),
                               data=json.dumps(fill(PERMISSIONS[("api.save_changes", "POST")][0]
                                                    .json, ids)), content_type="text/plain")
    assert text_plain.status_code == 400
    before = snapshot(skip=("layers",))
    adapter = app.url_map.bind("localhost")
    for (endpoint, _method), rule in WRITES:
        url = rule.url.format(**ids)
        try:
            adapter.match(url.split("?")[0], "GET")  # a page or read at the same address
        except MethodNotAllowed:
            assert b.get(url).status_code == 405, endpoint
    assert b.get("/auth/logout").status_code == 405
    assert snapshot(skip=("layers",)) == before


def test_12_session_cookie_flags_and_a_forged_cookie(app, browser, world):
    app.config["SESSION_COOKIE_SECURE"] = True  # as ANNOTATOR_SESSION_COOKIE_SECURE=true does
    b = Browser(app.test_client())
    b.refresh_token()
    signed_in = b.client.post("/auth/login", data={"username": "coderA", "csrf_token": b.token,
                                                   "password": PASSWORD})
    cookie = signed_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert "Cookie" in browser("coderA").get("/").headers.get_all("Vary")
    interface = SecureCookieSessionInterface()
    admin = db.session.get(User, world.users["admin"])
    for key in ("dev", "secret", "changeme", "annotator", ""):
        forged = URLSafeTimedSerializer(key or "x", salt=interface.salt,
                                        serializer=interface.serializer, signer_kwargs={
                                            "key_derivation": interface.key_derivation,
                                            "digest_method": interface.digest_method},
                                        ).dumps({"_user_id": admin.get_id(), "_fresh": True})
        attacker = app.test_client()
        attacker.set_cookie("session", forged)
        assert attacker.get("/").status_code == 302  # sent to sign in: not admin


def test_every_checklist_item_has_a_row_in_docs_security_md():
    docs = (ROOT / "docs" / "security.md").read_text()
    rows = {int(n) for n in re.findall(r"^\| (\d+) \| ", docs, re.M)}
    assert rows == set(range(1, 41))
