"""brat names: file names from document ids (and back), and codebook names spelled brat's way.

Pure: no Flask, no database. File names keep letters, digits and `-`, `_`, `.`, `~`; every other
character becomes `%XX` per UTF-8 byte (percent-encoding, so `urllib.parse.unquote` gives the id
back), and a leading `.` becomes `%2E` so that no exported file is hidden. A name longer than
MAX_STEM characters is cut and given a hash suffix instead (unique, but not reversible).
"""

import hashlib
from urllib.parse import quote, unquote

from annotator.validation import name_key  # noqa: F401 (brat modules match names with it)

MAX_STEM = 120  # characters of an encoded name; with ".ann" it stays under 255 bytes
# PolNeAR's spelling of the attribution labels, used when a codebook gives no brat names.
POLNEAR_LABELS = {"SOURCE": "Source", "CUE": "Cue", "CONTENT": "Content"}


def file_stem(name: str) -> str:
    """Encode a document id (or layer name) as a file name that stays in its folder."""
    stem = quote(name, safe="")
    if stem.startswith("."):
        stem = "%2E" + stem[1:]
    if len(stem) > MAX_STEM:  # too long to decode back: keep it unique instead
        stem = stem[:MAX_STEM - 17] + "~" + hashlib.sha256(name.encode()).hexdigest()[:16]
    return stem


def stem_name(stem: str) -> str:
    """Return the document id an exported file name stands for (the inverse of file_stem)."""
    return unquote(stem)


class Spelling:
    """How a codebook's names are written in brat (its `brat_names`, else brat's habits)."""

    def __init__(self, book: dict | None):
        names = (book or {}).get("brat_names") or {}
        self.labels = dict(POLNEAR_LABELS) | names.get("labels", {})
        self.events = names.get("events", {})
        self.roles = names.get("roles", {})
        self.attributes = names.get("attributes", {})

    def label(self, name: str) -> str:
        return self.labels.get(name, name)

    def event(self, name: str) -> str:
        return self.events.get(name, name)

    def role(self, name: str) -> str:
        return self.roles.get(name, name[:1].upper() + name[1:])

    def attribute(self, name: str) -> str:
        return self.attributes.get(name, name)
