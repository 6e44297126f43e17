"""Words with offsets, folded for matching, and sentence bounds: the suggesters' shared layer.

Offsets are code points into the paragraph text, as everywhere in annotator. Folding happens per
token, so a character whose case folding is longer ("ß" -> "ss") never shifts an offset.
"""

import re
from dataclasses import dataclass

# Letters, digits and the combining marks that follow them ("José" written with U+0301).
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
TOKEN = re.compile(rf"[\w{_MARKS}]+|[^\w\s{_MARKS}]")
# Every apostrophe look-alike folds to "'", so "Russia’s" and "Russia's" match the same alias.
APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "´": "'", "′": "'"})
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen sen rep gov lt col sgt capt cmdr adm maj st jr sr inc corp co ltd no "
    "vs etc jan feb mar apr jun jul aug sep sept oct nov dec rev pres mt ft fig approx dept est "
    "u.s u.n u.k e.u a.m p.m".split()
)
SENTENCE_END = re.compile(r"[.!?…]+[\"”’»)\]]*\s+(?=[\"“‘«„(\[]?[\w])")


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


def sentence_bounds(text: str, protected: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Return the [start, end) bounds of the sentences of a paragraph.

    A sentence ends at ".", "!", "?" or "…" (with any closing quotes) before an upper-case word,
    except after an abbreviation or an initial, and never inside a `protected` range (a
    quotation of several sentences belongs to the sentence that reports it).
    """
    bounds, begin = [], 0
    for match in SENTENCE_END.finditer(text):
        cut = match.end()
        follower = text[cut:cut + 2].lstrip("\"“‘«„([")[:1]
        if not follower or not (follower.isupper() or follower.isdigit()):
            continue
        if any(s < cut < e for s, e in protected):
            continue
        if text[match.start()] == "." and _abbreviation_before(text, match.start()):
            continue
        bounds.append((begin, match.start() + len(match.group().rstrip())))
        begin = cut
    rest = text[begin:].rstrip()
    if rest.strip():
        bounds.append((begin, begin + len(rest)))
    return [(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in bounds]


def _abbreviation_before(text: str, dot: int) -> bool:
    word = re.search(r"([\w.]+)$", text[:dot])
    if word is None:
        return False
    stem = word.group(1).lower()
    return stem in ABBREVIATIONS or (len(stem) == 1 and stem.isalpha())
