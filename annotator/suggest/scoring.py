"""Score suggestions against gold annotations: precision, recall and F1 per kind.

Kinds: actors (actor suggestions vs ACTOR spans), cues (vs CUE), quotes (quotations vs CONTENT),
content and sources (the parts of attribution suggestions vs CONTENT and SOURCE spans), and
attributions (a suggested and a gold attribution match when their cues and their contents
match). Exact matching needs identical offsets; overlap matching pairs items one-to-one, greedily,
largest shared extent first, and counts any shared character. Counts add up over documents
(micro-averaging); `figures` turns counts into rates.
"""

from collections import Counter
from collections.abc import Iterable

SCORED_KINDS = ("actors", "cues", "quotes", "content", "sources", "attributions")
GOLD_LABELS = {"ACTOR": "actors", "CUE": "cues", "CONTENT": "content", "SOURCE": "sources"}
Item = tuple[int, int, int]  # (paragraph, start, end)


def suggested_items(suggestions: Iterable[dict]) -> dict[str, list]:
    """Return the items of each kind in a list of suggestions, duplicates removed."""
    found: dict[str, dict] = {kind: {} for kind in SCORED_KINDS}
    for s in suggestions:
        if s["kind"] == "actor":
            found["actors"][_item(s)] = None
        elif s["kind"] == "cue":
            found["cues"][_item(s)] = None
        elif s["kind"] == "quote":
            found["quotes"][_item(s)] = None
        elif s["kind"] == "attribution":
            parts = s["parts"]
            for role, kind in (("content", "content"), ("source", "sources")):
                for span in parts[role]:
                    found[kind][_item(span)] = None
            found["attributions"][_relation(parts["cue"], parts["content"])] = None
    return {kind: list(items) for kind, items in found.items()}


def gold_items(record: dict, labels: dict[str, str] = GOLD_LABELS) -> dict[str, list]:
    """Return the items of each kind in a native record (spans by label, and attributions)."""
    found: dict[str, dict] = {kind: {} for kind in SCORED_KINDS}
    spans = {s["id"]: s for s in record.get("spans", [])}
    for span in spans.values():
        kind = labels.get(span["label"])
        if kind is not None:
            found[kind][_item(span)] = None
    found["quotes"] = dict(found["content"])
    for a in record.get("attributions", []):
        cue = [spans[i] for i in a.get("cue", []) if i in spans]
        content = [spans[i] for i in a.get("content", []) if i in spans]
        if cue and content:
            found["attributions"][_relation(cue, content)] = None
    return {kind: list(items) for kind, items in found.items()}


def _item(span: dict) -> Item:
    return span["paragraph"], span["start"], span["end"]


def _relation(cue: list[dict], content: list[dict]) -> tuple[frozenset, frozenset]:
    return frozenset(map(_item, cue)), frozenset(map(_item, content))


def overlap(a: Item, b: Item) -> int:
    """Return how many characters two items share (0 across paragraphs)."""
    if a[0] != b[0]:
        return 0
    return max(0, min(a[2], b[2]) - max(a[1], b[1]))


def relation_overlap(a: tuple[frozenset, frozenset], b: tuple[frozenset, frozenset]) -> int:
    """Return the shared extent of two attributions, 0 unless both cues and contents share."""
    cue = sum(overlap(x, y) for x in a[0] for y in b[0])
    content = sum(overlap(x, y) for x in a[1] for y in b[1])
    return cue + content if cue and content else 0


def match_counts(predicted: list, gold: list, measure=overlap) -> Counter:
    """Count predicted and gold items and their exact and one-to-one overlap matches."""
    exact = sum((Counter(predicted) & Counter(gold)).values())
    pairs = sorted(
        ((measure(p, g), i, j) for i, p in enumerate(predicted) for j, g in enumerate(gold)),
        key=lambda pair: (-pair[0], pair[1], pair[2]),
    )
    used_p, used_g, overlapping = set(), set(), 0
    for shared, i, j in pairs:
        if shared <= 0:
            break
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            overlapping += 1
    return Counter(predicted=len(predicted), gold=len(gold), exact=exact, overlap=overlapping)


def score_document(suggestions: Iterable[dict], record: dict,
                   labels: dict[str, str] = GOLD_LABELS) -> dict[str, Counter]:
    """Return match counts per kind for one document's suggestions against one record."""
    predicted, gold = suggested_items(suggestions), gold_items(record, labels)
    return {
        kind: match_counts(predicted[kind], gold[kind],
                           relation_overlap if kind == "attributions" else overlap)
        for kind in SCORED_KINDS
    }


def add_counts(total: dict[str, Counter], counts: dict[str, Counter]) -> dict[str, Counter]:
    """Add one document's counts into running totals (returned for chaining)."""
    for kind, counter in counts.items():
        total.setdefault(kind, Counter()).update(counter)
    return total


def prf(matches: int, n_gold: int, n_predicted: int) -> dict:
    """Return precision, recall and F1; a figure with a zero denominator is None."""
    total = n_gold + n_predicted
    return {"precision": matches / n_predicted if n_predicted else None,
            "recall": matches / n_gold if n_gold else None,
            "f1": 2 * matches / total if total else None}


def figures(counts: dict[str, Counter]) -> dict[str, dict]:
    """Turn counts per kind into {kind: {predicted, gold, exact: prf, overlap: prf}}."""
    return {
        kind: {"predicted": c["predicted"], "gold": c["gold"],
               "exact": prf(c["exact"], c["gold"], c["predicted"]),
               "overlap": prf(c["overlap"], c["gold"], c["predicted"])}
        for kind, c in counts.items()
    }


def mean_figures(runs: list[dict[str, dict]]) -> dict[str, dict]:
    """Average several runs' figures (e.g. one per coder), each rate over the runs that have it."""
    averaged: dict[str, dict] = {}
    for kind in runs[0] if runs else ():
        entry = {}
        for mode in ("exact", "overlap"):
            entry[mode] = {}
            for rate in ("precision", "recall", "f1"):
                values = [r[kind][mode][rate] for r in runs if r[kind][mode][rate] is not None]
                entry[mode][rate] = sum(values) / len(values) if values else None
        entry["predicted"] = sum(r[kind]["predicted"] for r in runs) / len(runs)
        entry["gold"] = sum(r[kind]["gold"] for r in runs) / len(runs)
        averaged[kind] = entry
    return averaged


def _rate(value: float | None) -> str:
    return "    -" if value is None else f"{value:5.3f}"


def format_figures(table: dict[str, dict], prefix: str = "") -> list[str]:
    """Return one text line per kind: counts, then exact and overlap precision/recall/F1."""
    lines = []
    for kind, f in table.items():
        exact, near = f["exact"], f["overlap"]
        lines.append(
            f"{prefix}{kind:<55} {f['predicted']:7.1f} {f['gold']:7.1f}  "
            f"{_rate(exact['precision'])} {_rate(exact['recall'])} {_rate(exact['f1'])}   "
            f"{_rate(near['precision'])} {_rate(near['recall'])} {_rate(near['f1'])}")
    return lines


def format_header(prefix: str = "") -> str:
    """Return the column titles that go with format_figures (P~ etc. are overlap figures)."""
    return (f"{prefix}{'kind':<55} {'pred':>7} {'gold':>7}  {'P':>5} {'R':>5} {'F1':>5}   "
            f"{'P~':>5} {'R~':>5} {'F1~':>5}")
