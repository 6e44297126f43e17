"""The layer API: reading layers, saving change batches (validation, locking, idempotency)."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import pytest
from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import AuditEntry, Event, Layer, Span, User
from tests.web_fixtures import PARAGRAPHS, browser, world  # noqa: F401  (fixtures)


def own_layer(b, document_id: int) -> dict:
    response = b.get(f"/api/documents/{document_id}/layer")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def save(b, layer: dict | int, changes: list, base: int | None = None, change_id: str = "c-1",
         **extra):
    layer_id = layer if isinstance(layer, int) else layer["layer"]["id"]
    if base is None:
        base = 0 if isinstance(layer, int) else layer["layer"]["version"]
    body = {"change_id": change_id, "base_version": base, "changes": changes, **extra}
    return b.post(f"/api/layers/{layer_id}/changes", body)


def span(uid: str, start: int, end: int, paragraph: int = 0, label: str = "ACTOR", **extra):
    return {"op": "add_span", "span": {"id": uid, "paragraph": paragraph, "start": start,
                                       "end": end, "label": label, "attrs": {}, **extra}}


def count(model) -> int:
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_coder_layer_is_created_on_first_read_and_reused(browser, world):
    b = browser("coderA")
    first = own_layer(b, world.doc1)
    assert first["layer"] | {"id": 0} == {"id": 0, "version": 0, "kind": "coder",
                                          "user": "coderA", "document": world.doc1,
                                          "codebook_version": 1}
    assert (first["spans"], first["events"], first["attributions"]) == ([], [], [])
    assert own_layer(b, world.doc1)["layer"]["id"] == first["layer"]["id"]
    assert count(Layer) == 1


def test_spans_round_trip_at_code_point_offsets_with_emoji_and_combining_marks(browser, world):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    text = PARAGRAPHS[1]
    pieces = ["😀", "e\u0301te", "👩\u200d❤\ufe0f\u200d👩", "🇫🇷", "café"]
    changes = []
    for i, piece in enumerate(pieces):
        start = text.index(piece)
        changes.append(span(f"s-{i}", start, start + len(piece), paragraph=1, text=piece))
    response = save(b, layer, changes)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"version": 1}
    stored = {s["id"]: s for s in own_layer(b, world.doc1)["spans"]}
    for i, piece in enumerate(pieces):
        got = stored[f"s-{i}"]
        assert got["text"] == piece == text[got["start"]:got["end"]]
        assert got["paragraph"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (span("s-1", -1, 3), "span.start"),
        (span("s-1", 0, len(PARAGRAPHS[0]) + 1), "span.end"),
        (span("s-1", 3, 3), "span.end"),
        (span("s-1", 5, 2), "span.end"),
        (span("s-1", "3", 5), "span.start"),
        (span("s-1", 0, "3"), "span.end"),
        (span("s-1", 3.5, 5), "span.start"),
        (span("s-1", 0, 3.0), "span.end"),
        (span("s-1", None, 5), "span.start"),
        (span("s-1", 0, 2**63), "span.end"),
        (span("s-1", True, 5), "span.start"),
        (span("s-1", 0, 3, paragraph=3), "span.paragraph"),  # only P2's document has a 4th
        (span("s-1", 0, 3, paragraph="0"), "span.paragraph"),
        (span("s-1", 0, 3, paragraph=[0]), "span.paragraph"),
        (span("s-1", 0, 7, text="Russia"), "span.text"),
        (span("s-1", 0, 7, label="NOPE"), "span.label"),
        (span("s-1", 0, 7, attrs={"entity_type": "XYZ"}), "span.attrs"),
        (span("s-1", 0, 7, attrs={"unknown": 1}), "span.attrs"),
        (span("s-1", 0, 7, attrs=[]), "span.attrs"),
        (span("bad id!", 0, 7), "span.id"),
        (span("x" * 65, 0, 7), "span.id"),
        (span("", 0, 7), "span.id"),
        ({"op": "add_span"}, "span"),
        ({"op": "explode"}, "op"),
        ("not an object", "change"),
    ],
)
def test_invalid_span_is_refused_with_422_and_nothing_is_stored(browser, world, change, field):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    response = save(b, layer, [span("ok", 0, 7), change])
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid_change"
    assert body["change"] == 1 and body["field"] == field
    assert body["message"].startswith(f"change 1: {field}")
    assert count(Span) == 0 and count(AuditEntry) == 0
    assert own_layer(b, world.doc1)["layer"]["version"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"base_version": 0, "changes": []}, "change_id"),
        ({"change_id": "c 1", "base_version": 0, "changes": []}, "change_id"),
        ({"change_id": "c-1", "base_version": "0", "changes": []}, "base_version"),
        ({"change_id": "c-1", "base_version": -1, "changes": []}, "base_version"),
        ({"change_id": "c-1", "base_version": 0, "changes": {}}, "changes"),
        ([], "body"),
    ],
)
def test_malformed_change_request_is_refused_naming_the_field(browser, world, body, field):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    response = b.post(f"/api/layers/{layer['layer']['id']}/changes", body)
    assert response.status_code == 422
    assert response.get_json()["error"] == "invalid_request"
    assert response.get_json()["field"] == field


def test_stale_base_version_gets_409_with_current_layer_and_overwrites_nothing(browser, world):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    assert save(b, layer, [span("s-1", 0, 7)], change_id="c-1").status_code == 200
    stale = save(b, layer, [span("s-2", 12, 18), {"op": "delete_span", "id": "s-1"}],
                 base=0, change_id="c-2")
    assert stale.status_code == 409
    body = stale.get_json()
    assert body["error"] == "stale_version"
    assert body["current"]["layer"]["version"] == 1
    assert [s["id"] for s in body["current"]["spans"]] == ["s-1"]
    db.session.rollback()
    assert db.session.execute(select(Span.uid)).scalars().all() == ["s-1"]


def test_same_change_id_twice_is_applied_once(browser, world):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    first = save(b, layer, [span("s-1", 0, 7)], change_id="c-retry")
    again = save(b, layer, [span("s-1", 0, 7)], change_id="c-retry")
    assert first.status_code == again.status_code == 200
    assert first.get_json() == again.get_json() == {"version": 1}
    assert count(Span) == 1 and count(AuditEntry) == 1


def test_forged_author_in_body_is_ignored(browser, world):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    forged = world.users["reviewerR"]
    change = span("s-1", 0, 7, user_id=forged, coder_id=forged, created_by="reviewerR")
    response = save(b, layer, [change], user_id=forged, annotator_id=forged)
    assert response.status_code == 200
    db.session.rollback()
    stored = db.session.execute(select(Span)).scalar_one()
    assert stored.layer.user_id == world.users["coderA"]
    entry = db.session.execute(select(AuditEntry)).scalar_one()
    assert entry.user_id == world.users["coderA"]


def test_coder_cannot_read_or_change_another_coders_layer(browser, world):
    other = own_layer(browser("coderC"), world.doc1)
    b = browser("coderA")
    hidden = b.get(f"/api/documents/{world.doc1}/layer?layer=coderC")
    missing = b.get(f"/api/documents/{world.doc1}/layer?layer=nobody")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()
    assert save(b, other, [span("s-1", 0, 7)]).status_code == 404
    assert b.get(f"/api/documents/{world.doc1}/layer?layer=gold").status_code == 404
    assert count(Span) == 0


def test_reviewer_reads_a_coders_layer_but_cannot_change_it(browser, world):
    coder = own_layer(browser("coderC"), world.doc1)
    reviewer = browser("reviewerR")
    response = reviewer.get(f"/api/documents/{world.doc1}/layer?layer=coderC")
    assert response.status_code == 200
    assert response.get_json()["layer"]["id"] == coder["layer"]["id"]
    assert save(reviewer, coder, [span("s-1", 0, 7)]).status_code == 403
    gold = reviewer.get(f"/api/documents/{world.doc1}/layer?layer=gold").get_json()
    assert gold["layer"]["kind"] == "gold" and gold["layer"]["user"] is None
    assert save(reviewer, gold, [span("g-1", 0, 7)]).status_code == 200


def test_deactivated_user_is_refused_on_the_next_request(browser, world):
    b = browser("coderA")
    assert b.get(f"/api/documents/{world.doc1}/layer").status_code == 200
    db.session.get(User, world.users["coderA"]).active = False
    db.session.commit()
    response = b.get(f"/api/documents/{world.doc1}/layer")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert b.get("/").status_code == 302


def test_deleting_a_span_removes_what_points_at_it(browser, world):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    changes = [
        span("actor", 0, 7), span("trigger", 23, 32, label="EVENT"), span("said", 52, 56,
                                                                          label="CUE"),
        {"op": "add_event", "event": {"id": "e-1", "trigger": "trigger", "type": "RETREAT",
                                      "attrs": {"mode": "release"},
                                      "arguments": [{"role": "actor", "span": "actor"}]}},
        {"op": "add_attribution", "attribution": {"id": "a-1", "source": ["actor"],
                                                  "cue": ["said"], "content": []}},
    ]
    assert save(b, layer, changes).status_code == 200
    assert save(b, layer, [{"op": "delete_span", "id": "actor"}], base=1,
                change_id="c-2").status_code == 200
    now = own_layer(b, world.doc1)
    assert now["events"][0]["arguments"] == []
    assert now["attributions"][0]["source"] == [] and now["attributions"][0]["cue"] == ["said"]
    assert save(b, layer, [{"op": "delete_span", "id": "trigger"}], base=2,
                change_id="c-3").status_code == 200
    assert own_layer(b, world.doc1)["events"] == []
    assert count(Event) == 0


def test_a_batch_may_delete_and_re_add_an_id_and_replace_event_arguments(browser, world):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    changes = [
        span("s-1", 0, 7), span("s-2", 12, 18), span("t", 23, 32, label="EVENT"),
        {"op": "add_event", "event": {"id": "e-1", "trigger": "t", "type": "RETREAT",
                                      "arguments": [{"role": "actor", "span": "s-1"}]}},
        {"op": "update_event", "id": "e-1", "arguments": [
            {"role": "actor", "span": "s-1"}, {"role": "actor", "span": "s-2"}]},
        {"op": "delete_span", "id": "s-2"},
        span("s-2", 12, 18, label="LOCATION"),
        {"op": "update_span", "id": "s-1", "attrs": {"entity_type": "GPE", "country": "UKR"}},
    ]
    response = save(b, layer, changes)
    assert response.status_code == 200, response.get_json()
    now = own_layer(b, world.doc1)
    assert now["events"][0]["arguments"] == [{"role": "actor", "span": "s-1"}]
    assert {s["id"]: s["label"] for s in now["spans"]}["s-2"] == "LOCATION"
    assert now["spans"][0]["attrs"] == {"entity_type": "GPE", "country": "UKR"}


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"id": "e-1", "trigger": "t", "type": "PARTY"}, "event.type"),
        ({"id": "e-1", "trigger": "t", "type": "AGREE", "attrs": {"mode": "release"}},
         "event.attrs.mode"),
        ({"id": "e-1", "trigger": "t", "type": "RETREAT", "attrs": {"polarity": "MAYBE"}},
         "event.attrs"),
        ({"id": "e-1", "trigger": "missing", "type": "RETREAT"}, "event.trigger"),
        ({"id": "e-1", "type": "RETREAT", "arguments": [{"role": "victim", "span": "t"}]},
         "event.arguments[0].role"),
        ({"id": "e-1", "type": "RETREAT", "arguments": [{"role": "actor", "span": "zz"}]},
         "event.arguments[0].span"),
        ({"id": "t!", "type": "RETREAT"}, "event.id"),
    ],
)
def test_invalid_event_is_refused_naming_the_field(browser, world, event, field):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    response = save(b, layer, [span("t", 23, 32, label="EVENT"),
                               {"op": "add_event", "event": event}])
    assert response.status_code == 422
    assert response.get_json()["field"] == field
    assert count(Span) == 0


def test_attribution_nesting_cycles_are_refused(browser, world):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    changes = [
        {"op": "add_attribution", "attribution": {"id": "outer", "parent": None}},
        {"op": "add_attribution", "attribution": {"id": "inner", "parent": "outer"}},
    ]
    assert save(b, layer, changes).status_code == 200
    for parent in ("inner", "outer"):
        response = save(b, layer, [{"op": "update_attribution", "id": "outer",
                                    "parent": parent}], base=1, change_id=f"c-{parent}")
        assert response.status_code == 422
        assert response.get_json()["field"] == "parent"
    assert save(b, layer, [{"op": "add_attribution", "attribution": {
        "id": "x", "parent": "nope"}}], base=1, change_id="c-x").get_json()["field"] == (
        "attribution.parent")


def test_every_applied_change_is_audited_with_before_and_after(browser, world):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    save(b, layer, [span("s-1", 0, 7)], change_id="c-1")
    save(b, layer, [{"op": "update_span", "id": "s-1", "attrs": {"entity_type": "GPE"}}],
         base=1, change_id="c-2")
    save(b, layer, [{"op": "delete_span", "id": "s-1"}], base=2, change_id="c-3")
    db.session.rollback()
    entries = db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    assert [e.action for e in entries] == ["add_span", "update_span", "delete_span"]
    assert entries[0].before is None and entries[0].after["text"] == "Ukraine"
    assert entries[1].before["attrs"] == {} and entries[1].after["attrs"] == {"entity_type": "GPE"}
    assert entries[2].after is None and entries[2].before["id"] == "s-1"
    assert {e.user_id for e in entries} == {world.users["coderA"]}


@pytest.mark.parametrize(
    ("data", "content_type", "status", "error"),
    [
        ("{not json", "application/json", 400, "bad_request"),
        ('{"change_id": "c"}', "text/plain", 400, "bad_request"),
        ("[" * 100_000 + "]" * 100_000, "application/json", 400, "bad_request"),
        ('{"change_id": "c-\\u0000", "base_version": 0, "changes": []}', "application/json",
         400, "bad_request"),
        ('{"change_id": "c-\\ud800", "base_version": 0, "changes": []}', "application/json",
         400, "bad_request"),
        ("x" * (3 * 1024 * 1024), "application/json", 413, "too_large"),
    ],
)
def test_unusable_bodies_get_json_errors(browser, world, data, content_type, status, error):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    response = b.client.post(f"/api/layers/{layer['layer']['id']}/changes", data=data,
                             content_type=content_type, headers=b.headers(True))
    assert response.status_code == status
    assert response.get_json()["error"] == error and response.get_json()["message"]


def test_api_errors_are_json_for_unknown_paths_and_methods(browser, world):
    b = browser("coderA")
    missing = b.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    wrong = b.client.put(f"/api/documents/{world.doc1}/layer", headers=b.headers(True))
    assert wrong.status_code == 405 and wrong.get_json()["error"] == "method_not_allowed"
    assert b.get("/api/documents/1/layer?layer=a%00b").status_code == 400


def test_api_post_without_csrf_token_gets_400_csrf(browser, world):
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    response = save(b.__class__(b.client), layer, [span("s-1", 0, 7)])  # no token sent
    assert response.status_code == 400 and response.get_json()["error"] == "csrf"
    assert count(Span) == 0


def test_api_token_works_without_csrf_and_bad_tokens_get_401(browser, world, app):
    user = db.session.get(User, world.users["coderA"])
    token = user.issue_api_token()
    db.session.commit()
    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    layer = client.get(f"/api/documents/{world.doc1}/layer", headers=auth).get_json()
    response = client.post(f"/api/layers/{layer['layer']['id']}/changes", headers=auth,
                           json={"change_id": "c-1", "base_version": 0,
                                 "changes": [span("s-1", 0, 7)]})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers  # token requests make no session
    for header in ("Bearer wrong", "bearer wrong", "Bearer "):
        refused = client.get(f"/api/documents/{world.doc1}/layer",
                             headers={"Authorization": header})
        assert refused.status_code == 401 and refused.get_json()["error"] == "invalid_token"
    # Another scheme (a proxy's Basic auth) is no API token: without a session, not signed in.
    refused = client.get(f"/api/documents/{world.doc1}/layer",
                         headers={"Authorization": "Basic abc"})
    assert refused.status_code == 401 and refused.get_json()["error"] == "unauthorized"
    user = db.session.get(User, world.users["coderA"])
    user.active = False
    db.session.commit()
    assert client.get(f"/api/documents/{world.doc1}/layer", headers=auth).status_code == 401
