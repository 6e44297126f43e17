"""OpenAPI path items of the review routes (web/review.py), for openapi.py to merge into PATHS.

They use the shared components of openapi.py (#/components/schemas/Error, the E4xx responses),
so `PATHS.update(review_openapi.PATHS)` there is all it takes.
"""

ID_PARAMETER = {"name": "document_id", "in": "path", "required": True,
                "schema": {"type": "integer"}}
OBJECT = {"type": "object", "additionalProperties": True}
REVIEW = {
    "type": "object",
    "required": ["document", "coders", "compared", "paragraphs", "gold", "counts",
                 "finish_blockers"],
    "properties": {
        "document": OBJECT, "coders": {"type": "array", "items": OBJECT},
        "compared": {"type": "array", "items": {"type": "string"}},
        "paragraphs": {"type": "array", "items": OBJECT}, "gold": OBJECT, "counts": OBJECT,
        "finish_blockers": {"type": "array", "items": {"type": "string"}},
    },
}
DECISION = {
    "type": "object", "required": ["action", "gold_version"],
    "properties": {
        "action": {"type": "string",
                   "enum": ["accept_agreed", "accept", "edit", "reject", "note"]},
        "target": {"type": "string"}, "coder": {"type": "string"}, "item": OBJECT,
        "note": {"type": "string", "maxLength": 2000},
        "gold_version": {"type": "integer", "minimum": 0},
    },
}
STALE = {"allOf": [{"$ref": "#/components/schemas/Error"},
                   {"type": "object", "properties": {"current": REVIEW}}]}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    return {str(code): {"$ref": f"#/components/responses/E{code}"} for code in codes}


PATHS = {
    "/api/documents/{document_id}/review": {"get": {
        "summary": "The coders' layers aligned paragraph by paragraph, gold, and what is open",
        "parameters": [ID_PARAMETER],
        "responses": {"200": _json(REVIEW, "The review"), **_errors(400, 401, 403, 404)},
    }},
    "/api/documents/{document_id}/review/decisions": {"post": {
        "summary": "Apply one reviewer decision to the gold layer",
        "parameters": [ID_PARAMETER],
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": DECISION}}},
        "responses": {
            "200": _json({"type": "object", "required": ["version", "status", "review"],
                          "properties": {"version": {"type": "integer"},
                                         "status": {"type": "string"}, "review": REVIEW}},
                         "Applied"),
            "409": _json(STALE, "Gold or the coders' layers changed; nothing was applied"),
            **_errors(400, 401, 403, 404, 413, 422)},
    }},
    "/api/documents/{document_id}/review/finish": {"post": {
        "summary": "Mark the document adjudicated",
        "parameters": [ID_PARAMETER],
        "responses": {
            "200": _json({"type": "object", "required": ["status", "review"],
                          "properties": {"status": {"type": "string"}, "review": REVIEW}},
                         "Adjudicated"),
            "409": {"$ref": "#/components/responses/E409"},
            **_errors(400, 401, 403, 404)},
    }},
}
