"""Read one raw article from a plain-text file.

The id is the file name without its extension and the title is the first non-empty line. The
title line also stays the first paragraph, so that the whole file is annotatable and offsets made
against the file by other tools (PolNeAR's brat files) still find their text.
"""

from collections.abc import Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.articles import (
    MAX_RECORD_BYTES,
    MAX_RECORD_MB,
    ErrorLog,
    Invalid,
    check_id,
    decoded_lines,
    make_record,
)
from annotator.text import check_text, split_paragraphs


def read(path: Path) -> Iterator[dict]:
    """Yield the file's one article record.

    :raise InputError | InputErrors: for an unreadable, empty or oversized file.
    """
    file = path.name
    errors = ErrorLog(file)
    if path.stat().st_size > MAX_RECORD_BYTES:
        raise InputError(
            f"the file is larger than {MAX_RECORD_MB} MB (a .txt file holds one article)",
            file=file,
        )
    lines = []
    try:
        for number, line in decoded_lines(path):
            reason = check_text(line)
            if reason:
                errors.add(f"the text {reason}", number)
            lines.append(line)
    except InputError as error:
        errors.append(error)
    errors.raise_if_any()
    paragraphs = split_paragraphs("".join(lines))
    if not paragraphs:
        raise InputError("the file has no text", file=file)
    try:
        external_id = check_id(path.stem)
        title = paragraphs[0].split("\n", 1)[0].strip()
        record = make_record(external_id, title=title, paragraphs=paragraphs, line=1)
    except Invalid as error:
        raise InputError(f"{error} (the id is the file name)", file=file) from None
    yield record
