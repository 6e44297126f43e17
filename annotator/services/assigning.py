"""Assign a project's unassigned documents to coders, never taking work away from anyone.

A document counts as unassigned until a manager assigns it: the assignments coders make for
themselves by marking a status in an open project (queues.SELF_ASSIGNED) do not count. Coders
who already work on a document (a layer of their own, or a status) keep it and count toward
its overlap; their self-made assignment becomes an ordinary one, so that they keep opening
the document once the project is assigned.
"""

from sqlalchemy import String, bindparam, cast, func, select

from annotator.assignment import plan_assignments
from annotator.database import free_ids
from annotator.errors import InputError
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
from annotator.services.queues import SELF_ASSIGNED

ID_CHUNK = 10_000  # ids per IN list


def _self_made():
    """Tell, for the Assignment row at hand, whether a coder made it by marking a status."""
    return select(AuditEntry.id).where(
        AuditEntry.document_id == Assignment.document_id, AuditEntry.action == SELF_ASSIGNED,
        AuditEntry.target_uid == cast(Assignment.id, String),
    ).exists()


def _coder_of(project: Project):
    """Join condition: the row's user is a coder of the project."""
    return ((Membership.user_id == User.id) & (Membership.project_id == project.id)
            & (Membership.role == "coder"))


def unassigned_documents(project: Project):
    """Select the ids of the project's documents that no manager has assigned yet."""
    managed = select(Assignment.document_id).where(~_self_made())
    return select(Document.id).where(Document.project_id == project.id,
                                     Document.id.not_in(managed))


def count_unassigned(project: Project) -> int:
    """Count the documents an assignment run would plan."""
    return db.session.execute(
        select(func.count()).select_from(unassigned_documents(project).subquery())
    ).scalar_one()


def assign_documents(project: Project, coder_names: list[str], overlap: int, seed: int) -> dict:
    """Assign every document without assignments to `overlap` coders; return counts.

    Coders with a layer or a status on a document keep it and count toward its overlap.
    :raise InputError: for a name that is not a coder of the project, or a bad overlap.
    """
    coders = {}
    for name in coder_names:
        row = db.session.execute(
            select(User).join(Membership, _coder_of(project)).where(User.username == name)
        ).scalar_one_or_none()
        if row is None:
            raise InputError(f"{name!r} is not a coder of project {project.name!r}")
        coders[name] = row
    unassigned = unassigned_documents(project)
    documents = db.session.execute(unassigned).scalars().all()
    user_ids = {name: user.id for name, user in coders.items()}
    holders: dict[int, list[str]] = {}
    marked: dict[tuple[int, str], tuple[int, str]] = {}  # (document, name) -> (id, status)
    for assignment_id, document_id, status, name, user_id in db.session.execute(
        select(Assignment.id, Assignment.document_id, Assignment.status, User.username, User.id)
        .join(User, User.id == Assignment.user_id).join(Membership, _coder_of(project))
        .where(Assignment.document_id.in_(unassigned))
    ):
        holders.setdefault(document_id, []).append(name)
        marked[document_id, name] = (assignment_id, status)
        user_ids[name] = user_id
    started: set[tuple[int, str]] = set()
    for document_id, name, user_id, has_spans in db.session.execute(
        select(Layer.document_id, User.username, User.id,
               select(Span.id).where(Span.layer_id == Layer.id).exists())
        .join(User, User.id == Layer.user_id).join(Membership, _coder_of(project))
        .where(Layer.kind == "coder", Layer.document_id.in_(unassigned))
    ):
        if (document_id, name) not in marked:
            holders.setdefault(document_id, []).append(name)
        if has_spans:
            started.add((document_id, name))
        user_ids[name] = user_id
    load = dict(db.session.execute(
        select(User.username, func.count(Assignment.id))
        .join(Assignment, Assignment.user_id == User.id)
        .join(Document, Document.id == Assignment.document_id)
        .where(Document.project_id == project.id, User.username.in_(list(coders)),
               ~_self_made())
        .group_by(User.username)
    ).all())
    try:
        plan = plan_assignments(documents, list(coders), overlap, seed, load, holders)
    except ValueError as error:
        raise InputError(str(error)) from None
    rows, adopted = [], []
    for document_id, names in plan.items():
        for name in names:
            status = "in_progress" if (document_id, name) in started else "assigned"
            if (document_id, name) in marked:
                adopted.append(marked[document_id, name][0])
            else:
                rows.append({"document_id": document_id, "user_id": user_ids[name],
                             "status": status})
    _adopt(adopted)
    if rows:
        db.session.execute(Assignment.__table__.insert(), rows)
        planned = list(plan)
        for start in range(0, len(planned), ID_CHUNK):
            db.session.execute(
                Document.__table__.update()
                .where(Document.id.in_(planned[start:start + ID_CHUNK]),
                       Document.status == "new")
                .values(status="assigned")
            )
    per_coder = {name: 0 for name in coders}
    for names in plan.values():
        for name in names:
            if name in per_coder:
                per_coder[name] += 1
    kept = sum(len(names) for names in holders.values())
    return {"documents": len(plan), "assignments": len(rows) + len(adopted),
            "per_coder": per_coder, "kept": kept}


def _adopt(assignment_ids: list[int]) -> None:
    """Make self-made assignments ordinary ones, keeping their status.

    An assignment counts as self-made while an audit entry names its id (queues.py), so each
    gets a new id, never used before: the entries keep telling what the coder did.
    """
    if not assignment_ids:
        return
    new_ids = free_ids(Assignment, len(assignment_ids))
    connection = db.session.connection()
    connection.execute(
        Assignment.__table__.update().where(Assignment.id == bindparam("old_id"))
        .values(id=bindparam("new_id")),
        [{"old_id": old, "new_id": new} for old, new in zip(assignment_ids, new_ids,
                                                             strict=True)])
