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
STATUSES = ("assigned", "in_progress", "done")  # of an assignment, in queue order


@dataclass
class QueueRow:
    document: Document
    status: str  # "assigned" (to do), "in_progress" or "done"
    spans: int


@dataclass
class QueuePage:
    """One page of a coder's queue, with the whole queue's totals per status."""

    rows: list[QueueRow]
    totals: dict[str, int]  # every status of STATUSES, zeros included
    page: int
    pages: int

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def project_has_assignments(project_id: int) -> bool:
    """Tell whether any document of the project is assigned (SPEC: else every coder sees all).

    Assignments that coders made for themselves by marking a status do not count: otherwise the
    first "done" in an open project would lock every other coder out of every document.
    """
    self_made = db.select(AuditEntry.id).where(
        AuditEntry.document_id == Assignment.document_id, AuditEntry.action == SELF_ASSIGNED,
        AuditEntry.target_uid == cast(Assignment.id, String),
    ).exists()
    # Walks the project's documents in id order and stops at the first assigned one: at once in
    # an assigned project, but through every document of an open one (assignments have no
    # project column to index).
    return db.session.execute(db.select(
        db.select(Assignment.id).join(Document, Assignment.document_id == Document.id)
        .where(Document.project_id == project_id, ~self_made).exists()
    )).scalar_one()


def has_assignments(project: Project, user: User) -> bool:
    """Tell whether the user has any assignment in the project."""
    # Correlated rather than a join, so that the plan starts from the user's assignments (few)
    # and not from the project's documents (SQLite picked those: 100,000 probes for a reviewer).
    in_project = db.select(Document.id).where(Document.id == Assignment.document_id,
                                              Document.project_id == project.id).exists()
    return db.session.execute(db.select(
        db.select(Assignment.id).where(Assignment.user_id == user.id, in_project).exists()
    )).scalar_one()


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


def _queue(project_id: int, user_id: int, assigned: bool):
    """Select (document_id, assignment status or None) of the user's queue, in no order yet.

    With assignments in the project the queue is the user's assignments; without, it is every
    document of the project, with the status the user may have marked.
    """
    if assigned:
        return (db.select(Assignment.document_id, Assignment.status)
                .join(Document, Document.id == Assignment.document_id)
                .where(Assignment.user_id == user_id, Document.project_id == project_id))
    return (db.select(Document.id.label("document_id"), Assignment.status)
            .outerjoin(Assignment, (Assignment.document_id == Document.id)
                       & (Assignment.user_id == user_id))
            .where(Document.project_id == project_id))


def _queue_totals(project_id: int, user_id: int, assigned: bool) -> dict[str, int]:
    """Count the user's queue per status, in SQL (no rows are loaded)."""
    # FILTER rather than GROUP BY status: SQLite would then walk (user_id, status), which does
    # not cover document_id, instead of an index that does.
    counts = db.session.execute(
        db.select(*(func.count().filter(Assignment.status == status) for status in STATUSES))
        .join(Document, Document.id == Assignment.document_id)
        .where(Assignment.user_id == user_id, Document.project_id == project_id)
    ).one()
    totals = dict(zip(STATUSES, counts, strict=True))
    if assigned:
        return totals
    # In an open project, documents the user has not marked count as in progress once the
    # user's layer holds a span, and as to do otherwise.
    documents = db.session.execute(
        db.select(func.count()).where(Document.project_id == project_id)
    ).scalar_one()
    marked = db.select(Assignment.id).where(Assignment.document_id == Layer.document_id,
                                             Assignment.user_id == user_id).exists()
    started = db.session.execute(
        db.select(func.count(Layer.id)).join(Document, Document.id == Layer.document_id)
        .where(Layer.user_id == user_id, Layer.kind == "coder",
               Document.project_id == project_id, ~marked,
               db.select(Span.id).where(Span.layer_id == Layer.id).exists())
    ).scalar_one()
    totals["in_progress"] += started
    totals["assigned"] = documents - totals["in_progress"] - totals["done"]
    return totals


def coder_queue(project: Project, user: User, page: int = 1) -> QueuePage:
    """Return one page of the user's documents in id order, with span counts and totals.

    The queue is the user's assignments, or every document when the project has none.
    """
    assigned = project_has_assignments(project.id)
    totals = _queue_totals(project.id, user.id, assigned)
    pages = max(1, -(-sum(totals.values()) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    # Page first, then count spans for that page only: one statement, whatever the queue's size.
    queue = _queue(project.id, user.id, assigned).subquery()
    on_page = (db.select(queue).order_by(queue.c.document_id)
               .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE).subquery())
    counted = (
        db.select(on_page.c.document_id, on_page.c.status, func.count(Span.id).label("spans"))
        .outerjoin(Layer, (Layer.document_id == on_page.c.document_id)
                   & (Layer.user_id == user.id) & (Layer.kind == "coder"))
        .outerjoin(Span, Span.layer_id == Layer.id)
        .group_by(on_page.c.document_id, on_page.c.status).subquery()
    )
    rows = db.session.execute(
        db.select(Document, counted.c.status, counted.c.spans)
        .join(counted, counted.c.document_id == Document.id).order_by(Document.id)
    ).all()
    return QueuePage([QueueRow(doc, _status(status, spans), spans)
                      for doc, status, spans in rows], totals, page, pages)


def next_document(project: Project, user: User) -> Document | None:
    """Return the first document in the user's queue that is not done."""
    queue = _queue(project.id, user.id, project_has_assignments(project.id))
    document_id = queue.selected_columns.document_id
    # A missing assignment (open project, nothing marked) is not done either.
    first = (queue.with_only_columns(document_id)
             .where(func.coalesce(Assignment.status, "assigned") != "done")
             .order_by(document_id).limit(1).scalar_subquery())
    return db.session.execute(db.select(Document).where(Document.id == first)).scalar_one_or_none()


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

