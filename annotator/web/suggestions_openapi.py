"""OpenAPI path items of the suggestion routes (web/api_suggestions.py), for openapi.py to merge
into PATHS like review_openapi.PATHS. They use its shared Error schema and E4xx responses."""

OBJECT = {"type": "object", "additionalProperties": True}
INT = {"type": "integer"}
SPAN = {
    "type": "object", "required": ["paragraph", "start", "end", "text", "label", "attrs"],
    "properties": {"paragraph": INT, "start": INT, "end": INT, "text": {"type": "string"},
                   "label": {"type": "string"}, "attrs": OBJECT,
                   "role": {"type": "string", "enum": ["source", "cue", "content"]}},
}
SUGGESTION = {
    "type": "object", "required": ["id", "kind", "source", "spans"],
    "properties": {
        "id": {"type": "string"},
        "kind": {"type": "string", "enum": ["actor", "cue", "quote", "attribution"]},
        "source": {"type": "string", "nullable": True},
        "spans": {"type": "array", "items": SPAN},
        "attrs": OBJECT,
        "parent": {"type": "object", "nullable": True, "properties": {
            "paragraph": INT, "start": INT, "end": INT}},
    },
}
OPEN = {"type": "object", "required": ["computed", "suggestions", "next"],
        "properties": {"computed": {"type": "boolean"},
                       "suggestions": {"type": "array", "items": SUGGESTION},
                       "next": {"type": "integer", "nullable": True, "description":
                                "The from_paragraph of the next page; null after the last"}}}
PAGE = ("A page holds whole paragraphs (an attribution belongs to its cue's paragraph) until "
        "it has 500 suggestions or more; the suggester gives at most 100 of each kind per "
        "paragraph, none longer than 2,000 characters.")
FROM = [{"name": "from_paragraph", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 0, "maximum": 999999999, "default": 0},
         "description": "The paragraph (position) the page starts at"}]
DECISIONS = {
    "type": "object", "required": ["decisions"],
    "properties": {"decisions": {"type": "array", "minItems": 1, "maxItems": 2000, "items": {
        "type": "object", "required": ["id", "decision"],
        "properties": {"id": {"type": "string"}, "decision": {
            "type": "string", "enum": ["accepted", "rejected", "reopened"]}}}}},
}
FIGURES = {"type": "object", "properties": {
    "accepted": INT, "rejected": INT, "rate": {"type": "number", "nullable": True}}}
STATS = {"type": "object", "required": ["project", "decided", "by_source", "by_kind", "total"],
         "properties": {"project": {"type": "string"}, "decided": INT,
                        "by_source": {"type": "object", "additionalProperties": FIGURES},
                        "by_kind": {"type": "object", "additionalProperties": FIGURES},
                        "total": FIGURES}}


def _id(name: str) -> list[dict]:
    return [{"name": name, "in": "path", "required": True, "schema": INT}]


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    return {str(code): {"$ref": f"#/components/responses/E{code}"} for code in codes}


PATHS = {
    "/api/documents/{document_id}/suggestions": {
        "get": {"summary": "A page of the document's suggestions the caller has not decided",
                "description": PAGE, "parameters": _id("document_id") + FROM,
                "responses": {"200": _json(OPEN, "Open suggestions"),
                              **_errors(400, 401, 404, 422)}},
        "post": {"summary": "Run the suggester for the document, replacing its suggestions",
                 "description": "Answers with the first page, as GET. " + PAGE,
                 "parameters": _id("document_id"),
                 "responses": {"200": _json(OPEN, "Open suggestions (first page)"),
                               **_errors(400, 401, 403, 404, 503)}},
    },
    "/api/documents/{document_id}/suggestions/decisions": {"post": {
        "summary": "Record the caller's decisions on suggestions",
        "parameters": _id("document_id"),
        "requestBody": {"required": True, "content": {"application/json": {"schema": DECISIONS}}},
        "responses": {"200": _json({"type": "object", "required": ["recorded"],
                                    "properties": {"recorded": INT}}, "Recorded"),
                      **_errors(400, 401, 403, 404, 413, 422, 503)},
    }},
    "/api/projects/{project_id}/suggestion-stats": {"get": {
        "summary": "Acceptance rates of suggestions per source and kind (managers)",
        "parameters": _id("project_id"),
        "responses": {"200": _json(STATS, "Acceptance rates"), **_errors(400, 401, 403, 404)},
    }},
}
