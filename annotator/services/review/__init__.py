"""Review: the coders' layers of a document side by side, and the document's status; no commits.

Decisions that write gold are in decisions.py (placing.py brings the items a decision needs
along, through annotator/layers). Which coders count: everyone with a non-empty layer, plus
assigned coders who marked the document done (an empty layer is then their answer: nothing to
mark).
"""

from dataclasses import dataclass

from annotator.adjudication import KINDS, align_document, review_states, walk
from annotator.adjudication_items import prepare
from annotator.errors import Conflict
from annotator.extensions import db
from annotator.layers import gold_items, load_layer_items, serialise_items
from annotator.models import Assignment, AuditEntry, Document, Layer, Project, User
from annotator.services.annotating import find_layer

DECISIONS = ("accept_agreed", "accept", "edit", "reject", "note")
AUDIT_ACTIONS = tuple(f"review_{name}" for name in DECISIONS)


class CannotFinish(Conflict):
    """The document cannot be marked adjudicated yet; the message says why."""

    code = "cannot_finish"


@dataclass
class Review:
    document: Document
    book: dict
    coders: list[dict]
    alignment: dict
    gold: dict
    decisions: dict[str, dict]
    states: dict[str, str]


def assignment_statuses(document: Document) -> dict[str, str]:
    """Return {coder name: assignment status} for the document."""
    return dict(db.session.execute(
        db.select(User.username, Assignment.status).join(User, Assignment.user_id == User.id)
        .where(Assignment.document_id == document.id)
    ).all())


def load_review(document: Document) -> Review:
    """Load coder layers, align them, and read gold and the latest decisions."""
    project = db.session.get(Project, document.project_id)
    statuses = assignment_statuses(document)
    rows = db.session.execute(
        db.select(Layer.id, User.username).join(User, Layer.user_id == User.id)
        .where(Layer.document_id == document.id, Layer.kind == "coder")
    ).all()
    loaded = load_layer_items([row.id for row in rows])
    position_of = {p.id: p.position for p in document.paragraphs}
    layers, counts = {}, {}
    for row in rows:
        native = serialise_items(loaded[row.id], position_of)
        counts[row.username] = sum(len(native[kind]) for kind in KINDS)
        if counts[row.username] or statuses.get(row.username) == "done":
            layers[row.username] = native
    coders = [{"name": name, "status": statuses.get(name), "items": counts.get(name, 0),
               "compared": name in layers} for name in sorted(set(statuses) | set(counts))]
    alignment = align_document([p.position for p in document.paragraphs], layers)
    gold = gold_items(find_layer(document.id, "gold", None), position_of)
    gold_keys = {kind: {i["key"] for i in prepare("gold", gold)[kind]} for kind in KINDS}
    decisions = latest_decisions(document.id)
    return Review(document, project.codebook.content, coders, alignment, gold, decisions,
                  review_states(alignment, gold_keys, decisions))


def latest_decisions(document_id: int) -> dict[str, dict]:
    """Return, per target, the latest accept/edit/reject and the latest note, from the log."""
    found: dict[str, dict] = {}
    rows = db.session.execute(
        db.select(AuditEntry, User.username).outerjoin(User, AuditEntry.user_id == User.id)
        .where(AuditEntry.document_id == document_id, AuditEntry.action.in_(AUDIT_ACTIONS))
        .order_by(AuditEntry.id)
    ).all()
    for entry, username in rows:
        decision = (entry.after or {}).get("decision", {})
        latest = found.setdefault(entry.target_uid, {"action": None, "note": None})
        if decision.get("action") != "note":
            latest.update(action=decision.get("action"), coder=decision.get("coder"),
                          by=username, at=entry.created_at.isoformat())
        if decision.get("note"):
            latest["note"] = decision["note"]
    return found


def derived_status(current: str, statuses: list[str]) -> str:
    """Return the document status its assignments imply; "adjudicated" stays until reopened."""
    if current == "adjudicated" or not statuses:
        return current
    return "annotated" if all(s == "done" for s in statuses) else "assigned"


def sync_document_status(document: Document, user: User | None = None) -> str:
    """Move the document to "annotated" once every assigned coder is done (or back)."""
    status = derived_status(document.status, list(assignment_statuses(document).values()))
    if status != document.status:
        db.session.add(AuditEntry(
            user_id=user.id if user else None, project_id=document.project_id,
            document_id=document.id, action="document_status", target_type="document",
            target_uid=str(document.id), before={"status": document.status},
            after={"status": status}))
        document.status = status
    return status


def finish_blockers(review: Review) -> list[str]:
    """Say what keeps the reviewer from marking the document adjudicated."""
    blockers = []
    statuses = assignment_statuses(review.document)
    waiting = [name for name, status in sorted(statuses.items()) if status != "done"]
    if waiting:
        blockers.append(f"{len(waiting)} of {len(statuses)} assigned coders have not marked the "
                        f"document done ({', '.join(waiting)}).")
    open_items = [x for x in walk(review.alignment) if review.states[x["id"]] == "open"]
    if open_items:
        blockers.append(f"{len(open_items)} item(s) still need a decision.")
    return blockers


def finish(document: Document, reviewer: User) -> str:
    """Mark the document adjudicated.

    :raise CannotFinish: while coders are not done or items still need a decision.
    """
    sync_document_status(document, reviewer)
    blockers = finish_blockers(load_review(document))
    if blockers:
        raise CannotFinish(" ".join(blockers))
    gold = find_layer(document.id, "gold", None)
    db.session.add(AuditEntry(
        user_id=reviewer.id, project_id=document.project_id, document_id=document.id,
        layer_id=gold.id if gold else None, action="review_finish", target_type="document",
        target_uid=str(document.id), before={"status": document.status},
        after={"status": "adjudicated", "gold_version": gold.version if gold else None}))
    document.status = "adjudicated"
    return document.status


def review_view(document: Document) -> dict:
    """Return what the review page shows: aligned paragraphs, gold, coders, what is left."""
    review = load_review(document)
    for item in walk(review.alignment):
        item["state"] = review.states[item["id"]]
        item["decision"] = review.decisions.get(item["id"])
    aligned = {p["index"]: p for p in review.alignment["paragraphs"]}
    gold = find_layer(document.id, "gold", None)
    counts = {section: {"total": 0, "open": 0} for section in ("agreed", "conflicts")}
    for section, entry in counts.items():
        for item in walk(review.alignment, section):
            entry["total"] += 1
            entry["open"] += review.states[item["id"]] == "open"
    statuses = assignment_statuses(document)
    return {
        "document": {"id": document.id, "external_id": document.external_id,
                     "title": document.title, "status": document.status,
                     "expected_status": derived_status(document.status,
                                                       list(statuses.values()))},
        "coders": review.coders,
        "compared": review.alignment["coders"],
        "paragraphs": [
            {"index": p.position, "text": p.text, "boilerplate": p.boilerplate,
             **{kind: aligned.get(p.position, {}).get(kind, {"agreed": [], "conflicts": []})
                for kind in KINDS}}
            for p in document.paragraphs
        ],
        "gold": {"layer": gold.id if gold else None, "version": gold.version if gold else 0,
                 **review.gold},
        "counts": counts,
        "finish_blockers": finish_blockers(review),
    }
