"""What removing a span or an attribution does to the rest of its layer, said once for the
changes API and for review decisions (the page's static/js/lib/model.js mirrors it, and
tests/browser/test_model_parity.py holds the two together).

`remove(kind, item)` removes an item; `change(kind, item, edit)` calls `edit(item)` between
whatever the caller records before and after (the audit log's snapshots, gold's provenance).
"""

from collections.abc import Callable, Iterable

Remove = Callable[[str, object], None]
Change = Callable[[str, object, Callable[[object], None]], None]


def span_removed(span_id: int, events: Iterable, attributions: Iterable, remove: Remove,
                 change: Change) -> None:
    """A removed span takes the events it triggers with it, and leaves other events'
    arguments and attributions' parts."""
    for event in list(events):
        if event.trigger_span_id == span_id:
            remove("event", event)
        elif any(a.span_id == span_id for a in event.arguments):
            change("event", event, lambda e: setattr(
                e, "arguments", [a for a in e.arguments if a.span_id != span_id]))
    for attribution in list(attributions):
        if any(p.span_id == span_id for p in attribution.parts):
            change("attribution", attribution, lambda a: setattr(
                a, "parts", [p for p in a.parts if p.span_id != span_id]))


def attribution_removed(attribution_id: int, attributions: Iterable, change: Change) -> None:
    """The attributions nested in a removed one move to the top level."""
    for child in list(attributions):
        if child.parent_id == attribution_id:
            change("attribution", child, lambda c: setattr(c, "parent", None))
