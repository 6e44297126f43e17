"""The native format: one JSON object per (document, layer), lossless and re-importable."""

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.lines import read_json_lines

FIELDS = ("id", "title", "url", "published", "meta", "layer", "paragraphs", "spans", "events",
          "attributions")


def read(path: Path) -> Iterator[tuple[dict, int]]:
    """Yield (record, line number) for each line of a native file."""
    for line_number, value in read_json_lines(path):
        if not isinstance(value, dict):
            raise InputError("each line must be a JSON object", file=path.name, line=line_number)
        yield value, line_number


def write(records: Iterable[dict], out) -> dict:
    """Write records as JSON lines to a text stream; return counts."""
    counts = {"records": 0, "spans": 0, "events": 0, "attributions": 0}
    for record in records:
        line = {key: record.get(key) for key in FIELDS}
        for key in ("spans", "events", "attributions"):
            line[key] = line[key] or []
            counts[key] += len(line[key])
        # ensure_ascii=False keeps the text readable; offsets count code points either way.
        out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        counts["records"] += 1
    return counts
