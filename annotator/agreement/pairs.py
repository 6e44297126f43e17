"""Per-pair match counts for spans, events and attributions, and the sections built from them."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from operator import itemgetter

from annotator.agreement.matching import (
    annotation_overlap_matches,
    exact_match_count,
    exact_matches,
    part_overlap_matches,
    prf,
    span_overlap_matches,
)
from annotator.agreement.records import PART_NAMES as PARTS
from annotator.agreement.records import Layer

LABEL = itemgetter(-1)  # of a (paragraph, start, end, label) span or a (ranges, label) annotation
AVERAGES = ("pooled", "pairs")


class PairCounts:
    """Running match counts for one pair of coders over the documents both annotated.

    Span labels are collected in lists (extending a list is cheap) and counted once at the end.
    With `per_document`, every figure also keeps one (matches, n_reference, n_other) cell per
    document, for the "pairs" average (the mean of per-document F1).
    """

    def __init__(self, unit: str = "part", per_document: bool = False) -> None:
        self.unit = unit
        self.documents = 0
        self.span_labels: dict[str, list[str]] = {
            k: [] for k in ("reference", "other", "exact", "overlap")
        }
        self.tallies: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        self.cells: defaultdict[str, list[tuple]] | None = (
            defaultdict(list) if per_document else None
        )
        self._counted: dict[str, Counter] | None = None

    def tally(self, name: str, matches: int, n_reference: int, n_other: int) -> None:
        tally = self.tallies[name]
        tally[0] += matches
        tally[1] += n_reference
        tally[2] += n_other
        if self.cells is not None:
            self.cells[name].append((matches, n_reference, n_other))

    def add(self, a: Layer, b: Layer) -> tuple[float | None, float | None]:
        """Add one document's comparison; return its exact and overlap span F1."""
        self.documents += 1
        self._counted = None
        labels = self.span_labels
        span_matches, rest_a, rest_b = exact_matches(a.units, b.units)
        if self.unit == "whole":  # (ranges, label) annotations
            overlap = annotation_overlap_matches(rest_a, rest_b)
        else:
            overlap = span_overlap_matches(rest_a, rest_b)  # exact matches pair first: add them
        labels["reference"] += a.unit_labels
        labels["other"] += b.unit_labels
        labels["exact"] += map(LABEL, span_matches)
        labels["overlap"] += map(LABEL, span_matches)
        labels["overlap"] += overlap
        total = len(a.units) + len(b.units)
        if self.cells is not None:
            self.span_cells(a.unit_labels, b.unit_labels, list(map(LABEL, span_matches)), overlap)

        self.tally("events", exact_match_count(a.events, b.events), len(a.events), len(b.events))
        args_a, args_b = a.arguments, b.arguments
        self.tally("arguments", exact_match_count(args_a, args_b), len(args_a), len(args_b))

        if a.attributions or b.attributions:
            every = {"exact": [0, 0, 0], "overlap": [0, 0, 0]}
            for i, part in enumerate(PARTS):
                if a.roles is None or b.roles is None:  # unit "part": one item per attribution
                    xs = [t[i] for t in a.attributions if t[i]]  # empty parts are not items
                    ys = [t[i] for t in b.attributions if t[i]]
                else:
                    xs, ys = a.roles[i], b.roles[i]
                matched, rest_xs, rest_ys = exact_matches(xs, ys)
                overlapping = len(matched) + part_overlap_matches(rest_xs, rest_ys)
                for kind, found in (("exact", len(matched)), ("overlap", overlapping)):
                    self.tally(f"{part}.{kind}", found, len(xs), len(ys))
                    every[kind] = [x + y for x, y in zip(every[kind], (found, len(xs), len(ys)),
                                                         strict=True)]
            for kind, counts in every.items():
                self.tally(f"parts.{kind}", *counts)
            whole = exact_match_count(a.attributions, b.attributions)
            self.tally("whole", whole, len(a.attributions), len(b.attributions))

        if not total:
            return None, None
        exact = len(span_matches)
        return 2 * exact / total, 2 * (exact + len(overlap)) / total

    def span_cells(self, reference: list, other: list, exact: list, overlap: list) -> None:
        """Keep one document's span counts, overall and per label, for the "pairs" average."""
        ref, oth, hits = Counter(reference), Counter(other), Counter(exact)
        for kind, found in (("exact", hits), ("overlap", hits + Counter(overlap))):
            self.cells[f"spans.{kind}"].append((found.total(), ref.total(), oth.total()))
            for label in ref.keys() | oth.keys():
                self.cells[f"spans.{kind}:{label}"].append((found[label], ref[label], oth[label]))

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
        result = self.averaged(f"spans.{kind}", (hits.total(), ref.total(), other.total()))
        result["per_label"] = {
            label: self.averaged(f"spans.{kind}:{label}", (hits[label], ref[label], other[label]))
            for label in labels
        }
        return result

    def span_f1(self, kind: str) -> float | None:
        """Return the F1 of `kind` ("exact" or "overlap") span matches."""
        if self.cells is not None:
            return mean_of_cells(self.cells[f"spans.{kind}"])["f1"]
        labels = self.span_labels
        return prf(len(labels[kind]), len(labels["reference"]), len(labels["other"]))["f1"]

    def figure(self, name: str) -> dict:
        """Return P/R/F1 of a tallied figure ("events", "cue.exact", "whole", ...)."""
        return self.averaged(name, self.tallies[name])

    def averaged(self, name: str, totals) -> dict:
        """Return a figure: pooled from the totals, or with the "pairs" average, cell means."""
        if self.cells is None:
            return prf(*totals)
        return mean_of_cells(self.cells[name], totals)


def mean_of_cells(cells: list[tuple], totals=None) -> dict:
    """Return summed counts with P, R and F1 each the mean over the cells where it is defined."""
    figures = [prf(*cell) for cell in cells]
    if totals is None:
        totals = [sum(column) for column in zip(*cells, strict=True)] if cells else (0, 0, 0)
    result = prf(*totals)
    for key in ("precision", "recall", "f1"):
        result[key] = mean(f[key] for f in figures)
    result["averaged"] = sum(1 for f in figures if f["f1"] is not None)
    return result


def merge(pairs: Iterable[PairCounts], unit: str = "part", per_document: bool = False
          ) -> PairCounts:
    """Sum several pairs' counts (pooled), keeping every pair's per-document cells."""
    merged = PairCounts(unit, per_document)
    for counts in pairs:
        merged.documents += counts.documents
        for key, labels in counts.span_labels.items():
            merged.span_labels[key] += labels
        for name, tally in counts.tallies.items():
            tally_sum = merged.tallies[name]
            for i, value in enumerate(tally):
                tally_sum[i] += value
        if merged.cells is not None and counts.cells is not None:
            for name, cells in counts.cells.items():
                merged.cells[name] += cells
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
    section["all_parts"] = {kind: counts.figure(f"parts.{kind}") for kind in ("exact", "overlap")}
    section["whole"] = counts.figure("whole")
    return section
