"""Building events and attributions by pointing at the text, counted in the coder's actions.

Each test drives the page as a coder would (every key press, click and selection gesture is
counted), then reads the layer back through the API: the frames hold exactly the spans the
coder pointed at, and nothing the tool only proposed.
"""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from annotator.extensions import db
from annotator.services import annotating
from tests.browser.support import (
    CLAIM,
    P0,
    P1,
    Actions,
    frames_by_text,
    layer_json,
    open_annotate,
    sign_in,
    wait_saved,
)
from tests.browser.test_axe import check
from tests.helpers import add_member, make_document, make_project, make_user

INNER = "the remains were those of Ukrainian citizens"
WAR = "Ukraine and Russia exchanged prisoners of war"


def seed(user, document, paragraphs, spans, events=(), attributions=()):
    """Give the user's layer spans [(id, paragraph, text, label)] and frames, before the page."""
    layer = annotating.create_layer(document, "coder", user)
    changes = []
    for uid, index, text, label in spans:
        start = paragraphs[index].index(text)
        changes.append({"op": "add_span", "span": {"id": uid, "paragraph": index, "start": start,
                                                   "end": start + len(text), "label": label,
                                                   "attrs": {}}})
    changes += [{"op": "add_event", "event": e} for e in events]
    changes += [{"op": "add_attribution", "attribution": a} for a in attributions]
    annotating.apply_changes(layer, user, {"change_id": "seed", "base_version": 0,
                                           "changes": changes})


@pytest.fixture
def make_doc(app):
    def make(spans=(), events=(), attributions=()):
        user = make_user("coder1")
        project = make_project()
        add_member(project, user)
        document = make_document(project, "d1", [P0, P1])
        if spans:
            seed(user, document, [P0, P1], spans, events, attributions)
        ids = SimpleNamespace(document=document.id)
        db.session.commit()
        return ids
    return make


def bar(page):
    return page.get_by_role("region", name="Open frame")


def span_texts_fit(layer: dict) -> None:
    """Every stored span's text is its paragraph's slice in code points (Python's)."""
    for span in layer["spans"]:
        assert [P0, P1][span["paragraph"]][span["start"]:span["end"]] == span["text"]


def test_attribution_from_three_fresh_selections_takes_six_actions(page, make_doc):
    # "Russia" is a free SOURCE in the same sentence: proposed, but not linked unless accepted.
    # "Kyiv" is a SOURCE of another paragraph: never proposed.
    doc = make_doc(spans=[("russia", 0, "Russia", "SOURCE"), ("kyiv", 1, "Kyiv", "SOURCE")])
    sign_in(page, "coder1")
    open_annotate(page, doc.document)
    act = Actions(page)

    act.select(0, "said")
    act.press("r")
    expect(bar(page)).to_contain_text("Proposed: source: “Russia”")
    expect(page.locator('.sp-start[aria-label="SOURCE: Russia"] .fm.pr')).to_have_count(1)
    wait_saved(page)
    (proposed,) = layer_json(page, doc.document)["attributions"]
    assert (proposed["source"], proposed["content"]) == ([], [])  # shown, not applied

    act.select(0, "Zelensky")
    act.press("s")
    act.select(0, WAR)
    act.press("q")
    wait_saved(page)
    assert act.count <= 6

    layer = layer_json(page, doc.document)
    span_texts_fit(layer)
    assert frames_by_text(layer)["attributions"] == [(("Zelensky",), ("said",), (WAR,), None)]
    assert sorted((s["text"], s["label"]) for s in layer["spans"]) == [
        ("Kyiv", "SOURCE"), ("Russia", "SOURCE"), (WAR, "CONTENT"), ("Zelensky", "SOURCE"),
        ("said", "CUE")]
    # The frame is drawn on its parts: a chip on the source and cue, brackets round the content.
    text = page.locator('.ptext[data-paragraph="0"]')
    source = text.locator('.sp-start[data-label="SOURCE"][aria-label="SOURCE: Zelensky"] .fm')
    expect(source).to_have_attribute("data-t", "A1·src")
    expect(text.locator('.sp-start[data-label="CUE"] .fm')).to_have_attribute("data-t", "A1·cue")
    expect(text.locator(".fm.open")).to_have_attribute("data-t", "A1[")
    expect(text.locator(".fm.close")).to_have_attribute("data-t", "]A1")
    assert text.text_content() == P0  # marks add nothing to the text


def test_event_with_trigger_and_two_fresh_arguments_takes_six_actions(page, make_doc):
    # Zelensky is an actor of another event: never proposed. "prisoners" is free: proposed only.
    doc = make_doc(
        spans=[("zel", 0, "Zelensky", "ACTOR"), ("said", 0, "said", "EVENT"),
               ("pows", 0, "prisoners", "ACTOR")],
        events=[{"id": "e0", "trigger": "said", "type": "CONSULT", "attrs": {},
                 "arguments": [{"role": "actor", "span": "zel"}]}])
    sign_in(page, "coder1")
    open_annotate(page, doc.document)
    act = Actions(page)

    act.select(0, "exchanged")
    act.press("n")
    expect(bar(page)).to_contain_text("Proposed: actor: “prisoners”")
    expect(bar(page)).not_to_contain_text("Zelensky")
    act.select(0, "Ukraine")
    act.press("a")
    expect(bar(page)).not_to_contain_text("Proposed")  # the actor role is filled now
    act.select(0, "Russia")
    act.press("a")
    wait_saved(page)
    assert act.count <= 6

    layer = layer_json(page, doc.document)
    span_texts_fit(layer)
    assert frames_by_text(layer)["events"] == [
        ("exchanged", "OTHER", [("actor", "Russia"), ("actor", "Ukraine")]),
        ("said", "CONSULT", [("actor", "Zelensky")]),
    ]
    text = page.locator('.ptext[data-paragraph="0"]')
    mark = '.sp-start[aria-label="{}"] .fm'
    expect(text.locator(mark.format("EVENT: exchanged"))).to_have_attribute("data-t", "E2")
    expect(text.locator(mark.format("ACTOR: Russia"))).to_have_attribute("data-t", "E2·actor")
    # The open frame's parts are highlighted together, and only they.
    highlighted = text.locator(".sp-start.on").evaluate_all(
        "els => els.map((e) => e.getAttribute('aria-label')).sort()")
    assert highlighted == ["ACTOR: Russia", "ACTOR: Ukraine", "EVENT: exchanged"]


def build_nested_pair(act, page):
    """The Kyiv/Moscow pair: outer attribution first, then the inner one and its proposals."""
    act.select(1, "According to")
    act.press("r")
    act.select(1, "Kyiv")
    act.press("s")
    act.select(1, CLAIM)
    act.press("q")
    act.select(1, "claimed")
    act.press("r")
    act.select(1, "Moscow")  # a drag from the first letter of a span (the outer content)
    act.press("s")


def test_nested_pair_takes_at_most_twelve_actions_and_nests_only_when_accepted(page, make_doc):
    doc = make_doc()
    sign_in(page, "coder1")
    open_annotate(page, doc.document)
    act = Actions(page)

    build_nested_pair(act, page)
    expect(bar(page)).to_contain_text("nest A2 inside A1")
    expect(bar(page)).to_contain_text(f"content: “{INNER}” (new span)")
    wait_saved(page)
    before = frames_by_text(layer_json(page, doc.document))["attributions"]
    assert before == [(("Kyiv",), ("According to",), (CLAIM,), None),
                      (("Moscow",), ("claimed",), (), None)]
    check(page, "annotation page with a frame open, its editor and proposals")  # axe-core
    act.press("y")
    wait_saved(page)
    assert act.count <= 12

    layer = layer_json(page, doc.document)
    span_texts_fit(layer)
    assert frames_by_text(layer)["attributions"] == [
        (("Kyiv",), ("According to",), (CLAIM,), None),
        (("Moscow",), ("claimed",), (INNER,), "According to"),
    ]
    # Nesting is drawn as nesting: the inner content's brackets sit inside the outer content.
    outer = page.locator(f'.sp-start[aria-label="CONTENT: {CLAIM}"]').get_attribute("data-span-id")
    outer_pieces = page.locator(f'.sp[data-span-id="{outer}"]')
    expect(outer_pieces.locator('.fm.open[data-t="A1›A2["]')).to_have_count(1)
    expect(outer_pieces.locator('.fm.chip[data-t="A2·src"]')).to_have_count(1)
    expect(outer_pieces.locator('.fm.close')).to_have_text(["", ""])  # ]A2 then ]A1
    assert outer_pieces.locator(".fm.close").evaluate_all(
        "els => els.map((e) => e.dataset.t)") == ["]A2", "]A1"]


def test_dismissed_proposals_link_nothing(page, make_doc):
    doc = make_doc()
    sign_in(page, "coder1")
    open_annotate(page, doc.document)
    act = Actions(page)
    build_nested_pair(act, page)
    act.press("x")
    expect(bar(page)).not_to_contain_text("Proposed")
    wait_saved(page)
    attributions = frames_by_text(layer_json(page, doc.document))["attributions"]
    assert attributions[1] == (("Moscow",), ("claimed",), (), None)


def test_outer_attribution_built_last_offers_to_nest_the_inner_one(page, make_doc):
    doc = make_doc()
    sign_in(page, "coder1")
    open_annotate(page, doc.document)
    act = Actions(page)
    act.select(1, "claimed")
    act.press("r")
    act.select(1, "Moscow")
    act.press("s")
    act.select(1, INNER)
    act.press("q")
    # Labelling on in another paragraph with a label's key labels only: the open frame is not
    # this paragraph's.
    act.select(0, "Zelensky")
    act.press("s")
    act.select(1, "According to")
    act.press("r")
    act.select(1, "Kyiv")
    act.press("s")
    act.select(1, CLAIM)
    act.press("q")
    expect(bar(page)).to_contain_text("Proposed: nest A1 inside A2")
    wait_saved(page)
    assert [a[3] for a in frames_by_text(layer_json(page, doc.document))["attributions"]] == [
        None, None]
    act.press("y")
    wait_saved(page)
    assert act.count <= 15  # 14 for the pair's parts and the free span, 1 to accept
    layer = layer_json(page, doc.document)
    assert frames_by_text(layer)["attributions"] == [
        (("Kyiv",), ("According to",), (CLAIM,), None),
        (("Moscow",), ("claimed",), (INNER,), "According to"),
    ]
    assert ("Zelensky", "SOURCE") in [(s["text"], s["label"]) for s in layer["spans"]]


def test_frames_are_built_with_the_mouse_alone(page, make_doc):
    doc = make_doc(spans=[("russia", 0, "Russia", "ACTOR")])
    sign_in(page, "coder1")
    open_annotate(page, doc.document)
    act = Actions(page)
    palette = page.get_by_role("toolbar", name="Labels and frames")

    # Attribution: selection, then a palette or role button, for each part.
    act.select(1, "According to")
    act.click(palette.get_by_role("button", name="New attribution"))
    act.select(1, "Kyiv")
    act.click(bar(page).locator('[data-role="source"]'))
    act.select(1, CLAIM)
    act.click(bar(page).locator('[data-role="content"]'))
    assert act.count == 6
    # Close it, then an event: the role button first, then a selection or a click on a span.
    act.click(bar(page).get_by_role("button", name="Close"))
    expect(bar(page)).to_be_hidden()
    act.select(0, "exchanged")
    act.click(palette.get_by_role("button", name="New event"))
    act.click(bar(page).locator('[data-role="actor"]'))
    expect(bar(page).locator('[data-role="actor"]')).to_have_attribute("aria-pressed", "true")
    act.select(0, "Ukraine", kept=False)  # the waiting role takes it at once
    expect(page.locator('.sp-start[aria-label="ACTOR: Ukraine"]')).to_have_count(1)
    act.click(bar(page).locator('[data-role="actor"]'))
    act.click(page.locator('.sp-start[aria-label="ACTOR: Russia"]'))
    # A label from the palette, on a selection.
    act.click(bar(page).get_by_role("button", name="Close"))
    act.select(0, "Zelensky")
    act.click(palette.locator('button[data-label="SOURCE"]'))
    wait_saved(page)

    layer = layer_json(page, doc.document)
    span_texts_fit(layer)
    frames = frames_by_text(layer)
    assert frames["attributions"] == [(("Kyiv",), ("According to",), (CLAIM,), None)]
    assert frames["events"] == [("exchanged", "OTHER", [("actor", "Russia"), ("actor", "Ukraine")])]
    assert ("Zelensky", "SOURCE") in [(s["text"], s["label"]) for s in layer["spans"]]


def test_frames_are_built_with_the_keyboard_alone(page, make_doc):
    doc = make_doc()
    sign_in(page, "coder1")
    open_annotate(page, doc.document)
    act = Actions(page)
    page.locator('.ptext[data-paragraph="0"]').focus()

    # The event, in ¶1 after an emoji, a ZWJ sequence, a flag and e + combining acute.
    act.press("Home", *["Control+ArrowRight"] * 5, "Control+Shift+ArrowRight")
    assert page.evaluate("getSelection().toString()") == "exchanged"
    act.press("n")
    act.press("ArrowLeft", *["Control+ArrowLeft"] * 3, "Control+Shift+ArrowRight", "a")
    act.press("ArrowRight", "Control+ArrowRight", "Control+Shift+ArrowRight", "a")
    expect(page.locator('.sp-start[aria-label="ACTOR: Russia"]')).to_be_focused()

    # F2 to the event's editor: its type is a type-ahead that filters and saves once, on choice.
    act.press("F2")
    event_type = page.get_by_role("combobox", name="Event type")
    expect(event_type).to_be_focused()
    wait_saved(page)
    version = layer_json(page, doc.document)["layer"]["version"]
    act.press("Control+a", "a", "s")
    options = page.get_by_role("listbox", name="Event type").get_by_role("option")
    expect(options).to_have_text(["ASSAULT"])
    wait_saved(page)
    assert layer_json(page, doc.document)["layer"]["version"] == version  # typing saves nothing
    act.press("Enter")
    wait_saved(page)
    assert layer_json(page, doc.document)["layer"]["version"] == version + 1
    expect(event_type).to_be_focused()
    expect(event_type).to_have_value("ASSAULT")

    # A value under "More attributes" keeps the block open and the focus on its field.
    act.press("Tab", "Tab", "Enter", "Tab")
    context = page.locator('[data-fk="ev-a-context"]')
    expect(context).to_be_focused()
    act.press("ArrowDown")
    wait_saved(page)
    assert page.locator("#events-panel details").evaluate("el => el.open")
    expect(page.locator('[data-fk="ev-a-context"]')).to_be_focused()
    chosen = page.locator('[data-fk="ev-a-context"]').evaluate(
        "el => [...el.selectedOptions].map((o) => o.value)")
    assert len(chosen) == 1

    act.press("F2")  # back to the text, where it was
    expect(page.locator('.sp-start[aria-label="ACTOR: Russia"]')).to_be_focused()

    # The nested pair in ¶2, by caret keys and role keys; y accepts the nesting proposed.
    page.locator('.ptext[data-paragraph="1"]').focus()
    act.press("Home", "Control+Shift+ArrowRight", "Control+Shift+ArrowRight", "r")
    act.press("ArrowRight", "Control+Shift+ArrowRight", "s")
    act.press("ArrowRight", *["Control+Shift+ArrowRight"] * 9, "q")
    act.press("ArrowLeft", "Control+ArrowRight", "Control+ArrowRight")
    act.press("Control+Shift+ArrowRight", "r")
    act.press("ArrowLeft", "Control+ArrowLeft", "Control+Shift+ArrowRight", "s")
    expect(bar(page)).to_contain_text("nest A2 inside A1")
    act.press("y")
    wait_saved(page)
    # From the attribution's editor, Escape closes the frame: its editor goes, and focus stays in
    # the panel (never on <body>); F2 goes back to the text.
    act.press("F2")
    expect(page.locator("#attributions-panel .editor :focus")).to_have_count(1)
    act.press("Escape")
    expect(bar(page)).to_be_hidden()
    expect(page.locator("#attributions-panel .editor")).to_have_count(0)
    expect(page.locator("#attributions-panel :focus")).to_have_count(1)
    act.press("F2")
    expect(page.locator('.sp-start[aria-label="SOURCE: Moscow"]')).to_be_focused()

    layer = layer_json(page, doc.document)
    span_texts_fit(layer)
    frames = frames_by_text(layer)
    assert frames["events"] == [
        ("exchanged", "ASSAULT", [("actor", "Russia"), ("actor", "Ukraine")])]
    assert [e["attrs"] for e in layer["events"]] == [{"context": chosen}]
    assert frames["attributions"] == [
        (("Kyiv",), ("According to",), (CLAIM,), None),
        (("Moscow",), ("claimed",), (INNER,), "According to"),
    ]


WORDS = ("Officials from Kyiv said Moscow shelled Kharkiv while envoys of Ankara met negotiators "
         "near Istanbul and Washington urged restraint as Brussels announced sanctions upon Minsk "
         "after Warsaw reported drones over").split()


def test_thirty_spans_and_ten_frames_in_a_paragraph_stay_readable(page, app):
    user = make_user("coder1")
    project = make_project()
    add_member(project, user)
    text = " ".join(WORDS)
    document = make_document(project, "dense", [text])
    starts = [sum(len(w) + 1 for w in WORDS[:i]) for i in range(len(WORDS))]
    labels = ["EVENT", "ACTOR", "ACTOR"]
    changes = [{"op": "add_span", "span": {"id": f"s{i}", "paragraph": 0, "start": start,
                                           "end": start + len(word), "label": labels[i % 3],
                                           "attrs": {}}}
               for i, (word, start) in enumerate(zip(WORDS, starts, strict=True))]
    changes += [{"op": "add_event", "event": {
        "id": f"e{i}", "trigger": f"s{3 * i}", "type": "OTHER", "attrs": {},
        "arguments": [{"role": "actor", "span": f"s{3 * i + 1}"},
                      {"role": "recipient", "span": f"s{3 * i + 2}"}]}} for i in range(10)]
    layer = annotating.create_layer(document, "coder", user)
    annotating.apply_changes(layer, user, {"change_id": "seed", "base_version": 0,
                                           "changes": changes})
    db.session.commit()
    assert len(WORDS) == 30

    sign_in(page, "coder1")
    open_annotate(page, document.id)
    marks = page.locator('.ptext[data-paragraph="0"] .fm')
    expect(marks).to_have_count(30)
    # No frame mark overlaps another, nor the text of any word.
    overlaps = page.evaluate("""() => {
      const root = document.querySelector('.ptext[data-paragraph="0"]');
      const boxes = [...root.querySelectorAll('.fm')].map((m) => m.getBoundingClientRect());
      const words = [];
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        words.push(...[...range.getClientRects()].filter((r) => r.width > 0));
      }
      const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5
        && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
      let found = 0;
      boxes.forEach((a, i) => {
        boxes.forEach((b, j) => { if (i < j && hit(a, b)) found++; });
        words.forEach((w) => { if (hit(a, w)) found++; });
      });
      return found;
    }""")
    assert overlaps == 0
    assert page.locator('.ptext[data-paragraph="0"]').text_content() == text


def test_at_800_pixels_the_editors_stay_beside_the_text(page, app):
    user = make_user("coder1")
    project = make_project()
    add_member(project, user)
    filler = "Officials said talks would resume next week in a neutral city, according to {}."
    paragraphs = [filler.format(f"source number {i}") for i in range(22)] + [P1]
    document = make_document(project, "long", paragraphs)
    db.session.commit()

    page.set_viewport_size({"width": 800, "height": 900})
    sign_in(page, "coder1")
    open_annotate(page, document.id)
    page.locator('.ptext[data-paragraph="22"]').scroll_into_view_if_needed()
    act = Actions(page)
    act.select(22, "Kyiv")
    act.press("s", "Enter")
    label = page.locator('[data-fk="sp-label"]')
    expect(label).to_be_focused()
    text_box = page.locator("#doc-text").bounding_box()
    for element in (label, page.locator('.sp-start[aria-label="SOURCE: Kyiv"]')):
        box = element.bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= 900, box  # both in view
    assert label.bounding_box()["x"] >= text_box["x"] + text_box["width"]  # beside, not below
    # A frame opened there: its bar in view too, beside the text.
    act.select(22, "claimed")
    act.press("r")
    frame_bar = bar(page)
    expect(frame_bar).to_be_visible()
    box = frame_bar.bounding_box()
    assert box["y"] + box["height"] <= 900 and box["x"] >= text_box["x"] + text_box["width"]
