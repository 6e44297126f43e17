"""Per-pair match counts for spans, events and attributions, and the sections built from them."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from operator import itemgetter

from annotator.agreement.matching import (
    exact_match_count,
    exact_matches,
    part_overlap_matches,
    prf,
    span_overlap_matches,
)
from annotator.agreement.records import PART_NAMES as PARTS
from annotator.agreement.records import Layer

LABEL = itemgetter(3)  # of a (paragraph, start, end, label) span


class PairCounts:
    """Running match counts for one pair of coders over the documents both annotated.

    Span labels are collected in lists (extending a list is cheap) and counted once at the end.
    """

    def __init__(self) -> None:
        self.documents = 0
        self.span_labels: dict[str, list[str]] = {
            k: [] for k in ("reference", "other", "exact", "overlap")
        }
        self.tallies: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        self._counted: dict[str, Counter] | None = None

    def tally(self, name: str, matches: int, n_reference: int, n_other: int) -> None:
        tally = self.tallies[name]
        tally[0] += matches
        tally[1] += n_reference
        tally[2] += n_other

    def add(self, a: Layer, b: Layer) -> tuple[float | None, float | None]:
        """Add one document's comparison; return its exact and overlap span F1."""
        self.documents += 1
        self._counted = None
        labels = self.span_labels
        span_matches, rest_a, rest_b = exact_matches(a.spans, b.spans)
        overlap = span_overlap_matches(rest_a, rest_b)  # exact matches pair first: add them
        labels["reference"] += a.labels
        labels["other"] += b.labels
        labels["exact"] += map(LABEL, span_matches)
        labels["overlap"] += map(LABEL, span_matches)
        labels["overlap"] += overlap
        total = len(a.spans) + len(b.spans)

        self.tally("events", exact_match_count(a.events, b.events), len(a.events), len(b.events))
        args_a, args_b = a.arguments, b.arguments
        self.tally("arguments", exact_match_count(args_a, args_b), len(args_a), len(args_b))

        if a.attributions or b.attributions:
            for i, part in enumerate(PARTS):
                xs = [t[i] for t in a.attributions if t[i]]  # empty parts are not items
                ys = [t[i] for t in b.attributions if t[i]]
                matched, rest_xs, rest_ys = exact_matches(xs, ys)
                self.tally(part + ".exact", len(matched), len(xs), len(ys))
                overlapping = len(matched) + part_overlap_matches(rest_xs, rest_ys)
                self.tally(part + ".overlap", overlapping, len(xs), len(ys))
            whole = exact_match_count(a.attributions, b.attributions)
            self.tally("whole", whole, len(a.attributions), len(b.attributions))

        if not total:
            return None, None
        exact = len(span_matches)
        return 2 * exact / total, 2 * (exact + len(overlap)) / total

    def span_counts(self) -> dict[str, Counter]:
        """Return the span label lists counted: spans per label for each side and kind."""
        if self._counted is None:
            self._counted = {k: Counter(v) for k, v in self.span_labels.items()}
        return self._counted

    def span_figures(self, kind: str) -> dict:
        """Return micro P/R/F1 of `kind` ("exact" or "overlap") span matches, with per label."""
        counts = self.span_counts()
        ref, other, hits = counts["reference"], counts["other"], counts[kind]
        labels = sorted(set(ref) | set(other))
        result = prf(hits.total(), ref.total(), other.total())
        result["per_label"] = {
            label: prf(hits[label], ref[label], other[label]) for label in labels
        }
        return result

    def span_f1(self, kind: str) -> float | None:
        """Return the micro F1 of `kind` ("exact" or "overlap") span matches."""
        labels = self.span_labels
        return prf(len(labels[kind]), len(labels["reference"]), len(labels["other"]))["f1"]

    def figure(self, name: str) -> dict:
        """Return P/R/F1 of a tallied figure ("events", "cue.exact", "whole", ...)."""
        return prf(*self.tallies[name])


def merge(pairs: Iterable[PairCounts]) -> PairCounts:
    """Sum several pairs' counts (micro average over pairs)."""
    merged = PairCounts()
    for counts in pairs:
        merged.documents += counts.documents
        for key, labels in counts.span_labels.items():
            merged.span_labels[key] += labels
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
