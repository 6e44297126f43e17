"""The writer's item-at-a-time mode: apply one batch of the changes API's nine operations
(docs/api.md "Save changes") to a layer; never commits.

Each change is checked (rules.py) against the layer as it stands after the changes before it,
so a batch may add a span and point an event at it. The first bad change raises InvalidChange
naming its index and field; the caller then rolls the whole batch back. Every applied change
writes an audit entry with the item before and after.
"""

from collections import namedtuple
from functools import cached_property

from sqlalchemy import insert, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from annotator.codebook import event_type
from annotator.errors import AnnotatorError, Conflict
from annotator.extensions import db
from annotator.layers import cascade
from annotator.layers.native import SNAPSHOTS, SPAN_EDITABLE, span_row
from annotator.layers.registry import registry_problems
from annotator.layers.rules import (
    ROLES,
    Problem,
    attribution_problems,
    duplicate_mark,
    event_problems,
    id_problem,
    nesting_problem,
    span_label,
    span_problems,
)
from annotator.models import (
    Attribution,
    AttributionPart,
    AuditEntry,
    Event,
    EventArgument,
    Layer,
    Paragraph,
    Span,
)

KINDS = {"span": "spans", "event": "events", "attribution": "attributions"}
ParagraphText = namedtuple("ParagraphText", "id position text")


class InvalidChange(AnnotatorError):
    """A change that does not fit the paragraph, the codebook or the layer."""

    code = "invalid_change"
    status = 422

    def __init__(self, index: int, field: str, problem: str):
        super().__init__(f"change {index}: {field}: {problem}", change=index, field=field)
        self.index, self.field = index, field


class VersionMoved(Conflict):
    """Another save changed the layer's version while this one was applied."""

    code = "stale_version"

    def __init__(self):
        super().__init__("The layer changed while this save was applied; nothing was saved.")


def apply_batch(layer: Layer, user_id: int, project_id: int, book: dict, changes: list,
                change_id: str, codebook_version: int, conflict=VersionMoved) -> None:
    """Apply every change of a batch, then write the layer's next version.

    :raise: InvalidChange (the caller rolls back); `conflict()` when another save changed the
        version meanwhile (a caller that did not lock the layer).
    """
    editor = LayerEditor(layer, user_id, project_id, book)
    for index, change in enumerate(changes):
        editor.apply(index, change)
    db.session.flush()  # the last change's rows, written here rather than at commit
    bump_version(layer, conflict, last_change_id=change_id, codebook_version=codebook_version)


def bump_version(layer: Layer, conflict=VersionMoved, **values) -> None:
    """Write the layer's next version (and `values`) with a plain UPDATE, and show it on the
    object. Every save of a layer's items ends here, so that a page holding an older version
    gets 409 on its next save instead of overwriting this one.

    :raise: `conflict()` if the version in the database is not the one the object holds.
    """
    values = {"version": layer.version + 1, **values}
    updated = db.session.connection().execute(
        update(Layer).where(Layer.id == layer.id, Layer.version == layer.version)
        .values(**values))
    if updated.rowcount != 1:
        raise conflict()
    for key, value in values.items():
        set_committed_value(layer, key, value)  # as loaded: nothing left for the ORM to flush


class LayerEditor:
    """Apply changes to one layer, keeping the id→item maps and the audit trail current.

    Paragraphs and each kind of item are loaded on first use: most batches add or change spans
    and never touch events or attributions.
    """

    def __init__(self, layer: Layer, user_id: int, project_id: int, book: dict):
        self.layer, self.user_id, self.project_id, self.book = layer, user_id, project_id, book
        self.items = _LayerItems(layer.id)
        self.index = 0

    @cached_property
    def paragraphs(self) -> dict[int, ParagraphText]:
        """The document's paragraphs by position."""
        rows = db.session.connection().execute(  # plain rows: no ORM needed
            select(Paragraph.id, Paragraph.position, Paragraph.text)
            .where(Paragraph.document_id == self.layer.document_id)
        )
        return {row.position: ParagraphText(*row) for row in rows}

    @cached_property
    def position_of(self) -> dict[int, int]:
        return {p.id: p.position for p in self.paragraphs.values()}

    def apply(self, index: int, change: object) -> None:
        """Validate and apply one change, after flushing the one before it."""
        if index:
            # The previous change's rows are written first, so that this one sees their ids, and
            # a delete comes before a re-insert of the same (layer, uid) key.
            db.session.flush()
        self.index = index
        if not isinstance(change, dict):
            self.fail("change", "must be an object")
        op = change.get("op")
        if not isinstance(op, str) or op not in OPERATIONS:
            self.fail("op", f"{change.get('op')!r} is not one of {', '.join(OPERATIONS)}")
        getattr(self, op)(change)

    # -- checks ----------------------------------------------------------------------------

    def fail(self, field: str, problem: str):
        raise InvalidChange(self.index, field, problem)

    def check(self, prefix: str, problems: list[Problem]) -> None:
        """Refuse the change with the first problem, its field under `prefix` ("span.")."""
        if problems:
            field, message = problems[0]
            head, _, rest = field.partition(".")
            if head == "attrs" and rest and rest != "mode":
                # A client points at the attributes as a whole; the message names the one.
                field, message = "attrs", f"{rest}: {message}"
            self.fail(prefix + field, message)

    def check_registry(self, prefix: str, fields: list[dict], attrs: object) -> None:
        self.check(prefix, registry_problems(self.project_id, fields, attrs))

    def span_check(self, ref: object) -> str | None:
        if isinstance(ref, str) and ref in self.items["spans"]:
            return None
        return f"no span {ref!r} in this layer"

    def new_id(self, kind: str, value: object, field: str) -> str:
        if problem := id_problem(value):
            self.fail(field, problem)
        if value in self.items[KINDS[kind]]:
            self.fail(field, f"{kind} {value!r} already exists in this layer")
        return value

    def existing(self, kind: str, value: object, field: str):
        item = self.items[KINDS[kind]].get(value) if isinstance(value, str) else None
        if item is None:
            self.fail(field, f"no {kind} {value!r} in this layer")
        return item

    def body(self, change: dict, key: str) -> dict:
        data = change.get(key)
        if not isinstance(data, dict):
            self.fail(key, "must be an object")
        return data

    def check_duplicate(self, uid: str | None, mark: tuple, field: str) -> None:
        other = duplicate_mark(self.items["spans"].marks, mark, uid)
        if other is not None:
            self.fail(field, f"span {other!r} already marks the same text with {mark[3]}")

    def parents(self) -> dict[str, str | None]:
        return {a.uid: a.parent.uid if a.parent is not None else None
                for a in self.items["attributions"].values()}

    # -- spans -----------------------------------------------------------------------------

    def add_span(self, change: dict) -> None:
        data = self.body(change, "span")
        uid = self.new_id("span", data.get("id"), "span.id")
        index = data.get("paragraph")
        is_index = isinstance(index, int) and not isinstance(index, bool)
        paragraph = self.paragraphs.get(index) if is_index else None
        self.check("span.", span_problems(data, paragraph and paragraph.text, self.book))
        label = span_label(self.book, data["label"])
        attrs = dict(data.get("attrs") or {})
        self.check_registry("span.", label["attributes"], attrs)
        start, end = data["start"], data["end"]
        self.check_duplicate(None, (paragraph.id, start, end, label["name"]), "span")
        row = span_row({**data, "id": uid, "label": label["name"], "attrs": attrs},
                       self.layer.id, paragraph.id, paragraph.text[start:end])
        # A plain INSERT, sent now: the commonest change, and the ORM's unit of work would cost
        # more than the statement. A later change in the batch loads the span if it uses it.
        db.session.connection().execute(insert(Span), row)
        self.items["spans"].inserted(uid, (paragraph.id, start, end, label["name"]))
        self.audit("add_span", "span", uid, None, self.snapshot("span", Span(**row)))

    def update_span(self, change: dict) -> None:
        span = self.existing("span", change.get("id"), "id")
        before = self.snapshot("span", span)
        wanted = before | {key: change[key] for key in SPAN_EDITABLE if key in change}
        text = self.paragraphs[wanted["paragraph"]].text
        self.check("", span_problems(wanted, text, self.book))
        label = span_label(self.book, wanted["label"])
        self.check_registry("", label["attributes"], wanted["attrs"])
        self.check_duplicate(span.uid, (span.paragraph_id, span.start, span.end, label["name"]),
                             "label")
        row = span_row(wanted, self.layer.id, span.paragraph_id, span.text)
        for key in SPAN_EDITABLE:
            setattr(span, key, row[key])
        self.items["spans"][span.uid] = span  # its new label, for the next duplicate check
        self.audit("update_span", "span", span.uid, before, self.snapshot("span", span))

    def delete_span(self, change: dict) -> None:
        span = self.existing("span", change.get("id"), "id")
        # Items are flushed after every change, so ids are set and comparing them is enough.
        cascade.span_removed(span.id, self.items["events"].values(),
                             self.items["attributions"].values(), self.remove, self.change)
        self.remove("span", span)

    # -- events ----------------------------------------------------------------------------

    def add_event(self, change: dict) -> None:
        data = self.body(change, "event")
        uid = self.new_id("event", data.get("id"), "event.id")
        self.check("event.", event_problems(data, self.book, self.span_check))
        attrs = dict(data.get("attrs") or {})
        self.check_registry("event.", self.book["event_attributes"], attrs)
        event = Event(uid=uid, layer_id=self.layer.id, event_type=data["type"], attrs=attrs,
                      trigger=self.span_or_none(data.get("trigger")))
        event.arguments = self.arguments(data.get("arguments") or [])
        db.session.add(event)
        self.items["events"][uid] = event
        self.audit("add_event", "event", uid, None, self.snapshot("event", event))

    def update_event(self, change: dict) -> None:
        event = self.existing("event", change.get("id"), "id")
        current = self.snapshot("event", event)
        wanted = {key: change[key] if key in change else current[key]
                  for key in ("trigger", "type", "attrs", "arguments")}
        self.check("", event_problems(wanted, self.book, self.span_check))
        attrs = dict(wanted["attrs"] or {})
        self.check_registry("", self.book["event_attributes"], attrs)
        event.trigger = self.span_or_none(wanted["trigger"])
        event.event_type = event_type(self.book, wanted["type"])["name"]
        event.attrs = attrs
        if "arguments" in change:
            event.arguments = []
            db.session.flush()  # delete the old rows before inserting ones with the same key
            event.arguments = self.arguments(wanted["arguments"] or [])
        self.audit("update_event", "event", event.uid, current, self.snapshot("event", event))

    def delete_event(self, change: dict) -> None:
        self.remove("event", self.existing("event", change.get("id"), "id"))

    def span_or_none(self, uid: str | None) -> Span | None:
        return None if uid is None else self.items["spans"].get(uid)

    def arguments(self, arguments: list[dict]) -> list[EventArgument]:
        return [EventArgument(role=a["role"], span=self.items["spans"].get(a["span"]),
                              position=i) for i, a in enumerate(arguments)]

    # -- attributions ----------------------------------------------------------------------

    def add_attribution(self, change: dict) -> None:
        data = self.body(change, "attribution")
        uid = self.new_id("attribution", data.get("id"), "attribution.id")
        self.check("attribution.", attribution_problems(data, self.book, self.span_check))
        if problem := nesting_problem(self.parents(), None, data.get("parent")):
            self.fail("attribution.parent", problem)
        attrs = dict(data.get("attrs") or {})
        self.check_registry("attribution.", self.book["attribution"]["attributes"], attrs)
        attribution = Attribution(uid=uid, layer_id=self.layer.id, attrs=attrs,
                                  parent=self.attribution_or_none(data.get("parent")))
        attribution.parts = self.parts(data)
        db.session.add(attribution)
        self.items["attributions"][uid] = attribution
        self.audit("add_attribution", "attribution", uid, None,
                   self.snapshot("attribution", attribution))

    def update_attribution(self, change: dict) -> None:
        attribution = self.existing("attribution", change.get("id"), "id")
        current = self.snapshot("attribution", attribution)
        wanted = {key: change[key] if key in change else current[key]
                  for key in (*ROLES, "parent", "attrs")}
        self.check("", attribution_problems(wanted, self.book, self.span_check))
        if "parent" in change and (problem := nesting_problem(
                self.parents(), attribution.uid, change["parent"])):
            self.fail("parent", problem)
        attrs = dict(wanted["attrs"] or {})
        self.check_registry("", self.book["attribution"]["attributes"], attrs)
        attribution.parent = self.attribution_or_none(wanted["parent"])
        attribution.attrs = attrs
        if any(role in change for role in ROLES):
            attribution.parts = []
            db.session.flush()  # delete the old rows before inserting ones with the same key
            attribution.parts = self.parts(wanted)
        self.audit("update_attribution", "attribution", attribution.uid, current,
                   self.snapshot("attribution", attribution))

    def delete_attribution(self, change: dict) -> None:
        attribution = self.existing("attribution", change.get("id"), "id")
        cascade.attribution_removed(attribution.id, self.items["attributions"].values(),
                                    self.change)
        self.remove("attribution", attribution)

    def attribution_or_none(self, uid: str | None) -> Attribution | None:
        return None if uid is None else self.items["attributions"].get(uid)

    def parts(self, item: dict) -> list[AttributionPart]:
        return [AttributionPart(role=role, span=self.items["spans"].get(uid), position=i)
                for role in ROLES for i, uid in enumerate(item.get(role) or [])]

    # -- removing and recording ------------------------------------------------------------

    def remove(self, kind: str, item) -> None:
        before = self.snapshot(kind, item)
        db.session.delete(item)
        del self.items[KINDS[kind]][item.uid]
        self.audit(f"delete_{kind}", kind, item.uid, before, None)

    def change(self, kind: str, item, edit) -> None:
        before = self.snapshot(kind, item)
        edit(item)
        self.audit(f"update_{kind}", kind, item.uid, before, self.snapshot(kind, item))

    def snapshot(self, kind: str, item) -> dict | None:
        return None if item is None else SNAPSHOTS[kind](item, self.position_of)

    def audit(self, action: str, kind: str, uid: str, before: dict | None, after: dict | None):
        # A plain INSERT, sent now: entries are never read back while saving, and the ORM's
        # unit of work would cost more than the statement.
        db.session.connection().execute(insert(AuditEntry), {
            "user_id": self.user_id, "project_id": self.project_id,
            "document_id": self.layer.document_id, "layer_id": self.layer.id, "action": action,
            "target_type": kind, "target_uid": uid, "before": before, "after": after,
        })


OPERATIONS = ("add_span", "update_span", "delete_span", "add_event", "update_event",
              "delete_event", "add_attribution", "update_attribution", "delete_attribution")


class _LayerItems(dict):
    """The layer's spans, events and attributions by uid, each kind loaded when first asked for."""

    def __init__(self, layer_id: int):
        super().__init__()
        self.layer_id = layer_id

    def __missing__(self, kind: str):
        if kind == "spans":
            loaded = _SpanIndex(self.layer_id)
        else:
            model, relation = {"events": (Event, Event.arguments),
                               "attributions": (Attribution, Attribution.parts)}[kind]
            loaded = {item.uid: item for item in db.session.execute(
                select(model).where(model.layer_id == self.layer_id)
                .options(selectinload(relation))).scalars()}
        self[kind] = loaded
        return loaded


class _SpanIndex:
    """The layer's spans by uid: what each marks is read as plain rows, and a span is loaded as
    an object only when a change uses it (a layer may hold hundreds; a batch touches a few)."""

    def __init__(self, layer_id: int):
        self.layer_id = layer_id
        self.marks = {row.uid: (row.paragraph_id, row.start, row.end, row.label)
                      for row in db.session.connection().execute(
                          select(Span.uid, Span.paragraph_id, Span.start, Span.end, Span.label)
                          .where(Span.layer_id == layer_id))}
        self.loaded: dict[str, Span] = {}

    def __contains__(self, uid: str) -> bool:
        return uid in self.marks

    def __setitem__(self, uid: str, span: Span) -> None:
        """Record a changed span's new label."""
        self.marks[uid] = (span.paragraph_id, span.start, span.end, span.label)
        self.loaded[uid] = span

    def inserted(self, uid: str, mark: tuple) -> None:
        """Record a span inserted without the ORM; a later change loads it if it needs it."""
        self.marks[uid] = mark

    def __delitem__(self, uid: str) -> None:
        del self.marks[uid]
        self.loaded.pop(uid, None)

    def get(self, uid: str) -> Span | None:
        if uid not in self.marks:
            return None
        if uid not in self.loaded:
            self.loaded[uid] = db.session.execute(
                select(Span).where(Span.layer_id == self.layer_id, Span.uid == uid)
            ).scalar_one()
        return self.loaded[uid]
