"""The agreement page and the manager's assignment form."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import pytest

from annotator.extensions import db
from annotator.models import Assignment, Project
from annotator.services.intake.records import RecordStore
from tests.helpers import add_member
from tests.web_fixtures import PARAGRAPHS, browser, make_fast_user, world  # noqa: F401

HOSTILE = '<img src=x onerror="alert(1)">'


def record(name, label):
    text = PARAGRAPHS[0]
    return {"id": "d1", "layer": name,
            "paragraphs": [{"index": i, "text": t} for i, t in enumerate(PARAGRAPHS)],
            "spans": [{"id": "s", "paragraph": 0, "start": 12, "end": 18, "label": label,
                       "text": text[12:18], "attrs": {}},
                      {"id": "t", "paragraph": 0, "start": 19, "end": 28, "label": "EVENT",
                       "text": text[19:28], "attrs": {}}]}


@pytest.fixture
def two_layers(app, world):
    project = db.session.get(Project, world.p1)
    # A name create-user would refuse, as an account made before the rules (or by SQL) has.
    add_member(project, make_fast_user(HOSTILE))
    RecordStore(project).add_all([(record("coderA", "LOCATION"), "a", 1),
                                  (record(HOSTILE, "TIME"), "b", 1)])
    db.session.commit()
    return world


def test_agreement_page_shows_tables_chart_and_links_the_least_agreed_document(
        browser, two_layers):
    page = browser("reviewerR").get(f"/projects/{two_layers.p1}/agreement")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "Span F1 per label" in html
    assert f'href="/documents/{two_layers.doc1}/review"' in html
    assert "Per coder" in html and "coderA" in html


def test_agreement_page_escapes_names_inside_and_outside_the_chart(browser, two_layers):
    html = browser("managerM").get(f"/projects/{two_layers.p1}/agreement").get_data(as_text=True)
    assert "<img" not in html
    assert "&lt;img src=x" in html


def test_agreement_page_without_two_coders_says_there_is_nothing_to_compare(browser, world):
    html = browser("reviewerR").get(f"/projects/{world.p1}/agreement").get_data(as_text=True)
    assert "nothing to compare" in html


@pytest.mark.parametrize("who, status", [("coderA", 403), ("coderB", 404)])
def test_coders_do_not_see_agreement(browser, world, who, status):
    assert browser(who).get(f"/projects/{world.p1}/agreement").status_code == status


def _assign(client, ids, **form):
    return client.client.post(f"/projects/{ids.p1}/assign",
                              data={"csrf_token": client.token, **form})


def test_manager_assigns_every_document_to_two_coders(browser, world):
    manager = browser("managerM")
    page = manager.get(f"/projects/{world.p1}/assign").get_data(as_text=True)
    assert "2 documents of this project are not assigned yet" in page
    answer = _assign(manager, world, coders=["coderA", "coderC"], overlap="2", seed="7")
    assert answer.status_code == 302
    rows = db.session.execute(db.select(Assignment.document_id, Assignment.user_id)).all()
    assert sorted(rows) == sorted((d, world.users[c]) for d in (world.doc1, world.doc2)
                                  for c in ("coderA", "coderC"))
    after = manager.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Assigned 2 documents (4 assignments)" in after
    assert "0 documents of this project are not assigned yet" in after


def test_overlap_larger_than_the_chosen_coders_is_refused_on_the_form(browser, world):
    answer = _assign(browser("managerM"), world, coders=["coderA"], overlap="2", seed="0")
    assert answer.status_code == 200
    assert "needs at least 2 coders" in answer.get_data(as_text=True)
    assert db.session.execute(db.select(Assignment)).first() is None


def test_only_coders_of_the_project_can_be_chosen(browser, world):
    answer = _assign(browser("managerM"), world, coders=["coderB"], overlap="1", seed="0")
    assert answer.status_code == 200
    assert "&#39;coderB&#39; is not a valid choice" in answer.get_data(as_text=True)


@pytest.mark.parametrize("who, status", [("reviewerR", 403), ("coderA", 403), ("coderB", 404)])
def test_only_managers_assign(browser, world, who, status):
    assert browser(who).get(f"/projects/{world.p1}/assign").status_code == status
