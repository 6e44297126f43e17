"""Every route answers every role as tests/permissions.py says, and no route is left out."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import AuditEntry, Layer, Paragraph, ParagraphNote, User
from annotator.services import annotating
from tests.permissions import PERMISSIONS, ROLES, expected, matrix_rows
from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)

USERS = {"anonymous": None, "nonmember": "coderB", "coder": "coderA", "reviewer": "reviewerR",
         "manager": "managerM", "admin": "admin"}
MEMBERS = ("coderA", "coderC", "reviewerR", "managerM", "admin")
SECRETS = ("Ukraine and Russia", "Prisoner exchange")  # P1's text and title
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _seed_change(layer: Layer, user_id: int, label: str) -> int:
    """Save one span into the layer through the service; return its audit entry's id."""
    user = db.session.get(User, user_id)
    annotating.apply_changes(layer, user, {"change_id": "seed", "base_version": 0, "changes": [
        {"op": "add_span", "span": {"id": "seed", "paragraph": 0, "start": 0, "end": 7,
                                    "label": label}}]})
    db.session.flush()
    return db.session.execute(select(AuditEntry.id).where(AuditEntry.layer_id == layer.id)
                              ).scalar_one()


@pytest.fixture
def seeded(world):
    """Give every member of P1 a coder layer with one change and a note; seed gold too."""
    para1 = db.session.execute(select(Paragraph.id).where(
        Paragraph.document_id == world.doc1, Paragraph.position == 0)).scalar_one()
    own = {}
    for name in MEMBERS:
        user_id = world.users[name]
        layer = Layer(document_id=world.doc1, kind="coder", user_id=user_id)
        note = ParagraphNote(paragraph_id=para1, user_id=user_id, kind="comment", body="note")
        db.session.add_all([layer, note])
        db.session.flush()
        own[name] = (layer.id, _seed_change(layer, user_id, "LOCATION"), note.id)
    gold = Layer(document_id=world.doc1, kind="gold")
    db.session.add(gold)
    db.session.flush()
    gold_entry = _seed_change(gold, world.users["reviewerR"], "LOCATION")
    db.session.commit()
    return SimpleNamespace(world=world, para1=para1, own=own, gold=gold.id,
                           gold_entry=gold_entry)


def ids_for(seeded, role: str) -> dict:
    """Return the values the table's templates name, read afresh (versions move)."""
    world = seeded.world
    name = USERS[role] if USERS[role] in MEMBERS else "coderA"
    own_layer, own_entry, own_note = seeded.own[name]
    db.session.rollback()
    version = dict(db.session.execute(select(Layer.id, Layer.version)).all())
    return {"role": role, "p1": world.p1, "doc1": world.doc1, "para1": seeded.para1,
            "coderA": world.users["coderA"], "own_layer": own_layer, "own_entry": own_entry,
            "own_note": own_note, "own_version": version[own_layer], "gold": seeded.gold,
            "gold_entry": seeded.gold_entry, "gold_version": version[seeded.gold],
            "coderC_layer": seeded.own["coderC"][0], "coderC_note": seeded.own["coderC"][2]}


def fill(value, ids: dict):
    """Fill placeholders in a template; a lone placeholder keeps its value's type."""
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        return ids[whole.group(1)] if whole else value.format(**ids)
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    if isinstance(value, tuple):  # an upload: (content, file name)
        return (io.BytesIO(fill(value[0], ids).encode()), value[1])
    return value


def send(b, method: str, url: str, rule, ids: dict):
    if url.startswith("/api/"):
        if method == "GET":
            return b.get(url)
        if method == "DELETE":
            return b.delete(url)
        return b.post(url, fill(rule.json, ids))
    if method == "GET":
        return b.get(url)
    data = {**fill(rule.form or {}, ids), "csrf_token": b.token}
    multipart = any(isinstance(v, tuple) for v in data.values())
    return b.client.post(url, data=data,
                         content_type="multipart/form-data" if multipart else None)


def _order(key: tuple[str, str]) -> tuple:
    return (key == ("auth.logout", "POST"), key)  # signing out last keeps the session for the rest


def test_every_route_has_a_rule_and_every_rule_a_route(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint != "static" for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert sorted(routes - set(PERMISSIONS)) == [], "add these routes to tests/permissions.py"
    assert sorted(set(PERMISSIONS) - routes) == [], "these rules name no route"
    adapter = app.url_map.bind("localhost")
    for (endpoint, method), rules in PERMISSIONS.items():
        for rule in rules:
            path = PLACEHOLDER.sub("1", rule.url).split("?")[0]
            assert adapter.match(path, method)[0] == endpoint, rule.url


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_table_says(browser, seeded, role):
    b = browser(USERS[role])
    wrong = []
    for key in sorted(PERMISSIONS, key=_order):
        endpoint, method = key
        for rule in PERMISSIONS[key]:
            ids = ids_for(seeded, role)
            url = rule.url.format(**ids)
            api = url.startswith("/api/")
            response = send(b, method, url, rule, ids)
            want = expected(rule, role, api)
            body = response.get_data(as_text=True)
            where = f"{method} {url} ({endpoint}) as {role}"
            if response.status_code not in want:
                wrong.append(f"{where}: {response.status_code}, expected {want}: {body[:200]}")
            elif response.status_code == 302 and role == "anonymous":
                if not response.headers["Location"].startswith("/auth/login"):
                    wrong.append(f"{where}: redirected to {response.headers['Location']}")
            elif response.status_code == 401 and response.get_json().get("error") != (
                    "unauthorized"):
                wrong.append(f"{where}: 401 without the unauthorized error")
            if response.status_code in (401, 403, 404) and any(s in body for s in SECRETS):
                wrong.append(f"{where}: a refusal that shows P1's text")
    assert wrong == []


def test_the_matrix_in_docs_security_md_is_the_table_tested_here():
    docs = (Path(__file__).resolve().parents[1] / "docs" / "security.md").read_text()
    missing = [row for row in matrix_rows() if row not in docs]
    assert missing == [], "regenerate the matrix in docs/security.md from tests/permissions.py"
