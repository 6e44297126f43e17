"""Compute every agreement figure for a set of native records (see docs/agreement.md)."""

import gc
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from itertools import combinations

from annotator.agreement.coefficients import token_figures
from annotator.agreement.matching import prf
from annotator.agreement.pairs import (
    AVERAGES,
    PairCounts,
    attribution_section,
    event_section,
    mean,
    merge,
    pair_rows,
    span_section,
)
from annotator.agreement.records import UNITS, group_documents
from annotator.agreement.tokens import add_token_units
from annotator.errors import InputError

DEFAULT_UNIT, DEFAULT_AVERAGE = "part", "pooled"


def compute_agreement(
    records: Iterable[Mapping],
    *,
    include_boilerplate: bool = False,
    unit: str = DEFAULT_UNIT,
    average: str = DEFAULT_AVERAGE,
) -> dict:
    """Compute inter-annotator agreement between the coder layers of native records.

    `unit` ("part", "fragment" or "whole") says what one item to match is, `average` ("pooled"
    or "pairs") how the pairs' and documents' counts become one figure.
    Returns a JSON-serialisable dict; docs/agreement.md defines every figure in it.
    :raise InputError: when a record is malformed, a coder has two layers for one document, or
        the unit or average is unknown.
    """
    check_convention(unit, average)
    with gc_paused():
        return _compute(records, include_boilerplate, unit, average)


def check_convention(unit: str, average: str) -> None:
    """:raise InputError: for a unit or an average that is not one of the known names."""
    if unit not in UNITS:
        raise InputError(f"agreement: unknown unit {unit!r}; choose one of {', '.join(UNITS)}")
    if average not in AVERAGES:
        raise InputError(
            f"agreement: unknown average {average!r}; choose one of {', '.join(AVERAGES)}"
        )


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small, acyclic tuples.

    Otherwise every few thousand allocations trigger a collection that walks all the (large)
    input; that costs about a third of the run time on big projects.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compute(records: Iterable[Mapping], include_boilerplate: bool, unit: str,
             average: str) -> dict:
    documents = group_documents(records, unit)
    per_document = average == "pairs"
    pairs: dict[tuple[str, str], PairCounts] = {}
    units: dict[tuple, Counter] = {}
    layers_per_coder: Counter = Counter()
    labels_per_coder: dict[str, list[str]] = {}
    rows = []
    for doc in documents.values():
        names = sorted(doc.layers)
        for name in names:
            layers_per_coder[name] += 1
            labels_per_coder.setdefault(name, []).extend(doc.layers[name].unit_labels)
        exact_f1s, overlap_f1s = [], []
        for a, b in combinations(names, 2):
            counts = pairs.get((a, b))
            if counts is None:
                counts = pairs[a, b] = PairCounts(unit, per_document)
            exact_f1, overlap_f1 = counts.add(doc.layers[a], doc.layers[b])
            exact_f1s.append(exact_f1)
            overlap_f1s.append(overlap_f1)
        if len(names) >= 2 and doc.paragraphs is not None:
            add_token_units(doc, names, units, include_boilerplate)
        rows.append(
            {
                "id": doc.id,
                "coders": names,
                "pairs": len(exact_f1s),
                "text_known": doc.paragraphs is not None,
                "span_exact_f1": mean(exact_f1s),
                "span_overlap_f1": mean(overlap_f1s),
            }
        )

    overall = merge(pairs.values(), unit, per_document)
    spans_per_coder = {name: Counter(labels) for name, labels in labels_per_coder.items()}
    tokens = token_figures(units, include_boilerplate)
    compared = [row for row in rows if row["pairs"]]
    tokens["documents"] = sum(1 for row in compared if row["text_known"])
    tokens["documents_without_text"] = sum(1 for row in compared if not row["text_known"])
    coders = sorted(layers_per_coder)
    return {
        "unit": unit,
        "average": average,
        "coders": coders,
        "n_documents": len(documents),
        "n_documents_compared": len(compared),
        "spans": {
            "pairs": pair_rows(pairs, span_section),
            "overall": {"documents": overall.documents, **span_section(overall)},
        },
        "tokens": tokens,
        "events": {
            "pairs": pair_rows(pairs, event_section),
            "overall": {"documents": overall.documents, **event_section(overall)},
        },
        "attributions": {
            "pairs": pair_rows(pairs, attribution_section),
            "overall": {"documents": overall.documents, **attribution_section(overall)},
        },
        "per_coder": per_coder(coders, pairs, tokens, layers_per_coder, spans_per_coder),
        "labels": per_label(overall, spans_per_coder),
        "documents": sorted(rows, key=document_order),
    }


def per_coder(
    coders: list[str],
    pairs: Mapping[tuple[str, str], PairCounts],
    tokens: dict,
    layers_per_coder: Counter,
    spans_per_coder: Mapping[str, Counter],
) -> dict:
    """Return, per coder, the mean of each pairwise figure over the pairs the coder is in."""
    kappas = {tuple(row["coders"]): row["kappa"] for row in tokens["pairs"]}
    result = {}
    for coder in coders:
        mine = {key: counts for key, counts in pairs.items() if coder in key}
        result[coder] = {
            "documents": layers_per_coder[coder],
            "spans": spans_per_coder[coder].total(),
            "pairs": len(mine),
            "span_exact_f1": mean(c.span_f1("exact") for c in mine.values()),
            "span_overlap_f1": mean(c.span_f1("overlap") for c in mine.values()),
            "kappa": mean(kappas.get(key) for key in mine),
            "event_f1": mean(c.figure("events")["f1"] for c in mine.values()),
            "argument_f1": mean(c.figure("arguments")["f1"] for c in mine.values()),
            "attribution_f1": mean(c.figure("whole")["f1"] for c in mine.values()),
        }
    return result


def per_label(overall: PairCounts, spans_per_coder: Mapping[str, Counter]) -> dict:
    """Return, per span label, exact and overlap figures over all pairs and each coder's count."""
    exact = overall.span_figures("exact")["per_label"]
    overlap = overall.span_figures("overlap")["per_label"]
    labels = sorted({label for counter in spans_per_coder.values() for label in counter})
    empty = prf(0, 0, 0)
    return {
        label: {
            "exact": exact.get(label, empty),
            "overlap": overlap.get(label, empty),
            "spans": {coder: counter[label] for coder, counter in sorted(spans_per_coder.items())},
        }
        for label in labels
    }


def document_order(row: dict) -> tuple:
    """Sort documents lowest agreement first; those without a defined figure go last."""
    exact, overlap = row["span_exact_f1"], row["span_overlap_f1"]
    return (exact is None, exact or 0.0, overlap or 0.0, str(row["id"]))
