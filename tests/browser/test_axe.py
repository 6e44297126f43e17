"""axe-core (the copy the axe-playwright-python package ships, nothing fetched) on the pages a
team uses every day: annotation, review, agreement, export and history. No serious or critical
violation is allowed, and no page asks for anything that answers 404 (the favicon included).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from annotator.extensions import db
from annotator.models import Assignment
from annotator.services.intake.records import RecordStore
from tests.browser.support import P0, P1, P2, sign_in, wait_saved
from tests.helpers import add_member, make_document, make_project, make_user

pytestmark = pytest.mark.browser

AXE = Axe()
BLOCKING = ("serious", "critical")
LABELS = ["ACTOR", "EVENT", "SOURCE", "CUE", "CONTENT", "LOCATION", "TIME"]


def span(uid: str, paragraph: int, text: str, label: str, source: str) -> dict:
    start = source.index(text)
    return {"id": uid, "paragraph": paragraph, "start": start, "end": start + len(text),
            "text": text, "label": label, "attrs": {}}


def layer(name: str, russia: str) -> dict:
    """A coder's layer with every label of the codebook, an event and a nested attribution."""
    spans = [
        span("u", 0, "Ukraine", "ACTOR", P0), span("r", 0, "Russia", russia, P0),
        span("x", 0, "exchanged", "EVENT", P0), span("z", 0, "Zelensky", "SOURCE", P0),
        span("c", 0, "said", "CUE", P0), span("m", 0, "social media", "LOCATION", P0),
        span("k", 1, "Kyiv", "SOURCE", P1), span("a", 1, "According to", "CUE", P1),
        span("q", 1, "Moscow claimed the remains were those of Ukrainian citizens", "CONTENT",
             P1),
        span("w", 1, "remains", "TIME", P1),
    ]
    return {"id": "d1", "layer": name,
            "paragraphs": [{"index": i, "text": t, "boilerplate": i == 2}
                           for i, t in enumerate([P0, P1, P2])],
            "spans": spans,
            "events": [{"id": "e", "trigger": "x", "type": "RETREAT", "attrs": {"mode": "release"},
                        "arguments": [{"role": "actor", "span": "u"}]}],
            "attributions": [{"id": "t", "source": ["k"], "cue": ["a"], "content": ["q"],
                              "parent": None, "attrs": {}}]}


@pytest.fixture
def ids(app):
    project = make_project("Axe")
    users = {name: make_user(name) for name in ("alice", "bob", "rev", "boss")}
    for name, role in (("alice", "coder"), ("bob", "coder"), ("rev", "reviewer"),
                       ("boss", "manager")):
        add_member(project, users[name], role)
    document = make_document(project, "d1", [P0, P1, P2], title="Prisoner exchange",
                             boilerplate=(2,))
    RecordStore(project).add_all([(layer("alice", "ACTOR"), "a", 1),
                                  (layer("bob", "LOCATION"), "b", 1)])
    for name in ("alice", "bob"):
        db.session.add(Assignment(document_id=document.id, user_id=users[name].id,
                                  status="done"))
    found = {"project": project.id, "document": document.id}
    db.session.commit()
    return found


# Label in name (the accessible name holds the visible text) is off by default in axe-core.
OPTIONS = {"resultTypes": ["violations"],
           "rules": {"label-content-name-mismatch": {"enabled": True}}}

# axe does not look at text drawn by CSS: the label tags after spans (::after) are measured
# here, the tag's colour against the span's own (translucent) background over the white page.
TAG_CONTRAST = """(selector) => {
  const parse = (text) => {
    const n = text.match(/[\\d.]+/g).map(Number);
    const srgb = text.startsWith('color(');
    const [r, g, b] = srgb ? n.slice(0, 3).map((v) => v * 255) : n.slice(0, 3);
    return {r, g, b, a: n.length > 3 ? n[3] : 1};
  };
  const over = (c, base) => ({r: c.r * c.a + base.r * (1 - c.a), g: c.g * c.a + base.g * (1 - c.a),
                              b: c.b * c.a + base.b * (1 - c.a), a: 1});
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const white = {r: 255, g: 255, b: 255, a: 1};
  const found = {};
  for (const el of document.querySelectorAll(selector)) {
    const tag = getComputedStyle(el, '::after');
    if (tag.content === 'none' || tag.content === '""') continue;
    let back = white;
    const chain = [];
    for (let node = el; node; node = node.parentElement) chain.unshift(node);
    for (const node of chain) back = over(parse(getComputedStyle(node).backgroundColor), back);
    const fore = over(parse(tag.color), back);
    const [hi, lo] = [lum(fore), lum(back)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const label = el.dataset.label;
    found[label] = Math.min(found[label] ?? 99, Math.round(ratio * 100) / 100);
  }
  return found;
}"""


def tag_contrast(page, selector: str) -> dict[str, float]:
    """The lowest contrast of each label's tag on the page."""
    return page.evaluate(TAG_CONTRAST, selector)


def check(page, what: str) -> None:
    """Run axe on the page as it is now; fail on serious or critical violations."""
    results = AXE.run(page, options=OPTIONS)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(" ".join(n["target"]) + " " + n.get("failureSummary", "").replace("\n", " ")
                    for n in v["nodes"][:5])
        for v in blocking)
    assert not blocking, f"{what}:\n{report}"


@pytest.fixture
def missing(new_page):
    """Every URL a page asked for that answered 404."""
    found = []

    def watch(page):
        page.on("response", lambda r: found.append(r.url) if r.status == 404 else None)
        return page

    return found, watch


def test_pages_have_no_serious_accessibility_violations(new_page, ids, missing):
    found, watch = missing
    coder = watch(new_page())
    sign_in(coder, "alice")
    coder.goto(f"/documents/{ids['document']}/annotate")
    wait_saved(coder)
    for label in LABELS:  # every label tag is drawn, so its contrast is checked
        expect(coder.locator(f'.ptext [data-label="{label}"]').first).to_be_visible()
    coder.locator("details.boilerplate summary").first.click()  # the dimmed boilerplate too
    check(coder, "annotation page")
    contrast = tag_contrast(coder, ".ptext .sp-end")
    assert sorted(contrast) == sorted(LABELS)
    assert min(contrast.values()) >= 4.5, contrast

    reviewer = watch(new_page())
    sign_in(reviewer, "rev")
    reviewer.goto(f"/documents/{ids['document']}/review")
    expect(reviewer.locator(".rv-conflict").first).to_be_visible()
    reviewer.locator(".rv-chip").first.focus()  # its action bar shows
    check(reviewer, "review page")
    contrast = tag_contrast(reviewer, ".rv-text .rv-end")
    assert sorted(contrast) == sorted(LABELS)
    assert min(contrast.values()) >= 4.5, contrast
    reviewer.get_by_role("button", name="Accept all agreed").click()
    expect(reviewer.locator("#announce")).to_contain_text("Accept all agreed: saved")
    check(reviewer, "review page after a decision")

    reviewer.goto(f"/documents/{ids['document']}/annotate?layer=gold")
    wait_saved(reviewer)
    check(reviewer, "annotation page, gold layer")

    reviewer.goto(f"/projects/{ids['project']}/agreement")
    expect(reviewer.locator("h1")).to_contain_text("agreement")
    check(reviewer, "agreement page")

    reviewer.goto(f"/documents/{ids['document']}/history")
    restore = reviewer.get_by_role("link", name="Restore to here").first
    expect(restore).to_be_visible()  # the accessible name starts with the link's text
    check(reviewer, "document history page")

    manager = watch(new_page())
    sign_in(manager, "boss")
    manager.goto(f"/projects/{ids['project']}/export")
    check(manager, "export page")
    manager.goto(f"/projects/{ids['project']}/history")
    check(manager, "project history page")

    assert found == []
    icon = manager.request.get("/favicon.ico")  # where browsers look without a link
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/")
    assert icon.body()[:4] == b"\x00\x00\x01\x00"  # an ICO file
