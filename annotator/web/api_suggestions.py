"""API: a document's suggestions for the annotation page, the coder's decisions on them, and
acceptance rates for managers (described in suggestions_openapi.py).

Its own blueprint, registered under /api; it shares api.py's sign-in check and body parsing.
Accepting a suggestion is not done here: the page copies it into the coder's layer through the
changes API, so that it is validated, undoable and saved like any other edit.
"""

from flask import Blueprint, jsonify, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from annotator.database import reading, use_reading_phase, writing
from annotator.extensions import db
from annotator.services import suggestions as suggesting
from annotator.services.annotating import InvalidRequest
from annotator.services.suggestions import review as suggestion_review
from annotator.suggest import worker
from annotator.web import access, api
from annotator.web.errors import json_error

bp = Blueprint("api_suggestions", __name__)


@bp.before_request
def _read_first():
    # Running the suggester reads, computes, then writes once: on SQLite its transactions begin
    # DEFERRED (no write lock) until the write, which takes the lock for a few bulk statements.
    if request.endpoint == "api_suggestions.make_suggestions":
        use_reading_phase()


bp.before_request(api._require_login)  # the same 401 for every /api route


@bp.get("/documents/<int:document_id>/suggestions")
def list_suggestions(document_id: int):
    """Return a page of the document's suggestions that the caller has not decided yet."""
    document = access.get_document_or_404(document_id)
    start = request.args.get("from_paragraph", "0")
    if not start.isdigit() or len(start) > 9:
        raise InvalidRequest("from_paragraph", "must be a paragraph number (0 or more)")
    return jsonify(suggestion_review.open_suggestions(document, current_user, int(start)))


@bp.post("/documents/<int:document_id>/suggestions")
def make_suggestions(document_id: int):
    """Run the suggester for the document (replacing its suggestions); return the first page.

    The suggesters run outside any transaction (a long document in a child process); the
    write that stores their output reads nothing but the layer, so it holds SQLite's write
    lock (or PostgreSQL's row locks) for a few bulk statements only.
    """
    with reading():
        document = access.get_document_or_404(document_id)
        job = suggesting.suggest_input(document)
        target = suggesting.layer_target(document)
        book = suggestion_review.codebook_of(document)
    try:
        rows = suggesting.suggestion_rows(suggesting.compute_apart(job))
    except worker.WorkerFailed as error:
        response = json_error(503, "unavailable", f"No suggestions: {error}.")
        response.headers["Retry-After"] = "60"
        return response
    try:
        with writing():
            suggesting.write_suggestions(target, rows)
    except IntegrityError:  # someone else's run stored the same rows first (PostgreSQL)
        pass
    found = suggestion_review.suggestion_list(rows.items(), book) if book is not None else []
    decided = suggestion_review.decided_ids(document, current_user)
    return jsonify(suggestion_review.open_page(found, decided))


@bp.post("/documents/<int:document_id>/suggestions/decisions")
def decide(document_id: int):
    """Record the caller's decisions (accepted, rejected, reopened) on suggestions."""
    document = access.get_document_or_404(document_id)
    count = suggestion_review.record_decisions(document, current_user, api.read_json())
    db.session.commit()
    return jsonify({"recorded": count})


@bp.get("/projects/<int:project_id>/suggestion-stats")
def stats(project_id: int):
    """Return how often coders accepted suggestions, per suggestion source and kind."""
    project = access.get_project_or_404(project_id, min_role="manager")
    return jsonify(suggestion_review.suggestion_stats(project))
