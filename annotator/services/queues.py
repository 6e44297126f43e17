"""Work queues: which documents a coder should code, and how far each coder has got (reads)."""

from dataclasses import dataclass

from sqlalchemy import String, cast, func

from annotator.extensions import db
from annotator.models import (
    Assignment,
    AuditEntry,
    Document,
    Layer,
    Membership,
    Project,
    Span,
    User,
)

# The audit action that marks an assignment a coder made by marking status in an open project.
SELF_ASSIGNED = "self_assign"

PAGE_SIZE = 50


@dataclass
class QueueRow:
    document: Document
    status: str  # "assigned" (to do), "in_progress" or "done"
    spans: int


def project_has_assignments(project_id: int) -> bool:
    """Tell whether any document of the project is assigned (SPEC: else every coder sees all).

    Assignments that coders made for themselves by marking a status do not count: otherwise the
    first "done" in an open project would lock every other coder out of every document.
    """
    self_made = db.select(AuditEntry.id).where(
        AuditEntry.action == SELF_ASSIGNED, AuditEntry.document_id == Assignment.document_id,
        AuditEntry.target_uid == cast(Assignment.id, String),
    ).exists()
    return db.session.execute(
        db.select(Assignment.id).join(Document, Assignment.document_id == Document.id)
        .where(Document.project_id == project_id, ~self_made).limit(1)
    ).first() is not None


def _span_counts(document_ids: list[int]) -> dict[tuple[int, int], int]:
    """Count spans per (document, coder) in coder layers."""
    if not document_ids:
        return {}
    rows = db.session.execute(
        db.select(Layer.document_id, Layer.user_id, func.count(Span.id))
        .join(Span, Span.layer_id == Layer.id)
        .where(Layer.document_id.in_(document_ids), Layer.kind == "coder")
        .group_by(Layer.document_id, Layer.user_id)
    ).all()
    return {(doc, user): count for doc, user, count in rows}


def _status(assignment_status: str | None, spans: int) -> str:
    if assignment_status:
        return assignment_status
    return "in_progress" if spans else "assigned"


def coder_queue(project: Project, user: User) -> list[QueueRow]:
    """Return the user's documents in order: their assignments, or every document if none exist."""
    query = db.select(Document, Assignment.status).where(Document.project_id == project.id)
    if project_has_assignments(project.id):
        query = query.join(Assignment, (Assignment.document_id == Document.id)
                           & (Assignment.user_id == user.id))
    else:
        query = query.outerjoin(Assignment, (Assignment.document_id == Document.id)
                                & (Assignment.user_id == user.id))
    rows = db.session.execute(query.order_by(Document.id)).all()
    counts = _span_counts([doc.id for doc, _ in rows])
    return [
        QueueRow(doc, _status(status, counts.get((doc.id, user.id), 0)),
                 counts.get((doc.id, user.id), 0))
        for doc, status in rows
    ]


def next_document(project: Project, user: User) -> Document | None:
    """Return the first document in the user's queue that is not done."""
    return next((row.document for row in coder_queue(project, user) if row.status != "done"),
                None)


def project_overview(project: Project, page: int) -> dict:
    """Return one page of the project's documents with each coder's status and span count."""
    total = db.session.execute(
        db.select(func.count(Document.id)).where(Document.project_id == project.id)
    ).scalar_one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    documents = db.session.execute(
        db.select(Document).where(Document.project_id == project.id).order_by(Document.id)
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).scalars().all()
    ids = [d.id for d in documents]
    assigned = {
        (a.document_id, a.user_id): a.status
        for a in db.session.execute(
            db.select(Assignment).where(Assignment.document_id.in_(ids))
        ).scalars()
    } if ids else {}
    counts = _span_counts(ids)
    coder_ids = set(db.session.execute(
        db.select(Membership.user_id).where(Membership.project_id == project.id,
                                            Membership.role == "coder")
    ).scalars()) | {user for _, user in assigned} | {user for _, user in counts}
    coders = db.session.execute(
        db.select(User).where(User.id.in_(coder_ids)).order_by(User.username)
    ).scalars().all() if coder_ids else []
    open_project = not project_has_assignments(project.id)
    rows = []
    for document in documents:
        cells = []
        for coder in coders:
            key = (document.id, coder.id)
            spans = counts.get(key, 0)
            if key in assigned or open_project or spans:
                cells.append({"status": _status(assigned.get(key), spans), "spans": spans})
            else:
                cells.append(None)  # not this coder's document
        rows.append({"document": document, "cells": cells})
    return {"coders": coders, "rows": rows, "page": page, "pages": pages, "total": total}


def projects_for(user: User) -> list[tuple[Project, str]]:
    """Return the projects the user may open, with their role ("admin" for site admins)."""
    roles = dict(db.session.execute(
        db.select(Membership.project_id, Membership.role).where(Membership.user_id == user.id)
    ).all())
    query = db.select(Project).order_by(Project.name)
    if not user.is_admin:
        query = query.where(Project.id.in_(list(roles)))
    projects = db.session.execute(query).scalars().all() if roles or user.is_admin else []
    return [(p, "admin" if user.is_admin else roles[p.id]) for p in projects]


def has_assignments(project: Project, user: User) -> bool:
    """Tell whether the user has any assignment in the project."""
    return db.session.execute(
        db.select(Assignment.id).join(Document, Assignment.document_id == Document.id)
        .where(Document.project_id == project.id, Assignment.user_id == user.id).limit(1)
    ).first() is not None
