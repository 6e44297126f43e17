"""Native records: read layers out of the database as SPEC's native records, and store them.

A native record is one (document, layer) pair: the document's paragraphs plus that layer's spans,
events and attributions, with items pointing at spans by id. Every export format is built from
these records and every annotated import produces them.
"""

import json
from collections import defaultdict, namedtuple
from collections.abc import Iterable, Iterator

from sqlalchemy import ARRAY, Integer, String, any_, bindparam, cast, select

from annotator.extensions import db
from annotator.models import (
    Attribution,
    AttributionPart,
    Document,
    Event,
    EventArgument,
    Layer,
    Paragraph,
    Project,
    Span,
    User,
)

CHUNK = 200  # documents loaded per round of queries: bounded memory, few round trips

# Paragraph and layer rows are copied into plain named tuples: reading a field of SQLAlchemy's
# Row by name costs about ten times more. Item rows (one per span, event, ...) are many more:
# they are the driver's plain tuples, unpacked by position (see load_layer_items).
ParagraphRow = namedtuple("ParagraphRow", "id document_id position text boilerplate")
LayerRow = namedtuple("LayerRow", "id document_id kind username")


def iter_records(
    project: Project, layer: str | None = None, include_boilerplate: bool = True
) -> Iterator[dict]:
    """Yield the project's native records, document by document, streaming from the database.

    `layer` is None (every layer, and documents without any), "gold", "coders" (every coder
    layer) or a user name.
    """
    last_id = 0
    while True:
        documents = db.session.execute(
            select(Document)
            .where(Document.project_id == project.id, Document.id > last_id)
            .order_by(Document.id)
            .limit(CHUNK)
        ).scalars().all()
        if not documents:
            return
        last_id = documents[-1].id
        yield from _records_for(documents, layer, include_boilerplate)
        db.session.expunge_all()  # keep the identity map from growing with the project


def _records_for(documents: list[Document], layer: str | None, include_boilerplate: bool):
    ids = [d.id for d in documents]
    paragraphs = defaultdict(list)
    for row in map(ParagraphRow._make, db.session.execute(
        select(Paragraph.id, Paragraph.document_id, Paragraph.position, Paragraph.text,
               Paragraph.boilerplate)
        .where(_among(Paragraph.document_id, ids))
        .order_by(Paragraph.document_id, Paragraph.position)
    )):
        paragraphs[row.document_id].append(row)

    layer_query = (
        select(Layer.id, Layer.document_id, Layer.kind, User.username)
        .outerjoin(User, Layer.user_id == User.id)
        .where(_among(Layer.document_id, ids), Layer.kind != "suggestion")
        .order_by(Layer.document_id, Layer.kind.desc(), User.username)
    )
    if layer == "gold":
        layer_query = layer_query.where(Layer.kind == "gold")
    elif layer == "coders":
        layer_query = layer_query.where(Layer.kind == "coder")
    elif layer is not None:
        layer_query = layer_query.where(User.username == layer)
    layers = defaultdict(list)
    layer_rows = list(map(LayerRow._make, db.session.execute(layer_query)))
    for row in layer_rows:
        layers[row.document_id].append(row)
    items = load_layer_items([row.id for row in layer_rows])

    for document in documents:
        base = {
            "id": document.external_id,
            "title": document.title,
            "url": document.url,
            "published": document.published,
            "meta": document.meta or {},
        }
        paras = paragraphs[document.id]
        index_of = {p.id: p.position for p in paras}
        skipped = set() if include_boilerplate else {p.id for p in paras if p.boilerplate}
        para_list = [
            {"index": p.position, "text": p.text, "boilerplate": p.boilerplate}
            for p in paras
            if p.id not in skipped
        ]
        doc_layers = layers[document.id]
        if not doc_layers and layer is None:
            yield base | {"layer": None, "paragraphs": para_list, "spans": [], "events": [],
                          "attributions": []}
        for row in doc_layers:
            name = "gold" if row.kind == "gold" else row.username
            content = serialise_items(items[row.id], index_of, skipped)
            yield base | {"layer": name, "paragraphs": para_list} | content


def load_layer_items(layer_ids: list[int]) -> dict[int, dict]:
    """Load spans, events and attributions of several layers in a fixed number of queries.

    Returns {layer id: {kind: [row]}}, each row a tuple in its query's column order (below), and
    attrs still JSON text (see _attrs).
    """
    found: dict[int, dict] = defaultdict(
        lambda: {"spans": [], "events": [], "arguments": [], "attributions": [], "parts": []}
    )
    if not layer_ids:
        return found
    queries = {
        "spans": select(Span.id, Span.uid, Span.layer_id, Span.paragraph_id, Span.start,
                        Span.end, Span.label, Span.text, _json_text(Span.attrs))
        .where(_among(Span.layer_id, layer_ids))
        .order_by(Span.layer_id, Span.paragraph_id, Span.start, Span.end, Span.id),
        "events": select(Event.id, Event.uid, Event.layer_id, Event.trigger_span_id,
                         Event.event_type, _json_text(Event.attrs))
        .where(_among(Event.layer_id, layer_ids))
        .order_by(Event.id),
        "arguments": select(EventArgument.event_id, EventArgument.role, EventArgument.span_id,
                            Event.layer_id)
        .join(Event, EventArgument.event_id == Event.id)
        .where(_among(Event.layer_id, layer_ids))
        .order_by(EventArgument.event_id, EventArgument.position, EventArgument.id),
        "attributions": select(Attribution.id, Attribution.uid, Attribution.layer_id,
                               Attribution.parent_id, _json_text(Attribution.attrs))
        .where(_among(Attribution.layer_id, layer_ids))
        .order_by(Attribution.id),
        "parts": select(AttributionPart.attribution_id, AttributionPart.role,
                        AttributionPart.span_id, Attribution.layer_id)
        .join(Attribution, AttributionPart.attribution_id == Attribution.id)
        .where(_among(Attribution.layer_id, layer_ids))
        .order_by(AttributionPart.attribution_id, AttributionPart.position, AttributionPart.id),
    }
    layer_field = {"spans": 2, "events": 2, "arguments": 3, "attributions": 2, "parts": 3}
    for kind, query in queries.items():
        at = layer_field[kind]
        for row in _driver_rows(query):
            found[row[at]][kind].append(row)
    return found


def _among(column, ids: list[int]):
    """`column IN ids`; on PostgreSQL as one array parameter (`= ANY`), since psycopg rewrites
    a query's placeholders one by one, and an export sends hundreds of ids per query."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column.in_(ids)


def _driver_rows(query) -> list[tuple]:
    """Run a Core query on the session's connection; return the database driver's own tuples."""
    # Why not SQLAlchemy's rows: the ORM's row handling, which plain columns do not need, took
    # longer than SQLite took to find them; and its Row objects stay tracked by the garbage
    # collector (tuples of numbers and text do not), so holding a chunk's rows made it run full
    # passes over the whole app many times per export. These columns need no result processing:
    # integers and text, and JSON read as text (see _json_text).
    with db.session.connection().execute(query) as result:
        return result.cursor.fetchall()


def _json_text(column):
    """Select a JSON column as its text, so that _attrs can skip decoding the empty ones."""
    # SQLAlchemy's JSON result processor decodes every value, and decoding was a third of an
    # export's time although nearly every attrs is "{}". A CAST (not type_coerce) makes
    # PostgreSQL's driver return text too instead of decoding it itself.
    return cast(column, String)


def _attrs(text: str | None) -> dict:
    """Decode an attrs column read by _json_text; a new {} for empty, NULL or null ones."""
    if text is None or text == "{}":
        return {}
    return json.loads(text) or {}


def serialise_items(items: dict, index_of: dict[int, int], skipped: set[int] = frozenset()):
    """Turn one layer's loaded rows into the native spans/events/attributions lists.

    Spans in `skipped` paragraphs (boilerplate left out of an export) are dropped together with
    every reference to them.
    """
    uid_of = {row[0]: row[1] for row in items["spans"] if row[3] not in skipped}
    spans = [
        {"id": uid, "paragraph": index_of[paragraph_id], "start": start, "end": end,
         "text": text, "label": label, "attrs": _attrs(attrs)}
        for span_id, uid, _, paragraph_id, start, end, label, text, attrs in items["spans"]
        if span_id in uid_of
    ]
    arguments = defaultdict(list)
    for event_id, role, span_id, _ in items["arguments"]:
        if span_id in uid_of:
            arguments[event_id].append({"role": role, "span": uid_of[span_id]})
    events = [
        {"id": uid, "trigger": uid_of.get(trigger), "type": event_type, "attrs": _attrs(attrs),
         "arguments": arguments[event_id]}
        for event_id, uid, _, trigger, event_type, attrs in items["events"]
        if trigger is None or trigger in uid_of
    ]
    parts = defaultdict(lambda: {"source": [], "cue": [], "content": []})
    for attribution_id, role, span_id, _ in items["parts"]:
        if span_id in uid_of:
            parts[attribution_id][role].append(uid_of[span_id])
    attribution_uid = {row[0]: row[1] for row in items["attributions"]}
    attributions = [
        {"id": uid, **parts[attribution_id], "parent": attribution_uid.get(parent),
         "attrs": _attrs(attrs)}
        for attribution_id, uid, _, parent, attrs in items["attributions"]
    ]
    return {"spans": spans, "events": events, "attributions": attributions}


def layer_items(layer: Layer) -> dict:
    """Return one layer's spans, events and attributions in native form."""
    index_of = dict(
        db.session.execute(
            select(Paragraph.id, Paragraph.position).where(
                Paragraph.document_id == layer.document_id
            )
        ).all()
    )
    return serialise_items(load_layer_items([layer.id])[layer.id], index_of)


def count_items(records: Iterable[dict]) -> dict:
    """Count documents, layers and items in records (for reports)."""
    counts = {"records": 0, "spans": 0, "events": 0, "attributions": 0}
    for record in records:
        counts["records"] += 1
        for key in ("spans", "events", "attributions"):
            counts[key] += len(record.get(key, []))
    return counts
