"""Import files into a project: raw articles, or annotated documents in any supported format."""

from pathlib import Path

from annotator.errors import InputError
from annotator.models import Project, User
from annotator.services.storing import RecordStore

ANNOTATED_FORMATS = ("native", "brat", "doccano", "label-studio")
EXTENSIONS = {".ann": "brat"}


def import_files(project: Project, paths: list[Path], fmt: str | None = None,
                 progress=None, actor: User | None = None) -> dict:
    """Import every file in one all-or-nothing run (the caller commits or rolls back)."""
    fmt = fmt or _guess(paths)
    if fmt not in ANNOTATED_FORMATS:
        from annotator.services.importing import import_articles

        return import_articles(project, paths, fmt, progress=progress)
    return RecordStore(project, actor).add_all(_annotated_records(paths, fmt))


def _guess(paths: list[Path]) -> str | None:
    kinds = {EXTENSIONS.get(path.suffix.lower()) for path in paths}
    if any(path.is_dir() for path in paths):
        kinds.add("brat")  # a folder of .txt and .ann files
    kinds.discard(None)
    if len(kinds) > 1:
        raise InputError("mixed formats in one import; give --format")
    return kinds.pop() if kinds else None


def _annotated_records(paths: list[Path], fmt: str):
    """Yield (record, file name, line) from every file."""
    if fmt == "native":
        from annotator.formats import native

        for path in paths:
            for record, line in native.read(path):
                yield record, path.name, line
        return
    from annotator.formats.registry import importer

    reader = importer(fmt)
    for path in paths:
        for record in reader.read(path):
            yield record, record.pop("_file", path.name), record.pop("_line", None)
