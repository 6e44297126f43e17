"""Import raw articles (.jsonl, .csv, .txt) into a project, all or nothing.

An import runs in two steps. `read_articles` reads and checks every file, writing nothing: the
checked articles wait in a temporary file, so memory stays flat however big the import is.
`insert_articles` then inserts them (COPY on PostgreSQL). A caller that ends its transaction
between the two holds SQLite's write lock, which coders' saves wait for, only while inserting.

Never commits or rolls back: the caller (CLI command or view) owns the transaction, and rolls it
back when this raises, so a refused import leaves the database unchanged.
"""

import json
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

from sqlalchemy import Connection, func, select, text

from annotator.errors import InputError, InputErrors
from annotator.extensions import db
from annotator.formats import articles_csv, articles_jsonl, articles_txt
from annotator.formats.articles import MAX_ERRORS, unpack
from annotator.models import Document, Project
from annotator.models.common import utcnow

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
SPOOL_IN_MEMORY = 1024 * 1024  # checked articles beyond this go to a temporary file
DOCUMENT_COLUMNS = ("id", "project_id", "external_id", "title", "url", "published", "meta",
                    "status", "created_at")
PARAGRAPH_COLUMNS = ("document_id", "position", "text", "boilerplate")
IMPORT_LOCK = 0x1A2B  # PostgreSQL advisory lock class for "importing into project N"


def queue_imports(project: Project) -> None:
    """Make imports into one project wait for each other until their transactions end.

    SQLite's write lock does this there. On PostgreSQL the second import then sees the first's
    documents and layers, instead of failing on a unique key half-way (a 500), and ids equal up
    to Unicode normalisation cannot both land.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:kind, :project)"),
                           {"kind": IMPORT_LOCK, "project": project.id})


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


class CheckedArticles:
    """Articles read and checked by `read_articles`, waiting to be inserted.

    They are written to a temporary file (in memory while small), one line of JSON per batch of
    about BATCH_PARAGRAPHS paragraphs, each article as a compact list:
    [id, title, url, published, meta, texts, flags]. Everything in it came from JSON or plain
    text and was checked, so it reads back exactly as it was.
    """

    def __init__(self, project_id: int):
        self.project_id = project_id
        self.seen: dict[str, tuple[str, int, str]] = {}  # id key -> (file, line, id)
        self.counts = {"documents": 0, "paragraphs": 0, "files": 0}
        self.fingerprint: tuple = ()  # the project's documents when the ids were checked
        self._spool = tempfile.SpooledTemporaryFile(
            max_size=SPOOL_IN_MEMORY, mode="w+", encoding="utf-8", newline="\n")
        self._batch: list[list] = []
        self._batch_paragraphs = 0

    def add(self, record: dict) -> None:
        """Keep a checked record for insertion."""
        paragraphs = record["paragraphs"]
        self._batch.append([
            record["id"], record["title"], record["url"], record["published"], record["meta"],
            [p["text"] for p in paragraphs], [p["boilerplate"] for p in paragraphs],
        ])
        self._batch_paragraphs += len(paragraphs)
        self.counts["documents"] += 1
        self.counts["paragraphs"] += len(paragraphs)
        if self._batch_paragraphs >= BATCH_PARAGRAPHS:
            self._dump()

    def _dump(self) -> None:
        if self._batch:
            # ASCII JSON escapes every newline inside the text: one batch, one line.
            self._spool.write(json.dumps(self._batch) + "\n")
        self._batch, self._batch_paragraphs = [], 0

    def batches(self) -> Iterator[list[list]]:
        """Yield the kept records, a batch at a time, in the order they were read."""
        self._dump()
        self._spool.seek(0)
        for line in self._spool:
            yield json.loads(line)

    def close(self) -> None:
        """Drop the temporary file."""
        self._spool.close()

    def __enter__(self) -> "CheckedArticles":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _fingerprint(project_id: int) -> tuple:
    """Return what changes when a project's documents do: their number and highest id."""
    return tuple(db.session.execute(
        select(func.count(Document.id), func.max(Document.id))
        .where(Document.project_id == project_id)
    ).one())


def _existing_ids(project_id: int) -> dict[str, str]:
    """Return {id key: id} of the project's documents."""
    rows = db.session.execute(
        select(Document.external_id).where(Document.project_id == project_id)
    ).scalars()
    return {_id_key(external_id): external_id for external_id in rows}


class _Reader:
    """One reading run: reads the files, checks ids across files and the project, keeps records."""

    def __init__(self, project: Project, checked: CheckedArticles):
        self.project = project
        self.checked = checked
        self.errors: list[InputError] = []
        checked.fingerprint = _fingerprint(project.id)
        self.existing = _existing_ids(project.id)

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
            self.fail(_exists_error(self.project, self.existing[key], external_id, file, line))
            return False
        seen = self.checked.seen
        if key in seen:
            first_file, first_line, first_id = seen[key]
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
        seen[key] = (file, line, external_id)
        return True

    def read_file(self, path: Path, fmt: str) -> None:
        """Read one file, keeping its records while the run is still error-free."""
        file = path.name
        if not path.is_file():
            self.fail(InputError("no such file", file=file))
            return
        first_error = len(self.errors)
        records = 0
        try:
            for record in READERS[fmt].read(path):
                records += 1
                if self.check_id(record, file) and not self.errors:
                    self.checked.add(record)
            if not records:
                self.fail(InputError("the file holds no articles (it is empty)", file=file))
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
        self.checked.counts["files"] += 1


def _exists_error(project: Project, existing: str, external_id: str, file: str,
                  line: int) -> InputError:
    same = "" if existing == external_id else f" (as {existing!r})"
    return InputError(f"id {external_id!r} already exists in project {project.name!r}{same}",
                      file=file, line=line)


def _raise(errors: list[InputError]) -> None:
    raise errors[0] if len(errors) == 1 else InputErrors(errors, limit=MAX_ERRORS + 1)


def read_articles(project: Project, paths: list[Path], fmt: str | None = None) -> CheckedArticles:
    """Read and check raw articles from files, writing nothing to the database.

    Returns the checked articles for `insert_articles`; close them (or use `with`) when done.
    :raise InputError | InputErrors: listing every problem found (up to MAX_ERRORS).
    """
    if fmt is not None and fmt not in READERS:
        raise InputError(f"unknown article format {fmt!r}; use one of {', '.join(READERS)}")
    if not paths:
        raise InputError("no files to import")
    if project.id is None:
        db.session.flush()
    checked = CheckedArticles(project.id)
    reader = _Reader(project, checked)
    try:
        formats = []
        for path in paths:
            try:
                formats.append(fmt or guess_format(path))
            except InputError as error:
                reader.fail(error)
        if not reader.errors:
            for path, path_fmt in zip(paths, formats, strict=True):
                reader.read_file(path, path_fmt)
    except _TooManyErrors:
        pass
    if reader.errors:
        checked.close()
        _raise(reader.errors)
    return checked


def insert_articles(project: Project, checked: CheckedArticles,
                    progress: Callable[[int], None] | None = None) -> dict:
    """Insert articles checked by `read_articles` into the project, in the caller's transaction.

    Returns {"documents": n, "paragraphs": m, "files": k}. `progress`, when given, is called with
    the number of paragraphs inserted so far.
    :raise InputError | InputErrors: for ids that another import stored after the check; the
        caller must then roll back.
    """
    if project.id != checked.project_id:
        raise ValueError("the articles were checked for another project")
    queue_imports(project)
    if _fingerprint(project.id) != checked.fingerprint:
        # The project's documents changed after the files were read (another import, say):
        # check the ids again now that this transaction holds the write lock.
        _recheck_ids(project, checked)
    connection = db.session.connection()
    inserted = 0
    for batch in checked.batches():
        inserted += _insert_batch(connection, project.id, batch)
        if progress:
            progress(inserted)
    return dict(checked.counts)


def _recheck_ids(project: Project, checked: CheckedArticles) -> None:
    existing = _existing_ids(project.id)
    errors = [
        _exists_error(project, existing[key], external_id, file, line)
        for key, (file, line, external_id) in checked.seen.items()
        if key in existing
    ]
    if errors:
        _raise(errors[:MAX_ERRORS])


def _insert_batch(connection: Connection, project_id: int, batch: list[list]) -> int:
    """Insert one batch of documents and their paragraphs; return the number of paragraphs."""
    ids = _new_document_ids(connection, len(batch))
    created_at = utcnow()
    documents = [
        (document_id, project_id, external_id, title, url, published, meta, "new", created_at)
        for document_id, (external_id, title, url, published, meta, _, _) in zip(
            ids, batch, strict=True)
    ]
    paragraphs = [
        (document_id, position, body, boilerplate)
        for document_id, (*_, texts, flags) in zip(ids, batch, strict=True)
        for position, (body, boilerplate) in enumerate(zip(texts, flags, strict=True))
    ]
    # Driver-level statements on the session's connection: the same transaction, without
    # SQLAlchemy's per-row work, which would take longer than the database's own.
    # Paragraphs hold integers, text and booleans, which every driver takes as they are.
    tables = (("documents", DOCUMENT_COLUMNS, _as_sent(connection, documents)),
              ("paragraphs", PARAGRAPH_COLUMNS, paragraphs))
    if connection.dialect.name == "postgresql":
        # COPY is several times faster than INSERT on PostgreSQL.
        with connection.connection.driver_connection.cursor() as cursor:
            for table, columns, rows in tables:
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
    else:  # SQLite: sqlite3's executemany
        for table, columns, rows in tables:
            marks = ", ".join("?" * len(columns))
            connection.exec_driver_sql(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    return len(paragraphs)


def _as_sent(connection: Connection, rows: list[tuple]) -> list[tuple]:
    """Return document rows with meta (JSON text) and created_at as SQLAlchemy would send them."""
    dialect = connection.dialect
    columns = Document.__table__.c
    to_json = columns.meta.type.dialect_impl(dialect).bind_processor(dialect)
    to_time = columns.created_at.type.dialect_impl(dialect).bind_processor(dialect)
    return [(*row[:6], to_json(row[6]) if to_json else row[6], row[7],
             to_time(row[8]) if to_time else row[8]) for row in rows]


def _new_document_ids(connection: Connection, count: int) -> list[int]:
    """Return ids for `count` new documents, so paragraphs can point at them without RETURNING."""
    if connection.dialect.name == "postgresql":
        return list(connection.execute(
            text("SELECT nextval(pg_get_serial_sequence('documents', 'id')) "
                 "FROM generate_series(1, :count)"), {"count": count}).scalars())
    # SQLite has a single writer, and a transaction whose snapshot is out of date may not
    # write at all, so the ids above the highest one are free (what SQLite itself would pick).
    highest = connection.execute(select(func.max(Document.id))).scalar() or 0
    return list(range(highest + 1, highest + 1 + count))


def import_articles(
    project: Project,
    paths: list[Path],
    fmt: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Read, check and insert raw articles from files in the caller's transaction.

    Returns {"documents": n, "paragraphs": m, "files": k}; see `insert_articles` for `progress`.
    :raise InputError | InputErrors: listing every problem found (up to MAX_ERRORS); the caller
        must then roll back.
    """
    with read_articles(project, paths, fmt) as checked:
        return insert_articles(project, checked, progress)
