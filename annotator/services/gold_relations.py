"""Put events and attributions into gold, with the spans they point at; never commits.

Both are found by what they align on (adjudication_items), so a second decision on the same
trigger and type, or the same parts and parent, changes the item the first one made.
"""

from annotator.adjudication_items import PARTS, attribution_id, event_id
from annotator.codebook import attribute_problems, event_type
from annotator.extensions import db
from annotator.models import Attribution, AttributionPart, Event, EventArgument
from annotator.services.gold import GoldWriter, InvalidDecision


def put_event(writer: GoldWriter, item: dict, provenance: dict) -> Event:
    """Make the gold event at `item`'s trigger and type hold exactly `item`'s arguments."""
    kind = event_type(writer.book, item.get("type")) if isinstance(item.get("type"), str) \
        else None
    if kind is None:
        raise InvalidDecision("type", f"{item.get('type')!r} is not an event type")
    attrs = item.get("attrs") or {}
    if not isinstance(attrs, dict):
        raise InvalidDecision("attrs", "must be an object")
    if attrs.get("mode") is not None and attrs["mode"] not in kind["modes"]:
        raise InvalidDecision("attrs.mode",
                              f"{attrs['mode']!r} is not a mode of {kind['name']}")
    problems = attribute_problems(writer.book["event_attributes"],
                                  {k: v for k, v in attrs.items() if k != "mode"}, "attrs")
    if problems:
        raise InvalidDecision("attrs", "; ".join(problems))
    arguments = item.get("arguments") or []
    if not isinstance(arguments, list) or not all(isinstance(a, dict) for a in arguments):
        raise InvalidDecision("arguments", "must be a list of {role, span} objects")
    roles = writer.book["argument_roles"]
    for a in arguments:
        if a.get("role") not in roles:
            raise InvalidDecision("arguments", f"{a.get('role')!r} is not one of "
                                  f"{', '.join(roles)}")
        if not isinstance(a.get("span"), dict):
            raise InvalidDecision("arguments", "each argument needs a span")
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

def put_attribution(writer: GoldWriter, item: dict, provenance: dict) -> Attribution:
    """Make the gold attribution with `item`'s parts and parent hold `item`'s attributes."""
    attrs = item.get("attrs") or {}
    problems = attribute_problems(writer.book["attribution"]["attributes"], attrs, "attrs")
    if problems:
        raise InvalidDecision("attrs", "; ".join(problems))
    parent = None
    if item.get("parent"):
        parent = next((a for a in writer.objects("attribution")
                       if writer.aligned_id("attribution", a) == item["parent"]), None)
        if parent is None:
            raise InvalidDecision("parent", "the outer attribution is not in gold yet")
    parts = {}
    for role in PARTS:
        refs = item.get(role) or []
        if not isinstance(refs, list) or not all(isinstance(r, dict) for r in refs):
            raise InvalidDecision(role, "must be a list of spans")
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
