"""Annotated import (doccano JSONL, Label Studio JSON) and export in every format, each beside
raw sqlite3.

The corpus is benchmarks/corpus.py's (10 paragraphs and 50 spans per document). Each import and
each export runs in a fresh process (annotated_child, export_child), so that its peak memory is
its own. The reference is plain Python doing the same work with the standard library's `sqlite3`
on a database with the same schema, in the same run: parse the same file (json, the UTF-16
offsets of doccano converted to code points, the text cut into paragraphs), then executemany the
same documents, paragraphs, layers and spans rows (ids assigned up front) in one transaction; for
the exports, select those rows back and `json.dumps` one line per document (every format is
compared with this one reference). Each figure is printed beside its reference as a ratio (the
annotator's rate / the reference's rate), which a busy machine moves much less than the rates
themselves.
"""

import json
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.corpus import write_corpus
from benchmarks.figures import Figure, load

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("doccano", "label-studio")
# Every export but spaCy's, whose own serialiser sets its pace (import_export measures it).
EXPORT_FORMATS = ("native", "jsonl", "csv", "brat", "conll", "hf", "doccano", "label-studio")


def measure_annotated(url: str, backend: str, folder: Path, documents: int) -> list[Figure]:
    """Import the corpus in each format, export it natively; figures with raw sqlite3 beside."""
    paths = corpus(folder, documents)
    reference = folder / f"reference-{backend}.sqlite"
    _reference_database(reference)
    figures = []
    for fmt in FORMATS:
        project = f"annotated-{fmt}"
        started_load = load()
        child = _child(["benchmarks.annotated_child", url, project, fmt, str(paths[fmt])])
        raw = raw_import(reference, paths[fmt], fmt)
        figure_load = max(started_load, load())
        if child is None:
            figures.append(Figure(f"annotated_import.{fmt}.rate", f"annotated import, {fmt}",
                                  backend, float("nan"), "spans/s", ">= 150000"))
            continue
        rate, raw_rate = child["spans"] / child["seconds"], raw["spans"] / raw["seconds"]
        details = {"annotator": child, "raw_sqlite3": raw, "documents": documents}
        label = f"annotated import, {fmt} ({child['spans']:,} spans)"
        figures += [
            Figure(f"annotated_import.{fmt}.rate", label, backend, rate, "spans/s", ">= 150000",
                   figure_load, details),
            Figure(f"annotated_import.{fmt}.raw_rate", f"{label}: raw sqlite3, same rows",
                   backend, raw_rate, "spans/s", "", figure_load, details),
            Figure(f"annotated_import.{fmt}.ratio", f"{label}: / raw sqlite3", backend,
                   rate / raw_rate * 100, "%", ">= 40", figure_load, details),
            Figure(f"annotated_import.{fmt}.peak_rss", f"{label}: peak RSS", backend,
                   child["peak_rss_mb"], "MB", "< 300", figure_load, details),
        ]
    started_load = load()
    raw = raw_export(reference, folder / f"reference-export-{backend}.jsonl")
    for fmt in EXPORT_FORMATS:
        child = _child(["benchmarks.export_child", url, f"annotated-{FORMATS[0]}", fmt,
                        str(folder / f"annotated-export-{backend}-{fmt}")])
        figures += _export_figures(fmt, backend, child, raw, documents,
                                   max(started_load, load()))
        started_load = load()
    return figures


def _export_figures(fmt: str, backend: str, child: dict | None, raw: dict, documents: int,
                    figure_load: float) -> list[Figure]:
    """The export's rate, the raw reference's, their ratio and the export's peak memory."""
    native = fmt == "native"
    label = f"{fmt} export of the corpus"
    if child is None:
        return [Figure(f"annotated_export.{fmt}.rate", label, backend, float("nan"), "spans/s",
                       ">= 150000" if native else ">= 75000")]
    rate, raw_rate = child["spans"] / child["seconds"], raw["spans"] / raw["seconds"]
    details = {"annotator": child, "raw_sqlite3": raw, "documents": documents}
    label = f"{label} ({child['spans']:,} spans)"
    figures = [Figure(f"annotated_export.{fmt}.rate", label, backend, rate, "spans/s",
                      ">= 150000" if native else ">= 75000", figure_load, details)]
    if native:  # the reference is measured once, and shown once
        figures.append(Figure("annotated_export.raw_rate",
                              f"{label}: raw select + json.dumps", backend, raw_rate, "spans/s",
                              "", figure_load, details))
    figures += [
        Figure(f"annotated_export.{fmt}.ratio", f"{label}: / raw select + json.dumps", backend,
               rate / raw_rate * 100, "%", ">= 50" if native else "", figure_load, details),
        Figure(f"annotated_export.{fmt}.peak_rss", f"{label}: peak RSS", backend,
               child["peak_rss_mb"], "MB", "< 300", figure_load, details),
    ]
    return figures


def corpus(folder: Path, documents: int) -> dict[str, Path]:
    """Write the corpus once per run (both databases import the same files)."""
    target = folder / f"corpus-{documents}"
    paths = {"doccano": target / "corpus.doccano.jsonl",
             "label-studio": target / "corpus.label_studio.json"}
    if not all(path.exists() for path in paths.values()):
        paths = write_corpus(target, documents)
    return paths


def _child(arguments: list[str]) -> dict | None:
    result = subprocess.run([sys.executable, "-m", *arguments], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        print(f"{' '.join(arguments[:4])} failed:\n{result.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])


def _reference_database(path: Path) -> None:
    """Make a SQLite database with the application's schema and one project to fill."""
    from annotator import create_app
    from annotator.extensions import db
    from annotator.services.projects import create_project
    from annotator.services.schema import upgrade_schema

    path.unlink(missing_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench" * 13})
    with app.app_context():
        upgrade_schema()
        for fmt in FORMATS:
            create_project(f"raw-{fmt}")
        db.session.commit()
        db.engine.dispose()


def _documents(path: Path, fmt: str):
    """Yield (external id, text, [(start, end, label)] in code points), parsed with json."""
    if fmt == "doccano":
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                value = json.loads(line)
                text = value["text"]
                points, units = {}, 0
                for n, character in enumerate(text):
                    points[units] = n
                    units += 2 if ord(character) > 0xFFFF else 1
                points[units] = len(text)
                yield value["id"], text, [(points[s], points[e], label)
                                          for s, e, label in value["label"]]
    else:
        with path.open(encoding="utf-8") as handle:
            for task in json.load(handle):
                text = task["data"]["text"]
                yield task["data"]["id"], text, [
                    (r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
                    for annotation in task["annotations"] for r in annotation["result"]]


def raw_import(database: Path, path: Path, fmt: str) -> dict:
    """Parse `path` and executemany its rows into `database` with sqlite3; time it all."""
    started = time.perf_counter()
    connection = sqlite3.connect(database)
    project_id = connection.execute("SELECT id FROM projects WHERE name = ?",
                                    (f"raw-{fmt}",)).fetchone()[0]
    ids = {table: (connection.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0) + 1
           for table in ("documents", "paragraphs", "layers", "spans")}
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    documents, paragraphs, layers, spans = [], [], [], []
    for external_id, text, found in _documents(path, fmt):
        document_id, layer_id = ids["documents"], ids["layers"]
        ids["documents"] += 1
        ids["layers"] += 1
        documents.append((document_id, project_id, external_id, "", "{}", "new", now))
        layers.append((layer_id, document_id, "gold", 1, 1, now, now))
        starts, paragraph_ids, at = [], [], 0
        for position, paragraph in enumerate(text.split("\n\n")):
            paragraphs.append((ids["paragraphs"], document_id, position, paragraph, 0))
            starts.append(at)
            paragraph_ids.append(ids["paragraphs"])
            ids["paragraphs"] += 1
            at += len(paragraph) + 2
        index = 0
        for n, (start, end, label) in enumerate(found, start=1):
            while index + 1 < len(starts) and starts[index + 1] <= start:
                index += 1
            base = starts[index]
            spans.append((ids["spans"], f"s{n}", layer_id, paragraph_ids[index], start - base,
                          end - base, label, text[start:end], "{}", now))
            ids["spans"] += 1
    with connection:
        connection.executemany("INSERT INTO documents (id, project_id, external_id, title, meta,"
                               " status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", documents)
        connection.executemany("INSERT INTO paragraphs (id, document_id, position, text, "
                               "boilerplate) VALUES (?, ?, ?, ?, ?)", paragraphs)
        connection.executemany("INSERT INTO layers (id, document_id, kind, version, "
                               "codebook_version, created_at, updated_at) VALUES "
                               "(?, ?, ?, ?, ?, ?, ?)", layers)
        connection.executemany('INSERT INTO spans (id, uid, layer_id, paragraph_id, start, "end",'
                               ' label, text, attrs, created_at) VALUES '
                               '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', spans)
    connection.close()
    return {"documents": len(documents), "spans": len(spans),
            "seconds": time.perf_counter() - started}


def raw_export(database: Path, out: Path) -> dict:
    """Select the doccano project's rows back with sqlite3 and json.dumps a line per document."""
    started = time.perf_counter()
    connection = sqlite3.connect(database)
    project_id = connection.execute("SELECT id FROM projects WHERE name = 'raw-doccano'"
                                    ).fetchone()[0]
    paragraphs: dict[int, list] = {}
    for document_id, position, text in connection.execute(
            "SELECT p.document_id, p.position, p.text FROM paragraphs p JOIN documents d ON "
            "d.id = p.document_id WHERE d.project_id = ? ORDER BY p.document_id, p.position",
            (project_id,)):
        paragraphs.setdefault(document_id, []).append({"index": position, "text": text})
    spans: dict[int, list] = {}
    count = 0
    for document_id, uid, position, start, end, label, text, attrs in connection.execute(
            'SELECT l.document_id, s.uid, p.position, s.start, s."end", s.label, s.text, s.attrs'
            " FROM spans s JOIN layers l ON l.id = s.layer_id JOIN paragraphs p ON p.id = "
            "s.paragraph_id JOIN documents d ON d.id = l.document_id WHERE d.project_id = ? "
            "ORDER BY l.document_id, s.id", (project_id,)):
        spans.setdefault(document_id, []).append(
            {"id": uid, "paragraph": position, "start": start, "end": end, "label": label,
             "text": text, "attrs": json.loads(attrs)})
        count += 1
    with out.open("w", encoding="utf-8") as handle:
        for document_id, external_id, title, meta in connection.execute(
                "SELECT id, external_id, title, meta FROM documents WHERE project_id = ? "
                "ORDER BY id", (project_id,)):
            handle.write(json.dumps({"id": external_id, "title": title, "meta": json.loads(meta),
                                     "paragraphs": paragraphs.get(document_id, []),
                                     "layer": "gold", "spans": spans.get(document_id, [])},
                                    ensure_ascii=False) + "\n")
    connection.close()
    return {"spans": count, "seconds": time.perf_counter() - started}
