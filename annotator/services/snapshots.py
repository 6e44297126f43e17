"""Snapshot single layer items (possibly not yet flushed) as native-record dicts, for the audit log.

Whole layers are serialised by services/records.py; these take one ORM object at a time, so
that the log records each change's before and after in the same shape as the native format.
"""

from annotator.models import Attribution, Event, Span


def span(item: Span, position_of: dict[int, int]) -> dict:
    """Snapshot a span, with its paragraph as an index."""
    return {"id": item.uid, "paragraph": position_of.get(item.paragraph_id),
            "start": item.start, "end": item.end, "text": item.text, "label": item.label,
            "attrs": dict(item.attrs or {})}


def event(item: Event, _position_of: dict[int, int]) -> dict:
    """Snapshot an event, pointing at spans by id."""
    return {"id": item.uid, "trigger": item.trigger.uid if item.trigger else None,
            "type": item.event_type, "attrs": dict(item.attrs or {}),
            "arguments": [{"role": a.role, "span": a.span.uid} for a in item.arguments]}


def attribution(item: Attribution, _position_of: dict[int, int]) -> dict:
    """Snapshot an attribution, pointing at spans and its parent by id."""
    parts: dict[str, list[str]] = {"source": [], "cue": [], "content": []}
    for part in item.parts:
        parts[part.role].append(part.span.uid)
    return {"id": item.uid, **parts, "parent": item.parent.uid if item.parent else None,
            "attrs": dict(item.attrs or {})}


SNAPSHOTS = {"span": span, "event": event, "attribution": attribution}
