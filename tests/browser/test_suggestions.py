"""Suggestions on the annotation page: made on demand, drawn apart from the coder's spans, and
accepted or rejected by keyboard into the coder's own layer, with the decisions remembered."""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from annotator.extensions import db
from annotator.models import Actor, ActorAlias, AuditEntry, Layer, Project, User
from annotator.services.suggestions.review import suggestion_stats
from tests.browser.support import fresh, open_annotate, press, sign_in, stored, wait_saved
from tests.helpers import add_member, make_document, make_project, make_user

# The emoji makes UTF-16 and code-point offsets differ by one from the quotation on.
Q0 = "😀 “We continue to take our people home,” Zelensky said."
Q1 = "According to Kyiv, Moscow claimed the remains were those of Ukrainian citizens."
QUOTE = "“We continue to take our people home,”"


@pytest.fixture
def doc(app):
    user = make_user("coder1")
    project = make_project()
    add_member(project, user)
    actor = Actor(project_id=project.id, name="Ukraine", entity_type="GPE", country="UKR",
                  sector="GOV")
    actor.aliases.append(ActorAlias(project_id=project.id, alias="Kyiv", folded="kyiv"))
    db.session.add(actor)
    document = make_document(project, "q1", [Q0, Q1])
    ids = SimpleNamespace(project=project.id, document=document.id)
    db.session.commit()
    return ids


def suggested(page, name: str):
    return page.locator(f'.sp-start[aria-label="suggested {name}"]')


def coder_attrs(document_id: int) -> list[dict]:
    fresh()
    layer = db.session.execute(
        db.select(Layer).join(User, Layer.user_id == User.id)
        .where(Layer.document_id == document_id, User.username == "coder1")).scalar_one()
    attrs = [s.attrs for s in layer.spans]
    fresh()
    return attrs


def test_coder_accepts_and_rejects_suggestions_by_keyboard(page, doc):
    sign_in(page, "coder1")
    open_annotate(page, doc.document)
    expect(page.get_by_role("region", name="Suggestions")).to_be_hidden()
    page.get_by_role("button", name="Suggest", exact=True).click()
    quote = suggested(page, f"CONTENT: {QUOTE}")
    expect(quote).to_be_visible()
    expect(suggested(page, "ACTOR: Kyiv")).to_be_visible()
    panel = page.get_by_role("region", name="Suggestions")
    expect(panel.get_by_role("heading")).to_have_text("Suggestions (8)")

    quote.focus()
    press(page, "y")
    expect(page.locator(f'.sp-start[aria-label="CONTENT: {QUOTE}"]')).to_be_visible()
    expect(quote).to_have_count(0)
    # Focus moves on to the next suggestion, so y and x can be pressed one after another.
    expect(page.locator(":focus")).to_contain_text("suggested attribution: Zelensky · said")
    kyiv = suggested(page, "ACTOR: Kyiv")
    kyiv.focus()
    press(page, "x")
    expect(kyiv).to_have_count(0)
    suggested(page, "CUE: claimed").focus()
    press(page, "Shift+Y")  # every cue suggestion
    for cue in ("said", "According to", "claimed"):
        expect(page.locator(f'.sp-start[aria-label="CUE: {cue}"]')).to_be_visible()
    panel.get_by_role("button", name="suggested attribution: Moscow · claimed").focus()
    press(page, "y")
    wait_saved(page)

    start = Q0.index(QUOTE)  # code points: the emoji counts one
    held = stored(doc.document)
    assert held.spans == sorted([
        (0, start, start + len(QUOTE), "CONTENT", QUOTE),
        (0, Q0.index("said"), Q0.index("said") + 4, "CUE", "said"),
        (1, 0, 12, "CUE", "According to"),
        (1, 26, 33, "CUE", "claimed"),
        (1, 19, 25, "SOURCE", "Moscow"),
        (1, 34, 78, "CONTENT", "the remains were those of Ukrainian citizens"),
    ])
    assert [a.parts for a in held.attributions.values()] == [[
        ("content", "the remains were those of Ukrainian citizens"), ("cue", "claimed"),
        ("source", "Moscow")]]
    assert coder_attrs(doc.document) == [{}] * 6  # no marks, depth, closed or source

    # Undo takes the attribution out of the layer and offers the suggestion again.
    press(page, "Control+z")
    wait_saved(page)
    assert stored(doc.document).attributions == {}
    expect(panel.get_by_role("button", name="suggested attribution: Moscow · claimed")) \
        .to_be_visible()

    page.reload()
    wait_saved(page)
    expect(panel.get_by_role("heading")).to_have_text("Suggestions (3)")
    expect(suggested(page, "ACTOR: Kyiv")).to_have_count(0)  # rejected stays rejected
    expect(panel.get_by_role("button", name="suggested attribution: Moscow · claimed")) \
        .to_be_visible()

    fresh()
    decisions = db.session.execute(
        db.select(AuditEntry.action, AuditEntry.target_uid, AuditEntry.after)
        .where(AuditEntry.target_type == "suggestion").order_by(AuditEntry.id)).all()
    assert [(a, after["kind"]) for a, _, after in decisions] == [
        ("suggestion_accepted", "quote"), ("suggestion_rejected", "actor"),
        ("suggestion_accepted", "cue"), ("suggestion_accepted", "cue"),
        ("suggestion_accepted", "cue"), ("suggestion_accepted", "attribution"),
        ("suggestion_reopened", "attribution")]
    stats = suggestion_stats(db.session.get(Project, doc.project))
    assert stats["by_source"] == {"gazetteer": {"accepted": 0, "rejected": 1, "rate": 0.0},
                                  "lexicon": {"accepted": 3, "rejected": 0, "rate": 1.0},
                                  "quotes": {"accepted": 1, "rejected": 0, "rate": 1.0}}
    fresh()


def test_suggestion_keys_are_in_the_overlay_and_buttons_work_too(page, doc):
    sign_in(page, "coder1")
    open_annotate(page, doc.document)
    press(page, "?")
    overlay = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(overlay.get_by_role("row", name="y / x (on a suggestion)")).to_be_visible()
    expect(overlay.get_by_role("row", name="Shift+Y / Shift+X (on a suggestion)")) \
        .to_be_visible()
    press(page, "Escape")

    page.get_by_role("button", name="Suggest", exact=True).click()
    suggested(page, "ACTOR: Kyiv").click()
    panel = page.get_by_role("region", name="Suggestions")
    expect(panel).to_contain_text("suggested ACTOR: Kyiv, from gazetteer")
    panel.get_by_role("button", name="Accept suggestion").click()
    expect(page.locator('.sp-start[aria-label="ACTOR: Kyiv"]')).to_be_visible()
    suggested(page, "CUE: claimed").click()
    panel.get_by_role("button", name="Reject all 3 cue suggestions").click()
    expect(page.locator('.sp[data-sg][data-label="CUE"]')).to_have_count(0)
    wait_saved(page)
    assert stored(doc.document).spans == [(1, 13, 17, "ACTOR", "Kyiv")]
    [attrs] = coder_attrs(doc.document)
    assert attrs | {"actor_id": 0} == {"entity_type": "GPE", "country": "UKR", "sector": "GOV",
                                       "actor_id": 0}


# Page weight: the bytes of JavaScript and CSS that the annotation page fetches from opening until
# the network is idle (the suggestion code included when the document has suggestions), before
# the coder opens anything that loads code on demand: the conflict view (lib/conflict.js), the
# "?" overlay (lib/help.js), a span editor with an actor field (lib/actors.js) or a paragraph's
# notes (lib/note-list.js). That code adds to the weight once it is loaded; the budget is for the
# page before it is. Bytes are counted as fetched, from Playwright's network events, not from a
# list of files: every test context routes its requests (conftest), which turns the HTTP cache
# off, so each page fetches every file anew.
BUDGET = 100_000
ON_DEMAND = ("/js/lib/conflict.js", "/js/lib/help.js", "/js/lib/actors.js", "/js/lib/note-list.js")


def script_and_style(page) -> dict:
    """The bytes of every script and style sheet the page fetches from now on, by URL."""
    sizes = {}

    def count(request):
        if request.resource_type in ("script", "stylesheet"):
            sizes[request.url] = len(request.response().body())

    page.on("requestfinished", count)
    return sizes


def fetched(sizes: dict, path: str) -> int | None:
    return next((size for url, size in sizes.items() if url.endswith(path)), None)


def test_page_weight_stays_under_100_kb_with_and_without_suggestions(page, doc):
    sign_in(page, "coder1")
    sizes = script_and_style(page)
    open_annotate(page, doc.document)
    page.wait_for_load_state("networkidle")
    assert fetched(sizes, "/js/annotate.js") and fetched(sizes, "/css/annotate.css")
    assert fetched(sizes, "/js/lib/offsets.js")  # modules are counted
    assert fetched(sizes, "/js/lib/suggestions.js") is None  # only for a document with suggestions
    assert not [path for path in ON_DEMAND if fetched(sizes, path)]
    without = sum(sizes.values())
    assert without < BUDGET, sizes

    page.get_by_role("button", name="Suggest", exact=True).click()
    expect(suggested(page, "ACTOR: Kyiv")).to_be_visible()
    sizes.clear()
    page.reload()
    expect(suggested(page, "ACTOR: Kyiv")).to_be_visible()
    page.wait_for_load_state("networkidle")
    module = fetched(sizes, "/js/lib/suggestions.js")
    assert module
    assert not [path for path in ON_DEMAND if fetched(sizes, path)]
    assert sum(sizes.values()) == without + module  # the same files, and the suggestion module
    assert sum(sizes.values()) < BUDGET, sizes


def test_a_reviewer_looking_at_a_coders_layer_gets_no_suggestions(new_page, doc):
    coder = new_page()
    sign_in(coder, "coder1")
    open_annotate(coder, doc.document)
    coder.get_by_role("button", name="Suggest", exact=True).click()
    expect(suggested(coder, "ACTOR: Kyiv")).to_be_visible()

    reviewer = make_user("reviewer1")
    add_member(db.session.get(Project, doc.project), reviewer, "reviewer")
    db.session.commit()
    page = new_page()
    sign_in(page, "reviewer1")
    page.goto(f"/documents/{doc.document}/annotate?layer=coder1")
    wait_saved(page)
    expect(page.get_by_role("button", name="Suggest", exact=True)).to_be_hidden()
    expect(page.locator(".sp[data-sg]")).to_have_count(0)


def test_a_long_documents_suggestions_arrive_in_pages_and_all_are_shown(page, app):
    from annotator.services.suggestions.review import PAGE_SIZE

    user = make_user("coder1")
    project = make_project()
    add_member(project, user)
    actor = Actor(project_id=project.id, name="Ukraine", entity_type="GPE")
    actor.aliases.append(ActorAlias(project_id=project.id, alias="Kyiv", folded="kyiv"))
    db.session.add(actor)
    # An actor, a cue and an attribution per paragraph: two pages, then one more after reload.
    document = make_document(project, "long", ["Kyiv said the talks went on."] * 200).id
    db.session.commit()
    sign_in(page, "coder1")
    open_annotate(page, document)
    with page.expect_response(lambda r: "from_paragraph=" in r.url) as following:
        page.get_by_role("button", name="Suggest", exact=True).click()
    assert following.value.status == 200
    panel = page.get_by_role("region", name="Suggestions")
    expect(panel.get_by_role("heading")).to_have_text("Suggestions (600)")
    assert 600 > PAGE_SIZE  # the first page alone would show fewer
    expect(suggested(page, "ACTOR: Kyiv")).to_have_count(200)
    # On reload the page reads them again, page by page.
    page.reload()
    expect(panel.get_by_role("heading")).to_have_text("Suggestions (600)")
