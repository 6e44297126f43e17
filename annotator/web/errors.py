"""Error responses: one JSON shape for /api, generic HTML pages everywhere else."""

import logging
import uuid

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from jinja2 import TemplateNotFound
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from annotator.database import is_locked, use_reading_phase
from annotator.errors import AnnotatorError
from annotator.extensions import db

log = logging.getLogger(__name__)

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "busy",
}
LOCKED_RETRY_AFTER_SECONDS = 5  # after SQLite's busy timeout (5-10 s) has already been waited


def is_api_request() -> bool:
    """Tell whether the current request is addressed to the JSON API."""
    return request.path == "/api" or request.path.startswith("/api/")


def json_error(status: int, error: str, message: str, **extra) -> Response:
    """Build the one API error response: {"error": code, "message": sentence, ...extra}."""
    response = jsonify({"error": error, "message": message, **extra})
    response.status_code = status
    return response


def _page(status: int, message: str, request_id: str | None = None):
    for name in (f"errors/{status}.html", "errors/error.html"):
        try:
            return render_template(name, status=status, message=message,
                                   request_id=request_id), status
        except TemplateNotFound:
            continue
    return Response(message, status=status, mimetype="text/plain")


def _http_error(error: HTTPException):
    status = error.code or 500
    message = error.description or "The request failed."
    if isinstance(error, RequestEntityTooLarge):
        limit = request.max_content_length
        size = f" of {limit / 1_048_576:.0f} MB" if limit else ""
        message = f"The request body is larger than the limit{size}."
    if not is_api_request():
        response = _page(status, message)
    else:
        response = json_error(status, ERROR_CODES.get(status, "error"), message)
    # Keep the headers that say how to recover (Allow on 405, Retry-After on 429).
    headers = error.get_response().headers
    if not isinstance(response, Response):
        response = current_app.make_response(response)
    for name in ("Allow", "Retry-After", "WWW-Authenticate"):
        if name in headers:
            response.headers[name] = headers[name]
    return response


def _csrf_error(error: CSRFError):
    message = f"{error.description} Reload the page and try again."
    if is_api_request():
        if not current_user.is_authenticated:
            # Nobody is signed in: the missing token is not the problem, and reloading would
            # not help (the API promises 401 to anonymous callers, reads and writes alike).
            return json_error(401, "unauthorized", "Sign in, or send an API token.")
        return json_error(400, "csrf", message)
    return _page(400, message)


def _annotator_error(error: AnnotatorError):
    # Nothing of a refused request is kept; the details then describe what is stored.
    db.session.rollback()
    if is_api_request():
        details = {key: value() if callable(value) else value
                   for key, value in error.details.items()}
        return json_error(error.status, error.code, error.message, **details)
    return _page(error.status, error.message)


def _server_error(error: Exception):
    # A failed request may leave the session mid-transaction: never let it leak into the next.
    db.session.rollback()
    request_id = uuid.uuid4().hex[:12]
    original = getattr(error, "original_exception", None) or error
    log.error("request %s failed: %s %s", request_id, request.method, request.path,
              exc_info=original)
    message = f"Something went wrong on the server (request id {request_id})."
    if is_api_request():
        return json_error(500, "server_error", message, request_id=request_id)
    return _page(500, message, request_id)


def _operational_error(error: OperationalError):
    # SQLite answers "database is locked" once its busy timeout has passed with another
    # connection (a long import, say) still writing: the request may simply be sent again.
    if not is_locked(error.orig):
        raise error  # any other database failure is a 500, through Flask's usual path
    use_reading_phase()  # rolls back; the error page only reads (the signed-in user)
    log.warning("request refused, the database is locked: %s %s", request.method, request.path)
    message = ("The database is busy with another change (an import, say). Nothing was saved: "
               f"try again in {LOCKED_RETRY_AFTER_SECONDS} seconds.")
    if is_api_request():
        response = json_error(503, ERROR_CODES[503], message)
    else:
        response = current_app.make_response(_page(503, message))
    response.headers["Retry-After"] = str(LOCKED_RETRY_AFTER_SECONDS)
    return response


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(AnnotatorError, _annotator_error)
    app.register_error_handler(OperationalError, _operational_error)
    app.register_error_handler(500, _server_error)
