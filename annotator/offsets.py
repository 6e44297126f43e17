"""Offsets: the one place that converts between code points and the browser's UTF-16 units.

Stored offsets are Unicode code points, half-open [start, end), into the paragraph's stored text.
"""

from bisect import bisect_right


def utf16_length(text: str) -> int:
    """Return how many UTF-16 code units `text` takes."""
    return len(text.encode("utf-16-le")) // 2


class OffsetMap:
    """Convert offsets in one text between code points and UTF-16 units in O(log n)."""

    def __init__(self, text: str):
        self.text = text
        # Code-point positions of astral characters (each takes two UTF-16 units).
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self.length = len(text)
        self.utf16_length = self.length + len(self._astral)

    def to_utf16(self, offset: int) -> int:
        if not 0 <= offset <= self.length:
            raise ValueError(f"offset {offset} is outside the text (0..{self.length})")
        return offset + bisect_right(self._astral, offset - 1)

    def from_utf16(self, offset: int) -> int:
        """Convert a UTF-16 offset; one that falls inside a surrogate pair is an error."""
        if not 0 <= offset <= self.utf16_length:
            raise ValueError(f"offset {offset} is outside the text (0..{self.utf16_length})")
        # Binary search over code-point offsets: to_utf16 is monotonic.
        low, high = 0, min(offset, self.length)
        while low < high:
            mid = (low + high) // 2
            if self.to_utf16(mid) < offset:
                low = mid + 1
            else:
                high = mid
        if self.to_utf16(low) != offset:
            raise ValueError(f"UTF-16 offset {offset} falls inside a surrogate pair")
        return low


def check_span(text: str, start: object, end: object) -> str | None:
    """Return why [start, end) is not a valid span of `text`, or None when it is."""
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
