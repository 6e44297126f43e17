"""Write adjudicated items into a document's gold layer, each with its provenance; never commits.

Gold items are found by what they align on (adjudication_items), not by id, so that a decision
made twice changes the item it made the first time instead of adding a second one. Every item
touched is snapshotted with its provenance before and after, for the decision's audit entry.
Events and attributions are put by gold_relations.py.
"""

from annotator.adjudication_items import attribution_id, event_id, prepare, span_id, span_key
from annotator.codebook import attribute_problems
from annotator.errors import InvalidField
from annotator.extensions import db
from annotator.models import Attribution, Document, Event, Layer, Span
from annotator.models.common import utcnow
from annotator.offsets import check_span
from annotator.services import snapshots
from annotator.services.annotating import create_layer, find_layer

MODELS = {"span": Span, "event": Event, "attribution": Attribution}


class InvalidDecision(InvalidField):
    """A decision whose item does not fit the paragraph, the codebook or the gold layer."""

    code = "invalid_decision"


def snap(kind: str, obj, position_of: dict[int, int]) -> dict:
    """Snapshot one gold item as a native item with its kind and provenance."""
    return snapshots.SNAPSHOTS[kind](obj, position_of) | {"kind": kind,
                                                          "provenance": obj.provenance}


def gold_items(layer: Layer | None, position_of: dict[int, int]) -> dict:
    """Return a gold layer's items in native form, each with its provenance."""
    if layer is None:
        return {"spans": [], "events": [], "attributions": []}
    return {f"{kind}s": [snap(kind, o, position_of) for o in getattr(layer, f"{kind}s")]
            for kind in MODELS}


class GoldWriter:
    """Apply one decision's changes to the gold layer and remember what they replaced."""

    def __init__(self, document: Document, adjudicator: str, book: dict):
        self.layer = find_layer(document.id, "gold", None) or create_layer(document, "gold", None)
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
        if paragraph is None:
            raise InvalidDecision("paragraph", f"{ref.get('paragraph')!r} is not a paragraph")
        problem = check_span(paragraph.text, ref.get("start"), ref.get("end"))
        if problem:
            raise InvalidDecision("start" if problem.startswith("start") else "end", problem)
        label = next((x for x in self.book["span_labels"] if x["name"] == ref.get("label")), None)
        if label is None:
            raise InvalidDecision("label", f"{ref.get('label')!r} is not a span label")
        attrs = ref.get("attrs") or {}
        problems = attribute_problems(label["attributes"], attrs, "attrs")
        if problems:
            raise InvalidDecision("attrs", "; ".join(problems))
        span = self.find("span", span_key(ref))
        if span is not None:
            if own:
                self.touch("span", span)
                span.attrs, span.provenance = dict(attrs), provenance
            return span
        span = Span(uid=self.new_uid("span", span_id(span_key(ref))), paragraph_id=paragraph.id,
                    start=ref["start"], end=ref["end"], label=label["name"],
                    text=paragraph.text[ref["start"]:ref["end"]], attrs=dict(attrs),
                    provenance=provenance)
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
            for event in self.objects("event"):
                if event.trigger_span_id == obj.id:
                    self.remove("event", event)
                elif any(a.span_id == obj.id for a in event.arguments):
                    self.touch("event", event)
                    event.arguments = [a for a in event.arguments if a.span_id != obj.id]
            for attribution in self.objects("attribution"):
                if any(p.span_id == obj.id for p in attribution.parts):
                    self.touch("attribution", attribution)
                    attribution.parts = [p for p in attribution.parts if p.span_id != obj.id]
        if kind == "attribution":
            for child in self.objects("attribution"):
                if child.parent_id == obj.id:
                    self.touch("attribution", child)
                    child.parent = None
        self.touch(kind, obj)
        self.touched[(kind, obj.uid)] = None
        getattr(self.layer, f"{kind}s").remove(obj)  # delete-orphan: removing deletes the row
        db.session.flush()

    def in_use(self, span: Span) -> bool:
        """Tell whether a gold event or attribution points at the span."""
        return any(e.trigger_span_id == span.id or any(a.span_id == span.id for a in e.arguments)
                   for e in self.objects("event")) or any(
            p.span_id == span.id for a in self.objects("attribution") for p in a.parts)

    def bump(self) -> int:
        """Count one more save of the gold layer, when this decision changed it."""
        if self.touched:
            self.layer.version += 1
        return self.layer.version
