"""The main pages and API reads run as many SQL queries for a big document or project as for a
small one: no query per span, paragraph or document (N+1)."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from annotator.extensions import db
from annotator.models import (
    Assignment,
    Attribution,
    AttributionPart,
    Document,
    Event,
    EventArgument,
    Layer,
    Paragraph,
    Project,
    Span,
)
from annotator.services import exporting, records
from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)

WORDS = "Kyiv said on Tuesday that Moscow had agreed to exchange prisoners of war".split()


@contextmanager
def counting():
    """Count the statements sent to the database meanwhile (BEGIN included)."""
    statements: list[str] = []

    def listener(_conn, _cursor, statement, _parameters, _context, _executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def queries(run) -> int:
    """Run once to warm up (first-use layers, caches), then count the queries of a second run."""
    run()
    with counting() as statements:
        run()
    return len(statements)


def add_document(project_id: int, name: str, paragraphs: int) -> Document:
    text = " ".join(WORDS)
    document = Document(project_id=project_id, external_id=name, title=name, meta={})
    document.paragraphs = [Paragraph(position=i, text=text) for i in range(paragraphs)]
    db.session.add(document)
    db.session.flush()
    return document


def add_layer(document: Document, user_id: int | None, spans: int) -> Layer:
    """Add a layer with `spans` spans, an event per three spans and nested attributions."""
    layer = Layer(document_id=document.id, kind="coder" if user_id else "gold", user_id=user_id,
                  version=1, codebook_version=1)
    db.session.add(layer)
    db.session.flush()
    made = []
    for k in range(spans):
        paragraph = document.paragraphs[k % len(document.paragraphs)]
        start = (k // len(document.paragraphs)) * 5 % 40
        made.append(Span(layer_id=layer.id, uid=f"s{k}", paragraph_id=paragraph.id, start=start,
                         end=start + 4, label="ACTOR", text=paragraph.text[start:start + 4],
                         attrs={}))
    db.session.add_all(made)
    db.session.flush()
    parent = None
    for k in range(spans // 3):
        trigger, actor, content = made[3 * k: 3 * k + 3]
        db.session.add(Event(layer_id=layer.id, uid=f"e{k}", trigger_span_id=trigger.id,
                             event_type="CONSULT", attrs={}, arguments=[
                                 EventArgument(role="actor", span_id=actor.id, position=0)]))
        attribution = Attribution(layer_id=layer.id, uid=f"a{k}", attrs={}, parent=parent,
                                  parts=[AttributionPart(role="source", span_id=actor.id),
                                         AttributionPart(role="content", span_id=content.id)])
        db.session.add(attribution)
        parent = attribution
    db.session.flush()
    return layer


def add_assigned_documents(world, count: int, paragraphs: int, spans: int,
                           prefix: str) -> list[Document]:
    """Add documents assigned to coderA and coderC, each with both coders' layers and gold."""
    documents = []
    for n in range(count):
        document = add_document(world.p1, f"{prefix}{n}", paragraphs)
        for coder in ("coderA", "coderC"):
            user_id = world.users[coder]
            db.session.add(Assignment(document_id=document.id, user_id=user_id,
                                      status="in_progress"))
            add_layer(document, user_id, spans)
        add_layer(document, None, spans)
        documents.append(document)
    db.session.commit()
    return documents


@pytest.fixture
def sized(world):
    """A small (2 paragraphs, 6 spans) and a big (40 paragraphs, 120 spans) assigned document."""
    small = add_assigned_documents(world, 1, paragraphs=2, spans=6, prefix="small")[0]
    big = add_assigned_documents(world, 1, paragraphs=40, spans=120, prefix="big")[0]
    return small.id, big.id


@pytest.mark.parametrize("url", ["/documents/{}/annotate", "/api/documents/{}/layer",
                                 "/api/documents/{}/layer?layer=coderA",
                                 "/api/documents/{}/layer?layer=gold"])
def test_document_reads_run_the_same_queries_for_6_or_120_spans(browser, sized, url):
    small, big = sized
    reader = browser("coderA") if "layer=" not in url else browser("reviewerR")

    def get(document_id):
        def run():
            assert reader.get(url.format(document_id)).status_code == 200
        return run

    assert queries(get(small)) == queries(get(big))


@pytest.mark.parametrize("username", ["coderA", "reviewerR", "managerM"])
def test_project_page_runs_the_same_queries_for_2_or_32_documents(browser, world, username):
    add_assigned_documents(world, 2, paragraphs=2, spans=3, prefix="first")
    reader = browser(username)

    def run():
        assert reader.get(f"/projects/{world.p1}").status_code == 200

    few = queries(run)
    add_assigned_documents(world, 30, paragraphs=3, spans=6, prefix="more")
    assert queries(run) == few


def _export_queries(world, tmp_path) -> int:
    def run():
        exporting.export_project(db.session.get(Project, world.p1), "native",
                                 out=tmp_path / "export.jsonl")
        db.session.rollback()

    return queries(run)


def test_native_export_runs_a_fixed_number_of_queries_per_chunk_of_documents(
        world, tmp_path, monkeypatch):
    monkeypatch.setattr(records, "CHUNK", 5)
    db.session.commit()
    # The world's two documents of P1 fill part of the first chunk; add enough to fill three.
    add_assigned_documents(world, 3, paragraphs=2, spans=3, prefix="a")  # 5 documents: 1 chunk
    one_chunk = _export_queries(world, tmp_path)
    add_assigned_documents(world, 10, paragraphs=2, spans=3, prefix="b")  # 15: 3 chunks
    three_chunks = _export_queries(world, tmp_path)
    per_chunk = (three_chunks - one_chunk) / 2
    assert per_chunk == int(per_chunk) and per_chunk > 0
    # Bigger documents (more paragraphs, spans, events, attributions) cost no more queries.
    add_assigned_documents(world, 5, paragraphs=30, spans=90, prefix="c")  # 20: 4 chunks
    assert _export_queries(world, tmp_path) == three_chunks + per_chunk


def _save_queries(reader, document_id: int, change: dict) -> int:
    layer = reader.get(f"/api/documents/{document_id}/layer").get_json()["layer"]
    with counting() as statements:
        response = reader.post(f"/api/layers/{layer['id']}/changes", {
            "change_id": f"c{layer['version']}", "base_version": layer["version"],
            "changes": [change]})
    assert response.status_code == 200, response.get_json()
    return len(statements)


ADD_SPAN = {"op": "add_span", "span": {"id": "new", "paragraph": 0, "start": 50, "end": 55,
                                       "label": "TIME", "attrs": {}}}


@pytest.mark.parametrize("change", [
    ADD_SPAN,
    {"op": "update_span", "id": "s1", "label": "TIME"},
    {"op": "update_event", "id": "e0", "type": "CONSULT",
     "arguments": [{"role": "actor", "span": "s2"}]},
    {"op": "update_attribution", "id": "a0", "source": ["s2"]},
    {"op": "delete_attribution", "id": "a0"},
], ids=lambda change: change["op"])
def test_a_save_runs_the_same_queries_in_a_layer_of_6_or_120_spans(browser, sized, change):
    small, big = sized
    coder = browser("coderA")
    assert _save_queries(coder, small, change) == _save_queries(coder, big, change)


def test_deleting_a_span_runs_the_same_queries_in_a_layer_of_6_or_120_spans(browser, sized):
    small, big = sized
    coder = browser("coderA")
    change = {"op": "delete_span", "id": "s2"}
    assert _save_queries(coder, small, change) == _save_queries(coder, big, change)


def test_adding_a_span_reads_neither_events_nor_attributions_nor_whole_spans(browser, sized):
    _, big = sized
    coder = browser("coderA")
    layer = coder.get(f"/api/documents/{big}/layer").get_json()["layer"]
    with counting() as statements:
        response = coder.post(f"/api/layers/{layer['id']}/changes", {
            "change_id": "one-span", "base_version": layer["version"], "changes": [ADD_SPAN]})
    assert response.status_code == 200, response.get_json()
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert not [s for s in reads if "FROM events" in s or "FROM attributions" in s]
    # The layer's 120 spans are read as (uid, paragraph, offsets, label) rows, not whole spans.
    assert not [s for s in reads if "FROM spans" in s and "spans.attrs" in s]
    # BEGIN (SQLite), the session's user, layer with role and assignment, document, codebook,
    # span marks, paragraphs; then the span, its audit entry, the layer's version, the
    # assignment's status.
    assert len(statements) <= 11
