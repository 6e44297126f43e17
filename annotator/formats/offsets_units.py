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
_STRETCH = regex.compile(r"[^\x00-\x7f]+|\r\n")
# Two ASCII characters other than CR LF, between which a cluster always ends: read forwards, and
# (for the edge before an offset) in the reversed text, where the pair reads second-first.
_EDGE = regex.compile(r"[\x00-\x0c\x0e-\x7f][\x00-\x7f]|\r[\x00-\x09\x0b-\x7f]")
_EDGE_REVERSED = regex.compile(r"[\x00-\x09\x0b-\x7f][\x00-\x7f]|\n[\x00-\x0c\x0e-\x7f]")


def check_unit(unit: str) -> str:
    """Return `unit` if it is one of UNITS.

    :raise ValueError: naming the choices.
    """
    if unit not in UNITS:
        raise ValueError(f"offsets must be one of {', '.join(UNITS)}, not {unit!r}")
    return unit


def inner_positions(text: str) -> list[int]:
    """Return, ascending, the code-point offsets that fall inside a grapheme cluster.

    Only characters next to non-ASCII ones (and CR LF) can share a cluster, so the segmenter
    runs on those stretches alone, each widened by one character on either side: a stretch then
    starts and ends between two ASCII characters, where a cluster always ends.
    """
    if text.isascii() and "\r\n" not in text:
        return []
    windows: list[list[int]] = []
    for match in _STRETCH.finditer(text):
        start, end = max(0, match.start() - 1), min(len(text), match.end() + 1)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end
        else:
            windows.append([start, end])
    inner = []
    for start, end in windows:
        for cluster in _CLUSTER.finditer(text, start, end):
            inner.extend(range(cluster.start() + 1, cluster.end()))
    return inner


class UnitMap:
    """Convert offsets into one text between code points and `unit`."""

    def __init__(self, text: str, unit: str):
        self.unit = check_unit(unit)
        self.text, self.length = text, len(text)
        self._inner_positions: list[int] | None = None
        self._reversed: str | None = None
        self._utf16 = OffsetMap(text) if unit == "utf16" else None

    @property
    def _inner(self) -> list[int]:
        """inner_positions(text), worked out the first time an offset needs it."""
        if self._inner_positions is None:
            self._inner_positions = inner_positions(self.text)
        return self._inner_positions

    @property
    def clusters(self) -> int:
        """How many grapheme clusters the text holds."""
        return self.length - len(self._inner)

    def to_codepoints(self, offset: object) -> int:
        """Return the code-point offset for a peer's offset.

        :raise ValueError: for a non-integer, an offset outside the text, or one that falls
            inside a surrogate pair or a grapheme cluster.
        """
        if type(offset) is not int:  # bool is an int, but not an offset
            raise ValueError(f"offsets must be integers, not {offset!r}")
        if self.unit == "graphemes":
            if not 0 <= offset <= self.clusters:
                raise ValueError(f"offset {offset} is outside the text (0..{self.clusters} "
                                 "grapheme clusters)")
            return self._cluster_start(offset)
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

    def _cluster_start(self, index: int) -> int:
        """Return the code-point offset where cluster `index` starts (the end for the last)."""
        # Before a cluster start p lie p - (inner positions below p) clusters; that count never
        # falls as p grows, and inner positions share their cluster's count: take the last p.
        low, high = index, min(self.length, index + len(self._inner))
        while low < high:
            middle = (low + high + 1) // 2
            if middle - bisect_left(self._inner, middle) <= index:
                low = middle
            else:
                high = middle - 1
        return low

    def from_codepoints(self, point: int) -> int:
        """Return the peer's offset for a code-point offset (which must be on a cluster edge for
        graphemes).

        :raise ValueError: for an offset inside a grapheme cluster when counting graphemes.
        """
        if self.unit == "utf16":
            return self._utf16.to_utf16(point)
        if self.unit == "codepoints":
            return point
        if not self.on_boundary(point):
            raise ValueError(f"code point {point} is inside a grapheme cluster")
        return point - bisect_left(self._inner, point)

    def on_boundary(self, point: int) -> bool:
        """Tell whether a code-point offset lies between two grapheme clusters."""
        if not 0 < point < self.length:
            return True  # the text's edges end clusters
        if self._inner_positions is None:
            before, after = self.text[point - 1], self.text[point]
            if before < "\x80" and after < "\x80" and not (before == "\r" and after == "\n"):
                return True  # a cluster always ends between two ASCII characters but CR LF
            return self._segment_around(point)
        index = bisect_left(self._inner, point)
        return index == len(self._inner) or self._inner[index] != point

    def _segment_around(self, point: int) -> bool:
        """on_boundary for 0 < point < length, segmenting only the stretch between the nearest
        pairs of ASCII characters (other than CR LF) on either side of `point`."""
        text, length = self.text, self.length
        after = _EDGE.search(text, point)
        end = after.start() + 1 if after else length
        if self._reversed is None:
            self._reversed = text[::-1]
        # The pair (text[q - 1], text[q]) sits at length - 1 - q in the reversed text.
        before = _EDGE_REVERSED.search(self._reversed, length - point)
        start = length - 1 - before.start() if before else 0
        for cluster in _CLUSTER.finditer(text, start, end):
            if cluster.end() >= point:
                return cluster.end() == point or cluster.start() == point
        return True


def misfit_hint(unit: str, option: str = "--offsets") -> str:
    """Return the sentence that names the offsets option after a span that does not fit."""
    others = " or ".join(f"{option} {u}" for u in UNITS if u != unit)
    return (f" (offsets read as {UNIT_NAMES[unit]}, {option} {unit}; if the file counts "
            f"otherwise, import it again with {others}: 'Offsets count' on the import page)")
