"""The writer's gold mode: put adjudicated items into a document's gold layer, each with its
provenance; never commits.

Gold items are found by what they align on (adjudication_items), not by id, so that a decision
made twice changes the item it made the first time instead of adding a second one. Items are
checked by the same rules as every other way in (rules.py). Every item touched is snapshotted
with its provenance before and after, for the decision's audit entry.
"""

from annotator.adjudication_items import (
    PARTS,
    attribution_id,
    event_id,
    prepare,
    span_id,
    span_key,
)
from annotator.codebook import event_type
from annotator.errors import InvalidField
from annotator.extensions import db
from annotator.layers import cascade
from annotator.layers.editor import bump_version
from annotator.layers.native import SNAPSHOTS, span_row
from annotator.layers.registry import registry_problems
from annotator.layers.rules import (
    Problem,
    attribution_problems,
    event_problems,
    span_label,
    span_problems,
)
from annotator.models import (
    Attribution,
    AttributionPart,
    Document,
    Event,
    EventArgument,
    Layer,
    Span,
)
from annotator.models.common import utcnow

MODELS = {"span": Span, "event": Event, "attribution": Attribution}


class InvalidDecision(InvalidField):
    """A decision whose item does not fit the paragraph, the codebook or the gold layer."""

    code = "invalid_decision"


def _refuse(problems: list[Problem]) -> None:
    """Raise InvalidDecision with the first problem, if any."""
    if problems:
        raise InvalidDecision(*problems[0])


def _span_ref(ref: object) -> str | None:
    """Gold items point at spans by place and label (put_span checks those)."""
    return None if isinstance(ref, dict) else "must be a span: paragraph, start, end, label"


def snap(kind: str, obj, position_of: dict[int, int]) -> dict:
    """Snapshot one gold item as a native item with its kind and provenance."""
    return SNAPSHOTS[kind](obj, position_of) | {"kind": kind,
                                                          "provenance": obj.provenance}


def gold_items(layer: Layer | None, position_of: dict[int, int]) -> dict:
    """Return a gold layer's items in native form, each with its provenance."""
    if layer is None:
        return {"spans": [], "events": [], "attributions": []}
    return {f"{kind}s": [snap(kind, o, position_of) for o in getattr(layer, f"{kind}s")]
            for kind in MODELS}


class GoldWriter:
    """Apply one decision's changes to the gold layer and remember what they replaced."""

    def __init__(self, document: Document, layer: Layer, adjudicator: str, book: dict):
        self.layer, self.project_id = layer, document.project_id
        self.paragraphs = {p.position: p for p in document.paragraphs}
        self.position_of = {p.id: p.position for p in document.paragraphs}
        self.adjudicator, self.book, self.at = adjudicator, book, utcnow().isoformat()
        self.before: dict[tuple[str, str], dict | None] = {}
        self.touched: dict[tuple[str, str], object] = {}

    # -- reading ---------------------------------------------------------------------------

    def objects(self, kind: str) -> list:
        return list(getattr(self.layer, f"{kind}s"))

    def native(self) -> dict:
        """Return the gold layer as native items, with each item's provenance."""
        return gold_items(self.layer, self.position_of)

    def find(self, kind: str, key: tuple):
        """Return the gold item of this kind that aligns on `key`, or None."""
        uids = {i["key"]: i["id"] for i in prepare("gold", self.native())[f"{kind}s"]}
        uid = uids.get(key)
        return next((o for o in self.objects(kind) if o.uid == uid), None)

    def of_target(self, kind: str, target: str) -> list:
        return [o for o in self.objects(kind) if (o.provenance or {}).get("target") == target]

    def snap(self, kind: str, obj) -> dict:
        return snap(kind, obj, self.position_of)

    # -- recording ---------------------------------------------------------------------------

    def provenance(self, sources: list[dict], target: str, note: str | None) -> dict:
        return {"from": [{"coder": s["coder"], "id": s["id"]} for s in sources],
                "adjudicator": self.adjudicator, "at": self.at, "note": note or None,
                "target": target}

    def touch(self, kind: str, obj, new: bool = False) -> None:
        key = (kind, obj.uid)
        if key not in self.before:
            self.before[key] = None if new else self.snap(kind, obj)
        self.touched[key] = obj

    def changes(self) -> tuple[list[dict], list[dict]]:
        """Return (before, after) snapshots of every item this writer touched."""
        db.session.flush()
        before = [snap for snap in self.before.values() if snap is not None]
        after = [self.snap(kind, obj) for (kind, _), obj in self.touched.items()
                 if obj is not None]
        return before, after

    def set_provenance(self, kind: str, obj, provenance: dict) -> None:
        self.touch(kind, obj)
        obj.provenance = provenance  # a new dict: JSON columns only notice reassignment

    def new_uid(self, kind: str, wanted: str) -> str:
        taken = {o.uid for o in self.objects(kind)}
        uid, n = wanted, 1
        while uid in taken:  # gold edited on the annotation page may already use this id
            n += 1
            uid = f"{wanted}-g{n}"
        return uid

    # -- spans -------------------------------------------------------------------------------

    def put_span(self, ref: dict, provenance: dict, own: bool = True) -> Span:
        """Return the gold span at `ref`'s place and label, adding it when missing.

        `own` spans take this decision's provenance and attributes; spans that an event or
        attribution merely needs keep what they have.
        """
        if not isinstance(ref, dict):
            raise InvalidDecision("span", "must be an object with paragraph, start, end, label")
        index = ref.get("paragraph")
        paragraph = self.paragraphs.get(index) if type(index) is int else None
        _refuse(span_problems(ref, paragraph.text if paragraph else None, self.book))
        label = span_label(self.book, ref["label"])
        attrs = ref.get("attrs") or {}
        _refuse(registry_problems(self.project_id, label["attributes"], attrs))
        span = self.find("span", span_key(ref))
        if span is not None:
            if own:
                self.touch("span", span)
                span.attrs, span.provenance = dict(attrs), provenance
            return span
        uid = self.new_uid("span", span_id(span_key(ref)))
        span = Span(**span_row({**ref, "id": uid, "attrs": attrs}, self.layer.id, paragraph.id,
                               paragraph.text[ref["start"]:ref["end"]]), provenance=provenance)
        self.layer.spans.append(span)
        db.session.flush()
        self.touch("span", span, new=True)
        return span

    def key_of(self, kind: str, obj) -> tuple:
        prepared = prepare("gold", self.native())[f"{kind}s"]
        return next(i["key"] for i in prepared if i["id"] == obj.uid)

    def aligned_id(self, kind: str, obj) -> str:
        key = self.key_of(kind, obj)
        return {"span": span_id, "event": event_id, "attribution": attribution_id}[kind](key)

    # -- removing ----------------------------------------------------------------------------

    def remove(self, kind: str, obj) -> None:
        """Remove a gold item; events lose it as trigger or argument, attributions as a part."""
        if kind == "span":
            cascade.span_removed(obj.id, self.objects("event"), self.objects("attribution"),
                                 self.remove, self.change)
        if kind == "attribution":
            cascade.attribution_removed(obj.id, self.objects("attribution"), self.change)
        self.touch(kind, obj)
        self.touched[(kind, obj.uid)] = None
        getattr(self.layer, f"{kind}s").remove(obj)  # delete-orphan: removing deletes the row
        db.session.flush()

    def change(self, kind: str, obj, edit) -> None:
        self.touch(kind, obj)
        edit(obj)

    def in_use(self, span: Span) -> bool:
        """Tell whether a gold event or attribution points at the span."""
        return any(e.trigger_span_id == span.id or any(a.span_id == span.id for a in e.arguments)
                   for e in self.objects("event")) or any(
            p.span_id == span.id for a in self.objects("attribution") for p in a.parts)

    def bump(self) -> int:
        """Count one more save of the gold layer, when this decision changed it."""
        if self.touched:
            db.session.flush()
            bump_version(self.layer)
        return self.layer.version


def put_event(writer: "GoldWriter", item: dict, provenance: dict) -> Event:
    """Make the gold event at `item`'s trigger and type hold exactly `item`'s arguments."""
    _refuse(event_problems(item, writer.book, _span_ref))
    kind = event_type(writer.book, item["type"])
    attrs = item.get("attrs") or {}
    _refuse(registry_problems(writer.project_id, writer.book["event_attributes"], attrs))
    arguments = item.get("arguments") or []
    trigger_ref = item.get("trigger")
    trigger = writer.put_span(trigger_ref, provenance, own=False) if trigger_ref else None
    spans = [(a["role"], writer.put_span(a["span"], provenance, own=False)) for a in arguments]
    key = ((trigger_ref["paragraph"], trigger_ref["start"], trigger_ref["end"])
           if trigger_ref else None, kind["name"])
    event = writer.find("event", key)
    if event is None:
        event = Event(uid=writer.new_uid("event", event_id(key)), event_type=kind["name"])
        writer.layer.events.append(event)
        db.session.flush()
        writer.touch("event", event, new=True)
    else:
        writer.touch("event", event)
    event.trigger, event.attrs, event.provenance = trigger, dict(attrs), provenance
    event.arguments = []
    db.session.flush()  # delete the old argument rows before adding ones with the same key
    unique = dict.fromkeys((role, span.id) for role, span in spans)
    by_id = {span.id: span for _, span in spans}
    event.arguments = [EventArgument(role=role, span=by_id[sid], position=n)
                       for n, (role, sid) in enumerate(unique)]
    db.session.flush()
    return event

def put_attribution(writer: "GoldWriter", item: dict, provenance: dict) -> Attribution:
    """Make the gold attribution with `item`'s parts and parent hold `item`'s attributes."""
    _refuse(attribution_problems(item, writer.book, _span_ref))
    attrs = item.get("attrs") or {}
    _refuse(registry_problems(writer.project_id, writer.book["attribution"]["attributes"],
                              attrs))
    parent = None
    if item.get("parent"):
        parent = next((a for a in writer.objects("attribution")
                       if writer.aligned_id("attribution", a) == item["parent"]), None)
        if parent is None:
            raise InvalidDecision("parent", "the outer attribution is not in gold yet")
    parts = {}
    for role in PARTS:
        refs = item.get(role) or []
        parts[role] = list({s.id: s for s in (writer.put_span(r, provenance, own=False)
                                              for r in refs)}.values())
    ranges = tuple(tuple(sorted((writer.position_of[s.paragraph_id], s.start, s.end)
                                for s in parts[role])) for role in PARTS)
    parent_key = writer.key_of("attribution", parent) if parent is not None else None
    key = (ranges, parent_key)
    attribution = writer.find("attribution", key)
    if attribution is None:
        attribution = Attribution(uid=writer.new_uid("attribution", attribution_id(key)))
        writer.layer.attributions.append(attribution)
        db.session.flush()
        writer.touch("attribution", attribution, new=True)
    else:
        writer.touch("attribution", attribution)
    attribution.parent, attribution.attrs = parent, dict(attrs)
    attribution.provenance = provenance
    attribution.parts = []
    db.session.flush()
    attribution.parts = [AttributionPart(role=role, span=span, position=n)
                         for role in PARTS for n, span in enumerate(parts[role])]
    db.session.flush()
    return attribution
