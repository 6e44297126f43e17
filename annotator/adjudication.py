"""Align the coders' layers of one document for adjudication (pure: native items in, dicts out).

An item is agreed when every coder has it with the same attributes (events: and the same
arguments); adjudication_items.py says what items align on. The rest fall into conflicts:
clusters of items whose text overlaps, laid out coder by coder with what differs.
"""

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

from annotator.adjudication_items import (
    KINDS,
    PARTS,
    all_ranges,
    attribution_id,
    bare,
    canon,
    event_id,
    hashed,
    item_ranges,
    make_id,
    prepare,
    signature,
    span_id,
)


def align_document(paragraphs: Sequence[int], layers: Mapping[str, Mapping]) -> dict:
    """Align coder layers ({coder: native items}) of one document, paragraph by paragraph.

    Every coder in `layers` counts: an item is agreed only when all of them have it.
    """
    coders = sorted(layers)
    prepared = {coder: prepare(coder, layers[coder]) for coder in coders}
    first = min(paragraphs) if paragraphs else 0
    out = {p: {"index": p, **{kind: {"agreed": [], "conflicts": []} for kind in KINDS}}
           for p in paragraphs}
    for kind in KINDS:
        items = [item for coder in coders for item in prepared[coder][kind]]
        agreed, rest = _split_agreed(kind, items, coders)
        for item in agreed:
            place = min((r[0] for r in all_ranges(kind, item)), default=first)
            out.setdefault(place, _empty(place))[kind]["agreed"].append(item)
        for cluster in _clusters(kind, rest):
            conflict = _conflict(kind, cluster, coders)
            out.setdefault(conflict["paragraph"], _empty(conflict["paragraph"]))[kind][
                "conflicts"].append(conflict)
    for entry in out.values():
        for kind in KINDS:
            entry[kind]["agreed"].sort(key=lambda i: _order(kind, i))
            entry[kind]["conflicts"].sort(key=lambda c: (c["start"], c["end"], c["id"]))
    return {"coders": coders, "paragraphs": [out[p] for p in sorted(out)]}


def _empty(index: int) -> dict:
    return {"index": index, **{kind: {"agreed": [], "conflicts": []} for kind in KINDS}}


def _order(kind: str, item: Mapping) -> tuple:
    return (*min(all_ranges(kind, item), default=(0, 0, 0)), item["id"])


def _split_agreed(kind: str, items: list[dict], coders: list[str]):
    """Return (agreed items, the rest): agreed when every coder has the same signature."""
    groups: dict[tuple, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        groups[signature(kind, item)][item["coder"]].append(item)
    agreed, rest = [], []
    for by_coder in groups.values():
        # A coder may hold the same item twice (an import): pair up occurrences in order.
        shared = min(len(by_coder.get(c, [])) for c in coders) if coders else 0
        for n in range(shared):
            members = [by_coder[c][n] for c in coders]
            agreed.append(_agreed(kind, members, n))
        for coder_items in by_coder.values():
            rest.extend(coder_items[shared:])
    return agreed, rest


def _agreed(kind: str, members: list[dict], n: int) -> dict:
    base = {k: v for k, v in members[0].items() if k not in ("coder", "id")}
    ident = {"spans": span_id, "events": event_id, "attributions": attribution_id}[kind](
        base["key"])
    return {"id": ident if n == 0 else f"{ident}-{n + 1}", "kind": kind[:-1], **base,
            "from": [{"coder": m["coder"], "id": m["id"]} for m in members]}


def _clusters(kind: str, items: list[dict]) -> list[list[dict]]:
    """Group items whose ranges overlap, transitively, within each paragraph."""
    root = list(range(len(items)))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    by_paragraph = defaultdict(list)
    for i, item in enumerate(items):
        for p, start, end in item_ranges(kind, item):
            by_paragraph[p].append((start, end, i))
    for intervals in by_paragraph.values():
        intervals.sort()
        reach, owner = -1, None
        for start, end, i in intervals:
            if owner is not None and start < reach:
                root[find(i)] = find(owner)
                reach = max(reach, end)
            else:
                owner, reach = i, end
    groups: dict[int, list[dict]] = defaultdict(list)
    for i, item in enumerate(items):
        groups[find(i)].append(item)
    return list(groups.values())


def _conflict(kind: str, cluster: list[dict], coders: list[str]) -> dict:
    ranges = sorted({r for item in cluster for r in item_ranges(kind, item)})
    paragraphs = {p for p, _, _ in ranges}
    prefix = "c" + kind[0]
    if len(paragraphs) == 1:
        start, end = min(r[1] for r in ranges), max(r[2] for r in ranges)
        ident = make_id(prefix, (ranges[0][0], start, end), tuple(ranges))
    else:  # no ranges (an event without trigger) or parts in several paragraphs
        start = min((r[1] for r in ranges), default=0)
        end = max((r[2] for r in ranges), default=0)
        ident = hashed(prefix, tuple(ranges) or tuple(sorted(signature(kind, i)
                                                             for i in cluster)))
    place = min(paragraphs, default=None)
    if place is None:
        place = min((r[0] for i in cluster for r in all_ranges(kind, i)), default=0)
    versions = [{"coder": c, "items": [i for i in cluster if i["coder"] == c]} for c in coders]
    return {"id": ident, "kind": kind[:-1], "paragraph": place, "start": start, "end": end,
            "versions": versions, "differences": differences(kind, versions, coders)}


def _values(kind: str, item: Mapping) -> Iterator[tuple[str, object]]:
    """The comparable facts of one item: ("what", value) pairs."""
    if kind == "spans":
        yield "span", {**bare(item), "attrs": item["attrs"]}
        return
    if kind == "events":
        yield "type", item["type"]
        yield "trigger", bare(item["trigger"]) if item["trigger"] else None
        for a in item["arguments"]:
            yield "argument", {"role": a["role"], "span": bare(a["span"])}
    else:
        for role in PARTS:
            for ref in item[role]:
                yield "part", {"role": role, "span": bare(ref)}
        yield "parent", item["parent"]
    for name, value in sorted(item["attrs"].items()):
        yield "attribute", {"name": name, "value": value}


def differences(kind: str, versions: list[dict], coders: list[str]) -> list[dict]:
    """List each fact that not every coder states, with the coders who state it."""
    held: dict[str, dict] = {}
    for version in versions:
        for item in version["items"]:
            for what, value in _values(kind, item):
                entry = held.setdefault(canon([what, value]),
                                        {"what": what, "value": value, "coders": []})
                if version["coder"] not in entry["coders"]:
                    entry["coders"].append(version["coder"])
    return [e for e in held.values() if len(e["coders"]) < len(coders)]


def find_target(alignment: Mapping, target: str) -> dict | None:
    """Return the agreed item or conflict with this id, or None."""
    return next((x for x in walk(alignment) if x["id"] == target), None)


def walk(alignment: Mapping, section: str | None = None) -> Iterator[dict]:
    """Yield every agreed item and conflict ("agreed" or "conflicts" alone if `section`)."""
    for paragraph in alignment["paragraphs"]:
        for kind in KINDS:
            for name in (section,) if section else ("agreed", "conflicts"):
                yield from paragraph[kind][name]


def review_states(alignment: Mapping, gold_keys: Mapping[str, set],
                  decisions: Mapping[str, Mapping]) -> dict[str, str]:
    """Say, per aligned id, "gold", "rejected", "decided" or "open".

    An agreed item is "gold" while the gold layer holds its key; a conflict is "decided" once a
    decision names it. `gold_keys` is {kind: set of keys}, `decisions` the latest per target.
    """
    states = {}
    for paragraph in alignment["paragraphs"]:
        for kind in KINDS:
            for item in paragraph[kind]["agreed"]:
                action = decisions.get(item["id"], {}).get("action")
                states[item["id"]] = ("gold" if item["key"] in gold_keys[kind] else
                                      "rejected" if action == "reject" else "open")
            for conflict in paragraph[kind]["conflicts"]:
                action = decisions.get(conflict["id"], {}).get("action")
                states[conflict["id"]] = ("rejected" if action == "reject" else
                                          "decided" if action in ("accept", "edit") else "open")
    return states
