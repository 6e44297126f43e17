"""Adjudication into gold: the review API and services, as a reviewer and a coder see them.

doc1's first paragraph is "Ukraine and Russia exchanged prisoners of war, officials said.";
coderA calls "Russia" an ACTOR and an argument of the exchange, coderC calls it a LOCATION.
"""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import pytest

from annotator.extensions import db
from annotator.models import Assignment, AuditEntry, Document, Layer, Project
from annotator.services.intake.records import RecordStore
from annotator.services.review import sync_document_status
from annotator.services.review.decisions import decide
from tests.helpers import make_document
from tests.web_fixtures import PARAGRAPHS, browser, world  # noqa: F401

TEXT = PARAGRAPHS[0]


def native_layer(name, russia_label, russia_is_argument):
    def span(uid, start, end, label, **attrs):
        return {"id": uid, "paragraph": 0, "start": start, "end": end, "label": label,
                "text": TEXT[start:end], "attrs": attrs}

    russia = span("r", 12, 18, russia_label, **({"entity_type": "GPE"}
                                                if russia_label == "ACTOR" else {}))
    arguments = [{"role": "actor", "span": "u"}]
    if russia_is_argument:
        arguments.append({"role": "actor", "span": "r"})
    return {
        "id": "d1", "layer": name,
        "paragraphs": [{"index": i, "text": t, "boilerplate": False}
                       for i, t in enumerate(PARAGRAPHS)],
        "spans": [span("u", 0, 7, "ACTOR", entity_type="GPE"), russia,
                  span("x", 19, 28, "EVENT"), span("o", 47, 56, "SOURCE"),
                  span("s", 57, 61, "CUE"), span("c", 0, 45, "CONTENT")],
        "events": [{"id": f"e-{name}", "trigger": "x", "type": "RETREAT",
                    "attrs": {"mode": "release"}, "arguments": arguments}],
        "attributions": [{"id": f"a-{name}", "source": ["o"], "cue": ["s"], "content": ["c"],
                          "parent": None, "attrs": {"quote_type": "INDIRECT"}}],
    }


@pytest.fixture
def coded(app, world):
    """Give doc1 the two coders' layers and assign it to both (both done)."""
    project = db.session.get(Project, world.p1)
    RecordStore(project).add_all([(native_layer("coderA", "ACTOR", True), "a", 1),
                                  (native_layer("coderC", "LOCATION", False), "c", 1)])
    for name in ("coderA", "coderC"):
        db.session.add(Assignment(document_id=world.doc1, user_id=world.users[name],
                                  status="done"))
    db.session.get(Document, world.doc1).status = "assigned"
    db.session.commit()
    return world


def url(ids, tail=""):
    return f"/api/documents/{ids.doc1}/review{tail}"


def gold(ids):
    db.session.expire_all()
    layer = db.session.execute(db.select(Layer).where(
        Layer.document_id == ids.doc1, Layer.kind == "gold")).scalar_one_or_none()
    return layer


def gold_spans(ids):
    return {(s.start, s.end, s.label): s for s in gold(ids).spans}


def decision(reviewer, ids, **body):
    """Post a decision made against the gold version the review shows, as the page does."""
    if "gold_version" not in body:
        body["gold_version"] = reviewer.get(url(ids)).get_json()["gold"]["version"]
    return reviewer.post(url(ids, "/decisions"), body)


def test_review_shows_agreed_items_and_each_coders_side_of_a_disagreement(browser, coded):
    view = browser("reviewerR").get(url(coded)).get_json()
    first = view["paragraphs"][0]
    assert [s["text"] for s in first["spans"]["agreed"]] == [
        "Ukraine", "Ukraine and Russia exchanged prisoners of war", "exchanged", "officials",
        "said"]
    [conflict] = first["spans"]["conflicts"]
    assert {v["coder"]: v["items"][0]["label"] for v in conflict["versions"]} == {
        "coderA": "ACTOR", "coderC": "LOCATION"}
    [event] = first["events"]["conflicts"]
    assert [(d["value"]["span"]["text"], d["coders"]) for d in event["differences"]] == [
        ("Russia", ["coderA"])]
    assert view["counts"] == {"agreed": {"total": 6, "open": 6},
                              "conflicts": {"total": 2, "open": 2}}


def test_accept_all_agreed_puts_them_in_gold_with_both_coders_as_provenance(browser, coded):
    reviewer = browser("reviewerR")
    answer = decision(reviewer, coded, action="accept_agreed", gold_version=0)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["version"] == 1
    spans = gold_spans(coded)
    assert set(spans) == {(0, 45, "CONTENT"), (0, 7, "ACTOR"), (19, 28, "EVENT"),
                          (47, 56, "SOURCE"), (57, 61, "CUE")}
    provenance = spans[(0, 7, "ACTOR")].provenance
    assert provenance["from"] == [{"coder": "coderA", "id": "u"}, {"coder": "coderC", "id": "u"}]
    assert provenance["adjudicator"] == "reviewerR" and provenance["at"]
    [attribution] = gold(coded).attributions
    assert attribution.attrs == {"quote_type": "INDIRECT"}
    assert [c["coder"] for c in attribution.provenance["from"]] == ["coderA", "coderC"]
    assert answer.get_json()["review"]["counts"]["agreed"]["open"] == 0
    assert gold(coded).events == []  # the event is disputed: not agreed


def test_choosing_one_coders_version_and_changing_ones_mind_keeps_history(browser, coded):
    reviewer = browser("reviewerR")
    assert decision(reviewer, coded, action="accept", target="cs0-12-18",
                    coder="coderC").status_code == 200
    assert gold_spans(coded)[(12, 18, "LOCATION")].provenance["from"] == [
        {"coder": "coderC", "id": "r"}]
    answer = decision(reviewer, coded, action="accept", target="cs0-12-18", coder="coderA",
                      note="Russia acts here")
    assert answer.status_code == 200
    spans = gold_spans(coded)
    assert (12, 18, "LOCATION") not in spans
    assert spans[(12, 18, "ACTOR")].attrs == {"entity_type": "GPE"}
    assert spans[(12, 18, "ACTOR")].provenance["note"] == "Russia acts here"
    assert gold(coded).version == 2
    entries = db.session.execute(db.select(AuditEntry).where(
        AuditEntry.action == "review_accept").order_by(AuditEntry.id)).scalars().all()
    assert [e.after["decision"]["coder"] for e in entries] == ["coderC", "coderA"]
    # The second decision's "before" keeps what the first one made, provenance and all.
    [replaced] = entries[1].before["gold"]
    assert (replaced["label"], replaced["provenance"]["from"][0]["coder"]) == (
        "LOCATION", "coderC")


def test_fixing_an_event_argument_gives_gold_the_corrected_event(browser, coded):
    reviewer = browser("reviewerR")
    ref = {"paragraph": 0, "label": "ACTOR", "attrs": {"entity_type": "GPE"}}
    item = {"type": "RETREAT", "attrs": {"mode": "release"},
            "trigger": {"paragraph": 0, "start": 19, "end": 28, "label": "EVENT"},
            "arguments": [{"role": "actor", "span": {**ref, "start": 0, "end": 7}},
                          {"role": "theme", "span": {**ref, "start": 12, "end": 18}}]}
    answer = decision(reviewer, coded, action="edit", target="ce0-19-28", item=item,
                      note="Russia is released?")
    assert answer.status_code == 200, answer.get_json()
    [event] = gold(coded).events
    assert sorted((a.role, a.span.text) for a in event.arguments) == [
        ("actor", "Ukraine"), ("theme", "Russia")]
    assert [f["coder"] for f in event.provenance["from"]] == ["coderA", "coderC"]
    assert event.provenance["note"] == "Russia is released?"
    # The Russia span came along with the provenance of the coder who marked it so.
    assert gold_spans(coded)[(12, 18, "ACTOR")].provenance["from"] == [
        {"coder": "coderA", "id": "r"}]


def test_rejecting_a_disagreement_keeps_gold_empty_there_and_marks_it_decided(browser, coded):
    reviewer = browser("reviewerR")
    decision(reviewer, coded, action="accept", target="cs0-12-18", coder="coderA")
    answer = decision(reviewer, coded, action="reject", target="cs0-12-18")
    assert answer.status_code == 200
    assert not any(start == 12 for start, _, _ in gold_spans(coded))
    [conflict] = answer.get_json()["review"]["paragraphs"][0]["spans"]["conflicts"]
    assert conflict["state"] == "rejected"


def test_a_note_lands_in_the_gold_items_provenance(browser, coded):
    reviewer = browser("reviewerR")
    decision(reviewer, coded, action="accept", target="s0-0-7-ACTOR")
    answer = decision(reviewer, coded, action="note", target="s0-0-7-ACTOR",
                      note="Kyiv's government")
    assert answer.status_code == 200
    assert gold_spans(coded)[(0, 7, "ACTOR")].provenance["note"] == "Kyiv's government"


@pytest.mark.parametrize("body, status, error", [
    ({"action": "accept_agreed", "gold_version": 7}, 409, "stale_version"),
    ({"action": "accept", "target": "cs0-99-100", "coder": "coderA"}, 409, "unknown_target"),
    ({"action": "accept", "target": "cs0-12-18", "coder": "nobody"}, 422, "invalid_decision"),
    ({"action": "edit", "target": "cs0-12-18", "item": {"paragraph": 0, "start": 12,
                                                        "end": 18, "label": "NOPE"}},
     422, "invalid_decision"),
    ({"action": "edit", "target": "cs0-12-18", "item": {"paragraph": 0, "start": 12,
                                                        "end": 999, "label": "ACTOR"}},
     422, "invalid_decision"),
    ({"action": "note", "target": "cs0-12-18", "note": "  "}, 422, "invalid_decision"),
    ({"action": "merge"}, 422, "invalid_decision"),
])
def test_refused_decisions_change_nothing(browser, coded, body, status, error):
    answer = decision(browser("reviewerR"), coded, **body)
    assert (answer.status_code, answer.get_json()["error"]) == (status, error)
    assert gold(coded) is None or gold(coded).spans == []
    assert db.session.execute(db.select(AuditEntry).where(
        AuditEntry.action.like("review_%"))).first() is None


def test_status_goes_annotated_then_adjudicated_and_adjudicating_again_keeps_history(
        browser, coded):
    reviewer = browser("reviewerR")
    assert reviewer.get(url(coded)).get_json()["document"]["expected_status"] == "annotated"
    refused = reviewer.post(url(coded, "/finish"))
    assert refused.status_code == 409 and "need a decision" in refused.get_json()["message"]
    decision(reviewer, coded, action="accept_agreed")
    decision(reviewer, coded, action="accept", target="cs0-12-18", coder="coderA")
    decision(reviewer, coded, action="accept", target="ce0-19-28", coder="coderA")
    assert db.session.get(Document, coded.doc1).status == "annotated"
    finished = reviewer.post(url(coded, "/finish"))
    assert finished.get_json()["status"] == "adjudicated"
    # A later change reopens the document until the reviewer finishes again.
    decision(reviewer, coded, action="accept", target="cs0-12-18", coder="coderC")
    db.session.expire_all()
    assert db.session.get(Document, coded.doc1).status == "annotated"
    assert reviewer.post(url(coded, "/finish")).get_json()["status"] == "adjudicated"
    actions = db.session.execute(db.select(AuditEntry.action).where(
        AuditEntry.document_id == coded.doc1, AuditEntry.action.like("review_%"))
        .order_by(AuditEntry.id)).scalars().all()
    assert actions == ["review_accept_agreed", "review_accept", "review_accept",
                       "review_finish", "review_accept", "review_finish"]


def test_finishing_waits_for_every_assigned_coder(app, coded):
    db.session.execute(db.update(Assignment).where(Assignment.user_id == coded.users["coderC"])
                       .values(status="in_progress"))
    document = db.session.get(Document, coded.doc1)
    assert sync_document_status(document) == "assigned"
    db.session.execute(db.update(Assignment).values(status="done"))
    assert sync_document_status(document) == "annotated"


def test_service_never_commits(app, coded):
    from annotator.models import User

    document = db.session.get(Document, coded.doc1)
    decide(document, db.session.get(User, coded.users["reviewerR"]),
           {"action": "accept_agreed", "gold_version": 0})
    db.session.rollback()
    assert gold(coded) is None or gold(coded).spans == []


@pytest.mark.parametrize("who, status", [("coderA", 403), ("coderB", 404), (None, 401)])
@pytest.mark.parametrize("method, tail", [("get", ""), ("post", "/decisions"),
                                          ("post", "/finish")])
def test_coders_and_strangers_cannot_adjudicate(browser, coded, who, status, method, tail):
    client = browser(who)
    body = {"action": "accept_agreed"}
    answer = client.get(url(coded, tail)) if method == "get" else client.post(url(coded, tail),
                                                                               body)
    assert answer.status_code == status
    assert answer.get_json()["error"]
    assert gold(coded) is None


@pytest.mark.parametrize("who, status", [("coderA", 403), ("coderB", 404), ("reviewerR", 200),
                                         ("managerM", 200), ("admin", 200)])
def test_review_page_is_for_reviewers_managers_and_admins(browser, coded, who, status):
    page = browser(who).get(f"/documents/{coded.doc1}/review")
    assert page.status_code == status
    if status == 200:
        html = page.get_data(as_text=True)
        assert 'id="page-data"' in html and "Accept all agreed" in html
        assert "<script>" not in html  # page data is JSON, not inline script


def test_decisions_need_the_csrf_token(browser, coded):
    answer = browser("reviewerR").post(url(coded, "/decisions"), {"action": "accept_agreed"},
                                       csrf=False)
    assert answer.status_code == 400 and answer.get_json()["error"] == "csrf"


def nested_layer(name, outer_quote):
    def span(uid, start, end, label):
        return {"id": uid, "paragraph": 0, "start": start, "end": end, "label": label,
                "text": TEXT[start:end], "attrs": {}}

    return {"id": "nested", "layer": name, "paragraphs": [{"index": 0, "text": TEXT}],
            "spans": [span("os", 47, 56, "SOURCE"), span("oc", 57, 61, "CUE"),
                      span("oq", 0, 45, "CONTENT"), span("is", 0, 7, "SOURCE"),
                      span("ic", 19, 28, "CUE"), span("iq", 29, 45, "CONTENT")],
            "attributions": [
                {"id": "outer", "source": ["os"], "cue": ["oc"], "content": ["oq"],
                 "parent": None, "attrs": {"quote_type": outer_quote}},
                {"id": "inner", "source": ["is"], "cue": ["ic"], "content": ["iq"],
                 "parent": "outer", "attrs": {}}]}


def test_nested_attribution_brings_its_outer_one_and_keeps_it_when_redecided(app, browser,
                                                                             world):
    project = db.session.get(Project, world.p1)
    document = make_document(project, "nested", [TEXT])
    RecordStore(project).add_all([(nested_layer("coderA", "DIRECT"), "a", 1),
                                  (nested_layer("coderC", "INDIRECT"), "c", 1)])
    db.session.commit()
    reviewer = browser("reviewerR")
    base = f"/api/documents/{document.id}/review"
    view = reviewer.get(base).get_json()["paragraphs"][0]["attributions"]
    assert len(view["agreed"]) == 1 and len(view["conflicts"]) == 1
    outer_conflict = view["conflicts"][0]["id"]

    assert reviewer.post(base + "/decisions", {"action": "accept_agreed",
                                               "gold_version": 0}).status_code == 200
    layer = db.session.execute(db.select(Layer).where(
        Layer.document_id == document.id, Layer.kind == "gold")).scalar_one()
    by_cue = {a.parts[1].span.text if a.parts[1].role == "cue" else None: a
              for a in layer.attributions}
    outer, inner = by_cue["said"], by_cue["exchanged"]
    assert inner.parent is outer
    assert outer.attrs == {"quote_type": "DIRECT"}  # as coderA, the first to agree, made it

    answer = reviewer.post(base + "/decisions", {"action": "accept", "target": outer_conflict,
                                                 "coder": "coderC", "gold_version": 1})
    assert answer.status_code == 200, answer.get_json()
    db.session.expire_all()
    assert {a.uid for a in layer.attributions} == {outer.uid, inner.uid}
    assert outer.attrs == {"quote_type": "INDIRECT"}
    assert outer.provenance["from"] == [{"coder": "coderC", "id": "outer"}]
    assert inner.parent is outer
