"""The review page in a real browser: two coders labelled one article differently; the reviewer
accepts what they agree on, takes one side of a span disagreement by keyboard, fixes an event's
arguments in the editor, and gold in the database holds exactly that, with its provenance.
"""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from annotator.extensions import db
from annotator.models import Assignment, Layer
from annotator.services.intake.records import RecordStore
from tests.browser.support import fresh, sign_in, wait_saved
from tests.helpers import add_member, make_document, make_project, make_user

pytestmark = pytest.mark.browser

TEXT = "Ukraine and Russia exchanged prisoners of war, officials said."


def coder_record(name: str, russia: str, russia_acts: bool) -> dict:
    def span(uid, start, end, label, **attrs):
        return {"id": uid, "paragraph": 0, "start": start, "end": end, "label": label,
                "text": TEXT[start:end], "attrs": attrs}

    attrs = {"entity_type": "GPE"} if russia == "ACTOR" else {}
    arguments = [{"role": "actor", "span": "u"}] + (
        [{"role": "actor", "span": "r"}] if russia_acts else [])
    return {"id": "swap", "layer": name, "paragraphs": [{"index": 0, "text": TEXT}],
            "spans": [span("u", 0, 7, "ACTOR", entity_type="GPE"),
                      span("r", 12, 18, russia, **attrs), span("x", 19, 28, "EVENT")],
            "events": [{"id": "ev", "trigger": "x", "type": "RETREAT",
                        "attrs": {"mode": "release"}, "arguments": arguments}]}


@pytest.fixture
def doc(app):
    project = make_project()
    users = {name: make_user(name) for name in ("alice", "bob", "rev")}
    add_member(project, users["rev"], "reviewer")
    add_member(project, users["alice"])
    add_member(project, users["bob"])
    document = make_document(project, "swap", [TEXT], title="Prisoner exchange")
    RecordStore(project).add_all([(coder_record("alice", "ACTOR", True), "a", 1),
                                  (coder_record("bob", "LOCATION", False), "b", 1)])
    for name in ("alice", "bob"):
        db.session.add(Assignment(document_id=document.id, user_id=users[name].id,
                                  status="done"))
    ids = SimpleNamespace(document=document.id)
    db.session.commit()
    return ids


def saved(page, what: str) -> None:
    expect(page.locator("#announce")).to_contain_text(f"{what}: saved")


def test_reviewer_adjudicates_two_coders_into_gold(page, doc):
    sign_in(page, "rev")
    page.goto(f"/documents/{doc.document}/review")
    expect(page.locator("#summary")).to_contain_text("Agreed items open: 2 of 2")
    russia = page.locator('.rv-item[data-id="cs0-12-18"]')
    expect(russia).to_contain_text("alice")
    expect(russia).to_contain_text("bob")
    expect(russia.locator(".rv-version").nth(1)).to_contain_text("LOCATION «Russia»")

    # Mouse: accept what both coders marked alike (Ukraine, the trigger "exchanged").
    page.get_by_role("button", name="Accept all agreed").click()
    saved(page, "Accept all agreed")
    expect(page.locator("#summary")).to_contain_text("Agreed items open: 0 of 2")

    # Keyboard: on the Russia disagreement, 1 takes the first coder's (alice's) version.
    russia.focus()
    page.keyboard.press("1")
    saved(page, "Use alice's version")
    expect(russia).to_have_attribute("data-state", "decided")

    # Keyboard into the editor: start from bob's event and add the argument only alice gave.
    event = page.locator('.rv-item[data-id="ce0-19-28"]')
    event.focus()
    page.keyboard.press("e")
    form = event.locator("form.rv-form")
    expect(form.get_by_label("Start from")).to_be_focused()
    form.get_by_label("Start from").select_option(label="bob's version")
    russia_argument = form.locator(".rv-check", has_text="actor «Russia»").locator("input")
    expect(russia_argument).not_to_be_checked()
    russia_argument.check()
    form.get_by_label("Note (optional)").fill("Both sides released prisoners.")
    form.get_by_role("button", name="Save").click()
    saved(page, "Edit")
    expect(event).to_have_attribute("data-state", "decided")
    expect(event.locator(".rv-decision")).to_contain_text("rev edited")
    expect(page.locator(".rv-gold")).to_contain_text("RETREAT/release trigger «exchanged»")

    fresh()
    gold = db.session.execute(db.select(Layer).where(
        Layer.document_id == doc.document, Layer.kind == "gold")).scalar_one()
    assert gold.version == 3
    spans = {(s.text, s.label): s.provenance for s in gold.spans}
    assert set(spans) == {("Ukraine", "ACTOR"), ("exchanged", "EVENT"), ("Russia", "ACTOR")}
    assert [f["coder"] for f in spans[("Ukraine", "ACTOR")]["from"]] == ["alice", "bob"]
    assert spans[("Russia", "ACTOR")]["from"] == [{"coder": "alice", "id": "r"}]
    assert {p["adjudicator"] for p in spans.values()} == {"rev"}
    [gold_event] = gold.events
    assert (gold_event.event_type, gold_event.attrs) == ("RETREAT", {"mode": "release"})
    assert sorted((a.role, a.span.text) for a in gold_event.arguments) == [
        ("actor", "Russia"), ("actor", "Ukraine")]
    assert [f["coder"] for f in gold_event.provenance["from"]] == ["alice", "bob"]
    assert gold_event.provenance["note"] == "Both sides released prisoners."
    # Coder work is never overwritten: bob's event still has its one argument.
    bob = db.session.execute(db.select(Layer).where(
        Layer.document_id == doc.document, Layer.kind == "coder",
        Layer.user_id != None)).scalars().all()  # noqa: E711
    assert sorted(len(e.arguments) for layer in bob for e in layer.events) == [1, 2]
    fresh()


def test_reviewer_on_the_gold_layer_is_not_offered_mark_document_done(page, doc):
    # Marking done is about one's own assignment (the API answers 403 to a reviewer on gold).
    sign_in(page, "rev")
    page.goto(f"/documents/{doc.document}/review")
    page.get_by_role("link", name="Edit gold in the annotation page").click()
    page.wait_for_url(lambda url: "layer=gold" in url)
    wait_saved(page)
    expect(page.get_by_role("button", name="Mark document done")).to_have_count(0)
    expect(page.get_by_role("button", name="Reopen document")).to_have_count(0)
