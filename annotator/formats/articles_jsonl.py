"""Read raw articles from JSON Lines: one object per line, streamed line by line."""

import json
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.articles import (
    ErrorLog,
    Invalid,
    build_record,
    decode_line,
    json_type,
    raw_lines,
)


def _reject_constant(name: str):
    # NaN and Infinity are not JSON; PostgreSQL's JSON type would refuse them later.
    raise ValueError(f"{name} is not valid JSON")


def parse_line(line: str) -> dict:
    """Parse one line into an object.

    :raise Invalid: for malformed JSON, a non-object, or nesting too deep to parse.
    """
    try:
        value = json.loads(line, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise Invalid(f"malformed JSON: {error.msg} (column {error.colno})") from None
    except ValueError as error:
        raise Invalid(f"malformed JSON: {error}") from None
    except RecursionError:
        raise Invalid("malformed JSON: nested too deeply") from None
    if not isinstance(value, dict):
        raise Invalid(f"expected a JSON object (one article per line), got {json_type(value)}")
    return value


def read(path: Path) -> Iterator[dict]:
    """Yield the file's good article records, then raise the errors found, if any.

    :raise InputError | InputErrors: after the last record, naming each bad line.
    """
    file = path.name
    errors = ErrorLog(file)
    try:
        for number, raw in raw_lines(path):
            try:
                line = decode_line(raw, file, number)
            except InputError as error:
                errors.append(error)
                continue
            if not line.strip(" \t\r\n"):
                continue
            try:
                record = build_record(parse_line(line), number)
            except Invalid as error:
                errors.add(str(error), number)
                continue
            # Good records after a bad one still go out, so that the caller can check them too
            # (duplicate ids); the errors are raised at the end, before anything is committed.
            yield record
    except InputError as error:  # the file cannot be read any further
        errors.append(error)
    errors.raise_if_any()
