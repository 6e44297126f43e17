"""Import one annotated file into a new project and print one JSON line: time, spans, peak memory.

Run by annotated.measure_annotated in a fresh process per format, so that the peak memory is this
import's alone:  python -m benchmarks.annotated_child URL PROJECT FORMAT FILE [--profile OUT]
With --profile, the import runs under cProfile and the stats are written to OUT.
"""

import cProfile
import json
import sys
import time
from pathlib import Path

from annotator import create_app
from annotator.extensions import db
from annotator.services.intake import import_files
from annotator.services.projects import create_project
from benchmarks.export_child import rss_mb


def main(url: str, project_name: str, fmt: str, path: str, profile: str | None = None) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 13})
    with app.app_context():
        project = create_project(project_name)
        db.session.commit()
        baseline = rss_mb()
        profiler = cProfile.Profile() if profile else None
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        report = import_files(project, [Path(path)], fmt)
        db.session.commit()
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        if profiler:
            profiler.dump_stats(profile)
        db.session.remove()
    print(json.dumps({"format": fmt, "documents": report["documents"], "spans": report["spans"],
                      "seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": rss_mb(),
                      "baseline_rss_mb": baseline}))


if __name__ == "__main__":
    arguments = sys.argv[1:]
    option = None
    if "--profile" in arguments:
        at = arguments.index("--profile")
        option = arguments[at + 1]
        del arguments[at:at + 2]
    main(*arguments[:4], profile=option)
