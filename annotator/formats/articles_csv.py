"""Read raw articles from CSV: a header row naming id and text (RFC 4180 quoting).

The optional columns title, url and published fill those fields; any other named column goes into
the article's meta. A record may span lines (quoted newlines); errors name its first line.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.articles import (
    MAX_RECORD_BYTES,
    MAX_RECORD_MB,
    ErrorLog,
    Invalid,
    build_record,
    decoded_lines,
)

FIELDS = ("id", "text", "title", "url", "published")
REQUIRED = ("id", "text")


def _lines(path: Path) -> Iterator[str]:
    for _number, line in decoded_lines(path):
        yield line


def parse_header(row: list[str]) -> list[str]:
    """Return the column names: known ones lower-cased, others as written, unnamed as "".

    :raise Invalid: when id or text is missing or a name repeats.
    """
    names = [cell.strip() for cell in row]
    columns = [name.casefold() if name.casefold() in FIELDS else name for name in names]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        found = ", ".join(repr(name) for name in names[:6])
        hint = ""
        if len(names) == 1 and any(sep in names[0] for sep in ";\t|"):
            hint = "; columns must be separated by commas"
        raise Invalid(
            f"the header row must name the columns id and text (missing {', '.join(missing)}; "
            f"found {found}{hint})"
        )
    named = [name for name in columns if name]
    repeated = sorted({name for name in named if named.count(name) > 1})
    if repeated:
        raise Invalid(f"the header names a column more than once: {', '.join(repeated)}")
    return columns


def _csv_reason(error: csv.Error) -> str:
    message = str(error)
    if "field larger than field limit" in message:
        return f"a field is larger than {MAX_RECORD_MB} MB"
    if "unexpected end of data" in message:
        return "a quoted field starting in this record is never closed"
    return f"malformed CSV: {message}"


def _fields(columns: list[str], row: list[str], header_line: int) -> dict:
    if len(row) != len(columns):
        raise Invalid(
            f"the row has {len(row)} fields but the header (line {header_line}) has "
            f"{len(columns)} columns"
        )
    fields: dict = {}
    meta: dict = {}
    for position, (name, value) in enumerate(zip(columns, row, strict=True), start=1):
        if name in FIELDS:
            fields[name] = value
        elif name:
            meta[name] = value
        elif value.strip():
            raise Invalid(f"column {position} has a value but no name in the header")
    fields["meta"] = meta or None
    return fields


def read(path: Path) -> Iterator[dict]:
    """Yield the file's good article records, then raise the errors found, if any.

    :raise InputError | InputErrors: naming the line where each bad record starts.
    """
    file = path.name
    errors = ErrorLog(file)
    # The limit counts characters; Python's default (131,072) is too small for long articles.
    csv.field_size_limit(MAX_RECORD_BYTES)
    reader = csv.reader(_lines(path), strict=True)
    columns: list[str] | None = None
    header_line = 1
    try:
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                # The reader cannot resynchronise after broken quoting: stop here.
                errors.add(_csv_reason(error), start)
                break
            if not any(cell.strip() for cell in row):
                continue
            try:
                if columns is None:
                    columns, header_line = parse_header(row), start
                    continue
                record = build_record(_fields(columns, row, header_line), start)
            except Invalid as error:
                errors.add(str(error), start)
                if columns is None:
                    break
                continue
            yield record  # errors found so far are raised at the end of the file
    except InputError as error:  # undecodable bytes: the reader cannot go on
        errors.append(error)
    errors.raise_if_any()
    if columns is None:
        raise InputError("the file is empty: it needs a header row naming id and text", file, 1)
