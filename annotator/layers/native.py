"""Layer items in their native shape: whole layers read in a fixed number of queries
(exports, the page, review) and single items snapshotted for the audit log, both giving the
native record's spans, events and attributions with items pointing at spans by id."""

import json
from collections import defaultdict

from sqlalchemy import ARRAY, Integer, String, any_, bindparam, cast, select

from annotator.extensions import db
from annotator.models import (
    Attribution,
    AttributionPart,
    Event,
    EventArgument,
    Layer,
    Paragraph,
    Span,
)


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
        .where(among(Span.layer_id, layer_ids))
        .order_by(Span.layer_id, Span.paragraph_id, Span.start, Span.end, Span.id),
        "events": select(Event.id, Event.uid, Event.layer_id, Event.trigger_span_id,
                         Event.event_type, _json_text(Event.attrs))
        .where(among(Event.layer_id, layer_ids))
        .order_by(Event.id),
        "arguments": select(EventArgument.event_id, EventArgument.role, EventArgument.span_id,
                            Event.layer_id)
        .join(Event, EventArgument.event_id == Event.id)
        .where(among(Event.layer_id, layer_ids))
        .order_by(EventArgument.event_id, EventArgument.position, EventArgument.id),
        "attributions": select(Attribution.id, Attribution.uid, Attribution.layer_id,
                               Attribution.parent_id, _json_text(Attribution.attrs))
        .where(among(Attribution.layer_id, layer_ids))
        .order_by(Attribution.id),
        "parts": select(AttributionPart.attribution_id, AttributionPart.role,
                        AttributionPart.span_id, Attribution.layer_id)
        .join(Attribution, AttributionPart.attribution_id == Attribution.id)
        .where(among(Attribution.layer_id, layer_ids))
        .order_by(AttributionPart.attribution_id, AttributionPart.position, AttributionPart.id),
    }
    layer_field = {"spans": 2, "events": 2, "arguments": 3, "attributions": 2, "parts": 3}
    for kind, query in queries.items():
        at = layer_field[kind]
        for row in _driver_rows(query):
            found[row[at]][kind].append(row)
    return found


def among(column, ids: list[int]):
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


# -- a span's row ---------------------------------------------------------------------------

# What update_span may change; the rest of a span is its place in the text.
SPAN_EDITABLE = ("label", "attrs")


def span_row(span: dict, layer_id: int, paragraph_id: int, text: str) -> dict:
    """A checked native span as a row of the spans table (`text` is what it covers)."""
    return {"uid": span["id"], "layer_id": layer_id, "paragraph_id": paragraph_id,
            "start": span["start"], "end": span["end"], "label": span["label"], "text": text,
            "attrs": dict(span.get("attrs") or {})}


# -- single items, possibly not yet flushed (the audit log's before and after) ------------

def span_snapshot(item: Span, position_of: dict[int, int]) -> dict:
    """Snapshot a span, with its paragraph as an index."""
    return {"id": item.uid, "paragraph": position_of.get(item.paragraph_id),
            "start": item.start, "end": item.end, "text": item.text, "label": item.label,
            "attrs": dict(item.attrs or {})}


def event_snapshot(item: Event, _position_of: dict[int, int]) -> dict:
    """Snapshot an event, pointing at spans by id."""
    return {"id": item.uid, "trigger": item.trigger.uid if item.trigger else None,
            "type": item.event_type, "attrs": dict(item.attrs or {}),
            "arguments": [{"role": a.role, "span": a.span.uid} for a in item.arguments]}


def attribution_snapshot(item: Attribution, _position_of: dict[int, int]) -> dict:
    """Snapshot an attribution, pointing at spans and its parent by id."""
    parts: dict[str, list[str]] = {"source": [], "cue": [], "content": []}
    for part in item.parts:
        parts[part.role].append(part.span.uid)
    return {"id": item.uid, **parts, "parent": item.parent.uid if item.parent else None,
            "attrs": dict(item.attrs or {})}


SNAPSHOTS = {"span": span_snapshot, "event": event_snapshot,
             "attribution": attribution_snapshot}
