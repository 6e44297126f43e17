"""Benchmark the raw-article import: speed and peak memory on a generated JSON Lines file.

Run from the repository root:  python benchmarks/import_benchmark.py [--articles N] [--paragraphs M]
It writes the file and a fresh SQLite database in a temporary folder, imports in one transaction,
commits, and prints the time, paragraphs per second and the process's peak resident memory.
Target: at least 20,000 paragraphs/s, and peak memory that does not grow with the file.
"""

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from annotator import create_app  # noqa: E402
from annotator.extensions import db  # noqa: E402
from annotator.models import Paragraph, Project  # noqa: E402
from annotator.services.intake.articles import import_articles  # noqa: E402

WORDS = (
    "Ukraine Russia exchange prisoners ministry said statement talks Istanbul officials forces "
    "village region offensive border agreement delegation president bodies returned soldiers"
).split()


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def write_articles(path: Path, articles: int, paragraphs: int) -> int:
    """Write a JSON Lines file of generated articles; return its size in bytes."""
    rng = random.Random(1)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(articles):
            text = "\n\n".join(
                " ".join(rng.choices(WORDS, k=rng.randint(15, 45))) + "." for _ in range(paragraphs)
            )
            record = {"id": f"bench-{i}", "title": f"Article {i}", "text": text}
            handle.write(json.dumps(record) + "\n")
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--paragraphs", type=int, default=10, help="paragraphs per article")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = folder / "bench.jsonl"
        size = write_articles(source, args.articles, args.paragraphs)
        database = f"sqlite:///{folder / 'bench.sqlite'}"
        app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "x" * 64})
        with app.app_context():
            db.create_all()
            project = Project(name="bench")
            db.session.add(project)
            db.session.commit()
            rss_before = peak_rss_mb()
            started = time.perf_counter()
            report = import_articles(project, [source])
            db.session.commit()
            elapsed = time.perf_counter() - started
            stored = db.session.scalar(select(func.count()).select_from(Paragraph))
            db.session.remove()
            db.engine.dispose()
    assert stored == report["paragraphs"] == args.articles * args.paragraphs
    print(f"file:        {size / 1e6:.1f} MB, {report['documents']:,} articles")
    print(f"paragraphs:  {report['paragraphs']:,}")
    print(f"time:        {elapsed:.2f} s (including the commit)")
    print(f"speed:       {report['paragraphs'] / elapsed:,.0f} paragraphs/s")
    print(f"peak RSS:    {peak_rss_mb():.0f} MB (before the import: {rss_before:.0f} MB)")


if __name__ == "__main__":
    main()
