"""The coder's queue on the project page: paged, counted in SQL, and as cheap for a queue of
thousands of documents as for a few."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import re

import pytest
from sqlalchemy import insert, literal, select

from annotator.extensions import db
from annotator.models import Assignment, Document, Layer, Paragraph, Span
from annotator.services import queues
from tests.test_query_counts import queries
from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)

# Above SQLite's limit of 32,766 bound variables, which an IN list of ids would exceed.
MANY = 33_001


def add_documents(project_id: int, count: int, prefix: str) -> None:
    """Add documents in one bulk Core insert (no paragraphs: the project page reads none)."""
    db.session.execute(Document.__table__.insert(), [
        {"project_id": project_id, "external_id": f"{prefix}{n:06d}", "title": f"{prefix}{n:06d}",
         "meta": {}, "status": "assigned"} for n in range(count)])


def assign(project_id: int, user_id: int, prefix: str, status: str = "assigned") -> None:
    """Assign every document whose external id starts with `prefix` to the user, in SQL."""
    chosen = select(Document.id, literal(user_id), literal(status)).where(
        Document.project_id == project_id, Document.external_id.startswith(prefix))
    db.session.execute(insert(Assignment).from_select(["document_id", "user_id", "status"],
                                                      chosen))


def document_id(external_id: str) -> int:
    return db.session.execute(
        select(Document.id).where(Document.external_id == external_id)).scalar_one()


def set_status(user_id: int, external_id: str, status: str) -> None:
    assignment = db.session.execute(select(Assignment).where(
        Assignment.user_id == user_id, Assignment.document_id == document_id(external_id))
    ).scalar_one()
    assignment.status = status


def add_spans(user_id: int, document: Document, count: int) -> None:
    paragraph = document.paragraphs[0]
    layer = Layer(document_id=document.id, kind="coder", user_id=user_id, version=1,
                  codebook_version=1)
    db.session.add(layer)
    db.session.flush()
    db.session.add_all(Span(layer_id=layer.id, uid=f"s{k}", paragraph_id=paragraph.id, start=k,
                            end=k + 1, label="ACTOR", text=paragraph.text[k], attrs={})
                       for k in range(count))


def titles(page: str) -> list[str]:
    """Return the documents listed in the coder's queue, in order."""
    queue = page.split('id="queue-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<a href="/documents/\d+/annotate">([^<]+)</a>', queue)


@pytest.mark.parametrize("assigned", [True, False], ids=["assigned project", "open project"])
def test_coder_project_page_runs_the_same_queries_for_3_or_60_documents(browser, world,
                                                                        assigned):
    coder = world.users["coderA"]
    add_documents(world.p1, 1, "q")  # with the world's two documents: 3
    if assigned:
        assign(world.p1, coder, "")
    db.session.commit()
    reader = browser("coderA")

    def run():
        assert reader.get(f"/projects/{world.p1}").status_code == 200

    few = queries(run)
    add_documents(world.p1, 57, "r")
    if assigned:
        assign(world.p1, coder, "r")
    db.session.commit()
    assert "of 60 done" in reader.get(f"/projects/{world.p1}").get_data(as_text=True)
    assert queries(run) == few


@pytest.fixture
def queue_of_five(world, monkeypatch):
    """Five documents q000000..q000004 assigned to coderA, two to a page; z000000 is coderC's."""
    monkeypatch.setattr(queues, "PAGE_SIZE", 2)
    add_documents(world.p1, 5, "q")
    add_documents(world.p1, 1, "z")
    assign(world.p1, world.users["coderA"], "q")
    assign(world.p1, world.users["coderC"], "z")
    db.session.commit()


def test_queue_page_2_lists_the_third_and_fourth_documents(browser, world, queue_of_five):
    page = browser("coderA").get(f"/projects/{world.p1}?queue_page=2").get_data(as_text=True)
    assert titles(page) == ["q000002", "q000003"]
    assert "page 2 of 3" in page
    assert f'href="/projects/{world.p1}?queue_page=1">Previous' in page
    assert f'href="/projects/{world.p1}?queue_page=3">Next' in page


@pytest.mark.parametrize("asked, shown", [("99", ["q000004"]), ("0", ["q000000", "q000001"]),
                                          ("-3", ["q000000", "q000001"]),
                                          ("x", ["q000000", "q000001"])])
def test_out_of_range_queue_pages_show_the_nearest_page_like_the_reviewer_pager(
        browser, world, queue_of_five, asked, shown):
    response = browser("coderA").get(f"/projects/{world.p1}?queue_page={asked}")
    assert response.status_code == 200
    assert titles(response.get_data(as_text=True)) == shown
    reviewer = browser("reviewerR").get(f"/projects/{world.p1}?page={asked}")
    assert reviewer.status_code == 200


def test_queue_shows_totals_per_status_and_span_counts(browser, world, queue_of_five):
    coder = world.users["coderA"]
    set_status(coder, "q000000", "done")
    set_status(coder, "q000003", "in_progress")
    document = db.session.get(Document, document_id("q000001"))
    document.paragraphs = [Paragraph(position=0, text="Kyiv said on Tuesday")]
    db.session.flush()
    add_spans(coder, document, 3)
    db.session.commit()
    page = browser("coderA").get(f"/projects/{world.p1}").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "1 of 5 done, page 1 of 3." in text
    assert "To do 3 · In progress 1 · Done 1" in text
    assert "q000000 Done 0 q000001 To do 3" in text  # the status is the assignment's


def test_a_reviewer_with_a_queue_pages_both_lists_separately(browser, world, queue_of_five):
    assign(world.p1, world.users["reviewerR"], "q")
    db.session.commit()
    page = browser("reviewerR").get(f"/projects/{world.p1}?queue_page=2&page=3")
    text = page.get_data(as_text=True)
    assert titles(text) == ["q000002", "q000003"]
    # Each pager keeps the other list where it was.
    assert f'href="/projects/{world.p1}?queue_page=1&amp;page=3">Previous' in text
    assert f'href="/projects/{world.p1}?queue_page=2&amp;page=2">Previous' in text
    assert f'href="/projects/{world.p1}?queue_page=2&amp;page=4">Next' in text


def test_next_document_is_the_first_not_done_in_the_queue(browser, world, queue_of_five):
    coder = world.users["coderA"]
    set_status(coder, "q000000", "done")
    set_status(coder, "q000001", "done")
    set_status(coder, "q000003", "in_progress")
    db.session.commit()
    b = browser("coderA")
    response = b.get(f"/projects/{world.p1}/next")
    assert response.headers["Location"] == f"/documents/{document_id('q000002')}/annotate"
    set_status(coder, "q000002", "done")
    db.session.commit()
    response = b.get(f"/projects/{world.p1}/next")
    assert response.headers["Location"] == f"/documents/{document_id('q000003')}/annotate"
    for name in ("q000003", "q000004"):
        set_status(coder, name, "done")
    db.session.commit()
    # z000000 is not done either, but it is coderC's.
    assert b.get(f"/projects/{world.p1}/next").headers["Location"] == f"/projects/{world.p1}"


def test_a_queue_of_more_than_33000_documents_renders(browser, world):
    coder = world.users["coderA"]
    add_documents(world.p1, MANY, "m")
    assign(world.p1, coder, "m")
    set_status(coder, "m000000", "done")
    db.session.commit()
    b = browser("coderA")
    response = b.get(f"/projects/{world.p1}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"1 of {MANY} done, page 1 of {-(-MANY // queues.PAGE_SIZE)}." in page
    assert titles(page)[:2] == ["m000000", "m000001"]
    last = b.get(f"/projects/{world.p1}?queue_page=9999").get_data(as_text=True)
    assert titles(last)[-1] == f"m{MANY - 1:06d}"
    assert b.get(f"/projects/{world.p1}/next").headers["Location"] == (
        f"/documents/{document_id('m000001')}/annotate")
