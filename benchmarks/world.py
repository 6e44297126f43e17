"""The synthetic projects the benchmarks run on, and the requests whose query plans are checked."""

import itertools
from collections.abc import Callable

from flask import Flask
from sqlalchemy.engine import Engine

from benchmarks.page_load import signed_in_client
from benchmarks.synth import Spec, Synth, build_project

EXPORT_PROJECT = "export"
SMALL_EXPORT_PROJECT = "export-small"
BIG_PROJECT = "big"
PAGE_PARAGRAPHS, PAGE_SPANS, PAGE_EVENTS, PAGE_ATTRIBUTIONS = 60, 600, 60, 40


def build_export_project(engine: Engine, documents: int, name: str = EXPORT_PROJECT) -> dict:
    """Add an export project: 8 paragraphs a document, two coders and gold, 25 spans a layer."""
    synth = Synth(engine, seed=2)
    built = build_project(synth, Spec(name, documents, paragraphs=8, words=50, coders=2, team=4,
                                      spans=25, events=3, attributions=4, gold=True))
    synth.finish()
    return built


def build_big_project(engine: Engine, documents: int, coders: int) -> dict:
    """Add the big project, the page's document, and one document per simulated saver."""
    synth = Synth(engine, seed=3)
    team = 20
    built = build_project(synth, Spec(BIG_PROJECT, documents, team=team))
    project = built["project"]

    page_coder, page_token = synth.user("page-coder", with_token=True)
    synth.member(project, page_coder)
    document, texts = synth.document(project, "page-document", PAGE_PARAGRAPHS, words=50)
    synth.assign(document, page_coder)
    synth.layer(document, texts, page_coder, PAGE_SPANS, PAGE_EVENTS, PAGE_ATTRIBUTIONS)
    reviewer, _ = synth.user("page-reviewer")
    synth.member(project, reviewer, "reviewer")

    savers = {}
    for mode in ("burst", "paced", "busy"):
        savers[mode] = []
        for k in range(coders):
            user, token = synth.user(f"{mode}-coder{k:02d}", with_token=True)
            synth.member(project, user)
            saver_document, _ = synth.document(project, f"{mode}-{k}", 4)
            synth.assign(saver_document, user, status="assigned")
            savers[mode].append({"user": user, "token": token, "document": saver_document})
    synth.finish()
    busy_coder = next(iter(built["team"]))
    return {"project": project, "documents": documents + 1 + 2 * coders,
            "page_document": document, "page_coder": "page-coder", "page_token": page_token,
            "reviewer": "page-reviewer", "busy_coder": busy_coder,
            "busy_queue": documents * 2 // team, "savers": savers}


def explained_requests(app: Flask, big: dict) -> dict[str, Callable[[], object]]:
    """Return the requests whose SQL is explained, each a callable that runs it once."""
    from annotator.extensions import db
    from annotator.models import Project
    from annotator.services.records import iter_records

    coder = signed_in_client(app, big["page_coder"])
    busy = signed_in_client(app, big["busy_coder"])
    reviewer = signed_in_client(app, big["reviewer"])
    document, project = big["page_document"], big["project"]
    bearer = {"Authorization": f"Bearer {big['page_token']}"}

    def export_chunk():
        with app.app_context():
            # The first record needs the first chunk's queries; the rest come from memory.
            list(itertools.islice(iter_records(db.session.get(Project, project)), 1))

    def save():
        layer = coder.get(f"/api/documents/{document}/layer").get_json()["layer"]
        response = coder.post(f"/api/layers/{layer['id']}/changes", headers=bearer, json={
            "change_id": "explain", "base_version": layer["version"], "changes": [
                {"op": "add_span", "span": {"id": "explain", "paragraph": 0, "start": 0,
                                            "end": 1, "label": "TIME", "attrs": {}}}]})
        assert response.status_code == 200, response.get_data(as_text=True)

    return {
        "annotation page": lambda: coder.get(f"/documents/{document}/annotate"),
        "layer API": lambda: coder.get(f"/api/documents/{document}/layer"),
        "project page (coder)": lambda: busy.get(f"/projects/{project}"),
        "project page (reviewer)": lambda: reviewer.get(f"/projects/{project}"),
        "native export, first chunk": export_chunk,
        "save (read layer + POST changes)": save,
    }
