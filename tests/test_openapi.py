"""The OpenAPI document: served, complete (every /api route and method) and self-consistent."""

import re

from annotator.web.openapi import openapi_document


def test_openapi_document_is_served_without_signing_in(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.0")


def test_every_api_route_and_method_is_described(app):
    paths = openapi_document()["paths"]
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method.lower() not in paths.get(path, {}):
                missing.append(f"{method} {path}")
    assert missing == []


def test_every_described_path_exists_with_its_parameters(app):
    rules = {re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules()}
    for path, operations in openapi_document()["paths"].items():
        assert path in rules, path
        names = set(re.findall(r"{([a-z_]+)}", path))
        for operation in operations.values():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, path


def test_every_reference_resolves():
    document = openapi_document()
    stack, refs = [document], []
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            refs += [item["$ref"]] if "$ref" in item else []
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    assert refs
    for ref in refs:
        node = document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
