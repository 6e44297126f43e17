"""Render an agreement result: a plain-text table for the CLI and a small SVG bar chart."""

from collections.abc import Sequence
from xml.sax.saxutils import escape

from annotator.agreement.pairs import PARTS

LOWEST_DOCUMENTS = 10


def fmt(value: float | None) -> str:
    """Format a figure with three decimals, or "n/a" when it is undefined."""
    return "n/a" if value is None else f"{value:.3f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """Lay out rows under headers: the first column left-aligned, the others right-aligned."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for row in cells:
        parts = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def pair_name(row: dict) -> str:
    return " / ".join(row["coders"])


def format_agreement_table(result: dict) -> str:
    """Return the agreement result as readable plain-text tables."""
    coders = result["coders"]
    out = [
        f"Inter-annotator agreement. Coders: {', '.join(coders) or 'none'}. "
        f"Documents: {result['n_documents']}, with 2+ coder layers: "
        f"{result['n_documents_compared']}.",
        "",
    ]
    if not result["spans"]["pairs"]:
        out.append("No document has two coder layers: nothing to compare.")
        return "\n".join(out) + "\n"

    spans = result["spans"]
    rows = [(pair_name(r), r["documents"], *figures(r)) for r in spans["pairs"]]
    rows.append(("all pairs (micro)", spans["overall"]["documents"], *figures(spans["overall"])))
    out += ["Spans (P and R take the first coder as reference)"]
    out += table(
        ("pair", "docs", "exact P", "exact R", "exact F1", "overlap P", "overlap R", "overlap F1"),
        rows,
    )

    tokens = result["tokens"]
    rows = [
        (pair_name(r), r["tokens"], fmt(r["observed_agreement"]), fmt(r["kappa"]))
        for r in tokens["pairs"]
    ]
    out += ["", f"Tokens ({tokens['tokenizer']}), Cohen's kappa per pair"]
    out += table(("pair", "tokens", "observed", "kappa"), rows)
    out += [f"  {pair_name(r)}: {r['note']}" for r in tokens["pairs"] if r["note"]]
    alpha = tokens["alpha"]
    out.append(
        f"Krippendorff's alpha (nominal, all coders): {fmt(alpha['value'])} over "
        f"{alpha['units']} tokens" + (f" ({alpha['note']})" if alpha["note"] else "")
    )

    events = result["events"]
    rows = [
        (pair_name(r), r["documents"], fmt(r["events"]["f1"]), fmt(r["arguments"]["f1"]))
        for r in [*events["pairs"], {"coders": ["all pairs (micro)"], **events["overall"]}]
    ]
    out += ["", "Events (F1, exact trigger + type; arguments add role + argument span)"]
    out += table(("pair", "docs", "event F1", "argument F1"), rows)

    attributions = result["attributions"]
    rows = [
        (
            pair_name(r),
            r["documents"],
            *(fmt(r[p][kind]["f1"]) for p in PARTS for kind in ("exact", "overlap")),
            fmt(r["whole"]["f1"]),
        )
        for r in [
            *attributions["pairs"],
            {"coders": ["all pairs (micro)"], **attributions["overall"]},
        ]
    ]
    out += ["", "Attributions (F1 per part, exact and overlap; whole = all three parts exact)"]
    headers = [f"{p} {kind}" for p in PARTS for kind in ("exact", "overlap")]
    out += table(("pair", "docs", *headers, "whole"), rows)

    rows = [
        (
            name,
            c["documents"],
            c["spans"],
            fmt(c["span_exact_f1"]),
            fmt(c["span_overlap_f1"]),
            fmt(c["kappa"]),
            fmt(c["event_f1"]),
            fmt(c["attribution_f1"]),
        )
        for name, c in result["per_coder"].items()
    ]
    out += ["", "Per coder (mean over pairs with the other coders)"]
    out += table(
        ("coder", "docs", "spans", "exact F1", "overlap F1", "kappa", "event F1", "attr F1"), rows
    )

    rows = [
        (
            label,
            *(fig["spans"][c] for c in coders),
            fmt(fig["exact"]["f1"]),
            fmt(fig["overlap"]["f1"]),
        )
        for label, fig in result["labels"].items()
    ]
    out += ["", "Per label (span counts per coder; F1 over all pairs)"]
    out += table(("label", *coders, "exact F1", "overlap F1"), rows)

    compared = [d for d in result["documents"] if d["pairs"]]
    rows = [
        (str(d["id"]), ", ".join(d["coders"]), fmt(d["span_exact_f1"]), fmt(d["span_overlap_f1"]))
        for d in compared[:LOWEST_DOCUMENTS]
    ]
    out += ["", f"Lowest agreement documents ({len(rows)} of {len(compared)}, mean pair span F1)"]
    out += table(("document", "coders", "exact F1", "overlap F1"), rows)
    return "\n".join(out) + "\n"


def figures(row: dict) -> list[str]:
    exact, overlap = row["exact"], row["overlap"]
    return [fmt(f[k]) for f in (exact, overlap) for k in ("precision", "recall", "f1")]


# SVG layout, in pixels.
NAME_WIDTH, BAR_WIDTH, VALUE_WIDTH = 170, 260, 60
ROW, BAR, TOP = 22, 8, 34
COLOURS = ("#3b6ea5", "#e08a2c")


def agreement_svg(result: dict, chart: str = "labels") -> str:
    """Return a small SVG bar chart: per-label span F1 ("labels") or per-pair kappa ("kappa").

    Bars span 0..1; negative kappas draw no bar but print their value. All text is escaped.
    :raise ValueError: for an unknown chart name.
    """
    if chart == "labels":
        title = "Span F1 per label (all pairs)"
        series = ("exact", "overlap")
        rows = [
            (label, [fig["exact"]["f1"], fig["overlap"]["f1"]])
            for label, fig in result["labels"].items()
        ]
    elif chart == "kappa":
        title = "Cohen's kappa per pair (tokens)"
        series = ("kappa",)
        rows = [(pair_name(r), [r["kappa"]]) for r in result["tokens"]["pairs"]]
        rows.append(("alpha (all coders)", [result["tokens"]["alpha"]["value"]]))
    else:
        raise ValueError(f"unknown agreement chart {chart!r} (use 'labels' or 'kappa')")

    group = ROW * len(series) if len(series) > 1 else ROW
    width = NAME_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = TOP + max(len(rows), 1) * group + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    if len(series) > 1:
        for k, name in enumerate(series):
            x = NAME_WIDTH + k * 90
            parts.append(f'<rect x="{x}" y="20" width="10" height="10" fill="{COLOURS[k]}"/>')
            parts.append(f'<text x="{x + 14}" y="29">{escape(name)}</text>')
    if not rows:
        parts.append(f'<text x="0" y="{TOP + 14}">No data</text>')
    for i, (name, values) in enumerate(rows):
        y = TOP + i * group
        parts.append(f'<text x="0" y="{y + 14}">{escape(shorten(name))}</text>')
        for k, value in enumerate(values):
            bar_y = y + 4 + k * ROW
            length = 0.0 if value is None else max(0.0, min(value, 1.0)) * BAR_WIDTH
            parts.append(
                f'<rect x="{NAME_WIDTH}" y="{bar_y}" width="{length:.1f}" '
                f'height="{BAR + 6}" fill="{COLOURS[k]}"/>'
            )
            parts.append(
                f'<text x="{NAME_WIDTH + length + 4:.1f}" y="{bar_y + 11}">'
                f"{escape(fmt(value))}</text>"
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def shorten(name: str, limit: int = 26) -> str:
    """Cut a long name so it fits the name column."""
    return name if len(name) <= limit else name[: limit - 1] + "…"
