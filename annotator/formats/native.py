"""The native format: one JSON object per (document, layer), lossless and re-importable."""

from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.errors import InputError
from annotator.formats.json_text import encode
from annotator.formats.lines import read_json_lines

FIELDS = ("id", "title", "url", "published", "meta", "layer", "paragraphs", "spans", "events",
          "attributions")
HEAD = FIELDS[:6]  # the fields before "paragraphs"
ITEMS = ("spans", "events", "attributions")



def read(path: Path) -> Iterator[tuple[dict, int]]:
    """Yield (record, line number) for each line of a native file."""
    for line_number, value in read_json_lines(path):
        if not isinstance(value, dict):
            raise InputError("each line must be a JSON object", file=path.name, line=line_number)
        yield value, line_number


def write(records: Iterable[dict], out) -> dict:
    """Write records as JSON lines to a text stream; return counts."""
    counts = {"records": 0, "spans": 0, "events": 0, "attributions": 0}
    paragraphs_json = _LastParagraphs()
    for record in records:
        head = encode({key: record.get(key) for key in HEAD})
        items = {key: record.get(key) or [] for key in ITEMS}
        for key in ITEMS:
            counts[key] += len(items[key])
        # The same text as encoding all FIELDS in one dict, spliced from three parts.
        out.write(f'{head[:-1]},"paragraphs":{paragraphs_json(record.get("paragraphs"))},'
                  f"{encode(items)[1:]}\n")
        counts["records"] += 1
    return counts


class _LastParagraphs:
    """Encode paragraphs, reusing the text while records share one paragraph list."""

    # records.iter_records gives every layer of a document the same list, and the paragraphs
    # were the largest part of each line, encoded once per layer.
    def __init__(self):
        self.paragraphs: object = None
        self.text = ""

    def __call__(self, paragraphs: list | None) -> str:
        if paragraphs is not self.paragraphs or not self.text:
            self.paragraphs, self.text = paragraphs, encode(paragraphs)
        return self.text
