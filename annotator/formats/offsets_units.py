"""Offsets in the units peer tools count, converted to and from code points.

Stored offsets are code points (offsets.py). Peers count otherwise: doccano's and older Label
Studio's browsers count UTF-16 code units, and a doccano project may be set to count grapheme
clusters (user-perceived characters: 👍🏽, 🇺🇦 and "e" + U+0301 are one each). Grapheme clusters
are found by the `regex` package's `\\X` (Unicode's extended grapheme clusters, UAX #29).

Every unit refuses a boundary inside a grapheme cluster: no peer's browser can select half of
"👍🏽", so such a boundary means the offsets were counted in another unit (a doccano project that
counts graphemes, read as UTF-16, puts "Kyiv" at "🏽 K"). Pure: no Flask, no database.
"""

from bisect import bisect_left

import regex

from annotator.offsets import OffsetMap

UNITS = ("utf16", "codepoints", "graphemes")
UNIT_NAMES = {"utf16": "UTF-16 code units", "codepoints": "Unicode code points",
              "graphemes": "grapheme clusters"}
_CLUSTER = regex.compile(r"\X")


def check_unit(unit: str) -> str:
    """Return `unit` if it is one of UNITS.

    :raise ValueError: naming the choices.
    """
    if unit not in UNITS:
        raise ValueError(f"offsets must be one of {', '.join(UNITS)}, not {unit!r}")
    return unit


def cluster_starts(text: str) -> list[int] | None:
    """Return the code-point offset of every grapheme cluster, or None when each code point is
    one (plain ASCII without CR LF, the usual case, skips the segmenter)."""
    if text.isascii() and "\r\n" not in text:
        return None
    return [match.start() for match in _CLUSTER.finditer(text)]


class UnitMap:
    """Convert offsets into one text between code points and `unit`."""

    def __init__(self, text: str, unit: str):
        self.unit = check_unit(unit)
        self.length = len(text)
        self._starts = cluster_starts(text)
        self._utf16 = OffsetMap(text) if unit == "utf16" else None

    def to_codepoints(self, offset: object) -> int:
        """Return the code-point offset for a peer's offset.

        :raise ValueError: for a non-integer, an offset outside the text, or one that falls
            inside a surrogate pair or a grapheme cluster.
        """
        if isinstance(offset, bool) or not isinstance(offset, int):
            raise ValueError(f"offsets must be integers, not {offset!r}")
        if self.unit == "graphemes":
            count = self.length if self._starts is None else len(self._starts)
            if not 0 <= offset <= count:
                raise ValueError(f"offset {offset} is outside the text (0..{count} grapheme "
                                 "clusters)")
            if self._starts is None or offset == count:
                return self.length if offset == count else offset
            return self._starts[offset]
        if self._utf16 is not None:
            point = self._utf16.from_utf16(offset)
        elif not 0 <= offset <= self.length:
            raise ValueError(f"offset {offset} is outside the text (0..{self.length})")
        else:
            point = offset
        if not self.on_boundary(point):
            raise ValueError(f"offset {offset} falls inside a character cluster such as an "
                             "emoji with a modifier, a flag or a letter with a combining mark")
        return point

    def from_codepoints(self, point: int) -> int:
        """Return the peer's offset for a code-point offset (which must be on a cluster edge for
        graphemes).

        :raise ValueError: for an offset inside a grapheme cluster when counting graphemes.
        """
        if self.unit == "utf16":
            return self._utf16.to_utf16(point)
        if self.unit == "codepoints" or self._starts is None:
            return point
        if point == self.length:
            return len(self._starts)
        index = bisect_left(self._starts, point)
        if index == len(self._starts) or self._starts[index] != point:
            raise ValueError(f"code point {point} is inside a grapheme cluster")
        return index

    def on_boundary(self, point: int) -> bool:
        """Tell whether a code-point offset lies between two grapheme clusters."""
        if self._starts is None or point == self.length:
            return True
        index = bisect_left(self._starts, point)
        return index < len(self._starts) and self._starts[index] == point


def misfit_hint(unit: str, option: str = "--offsets") -> str:
    """Return the sentence that names the offsets option after a span that does not fit."""
    others = " or ".join(f"{option} {u}" for u in UNITS if u != unit)
    return (f" (offsets read as {UNIT_NAMES[unit]}, {option} {unit}; if the file counts "
            f"otherwise, import it again with {others}: 'Offsets count' on the import page)")
