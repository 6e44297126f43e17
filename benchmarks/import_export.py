"""Measure import throughput (services.importing) and export throughput and memory per format."""

import json
import subprocess
import sys
import time
from pathlib import Path

from flask import Flask

from annotator.extensions import db
from annotator.models import Project
from annotator.services.intake.articles import import_articles
from benchmarks.figures import Figure, load
from benchmarks.import_benchmark import write_articles

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("native", "jsonl", "conll", "csv", "brat", "hf", "spacy")
# Exported from a smaller project: they tokenise every paragraph in Python (conll, hf) or
# serialise through spaCy, at a few hundred to a few thousand spans a second.
SLOW_FORMATS = ("conll", "hf", "spacy")


def measure_import(app: Flask, backend: str, folder: Path, articles: int,
                   paragraphs: int) -> list[Figure]:
    """Import generated articles into a new project in one transaction, commit included."""
    source = folder / "import.jsonl"
    size = write_articles(source, articles, paragraphs)
    with app.app_context():
        project = Project(name="bench-import")
        db.session.add(project)
        db.session.commit()
        started_load = load()
        started = time.perf_counter()
        report = import_articles(project, [source])
        db.session.commit()
        elapsed = time.perf_counter() - started
        db.session.remove()
    rate = report["paragraphs"] / elapsed
    return [Figure("import.rate", "import (services.importing)", backend, rate, "paragraphs/s",
                   ">= 20000", max(started_load, load()),
                   {"paragraphs": report["paragraphs"], "documents": report["documents"],
                    "seconds": elapsed, "file_bytes": size})]


def measure_exports(url: str, backend: str, project: str, slow_project: str,
                    folder: Path) -> list[Figure]:
    """Export once per format, each in a fresh process so that its peak RSS is its own."""
    figures = []
    for fmt in FORMATS:
        started_load = load()
        result = subprocess.run(
            [sys.executable, "-m", "benchmarks.export_child", url,
             slow_project if fmt in SLOW_FORMATS else project, fmt,
             str(folder / f"export-{backend}-{fmt}")],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            print(f"export {fmt} on {backend} failed:\n{result.stderr[-2000:]}", file=sys.stderr)
            nan = float("nan")
            figures.append(Figure(f"export.{fmt}.rate", f"export {fmt}", backend, nan, "spans/s",
                                  ">= 50000" if fmt == "native" else "",
                                  details={"error": result.stderr[-500:]}))
            continue
        child = json.loads(result.stdout.strip().splitlines()[-1])
        figure_load = max(started_load, load())
        rate = child["spans"] / child["seconds"]
        label = f"export {fmt} ({child['spans']:,} spans)"
        figures.append(Figure(f"export.{fmt}.rate", label, backend, rate, "spans/s",
                              ">= 50000" if fmt == "native" else "", figure_load, child))
        figures.append(Figure(f"export.{fmt}.peak_rss", f"{label} peak RSS", backend,
                              child["peak_rss_mb"], "MB", "< 300" if fmt == "native" else "",
                              figure_load, child))
    return figures
