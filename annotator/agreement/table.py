"""Render an agreement result as plain-text tables for the command line."""

from collections.abc import Sequence

from annotator.agreement.pairs import PARTS

LOWEST_DOCUMENTS = 10
UNIT_TEXT = {
    "part": "spans one by one; each attribution's part (all its spans) as one item",
    "fragment": "every span (fragment) is one unit",
    "whole": "every annotation with all its fragments (one brat T) is one unit",
}
AVERAGE_TEXT = {
    "pooled": "counts pooled over all pairs and documents (micro)",
    "pairs": "mean of the F1 of every pair of coders on every document they share",
}
OVERALL = {"pooled": "all pairs (micro)", "pairs": "all pairs (mean)"}


def fmt(value: float | None) -> str:
    """Format a figure with three decimals, or "n/a" when it is undefined."""
    return "n/a" if value is None else f"{value:.3f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """Lay out rows under headers: numbers (and "n/a") right-aligned, text left-aligned."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(is_number(row[i]) for row in cells[1:]) for i in range(len(headers))]
    lines = []
    for row in cells:
        parts = [
            c.rjust(w) if right else c.ljust(w)
            for c, w, right in zip(row, widths, numeric, strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def is_number(cell: str) -> bool:
    return cell == "n/a" or cell.replace(".", "", 1).lstrip("-").isdigit()


def pair_name(row: dict) -> str:
    return " / ".join(row["coders"])


def with_overall(section: dict, average: str = "pooled") -> list[dict]:
    """Return a section's pair rows followed by its overall row."""
    return [*section["pairs"], dict(section["overall"], coders=[OVERALL[average]])]


def format_agreement_table(result: dict) -> str:
    """Return the agreement result as readable plain-text tables."""
    coders = result["coders"]
    out = [
        f"Inter-annotator agreement. Coders: {', '.join(coders) or 'none'}. "
        f"Documents: {result['n_documents']}, with 2+ coder layers: "
        f"{result['n_documents_compared']}.",
        f"Unit: {result['unit']} ({UNIT_TEXT[result['unit']]}). "
        f"Average: {result['average']} ({AVERAGE_TEXT[result['average']]}).",
    ]
    if not result["spans"]["pairs"]:
        out.append("No document has two coder layers: nothing to compare.")
        return "\n".join(out) + "\n"
    for section in (
        spans_table,
        tokens_table,
        events_table,
        attributions_table,
        coders_table,
        labels_table,
        documents_table,
    ):
        out += ["", *section(result)]
    return "\n".join(out) + "\n"


def spans_table(result: dict) -> list[str]:
    rows = [
        (pair_name(r), r["documents"], *figures(r))
        for r in with_overall(result["spans"], result["average"])
    ]
    headers = (
        "pair",
        "docs",
        "exact P",
        "exact R",
        "exact F1",
        "overlap P",
        "overlap R",
        "overlap F1",
    )
    return ["Spans (P and R take the first coder of a pair as reference)", *table(headers, rows)]


def tokens_table(result: dict) -> list[str]:
    tokens = result["tokens"]
    rows = [
        (pair_name(r), r["tokens"], fmt(r["observed_agreement"]), fmt(r["kappa"]))
        for r in tokens["pairs"]
    ]
    alpha = tokens["alpha"]
    return [
        f"Tokens ({tokens['tokenizer']}), Cohen's kappa per pair",
        *table(("pair", "tokens", "observed", "kappa"), rows),
        *(f"  {pair_name(r)}: kappa {r['note']}" for r in tokens["pairs"] if r["note"]),
        f"Krippendorff's alpha (nominal, all coders): {fmt(alpha['value'])} over "
        f"{alpha['units']} tokens" + (f" ({alpha['note']})" if alpha["note"] else ""),
        *(
            [f"  ({tokens['documents_without_text']} compared documents have no text: skipped)"]
            if tokens["documents_without_text"]
            else []
        ),
    ]


def events_table(result: dict) -> list[str]:
    title = "Events (F1: exact trigger + type; arguments add role + argument span)"
    overall = result["events"]["overall"]["events"]
    if not overall["n_reference"] + overall["n_other"]:
        return [title, "  none annotated in the compared documents"]
    rows = [
        (pair_name(r), r["documents"], fmt(r["events"]["f1"]), fmt(r["arguments"]["f1"]))
        for r in with_overall(result["events"], result["average"])
    ]
    return [title, *table(("pair", "docs", "event F1", "argument F1"), rows)]


def attributions_table(result: dict) -> list[str]:
    title = (
        "Attributions (F1 per part, exact and overlap; all = the three parts' items together; "
        "whole = all three parts exact)"
    )
    overall = result["attributions"]["overall"]
    if not overall["whole"]["n_reference"] + overall["whole"]["n_other"]:
        return [title, "  none annotated in the compared documents"]
    parts = (*PARTS, "all_parts")
    rows = [
        (
            pair_name(r),
            r["documents"],
            *(fmt(r[p][kind]["f1"]) for p in parts for kind in ("exact", "overlap")),
            fmt(r["whole"]["f1"]),
        )
        for r in with_overall(result["attributions"], result["average"])
    ]
    headers = [f"{p.split('_')[0]} {kind}" for p in parts for kind in ("exact", "overlap")]
    summary = ", ".join(
        f"{p} {fmt(overall[p]['exact']['f1'])}" for p in (*PARTS, "all_parts")
    ).replace("all_parts", "all three")
    return [
        title,
        *table(("pair", "docs", *headers, "whole"), rows),
        f"Exact F1, {OVERALL[result['average']]}: {summary}",
    ]


def coders_table(result: dict) -> list[str]:
    keys = ("span_exact_f1", "span_overlap_f1", "kappa", "event_f1", "attribution_f1")
    rows = [
        (name, c["documents"], c["spans"], *(fmt(c[k]) for k in keys))
        for name, c in result["per_coder"].items()
    ]
    headers = ("coder", "docs", "spans", "exact F1", "overlap F1", "kappa", "event F1", "attr F1")
    return ["Per coder (mean over the coder's pairs)", *table(headers, rows)]


def labels_table(result: dict) -> list[str]:
    coders = result["coders"]
    rows = [
        (
            label,
            *(fig["spans"][c] for c in coders),
            fmt(fig["exact"]["f1"]),
            fmt(fig["overlap"]["f1"]),
        )
        for label, fig in result["labels"].items()
    ]
    return [
        "Per label (spans per coder; F1 over all pairs)",
        *table(("label", *coders, "exact F1", "overlap F1"), rows),
    ]


def documents_table(result: dict) -> list[str]:
    compared = [d for d in result["documents"] if d["pairs"]]
    rows = [
        (str(d["id"]), ", ".join(d["coders"]), fmt(d["span_exact_f1"]), fmt(d["span_overlap_f1"]))
        for d in compared[:LOWEST_DOCUMENTS]
    ]
    return [
        f"Lowest agreement documents ({len(rows)} of {len(compared)}; mean pairwise span F1)",
        *table(("document", "coders", "exact F1", "overlap F1"), rows),
    ]


def figures(row: dict) -> list[str]:
    exact, overlap = row["exact"], row["overlap"]
    return [fmt(f[k]) for f in (exact, overlap) for k in ("precision", "recall", "f1")]
