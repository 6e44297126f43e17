"""Reading JSON Lines one line at a time, with errors that name the file and line."""

import json
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.articles import decoded_lines


def read_json_lines(path: Path) -> Iterator[tuple[int, object]]:
    """Yield (line number, parsed value) for each non-blank line; bad lines raise InputError."""
    for number, line in decoded_lines(path):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            reason = getattr(error, "msg", "nested too deeply")
            raise InputError(f"malformed JSON: {reason}", file=path.name, line=number) from None
