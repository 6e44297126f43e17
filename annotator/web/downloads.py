"""Export downloads: native and unsplit JSON Lines streamed, folder formats zipped first.

Every download is an attachment with a name the server makes (never the project's name, which
could hold anything), sent as bytes the browser must not sniff or render: `nosniff` and a
sandboxing Content-Security-Policy in case it is ever opened inline. A streamed export that
fails half-way breaks the connection, so the browser reports a failed download rather than a
short file; a zipped export is complete before its first byte is sent.
"""

import io
import json
import shutil
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from flask import Response, send_file, stream_with_context

from annotator.formats import jsonl, native
from annotator.formats.common import Stats, export_records
from annotator.models import Project
from annotator.services.exporting import choose_layer, export_project
from annotator.services.records import iter_records

STREAMED = ("native", "jsonl")


def download_name(project: Project, fmt: str, extension: str) -> str:
    """Return a file name made only of the project id, format and time."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"project-{project.id}-{fmt}-{stamp}.{extension}"


def as_download(response: Response, name: str) -> Response:
    """Mark a response as a file to save, never a page to render."""
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def export_response(project: Project, fmt: str, layer: str | None, include_boilerplate: bool,
                    split: str | None, seed: int) -> Response:
    """Return the export as a download.

    :raise AnnotatorError: (MissingExtra, a bad split, ...) before anything is sent.
    """
    if fmt == "native" or (fmt == "jsonl" and not split):
        # Checked before streaming: an error once the download has begun would only cut it.
        chosen = choose_layer(project, layer, None if fmt == "native" else "gold")
        lines = _native_lines(project, chosen) if fmt == "native" else _jsonl_lines(
            project, chosen, include_boilerplate, seed)
        response = Response(stream_with_context(lines), mimetype="application/octet-stream")
        return as_download(response, download_name(project, fmt, "jsonl"))
    return _zipped(project, fmt, layer, include_boilerplate, split, seed)


def _native_lines(project: Project, layer: str | None):
    # Native is the backup: every layer and every paragraph unless a layer is chosen.
    for record in iter_records(project, layer, include_boilerplate=True):
        buffer = io.StringIO()
        native.write([record], buffer)
        yield buffer.getvalue().encode("utf-8")


def _jsonl_lines(project: Project, layer: str | None, include_boilerplate: bool, seed: int):
    records = iter_records(project, layer, include_boilerplate)
    for _name, record in export_records(records, Stats(), include_boilerplate=include_boilerplate,
                                        split=None, seed=seed):
        for row in jsonl.rows(record):
            yield (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")


def _zipped(project: Project, fmt: str, layer: str | None, include_boilerplate: bool,
            split: str | None, seed: int) -> Response:
    folder = Path(tempfile.mkdtemp(prefix="annotator-export-"))
    try:
        export_project(project, fmt, layer=layer, out=folder / "export",
                       include_boilerplate=include_boilerplate, split=split, seed=seed)
        archive = folder / "export.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted((folder / "export").rglob("*")):
                if path.is_file():
                    zipped.write(path, path.relative_to(folder / "export").as_posix())
        handle = archive.open("rb")
    finally:
        # The open handle keeps the zip readable (POSIX), so the folder can go now: a file
        # response is passed straight to the server, which never runs call_on_close callbacks.
        shutil.rmtree(folder, ignore_errors=True)
    response = send_file(handle, mimetype="application/zip", conditional=False)
    return as_download(response, download_name(project, fmt, "zip"))
