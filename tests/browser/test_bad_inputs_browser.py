"""Checklist items that need a real browser (items 1-3 and 27 of the bad-inputs checklist).

Markup planted in every text a user controls (article title and paragraphs, project name, user
name, note, adjudication note, codebook descriptions, values, modes and guidelines) is opened on
every page that shows it by a higher-privileged user; the `new_page` fixture fails the test on
any dialog, script error, CSP violation or request to a host other than 127.0.0.1.
"""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from annotator.codebook import default_codebook, validate
from annotator.extensions import db
from annotator.models import Assignment, ParagraphNote
from annotator.services.intake.records import RecordStore
from annotator.services.review.decisions import decide
from tests.browser.support import drag_select, open_annotate, press, sign_in, stored, wait_saved
from tests.helpers import add_member, make_document, make_project, make_user

IMG = "<img src=http://canary.invalid/x onerror=alert(1)>"
SCRIPT = "</script><script>alert(2)</script>"
SVG = "<svg/onload=alert(3)>"  # no spaces: a valid user name
TEXT = f"Kyiv {IMG} said {SCRIPT} and {{{{7*7}}}} <a href=javascript:alert(4)>x</a>."


def _book() -> dict:
    book = default_codebook()
    book["span_labels"][0]["description"] = IMG
    book["span_labels"][0]["attributes"][0]["values"].append(SCRIPT)
    next(t for t in book["event_types"] if t["name"] == "RETREAT")["modes"].append(IMG)
    book["guidelines"][0]["title"] = SCRIPT
    return validate(book)  # the codebook check accepts all this: it is text, shown as text


@pytest.fixture
def planted(app):
    project = make_project(f"Project {SVG}", codebook=_book())
    coder, other, reviewer = make_user(SVG), make_user("bob"), make_user("rev")
    add_member(project, coder)
    add_member(project, other)
    add_member(project, reviewer, "reviewer")
    document = make_document(project, "xss", [TEXT], title=f"Title {IMG}")
    for name in (SVG, "bob"):
        record = {"id": "xss", "layer": name, "paragraphs": [{"index": 0, "text": TEXT}],
                  "spans": [{"id": "k", "paragraph": 0, "start": 0, "end": 4, "label": "ACTOR",
                             "attrs": {"entity_type": SCRIPT}}]}
        RecordStore(project).add_all([(record, "planted", 1)])
    for user in (coder, other):
        db.session.add(Assignment(document_id=document.id, user_id=user.id, status="done"))
    db.session.add(ParagraphNote(paragraph_id=document.paragraphs[0].id, user_id=coder.id,
                                 kind="comment", body=f"Note {IMG} {SCRIPT}"))
    decide(document, reviewer, {"action": "accept_agreed", "note": f"Decided {IMG}",
                                "gold_version": 0})
    ids = SimpleNamespace(project=project.id, document=document.id)
    db.session.commit()
    return ids


def _no_markup_ran(page) -> None:
    """Nothing the payloads hold became an element or attribute of the page."""
    assert page.locator("[onerror], [onload], a[href^='javascript:']").count() == 0
    assert page.locator("img[src*='canary'], main script:not([type])").count() == 0


def test_planted_markup_shows_as_text_on_every_page_a_reviewer_opens(new_page, planted, watch):
    page = new_page()
    sign_in(page, "rev")
    pages = [("/", f"Project {SVG}"), (f"/projects/{planted.project}", f"Title {IMG}"),
             (f"/projects/{planted.project}/agreement", SVG),
             (f"/documents/{planted.document}/review", TEXT),
             (f"/documents/{planted.document}/history", f"Decided {IMG}")]
    for url, shown in pages:
        page.goto(url)
        expect(page.locator("main")).to_contain_text(shown)
        _no_markup_ran(page)
    page.goto(f"/documents/{planted.document}/annotate?layer={SVG}")
    expect(page.locator(".ptext").first).to_have_text(TEXT)
    page.get_by_role("button", name="Notes and flags for paragraph 1").click()
    expect(page.get_by_role("group", name="Notes on paragraph 1")).to_contain_text(
        f"Note {IMG} {SCRIPT}")
    page.locator("#guidelines-panel summary").first.click()
    expect(page.locator("#guidelines-panel")).to_contain_text(SCRIPT)
    _no_markup_ran(page)
    assert not [url for url in watch.requests if "canary" in url]


@pytest.fixture
def scripts(app):
    user = make_user("coder1")
    project = make_project()
    add_member(project, user)
    paragraph = "क्षत्रिय बोले 𠀀 قال ١٢٣ مسؤولون Kyiv 😀 e\u0301 done."
    document = make_document(project, "scripts", [paragraph])
    ids = SimpleNamespace(document=document.id, text=paragraph)
    db.session.commit()
    return ids


def test_selections_in_devanagari_after_cjk_and_arabic_store_code_point_offsets(page, scripts):
    sign_in(page, "coder1")
    open_annotate(page, scripts.document)
    for word, key in (("क्षत्रिय", "l"), ("Kyiv", "a"), ("done", "t")):
        drag_select(page, 0, word)
        press(page, key)
    wait_saved(page)
    spans = stored(scripts.document).spans
    assert [(s[1], s[2], s[4]) for s in spans] == [
        (scripts.text.index(w), scripts.text.index(w) + len(w), w)
        for w in ("क्षत्रिय", "Kyiv", "done")]
    page.reload()
    expect(page.locator('.sp-start[aria-label="ACTOR: Kyiv"]')).to_have_text("Kyiv")
