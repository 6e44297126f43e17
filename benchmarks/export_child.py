"""Export one project in one format and print one JSON line: time, spans and peak memory.

Run by import_export.measure_exports in a fresh process per format, so that the peak memory is
this format's alone: python -m benchmarks.export_child URL PROJECT FORMAT OUT
"""

import json
import resource
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from annotator import create_app
from annotator.extensions import db
from annotator.formats.registry import exporter
from annotator.models import Document, Layer, Project, Span
from annotator.services.exporting import export_project


def rss_mb() -> float:
    """Return this process's peak resident memory so far, in MB."""
    # Linux's VmHWM belongs to this process's own memory map, made new by exec. ru_maxrss does
    # not: it starts at the parent's size at spawn time, here the benchmark runner's (whose
    # agreement records alone take hundreds of MB).
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, else kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def main(url: str, project_name: str, fmt: str, out: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 13})
    with app.app_context():
        project = db.session.execute(
            select(Project).where(Project.name == project_name)).scalar_one()
        spans = db.session.scalar(
            select(func.count(Span.id)).join(Layer, Span.layer_id == Layer.id)
            .join(Document, Layer.document_id == Document.id)
            .where(Document.project_id == project.id, Layer.kind != "suggestion"))
        exporter(fmt)
        if fmt == "spacy":
            # Import spaCy before the clock starts: exporter() only checks that it is installed,
            # and the writer imports it on first use (three seconds, half of this export's time).
            import spacy  # noqa: F401
        baseline = rss_mb()
        started = time.perf_counter()
        cpu_started = time.process_time()
        # "all": every layer, the same spans in every format (the default for native).
        export_project(project, fmt, layer="all", out=Path(out))
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    print(json.dumps({"format": fmt, "spans": spans, "seconds": seconds, "cpu_seconds": cpu,
                      "peak_rss_mb": rss_mb(), "baseline_rss_mb": baseline}))


if __name__ == "__main__":
    main(*sys.argv[1:5])
