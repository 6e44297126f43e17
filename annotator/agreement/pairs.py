"""Per-pair match counts for spans, events and attributions, and the sections built from them."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from annotator.agreement.matching import (
    exact_matches,
    part_overlap_matches,
    prf,
    span_overlap_matches,
)
from annotator.agreement.records import Layer

PARTS = ("source", "cue", "content")


class PairCounts:
    """Running match counts for one pair of coders over the documents both annotated."""

    def __init__(self) -> None:
        self.documents = 0
        self.span_counts: dict[str, Counter] = {
            k: Counter() for k in ("reference", "other", "exact", "overlap")
        }
        self.tallies: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0, 0])

    def tally(self, name: str, matches: int, n_reference: int, n_other: int) -> None:
        tally = self.tallies[name]
        tally[0] += matches
        tally[1] += n_reference
        tally[2] += n_other

    def add(self, a: Layer, b: Layer) -> tuple[float | None, float | None]:
        """Add one document's comparison; return its exact and overlap span F1."""
        self.documents += 1
        counts = self.span_counts
        exact = Counter(span[3] for span in exact_matches(a.spans, b.spans).elements())
        overlap = span_overlap_matches(a.spans, b.spans)
        counts["reference"].update(span[3] for span in a.spans)
        counts["other"].update(span[3] for span in b.spans)
        counts["exact"].update(exact)
        counts["overlap"].update(overlap)
        total = len(a.spans) + len(b.spans)

        for name in ("events", "arguments"):
            xs, ys = getattr(a, name), getattr(b, name)
            self.tally(name, exact_matches(xs, ys).total(), len(xs), len(ys))

        for i, part in enumerate(PARTS):
            xs = [t[i] for t in a.attributions if t[i]]  # empty parts are not items
            ys = [t[i] for t in b.attributions if t[i]]
            self.tally(part + ".exact", exact_matches(xs, ys).total(), len(xs), len(ys))
            self.tally(part + ".overlap", part_overlap_matches(xs, ys), len(xs), len(ys))
        whole = exact_matches(a.attributions, b.attributions).total()
        self.tally("whole", whole, len(a.attributions), len(b.attributions))

        if not total:
            return None, None
        return 2 * exact.total() / total, 2 * overlap.total() / total

    def span_figures(self, kind: str) -> dict:
        """Return micro P/R/F1 of `kind` ("exact" or "overlap") span matches, with per label."""
        ref, other, hits = (self.span_counts[k] for k in ("reference", "other", kind))
        labels = sorted(set(ref) | set(other))
        result = prf(hits.total(), ref.total(), other.total())
        result["per_label"] = {
            label: prf(hits[label], ref[label], other[label]) for label in labels
        }
        return result

    def span_f1(self, kind: str) -> float | None:
        """Return the micro F1 of `kind` ("exact" or "overlap") span matches."""
        return prf(
            self.span_counts[kind].total(),
            self.span_counts["reference"].total(),
            self.span_counts["other"].total(),
        )["f1"]

    def figure(self, name: str) -> dict:
        """Return P/R/F1 of a tallied figure ("events", "cue.exact", "whole", ...)."""
        return prf(*self.tallies[name])


def merge(pairs: Iterable[PairCounts]) -> PairCounts:
    """Sum several pairs' counts (micro average over pairs)."""
    merged = PairCounts()
    for counts in pairs:
        merged.documents += counts.documents
        for key, counter in counts.span_counts.items():
            merged.span_counts[key].update(counter)
        for name, tally in counts.tallies.items():
            merged.tally(name, *tally)
    return merged


def mean(values: Iterable[float | None]) -> float | None:
    """Return the mean of the values that are not None, or None when there are none."""
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def pair_rows(pairs: Mapping[tuple[str, str], PairCounts], build) -> list[dict]:
    return [
        {"coders": [a, b], "documents": counts.documents, **build(counts)}
        for (a, b), counts in sorted(pairs.items())
    ]


def span_section(counts: PairCounts) -> dict:
    return {"exact": counts.span_figures("exact"), "overlap": counts.span_figures("overlap")}


def event_section(counts: PairCounts) -> dict:
    return {"events": counts.figure("events"), "arguments": counts.figure("arguments")}


def attribution_section(counts: PairCounts) -> dict:
    section = {
        part: {"exact": counts.figure(part + ".exact"), "overlap": counts.figure(part + ".overlap")}
        for part in PARTS
    }
    section["whole"] = counts.figure("whole")
    return section
