"""Place coders' items in gold for a decision: with their provenance, the spans they point at
and their outer attribution, replacing what gold held for the same target; never commits.
"""

from dataclasses import dataclass

from annotator.adjudication import walk
from annotator.adjudication_items import signature, span_key
from annotator.layers.gold import GoldWriter, put_attribution, put_event
from annotator.services.review import Review


@dataclass
class Context:
    review: Review
    writer: GoldWriter
    note: str | None


def matches(review: Review, kind: str, key: tuple) -> list[dict]:
    """Every coder item of `kind` that aligns on `key`, agreed or not, as {coder, id, item}."""
    found = []
    for x in walk(review.alignment):
        if x["kind"] != kind:
            continue
        if "from" in x:
            if x["key"] == key:
                found += [{**source, "item": x} for source in x["from"]]
        else:
            found += [{"coder": i["coder"], "id": i["id"], "item": i}
                      for v in x["versions"] for i in v["items"] if i["key"] == key]
    return found


def put(ctx: Context, kind: str, item: dict, sources: list[dict], target: str):
    """Put one item into gold with its provenance, bringing the spans it points at along."""
    writer = ctx.writer
    provenance = writer.provenance(sources, target, ctx.note)
    if kind == "span":
        return writer.put_span(item, provenance)
    refs = [item.get("trigger")] + [a.get("span") for a in item.get("arguments") or []
                                    if isinstance(a, dict)]
    if kind == "attribution":
        refs = [r for role in ("source", "cue", "content") for r in item.get(role) or []]
        put_parent(ctx, item, target)
    for ref in refs:
        if isinstance(ref, dict) and {"paragraph", "start", "end", "label"} <= set(ref):
            # A span an event needs takes the provenance of the coders' spans, not the event's.
            own = matches(ctx.review, "span", span_key(ref))
            writer.put_span(ref, writer.provenance(own or sources, target, ctx.note), own=False)
    if kind == "event":
        return put_event(writer, item, provenance)
    return put_attribution(writer, item, provenance)


def put_parent(ctx: Context, item: dict, target: str) -> None:
    """Bring the outer attribution into gold first, as the same coder made it."""
    if not item.get("parent") or "key" not in item:
        return  # an edited item names its parent by id: gold must hold it already
    if any(ctx.writer.aligned_id("attribution", a) == item["parent"]
           for a in ctx.writer.objects("attribution")):
        return
    found = matches(ctx.review, "attribution", item["key"][1])
    coder = item.get("coder") or (item.get("from") or [{}])[0].get("coder")
    chosen = next((m for m in found if m["coder"] == coder), found[0] if found else None)
    if chosen is not None:
        same = [m for m in found
                if signature("attributions", m["item"]) == signature("attributions",
                                                                      chosen["item"])]
        put(ctx, "attribution", chosen["item"], same, target)


def replace_target(ctx: Context, target: dict, items: list[tuple[dict, list[dict]]]) -> None:
    """Make gold hold `items` for the target, removing what it held for it before."""
    writer = ctx.writer
    old = {kind: writer.of_target(kind, target["id"]) for kind in ("event", "attribution", "span")}
    made = {(target["kind"], put(ctx, target["kind"], item, sources, target["id"]).uid)
            for item, sources in items}
    for kind in ("event", "attribution", "span"):
        for obj in old[kind]:
            if (kind, obj.uid) in made or obj not in writer.objects(kind):
                continue
            # A span the reviewer decided on goes; one an event or attribution brought along
            # stays while another gold item still points at it.
            if kind != "span" or target["kind"] == "span" or not writer.in_use(obj):
                writer.remove(kind, obj)
