"""Token units: label every token of a document per coder, and count the label tuples.

A token is a match of TOKEN_PATTERN in a paragraph's text. Each coder gives each token the label of
the first span (earliest start, then longest, then label) that shares a character with it, or "O".
The counting never lists tokens one by one: labels only change where a span starts or ends, so
the text is cut at those positions, and each piece adds its token count to the tuple of labels the
coders give it. Counting matches in a window with `findall(text, pos, endpos)` finds the same
tokens as in the whole text, except the tail of a word cut at `pos`, which is subtracted.
"""

import re
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate, chain, repeat
from operator import itemgetter, neg, sub

from annotator.agreement.records import Document

# A token is a run of word characters or one other non-space character, over code points.
TOKEN_PATTERN = r"\w+|[^\w\s]"
TOKEN_RE = re.compile(TOKEN_PATTERN)
OUTSIDE = "O"
CUT_RE = re.compile(r"\w\w")  # matches at i - 1 when position i cuts a word token in two
FIRST, SECOND = itemgetter(0), itemgetter(1)


def count_units(text: str, coder_spans: Sequence[list], counter: Counter) -> None:
    """Add to `counter` how many tokens of `text` get each tuple of labels, one per coder.

    `coder_spans` holds, per coder, a list of (start, -end, label) spans inside the text.
    """
    spans_by_coder = [sorted(spans, reverse=True) for spans in coder_spans]  # best span last
    every = list(chain.from_iterable(spans_by_coder))
    bounds = sorted({*map(FIRST, every), *map(neg, map(SECOND, every))})
    # Count the tokens in the windows between bounds (map and accumulate keep the loop in C).
    # Where a bound cuts a word token in two, the window after it finds that word's tail, which
    # is not a new token: subtract it.
    ends = [*bounds, len(text)]
    windows = map(len, map(TOKEN_RE.findall, repeat(text), [0, *bounds], ends))
    cut = [False, *map(bool, map(CUT_RE.match, repeat(text), [b - 1 for b in bounds]))]
    if bounds and bounds[0] == 0:
        cut[1] = False  # the text's start cuts nothing
    counts = list(accumulate(map(sub, windows, cut)))  # tokens starting before each of `ends`
    starts_before = dict(zip(bounds, counts, strict=False))
    first_after = dict(zip(bounds, map(sub, counts, cut[1:]), strict=False))  # first ending after
    total = counts[-1]

    # A span covers tokens [first, stop): those ending after its start and starting before its
    # end. Cut the token sequence wherever some span's coverage starts or stops.
    ranges = [
        [(first_after[s], starts_before[-e], label) for s, e, label in spans]
        for spans in spans_by_coder
    ]
    every = list(chain.from_iterable(ranges))
    cuts = sorted({0, total, *map(FIRST, every), *map(SECOND, every)})
    piece = dict(zip(cuts, range(len(cuts)), strict=True))
    columns = []
    for coder_ranges in ranges:
        labels = [OUTSIDE] * (len(cuts) - 1)
        for first, stop, label in coder_ranges:  # later (better) spans overwrite earlier ones
            if first < stop:
                i, j = piece[first], piece[stop]
                labels[i:j] = [label] * (j - i)
        columns.append(labels)
    for key, length in zip(zip(*columns, strict=True), map(sub, cuts[1:], cuts), strict=False):
        counter[key] += length


def add_token_units(
    doc: Document, names: list[str], units: dict[tuple, Counter], include_boilerplate: bool
) -> None:
    """Count the label tuples the coders in `names` give to each token of `doc`.

    The paragraphs are joined with newlines (no token crosses one) and span offsets shifted to
    match, so that each document is counted in one go.
    """
    texts: list[str] = []
    where: dict[int, tuple[int, int]] = {}  # paragraph index -> (offset in the joined text, length)
    position = 0
    for index, text, boilerplate in doc.paragraphs or ():
        if (boilerplate and not include_boilerplate) or index in where:
            continue
        where[index] = (position, len(text))
        texts.append(text)
        position += len(text) + 1
    coder_spans = []
    for name in names:
        shifted = []
        for paragraph, start, end, label in doc.layers[name].spans:
            if paragraph not in where:  # boilerplate, or a paragraph the text lacks
                continue
            base, length = where[paragraph]
            if start < 0 or end > length:  # clip offsets that run past the paragraph
                start, end = max(start, 0), min(end, length)
            if start < end:
                shifted.append((base + start, -(base + end), label))
        coder_spans.append(shifted)
    count_units("\n".join(texts), coder_spans, units.setdefault(tuple(names), Counter()))
