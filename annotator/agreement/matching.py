"""Match two coders' items (spans, events, attribution parts) and score the match.

Exact matching counts the multiset intersection. Overlap matching is one-to-one: exact matches
pair first; then all remaining pairs that share characters are sorted by overlap size (largest
first), then by combined size (smallest first), then by the items' own sort order, and taken in
turn when neither item is already matched. Pairing exact matches first changes nothing that the
greedy order would not do anyway (no item overlaps a span more than its identical twin, and on a
tie the twin is the smaller pair); it only saves time. The result depends only on the items,
never on their input order.
"""

from collections import Counter
from collections.abc import Callable, Collection, Iterable


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


def exact_matches(a: Collection, b: Collection) -> tuple[Collection, Collection, Collection]:
    """Split two sides' items into exact matches and each side's unmatched rest (multisets).

    An item matches as often as the side with fewer copies has it. The three results are
    collections in no particular order.
    """
    if not a or not b:
        return (), a, b
    set_a, set_b = set(a), set(b)
    if len(set_a) == len(a) and len(set_b) == len(b):  # no duplicates: plain sets will do
        both = set_a & set_b
        return both, set_a - both, set_b - both
    count_a, count_b = Counter(a), Counter(b)
    both = count_a & count_b
    return (
        list(both.elements()),
        list((count_a - both).elements()),
        list((count_b - both).elements()),
    )


def exact_match_count(a: Collection, b: Collection) -> int:
    """Return how many items match exactly (the size of the multisets' intersection)."""
    if not a or not b:
        return 0
    set_a, set_b = set(a), set(b)
    if len(set_a) == len(a) and len(set_b) == len(b):
        return len(set_a & set_b)
    return (Counter(a) & Counter(b)).total()


def greedy_matches(
    a: Iterable,
    b: Iterable,
    overlap: Callable[[object, object], int],
    size: Callable[[object], int],
) -> list[tuple[object, object]]:
    """Pair items one-to-one by largest positive `overlap`, then smallest combined `size`."""
    a = sorted(a)
    b = sorted(b)
    candidates = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            shared = overlap(x, y)
            if shared > 0:
                candidates.append((-shared, size(x) + size(y), i, j))
    candidates.sort()  # i and j index sorted lists, so ties fall back to item order
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _, _, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((a[i], b[j]))
    return pairs


def range_overlap(x: tuple[int, int], y: tuple[int, int]) -> int:
    """Return how many characters two half-open (start, end) ranges share."""
    return min(x[1], y[1]) - max(x[0], y[0])


def range_size(x: tuple[int, int]) -> int:
    return x[1] - x[0]


def part_overlap(x: Iterable[tuple], y: Iterable[tuple]) -> int:
    """Return how many characters two sets of (paragraph, start, end) ranges share."""
    total = 0
    for p, s, e in x:
        for q, t, f in y:
            if p == q and s < f and t < e:
                total += min(e, f) - max(s, t)
    return total


def part_size(x: Iterable[tuple]) -> int:
    return sum(e - s for _, s, e in x)


def span_overlap_matches(rest_a: Iterable[tuple], rest_b: Iterable[tuple]) -> list[str]:
    """Return the labels of the overlap matches among spans left unmatched by `exact_matches`.

    Spans are (paragraph, start, end, label). Only spans with the same paragraph and label can
    match, and their ranges must intersect.
    """
    groups: dict[tuple, tuple[list, list]] = {}
    for paragraph, start, end, label in rest_a:
        groups.setdefault((paragraph, label), ([], []))[0].append((start, end))
    matched = []
    for paragraph, start, end, label in rest_b:
        group = groups.get((paragraph, label))
        if group is not None:
            group[1].append((start, end))
    for (_, label), (xs, ys) in groups.items():
        if not ys:
            continue
        if len(xs) == 1 and len(ys) == 1:  # the common case, without sorting
            if range_overlap(xs[0], ys[0]) > 0:
                matched.append(label)
        else:
            matched += [label] * len(greedy_matches(xs, ys, range_overlap, range_size))
    return matched


def part_overlap_matches(rest_a: Iterable[frozenset], rest_b: Iterable[frozenset]) -> int:
    """Count overlap matches among attribution parts left unmatched by `exact_matches`."""
    xs = [sorted(part) for part in rest_a]
    ys = [sorted(part) for part in rest_b]
    if not xs or not ys:
        return 0
    return len(greedy_matches(xs, ys, part_overlap, part_size))


def annotation_overlap_matches(rest_a: Iterable[tuple], rest_b: Iterable[tuple]) -> list[str]:
    """Return the labels of overlap matches among (ranges, label) annotations left unmatched.

    As for spans, only annotations with the same label can match; their ranges must share
    characters (summed over all pairs of ranges), and matching is one-to-one as for parts.
    """
    groups: dict[str, tuple[list, list]] = {}
    for ranges, label in rest_a:
        groups.setdefault(label, ([], []))[0].append(ranges)
    for ranges, label in rest_b:
        if label in groups:
            groups[label][1].append(ranges)
    matched = []
    for label, (xs, ys) in groups.items():
        matched += [label] * part_overlap_matches(xs, ys)
    return matched
