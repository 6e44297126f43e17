"""API: type-ahead over the project's actor registry, and proposals of new actors."""

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from annotator.extensions import db
from annotator.services import actors
from annotator.web import access
from annotator.web.api import bp, read_json
from annotator.web.errors import json_error

DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY = 20, 50, 100


@bp.get("/projects/<int:project_id>/actors")
def search_actors(project_id: int):
    """Suggest actors whose name or alias matches `q` (prefix or word, any case)."""
    project = access.get_project_or_404(project_id)
    q = request.args.get("q", "")[:MAX_QUERY]
    limit = request.args.get("limit", DEFAULT_LIMIT, type=int)
    limit = min(max(limit, 1), MAX_LIMIT)
    found = actors.search_actors(project, q, limit)
    return jsonify({"actors": [actors.actor_json(a) for a in found]})


@bp.post("/projects/<int:project_id>/actors")
def propose_actor(project_id: int):
    """Add an actor: proposed when a coder or reviewer adds it, confirmed when a manager does."""
    project = access.get_project_or_404(project_id)
    role = access.membership_role(current_user, project)
    try:
        actor = actors.propose_actor(project, current_user, read_json(),
                                     confirmed=access.has_role(role, "manager"))
        db.session.commit()
    except actors.DuplicateActor as error:
        db.session.rollback()
        return json_error(409, error.code, error.message, actor=actors.actor_json(error.actor))
    except IntegrityError:  # the same name added at the same moment by someone else
        db.session.rollback()
        return json_error(409, "duplicate_actor", "The registry already has that actor.")
    return jsonify({"actor": actors.actor_json(actor)}), 201
