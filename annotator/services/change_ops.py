"""The nine change operations of docs/api.md; each checks all its input before changing anything.

`ed` is the LayerEditor of services/changes.py: it holds the layer's items by id, the codebook,
and the helpers that validate and audit.
"""

from sqlalchemy import insert

from annotator.extensions import db
from annotator.models import Attribution, Event, Span
from annotator.models.annotations import ATTRIBUTION_ROLES
from annotator.offsets import check_span


def _value(data: dict, key: str, default):
    """Return data[key], with a missing key or null meaning `default`."""
    value = data.get(key)
    return default if value is None else value


def _body(ed, change: dict, key: str) -> dict:
    data = change.get(key)
    if not isinstance(data, dict):
        ed.fail(key, "must be an object")
    return data


def _check_duplicate(ed, span: Span | None, paragraph_id: int, start: int, end: int, label: str):
    other = ed.items["spans"].marking((paragraph_id, start, end, label),
                                      other_than=span.uid if span is not None else None)
    if other is not None:
        ed.fail("span" if span is None else "label",
                f"span {other!r} already marks the same text with {label}")


def add_span(ed, change: dict) -> None:
    data = _body(ed, change, "span")
    uid = ed.new_id("span", data.get("id"), "span.id")
    index = data.get("paragraph")
    is_index = isinstance(index, int) and not isinstance(index, bool)
    paragraph = ed.paragraphs.get(index) if is_index else None
    if paragraph is None:
        ed.fail("span.paragraph", f"{index!r} is not a paragraph index of this document "
                f"(0-{len(ed.paragraphs) - 1})")
    start, end = data.get("start"), data.get("end")
    problem = check_span(paragraph.text, start, end)
    if problem:
        ed.fail("span.start" if problem.startswith("start") else "span.end", problem)
    text = paragraph.text[start:end]
    if "text" in data and data["text"] != text:
        ed.fail("span.text", f"{data['text']!r} is not the paragraph's text at [{start}, {end}) "
                f"({text!r})")
    label = ed.span_label(data.get("label"), "span.label")
    attrs = ed.check_attrs(label["attributes"], _value(data, "attrs", {}), "span.attrs")
    _check_duplicate(ed, None, paragraph.id, start, end, label["name"])
    row = {"uid": uid, "layer_id": ed.layer.id, "paragraph_id": paragraph.id, "start": start,
           "end": end, "label": label["name"], "text": text, "attrs": attrs}
    # A plain INSERT, sent now: the commonest change, and the ORM's unit of work would cost
    # more than the statement. A later change in the batch loads the span if it uses it.
    db.session.connection().execute(insert(Span), row)
    ed.items["spans"].inserted(uid, (paragraph.id, start, end, label["name"]))
    ed.audit("add_span", "span", uid, None, ed.snapshot("span", Span(**row)))


def update_span(ed, change: dict) -> None:
    span = ed.existing("span", change.get("id"), "id")
    label = ed.span_label(change.get("label", span.label), "label")
    attrs = change["attrs"] if "attrs" in change else span.attrs
    attrs = ed.check_attrs(label["attributes"], {} if attrs is None else attrs, "attrs")
    _check_duplicate(ed, span, span.paragraph_id, span.start, span.end, label["name"])
    before = ed.snapshot("span", span)
    span.label, span.attrs = label["name"], attrs
    ed.items["spans"][span.uid] = span  # its new label, for the next duplicate check
    ed.audit("update_span", "span", span.uid, before, ed.snapshot("span", span))


def delete_span(ed, change: dict) -> None:
    span = ed.existing("span", change.get("id"), "id")
    # Items are flushed after every change, so ids are set and comparing them is enough.
    for event in list(ed.items["events"].values()):
        if event.trigger_span_id == span.id:
            _remove(ed, "event", event)
        elif any(a.span_id == span.id for a in event.arguments):
            before = ed.snapshot("event", event)
            event.arguments = [a for a in event.arguments if a.span_id != span.id]
            ed.audit("update_event", "event", event.uid, before, ed.snapshot("event", event))
    for attribution in ed.items["attributions"].values():
        if any(p.span_id == span.id for p in attribution.parts):
            before = ed.snapshot("attribution", attribution)
            attribution.parts = [p for p in attribution.parts if p.span_id != span.id]
            ed.audit("update_attribution", "attribution", attribution.uid, before,
                     ed.snapshot("attribution", attribution))
    _remove(ed, "span", span)


def _remove(ed, kind: str, item) -> None:
    before = ed.snapshot(kind, item)
    db.session.delete(item)
    del ed.items[f"{kind}s"][item.uid]
    ed.audit(f"delete_{kind}", kind, item.uid, before, None)


def add_event(ed, change: dict) -> None:
    data = _body(ed, change, "event")
    uid = ed.new_id("event", data.get("id"), "event.id")
    trigger = data.get("trigger")
    trigger = None if trigger is None else ed.existing("span", trigger, "event.trigger")
    kind = ed.event_kind(data.get("type"), "event.type")
    attrs = ed.event_attrs(kind, _value(data, "attrs", {}), "event.attrs")
    arguments = ed.arguments(_value(data, "arguments", []), "event.arguments")
    event = Event(uid=uid, layer_id=ed.layer.id, trigger=trigger, event_type=kind["name"],
                  attrs=attrs)
    event.arguments = arguments
    db.session.add(event)
    ed.items["events"][uid] = event
    ed.audit("add_event", "event", uid, None, ed.snapshot("event", event))


def update_event(ed, change: dict) -> None:
    event = ed.existing("event", change.get("id"), "id")
    trigger = event.trigger
    if "trigger" in change:
        trigger = None if change["trigger"] is None else ed.existing(
            "span", change["trigger"], "trigger")
    kind = ed.event_kind(change.get("type", event.event_type), "type")
    attrs = ed.event_attrs(kind, _value(change, "attrs", {}) if "attrs" in change
                           else event.attrs or {}, "attrs")
    arguments = None
    if "arguments" in change:
        arguments = ed.arguments(_value(change, "arguments", []), "arguments")
    before = ed.snapshot("event", event)
    event.trigger, event.event_type, event.attrs = trigger, kind["name"], attrs
    if arguments is not None:
        event.arguments = []
        db.session.flush()  # delete the old rows before inserting ones with the same key
        event.arguments = arguments
    ed.audit("update_event", "event", event.uid, before, ed.snapshot("event", event))


def delete_event(ed, change: dict) -> None:
    _remove(ed, "event", ed.existing("event", change.get("id"), "id"))


def _roles(ed, data: dict, where: str, current: Attribution | None) -> dict:
    roles = {}
    for role in ATTRIBUTION_ROLES:
        if role in data or current is None:
            roles[role] = ed.span_list(_value(data, role, []), f"{where}{role}")
        else:
            roles[role] = [p.span for p in current.parts if p.role == role]
    return roles


def add_attribution(ed, change: dict) -> None:
    data = _body(ed, change, "attribution")
    uid = ed.new_id("attribution", data.get("id"), "attribution.id")
    roles = _roles(ed, data, "attribution.", None)
    parent = ed.parent(None, data.get("parent"), "attribution.parent")
    attrs = ed.check_attrs(ed.book["attribution"]["attributes"], _value(data, "attrs", {}),
                           "attribution.attrs")
    attribution = Attribution(uid=uid, layer_id=ed.layer.id, parent=parent, attrs=attrs)
    attribution.parts = ed.parts(roles)
    db.session.add(attribution)
    ed.items["attributions"][uid] = attribution
    ed.audit("add_attribution", "attribution", uid, None,
             ed.snapshot("attribution", attribution))


def update_attribution(ed, change: dict) -> None:
    attribution = ed.existing("attribution", change.get("id"), "id")
    roles = _roles(ed, change, "", attribution)
    parent = attribution.parent
    if "parent" in change:
        parent = ed.parent(attribution, change["parent"], "parent")
    attrs = attribution.attrs or {}
    if "attrs" in change:
        attrs = ed.check_attrs(ed.book["attribution"]["attributes"],
                               _value(change, "attrs", {}), "attrs")
    before = ed.snapshot("attribution", attribution)
    attribution.parent, attribution.attrs = parent, attrs
    if any(role in change for role in ATTRIBUTION_ROLES):
        attribution.parts = []
        db.session.flush()  # delete the old rows before inserting ones with the same key
        attribution.parts = ed.parts(roles)
    ed.audit("update_attribution", "attribution", attribution.uid, before,
             ed.snapshot("attribution", attribution))


def delete_attribution(ed, change: dict) -> None:
    attribution = ed.existing("attribution", change.get("id"), "id")
    for child in ed.items["attributions"].values():
        if child.parent_id == attribution.id:
            before = ed.snapshot("attribution", child)
            child.parent = None
            ed.audit("update_attribution", "attribution", child.uid, before,
                     ed.snapshot("attribution", child))
    _remove(ed, "attribution", attribution)


HANDLERS = {
    "add_span": add_span,
    "update_span": update_span,
    "delete_span": delete_span,
    "add_event": add_event,
    "update_event": update_event,
    "delete_event": delete_event,
    "add_attribution": add_attribution,
    "update_attribution": update_attribution,
    "delete_attribution": delete_attribution,
}
