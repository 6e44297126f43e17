"""Import files into a project: raw articles, or annotated documents in any supported format.

An import has two steps, so that the caller can read and check the files before it takes
SQLite's write lock, and hold the lock only while storing (what is left to check then is what
depends on the stored data: ids taken, members, actors):

    with prepare_import(project, paths, fmt) as prepared:   # reads files, writes nothing
        ...  # end the reading transaction, begin the writing one
        report = prepared.store(project)
"""

from collections.abc import Callable
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.registry import IMPORTERS, OPTIONS, importer
from annotator.models import Project, User
from annotator.services.intake.articles import insert_articles, queue_imports, read_articles
from annotator.services.intake.records import CheckedRecords, RecordStore, check_records

ANNOTATED_FORMATS = tuple(IMPORTERS)
EXTENSIONS = {".ann": "brat", ".conll": "conll", ".spacy": "spacy"}


class PreparedImport:
    """Files read and checked by `prepare_import`, ready to be stored."""

    def __init__(self, paths: list[Path], fmt: str | None, articles=None,
                 records: CheckedRecords | None = None):
        self.paths, self.fmt, self.articles, self.records = paths, fmt, articles, records

    def store(self, project: Project, progress: Callable[[int], None] | None = None,
              actor: User | None = None, create_coders: bool = False) -> dict:
        """Store everything in the caller's transaction (which commits or rolls back).

        Layers must name members of the project; with `create_coders`, a name no account
        holds becomes a new inactive coder account (records.RecordStore).
        :raise InputError | InputErrors: for anything the database refuses (ids taken since
            the check, layers that are not members' or already hold annotations, unknown actors).
        """
        if self.articles is not None:
            return insert_articles(project, self.articles, progress)
        queue_imports(project)
        store = RecordStore(project, actor, create_coders=create_coders)
        return store.add_all(self.records, checked=True)

    def close(self) -> None:
        """Drop the temporary file of the checked articles or records."""
        for checked in (self.articles, self.records):
            if checked is not None:
                checked.close()

    def __enter__(self) -> "PreparedImport":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def prepare_import(project: Project, paths: list[Path], fmt: str | None = None,
                   options: dict | None = None) -> PreparedImport:
    """Read and check every file, writing nothing; what was checked waits for `store`.

    `options` are the reader's import options (`offsets`, `layer`; None means the default).
    :raise InputError | InputErrors: listing every problem found in the articles, or for an
        option the format does not take.
    """
    fmt = fmt or _guess(paths)
    options = _check_options(fmt, options)
    if fmt in ANNOTATED_FORMATS:
        records = _annotated_records(paths, fmt, options)
        return PreparedImport(paths, fmt, records=check_records(records,
                                                                project.codebook.content))
    return PreparedImport(paths, fmt, read_articles(project, paths, fmt))


def import_files(project: Project, paths: list[Path], fmt: str | None = None,
                 progress=None, actor: User | None = None, create_coders: bool = False,
                 options: dict | None = None) -> dict:
    """Import every file in one all-or-nothing run (the caller commits or rolls back)."""
    with prepare_import(project, paths, fmt, options) as prepared:
        return prepared.store(project, progress, actor, create_coders)


def _check_options(fmt: str | None, options: dict | None) -> dict:
    """Return the options that were given, if the format takes them.

    :raise InputError: naming an option the format does not take, or a unit it does not know.
    """
    from annotator.formats.offsets_units import UNITS

    given = {key: value for key, value in (options or {}).items() if value not in (None, "")}
    for key in given:
        if key not in OPTIONS.get(fmt, ()):
            takers = sorted(name for name, keys in OPTIONS.items() if key in keys)
            raise InputError(f"--{key} applies to {', '.join(takers)} imports only, not to "
                             f"{fmt or 'article'} files")
    if given.get("offsets") not in (None, *UNITS):
        raise InputError(f"--offsets must be one of {', '.join(UNITS)}, not "
                         f"{given['offsets']!r}")
    return given


def _guess(paths: list[Path]) -> str | None:
    kinds = {EXTENSIONS.get(path.suffix.lower()) for path in paths}
    if any(path.is_dir() for path in paths):
        kinds.add("brat")  # a folder of .txt and .ann files
    kinds.discard(None)
    if len(kinds) > 1:
        raise InputError("mixed formats in one import; give --format")
    return kinds.pop() if kinds else None


def _annotated_records(paths: list[Path], fmt: str, options: dict | None = None):
    """Yield (record, file name, line) from every file.

    :raise InputError: for a file that holds no record at all (an empty import is a mistake).
    """
    if fmt == "native":
        from annotator.formats import native

        for path in paths:
            empty = True
            for record, line in native.read(path):
                empty = False
                yield record, path.name, line
            _refuse_empty(path, empty)
        return
    reader = importer(fmt)
    for path in paths:
        empty = True
        for record in reader.read(path, **(options or {})):
            empty = False
            yield record, record.pop("_file", path.name), record.pop("_line", None)
        _refuse_empty(path, empty)


def _refuse_empty(path: Path, empty: bool) -> None:
    if empty:
        what = "folder" if path.is_dir() else "file"
        raise InputError(f"the {what} holds no documents (it is empty)", file=path.name)
