"""One coder, one document, two browsers (two tabs or two devices: separate contexts, so separate
storage). A save that meets a newer version is rebased without asking when the two sides changed
different items; only the same item changed on both sides asks. What is stored is read back
through the API.
"""
# ruff: noqa: F811  (the doc fixture imported from test_annotate is redefined as an argument)

import copy

import pytest
from playwright.sync_api import expect

from annotator.extensions import db
from annotator.models import Project
from annotator.services.intake.records import RecordStore
from tests.browser.support import P0, P1, P2, drag_select, open_annotate, press, sign_in, wait_saved
from tests.browser.test_annotate import doc  # noqa: F401  (fixture: coder1's document d1)

pytestmark = pytest.mark.browser

# Records whether the conflict box was ever shown, however briefly, and every save status.
WATCH_CONFLICT = """() => {
  window.conflictShown = false;
  window.statuses = [];
  const box = document.getElementById('conflict');
  new MutationObserver(() => { if (!box.hidden) window.conflictShown = true; })
    .observe(box, {attributes: true, childList: true});
  const status = document.getElementById('save-status');
  new MutationObserver(() => window.statuses.push(status.textContent))
    .observe(status, {childList: true, characterData: true, subtree: true});
}"""


def two_tabs(new_page, document_id: int):
    tabs = []
    for _ in range(2):
        tab = new_page()
        sign_in(tab, "coder1")
        open_annotate(tab, document_id)
        tab.evaluate(WATCH_CONFLICT)
        tabs.append(tab)
    return tabs


def layer(tab, document_id: int) -> dict:
    """The coder's layer as the API gives it, read with the tab's own session."""
    answer = tab.request.get(f"/api/documents/{document_id}/layer")
    assert answer.status == 200
    return answer.json()


def span_labels(data: dict) -> list[tuple[str, str]]:
    return sorted((s["text"], s["label"]) for s in data["spans"])


def test_unrelated_additions_in_two_tabs_are_both_saved_without_asking(new_page, doc):
    first, second = two_tabs(new_page, doc.document)

    drag_select(first, 0, "Ukraine")
    press(first, "a")
    wait_saved(first)
    # The second tab still works on the version before: its save meets a newer one.
    drag_select(second, 1, "Kyiv")
    press(second, "s")
    wait_saved(second)
    # It now shows both spans: its own, rebased on the first tab's.
    expect(second.locator(".sp-start")).to_have_count(2)
    # And back: the first tab, now behind, adds another span.
    drag_select(first, 1, "Moscow")
    press(first, "a")
    wait_saved(first)
    expect(first.locator(".sp-start")).to_have_count(3)

    data = layer(first, doc.document)
    assert span_labels(data) == [("Kyiv", "SOURCE"), ("Moscow", "ACTOR"), ("Ukraine", "ACTOR")]
    assert data["layer"]["version"] == 3
    for tab in (first, second):
        assert not tab.evaluate("window.conflictShown")
        # The status never asked the coder to choose, not even for a moment.
        assert not [t for t in tab.evaluate("window.statuses") if "Choose" in t]
    expect(first.locator("#conflict")).to_be_hidden()
    expect(second.locator("#conflict")).to_be_hidden()


def test_the_same_span_changed_in_two_tabs_asks_and_overwrites_nothing(new_page, doc):
    start = P0.index("Ukraine")
    RecordStore(db.session.get(Project, doc.project)).add_all([({
        "id": "d1", "layer": "coder1",
        "paragraphs": [{"index": i, "text": t, "boilerplate": i == 2}
                       for i, t in enumerate([P0, P1, P2])],
        "spans": [{"id": "u", "paragraph": 0, "start": start, "end": start + 7,
                   "text": "Ukraine", "label": "ACTOR", "attrs": {}}],
    }, "seed", 1)])
    db.session.commit()
    first, second = two_tabs(new_page, doc.document)

    first.locator('.sp-start[data-span-id="u"]').focus()
    press(first, "l")  # relabel: LOCATION
    wait_saved(first)
    second.locator('.sp-start[data-span-id="u"]').focus()
    press(second, "t")  # the same span, relabelled TIME on a page that has not seen LOCATION
    conflict = second.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("changed both here and elsewhere")
    expect(second.locator("#save-status")).to_contain_text("1 change not saved")
    assert span_labels(layer(second, doc.document)) == [("Ukraine", "LOCATION")]
    # A further change on the stale page would escape the comparison: it waits for the choice.
    second.locator('.sp-start[data-span-id="u"]').focus()
    press(second, "a")
    expect(second.locator("#save-status")).to_contain_text("1 change not saved")
    expect(second.locator('.sp-start[data-span-id="u"]')).to_have_attribute("data-label", "TIME")

    second.get_by_role("button", name="Discard my changes and load the saved version").click()
    wait_saved(second)
    expect(second.locator('.sp-start[data-span-id="u"]')).to_have_attribute(
        "data-label", "LOCATION")
    data = layer(first, doc.document)
    assert span_labels(data) == [("Ukraine", "LOCATION")]
    assert data["layer"]["version"] == 2


# lib/conflict.js decides what is a true conflict; each case: the layer both sides started
# from, what was saved elsewhere, this page's unsaved changes, and the clashes expected.
SPAN = {"paragraph": 0, "start": 0, "end": 7, "label": "ACTOR", "attrs": {}}
BASE = {
    "spans": [{"id": "u", **SPAN}, {"id": "r", **SPAN, "start": 12, "end": 18},
              {"id": "x", **SPAN, "start": 19, "end": 28, "label": "EVENT"}],
    "events": [{"id": "e", "trigger": "x", "type": "RETREAT", "attrs": {},
                "arguments": [{"role": "actor", "span": "u"}]}],
    "attributions": [],
}
RELABEL_U = {"op": "update_span", "id": "u", "label": "LOCATION", "attrs": {}}
CASES = [
    # Different items on each side: no clash.
    ("other span relabelled", [("update_span", "r", "LOCATION")], [RELABEL_U], []),
    ("span added elsewhere, event changed here",
     [("add_span", "k", 30)], [{"op": "update_event", "id": "e", "type": "ASSAULT"}], []),
    ("argument added here on a span relabelled elsewhere",
     [("update_span", "r", "LOCATION")],
     [{"op": "update_event", "id": "e", "arguments": [{"role": "actor", "span": "u"},
                                                      {"role": "actor", "span": "r"}]}], []),
    # The same item on both sides, or a change that needs what the other side deleted.
    ("same span relabelled", [("update_span", "u", "TIME")], [RELABEL_U],
     [["spans", "u", "changed both here and elsewhere"]]),
    ("span deleted elsewhere, relabelled here", [("delete_span", "u", None)], [RELABEL_U],
     [["spans", "u", "changed both here and elsewhere"]]),
    ("argument here on a span deleted elsewhere", [("delete_span", "r", None)],
     [{"op": "update_event", "id": "e", "arguments": [{"role": "actor", "span": "r"}]}],
     [["spans", "r", "deleted elsewhere"]]),
    ("span deleted here is an argument of an event changed elsewhere",
     [("update_event", "e", "ASSAULT")], [{"op": "delete_span", "id": "u"}],
     [["events", "e", "changed elsewhere, and uses a span deleted here"]]),
    ("the same text marked on both sides", [("add_span", "k", 30)],
     [{"op": "add_span", "span": {"id": "mine", **SPAN, "start": 30, "end": 37}}],
     [["spans", "k", "marked both here and elsewhere"]]),
]

CLASHES = """async ([before, saved, ops]) => {
  const { clashes } = await import('/static/js/lib/conflict.js');
  const { fromLayer } = await import('/static/js/lib/model.js');
  return clashes(fromLayer(before), fromLayer(saved), ops).map((c) => [c.kind, c.id, c.why]);
}"""


def saved_version(change: tuple) -> dict:
    """BASE with one change made elsewhere."""
    verb, uid, value = change
    layer = copy.deepcopy(BASE)
    spans = {s["id"]: s for s in layer["spans"]}
    if verb == "update_span":
        spans[uid]["label"] = value
    elif verb == "delete_span":
        layer["spans"] = [s for s in layer["spans"] if s["id"] != uid]
        layer["events"] = [{**e, "arguments": [a for a in e["arguments"] if a["span"] != uid]}
                           for e in layer["events"] if e["trigger"] != uid]
    elif verb == "add_span":
        layer["spans"].append({"id": uid, **SPAN, "start": value, "end": value + 7})
    elif verb == "update_event":
        layer["events"][0]["type"] = value
    return layer


def test_only_the_same_item_changed_on_both_sides_is_a_conflict(page):
    page.goto("/auth/login")  # the app's origin, to import its modules
    for name, elsewhere, ops, expected in CASES:
        saved = BASE
        for change in elsewhere:
            saved = saved_version(change)
        found = page.evaluate(CLASHES, [BASE, saved, ops])
        assert found == expected, name
