"""Offsets: the one place that converts between code points and the browser's UTF-16 units.

Stored offsets are Unicode code points, half-open [start, end), into the paragraph's stored text.
"""

import re
from bisect import bisect_right

# A character outside the Basic Multilingual Plane (two UTF-16 units).
_ASTRAL = re.compile(r"[\U00010000-\U0010ffff]")


def utf16_length(text: str) -> int:
    """Return how many UTF-16 code units `text` takes."""
    return len(text.encode("utf-16-le")) // 2


def astral_positions(text: str) -> list[int]:
    """Return, ascending, the code-point positions of characters outside the BMP."""
    if text.isascii() or len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text):
        return []
    return [match.start() for match in _ASTRAL.finditer(text)]


class OffsetMap:
    """Convert offsets in one text between code points and UTF-16 units in O(log n)."""

    def __init__(self, text: str):
        self.text = text
        # Code-point positions of astral characters (each takes two UTF-16 units).
        self._astral = astral_positions(text)
        self.length = len(text)
        self.utf16_length = self.length + len(self._astral)
        self._astral16: list[int] | None = None

    def to_utf16(self, offset: int) -> int:
        if not 0 <= offset <= self.length:
            raise ValueError(f"offset {offset} is outside the text (0..{self.length})")
        return offset + bisect_right(self._astral, offset - 1)

    def from_utf16(self, offset: int) -> int:
        """Convert a UTF-16 offset; one that falls inside a surrogate pair is an error."""
        if not 0 <= offset <= self.utf16_length:
            raise ValueError(f"offset {offset} is outside the text (0..{self.utf16_length})")
        if not self._astral:  # one unit per code point
            return offset
        if self._astral16 is None:
            # Where each astral character starts in UTF-16 units: k astral characters precede
            # the k-th, each one unit longer than in code points.
            self._astral16 = [point + k for k, point in enumerate(self._astral)]
        # The astral characters that end at or before `offset` each add a unit; one that
        # starts a unit before `offset` has `offset` between its two surrogates.
        before = bisect_right(self._astral16, offset - 2)
        if before < len(self._astral16) and self._astral16[before] == offset - 1:
            raise ValueError(f"UTF-16 offset {offset} falls inside a surrogate pair")
        return offset - before


def check_span(text: str, start: object, end: object) -> str | None:
    """Return why [start, end) is not a valid span of `text`, or None when it is."""
    if type(start) is int and type(end) is int and 0 <= start < end <= len(text):
        return None  # nearly every span, checked without the loop (imports check every one)
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{name} must be an integer"
    if start < 0:
        return "start must not be negative"
    if end <= start:
        return "end must be greater than start"
    if end > len(text):
        return f"end {end} is past the end of the paragraph ({len(text)} characters)"
    return None
