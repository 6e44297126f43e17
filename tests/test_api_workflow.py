"""The workflow API around a layer: assignment status, paragraph notes, the actor registry."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Actor, ActorAlias, Assignment, Paragraph
from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)


def first_paragraph(document_id: int) -> int:
    return db.session.execute(
        select(Paragraph.id).where(Paragraph.document_id == document_id, Paragraph.position == 0)
    ).scalar_one()


def assignments() -> dict:
    db.session.rollback()
    rows = db.session.execute(select(Assignment)).scalars()
    return {(a.document_id, a.user_id): a.status for a in rows}


def test_status_creates_the_coders_assignment_in_a_project_without_assignments(browser, world):
    b = browser("coderA")
    response = b.post(f"/api/documents/{world.doc1}/status", {"status": "done"})
    assert response.status_code == 200
    assert response.get_json() == {"document": world.doc1, "status": "done"}
    assert assignments() == {(world.doc1, world.users["coderA"]): "done"}


def test_status_updates_an_existing_assignment_and_refuses_unknown_values(browser, world):
    db.session.add(Assignment(document_id=world.doc1, user_id=world.users["coderA"]))
    db.session.commit()
    b = browser("coderA")
    assert b.post(f"/api/documents/{world.doc1}/status",
                  {"status": "in_progress"}).status_code == 200
    bad = b.post(f"/api/documents/{world.doc1}/status", {"status": "finished"})
    assert bad.status_code == 422 and bad.get_json()["field"] == "status"
    assert assignments() == {(world.doc1, world.users["coderA"]): "in_progress"}


def test_coder_cannot_open_or_mark_a_document_assigned_to_someone_else(browser, world):
    db.session.add(Assignment(document_id=world.doc1, user_id=world.users["coderC"]))
    db.session.commit()
    b = browser("coderA")
    assert b.get(f"/api/documents/{world.doc1}/layer").status_code == 404
    assert b.post(f"/api/documents/{world.doc1}/status", {"status": "done"}).status_code == 404
    assert b.get(f"/api/documents/{world.doc2}/layer").status_code == 404
    assert browser("coderC").get(f"/api/documents/{world.doc1}/layer").status_code == 200


def test_reviewer_without_assignment_cannot_mark_status(browser, world):
    response = browser("reviewerR").post(f"/api/documents/{world.doc1}/status",
                                         {"status": "done"})
    assert response.status_code == 403 and response.get_json()["error"] == "not_assigned"
    assert assignments() == {}


def test_marking_one_document_done_in_an_open_project_keeps_every_document_open(browser, world):
    assert browser("coderA").post(f"/api/documents/{world.doc1}/status",
                                  {"status": "done"}).status_code == 200
    assert browser("coderA").get(f"/api/documents/{world.doc2}/layer").status_code == 200
    assert browser("coderC").get(f"/api/documents/{world.doc1}/layer").status_code == 200
    assert browser("coderC").get(f"/api/documents/{world.doc2}/layer").status_code == 200


def test_saving_moves_an_assignment_from_assigned_to_in_progress(browser, world):
    db.session.add(Assignment(document_id=world.doc1, user_id=world.users["coderA"]))
    db.session.commit()
    b = browser("coderA")
    layer = b.get(f"/api/documents/{world.doc1}/layer").get_json()["layer"]
    b.post(f"/api/layers/{layer['id']}/changes", {"change_id": "c-1", "base_version": 0,
           "changes": [{"op": "add_span", "span": {"id": "s", "paragraph": 0, "start": 0,
                                                   "end": 7, "label": "ACTOR"}}]})
    assert assignments() == {(world.doc1, world.users["coderA"]): "in_progress"}


def test_notes_are_private_to_coders_and_visible_to_reviewers(browser, world):
    paragraph = first_paragraph(world.doc1)
    a = browser("coderA")
    added = a.post(f"/api/paragraphs/{paragraph}/notes", {"kind": "comment", "body": "  <b>?</b>"})
    assert added.status_code == 201
    note = added.get_json()["note"]
    assert note["body"] == "<b>?</b>" and note["user"] == "coderA" and note["own"] is True
    assert a.post(f"/api/paragraphs/{paragraph}/notes", {"kind": "flag"}).status_code == 201
    assert len(a.get(f"/api/paragraphs/{paragraph}/notes").get_json()["notes"]) == 2
    assert browser("coderC").get(f"/api/paragraphs/{paragraph}/notes").get_json() == {
        "notes": []}
    seen = browser("reviewerR").get(f"/api/paragraphs/{paragraph}/notes").get_json()["notes"]
    assert [n["own"] for n in seen] == [False, False]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"kind": "comment", "body": " "}, "body"), ({"kind": "shout", "body": "x"}, "kind"),
     ({"kind": "flag", "body": 5}, "body"), ({"kind": "comment", "body": "x" * 5001}, "body"),
     ([], "body")],
)
def test_bad_notes_are_refused_naming_the_field(browser, world, body, field):
    response = browser("coderA").post(f"/api/paragraphs/{first_paragraph(world.doc1)}/notes",
                                      body)
    assert response.status_code == 422 and response.get_json()["field"] == field


def test_only_the_author_deletes_a_note(browser, world):
    a = browser("coderA")
    note = a.post(f"/api/paragraphs/{first_paragraph(world.doc1)}/notes",
                  {"kind": "comment", "body": "mine"}).get_json()["note"]
    assert browser("coderC").delete(f"/api/notes/{note['id']}").status_code == 404
    assert browser("reviewerR").delete(f"/api/notes/{note['id']}").status_code == 403
    assert browser("coderB").delete(f"/api/notes/{note['id']}").status_code == 404
    deleted = a.delete(f"/api/notes/{note['id']}")
    assert deleted.status_code == 200 and deleted.get_json() == {"deleted": note["id"]}
    assert a.delete(f"/api/notes/{note['id']}").status_code == 404


@pytest.fixture
def registry(world):
    for name, aliases in (("Ukraine / government", ["Kyiv", "Ukrainian government"]),
                          ("Russia / government", ["Moscow", "the Kremlin"]),
                          ("100% Club", []), ("Under_score Ltd", [])):
        actor = Actor(project_id=world.p1, name=name, entity_type="ORG")
        actor.aliases = [ActorAlias(project_id=world.p1, alias=a, folded=a.casefold())
                         for a in aliases]
        db.session.add(actor)
    db.session.commit()


def names(response) -> list[str]:
    assert response.status_code == 200
    return [a["name"] for a in response.get_json()["actors"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [("kyiv", ["Ukraine / government"]), ("KYIV", ["Ukraine / government"]),
     ("kreml", ["Russia / government"]), ("gov", ["Russia / government",
                                                  "Ukraine / government"]),
     ("%", []), ("_", []), ("100%", ["100% Club"]), ("under_", ["Under_score Ltd"]),
     ("ine", []), ("' OR 1=1--", [])],
)
def test_actor_type_ahead_matches_prefixes_and_words_and_escapes_wildcards(
        browser, world, registry, q, expected):
    found = names(browser("coderA").get(f"/api/projects/{world.p1}/actors", query_string={
        "q": q}))
    assert found == expected


def test_actor_type_ahead_is_not_shared_across_projects(browser, world, registry):
    assert browser("coderB").get(f"/api/projects/{world.p1}/actors?q=k").status_code == 404
    assert names(browser("coderB").get(f"/api/projects/{world.p2}/actors?q=k")) == []


def test_coder_proposes_an_actor_and_a_manager_adds_a_confirmed_one(browser, world, registry):
    proposal = {"name": "Hamas", "entity_type": "ORG", "country": "PSE", "sector": "REB",
                "aliases": ["Hamas movement"], "proposed": False}
    made = browser("coderA").post(f"/api/projects/{world.p1}/actors", proposal)
    assert made.status_code == 201
    actor = made.get_json()["actor"]
    assert actor["proposed"] is True and actor["aliases"] == ["Hamas", "Hamas movement"]
    assert names(browser("coderC").get(f"/api/projects/{world.p1}/actors?q=hamas")) == [
        "Hamas"]
    confirmed = browser("managerM").post(f"/api/projects/{world.p1}/actors",
                                         {"name": "IDF", "entity_type": "ORG"})
    assert confirmed.get_json()["actor"]["proposed"] is False


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [({"name": "Ukraine / government", "entity_type": "ORG"}, 409, None),
     ({"name": "Ukraine / Government", "entity_type": "GPE"}, 409, None),
     ({"name": "", "entity_type": "ORG"}, 422, "name"),
     ({"name": "X", "entity_type": "ALIEN"}, 422, "entity_type"),
     ({"name": "X", "entity_type": "ORG", "country": "ukr"}, 422, "country"),
     ({"name": "X", "entity_type": "ORG", "sector": "NOPE"}, 422, "sector"),
     ({"name": "X", "entity_type": "ORG", "aliases": "Y"}, 422, "aliases")],
)
def test_bad_or_duplicate_actor_proposals_are_refused(browser, world, registry, body, status,
                                                       field):
    response = browser("coderA").post(f"/api/projects/{world.p1}/actors", body)
    assert response.status_code == status
    assert response.get_json().get("field") == field
