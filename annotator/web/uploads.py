"""Uploaded import files: written under server-made names in a private temporary folder.

Nothing uploaded is ever served back, and a client's file name never becomes a path: it is only
shown (made printable and short) and, for a .txt article, it is the document id, as on the
command line (README "Data formats"), so that one name is checked and used inside a folder whose
own name the server made.
"""

import re
import secrets
from pathlib import Path

from werkzeug.datastructures import FileStorage

from annotator.errors import AnnotatorError, InputError, InputErrors
from annotator.formats.articles import unpack
from annotator.services.intake.articles import EXTENSIONS

MAX_SHOWN = 100
MAX_NAME_BYTES = 200  # well below the 255 bytes most file systems allow in one name


def shown_name(filename: str | None) -> str:
    """Return the last part of a client's file name, printable (no controls, no bidi marks)."""
    name = re.split(r"[\\/]", filename or "")[-1]
    # str.isprintable() is False for controls and format characters such as U+202E, which
    # could make "evil\u202Etxt.html" read as "evil" + "lmth.txt".
    name = "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in name)
    if len(name) > MAX_SHOWN:
        name = name[:MAX_SHOWN - 1] + "…"
    return name or "(unnamed file)"


def _suffix(filename: str) -> str:
    return Path(re.split(r"[\\/]", filename)[-1]).suffix.lower()


def _txt_name(filename: str, shown: str) -> str:
    """Return the file's own name, which becomes the document id of a .txt article.

    :raise InputError: for a name that cannot be one file's name or an id.
    """
    name = re.split(r"[\\/]", filename)[-1]
    if (not name or name.startswith(".") or not name.isprintable()
            or len(name.encode("utf-8")) > MAX_NAME_BYTES):
        raise InputError("the file name cannot be the document id (a .txt article takes its "
                         "id from its name): rename the file", file=shown)
    return name


def save_uploads(files: list[FileStorage], folder: Path, fmt: str) -> tuple[list[Path], dict]:
    """Save the uploads in `folder`; return their paths and {name on disk: name shown}.

    :raise InputErrors: naming every file whose format cannot be told or whose name is unusable.
    """
    paths, shown, errors = [], {}, []
    for storage in files:
        filename = storage.filename or ""
        display, suffix = shown_name(filename), _suffix(filename)
        known = EXTENSIONS.get(suffix)
        if not fmt and known is None:
            errors.append(InputError(f"cannot tell the format from the extension "
                                     f"{suffix or '(none)'!r}: choose a format", file=display))
            continue
        token = secrets.token_hex(8)
        try:
            if (fmt or known) == "txt":
                name = _txt_name(filename, display)
            else:
                name = f"{token}{suffix if known else ''}"
        except InputError as error:
            errors.append(error)
            continue
        (folder / token).mkdir()
        path = folder / token / name
        storage.save(path)
        paths.append(path)
        shown[name] = display
    if errors:
        raise InputErrors(errors)
    return paths, shown


def problems(error: AnnotatorError, shown: dict[str, str]) -> list[dict]:
    """List an import's errors as {file, line, reason}, with the names the user gave."""
    if not isinstance(error, InputError | InputErrors):
        return [{"file": None, "line": None, "reason": error.message}]
    found = []
    for single in unpack(error):
        reason = single.reason
        for on_disk, name in shown.items():  # "first seen at <file> line 3" names files too
            reason = reason.replace(on_disk, name)
        found.append({"file": shown.get(single.file, single.file) if single.file else None,
                      "line": single.line, "reason": reason})
    return found
