"""Benchmark figures: one measured value with its target and the machine's load, and the table."""

import math
import os
from dataclasses import asdict, dataclass, field


def load() -> float:
    """Return the one-minute load average (other engineers' test runs share the machine)."""
    return os.getloadavg()[0]


def percentile(values: list[float], q: float) -> float:
    """Return the q-th percentile (nearest rank), e.g. q=99 for p99."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Figure:
    """One measured value, e.g. import throughput on SQLite, and whether it meets its target."""

    key: str  # stable name for --json, e.g. "export.native.rate"
    label: str  # row label in the table
    backend: str  # "sqlite", "postgresql", or "any" for measures without a database
    value: float
    unit: str
    target: str = ""  # e.g. ">= 20000"; empty when the figure is informational
    load: float = field(default_factory=load)
    details: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool | None:
        """Tell whether the value meets the target (None without a target or a value)."""
        if not self.target or math.isnan(self.value):
            return None
        op, _, bound = self.target.partition(" ")
        bound = float(bound)
        return {"<": self.value < bound, "<=": self.value <= bound,
                ">": self.value > bound, ">=": self.value >= bound, "==": self.value == bound}[op]

    def cell(self) -> str:
        mark = {True: " ok", False: " MISS", None: ""}[self.ok]
        return f"{_number(self.value)} {self.unit}{mark} (load {self.load:.1f})"

    def as_json(self) -> dict:
        return asdict(self) | {"ok": self.ok}


def _number(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


BACKENDS = ("sqlite", "postgresql", "any")


def table(figures: list[Figure]) -> str:
    """Render figures as a plain-text table: one row per label, one column per backend."""
    rows: dict[str, dict[str, Figure]] = {}
    for figure in figures:
        rows.setdefault(figure.label, {})[figure.backend] = figure
    backends = [b for b in BACKENDS if any(b in cells for cells in rows.values())]
    header = ["measure", *backends, "target"]
    lines = [header]
    for label, cells in rows.items():
        target = next((f.target for f in cells.values() if f.target), "")
        unit = next(iter(cells.values())).unit
        lines.append([label, *(cells[b].cell() if b in cells else "" for b in backends),
                      f"{target} {unit}" if target else "-"])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)))
        if n == 0:
            out.append("  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in out)
