"""The writer's bulk mode: many layers' checked items written with a fixed number of statements
(imports, restores, suggestions); never commits.

Ids are assigned up front, so that events, arguments, attributions and parts point at spans
without reading anything back, and each table gets one executemany per batch, whatever the
number of documents.
"""

from collections.abc import Mapping
from typing import NamedTuple

from sqlalchemy import JSON, bindparam, delete, select, update

from annotator.database import free_ids
from annotator.extensions import db
from annotator.layers.native import span_row
from annotator.layers.rules import ROLES
from annotator.models import (
    Attribution,
    AttributionPart,
    AuditEntry,
    Event,
    EventArgument,
    Span,
)


class LayerItems(NamedTuple):
    """One layer's native items (checked by rules.py), and where its spans' paragraphs are."""

    layer_id: int
    document_id: int
    paragraph_ids: Mapping[int, int]  # the items' paragraph index -> stored paragraph id
    texts: Mapping[int, str]  # the items' paragraph index -> its text (for spans without one)
    items: dict  # {"spans": [...], "events": [...], "attributions": [...]}


def insert_items(batch: list[LayerItems], audit: dict | None = None) -> None:
    """Insert the items of every layer in `batch`; with `audit` ({user_id, project_id,
    action}), one audit entry per layer counting what it received."""
    span_ids = _by_layer(batch, "spans", insert_with_ids(Span, [
        _provenance(span_row(s, layer.layer_id, layer.paragraph_ids[s["paragraph"]],
                             s["text"] if "text" in s
                             else layer.texts[s["paragraph"]][s["start"]:s["end"]]), s)
        for layer in batch for s in layer.items.get("spans", [])]))
    event_ids = _by_layer(batch, "events", insert_with_ids(Event, [
        _provenance({"uid": e["id"], "layer_id": layer.layer_id, "event_type": e["type"],
                     "trigger_span_id": span_ids[n].get(e.get("trigger")),
                     "attrs": e.get("attrs") or {}}, e)
        for n, layer in enumerate(batch) for e in layer.items.get("events", [])]))
    _insert(EventArgument, [
        {"event_id": event_ids[n][e["id"]], "role": a["role"],
         "span_id": span_ids[n][a["span"]], "position": position}
        for n, layer in enumerate(batch) for e in layer.items.get("events", [])
        for position, a in enumerate(e.get("arguments") or [])])
    attribution_ids = _by_layer(batch, "attributions", insert_with_ids(Attribution, [
        _provenance({"uid": a["id"], "layer_id": layer.layer_id,
                     "attrs": a.get("attrs") or {}}, a)
        for layer in batch for a in layer.items.get("attributions", [])]))
    # Parents once every attribution has its id, so that their order in the input is free.
    parents = [{"attribution": attribution_ids[n][a["id"]],
                "parent": attribution_ids[n][a["parent"]]}
               for n, layer in enumerate(batch) for a in layer.items.get("attributions", [])
               if a.get("parent") is not None]
    if parents:
        table = Attribution.__table__
        db.session.execute(update(table).where(table.c.id == bindparam("attribution"))
                           .values(parent_id=bindparam("parent")), parents)
    _insert(AttributionPart, [
        {"attribution_id": attribution_ids[n][a["id"]], "role": role,
         "span_id": span_ids[n][member], "position": position}
        for n, layer in enumerate(batch) for a in layer.items.get("attributions", [])
        for role in ROLES for position, member in enumerate(a.get(role) or [])])
    if audit is not None:
        _insert(AuditEntry, [
            {**audit, "document_id": layer.document_id, "layer_id": layer.layer_id,
             "target_type": "layer",
             "after": {kind: len(layer.items.get(kind, []))
                       for kind in ("spans", "events", "attributions")}}
            for layer in batch])


def delete_items(layer_ids: list[int]) -> None:
    """Delete every span, event and attribution of these layers (with arguments and parts)."""
    if not layer_ids:
        return
    events = select(Event.id).where(Event.layer_id.in_(layer_ids))
    attributions = select(Attribution.id).where(Attribution.layer_id.in_(layer_ids))
    db.session.execute(delete(EventArgument).where(EventArgument.event_id.in_(events)))
    db.session.execute(delete(AttributionPart).where(
        AttributionPart.attribution_id.in_(attributions)))
    db.session.execute(delete(Attribution).where(Attribution.layer_id.in_(layer_ids)))
    db.session.execute(delete(Event).where(Event.layer_id.in_(layer_ids)))
    db.session.execute(delete(Span).where(Span.layer_id.in_(layer_ids)))


def _provenance(row: dict, item: dict) -> dict:
    """Gold items keep where they came from; others leave the column NULL (not JSON null)."""
    if item.get("provenance") is not None:
        row["provenance"] = item["provenance"]
    return row


def _insert(model, rows: list[dict]) -> None:
    """Insert rows with one statement per set of columns (nothing for no rows)."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    for columns, group in groups.items():
        _write(model.__table__, columns, group)


def _write(table, names: tuple[str, ...], rows: list[dict]) -> None:
    """Hand rows to the database driver as plain tuples: one executemany on SQLite, one COPY on
    PostgreSQL.

    SQLAlchemy's own executemany works out every value's parameters one at a time, and that
    took longer than the database took to store the rows. Here each column's conversion (JSON,
    time stamps) is looked up once per batch, and the columns the rows leave out take their
    defaults (creation times) once per batch too.
    """
    connection = db.session.connection()
    dialect = connection.dialect
    columns = [table.c[name] for name in names]
    defaults = [c for c in table.c if c.name not in names and c.default is not None
                and not c.primary_key]
    converted = [(i, convert) for i, c in enumerate(columns)
                 if (convert := _processor(c, dialect)) is not None]
    fixed = tuple(_processed(c, _default(c), dialect) for c in defaults)
    values = []
    for row in rows:
        value = list(row.values())
        for i, convert in converted:
            value[i] = convert(value[i])
        values.append((*value, *fixed))
    quoted = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns + defaults)
    if dialect.name == "postgresql":
        driver = connection.connection.dbapi_connection
        with driver.cursor() as cursor, cursor.copy(
                f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(columns + defaults))
        connection.exec_driver_sql(f"INSERT INTO {table.name} ({quoted}) VALUES ({marks})",
                                   values)


def _processor(column, dialect):
    """The column's conversion of a Python value for the driver (None when there is none)."""
    convert = column.type.dialect_impl(dialect).bind_processor(dialect)
    if convert is not None and isinstance(column.type, JSON):
        plain = convert
        return lambda value: "{}" if value == {} else plain(value)  # most attrs are empty
    return convert


def _processed(column, value, dialect):
    convert = _processor(column, dialect)
    return value if convert is None else convert(value)


def _default(column):
    default = column.default
    return default.arg(None) if default.is_callable else default.arg


def insert_with_ids(model, rows: list[dict]) -> list[int]:
    """Insert rows with ids assigned up front; return the ids in order.

    (INSERT ... RETURNING with its rows' order kept goes a row at a time on SQLite.)
    """
    if not rows:
        return []
    ids = free_ids(model, len(rows))
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id
    _insert(model, rows)
    return ids


def _by_layer(batch: list[LayerItems], kind: str, ids: list[int]) -> list[dict[str, int]]:
    """Split ids returned for every layer's `kind` into {uid: id} per layer."""
    found, at = [], 0
    for layer in batch:
        items = layer.items.get(kind, [])
        found.append({item["id"]: ids[at + n] for n, item in enumerate(items)})
        at += len(items)
    return found
