"""Match two coders' items (spans, events, attribution parts) and score the match.

Exact matching counts the multiset intersection. Overlap matching is one-to-one and greedy: all
intersecting pairs are sorted by overlap size (largest first), ties by the items' own sort order,
and taken in turn when neither item is already matched. The result depends only on the items, never
on their input order.
"""

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence


def prf(matches: int, n_reference: int, n_other: int) -> dict:
    """Return precision, recall and F1 with the reference as gold; undefined figures are None.

    Precision is matches / n_other, recall matches / n_reference, F1 2·matches / (n_reference +
    n_other), so F1 is symmetric. A figure whose denominator is zero is None.
    """
    total = n_reference + n_other
    return {
        "matches": matches,
        "n_reference": n_reference,
        "n_other": n_other,
        "precision": matches / n_other if n_other else None,
        "recall": matches / n_reference if n_reference else None,
        "f1": 2 * matches / total if total else None,
    }


def exact_matches(a: Iterable[Hashable], b: Iterable[Hashable]) -> Counter:
    """Return the multiset of items both sides have (each item matched at most once per copy)."""
    return Counter(a) & Counter(b)


def greedy_matches(
    a: Sequence, b: Sequence, overlap: Callable[[object, object], int]
) -> list[tuple[object, object]]:
    """Pair items one-to-one, greedily by largest positive `overlap`, deterministically."""
    a = sorted(a)
    b = sorted(b)
    candidates = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            size = overlap(x, y)
            if size > 0:
                candidates.append((-size, i, j))
    candidates.sort()  # i and j index sorted lists, so ties fall back to item order
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((a[i], b[j]))
    return pairs


def range_overlap(x: tuple[int, int], y: tuple[int, int]) -> int:
    """Return how many characters two half-open (start, end) ranges share."""
    return min(x[1], y[1]) - max(x[0], y[0])


def part_overlap(x: Iterable[tuple], y: Iterable[tuple]) -> int:
    """Return how many characters two sets of (paragraph, start, end) ranges share."""
    total = 0
    for p, s, e in x:
        for q, t, f in y:
            if p == q and s < f and t < e:
                total += min(e, f) - max(s, t)
    return total


def span_overlap_matches(a: Iterable[tuple], b: Iterable[tuple]) -> Counter:
    """Count overlap matches of (paragraph, start, end, label) spans, per label.

    Only spans with the same paragraph and label can match; their ranges must intersect.
    """
    groups: dict[tuple, tuple[list, list]] = {}
    for side, spans in enumerate((a, b)):
        for paragraph, start, end, label in spans:
            groups.setdefault((paragraph, label), ([], []))[side].append((start, end))
    counts: Counter = Counter()
    for (_, label), (xs, ys) in groups.items():
        if not xs or not ys:
            continue
        if len(xs) == 1 and len(ys) == 1:  # the common case, without sorting
            counts[label] += range_overlap(xs[0], ys[0]) > 0
        else:
            counts[label] += len(greedy_matches(xs, ys, range_overlap))
    return counts


def part_overlap_matches(a: Iterable[frozenset], b: Iterable[frozenset]) -> int:
    """Count one-to-one overlap matches between two coders' attribution parts."""
    xs = [sorted(part) for part in a]
    ys = [sorted(part) for part in b]
    if not xs or not ys:
        return 0
    return len(greedy_matches(xs, ys, part_overlap))
