"""Apply one reviewer decision to the gold layer: accept, edit, reject, or add a note; no commits.

Each decision is one AuditEntry holding the gold items it replaced (with their old provenance,
so adjudicating again keeps history) and the items it made. The gold layer's version goes up
whenever gold changed, so the annotation page's optimistic locking sees reviewers' saves too.
"""

from annotator.adjudication import find_target, walk
from annotator.adjudication_items import event_key, signature, span_key
from annotator.errors import Conflict
from annotator.extensions import db
from annotator.layers import GoldWriter, InvalidDecision
from annotator.models import AuditEntry, Document, User
from annotator.services.annotating import create_layer, find_layer
from annotator.services.review import (
    DECISIONS,
    assignment_statuses,
    load_review,
    review_view,
    sync_document_status,
)
from annotator.services.review.placing import Context, put, replace_target

MAX_NOTE = 2000
KIND_OF = {"span": "spans", "event": "events", "attribution": "attributions"}

__all__ = ["InvalidDecision", "StaleGold", "UnknownTarget", "decide"]


class StaleGold(Conflict):
    """The decision was made against an older version of the gold layer."""

    code = "stale_version"

    def __init__(self, document: Document):
        super().__init__("Someone else changed the gold layer since this page loaded it; "
                         "nothing was saved.", current=lambda: review_view(document))


class UnknownTarget(Conflict):
    """The decision names an item that the coders' layers no longer hold."""

    code = "unknown_target"

    def __init__(self, document: Document):
        super().__init__("The coders' layers changed and that item is no longer there; "
                         "nothing was saved.", current=lambda: review_view(document))


def parse_decision(payload: object) -> dict:
    """Check a decision request body and return its fields.

    :raise InvalidDecision: naming the first field that is wrong.
    """
    if not isinstance(payload, dict):
        raise InvalidDecision("body", "must be a JSON object")
    action = payload.get("action")
    if action not in DECISIONS:
        raise InvalidDecision("action", f"must be one of {', '.join(DECISIONS)}")
    target = payload.get("target")
    if action != "accept_agreed" and not isinstance(target, str):
        raise InvalidDecision("target", "must be the id of an agreed item or a disagreement")
    note = payload.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        raise InvalidDecision("note", f"must be text of at most {MAX_NOTE} characters")
    note = (note or "").strip() or None
    if action == "note" and note is None:
        raise InvalidDecision("note", "must not be empty")
    coder = payload.get("coder")
    if coder is not None and not isinstance(coder, str):
        raise InvalidDecision("coder", "must be a coder's user name")
    if action == "edit" and not isinstance(payload.get("item"), dict):
        raise InvalidDecision("item", "must be the corrected item")
    version = payload.get("gold_version")
    # Required: a decision made against an older gold would overwrite what another reviewer
    # decided since (the page sends the version it shows).
    if type(version) is not int or version < 0:
        raise InvalidDecision("gold_version", "is required: the version of the gold layer "
                              "this decision was made against (a non-negative integer)")
    return {"action": action, "target": target, "note": note, "coder": coder,
            "item": payload.get("item"), "gold_version": version}


def decide(document: Document, reviewer: User, payload: object) -> dict:
    """Apply one decision and return {"version": gold version, "status": document status}.

    :raise: InvalidDecision, StaleGold, UnknownTarget (the caller rolls back).
    """
    decision = parse_decision(payload)
    sync_document_status(document, reviewer)
    review = load_review(document)
    gold = find_layer(document.id, "gold", None) or create_layer(document, "gold", None)
    writer = GoldWriter(document, gold, reviewer.username, review.book)
    # Lock the gold row so two reviewers' decisions queue up (PostgreSQL; SQLite's IMMEDIATE
    # begin already holds the write lock).
    db.session.refresh(writer.layer, with_for_update=True)
    if decision["gold_version"] != writer.layer.version:
        raise StaleGold(document)
    target = None
    if decision["action"] != "accept_agreed":
        target = find_target(review.alignment, decision["target"])
        if target is None:
            raise UnknownTarget(document)
    context = Context(review, writer, decision["note"])
    HANDLERS[decision["action"]](context, target, decision)
    before, after = writer.changes()
    status_before = document.status
    if writer.touched and document.status == "adjudicated":
        # Gold changed after the reviewer finished: the document needs finishing again.
        done = all(s == "done" for s in assignment_statuses(document).values())
        document.status = "annotated" if done else "assigned"
    db.session.add(AuditEntry(
        user_id=reviewer.id, project_id=document.project_id, document_id=document.id,
        layer_id=writer.layer.id, action=f"review_{decision['action']}",
        target_type=target["kind"] if target else "document",
        target_uid=decision["target"] if target else "agreed",
        before={"gold": before, "status": status_before},
        after={"decision": {k: decision[k] for k in ("action", "target", "coder", "note")},
               "gold": after, "status": document.status},
    ))
    return {"version": writer.bump(), "status": document.status}


# -- the five decisions --------------------------------------------------------------------


def accept_agreed(ctx: Context, _target, _decision) -> None:
    """Put every agreed item not yet in gold (and not rejected) into gold."""
    items = sorted((x for x in walk(ctx.review.alignment, "agreed")
                    if ctx.review.states[x["id"]] == "open"), key=_order)
    for item in items:
        put(ctx, item["kind"], item, item["from"], item["id"])


def _order(item: dict) -> int:
    """Spans, then events, then attributions outer before inner (so parents are in gold)."""
    if item["kind"] != "attribution":
        return 0 if item["kind"] == "span" else 1
    key, depth = item["key"], 2
    while key[1] is not None:
        key, depth = key[1], depth + 1
    return depth


def accept(ctx: Context, target: dict, decision: dict) -> None:
    """Accept an agreed item, or one coder's version of a disagreement."""
    if "from" in target:
        put(ctx, target["kind"], target, target["from"], target["id"])
        return
    version = next((v for v in target["versions"] if v["coder"] == decision["coder"]), None)
    if version is None:
        names = ", ".join(v["coder"] for v in target["versions"])
        raise InvalidDecision("coder", f"{decision['coder']!r} is not one of {names}")
    plural = KIND_OF[target["kind"]]
    replace_target(ctx, target, [
        (item, [{"coder": i["coder"], "id": i["id"]} for v in target["versions"]
                for i in v["items"] if signature(plural, i) == signature(plural, item)])
        for item in version["items"]])


def edit(ctx: Context, target: dict, decision: dict) -> None:
    """Put the reviewer's corrected item into gold in place of the target's."""
    item = decision["item"]
    candidates = target.get("from") or [
        {"coder": i["coder"], "id": i["id"], "key": i["key"]}
        for v in target["versions"] for i in v["items"]]
    key = None
    try:
        if target["kind"] == "span":
            key = span_key(item)
        elif target["kind"] == "event":
            key = event_key({"trigger": item.get("trigger"), "type": item.get("type")})
    except (KeyError, TypeError):
        pass  # a malformed item: GoldWriter names the bad field below
    exact = [c for c in candidates if c.get("key", target.get("key")) == key]
    replace_target(ctx, target, [(item, exact or candidates)])


def reject(ctx: Context, target: dict, _decision) -> None:
    """Keep the target out of gold."""
    if "from" in target:
        obj = ctx.writer.find(target["kind"], target["key"])
        if obj is not None:
            ctx.writer.remove(target["kind"], obj)
    replace_target(ctx, target, [])


def note(ctx: Context, target: dict, _decision) -> None:
    """Add the note to the provenance of the gold items made for the target."""
    writer = ctx.writer
    for kind in ("span", "event", "attribution"):
        objs = writer.of_target(kind, target["id"])
        if "from" in target and target["kind"] == kind:
            found = writer.find(kind, target["key"])
            objs += [found] if found is not None and found not in objs else []
        for obj in objs:
            writer.set_provenance(kind, obj, {**(obj.provenance or {}), "note": ctx.note})


HANDLERS = {"accept_agreed": accept_agreed, "accept": accept, "edit": edit, "reject": reject,
            "note": note}
