"""The annotation page in a real browser: labelling by mouse and keyboard, events, nested
attribution, saving through failures and conflicts, and article text that looks like HTML.

What a test checks is what a coder relies on: what the page shows, and what the database holds.
"""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from annotator.codebook import default_codebook
from annotator.extensions import db
from tests.browser.support import (
    CLAIM,
    P0,
    P1,
    P2,
    double_click_word,
    drag_select,
    focused_label,
    open_annotate,
    press,
    selected_text,
    sign_in,
    span_of,
    stored,
    wait_saved,
)
from tests.helpers import add_member, make_document, make_project, make_user


@pytest.fixture
def doc(app):
    user = make_user("coder1")
    project = make_project()
    add_member(project, user)
    document = make_document(project, "d1", [P0, P1, P2], title="Prisoner exchange",
                             boilerplate=(2,))
    ids = SimpleNamespace(user=user.id, project=project.id, document=document.id)
    db.session.commit()
    return ids


def test_mouse_selection_and_shortcut_store_code_point_offsets(page, doc):
    sign_in(page, "coder1")
    open_annotate(page, doc.document)

    drag_select(page, 0, "Zelensky")
    assert selected_text(page) == "Zelensky"
    page.keyboard.press("a")
    double_click_word(page, 0, "exchanged")
    page.keyboard.press("e")

    zelensky = page.locator('.sp-start[data-label="ACTOR"]')
    assert zelensky.get_attribute("aria-label") == "ACTOR: Zelensky"
    assert zelensky.text_content() == "Zelensky"
    wait_saved(page)
    spans = stored(doc.document).spans
    assert spans == sorted([span_of(0, "Zelensky", "ACTOR", P0),
                            span_of(0, "exchanged", "EVENT", P0)])
    # The stored text is the paragraph's slice in Python, not a UTF-16 slice.
    for _, start, end, _, text in spans:
        assert P0[start:end] == text


def test_nested_spans_event_and_nested_attribution_by_keyboard_survive_reload(page, doc):
    sign_in(page, "coder1")
    open_annotate(page, doc.document)

    # Paragraph 1: words are reached with Ctrl+arrows, never splitting the emoji before them.
    page.locator('.ptext[data-paragraph="0"]').focus()
    press(page, "Home", "Control+ArrowRight", "Control+ArrowRight", "Control+Shift+ArrowRight")
    assert selected_text(page) == "Ukraine"
    press(page, "a")
    assert focused_label(page) == "ACTOR: Ukraine"
    press(page, "ArrowRight", "Control+ArrowRight", "Control+Shift+ArrowRight", "a")
    press(page, "ArrowRight", "Control+Shift+ArrowRight", "e")
    assert focused_label(page) == "EVENT: exchanged"

    # n: a new event on the focused trigger, open for pointing; F2 to its type and mode, F2 back,
    # then the two actors: each focused and linked with its role's key.
    press(page, "n")
    expect(page.locator('.sp-start[aria-label="EVENT: exchanged"]')).to_be_focused()
    press(page, "F2")
    event_type = page.get_by_role("combobox", name="Event type")
    expect(event_type).to_be_focused()
    press(page, "Control+a", "r", "e", "t", "Enter")
    expect(event_type).to_have_value("RETREAT")
    page.locator('[data-fk="ev-mode"]').select_option("release")
    press(page, "F2")
    expect(page.locator('.sp-start[aria-label="EVENT: exchanged"]')).to_be_focused()
    press(page, "Shift+Tab", "a", "Shift+Tab", "a")

    # Paragraph 2: the outer attribution's parts, then a SOURCE nested inside its CONTENT.
    press(page, "Escape")  # the event is done: close it
    page.locator('.ptext[data-paragraph="1"]').focus()
    press(page, "Home", "Control+Shift+ArrowRight", "Control+Shift+ArrowRight", "c")
    press(page, "ArrowRight", "Control+Shift+ArrowRight", "s")
    press(page, "ArrowRight", *["Control+Shift+ArrowRight"] * 9)
    assert selected_text(page).strip() == CLAIM
    press(page, "q")
    press(page, "ArrowLeft", "Control+Shift+ArrowRight", "s")
    assert focused_label(page) == "SOURCE: Moscow"
    press(page, "ArrowRight", "Control+Shift+ArrowRight", "c")
    press(page, "ArrowRight", *["Control+Shift+ArrowRight"] * 7, "q")
    assert focused_label(page) == "CONTENT: the remains were those of Ukrainian citizens"

    # r on a focused CUE: a new attribution; its source and content are pointed at, each
    # focused and linked with its role's key.
    page.locator('.ptext[data-paragraph="1"]').focus()
    press(page, "Tab")
    assert focused_label(page) == "CUE: According to"
    press(page, "r")
    page.locator('.sp-start[aria-label="SOURCE: Kyiv"]').focus()
    press(page, "s")
    page.locator(f'.sp-start[aria-label="CONTENT: {CLAIM}"]').focus()
    press(page, "q")

    page.locator('.sp-start[aria-label="CUE: claimed"]').focus()
    press(page, "r")
    page.locator('.sp-start[aria-label="SOURCE: Moscow"]').focus()
    press(page, "s")
    inner = "the remains were those of Ukrainian citizens"
    page.locator(f'.sp-start[aria-label="CONTENT: {inner}"]').focus()
    press(page, "q")
    page.locator('[data-fk="at-parent"]').select_option(index=1)  # A1, the only other one

    wait_saved(page)
    page.reload()
    wait_saved(page)

    # After a reload the page draws everything again, from the server.
    assert page.locator(".sp-start").count() == 9
    nested = page.locator('.sp-start[aria-label="SOURCE: Moscow"]')
    assert nested.evaluate("el => el.parentElement.closest('.sp').dataset.label") == "CONTENT"
    assert page.locator("#events-panel .item").all_inner_texts() == [
        "RETREAT/release: exchanged — 2 arguments"]
    attributions = page.locator("#attributions-panel .item").all_inner_texts()
    assert len(attributions) == 2
    assert attributions[1].startswith("inside A1: A2 · Moscow · claimed")

    held = stored(doc.document)
    assert held.spans == sorted([
        span_of(0, "Ukraine", "ACTOR", P0), span_of(0, "Russia", "ACTOR", P0),
        span_of(0, "exchanged", "EVENT", P0),
        span_of(1, "According to", "CUE", P1), span_of(1, "Kyiv", "SOURCE", P1),
        span_of(1, CLAIM, "CONTENT", P1),
        span_of(1, "Moscow", "SOURCE", P1), span_of(1, "claimed", "CUE", P1),
        span_of(1, "the remains were those of Ukrainian citizens", "CONTENT", P1),
    ])
    assert held.events == [("RETREAT", {"mode": "release"}, "exchanged",
                            [("actor", "Russia"), ("actor", "Ukraine")])]
    outer = next(a for a in held.attributions.values() if a.parent is None)
    inner = next(a for a in held.attributions.values() if a.parent is not None)
    assert held.attributions[inner.parent] is outer
    assert outer.parts == [("content", CLAIM),
                           ("cue", "According to"), ("source", "Kyiv")]
    assert inner.parts == [("content", "the remains were those of Ukrainian citizens"),
                           ("cue", "claimed"), ("source", "Moscow")]


CHANGES = "**/api/layers/*/changes"


def queued_in_storage(page) -> list:
    """The change batches this browser keeps in localStorage for unsaved work."""
    return page.evaluate("""() => Object.keys(localStorage)
        .filter((key) => key.startsWith("annotator:outbox:"))
        .flatMap((key) => JSON.parse(localStorage.getItem(key)).batches)""")


def leaving_would_warn(page) -> bool:
    return page.evaluate("""() => {
        const event = new Event("beforeunload", {cancelable: true});
        window.dispatchEvent(event);
        return event.defaultPrevented;
    }""")


def test_change_made_while_server_unreachable_is_kept_and_saved_once_it_answers(page, doc):
    sign_in(page, "coder1")
    open_annotate(page, doc.document)
    assert not leaving_would_warn(page)
    page.route(CHANGES, lambda route: route.abort())

    drag_select(page, 0, "Zelensky")
    press(page, "a")
    expect(page.locator("#save-status")).to_contain_text("1 change not saved")
    assert [b["changes"][0]["span"]["text"] for b in queued_in_storage(page)] == ["Zelensky"]
    assert leaving_would_warn(page)
    assert stored(doc.document).spans == []

    # A server error keeps the change too.
    page.unroute(CHANGES)
    page.route(CHANGES, lambda route: route.fulfill(
        status=500, content_type="application/json",
        body='{"error": "server_error", "message": "boom"}'))
    page.get_by_role("button", name="Retry now").click()
    expect(page.locator("#save-status")).to_contain_text(
        "1 change not saved: the server could not save them (500)")
    assert stored(doc.document).spans == []

    page.unroute(CHANGES)  # the server answers again: the retry goes through by itself
    wait_saved(page, timeout=30000)
    assert stored(doc.document).spans == [span_of(0, "Zelensky", "ACTOR", P0)]
    assert queued_in_storage(page) == []
    assert not leaving_would_warn(page)


def test_change_left_unsaved_in_a_closed_tab_is_sent_when_the_document_is_reopened(new_page, doc):
    page = new_page()
    sign_in(page, "coder1")
    open_annotate(page, doc.document)
    page.route(CHANGES, lambda route: route.abort())
    drag_select(page, 0, "Zelensky")
    press(page, "a")
    expect(page.locator("#save-status")).to_contain_text("1 change not saved")
    context = page.context
    page.close()

    again = new_page(context)
    open_annotate(again, doc.document)
    expect(again.locator("#announce")).to_contain_text("Restored 1 unsaved change")
    assert stored(doc.document).spans == [span_of(0, "Zelensky", "ACTOR", P0)]
    assert again.locator('.sp-start[aria-label="ACTOR: Zelensky"]').count() == 1


def test_expired_session_keeps_the_change_until_the_coder_signs_in_again(page, doc):
    sign_in(page, "coder1")
    open_annotate(page, doc.document)
    page.context.clear_cookies()  # the session expires while the coder works

    drag_select(page, 0, "Zelensky")
    press(page, "a")
    status = page.locator("#save-status")
    expect(status).to_contain_text("Signed out — sign in again in another tab")
    expect(status).to_contain_text("1 change not saved")
    assert page.locator("#signin").is_visible()

    other_tab = page.context.new_page()
    sign_in(other_tab, "coder1")  # a new session, so the page's CSRF token is void as well
    other_tab.close()
    page.locator("#retry").click()
    wait_saved(page, timeout=30000)
    assert stored(doc.document).spans == [span_of(0, "Zelensky", "ACTOR", P0)]


def test_save_from_a_stale_page_that_marks_the_same_text_asks_and_overwrites_nothing(new_page, doc):
    # Unrelated changes from a stale page are rebased without asking (test_two_tabs.py); the
    # same span marked on both sides is a true conflict.
    first = new_page()
    sign_in(first, "coder1")
    open_annotate(first, doc.document)

    # The same coder saves from another browser while the first page is open.
    second = new_page()
    sign_in(second, "coder1")
    open_annotate(second, doc.document)
    drag_select(second, 1, "Kyiv")
    press(second, "s")
    wait_saved(second)
    version = stored(doc.document).version

    drag_select(first, 1, "Kyiv")
    press(first, "s")
    conflict = first.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("This document was changed elsewhere")
    expect(conflict).to_contain_text("marked both here and elsewhere")
    expect(conflict).to_contain_text("added SOURCE: Kyiv")
    expect(conflict).to_contain_text("add SOURCE: Kyiv")
    expect(first.locator("#save-status")).to_contain_text("1 change not saved")
    held = stored(doc.document)
    assert (held.version, held.spans) == (version, [span_of(1, "Kyiv", "SOURCE", P1)])

    # Applying it anyway: the server refuses the duplicate, and the page takes it back.
    first.get_by_role("button", name="Apply my changes to the saved version").click()
    wait_saved(first)
    expect(first.locator("#announce")).to_contain_text("already marks the same text")
    assert stored(doc.document).spans == [span_of(1, "Kyiv", "SOURCE", P1)]
    assert first.locator(".sp-start").count() == 1
    assert first.locator("#conflict").is_hidden()


SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"


def test_article_and_codebook_text_that_looks_like_html_is_shown_literally(page, app, watch):
    book = default_codebook()
    book["span_labels"][0]["description"] = IMAGE
    book["guidelines"][0]["text"] = SCRIPT
    user = make_user("coder1")
    project = make_project("XSS", codebook=book)
    add_member(project, user)
    paragraphs = [f"Before {SCRIPT} after.", f"{IMAGE} and {{{{7*7}}}}"]
    document = make_document(project, "xss", paragraphs, title=IMAGE)
    document_id = document.id
    db.session.commit()

    sign_in(page, "coder1")
    open_annotate(page, document_id)
    texts = page.locator(".ptext")
    assert texts.all_text_contents() == paragraphs
    assert page.locator("h1").first.text_content() == IMAGE
    assert page.locator("#guidelines-panel").text_content().count(IMAGE) == 1
    page.locator("#guidelines-panel summary").first.click()
    expect(page.locator("#guidelines-panel")).to_contain_text(SCRIPT)
    assert page.locator("main img, main script:not([type='application/json'])").count() == 0
    # The payload's text can be labelled like any other, with the right offsets.
    drag_select(page, 0, "alert(1)")
    press(page, "q")
    wait_saved(page)
    start = paragraphs[0].index("alert(1)")
    assert stored(document_id).spans == [(0, start, start + 8, "CONTENT", "alert(1)")]
    # Nothing ran (no dialog: the page fixture fails on any) and nothing fetched "x".
    assert not [url for url in watch.requests if url.rstrip("/").endswith("/x")]
