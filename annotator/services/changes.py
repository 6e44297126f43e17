"""Validate and apply one batch of layer changes (docs/api.md "Save changes"); never commits.

Each change is checked against the layer as it stands after the changes before it, so a batch
may add a span and point an event at it. The first bad change raises InvalidChange naming its
index and field; the caller then rolls the whole batch back.
"""

import re
from collections import namedtuple
from functools import cached_property

from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from annotator.codebook import attribute_problems, event_type
from annotator.errors import AnnotatorError
from annotator.extensions import db
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
from annotator.models.annotations import ATTRIBUTION_ROLES
from annotator.services import change_ops, snapshots
from annotator.services.actor_refs import actor_problems

NEW_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
KINDS = {"span": "spans", "event": "events", "attribution": "attributions"}
ParagraphText = namedtuple("ParagraphText", "id position text")


class InvalidChange(AnnotatorError):
    """A change that does not fit the paragraph, the codebook or the layer."""

    code = "invalid_change"
    status = 422

    def __init__(self, index: int, field: str, problem: str):
        super().__init__(f"change {index}: {field}: {problem}", change=index, field=field)
        self.index, self.field = index, field


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

    def fail(self, field: str, problem: str):
        raise InvalidChange(self.index, field, problem)

    def apply(self, index: int, change: object) -> None:
        """Validate and apply one change, after flushing the one before it."""
        if index:
            # The previous change's rows are written first, so that this one sees their ids, and
            # a delete comes before a re-insert of the same (layer, uid) key. The last change's
            # are written at commit.
            db.session.flush()
        self.index = index
        if not isinstance(change, dict):
            self.fail("change", "must be an object")
        op = change.get("op")
        handler = change_ops.HANDLERS.get(op) if isinstance(op, str) else None
        if handler is None:
            self.fail("op", f"{change.get('op')!r} is not one of {', '.join(change_ops.HANDLERS)}")
        handler(self, change)

    # -- lookups -----------------------------------------------------------------------------

    def new_id(self, kind: str, value: object, field: str) -> str:
        if not isinstance(value, str) or not NEW_ID.fullmatch(value):
            self.fail(field, "must be 1-64 characters from A-Z, a-z, 0-9, _ and -")
        if value in self.items[KINDS[kind]]:
            self.fail(field, f"{kind} {value!r} already exists in this layer")
        return value

    def existing(self, kind: str, value: object, field: str):
        item = self.items[KINDS[kind]].get(value) if isinstance(value, str) else None
        if item is None:
            self.fail(field, f"no {kind} {value!r} in this layer")
        return item

    def span_list(self, value: object, field: str) -> list[Span]:
        if not isinstance(value, list):
            self.fail(field, "must be a list of span ids")
        spans = [self.existing("span", v, f"{field}[{i}]") for i, v in enumerate(value)]
        if len({s.uid for s in spans}) != len(spans):
            self.fail(field, "names a span twice")
        return spans

    # -- checks against the paragraph and the codebook ------------------------------------------

    def check_attrs(self, fields: list[dict], attrs: object, field: str) -> dict:
        problems = attribute_problems(fields, attrs, field) or actor_problems(
            self.project_id, fields, attrs, field)
        if problems:
            self.fail(field, "; ".join(p.removeprefix(field).lstrip(".: ") or p for p in problems))
        return dict(attrs)

    def span_label(self, value: object, field: str) -> dict:
        label = next((x for x in self.book["span_labels"] if x["name"] == value), None)
        if label is None:
            names = ", ".join(x["name"] for x in self.book["span_labels"])
            self.fail(field, f"{value!r} is not a span label of the codebook ({names})")
        return label

    def event_kind(self, value: object, field: str) -> dict:
        kind = event_type(self.book, value) if isinstance(value, str) else None
        if kind is None:
            self.fail(field, f"{value!r} is not an event type of the codebook")
        return kind

    def event_attrs(self, kind: dict, attrs: object, field: str) -> dict:
        if not isinstance(attrs, dict):
            self.fail(field, "must be an object")
        mode = attrs.get("mode")
        if mode is not None and mode not in kind["modes"]:
            allowed = ", ".join(kind["modes"]) or "none"
            self.fail(f"{field}.mode", f"{mode!r} is not a mode of {kind['name']} ({allowed})")
        rest = {k: v for k, v in attrs.items() if k != "mode"}
        return self.check_attrs(self.book["event_attributes"], rest, field) | (
            {"mode": mode} if "mode" in attrs else {})

    def arguments(self, value: object, field: str) -> list[EventArgument]:
        if not isinstance(value, list):
            self.fail(field, "must be a list of {role, span} objects")
        roles, seen, result = self.book["argument_roles"], set(), []
        for i, argument in enumerate(value):
            here = f"{field}[{i}]"
            if not isinstance(argument, dict):
                self.fail(here, "must be an object with role and span")
            if argument.get("role") not in roles:
                self.fail(f"{here}.role", f"{argument.get('role')!r} is not one of "
                          f"{', '.join(roles)}")
            span = self.existing("span", argument.get("span"), f"{here}.span")
            if (argument["role"], span.uid) in seen:
                self.fail(here, "repeats an argument")
            seen.add((argument["role"], span.uid))
            result.append(EventArgument(role=argument["role"], span=span, position=i))
        return result

    def parent(self, attribution: Attribution | None, value: object, field: str):
        if value is None:
            return None
        parent = self.existing("attribution", value, field)
        node = parent
        while node is not None:  # walk up: reaching the attribution itself means a cycle
            if attribution is not None and node is attribution:
                self.fail(field, f"{value!r} would make the nesting a cycle")
            node = node.parent
        return parent

    def parts(self, spans_by_role: dict[str, list[Span]]) -> list[AttributionPart]:
        return [
            AttributionPart(role=role, span=span, position=i)
            for role in ATTRIBUTION_ROLES
            for i, span in enumerate(spans_by_role[role])
        ]

    # -- audit -----------------------------------------------------------------------------

    def snapshot(self, kind: str, item) -> dict | None:
        return None if item is None else snapshots.SNAPSHOTS[kind](item, self.position_of)

    def audit(self, action: str, kind: str, uid: str, before: dict | None, after: dict | None):
        # A plain INSERT, sent now: entries are never read back while saving, and the ORM's
        # unit of work would cost more than the statement.
        db.session.connection().execute(insert(AuditEntry), {
            "user_id": self.user_id, "project_id": self.project_id,
            "document_id": self.layer.document_id, "layer_id": self.layer.id, "action": action,
            "target_type": kind, "target_uid": uid, "before": before, "after": after,
        })


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

    def marking(self, mark: tuple, other_than: str | None = None) -> str | None:
        """Return the uid of a span (other than `other_than`) with this (paragraph, start, end,
        label), if any."""
        return next((uid for uid, m in self.marks.items() if m == mark and uid != other_than),
                    None)
