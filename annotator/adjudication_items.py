"""Items for adjudication (pure): what each coder's span, event or attribution aligns on.

Spans align on (paragraph, start, end, label), events on their trigger's range and type, and
attributions on the ranges of their source, cue and content spans and on their parent. Ids are
made from these keys, so the same layers always give the same ids.
"""

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence

SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
PARTS = ("source", "cue", "content")
KINDS = ("spans", "events", "attributions")


def hashed(prefix: str, key: object) -> str:
    """Return `prefix-` and a short stable hash of `key` (repr of ints, strings and tuples)."""
    return f"{prefix}-{hashlib.sha1(repr(key).encode()).hexdigest()[:12]}"


def make_id(prefix: str, parts: Sequence, key: object) -> str:
    """Return a readable id from `parts`, or a hash of `key` when that is not a valid item id."""
    readable = prefix + "-".join(str(p) for p in parts)
    return readable if SAFE_ID.fullmatch(readable) else hashed(prefix, key)


def span_key(span: Mapping) -> tuple:
    return (span["paragraph"], span["start"], span["end"], span["label"])


def span_id(key: tuple) -> str:
    return make_id("s", key, key)


def event_key(event: Mapping) -> tuple:
    trigger = event["trigger"]
    return (_range(trigger) if trigger else None, event["type"])


def event_id(key: tuple) -> str:
    trigger, kind = key
    return make_id("e", (*trigger, kind), key) if trigger else make_id("ex-", (kind,), key)


def attribution_id(key: tuple) -> str:
    return hashed("a", key)


def canon(value: object) -> str:
    """Return a canonical text for comparing attribute objects."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _range(ref: Mapping) -> tuple[int, int, int]:
    return (ref["paragraph"], ref["start"], ref["end"])


def _ref(span: Mapping) -> dict:
    """Point at a span by place; its attributes come along so gold can copy them."""
    return {"id": span["id"], "paragraph": span["paragraph"], "start": span["start"],
            "end": span["end"], "text": span.get("text", ""), "label": span["label"],
            "attrs": dict(span.get("attrs") or {})}


def bare(ref: Mapping) -> dict:
    """A span's place and label without the coder's own span id, for comparing across coders."""
    return {k: ref[k] for k in ("paragraph", "start", "end", "text", "label")}


def prepare(coder: str, items: Mapping) -> dict[str, list[dict]]:
    """Resolve one layer's native items: events and attributions hold span refs, not span ids.

    Every prepared item carries `coder`, its own `id` and `key` (what it aligns on).
    """
    spans = {s["id"]: s for s in items.get("spans", [])}
    prepared_spans = [{"coder": coder, **_ref(s)} for s in spans.values()]
    for span in prepared_spans:
        span["key"] = span_key(span)
    events = []
    for e in items.get("events", []):
        trigger = spans.get(e.get("trigger"))
        event = {"coder": coder, "id": e["id"], "type": e["type"],
                 "attrs": dict(e.get("attrs") or {}),
                 "trigger": _ref(trigger) if trigger else None,
                 "arguments": [{"role": a["role"], "span": _ref(spans[a["span"]])}
                               for a in e.get("arguments", []) if a["span"] in spans]}
        event["key"] = event_key(event)
        events.append(event)
    raw = {a["id"]: a for a in items.get("attributions", [])}
    keys: dict[str, tuple] = {}

    def key_of(uid: str, seen: frozenset = frozenset()) -> tuple:
        if uid not in keys:
            a = raw[uid]
            parts = tuple(tuple(sorted(_range(spans[m]) for m in a.get(r, []) if m in spans))
                          for r in PARTS)
            parent = a.get("parent")
            # A cycle cannot be saved, but a broken import must not hang the review page.
            ok = parent in raw and parent not in seen and parent != uid
            keys[uid] = (parts, key_of(parent, seen | {uid}) if ok else None)
        return keys[uid]

    attributions = []
    for uid, a in raw.items():
        key = key_of(uid)
        attributions.append({
            "coder": coder, "id": uid, "attrs": dict(a.get("attrs") or {}),
            **{r: [_ref(spans[m]) for m in a.get(r, []) if m in spans] for r in PARTS},
            "parent": attribution_id(key[1]) if key[1] is not None else None, "key": key,
        })
    return {"spans": prepared_spans, "events": events, "attributions": attributions}


def signature(kind: str, item: Mapping) -> tuple:
    """What must be equal for two coders' items to count as the same."""
    if kind == "events":
        arguments = tuple(sorted((a["role"], *_range(a["span"])) for a in item["arguments"]))
        return (item["key"], arguments, canon(item["attrs"]))
    return (item["key"], canon(item["attrs"]))


def item_ranges(kind: str, item: Mapping) -> list[tuple[int, int, int]]:
    """The text ranges an item clusters on: a span's own, an event's trigger, every part."""
    if kind == "spans":
        return [_range(item)]
    if kind == "events":
        return [_range(item["trigger"])] if item["trigger"] else []
    return [_range(ref) for role in PARTS for ref in item[role]]


def all_ranges(kind: str, item: Mapping) -> Iterator[tuple[int, int, int]]:
    yield from item_ranges(kind, item)
    if kind == "events":
        yield from (_range(a["span"]) for a in item["arguments"])
