"""The annotation page: one document's text, labelled in the browser through the JSON API.

The page itself only carries what the script needs to start (paragraphs, codebook, URLs, CSRF
token) as one JSON block; the layer is read and saved through /api (docs/api.md), so the page
and users' scripts go through the same checks.
"""

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from annotator.extensions import db
from annotator.models import Actor, Assignment, Document, Layer, Project, Span
from annotator.services.queues import project_has_assignments
from annotator.web.access import document_role, get_document_or_404

bp = Blueprint("annotate", __name__)


@bp.get("/documents/<int:document_id>/annotate")
@login_required
def page(document_id: int):
    """Show the annotation page for a document (the caller's layer, or ?layer= for reviewers)."""
    document = get_document_or_404(document_id)
    project = db.session.get(Project, document.project_id)
    layer = request.args.get("layer") or None
    data = _page_data(document, project, layer)
    return render_template(
        "annotate/page.html",
        document=document,
        project=project,
        layer_name=layer,
        may_mark_done=layer is None and _may_set_status(document, data["assignment_status"]),
        data=data,
    )


def _may_set_status(document: Document, assignment_status: str | None) -> bool:
    """Tell whether the caller may mark the document done, as the status API will decide."""
    if assignment_status is not None:
        return True
    return document_role(document) == "coder" and not project_has_assignments(
        document.project_id)


def _page_data(document: Document, project: Project, layer: str | None) -> dict:
    """Everything the page script starts from; layer items are fetched through the API."""
    layer_url = url_for("api.read_layer", document_id=document.id)
    if layer:
        layer_url = url_for("api.read_layer", document_id=document.id, layer=layer)
    # The script fills in {id}; url_for would percent-encode the braces.
    notes_url = url_for("api.list_notes", paragraph_id=0).replace("/0/", "/{id}/")
    note_url = url_for("api.delete_note", note_id=0).rsplit("/", 1)[0] + "/{id}"
    return {
        "document": {"id": document.id, "external_id": document.external_id,
                     "title": document.title},
        "project": {"id": project.id, "name": project.name},
        "paragraphs": [
            {"index": p.position, "id": p.id, "text": p.text, "boilerplate": p.boilerplate}
            for p in document.paragraphs
        ],
        "codebook": project.codebook.content if project.codebook else None,
        "user": current_user.username,
        "assignment_status": _assignment_status(document),
        "actors": _linked_actors(document, project),
        "csrf_token": generate_csrf(),
        "urls": {
            "layer": layer_url,
            "changes": url_for("api.save_changes", layer_id=0).replace("/0/", "/{id}/"),
            "status": url_for("api.set_status", document_id=document.id),
            "actors": url_for("api.search_actors", project_id=project.id),
            "suggestions": url_for("api_suggestions.list_suggestions", document_id=document.id),
            "notes": notes_url,
            "note": note_url,
            "login": url_for("auth.login"),
        },
    }


def _assignment_status(document: Document) -> str | None:
    return db.session.execute(
        db.select(Assignment.status).where(
            Assignment.document_id == document.id, Assignment.user_id == current_user.id
        )
    ).scalar_one_or_none()


def _linked_actors(document: Document, project: Project) -> dict:
    """The registry's actors that spans of this document link to, so the page can name them."""
    ids = set()
    for attrs in db.session.execute(
        db.select(Span.attrs).join(Layer, Span.layer_id == Layer.id)
        .where(Layer.document_id == document.id)
    ).scalars():
        if isinstance((attrs or {}).get("actor_id"), int):
            ids.add(attrs["actor_id"])
    if not ids:
        return {}
    found = db.session.execute(
        db.select(Actor).where(Actor.project_id == project.id, Actor.id.in_(ids))
    ).scalars()
    return {str(a.id): {"id": a.id, "name": a.name, "entity_type": a.entity_type,
                        "country": a.country, "sector": a.sector, "proposed": a.proposed}
            for a in found}
