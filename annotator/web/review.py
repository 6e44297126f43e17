"""Review: adjudicate one document's coder layers into gold, in the page and through /api.

The page carries only what its script starts from; the aligned layers are read and decisions
sent through the JSON routes below (under /api, so errors come back as JSON). The agreement and
assignment pages are in review_project.py, on the same blueprint.
"""

from flask import Blueprint, current_app, jsonify, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from annotator.extensions import db
from annotator.models import Document, Project
from annotator.services import review as reviewing
from annotator.services.review import decisions as review_decisions
from annotator.web import access
from annotator.web.api import read_json

bp = Blueprint("review", __name__)


@bp.app_template_global()
def review_url(document_id: int) -> str:
    """Return the review page's URL for a document."""
    return url_for("review.page", document_id=document_id)


# The site's icon, also at /favicon.ico where browsers and feed readers look for it without a
# link: one more URL of the app's static files (the pages link it from base.html).
bp.record_once(lambda state: state.app.add_url_rule(
    "/favicon.ico", endpoint="static", defaults={"filename": "favicon.ico"}))


@bp.get("/documents/<int:document_id>/review")
@login_required
def page(document_id: int):
    """Show the review page: coders' layers side by side, decisions into gold."""
    document = access.get_document_or_404(document_id, "reviewer")
    project = db.session.get(Project, document.project_id)
    return render_template("review/page.html", document=document, project=project,
                           data=_page_data(document, project))


def _page_data(document: Document, project: Project) -> dict:
    """Everything the page script starts from; the review itself is fetched through the API."""
    urls = {
        "review": url_for("review.read_review", document_id=document.id),
        "decisions": url_for("review.post_decision", document_id=document.id),
        "finish": url_for("review.post_finish", document_id=document.id),
        "project": url_for("projects.project", project_id=project.id),
    }
    if "annotate.page" in current_app.view_functions:
        urls["gold"] = url_for("annotate.page", document_id=document.id, layer="gold")
    return {"document": {"id": document.id, "title": document.title,
                         "external_id": document.external_id},
            "codebook": project.codebook.content if project.codebook else None,
            "user": current_user.username, "csrf_token": generate_csrf(), "urls": urls}


@bp.get("/api/documents/<int:document_id>/review")
@login_required
def read_review(document_id: int):
    """Return the document's coder layers aligned, the gold layer and what is left to decide."""
    document = access.get_document_or_404(document_id, "reviewer")
    return jsonify(reviewing.review_view(document))


@bp.post("/api/documents/<int:document_id>/review/decisions")
@login_required
def post_decision(document_id: int):
    """Apply one decision (accept_agreed, accept, edit, reject, note) to the gold layer."""
    document = access.get_document_or_404(document_id, "reviewer")
    payload = read_json()
    result = review_decisions.decide(document, current_user, payload)
    db.session.commit()
    return jsonify({**result, "review": reviewing.review_view(document)})


@bp.post("/api/documents/<int:document_id>/review/finish")
@login_required
def post_finish(document_id: int):
    """Mark the document adjudicated once every coder is done and nothing is left open."""
    document = access.get_document_or_404(document_id, "reviewer")
    status = reviewing.finish(document, current_user)
    db.session.commit()
    return jsonify({"status": status, "review": reviewing.review_view(document)})


from annotator.web import review_project  # noqa: E402, F401  (adds its routes to bp)
