"""Native records: read layers out of the database as SPEC's native records, and store them.

A native record is one (document, layer) pair: the document's paragraphs plus that layer's spans,
events and attributions, with items pointing at spans by id. Every export format is built from
these records and every annotated import produces them.
"""

from collections import defaultdict, namedtuple
from collections.abc import Iterable, Iterator

from sqlalchemy import select

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

# Rows are copied into plain named tuples: reading a field of SQLAlchemy's Row by name costs
# about twenty times more, and an export reads every field of every span several times.
ParagraphRow = namedtuple("ParagraphRow", "id document_id position text boilerplate")
LayerRow = namedtuple("LayerRow", "id document_id kind username")
SpanRow = namedtuple("SpanRow", "id uid layer_id paragraph_id start end label text attrs")
EventRow = namedtuple("EventRow", "id uid layer_id trigger_span_id event_type attrs")
ArgumentRow = namedtuple("ArgumentRow", "event_id role span_id layer_id")
AttributionRow = namedtuple("AttributionRow", "id uid layer_id parent_id attrs")
PartRow = namedtuple("PartRow", "attribution_id role span_id layer_id")


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
        .where(Paragraph.document_id.in_(ids))
        .order_by(Paragraph.document_id, Paragraph.position)
    )):
        paragraphs[row.document_id].append(row)

    layer_query = (
        select(Layer.id, Layer.document_id, Layer.kind, User.username)
        .outerjoin(User, Layer.user_id == User.id)
        .where(Layer.document_id.in_(ids), Layer.kind != "suggestion")
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
    """Load spans, events and attributions of several layers in a fixed number of queries."""
    found: dict[int, dict] = defaultdict(
        lambda: {"spans": [], "events": [], "arguments": [], "attributions": [], "parts": []}
    )
    if not layer_ids:
        return found
    for span in map(SpanRow._make, db.session.execute(
        select(Span.id, Span.uid, Span.layer_id, Span.paragraph_id, Span.start, Span.end,
               Span.label, Span.text, Span.attrs)
        .where(Span.layer_id.in_(layer_ids))
        .order_by(Span.layer_id, Span.paragraph_id, Span.start, Span.end, Span.id)
    )):
        found[span.layer_id]["spans"].append(span)
    for event in map(EventRow._make, db.session.execute(
        select(Event.id, Event.uid, Event.layer_id, Event.trigger_span_id, Event.event_type,
               Event.attrs)
        .where(Event.layer_id.in_(layer_ids))
        .order_by(Event.id)
    )):
        found[event.layer_id]["events"].append(event)
    for argument in map(ArgumentRow._make, db.session.execute(
        select(EventArgument.event_id, EventArgument.role, EventArgument.span_id, Event.layer_id)
        .join(Event, EventArgument.event_id == Event.id)
        .where(Event.layer_id.in_(layer_ids))
        .order_by(EventArgument.event_id, EventArgument.position, EventArgument.id)
    )):
        found[argument.layer_id]["arguments"].append(argument)
    for attribution in map(AttributionRow._make, db.session.execute(
        select(Attribution.id, Attribution.uid, Attribution.layer_id, Attribution.parent_id,
               Attribution.attrs)
        .where(Attribution.layer_id.in_(layer_ids))
        .order_by(Attribution.id)
    )):
        found[attribution.layer_id]["attributions"].append(attribution)
    for part in map(PartRow._make, db.session.execute(
        select(AttributionPart.attribution_id, AttributionPart.role, AttributionPart.span_id,
               Attribution.layer_id)
        .join(Attribution, AttributionPart.attribution_id == Attribution.id)
        .where(Attribution.layer_id.in_(layer_ids))
        .order_by(AttributionPart.attribution_id, AttributionPart.position, AttributionPart.id)
    )):
        found[part.layer_id]["parts"].append(part)
    return found


def serialise_items(items: dict, index_of: dict[int, int], skipped: set[int] = frozenset()):
    """Turn one layer's loaded rows into the native spans/events/attributions lists.

    Spans in `skipped` paragraphs (boilerplate left out of an export) are dropped together with
    every reference to them.
    """
    uid_of = {s.id: s.uid for s in items["spans"] if s.paragraph_id not in skipped}
    spans = [
        {"id": s.uid, "paragraph": index_of[s.paragraph_id], "start": s.start, "end": s.end,
         "text": s.text, "label": s.label, "attrs": s.attrs or {}}
        for s in items["spans"]
        if s.id in uid_of
    ]
    arguments = defaultdict(list)
    for a in items["arguments"]:
        if a.span_id in uid_of:
            arguments[a.event_id].append({"role": a.role, "span": uid_of[a.span_id]})
    events = [
        {"id": e.uid, "trigger": uid_of.get(e.trigger_span_id), "type": e.event_type,
         "attrs": e.attrs or {}, "arguments": arguments[e.id]}
        for e in items["events"]
        if e.trigger_span_id is None or e.trigger_span_id in uid_of
    ]
    parts = defaultdict(lambda: {"source": [], "cue": [], "content": []})
    for p in items["parts"]:
        if p.span_id in uid_of:
            parts[p.attribution_id][p.role].append(uid_of[p.span_id])
    attribution_uid = {a.id: a.uid for a in items["attributions"]}
    attributions = [
        {"id": a.uid, **parts[a.id], "parent": attribution_uid.get(a.parent_id),
         "attrs": a.attrs or {}}
        for a in items["attributions"]
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
