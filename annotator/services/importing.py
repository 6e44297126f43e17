"""Import raw articles (.jsonl, .csv, .txt) into a project, all or nothing.

Never commits or rolls back: the caller (CLI command or view) owns the transaction, and rolls it
back when this raises, so a refused import leaves the database unchanged.
"""

import unicodedata
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from sqlalchemy import insert, select

from annotator.errors import InputError, InputErrors
from annotator.extensions import db
from annotator.formats import articles_csv, articles_jsonl, articles_txt
from annotator.formats.articles import MAX_ERRORS, unpack
from annotator.models import Document, Paragraph, Project

READERS: dict[str, ModuleType] = {
    "jsonl": articles_jsonl,
    "csv": articles_csv,
    "txt": articles_txt,
}
EXTENSIONS = {
    ".jsonl": "jsonl",
    ".jsonlines": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".txt": "txt",
}
BATCH_PARAGRAPHS = 2000  # rows per INSERT batch: few round trips, flat memory


def guess_format(path: Path) -> str:
    """Return the article format for a file name.

    :raise InputError: for an extension that names no article format.
    """
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(EXTENSIONS))
        raise InputError(
            f"cannot tell the format from the extension {path.suffix or '(none)'!r}; "
            f"use one of {known} or give the format",
            file=path.name,
        )
    return fmt


class _TooManyErrors(Exception):
    """The run has collected MAX_ERRORS errors: stop reading."""


def _id_key(external_id: str) -> str:
    # NFC and NFD spellings of "é" look identical to people, so they count as the same id.
    return unicodedata.normalize("NFC", external_id)


class _Importer:
    """One import run: checks ids across files and inserts documents in batches."""

    def __init__(self, project: Project, progress: Callable[[int], None] | None):
        self.project = project
        self.progress = progress
        self.errors: list[InputError] = []
        self.seen: dict[str, tuple[str, int, str]] = {}  # id key -> (file, line, id)
        rows = db.session.execute(
            select(Document.external_id).where(Document.project_id == project.id)
        ).scalars()
        self.existing = {_id_key(external_id): external_id for external_id in rows}
        self.batch: list[dict] = []
        self.batch_paragraphs = 0
        self.counts = {"documents": 0, "paragraphs": 0, "files": 0}

    def fail(self, error: InputError) -> None:
        """Record an error; stop the run once there are MAX_ERRORS."""
        self.errors.append(error)
        if len(self.errors) >= MAX_ERRORS:
            self.errors.append(InputError(f"stopped after {MAX_ERRORS} errors"))
            raise _TooManyErrors

    def check_id(self, record: dict, file: str) -> bool:
        """Return whether the record's id is new to the project and to this run."""
        external_id, line = record["id"], record["line"]
        key = _id_key(external_id)
        if key in self.existing:
            existing = self.existing[key]
            same = "" if existing == external_id else f" (as {existing!r})"
            self.fail(
                InputError(
                    f"id {external_id!r} already exists in project {self.project.name!r}{same}",
                    file=file,
                    line=line,
                )
            )
            return False
        if key in self.seen:
            first_file, first_line, first_id = self.seen[key]
            same = "" if first_id == external_id else f" as {first_id!r}"
            self.fail(
                InputError(
                    f"duplicate id {external_id!r} (first seen{same} at {first_file} "
                    f"line {first_line})",
                    file=file,
                    line=line,
                )
            )
            return False
        self.seen[key] = (file, line, external_id)
        return True

    def read_file(self, path: Path, fmt: str) -> None:
        """Read one file, inserting its records while the run is still error-free."""
        file = path.name
        if not path.is_file():
            self.fail(InputError("no such file", file=file))
            return
        first_error = len(self.errors)
        try:
            for record in READERS[fmt].read(path):
                if self.check_id(record, file) and not self.errors:
                    self.add(record)
        except (InputError, InputErrors) as error:
            for single in unpack(error):
                self.fail(single)
        except OSError as error:
            self.fail(InputError(f"cannot read the file: {error.strerror}", file=file))
        finally:
            # Readers report their errors at the end of the file and id clashes come as they
            # are met: list this file's errors in line order.
            self.errors[first_error:] = sorted(
                self.errors[first_error:],
                key=lambda error: error.line if error.line is not None else float("inf"),
            )
        self.counts["files"] += 1

    def add(self, record: dict) -> None:
        """Queue a record for insertion, inserting when the batch is full."""
        self.batch.append(record)
        self.batch_paragraphs += len(record["paragraphs"])
        if self.batch_paragraphs >= BATCH_PARAGRAPHS:
            self.flush()

    def flush(self) -> None:
        """Insert the batched documents and their paragraphs."""
        if not self.batch:
            return
        documents = [
            {
                "project_id": self.project.id,
                "external_id": record["id"],
                "title": record["title"],
                "url": record["url"],
                "published": record["published"],
                "meta": record["meta"],
                "status": "new",
            }
            for record in self.batch
        ]
        # Core statements on the session's connection: same transaction, without the ORM's
        # per-row bookkeeping, which would cost more than the database itself.
        connection = db.session.connection()
        documents_table, paragraphs_table = Document.__table__, Paragraph.__table__
        statement = insert(documents_table).returning(
            documents_table.c.id, sort_by_parameter_order=True
        )
        ids = connection.execute(statement, documents).scalars().all()
        rows: list[dict] = []
        for document_id, record in zip(ids, self.batch, strict=True):
            for position, paragraph in enumerate(record["paragraphs"]):
                rows.append(
                    {
                        "document_id": document_id,
                        "position": position,
                        "text": paragraph["text"],
                        "boilerplate": paragraph["boilerplate"],
                    }
                )
        for start in range(0, len(rows), BATCH_PARAGRAPHS):
            connection.execute(insert(paragraphs_table), rows[start : start + BATCH_PARAGRAPHS])
        self.counts["documents"] += len(self.batch)
        self.counts["paragraphs"] += len(rows)
        self.batch, self.batch_paragraphs = [], 0
        if self.progress:
            self.progress(self.counts["paragraphs"])


def import_articles(
    project: Project,
    paths: list[Path],
    fmt: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Import raw articles from files into a project in the caller's transaction.

    Returns {"documents": n, "paragraphs": m, "files": k}. `progress`, when given, is called with
    the number of paragraphs inserted so far.
    :raise InputError | InputErrors: listing every problem found (up to MAX_ERRORS); the caller
        must then roll back, since earlier batches may already be inserted.
    """
    if fmt is not None and fmt not in READERS:
        raise InputError(f"unknown article format {fmt!r}; use one of {', '.join(READERS)}")
    if not paths:
        raise InputError("no files to import")
    if project.id is None:
        db.session.flush()
    importer = _Importer(project, progress)
    try:
        formats = []
        for path in paths:
            try:
                formats.append(fmt or guess_format(path))
            except InputError as error:
                importer.fail(error)
        if not importer.errors:
            for path, path_fmt in zip(paths, formats, strict=True):
                importer.read_file(path, path_fmt)
        if not importer.errors:
            importer.flush()
    except _TooManyErrors:
        pass
    if importer.errors:
        errors = importer.errors
        raise errors[0] if len(errors) == 1 else InputErrors(errors, limit=MAX_ERRORS + 1)
    return importer.counts
