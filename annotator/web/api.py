"""The JSON API (docs/api.md): layers, change batches and assignment status.

Notes and the actor registry are in api_notes.py and api_actors.py, on the same blueprint.
"""

from flask import Blueprint, jsonify, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from annotator.database import writing
from annotator.errors import AnnotatorError
from annotator.extensions import db, login_manager
from annotator.services import annotating
from annotator.services import review as reviewing
from annotator.web import access
from annotator.web.errors import json_error
from annotator.web.openapi import openapi_document

bp = Blueprint("api", __name__)

PUBLIC_ENDPOINTS = {"api.openapi"}


@bp.before_request
def _require_login():
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return login_manager.unauthorized()
    if any(not _storable(v) for v in request.args.values()):
        return json_error(400, "bad_request", BAD_TEXT)
    return None


BAD_TEXT = "Text must not contain NUL characters or lone surrogates."


def _storable(text: str) -> bool:
    # PostgreSQL refuses both in text columns, SQLite's driver refuses lone surrogates: refuse
    # them here, identically on both databases, instead of failing with a 500 on one of them.
    return "\x00" not in text and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def _all_storable(value: object) -> bool:
    stack = [value]
    while stack:  # iterative: the body may nest as deep as the JSON parser allowed
        item = stack.pop()
        if isinstance(item, str) and not _storable(item):
            return False
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def read_json() -> object:
    """Return the parsed JSON body; a missing, malformed or unstorable body is a 400."""
    if not request.is_json:
        raise BodyError("Send the body as JSON with Content-Type: application/json.")
    try:
        payload = request.get_json()
    except RecursionError:
        raise BodyError("The JSON body is nested too deeply.") from None
    if not _all_storable(payload):
        raise BodyError(BAD_TEXT)
    return payload


class BodyError(AnnotatorError):
    """A request body that is not usable JSON."""

    code = "bad_request"


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI description of this API."""
    return jsonify(openapi_document())


@bp.get("/documents/<int:document_id>/layer")
def read_layer(document_id: int):
    """Return a layer: the caller's own (made on first use), gold, or a named coder's."""
    document = access.get_document_or_404(document_id)
    requested = request.args.get("layer")
    layer = access.get_layer_for(current_user, document, requested)
    if layer is None:
        layer = _create_on_first_use(document_id, "gold" if requested == "gold" else "coder")
    return jsonify(annotating.layer_json(layer))


def _create_on_first_use(document_id: int, kind: str):
    # This GET began a read-only (DEFERRED) transaction on SQLite; start a writing one instead
    # of upgrading it, which fails at once when another writer got there first.
    owner = current_user if kind == "coder" else None
    try:
        with writing():
            document = access.get_document_or_404(document_id)
            layer = annotating.find_layer(document.id, kind, owner.id if owner else None)
            if layer is None:
                layer = annotating.create_layer(document, kind, owner)
    except IntegrityError:  # a concurrent request made it first (PostgreSQL)
        layer = annotating.find_layer(document_id, kind, owner.id if owner else None)
    return layer


@bp.post("/layers/<int:layer_id>/changes")
def save_changes(layer_id: int):
    """Apply a batch of changes atomically, refusing stale or invalid ones."""
    layer = access.get_writable_layer_or_404(layer_id)
    payload = read_json()
    version = annotating.apply_changes(layer, current_user, payload)
    db.session.commit()
    return jsonify({"version": version})


@bp.post("/documents/<int:document_id>/status")
def set_status(document_id: int):
    """Mark the caller's assignment for the document as in progress or done."""
    document = access.get_document_or_404(document_id)
    payload = read_json()
    status = payload.get("status") if isinstance(payload, dict) else None
    assignment = annotating.set_status(document, current_user, status,
                                       may_create=access.document_role(document) == "coder")
    # All assigned coders done moves the document on to "annotated", ready for review.
    reviewing.sync_document_status(document, current_user)
    db.session.commit()
    return jsonify({"document": document.id, "status": assignment.status})


from annotator.web import api_actors, api_notes  # noqa: E402, F401  (add their routes to bp)
