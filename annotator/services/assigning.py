"""Assign a project's unassigned documents to coders."""

from sqlalchemy import func, select

from annotator.assignment import plan_assignments
from annotator.errors import InputError
from annotator.extensions import db
from annotator.models import Assignment, Document, Membership, Project, User

ID_CHUNK = 10_000  # ids per IN list


def assign_documents(project: Project, coder_names: list[str], overlap: int, seed: int) -> dict:
    """Assign every document without assignments to `overlap` of the coders; return counts."""
    coders = {}
    for name in coder_names:
        row = db.session.execute(
            select(User).join(Membership, Membership.user_id == User.id).where(
                User.username == name, Membership.project_id == project.id,
                Membership.role == "coder",
            )
        ).scalar_one_or_none()
        if row is None:
            raise InputError(f"{name!r} is not a coder of project {project.name!r}")
        coders[name] = row
    assigned = select(Assignment.document_id).distinct()
    documents = db.session.execute(
        select(Document.id).where(Document.project_id == project.id,
                                  Document.id.not_in(assigned))
    ).scalars().all()
    load = dict(db.session.execute(
        select(User.username, func.count(Assignment.id))
        .join(Assignment, Assignment.user_id == User.id)
        .join(Document, Document.id == Assignment.document_id)
        .where(Document.project_id == project.id, User.username.in_(list(coders)))
        .group_by(User.username)
    ).all())
    try:
        plan = plan_assignments(documents, list(coders), overlap, seed, load)
    except ValueError as error:
        raise InputError(str(error)) from None
    rows = [
        {"document_id": doc, "user_id": coders[name].id, "status": "assigned"}
        for doc, names in plan.items() for name in names
    ]
    if rows:
        db.session.execute(Assignment.__table__.insert(), rows)
        planned = list(plan)
        for start in range(0, len(planned), ID_CHUNK):  # SQLite allows 32,766 bound values
            db.session.execute(
                Document.__table__.update()
                .where(Document.id.in_(planned[start:start + ID_CHUNK])).values(status="assigned")
            )
    per_coder = {name: 0 for name in coders}
    for names in plan.values():
        for name in names:
            per_coder[name] += 1
    return {"documents": len(plan), "assignments": len(rows), "per_coder": per_coder}
