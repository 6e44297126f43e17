"""Render an agreement result as a small SVG bar chart: server-side, no script, text escaped."""

from xml.sax.saxutils import escape

from annotator.agreement.table import fmt, pair_name

# SVG layout, in pixels.
NAME_WIDTH, BAR_WIDTH, VALUE_WIDTH = 170, 260, 60
ROW, BAR, PITCH, TOP = 22, 14, 16, 34  # PITCH: bar to bar within one row
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

    group = ROW + PITCH * (len(series) - 1)
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
            bar_y = y + 4 + k * PITCH
            length = 0.0 if value is None else max(0.0, min(value, 1.0)) * BAR_WIDTH
            parts.append(
                f'<rect x="{NAME_WIDTH}" y="{bar_y}" width="{length:.1f}" '
                f'height="{BAR}" fill="{COLOURS[k]}"/>'
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
