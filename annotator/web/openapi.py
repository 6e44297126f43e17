"""The OpenAPI 3.0 description of /api, served at /api/openapi.json (a test keeps it complete)."""

from copy import deepcopy

from annotator.web import review_openapi, suggestions_openapi

ID = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}
IDS = {"type": "array", "items": {"type": "string"}}
ATTRS = {"type": "object", "additionalProperties": True}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(required: list[str], **properties) -> dict:
    return {"type": "object", "required": required, "properties": properties}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    return {str(code): {"$ref": f"#/components/responses/E{code}"} for code in codes}


def _path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _op(summary: str, ok: dict, errors: tuple, path: str | None = None, body=None, **extra):
    operation = {"summary": summary, "responses": {**ok, **_errors(*errors)}, **extra}
    if path:
        operation["parameters"] = [_path_id(path), *operation.get("parameters", [])]
    if body:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": body}}}
    return operation


def _change(op: str, **properties) -> dict:
    return _object(["op", *[k for k in properties if k in ("id", "span", "event",
                                                            "attribution")]],
                   op={"type": "string", "enum": [op]}, **properties)


SPAN = _object(["id", "paragraph", "start", "end", "label"], id=ID,
               paragraph={"type": "integer", "minimum": 0},
               start={"type": "integer", "minimum": 0}, end={"type": "integer", "minimum": 1},
               text={"type": "string"}, label={"type": "string"}, attrs=ATTRS)
ARGUMENT = _object(["role", "span"], role={"type": "string"}, span={"type": "string"})
EVENT = _object(["id", "type"], id=ID, trigger={"type": "string", "nullable": True},
                type={"type": "string"}, attrs=ATTRS,
                arguments={"type": "array", "items": ARGUMENT})
ATTRIBUTION = _object(["id"], id=ID, source=IDS, cue=IDS, content=IDS,
                      parent={"type": "string", "nullable": True}, attrs=ATTRS)
CHANGES = [
    _change("add_span", span=_ref("Span")),
    _change("update_span", id={"type": "string"}, label={"type": "string"}, attrs=ATTRS),
    _change("delete_span", id={"type": "string"}),
    _change("add_event", event=_ref("Event")),
    _change("update_event", id={"type": "string"}, trigger={"type": "string", "nullable": True},
            type={"type": "string"}, attrs=ATTRS, arguments={"type": "array", "items": ARGUMENT}),
    _change("delete_event", id={"type": "string"}),
    _change("add_attribution", attribution=_ref("Attribution")),
    _change("update_attribution", id={"type": "string"}, source=IDS, cue=IDS, content=IDS,
            parent={"type": "string", "nullable": True}, attrs=ATTRS),
    _change("delete_attribution", id={"type": "string"}),
]
ERROR = _object(["error", "message"], error={"type": "string"}, message={"type": "string"})
SCHEMAS = {
    "Error": ERROR,
    "Span": SPAN,
    "Event": EVENT,
    "Attribution": ATTRIBUTION,
    "Layer": _object(
        ["layer", "spans", "events", "attributions"],
        layer=_object(["id", "version", "kind", "user", "document"],
                      id={"type": "integer"}, version={"type": "integer"},
                      kind={"type": "string", "enum": ["coder", "gold", "suggestion"]},
                      user={"type": "string", "nullable": True}, document={"type": "integer"},
                      codebook_version={"type": "integer", "nullable": True}),
        spans={"type": "array", "items": _ref("Span")},
        events={"type": "array", "items": _ref("Event")},
        attributions={"type": "array", "items": _ref("Attribution")}),
    "ChangeRequest": _object(
        ["change_id", "base_version", "changes"], change_id=ID,
        base_version={"type": "integer", "minimum": 0},
        changes={"type": "array", "maxItems": 2000, "items": {"oneOf": CHANGES}}),
    "Note": _object(["id", "paragraph", "kind", "body", "user", "own", "created_at"],
                    id={"type": "integer"}, paragraph={"type": "integer"},
                    kind={"type": "string", "enum": ["comment", "flag"]},
                    body={"type": "string"}, user={"type": "string"}, own={"type": "boolean"},
                    created_at={"type": "string", "format": "date-time"}),
    "Actor": _object(["id", "name", "entity_type", "proposed", "aliases"],
                     id={"type": "integer"}, name={"type": "string"},
                     entity_type={"type": "string"},
                     country={"type": "string", "nullable": True},
                     sector={"type": "string", "nullable": True},
                     proposed={"type": "boolean"}, aliases=IDS),
}
RESPONSES = {
    "E400": _json(_ref("Error"), "Malformed request, or a missing or invalid CSRF token"),
    "E401": _json(_ref("Error"), "Not signed in, or an invalid API token"),
    "E403": _json(_ref("Error"), "Signed in, but the role does not allow this"),
    "E404": _json(_ref("Error"), "No such object, or not visible to the caller"),
    "E409": _json(_ref("Error"), "Conflict"),
    "E413": _json(_ref("Error"), "The request body is too large"),
    "E422": _json({"allOf": [_ref("Error"), _object([], field={"type": "string"},
                                                    change={"type": "integer"})]},
                  "A field does not fit the document, the codebook or the layer"),
    "E503": {**_json(_ref("Error"), "SQLite was busy with another write for longer than its "
                     "busy timeout; nothing was saved: send the request again"),
             "headers": {"Retry-After": {"schema": {"type": "integer"},
                                         "description": "Seconds to wait"}}},
}
WRITE = (400, 401, 403, 404, 413, 422, 503)
PATHS = {
    "/api/openapi.json": {"get": _op("This document", {"200": _json(
        {"type": "object"}, "The OpenAPI document")}, (), security=[])},
    "/api/documents/{document_id}/layer": {"get": _op(
        "Read a layer: the caller's own (made on first use), gold, or a coder's",
        {"200": _json(_ref("Layer"), "The layer")}, (400, 401, 404), "document_id",
        parameters=[{"name": "layer", "in": "query", "required": False,
                     "schema": {"type": "string"}}])},
    "/api/layers/{layer_id}/changes": {"post": _op(
        "Apply a batch of changes atomically", {
            "200": _json(_object(["version"], version={"type": "integer"}), "Saved"),
            "409": _json({"allOf": [_ref("Error"), _object(["current"], current=_ref("Layer"))]},
                         "base_version is stale; nothing was applied")},
        WRITE, "layer_id", _ref("ChangeRequest"))},
    "/api/documents/{document_id}/status": {"post": _op(
        "Mark the caller's assignment", {"200": _json(
            _object(["document", "status"], document={"type": "integer"},
                    status={"type": "string"}), "Marked")},
        WRITE, "document_id", _object(["status"], status={
            "type": "string", "enum": ["in_progress", "done"]}))},
    "/api/paragraphs/{paragraph_id}/notes": {
        "get": _op("List the notes the caller may see", {"200": _json(_object(
            ["notes"], notes={"type": "array", "items": _ref("Note")}), "Notes")},
            (400, 401, 404), "paragraph_id"),
        "post": _op("Add a comment or flag", {"201": _json(_object(
            ["note"], note=_ref("Note")), "Added")}, WRITE, "paragraph_id", _object(
            ["kind"], kind={"type": "string", "enum": ["comment", "flag"]},
            body={"type": "string", "maxLength": 5000}))},
    "/api/notes/{note_id}": {"delete": _op("Delete one of the caller's notes", {"200": _json(
        _object(["deleted"], deleted={"type": "integer"}), "Deleted")}, (400, 401, 403, 404),
        "note_id")},
    "/api/projects/{project_id}/actors": {
        "get": _op("Type-ahead over actor names and aliases", {"200": _json(_object(
            ["actors"], actors={"type": "array", "items": _ref("Actor")}), "Matches")},
            (400, 401, 404), "project_id", parameters=[
                {"name": "q", "in": "query", "required": False, "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 50}}]),
        "post": _op("Propose a new actor", {"201": _json(_object(["actor"], actor=_ref(
            "Actor")), "Added"), "409": {"$ref": "#/components/responses/E409"}}, WRITE,
            "project_id", _object(["name", "entity_type"], name={"type": "string"},
                                  entity_type={"type": "string"},
                                  country={"type": "string", "nullable": True},
                                  sector={"type": "string", "nullable": True},
                                  aliases=IDS))},
}
PATHS.update(review_openapi.PATHS)  # the review routes (web/review.py) use these components
PATHS.update(suggestions_openapi.PATHS)  # the suggestion routes (web/api_suggestions.py)

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "annotator API", "version": "1",
             "description": "See docs/api.md. Offsets are Unicode code points, half-open."},
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "responses": RESPONSES,
        "securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
            "token": {"type": "http", "scheme": "bearer"},
        },
    },
    "security": [{"session": [], "csrf": []}, {"token": []}],
}


def openapi_document() -> dict:
    """Return a copy of the OpenAPI document."""
    return deepcopy(DOCUMENT)
