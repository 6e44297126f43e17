"""Run every benchmark on a synthetic project and print one table with the targets beside it.

    python benchmarks/run.py [--quick] [--documents N] [--annotated-only] [--postgres URL]
                             [--no-sqlite] [--json out.json]

SQLite always (a file in a temporary folder, unless --no-sqlite); PostgreSQL too with
--postgres, given any URL of the server: a scratch database annotator_bench_<random> is created
there and dropped after. Measured per database: import throughput; annotated import from
doccano JSONL and Label Studio JSON of benchmarks/corpus.py's corpus (--documents N, 10,000 by
default) and its native export, each with peak memory and beside raw sqlite3 doing the same work
as a ratio (benchmarks/annotated.py; --annotated-only runs just these); export throughput and peak
memory per format; the annotation page, the layer API and the project page in a project of
100,000 documents; saves by 20 coders against gunicorn with 4 workers (back to back, paced,
and paced while an export and an import run); and the query plans of those requests. Agreement
and the page's JS+CSS bytes need no database. --quick shrinks every size for a smoke run of a
couple of minutes. Each figure shows the one-minute load average when it was measured, and the
machine line a CPU calibration, so that runs on busy or slow machines can be compared. Exits 1
when a figure misses its target.
"""

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks import explain, world  # noqa: E402
from benchmarks.assets import measure_assets  # noqa: E402
from benchmarks.figures import Figure, load, table  # noqa: E402


@dataclass
class Sizes:
    import_articles: int = 10_000
    import_paragraphs: int = 10  # per article
    export_documents: int = 2_000  # x 3 layers x 25 spans = 150,000 spans
    slow_export_documents: int = 200  # for conll, hf and spacy (import_export.SLOW_FORMATS)
    big_documents: int = 100_000
    page_requests: int = 100
    coders: int = 20
    saves: int = 50  # per coder
    save_interval_ms: float = 1000  # paced rounds: a fast coder's edit a second each
    agreement_documents: int = 10_000
    annotated_documents: int = 10_000  # x 50 spans (benchmarks/corpus.py)


QUICK = Sizes(import_articles=1_000, export_documents=100, slow_export_documents=20,
              big_documents=2_000,
              page_requests=20, saves=5, agreement_documents=1_000, annotated_documents=500)


def bench_database(url: str, backend: str, sizes: Sizes, folder: Path,
                   annotated_only: bool = False) -> tuple[list, dict]:
    """Run the database-bound benchmarks on one (empty) database; return figures and plans."""
    from annotator import create_app
    from annotator.extensions import db
    from annotator.services.schema import upgrade_schema
    from benchmarks.annotated import measure_annotated
    from benchmarks.import_export import measure_exports, measure_import
    from benchmarks.page_load import measure_pages
    from benchmarks.save_load import measure_saves

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench" * 13})
    with app.app_context():
        upgrade_schema()  # what `annotator init-db` does: the migrations' indexes, not create_all
        engine = db.engine
    if annotated_only:
        figures = _progress(measure_annotated(url, backend, folder, sizes.annotated_documents))
        engine.dispose()
        return figures, {}
    figures = measure_import(app, backend, folder, sizes.import_articles, sizes.import_paragraphs)
    _progress(figures)
    figures += _progress(measure_annotated(url, backend, folder, sizes.annotated_documents))

    started = time.perf_counter()
    world.build_export_project(engine, sizes.export_documents)
    world.build_export_project(engine, sizes.slow_export_documents, world.SMALL_EXPORT_PROJECT)
    print(f"[{backend}] export projects built in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)
    figures += _progress(measure_exports(url, backend, world.EXPORT_PROJECT,
                                         world.SMALL_EXPORT_PROJECT, folder))

    started = time.perf_counter()
    big = world.build_big_project(engine, sizes.big_documents, sizes.coders)
    print(f"[{backend}] {sizes.big_documents:,}-document project built in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    figures += _progress(measure_pages(app, backend, big, sizes.page_requests))
    plans = explain.explain_requests(engine, world.explained_requests(app, big))
    print(f"[{backend}] query plans checked: {len(plans)} requests", file=sys.stderr)
    background = {"export_project": world.BIG_PROJECT, "import_file": folder / "import.jsonl"}
    figures += _progress(measure_saves(url, engine, backend, folder, big["savers"],
                                       sizes.saves, sizes.save_interval_ms, background))
    engine.dispose()
    return figures, plans


def measure_agreement(documents: int) -> list[Figure]:
    """Time compute_agreement on benchmarks/agreement_benchmark.py's records, two coders each."""
    from annotator.agreement import compute_agreement
    from benchmarks.agreement_benchmark import calibration, synthesise

    records = synthesise(documents, 2, seed=1)
    started_load = load()
    started, cpu_started = time.perf_counter(), time.process_time()
    compute_agreement(records)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    target = "< 10" if documents >= 10_000 else ""  # the target is for 10,000 documents
    label = f"agreement, {documents:,} documents x 2 coders"
    details = {"documents": documents, "records": len(records), "seconds": elapsed,
               "cpu_seconds": cpu, "calibration_ms": calibration() * 1000}
    figure_load = max(started_load, load())
    return [Figure("agreement.seconds", label, "any", elapsed, "s", target, figure_load, details),
            Figure("agreement.cpu", f"{label}, CPU", "any", cpu, "s", "", figure_load, details)]


STARTED = time.perf_counter()


def _progress(figures: list[Figure]) -> list[Figure]:
    for figure in figures:
        print(f"[{figure.backend} +{time.perf_counter() - STARTED:.0f}s] {figure.label}: "
              f"{figure.cell()}", file=sys.stderr)
    return figures


def machine() -> dict:
    """Describe the machine: CPUs, memory, load, versions, and a CPU-speed calibration."""
    from benchmarks.agreement_benchmark import calibration

    meminfo = Path("/proc/meminfo")
    memory = meminfo.read_text().split("\n", 1)[0].split()[1] if meminfo.exists() else "0"
    return {"cpus": os.cpu_count(), "memory_gb": round(int(memory) / 1024 / 1024, 1),
            "load": os.getloadavg(), "python": platform.python_version(),
            "platform": platform.platform(), "sqlite": sqlite3.sqlite_version,
            # sum(range(10**6)) takes 10-15 ms of CPU on an idle recent x86 core
            "calibration_ms": round(calibration() * 1000, 1)}


def _describe(info: dict) -> str:
    return (f"{info['cpus']} CPUs, {info['memory_gb']} GB, load "
            f"{' '.join(f'{x:.1f}' for x in info['load'])}, calibration "
            f"{info['calibration_ms']} ms (10-15 on an idle recent x86)")


class ScratchPostgres:
    """Create a scratch database on the server of `url`; drop it on exit."""

    def __init__(self, url: str):
        self.admin = create_engine(url, isolation_level="AUTOCOMMIT")
        self.name = f"annotator_bench_{uuid.uuid4().hex[:10]}"
        self.url = make_url(url).set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> "ScratchPostgres":
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.name}"'))
            self.version = connection.scalar(text("SHOW server_version"))
        return self

    def __exit__(self, *_):
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--postgres", metavar="URL",
                        help="also run on PostgreSQL, e.g. postgresql+psycopg://postgres@"
                             "127.0.0.1:5432/postgres (a scratch database is made there)")
    parser.add_argument("--json", metavar="PATH", type=Path, help="write every figure as JSON")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    parser.add_argument("--documents", type=int, metavar="N",
                        help="documents of the annotated corpus (10,000; 500 with --quick)")
    parser.add_argument("--annotated-only", action="store_true",
                        help="run only the annotated import and export of the corpus")
    args = parser.parse_args()
    sizes = QUICK if args.quick else Sizes()
    if args.documents:
        sizes = replace(sizes, annotated_documents=args.documents)
    started = time.perf_counter()
    figures, plans, postgres_version = [], {}, None
    at_start = machine()
    print(f"machine at start: {_describe(at_start)}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as tmp:
        folder = Path(tmp)
        # Keep create_app away from the checkout's instance folder (config, secret key).
        os.environ["ANNOTATOR_INSTANCE_PATH"] = str(folder / "instance")
        if not args.annotated_only:
            figures += _progress(measure_assets())
            figures += _progress(measure_agreement(sizes.agreement_documents))
        if not args.no_sqlite:
            found, plans["sqlite"] = bench_database(
                f"sqlite:///{folder / 'bench.sqlite'}", "sqlite", sizes, folder,
                args.annotated_only)
            figures += found
        if args.postgres:
            with ScratchPostgres(args.postgres) as scratch:
                postgres_version = scratch.version
                found, plans["postgresql"] = bench_database(scratch.url, "postgresql", sizes,
                                                            folder, args.annotated_only)
                figures += found
    at_end = machine()
    print(f"{'quick' if args.quick else 'full'} run in {time.perf_counter() - started:.0f} s; "
          f"Python {at_end['python']}, SQLite {at_end['sqlite']}, PostgreSQL "
          f"{postgres_version or '-'}\nmachine at start: {_describe(at_start)}\n"
          f"machine at end:   {_describe(at_end)}\n")
    print(table(figures))
    for backend, found in plans.items():
        if not found:  # --annotated-only
            continue
        print(f"\nquery plans on {backend} (benchmarks/explain.py):")
        print("\n".join(explain.summary(found)))
    if args.json:
        args.json.write_text(json.dumps(
            {"machine": {"start": at_start, "end": at_end, "postgresql": postgres_version},
             "sizes": asdict(sizes), "quick": args.quick,
             "figures": [f.as_json() for f in figures], "plans": plans}, indent=1, default=str))
    if any(f.ok is False for f in figures):
        sys.exit(1)


if __name__ == "__main__":
    main()
