"""Reading JSON Lines one line at a time, with errors that name the file and line."""

import json
from collections.abc import Iterator
from pathlib import Path

from annotator.errors import InputError


def read_json_lines(path: Path) -> Iterator[tuple[int, object]]:
    """Yield (line number, parsed value) for each non-blank line; bad lines raise InputError."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise InputError(
                    f"not valid UTF-8 (byte {error.start + 1} of the line)",
                    file=path.name, line=number,
                ) from None
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except (json.JSONDecodeError, RecursionError) as error:
                reason = getattr(error, "msg", "nested too deeply")
                raise InputError(f"malformed JSON: {reason}", file=path.name, line=number) from None
