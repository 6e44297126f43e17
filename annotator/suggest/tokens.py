"""Words with offsets, folded for matching, and sentence bounds: the suggesters' shared layer.

Offsets are code points into the paragraph text, as everywhere in annotator. Folding happens per
token, so a character whose case folding is longer ("ß" -> "ss") never shifts an offset.
"""

import itertools
import re
from bisect import bisect_left
from dataclasses import dataclass

# Letters, digits and the combining marks that follow them ("José" written with U+0301).
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
TOKEN = re.compile(rf"[\w{_MARKS}]+|[^\w\s{_MARKS}]")
WORD_CHAR = re.compile(rf"[\w{_MARKS}]")
WORD = re.compile(rf"[\w{_MARKS}]+")
# Every apostrophe look-alike folds to "'", so "Russia’s" and "Russia's" match the same alias.
APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "´": "'", "′": "'"})
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen sen rep gov lt col sgt capt cmdr adm maj st jr sr inc corp co ltd no "
    "vs etc jan feb mar apr jun jul aug sep sept oct nov dec rev pres mt ft fig approx dept est "
    "u.s u.n u.k e.u a.m p.m".split()
)
# Sentence ends are found by hand around runs of terminators (one character class, so the regex
# cannot backtrack): ".!?…", then closing quotes, then white space, then an optional opening
# quote and a word character.
TERMINATOR_RUN = re.compile(r"[.!?…]+")
TERMINATORS = ".!?…"
CLOSING = "\"”’»)]"
OPENING = "\"“‘«„(["
LONGEST_ABBREVIATION = max(map(len, ABBREVIATIONS))


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def folded(self) -> str:
        return fold(self.text)

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum() or self.text[0] == "_"


def fold(text: str) -> str:
    """Fold text for case-insensitive matching, making every apostrophe "'"."""
    return text.translate(APOSTROPHES).casefold()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Split text[start:end] into words and single symbols, with offsets into `text`."""
    stop = len(text) if end is None else end
    return [Token(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text, start, stop)]


def tokenize_whole(text: str, start: int, end: int) -> list[Token]:
    """Tokenize text[start:end], leaving out a word cut by either edge (part of a longer word)."""
    tokens = tokenize(text, start, end)
    if tokens and start > 0 and tokens[0].start == start and _joined(text, start):
        tokens.pop(0)
    if tokens and end < len(text) and tokens[-1].end == end and _joined(text, end):
        tokens.pop()
    return tokens


def _joined(text: str, at: int) -> bool:
    # Whether text[at - 1] and text[at] belong to one word token.
    return bool(WORD_CHAR.match(text, at - 1)) and bool(WORD_CHAR.match(text, at))


def tokens_from(text: str, start: int, n: int) -> list[Token]:
    """Return the first n tokens of text[start:]."""
    return [Token(m.start(), m.end(), m.group())
            for m in itertools.islice(TOKEN.finditer(text, start), n)]


def token_before(text: str, start: int, word: Token | None) -> Token | None:
    """Return the token just before `start`, given `word`, the last word token before it.

    Between the two there are only spaces and symbols (each symbol is a token of its own).
    """
    gap_start = word.end if word is not None else 0
    gap = text[gap_start:start].rstrip()
    if gap:
        return Token(gap_start + len(gap) - 1, gap_start + len(gap), gap[-1])
    return word


def sentence_bounds(text: str, protected=(), start: int = 0,
                    end: int | None = None) -> list[tuple[int, int]]:
    """Return the [start, end) bounds of the sentences of a paragraph (or of text[start:end]).

    A sentence ends at ".", "!", "?" or "…" (with any closing quotes) before an upper-case word,
    except after an abbreviation or an initial, and never inside a `protected` range (a
    quotation of several sentences belongs to the sentence that reports it; a list of pairs or
    a Ranges). Linear in the length of the text read.
    """
    stop = len(text) if end is None else end
    inside = protected if isinstance(protected, Ranges) else Ranges(protected)
    bounds, begin = [], start
    for run in TERMINATOR_RUN.finditer(text, start, stop):
        if run.start() == start and start > 0 and text[start - 1] in TERMINATORS:
            continue  # the rest of a run that began before the window: not read
        cut = _sentence_cut(text, run.end())
        if cut is None or cut > stop:
            continue
        follower = text[cut:cut + 2].lstrip("\"“‘«„([")[:1]
        if not follower or not (follower.isupper() or follower.isdigit()):
            continue
        if inside.contains(cut):
            continue
        if text[run.start()] == "." and _abbreviation_before(text, run.start()):
            continue
        closed = run.end()
        while closed < len(text) and text[closed] in CLOSING:
            closed += 1
        bounds.append((begin, closed))
        begin = cut
    rest = text[begin:stop].rstrip()
    if rest.strip():
        bounds.append((begin, begin + len(rest)))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in bounds]


def _sentence_cut(text: str, at: int) -> int | None:
    """Return where the next sentence may begin after terminators ending at `at`, or None.

    After the terminators: closing quotes, then at least one white space, then (an opening
    quote and) a word character; the cut is after the white space.
    """
    n = len(text)
    while at < n and text[at] in CLOSING:
        at += 1
    space = at
    while at < n and text[at].isspace():
        at += 1
    if at == space or at == n:
        return None
    ahead = text[at + 1] if text[at] in OPENING and at + 1 < n else text[at]
    return at if _is_word_char(ahead) else None


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what the regex \w matches


class Ranges:
    """Open ranges (start, end), merged, asked whether they contain an offset (bisect)."""

    def __init__(self, ranges):
        merged: list[list[int]] = []
        for s, e in sorted(ranges):
            if merged and s < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def contains(self, offset: int) -> bool:
        i = bisect_left(self.starts, offset) - 1
        return i >= 0 and offset < self.ends[i]


def _abbreviation_before(text: str, dot: int) -> bool:
    """Tell whether the word before a full stop is an abbreviation or an initial.

    The word is the run of word characters and dots before it; only its last few characters
    are read (no abbreviation is longer), so this costs the same for any text.
    """
    start = dot
    while start > 0 and dot - start <= LONGEST_ABBREVIATION and (
            text[start - 1] == "." or _is_word_char(text[start - 1])):
        start -= 1
    if dot - start > LONGEST_ABBREVIATION:
        return False
    stem = text[start:dot].lower()
    return stem in ABBREVIATIONS or (len(stem) == 1 and stem.isalpha())
