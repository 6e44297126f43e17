"""Who may do what: a role × route matrix, CSRF on every write, and reads that change nothing."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Layer, Paragraph, ParagraphNote
from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)

ROLES = ["anonymous", "nonmember", "coder", "reviewer", "manager", "admin"]
USERS = {"anonymous": None, "nonmember": "coderB", "coder": "coderA", "reviewer": "reviewerR",
         "manager": "managerM", "admin": "admin"}
SECRET = "Ukraine and Russia"  # P1's text: must never reach a non-member

# route template, then the status for each role in ROLES order
READS = [
    ("/", [302, 200, 200, 200, 200, 200]),
    ("/projects/{p1}", [302, 404, 200, 200, 200, 200]),
    ("/projects/{p1}/next", [302, 404, 302, 302, 302, 302]),
    ("/documents/{doc1}/annotate", [302, 404, 200, 200, 200, 200]),
    ("/api/documents/{doc1}/layer", [401, 404, 200, 200, 200, 200]),
    ("/api/documents/{doc1}/layer?layer=gold", [401, 404, 404, 200, 200, 200]),
    ("/api/documents/{doc1}/layer?layer=coderC", [401, 404, 404, 200, 200, 200]),
    ("/api/paragraphs/{para1}/notes", [401, 404, 200, 200, 200, 200]),
    ("/api/projects/{p1}/actors?q=u", [401, 404, 200, 200, 200, 200]),
]
WRITES = [
    ("post", "/api/layers/{gold}/changes", "change", [401, 404, 404, 200, 200, 200]),
    ("post", "/api/layers/{coderC_layer}/changes", "change", [401, 404, 404, 403, 403, 403]),
    ("post", "/api/documents/{doc1}/status", {"status": "done"}, [401, 404, 200, 403, 403, 403]),
    ("post", "/api/paragraphs/{para1}/notes", {"kind": "flag"}, [401, 404, 201, 201, 201, 201]),
    ("post", "/api/projects/{p1}/actors", {"name": "X", "entity_type": "ORG"},
     [401, 404, 201, 201, 201, 201]),
    ("delete", "/api/notes/{note}", None, [401, 404, 404, 403, 403, 403]),
    ("post", "/auth/logout", None, [302, 302, 302, 302, 302, 302]),
]
CHANGE = {"change_id": "c-1", "base_version": 0, "changes": [
    {"op": "add_span", "span": {"id": "s", "paragraph": 0, "start": 0, "end": 7,
                                "label": "ACTOR"}}]}


@pytest.fixture
def ids(world) -> dict:
    """Seed coderC's layer with a note, and a gold layer; return the ids routes need."""
    para1 = db.session.execute(select(Paragraph.id).where(
        Paragraph.document_id == world.doc1, Paragraph.position == 0)).scalar_one()
    coder_layer = Layer(document_id=world.doc1, kind="coder", user_id=world.users["coderC"])
    gold = Layer(document_id=world.doc1, kind="gold")
    note = ParagraphNote(paragraph_id=para1, user_id=world.users["coderC"], kind="comment",
                         body="coderC's note")
    db.session.add_all([coder_layer, gold, note])
    db.session.commit()
    return {"p1": world.p1, "doc1": world.doc1, "para1": para1, "gold": gold.id,
            "coderC_layer": coder_layer.id, "note": note.id}


def snapshot(skip: tuple[str, ...] = ()) -> dict:
    """Return every row of every table, to show that a request changed nothing."""
    db.session.rollback()
    return {
        table.name: sorted(map(repr, db.session.execute(table.select()).all()))
        for table in db.metadata.sorted_tables if table.name not in skip
    }


def send(b, method: str, url: str, body, csrf: bool = True):
    if url == "/auth/logout":
        return b.client.post(url, data={"csrf_token": b.token} if csrf else {})
    payload = CHANGE if body == "change" else body
    if method == "delete":
        return b.delete(url, csrf=csrf)
    return b.post(url, payload, csrf=csrf)


@pytest.mark.parametrize(("route", "expected"), READS, ids=[r[0] for r in READS])
@pytest.mark.parametrize("role", ROLES)
def test_reads_answer_each_role_and_change_nothing(browser, ids, role, route, expected):
    b = browser(USERS[role])
    before = snapshot(skip=("layers",))  # reading one's own layer may create it, empty
    response = b.get(route.format(**ids))
    assert response.status_code == expected[ROLES.index(role)]
    if response.status_code in (401, 404):
        assert SECRET not in response.get_data(as_text=True)
    assert snapshot(skip=("layers",)) == before
    db.session.rollback()
    layers = db.session.execute(select(Layer)).scalars().all()
    assert all(layer.version == 0 for layer in layers)


@pytest.mark.parametrize(("method", "route", "body", "expected"), WRITES,
                         ids=[f"{w[0]} {w[1]}" for w in WRITES])
@pytest.mark.parametrize("role", ROLES)
def test_writes_answer_each_role(browser, ids, role, method, route, body, expected):
    b = browser(USERS[role])
    before = snapshot()
    response = send(b, method, route.format(**ids), body)
    status = expected[ROLES.index(role)]
    assert response.status_code == status
    if status >= 400:
        assert snapshot() == before
        if route.startswith("/api/"):
            assert set(response.get_json()) >= {"error", "message"}


@pytest.mark.parametrize(("method", "route", "body", "expected"), WRITES,
                         ids=[f"{w[0]} {w[1]}" for w in WRITES])
@pytest.mark.parametrize("role", ROLES)
def test_writes_without_csrf_token_get_400_and_change_nothing(browser, ids, role, method,
                                                              route, body, expected):
    b = browser(USERS[role])
    before = snapshot()
    response = send(b, method, route.format(**ids), body, csrf=False)
    # Anonymous API callers get the documented 401 (sign in first), not a CSRF complaint.
    anonymous_api = USERS[role] is None and route.startswith("/api/")
    assert response.status_code == (401 if anonymous_api else 400)
    if anonymous_api:
        assert response.get_json()["error"] == "unauthorized"
    assert snapshot() == before


@pytest.mark.parametrize("role", ["nonmember", "coder"])
def test_hidden_and_missing_objects_get_the_same_404(browser, ids, role):
    b = browser(USERS[role])
    if role == "coder":
        hidden, missing = "/api/documents/{doc1}/layer?layer=gold", "/api/documents/9999/layer"
    else:
        hidden, missing = "/api/documents/{doc1}/layer", "/api/documents/9999/layer"
    first, second = b.get(hidden.format(**ids)), b.get(missing)
    assert first.status_code == second.status_code == 404
    assert first.get_json() == second.get_json()


def test_non_member_sees_no_project_in_the_list(browser, ids):
    page = browser("coderB").get("/").get_data(as_text=True)
    assert "P2" in page and "P1" not in page


def test_coder_queue_and_reviewer_overview(browser, ids, world):
    coder = browser("coderA").get(f"/projects/{world.p1}").get_data(as_text=True)
    assert "Your documents" in coder and "Next document" in coder
    assert "All documents" not in coder
    reviewer = browser("reviewerR").get(f"/projects/{world.p1}").get_data(as_text=True)
    assert "All documents" in reviewer and "coderC" in reviewer


def test_next_document_goes_to_the_first_document_not_done(browser, ids, world):
    b = browser("coderA")
    b.post(f"/api/documents/{world.doc1}/status", {"status": "done"})
    response = b.get(f"/projects/{world.p1}/next")
    assert response.headers["Location"] == f"/documents/{world.doc2}/annotate"
    b.post(f"/api/documents/{world.doc2}/status", {"status": "done"})
    finished = b.get(f"/projects/{world.p1}/next")
    assert finished.headers["Location"] == f"/projects/{world.p1}"
