"""Assigning never takes a document away from a coder who already works on it."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

from sqlalchemy import select

from annotator.assignment import plan_assignments
from annotator.cli import main
from annotator.extensions import db
from annotator.models import Assignment, Project
from annotator.services.assigning import assign_documents
from annotator.services.queues import project_has_assignments
from tests.helpers import add_member
from tests.test_api import own_layer, save, span
from tests.web_fixtures import browser, make_fast_user, world  # noqa: F401


def assignments() -> dict[tuple[int, int], str]:
    db.session.rollback()
    rows = db.session.execute(select(Assignment)).scalars()
    return {(a.document_id, a.user_id): a.status for a in rows}


def test_holders_keep_their_documents_and_count_toward_the_overlap():
    plan = plan_assignments([1, 2, 3], ["a", "b", "c"], overlap=2, seed=0,
                            holders={1: ["a", "b"], 2: ["c"], 3: ["x", "a", "b"]})
    assert plan[1] == ["a", "b"]  # already two: nobody added
    assert "c" in plan[2] and len(plan[2]) == 2
    assert plan[3] == ["a", "b", "x"]  # more than the overlap, and one not listed: all kept


def test_coder_with_a_span_and_coder_with_a_status_both_keep_the_document(browser, world):
    coder_a, coder_c = browser("coderA"), browser("coderC")
    layer = own_layer(coder_a, world.doc1)
    assert save(coder_a, layer, [span("s-1", 0, 7)]).status_code == 200
    marked = coder_c.post(f"/api/documents/{world.doc1}/status", {"status": "in_progress"})
    assert marked.status_code == 200

    manager = browser("managerM")
    manager.refresh_token(f"/projects/{world.p1}/assign")
    answer = manager.client.post(f"/projects/{world.p1}/assign", data={
        "csrf_token": manager.token, "coders": ["coderA", "coderC"], "overlap": "2",
        "seed": "0"})
    assert answer.status_code == 302
    users = world.users
    assert assignments() == {
        (world.doc1, users["coderA"]): "in_progress",  # had a span
        (world.doc1, users["coderC"]): "in_progress",  # the status coderC had set
        (world.doc2, users["coderA"]): "assigned",
        (world.doc2, users["coderC"]): "assigned",
    }
    db.session.rollback()
    assert project_has_assignments(world.p1)
    # coderA's own layer and page still answer.
    again = own_layer(coder_a, world.doc1)
    assert [s["id"] for s in again["spans"]] == ["s-1"]
    assert coder_a.get(f"/documents/{world.doc1}/annotate").status_code == 200
    assert coder_c.get(f"/documents/{world.doc1}/annotate").status_code == 200


def test_a_starter_outside_the_chosen_coders_keeps_access_and_fills_a_place(browser, world):
    coder_a = browser("coderA")
    layer = own_layer(coder_a, world.doc1)
    assert save(coder_a, layer, [span("s-1", 0, 7)]).status_code == 200
    project = db.session.get(Project, world.p1)
    extra = make_fast_user("coderD")
    add_member(project, extra)
    report = assign_documents(project, ["coderC", "coderD"], overlap=1, seed=0)
    db.session.commit()
    assert report["kept"] == 1
    rows = assignments()
    assert [user for (doc, user) in rows if doc == world.doc1] == [world.users["coderA"]]
    assert len([user for (doc, user) in rows if doc == world.doc2]) == 1
    assert coder_a.get(f"/documents/{world.doc1}/annotate").status_code == 200
    # coderA was not given doc2 and may not open it now the project is assigned.
    assert coder_a.get(f"/documents/{world.doc2}/annotate").status_code == 404


def test_status_only_holders_make_the_project_assigned(browser, world):
    for name, doc in (("coderA", world.doc1), ("coderC", world.doc2)):
        response = browser(name).post(f"/api/documents/{doc}/status", {"status": "done"})
        assert response.status_code == 200
    project = db.session.get(Project, world.p1)
    assert not project_has_assignments(project.id)
    report = assign_documents(project, ["coderA", "coderC"], overlap=1, seed=0)
    db.session.commit()
    assert report == {"documents": 2, "assignments": 2, "per_coder": {"coderA": 1, "coderC": 1},
                      "kept": 2}
    assert assignments() == {(world.doc1, world.users["coderA"]): "done",
                             (world.doc2, world.users["coderC"]): "done"}
    # The self-made assignments became ordinary ones: the project is now assigned.
    assert project_has_assignments(world.p1)
    assert browser("coderA").get(f"/documents/{world.doc2}/annotate").status_code == 404


def test_the_command_line_says_how_many_documents_coders_kept(browser, world, runner):
    coder_a = browser("coderA")
    assert save(coder_a, own_layer(coder_a, world.doc1), [span("s-1", 0, 7)]).status_code == 200
    result = runner.invoke(main, ["assign", "P1", "--coders", "coderC", "--overlap", "1"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "assigned 2 documents (2 assignments): coderC 1; 1 kept by coders who had started them")
    assert coder_a.get(f"/documents/{world.doc1}/annotate").status_code == 200
