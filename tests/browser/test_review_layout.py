"""The review page of a real article with two coders' layers: the coders' spans are drawn in the
text, every disagreement sits beside its paragraph and is marked where it is in the text, the
page stays shorter than three screens at 1400×900, and the sticky bar never hides the item the
keyboard moves to.

The article is the shared seed article (read at run time, never copied here); the two coders'
layers below find their spans by short phrases of it.
"""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from annotator.extensions import db
from annotator.models import Assignment, Document
from annotator.services.intake.articles import import_articles
from annotator.services.intake.records import RecordStore
from tests.browser.support import sign_in
from tests.helpers import add_member, make_project, make_user

pytestmark = [pytest.mark.browser, pytest.mark.shared]

# (id, paragraph after the title, first words, last words or None, label): both coders' spans.
SPANS = [
    ("u0", 0, "Ukraine", None, "ACTOR"), ("r0", 0, "Russia", None, "ACTOR"),
    ("x0", 0, "prisoner exchange", None, "EVENT"), ("w0", 0, "this week", None, "TIME"),
    ("i0", 0, "Istanbul", None, "LOCATION"), ("b0", 0, "both sides", None, "SOURCE"),
    ("c0", 0, "said Saturday", None, "CUE"), ("q0", 0, "Ukraine", "in Istanbul", "CONTENT"),
    ("q1", 1, "We continue", "in a week", "CONTENT"),
    ("s1", 1, "Ukrainian President", "Zelensky", "SOURCE"), ("c1", 1, "said on", "media", "CUE"),
    ("s2", 2, "Russia’s Defense", "Ministry", "SOURCE"), ("c2", 2, "said in a", "statement", "CUE"),
    ("q2", 2, "another group", "Kyiv regime", "CONTENT"),
    ("s3", 3, "Ukraine", None, "SOURCE"), ("c3", 3, "also said", None, "CUE"),
    ("q3", 3, "it had received", "from Russia", "CONTENT"),
    ("k3", 3, "Kyiv", None, "SOURCE"), ("a3", 3, "According to", None, "CUE"),
    ("o3", 3, "Moscow claimed", "personnel", "CONTENT"), ("m3", 3, "Moscow", None, "SOURCE"),
    ("l3", 3, "claimed", None, "CUE"), ("t3", 3, "the remains", "citizens", "CONTENT"),
    ("u4", 4, "Ukraine", None, "ACTOR"), ("e4", 4, "returned", None, "EVENT"),
    ("r4", 4, "Russia", None, "ACTOR"),
    ("z5", 5, "Zelensky", None, "ACTOR"), ("f5", 5, "freed Ukrainian", "soldiers", "ACTOR"),
    ("d6", 6, "Russia’s Defense", "Ministry", "ACTOR"),
    ("r7", 7, "Russia", None, "ACTOR"), ("e7", 7, "intensified its", "offensive", "EVENT"),
    ("y7", 7, "Sumy region", None, "LOCATION"), ("k7", 7, "Kursk region", None, "LOCATION"),
    ("z8", 8, "Zelensky", None, "SOURCE"), ("l8", 8, "claimed", None, "CUE"),
    ("q8", 8, "Russia’s advance", "halted", "CONTENT"),
    ("f8", 8, "Ukrainian forces", None, "ACTOR"), ("e8", 8, "retaken", None, "EVENT"),
    ("h8", 8, "He", None, "SOURCE"), ("g8", 8, "estimated", None, "CUE"),
    ("p8", 8, "Russia had deployed", "operation", "CONTENT"),
]
EVENTS = [
    ("ev0", "x0", "RETREAT", {"mode": "release"}, [("actor", "u0"), ("actor", "r0"),
                                                    ("time", "w0")]),
    ("ev4", "e4", "RETREAT", {"mode": "release"}, [("actor", "u4"), ("recipient", "r4")]),
    ("ev7", "e7", "ASSAULT", {}, [("actor", "r7"), ("location", "y7")]),
    ("ev8", "e8", "ASSAULT", {}, [("actor", "f8")]),
]
ATTRIBUTIONS = [
    ("at0", "b0", "c0", "q0", None), ("at1", "s1", "c1", "q1", None),
    ("at2", "s2", "c2", "q2", None), ("at3", "s3", "c3", "q3", None),
    ("at4", "k3", "a3", "o3", None), ("at5", "m3", "l3", "t3", "at4"),
    ("at8", "z8", "l8", "q8", None), ("at9", "h8", "g8", "p8", None),
]
# What the second coder did differently: other boundaries, other labels, less, another type.
BOB_SPANS = {
    "x0": (0, "exchange", None, "EVENT"), "s1": (1, "Volodymyr", "Zelensky", "SOURCE"),
    "c1": (1, "said", None, "CUE"), "t3": (3, "the remains", "personnel", "CONTENT"),
    "d6": (6, "Russia’s Defense", "Ministry", "SOURCE"), "y7": (7, "the northeastern", "region",
                                                               "LOCATION"),
}
BOB_DROPS = {"w0", "k7"}
BOB_TYPES = {"ev7": "COERCE"}


def _span(paragraphs: list[str], uid: str, para: int, first: str, last: str | None,
          label: str) -> dict:
    para += 1  # the seed article's first paragraph is its title
    text = paragraphs[para]
    start = text.index(first)
    end = text.index(last, start) + len(last) if last else start + len(first)
    return {"id": uid, "paragraph": para, "start": start, "end": end, "text": text[start:end],
            "label": label, "attrs": {}}


def coder_record(document: Document, name: str) -> dict:
    """One coder's native record for the seed article (the second coder differs)."""
    paragraphs = [p.text for p in document.paragraphs]
    bob = name != "alice"
    spans = {}
    for uid, para, first, last, label in SPANS:
        if bob and uid in BOB_DROPS:
            continue
        spec = BOB_SPANS.get(uid, (para, first, last, label)) if bob else (para, first, last,
                                                                            label)
        spans[uid] = _span(paragraphs, uid, *spec)
    events = [{"id": uid, "trigger": trigger, "type": BOB_TYPES.get(uid, kind) if bob else kind,
               "attrs": attrs if not bob or uid not in BOB_TYPES else {},
               "arguments": [{"role": role, "span": s} for role, s in arguments if s in spans]}
              for uid, trigger, kind, attrs, arguments in EVENTS]
    attributions = [{"id": uid, "source": [s], "cue": [c], "content": [q],
                     "parent": None if bob else parent, "attrs": {}}
                    for uid, s, c, q, parent in ATTRIBUTIONS]
    if not bob:  # one attribution whose parts lie in two paragraphs, and only alice's
        attributions.append({"id": "atx", "source": ["s2"], "cue": ["c2"], "content": ["q3"],
                             "parent": None, "attrs": {}})
    return {"id": document.external_id, "layer": name,
            "paragraphs": [{"index": p.position, "text": p.text, "boilerplate": p.boilerplate}
                           for p in document.paragraphs],
            "spans": list(spans.values()), "events": events, "attributions": attributions}


def seed_review(shared_dir) -> SimpleNamespace:
    """Import the seed article and two coders' finished layers of it; a reviewer reviews."""
    project = make_project("Seed")
    users = {name: make_user(name) for name in ("alice", "bob", "rev")}
    add_member(project, users["rev"], "reviewer")
    for name in ("alice", "bob"):
        add_member(project, users[name], "coder")
    import_articles(project, [shared_dir / "corpus" / "seed-article.txt"])
    document = db.session.execute(
        db.select(Document).where(Document.project_id == project.id)).scalar_one()
    RecordStore(project).add_all([(coder_record(document, name), name, 1)
                                  for name in ("alice", "bob")])
    for name in ("alice", "bob"):
        db.session.add(Assignment(document_id=document.id, user_id=users[name].id,
                                  status="done"))
    ids = SimpleNamespace(project=project.id, document=document.id,
                          paragraphs=len(document.paragraphs),
                          texts=[p.text for p in document.paragraphs])
    db.session.commit()
    return ids


@pytest.fixture
def seeded(app, shared_dir):
    return seed_review(shared_dir)


def open_review(page, document_id: int) -> None:
    sign_in(page, "rev")
    page.goto(f"/documents/{document_id}/review")
    expect(page.locator("#summary")).to_contain_text("Disagreements open")


def test_review_page_draws_the_coders_spans_in_the_text_within_three_screens(page, seeded):
    open_review(page, seeded.document)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3 * 900, f"the review page is {height} px tall"

    # Every paragraph's text element, with the paragraph's text exactly (tags are drawn by CSS).
    texts = page.locator(".rv-text[data-paragraph]")
    expect(texts).to_have_count(seeded.paragraphs)
    shown = texts.evaluate_all(
        "els => els.map((el) => [Number(el.dataset.paragraph), el.textContent])")
    assert sorted(shown) == [[i, text] for i, text in enumerate(seeded.texts)]
    second = page.locator('.rv-text[data-paragraph="1"]')
    # Spans both coders marked are drawn once, solid; one only alice marked is dashed, tagged #1.
    actor = second.locator('.rv-mark.rv-start[data-label="ACTOR"]').first
    expect(actor).to_have_text("Ukraine")
    expect(actor).not_to_have_class("rv-partial")
    week = second.locator('.rv-mark[data-label="TIME"]')
    expect(week).to_have_text("this week")
    expect(week).to_have_class("rv-mark lvl-0 rv-partial rv-end rv-start")
    assert week.get_attribute("data-tag") == "TIME #1"

    # Each disagreement is a card beside its paragraph, flagged at its place in the text (one
    # of them, alice's attribution across two paragraphs, beside the first).
    cards = page.locator(".rv-para .rv-conflict")
    expect(cards).to_have_count(13)
    expect(page.locator("#announce")).to_be_empty()  # every span fitted its paragraph
    for i in range(cards.count()):
        card = cards.nth(i)
        n = card.get_attribute("data-flag")
        section = card.locator("xpath=ancestor::section[contains(@class, 'rv-para')]")
        flags = section.locator(".rv-text .rv-flagged")
        assert any(f"⚑{n}" in (flags.nth(j).get_attribute("data-flag") or "").split()
                   for j in range(flags.count())), f"no flag {n} in the text of its paragraph"
    # The boilerplate paragraphs with nothing marked are folded into one block.
    expect(page.locator(".rv-boilerplate summary")).to_have_text(
        "¶11–23: 13 boilerplate paragraphs, nothing marked")


def test_a_disagreement_is_found_from_its_place_in_the_text_and_decided_there(page, seeded):
    open_review(page, seeded.document)
    # Click alice's "prisoner exchange" trigger in the text (bob marked "exchange" only): its
    # disagreement card takes focus.
    para = page.locator('.rv-text[data-paragraph="1"]')
    para.locator('.rv-mark.rv-partial.rv-start[data-label="EVENT"]', has_text="prisoner").click()
    card = page.locator(".rv-conflict:focus")
    expect(card).to_have_attribute("data-kind", "span")
    expect(card).to_contain_text("«prisoner exchange»")
    # The card's marks light up in the text while it has focus.
    expect(para.locator('.rv-mark.rv-hl[data-label="EVENT"]')).not_to_have_count(0)
    card_id = card.get_attribute("data-id")
    page.keyboard.press("2")
    expect(page.locator("#announce")).to_contain_text("Use bob's version: saved")
    decided = page.locator(f'.rv-conflict[data-id="{card_id}"]')
    expect(decided).to_have_attribute("data-state", "decided")
    # Gold now holds bob's span, and the text says so where it is.
    expect(para.locator(".rv-mark.rv-in-gold")).to_have_text(["exchange"])
    expect(para.locator(".rv-mark.rv-in-gold")).to_have_attribute("data-tag", "EVENT #2 ✓")

    # An agreed chip: focus shows its actions under the chips; the Accept button accepts it.
    chip = page.locator('.rv-chip[data-kind="span"]', has_text="Istanbul")
    chip.click()
    bar = chip.locator("xpath=ancestor::div[contains(@class, 'rv-agreed-block')]").locator(
        ".rv-chipbar")
    expect(bar).to_contain_text("LOCATION «Istanbul»")
    bar.get_by_role("button", name="Accept").click()
    expect(page.locator("#announce")).to_contain_text("Accept: saved")
    expect(page.locator('.rv-chip[data-kind="span"]', has_text="Istanbul")).to_have_attribute(
        "data-state", "gold")

    # By keyboard: e on a chip opens its editor in the bar; Escape gives focus back to the chip.
    chip = page.locator('.rv-chip[data-kind="span"]', has_text="both sides")
    chip.focus()
    page.keyboard.press("e")
    form = page.locator(".rv-chipbar form.rv-form")
    expect(form.get_by_label("Label")).to_be_focused()
    page.keyboard.press("Escape")
    expect(form).to_have_count(0)
    expect(chip).to_be_focused()
    page.keyboard.press("x")
    expect(page.locator("#announce")).to_contain_text("Reject: saved")
    expect(page.locator('.rv-chip[data-kind="span"]', has_text="both sides")).to_have_attribute(
        "data-state", "rejected")


@pytest.mark.parametrize("width", [1400, 800])
def test_the_sticky_bar_never_hides_the_focused_item(page, seeded, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_review(page, seeded.document)
    items = page.locator(".rv-item")
    count = items.count()
    assert count > 40
    page.locator(".rv-item").first.focus()
    # Down with j to the last item, then back up with k: going up puts items at the top.
    for key in ["j"] * (count - 1) + ["k"] * (count - 1):
        page.keyboard.press(key)
        box = page.evaluate("""() => {
            const bar = document.querySelector('.rv-bar').getBoundingClientRect();
            const item = document.activeElement.getBoundingClientRect();
            return {bar: bar.bottom, top: item.top, bottom: item.bottom,
                    id: document.activeElement.dataset.id};
        }""")
        assert box["top"] >= box["bar"], box
        assert box["bottom"] <= 901, box  # inside the window (sub-pixel rounding)
    # Tab from the bar's buttons backwards reaches items that stay clear of the bar too.
    for _ in range(8):
        page.keyboard.press("Shift+Tab")
        box = page.evaluate("""() => {
            const bar = document.querySelector('.rv-bar').getBoundingClientRect();
            const el = document.activeElement;
            const r = el.getBoundingClientRect();
            return {barTop: bar.top, bar: bar.bottom, top: r.top, bottom: r.bottom,
                    inBar: Boolean(el.closest('.rv-bar'))};
        }""")
        # Inside the bar, or clear of it (above it, at the top of the page, or below it).
        assert box["inBar"] or box["top"] >= box["bar"] or box["bottom"] <= box["barTop"], box
