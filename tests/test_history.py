"""History pages and restore: who sees which entries, and restoring gives back the exact items."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import io
import json
import re

import pytest
from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import AuditEntry, Document, Paragraph, Span
from annotator.services import history
from tests.test_api import own_layer, save, span
from tests.test_native import sample_record
from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)

XSS = "<script>alert(1)</script>"


def items(layer_json: dict) -> dict:
    """The layer's items, keyed by id, so that row order does not matter."""
    return {kind: {item["id"]: item for item in layer_json[kind]}
            for kind in ("spans", "events", "attributions")}


def last_entry() -> int:
    db.session.rollback()
    return db.session.execute(select(func.max(AuditEntry.id))).scalar_one()


def restore(b, layer_id: int, entry: int, version: int):
    b.refresh_token(f"/layers/{layer_id}/restore?entry={entry}")
    return b.client.post(f"/layers/{layer_id}/restore",
                         data={"entry": entry, "version": version, "csrf_token": b.token})


def build(b, doc: int) -> tuple[dict, int, dict]:
    """Save spans, an event and nested attributions in three batches, then change them all.

    Returns the layer as it was after the third batch, the audit entry that ended it, and the
    layer as it is at the end.
    """
    layer = own_layer(b, doc)
    lid = layer["layer"]["id"]
    assert save(b, lid, [span("ukr", 0, 7), span("rus", 12, 18), span("exch", 19, 28,
                         label="EVENT"), span("off", 47, 56, label="SOURCE"),
                         span("said", 57, 61, label="CUE"), span("all", 0, 45,
                         label="CONTENT")], base=0, change_id="b1").status_code == 200
    assert save(b, lid, [{"op": "add_event", "event": {
        "id": "ev", "trigger": "exch", "type": "RETREAT", "attrs": {"mode": "release"},
        "arguments": [{"role": "actor", "span": "ukr"}, {"role": "recipient", "span": "rus"}]}},
        {"op": "add_attribution", "attribution": {"id": "outer", "source": ["off"],
                                                  "cue": ["said"], "content": ["all"]}},
        {"op": "add_attribution", "attribution": {"id": "inner", "source": ["ukr"],
                                                  "parent": "outer"}}],
        base=1, change_id="b2").status_code == 200
    assert save(b, lid, [{"op": "update_span", "id": "ukr",
                          "attrs": {"entity_type": "GPE"}}], base=2,
                change_id="b3").status_code == 200
    earlier, entry = own_layer(b, doc), last_entry()
    # Deleting "ukr" also changes the event and deletes nothing else; "rus" changes label.
    assert save(b, lid, [{"op": "delete_span", "id": "ukr"},
                         {"op": "update_span", "id": "rus", "label": "LOCATION"},
                         {"op": "delete_attribution", "id": "outer"},
                         span("new", 29, 38, label="ACTOR")], base=3,
                change_id="b4").status_code == 200
    return earlier, entry, own_layer(b, doc)


def test_restore_gives_back_exactly_the_earlier_items_and_bumps_the_version(browser, world):
    b = browser("coderA")
    earlier, entry, now = build(b, world.doc1)
    assert items(now) != items(earlier)
    lid, version = now["layer"]["id"], now["layer"]["version"]
    response = restore(b, lid, entry, version)
    assert response.status_code == 302
    after = own_layer(b, world.doc1)
    assert items(after) == items(earlier)
    assert after["layer"]["version"] == version + 1
    db.session.rollback()
    logged = db.session.execute(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars()
    newest = next(logged)
    assert (newest.action, newest.user_id, newest.after["restored_to"]) == (
        "restore", world.users["coderA"], entry)
    # A page still holding the old version is refused instead of overwriting the restore.
    stale = save(b, lid, [span("late", 0, 7)], base=version, change_id="late")
    assert stale.status_code == 409 and stale.get_json()["error"] == "stale_version"
    # The restore is itself history: restoring to just before it brings the later state back.
    back = restore(b, lid, newest.id - 1, version + 1)
    assert back.status_code == 302
    assert items(own_layer(b, world.doc1)) == items(now)


def test_restore_from_a_stale_page_gets_409_and_changes_nothing(browser, world):
    b = browser("coderA")
    earlier, entry, now = build(b, world.doc1)
    lid = now["layer"]["id"]
    response = restore(b, lid, entry, now["layer"]["version"] - 1)
    assert response.status_code == 409
    assert "nothing was restored" in response.get_data(as_text=True)
    assert own_layer(b, world.doc1) == now


@pytest.mark.parametrize(("tamper", "reason"), [
    (Span.__table__.update().where(Span.uid == "rus").values(label="CUE"),
     "does not account for the layer"),
    (Span.__table__.delete().where(Span.uid == "said"), "would not be valid now"),
])
def test_restore_refuses_when_the_log_does_not_explain_the_layer(browser, world, tamper, reason):
    b = browser("coderA")
    earlier, entry, now = build(b, world.doc1)
    db.session.execute(tamper)  # a change made behind the log's back
    db.session.commit()
    before = own_layer(b, world.doc1)
    response = restore(b, now["layer"]["id"], entry, now["layer"]["version"])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert reason in page and "nothing was restored" in page
    assert own_layer(b, world.doc1) == before


def test_only_the_layers_writers_may_restore_it(browser, world):
    earlier, entry, now = build(browser("coderA"), world.doc1)
    lid, version = now["layer"]["id"], now["layer"]["version"]
    assert restore(browser("reviewerR"), lid, entry, version).status_code == 403
    assert restore(browser("managerM"), lid, entry, version).status_code == 403
    assert browser("coderC").get(f"/layers/{lid}/restore?entry={entry}").status_code == 404
    assert browser("coderB").get(f"/layers/{lid}/restore?entry={entry}").status_code == 404
    assert items(own_layer(browser("coderA"), world.doc1)) == items(now)


def test_restoring_to_an_entry_of_another_layer_or_no_entry_is_refused(browser, world):
    coder_c = browser("coderC")
    theirs = own_layer(coder_c, world.doc1)
    save(coder_c, theirs, [span("c", 0, 7)])
    other_entry = last_entry()
    b = browser("coderA")
    mine = own_layer(b, world.doc1)
    save(b, mine, [span("a", 0, 7)])
    lid = mine["layer"]["id"]
    assert restore(b, lid, other_entry, 1).status_code == 422
    assert b.get(f"/layers/{lid}/restore").status_code == 400
    assert b.get(f"/layers/{lid}/restore?entry=zzz").status_code == 400


def test_document_history_shows_coders_only_their_own_layer(browser, world):
    coder_a, coder_c = browser("coderA"), browser("coderC")
    save(coder_a, own_layer(coder_a, world.doc1), [span("a", 0, 7)])
    save(coder_c, own_layer(coder_c, world.doc1), [span("c", 12, 18)])
    url = f"/documents/{world.doc1}/history"
    mine = coder_a.get(url).get_data(as_text=True)
    assert "ACTOR “Ukraine”" in mine and "“Russia”" not in mine and "Restore to here" in mine
    everyone = browser("reviewerR").get(url).get_data(as_text=True)
    assert "“Ukraine”" in everyone and "“Russia”" in everyone
    assert "Restore to here" not in everyone  # reviewers may not change coder layers
    assert browser("coderB").get(url).status_code == 404


def test_history_pages_escape_what_users_wrote(browser, world):
    b = browser("coderA")
    note = b.post(f"/api/paragraphs/{_first_paragraph(world)}/notes",
                  {"kind": "comment", "body": XSS})
    assert note.status_code == 201
    for url, who in ((f"/documents/{world.doc1}/history", "reviewerR"),
                     (f"/projects/{world.p1}/history", "managerM"),
                     (f"/projects/{world.p1}/users/{world.users['coderA']}/history",
                      "managerM")):
        page = browser(who).get(url).get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and XSS not in page, url


def _first_paragraph(world) -> int:
    return db.session.execute(select(Paragraph.id).where(
        Paragraph.document_id == world.doc1, Paragraph.position == 0)).scalar_one()


def test_user_history_is_for_managers_and_pages_through_entries(browser, world, monkeypatch):
    monkeypatch.setattr(history, "PER_PAGE", 2)
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    save(b, layer, [span("a", 0, 7), span("b", 12, 18), span("c", 19, 28)])
    url = f"/projects/{world.p1}/users/{world.users['coderA']}/history"
    manager = browser("managerM")
    first = manager.get(url).get_data(as_text=True)
    assert "Page 1 of 2" in first and "“exchanged”" in first and "“Ukraine”" not in first
    assert "“Ukraine”" in manager.get(url + "?page=2").get_data(as_text=True)
    odd = manager.get(url + '?page="><script>alert(1)</script>')
    assert odd.status_code == 200 and "<script>alert" not in odd.get_data(as_text=True)
    assert b.get(url).status_code == 403
    assert browser("reviewerR").get(url).status_code == 403
    stranger = f"/projects/{world.p1}/users/{world.users['coderB']}/history"
    assert manager.get(stranger).status_code == 404  # not a user of this project
    assert re.search(r"coderA</a>\s*<span class=\"role\">coder",
                     manager.get(f"/projects/{world.p1}/history").get_data(as_text=True))


def test_gold_restore_undoes_edits_and_decisions_and_keeps_the_adjudication_provenance(
        browser, world):
    for name in ("coderA", "coderC"):
        coder = browser(name)
        save(coder, own_layer(coder, world.doc1), [span(f"u-{name}", 0, 7)])
    reviewer = browser("reviewerR")
    decisions = f"/api/documents/{world.doc1}/review/decisions"
    assert reviewer.post(decisions, {"action": "accept_agreed",
                                     "gold_version": 0}).status_code == 200
    accepted = last_entry()
    gold_url = f"/api/documents/{world.doc1}/layer?layer=gold"
    adjudicated = reviewer.get(gold_url).get_json()
    [gold_span] = adjudicated["spans"]
    provenance = db.session.execute(select(Span.provenance).where(
        Span.uid == gold_span["id"], Span.provenance.is_not(None))).scalar_one()

    def gold_provenance() -> list:
        db.session.rollback()
        return db.session.execute(select(Span.provenance).join(Span.layer).where(
            Span.uid == gold_span["id"], Span.provenance.is_not(None))).scalars().all()

    # Edits on the annotation page, then back to the decision: the span the page deleted
    # comes back with the provenance the decision gave it.
    assert save(reviewer, adjudicated, [{"op": "delete_span", "id": gold_span["id"]},
                                        span("mine", 12, 18)]).status_code == 200
    edited = reviewer.get(gold_url).get_json()
    assert restore(reviewer, edited["layer"]["id"], accepted,
                   edited["layer"]["version"]).status_code == 302
    assert items(reviewer.get(gold_url).get_json()) == items(adjudicated)
    assert gold_provenance() == [provenance] and provenance["adjudicator"] == "reviewerR"
    restored = last_entry()
    # A decision aimed at one item (its entry names the span), then back over it.
    version = reviewer.get(gold_url).get_json()["layer"]["version"]
    assert reviewer.post(decisions, {"action": "reject", "target": provenance["target"],
                                     "gold_version": version}).status_code == 200
    rejected = reviewer.get(gold_url).get_json()
    assert rejected["spans"] == []
    assert restore(reviewer, rejected["layer"]["id"], restored,
                   rejected["layer"]["version"]).status_code == 302
    assert items(reviewer.get(gold_url).get_json()) == items(adjudicated)
    assert gold_provenance() == [provenance]


def test_a_layer_is_restored_to_what_an_import_brought(browser, world):
    record = sample_record(layer="coderA")
    manager = browser("managerM")
    manager.refresh_token(f"/projects/{world.p1}/import")
    imported = manager.client.post(f"/projects/{world.p1}/import", data={
        "format": "native", "csrf_token": manager.token,
        "files": (io.BytesIO(json.dumps(record).encode()), "backup.jsonl")},
        content_type="multipart/form-data")
    assert imported.status_code == 302
    entry = last_entry()
    doc = db.session.execute(select(Document.id).where(Document.external_id == "doc-1")
                             ).scalar_one()
    coder = browser("coderA")
    original = coder.get(f"/api/documents/{doc}/layer").get_json()
    assert len(original["spans"]) == 12
    assert save(coder, original, [{"op": "delete_span", "id": "s8"}]).status_code == 200
    version = original["layer"]["version"] + 1
    assert restore(coder, original["layer"]["id"], entry, version).status_code == 302
    assert items(coder.get(f"/api/documents/{doc}/layer").get_json()) == items(original)
    page = coder.get(f"/documents/{doc}/history").get_data(as_text=True)
    assert "imported the layer (12 spans, 1 events, 3 attributions)" in page
    assert f"restored the layer as it was after entry #{entry} (12 spans" in page
