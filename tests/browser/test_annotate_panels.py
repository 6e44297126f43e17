"""The annotation page's panels and commands: undo and redo, deleting with a question first,
the span editor with the actor registry, paragraph notes, "done", and the shortcut overlay."""

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from annotator.extensions import db
from annotator.models import Actor, ActorAlias, Assignment, ParagraphNote, Project, Span
from tests.browser.support import (
    P0,
    P1,
    P2,
    drag_select,
    fresh,
    open_annotate,
    press,
    sign_in,
    span_of,
    stored,
    wait_saved,
)
from tests.browser.test_suggestions import BUDGET, ON_DEMAND, fetched, script_and_style
from tests.helpers import add_member, make_document, make_project, make_user


@pytest.fixture
def doc(app):
    user = make_user("coder1")
    project = make_project()
    add_member(project, user)
    document = make_document(project, "d1", [P0, P1, P2], boilerplate=(2,))
    ukraine = Actor(project_id=project.id, name="Ukraine", entity_type="GPE", country="UKR",
                    sector="GOV")
    ukraine.aliases.append(ActorAlias(project_id=project.id, alias="Kyiv", folded="kyiv"))
    db.session.add(ukraine)
    db.session.flush()
    ids = SimpleNamespace(user=user.id, project=project.id, document=document.id,
                          ukraine=ukraine.id, paragraph=document.paragraphs[0].id)
    db.session.commit()
    return ids


def focus_span(page, aria_label: str) -> None:
    page.locator(f'.sp-start[aria-label="{aria_label}"]').focus()


def test_deleting_a_trigger_asks_first_and_undo_brings_span_and_event_back(page, doc):
    sign_in(page, "coder1")
    open_annotate(page, doc.document)
    drag_select(page, 0, "exchanged")
    press(page, "e", "n")
    event_type = page.get_by_role("combobox", name="Event type")
    event_type.fill("ret")
    event_type.press("Enter")
    wait_saved(page)
    exchanged = span_of(0, "exchanged", "EVENT", P0)

    focus_span(page, "EVENT: exchanged")
    press(page, "Delete")
    question = page.locator("#confirm")
    expect(question).to_contain_text("trigger of 1 event(s), which will be deleted")
    press(page, "Escape")
    expect(question).to_be_hidden()
    assert stored(doc.document).spans == [exchanged]

    focus_span(page, "EVENT: exchanged")
    press(page, "Backspace")
    page.get_by_role("button", name="Delete span").first.click()
    wait_saved(page)
    held = stored(doc.document)
    assert (held.spans, held.events) == ([], [])

    press(page, "Control+z")
    wait_saved(page)
    held = stored(doc.document)
    assert held.spans == [exchanged]
    assert held.events == [("RETREAT", {}, "exchanged", [])]
    expect(page.locator("#events-panel .item")).to_have_text("RETREAT: exchanged — 0 arguments")

    press(page, "Control+y")
    wait_saved(page)
    assert stored(doc.document).spans == []


def test_span_editor_links_actors_by_type_ahead_and_proposes_new_ones(page, doc):
    sign_in(page, "coder1")
    open_annotate(page, doc.document)
    drag_select(page, 1, "Kyiv")
    press(page, "a", "Enter")
    label = page.locator('[data-fk="sp-label"]')
    assert label.evaluate("el => el === document.activeElement")

    search = page.get_by_role("combobox", name="Canonical actor: type to search")
    search.fill("kyi")
    option = page.get_by_role("option", name="Ukraine (GPE, UKR, GOV)")
    expect(option).to_be_visible()
    search.press("ArrowDown")
    search.press("Enter")
    expect(page.locator("#span-panel")).to_contain_text("Linked: Ukraine (GPE, UKR, GOV)")
    wait_saved(page)
    fresh()
    kyiv = db.session.execute(db.select(Span).where(Span.text == "Kyiv")).scalar_one()
    assert kyiv.attrs == {"actor_id": doc.ukraine, "entity_type": "GPE", "country": "UKR",
                          "sector": "GOV"}
    fresh()

    drag_select(page, 0, "Zelensky")
    press(page, "a")
    page.locator('[data-fk="sp-a-entity_type"]').select_option("PER")
    search.fill("Zel")  # not in the registry: the coder proposes it
    expect(page.locator("#span-panel")).to_contain_text("No actor found")
    page.get_by_role("button", name="Propose new actor").click()
    # The form asks for name, type and country, filled in from the span (not the search text).
    form = page.get_by_role("form", name="Propose a new actor")
    expect(form.get_by_role("textbox", name="Name")).to_have_value("Zelensky")
    expect(form.get_by_role("textbox", name="Name")).to_be_focused()
    expect(form.get_by_role("combobox", name="Type")).to_have_value("PER")
    form.get_by_role("textbox", name="Country").fill("ukr")
    form.get_by_role("button", name="Propose").click()
    expect(page.locator("#span-panel")).to_contain_text("Linked: Zelensky (PER, UKR) — proposed")
    wait_saved(page)
    # After a reload, the linked actors are still named.
    page.reload()
    wait_saved(page)
    page.locator('.sp-start[aria-label="ACTOR: Kyiv"]').focus()
    expect(page.locator("#span-panel")).to_contain_text("Linked: Ukraine (GPE, UKR, GOV)")
    page.locator('.sp-start[aria-label="ACTOR: Zelensky"]').focus()
    expect(page.locator("#span-panel")).to_contain_text("Linked: Zelensky (PER, UKR) — proposed")
    fresh()
    actor = db.session.execute(db.select(Actor).where(Actor.name == "Zelensky")).scalar_one()
    zelensky = db.session.execute(db.select(Span).where(Span.text == "Zelensky")).scalar_one()
    assert (actor.proposed, actor.entity_type, actor.country) == (True, "PER", "UKR")
    assert zelensky.attrs == {"entity_type": "PER", "country": "UKR", "actor_id": actor.id}
    fresh()


def test_notes_done_overlay_and_boilerplate(page, doc):
    sign_in(page, "coder1")
    open_annotate(page, doc.document)

    boilerplate = page.locator("details.boilerplate")
    assert not boilerplate.evaluate("el => el.open")
    assert boilerplate.locator('.ptext[data-paragraph="2"]').text_content() == P2

    page.get_by_role("button", name="Notes and flags for paragraph 1").click()
    notes = page.get_by_role("group", name="Notes on paragraph 1")
    notes.get_by_role("combobox", name="Kind").select_option("flag")
    notes.get_by_role("combobox", name="Note text").fill("garbled text")  # with suggestions
    notes.get_by_role("button", name="Add note").click()
    expect(notes).to_contain_text("flag: garbled text — coder1")
    fresh()
    note = db.session.execute(db.select(ParagraphNote)).scalar_one()
    assert (note.paragraph_id, note.kind, note.body) == (doc.paragraph, "flag", "garbled text")
    fresh()

    page.get_by_role("button", name="Mark document done").click()
    expect(page.get_by_role("button", name="Reopen document")).to_be_visible()
    fresh()
    assert db.session.execute(db.select(Assignment.status)).scalar_one() == "done"
    fresh()

    page.locator('.ptext[data-paragraph="0"]').focus()
    press(page, "?")
    overlay = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(overlay).to_be_visible()
    for key, label in [("a", "ACTOR"), ("e", "EVENT"), ("s", "SOURCE"), ("c", "CUE"),
                       ("q", "CONTENT"), ("l", "LOCATION"), ("t", "TIME")]:
        row = overlay.get_by_role("row", name=f"{key} label the selection {label}")
        expect(row).to_be_visible()
    expect(overlay).to_contain_text("new event with this span as trigger")
    press(page, "Escape")
    expect(overlay).to_be_hidden()


def test_page_loads_less_than_100_kb_of_script_and_style(page, doc):
    # The page weight as test_suggestions defines it (there also with suggestions), here for a
    # document with a boilerplate paragraph and an actor registry.
    sign_in(page, "coder1")
    sizes = script_and_style(page)
    open_annotate(page, doc.document)
    page.wait_for_load_state("networkidle")
    assert fetched(sizes, "/js/lib/offsets.js")  # modules are counted
    assert not [path for path in ON_DEMAND if fetched(sizes, path)]
    assert sum(sizes.values()) < BUDGET, sizes


def test_screenshot_script_photographs_the_worked_example(browser, tmp_path):
    # `browser` only makes this skip (or fail in CI) like the other tests when Chromium is absent.
    out = tmp_path / "shot.png"
    script = Path(__file__).resolve().parents[2] / "scripts" / "screenshot.py"
    subprocess.run([sys.executable, str(script), "--out", str(out)], check=True,
                   capture_output=True, timeout=120)
    assert out.read_bytes().startswith(b"\x89PNG")


def test_reviewer_sees_a_coders_layer_but_cannot_change_it(new_page, doc):
    coder = new_page()
    sign_in(coder, "coder1")
    open_annotate(coder, doc.document)
    drag_select(coder, 0, "Zelensky")
    press(coder, "a")
    wait_saved(coder)

    reviewer = make_user("reviewer1")
    add_member(db.session.get(Project, doc.project), reviewer, "reviewer")
    db.session.commit()
    page = new_page()
    sign_in(page, "reviewer1")
    page.goto(f"/documents/{doc.document}/annotate?layer=coder1")
    wait_saved(page)
    expect(page.locator('.sp-start[aria-label="ACTOR: Zelensky"]')).to_be_visible()
    drag_select(page, 0, "Ukraine")
    press(page, "a")
    expect(page.locator("#announce")).to_have_text("Read-only: this is coder1's layer.")
    assert page.locator(".sp-start").count() == 1
    assert page.locator("#done").is_hidden()
    assert stored(doc.document).spans == [span_of(0, "Zelensky", "ACTOR", P0)]
