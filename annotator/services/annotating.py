"""Annotating: find or create layers, serialise them, apply change batches, mark assignments.

Never commits: the view owns the transaction and rolls back when a batch is refused.
"""

import re

from annotator.errors import Conflict, Forbidden, InvalidField
from annotator.extensions import db
from annotator.layers import InvalidChange, apply_batch, layer_items
from annotator.models import Assignment, AuditEntry, Codebook, Document, Layer, Project, User
from annotator.services.queues import SELF_ASSIGNED, project_has_assignments

CHANGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a request's id (not an item's)
MAX_CHANGES = 2000  # per request; a page saves every few seconds, far below this
STATUSES = ("in_progress", "done")

__all__ = ["InvalidChange", "InvalidRequest", "NotAssigned", "StaleVersion"]


class InvalidRequest(InvalidField):
    """A request body whose top-level fields are missing or of the wrong type."""


class StaleVersion(Conflict):
    """The change batch was made against an older version of the layer."""

    code = "stale_version"

    def __init__(self, layer: Layer):
        super().__init__("The layer changed since this page loaded it; nothing was saved.",
                         current=lambda: layer_json(layer))


class NotAssigned(Forbidden):
    """The user has no assignment for the document, and the project uses assignments."""

    code = "not_assigned"

    def __init__(self):
        super().__init__("This document is not assigned to you.")


def find_layer(document_id: int, kind: str, user_id: int | None) -> Layer | None:
    """Return the document's layer of this kind (and coder), if it exists."""
    owner = Layer.user_id.is_(None) if user_id is None else Layer.user_id == user_id
    return db.session.execute(
        db.select(Layer).where(Layer.document_id == document_id, Layer.kind == kind, owner)
    ).scalar_one_or_none()


def create_layer(document: Document, kind: str, user: User | None) -> Layer:
    """Add an empty layer made under the project's current codebook version."""
    project = db.session.get(Project, document.project_id)
    layer = Layer(document_id=document.id, kind=kind, user_id=user.id if user else None,
                  version=0, codebook_version=project.codebook.version if project.codebook
                  else None)
    db.session.add(layer)
    db.session.flush()
    return layer


def layer_json(layer: Layer) -> dict:
    """Return the layer as docs/api.md "Read a layer" shows it."""
    user = db.session.get(User, layer.user_id) if layer.user_id else None
    meta = {"id": layer.id, "version": layer.version, "kind": layer.kind,
            "user": user.username if user else None, "document": layer.document_id,
            "codebook_version": layer.codebook_version}
    return {"layer": meta, **layer_items(layer)}


def parse_change_request(payload: object) -> tuple[str, int, list]:
    """Return (change_id, base_version, changes) from a request body, or raise InvalidRequest."""
    if not isinstance(payload, dict):
        raise InvalidRequest("body", "must be a JSON object")
    change_id = payload.get("change_id")
    if not isinstance(change_id, str) or not CHANGE_ID.fullmatch(change_id):
        raise InvalidRequest("change_id", "must be 1-64 characters from A-Z, a-z, 0-9, _ and -")
    base = payload.get("base_version")
    if isinstance(base, bool) or not isinstance(base, int) or base < 0:
        raise InvalidRequest("base_version", "must be a non-negative integer")
    changes = payload.get("changes")
    if not isinstance(changes, list):
        raise InvalidRequest("changes", "must be a list")
    if len(changes) > MAX_CHANGES:
        raise InvalidRequest("changes", f"at most {MAX_CHANGES} changes per request")
    return change_id, base, changes


def apply_changes(layer: Layer, user: User, payload: object) -> int:
    """Apply a change batch to the layer and return its new version.

    The caller loads the layer under a lock (web/access.py get_writable_layer_or_404), so that
    the version compared here is the one this transaction will overwrite.
    :raise: InvalidRequest, StaleVersion, InvalidChange (the caller rolls back).
    """
    change_id, base_version, changes = parse_change_request(payload)
    if change_id == layer.last_change_id:
        return layer.version  # a retry of the batch already applied
    if base_version != layer.version:
        raise StaleVersion(layer)
    if not changes:
        return layer.version
    project_id, codebook_version, book = _current_codebook(layer.document_id)
    # Validated against this codebook, so the layer records its version.
    apply_batch(layer, user.id, project_id, book, changes, change_id, codebook_version,
                conflict=lambda: StaleVersion(layer))
    if layer.kind == "coder":
        _start_assignment(layer.document_id, layer.user_id)
    return layer.version


def _current_codebook(document_id: int) -> tuple[int, int, dict]:
    """Return (project id, version, content) of the newest codebook of the document's project."""
    # One plain query (no ORM objects): every save starts here.
    return tuple(db.session.connection().execute(
        db.select(Codebook.project_id, Codebook.version, Codebook.content)
        .join(Document, Document.project_id == Codebook.project_id)
        .where(Document.id == document_id)
        .order_by(Codebook.version.desc()).limit(1)
    ).one())


def _start_assignment(document_id: int, user_id: int) -> None:
    # One UPDATE, no read: most saves find the assignment already in progress.
    db.session.connection().execute(
        db.update(Assignment)
        .where(Assignment.document_id == document_id, Assignment.user_id == user_id,
               Assignment.status == "assigned")
        .values(status="in_progress")
    )


def _assignment(document_id: int, user_id: int) -> Assignment | None:
    return db.session.execute(
        db.select(Assignment).where(
            Assignment.document_id == document_id, Assignment.user_id == user_id
        )
    ).scalar_one_or_none()


def set_status(document: Document, user: User, status: object, may_create: bool) -> Assignment:
    """Mark the user's assignment for the document, creating it in a project without any.

    `may_create` is for coders only: a reviewer's status would make the project look assigned.
    :raise: InvalidRequest for an unknown status, NotAssigned when the project assigns
        documents and this one is not the user's.
    """
    if status not in STATUSES:
        raise InvalidRequest("status", f"must be one of {', '.join(STATUSES)}")
    assignment = _assignment(document.id, user.id)
    if assignment is None:
        if not may_create or project_has_assignments(document.project_id):
            raise NotAssigned()
        assignment = Assignment(document_id=document.id, user_id=user.id, status="assigned")
        db.session.add(assignment)
        db.session.flush()
        db.session.add(_audit(document, user, SELF_ASSIGNED, assignment, None, None))
    before = assignment.status
    assignment.status = status
    db.session.add(_audit(document, user, "set_status", assignment, {"status": before},
                          {"status": status}))
    return assignment


def _audit(document: Document, user: User, action: str, assignment: Assignment, before, after):
    return AuditEntry(user_id=user.id, project_id=document.project_id, document_id=document.id,
                      action=action, target_type="assignment", target_uid=str(assignment.id),
                      before=before, after=after)
