"""Whole-document texts for the peer tools (doccano, Label Studio), which label one text per
document where annotator labels paragraphs.

Reading: the text is cut into paragraphs as the jsonl import cuts `text`; what lay between them
(and before the first and after the last) is kept in the document's meta as `text_gaps` when it
is not the usual blank line, so that an export gives the peer back the text it had and its spans
the offsets it wrote. Writing: paragraphs are joined with those gaps (or a blank line), and
events and attributions become binary relations between spans. Pure: no Flask, no database.
"""

from collections import Counter

from annotator.formats.common import ROLES, ParagraphMap
from annotator.text import normalise_newlines

GAPS = "text_gaps"  # the meta key
JOIN = "\n\n"


def text_gaps(text: str, pmap: ParagraphMap) -> list[str] | None:
    """Return what separates the paragraphs of `text` (with CR LF as LF), or None for blank
    lines only."""
    normal = normalise_newlines(text.removeprefix("\ufeff"))
    ends = [0] + [s + len(t) for s, t in zip(pmap.starts, pmap.texts, strict=True)]
    starts = pmap.starts + [len(normal)]
    gaps = [normal[end:start] for end, start in zip(ends, starts, strict=True)]
    if gaps[0] == gaps[-1] == "" and all(g == JOIN for g in gaps[1:-1]):
        return None
    return gaps


def document_text(record: dict) -> tuple[str, dict[int, int]]:
    """Return the record's whole text and {paragraph index: its offset in that text}.

    The gaps kept on import are used when they fit the paragraphs being written (not when
    boilerplate paragraphs were left out); a blank line joins the paragraphs otherwise.
    """
    paragraphs = record["paragraphs"]
    gaps = (record.get("meta") or {}).get(GAPS)
    if not (isinstance(gaps, list) and len(gaps) == len(paragraphs) + 1
            and all(isinstance(g, str) and not g.strip() for g in gaps)):
        gaps = [""] + [JOIN] * (len(paragraphs) - 1) + [""]
    pieces, starts, position = [], {}, 0
    for gap, paragraph in zip(gaps, paragraphs, strict=False):
        position += len(gap)
        starts[paragraph.get("index", len(starts))] = position
        pieces += [gap, paragraph["text"]]
        position += len(paragraph["text"])
    pieces.append(gaps[-1])
    return "".join(pieces), starts


def relations(record: dict, counts: Counter) -> list[tuple[str, str, str]]:
    """Return (head span, role, target span) for the record's events and attributions.

    An event's trigger points at each argument with its role, written "TYPE:role" when the event
    type is not the trigger's label (typed_roles reads it back); an attribution's first cue (else
    its first source, else its first content) points at every other part with the part's role.
    What binary relations cannot hold is counted: events without arguments, event types and
    attributes, nested attributions' parents and one-part attributions.
    """
    found = []
    labels = {s["id"]: s["label"] for s in record.get("spans") or []}
    for event in record.get("events") or []:
        arguments = event.get("arguments") or []
        if event.get("trigger") is None or not arguments:
            counts["events_without_arguments_left_out"] += 1
            continue
        if event.get("attrs"):
            counts["event_attributes_left_out"] += 1
        kind = event.get("type")
        prefix = f"{kind}:" if kind and kind != labels.get(event["trigger"]) else ""
        found += [(event["trigger"], prefix + a["role"], a["span"]) for a in arguments]
    for item in record.get("attributions") or []:
        parts = [(role, span) for role in ("cue", "source", "content")
                 for span in item.get(role) or []]
        if len(parts) < 2:
            counts["one_part_attributions_left_out"] += 1
            continue
        if item.get("parent") is not None:
            counts["attribution_parents_left_out"] += 1
        if item.get("attrs"):
            counts["attribution_attributes_left_out"] += 1
        head = parts[0][1]
        found += [(head, role, span) for role, span in parts[1:] if role in ROLES]
    return found


def typed_roles(links: list[tuple[str, str, str, str]]) -> tuple[list[tuple], dict[str, str]]:
    """Split "TYPE:role" relation labels (as `relations` writes them): return the links with
    plain roles and {head region: event type}."""
    plain, types = [], {}
    for link_id, head, role, target in links:
        kind, colon, rest = role.rpartition(":")
        if colon and kind.strip() and rest.strip():
            types[head] = kind.strip()
            role = rest
        plain.append((link_id, head, role, target))
    return plain, types


def set_event_types(events: list[dict], regions: dict[str, list[str]],
                    types: dict[str, str]) -> list[dict]:
    """Give events whose trigger region carried a "TYPE:role" label that type."""
    by_span = {regions[head][0]: kind for head, kind in types.items() if regions.get(head)}
    for event in events:
        if event["trigger"] in by_span:
            event["type"] = by_span[event["trigger"]]
    return events
