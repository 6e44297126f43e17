"""Find quotations in a paragraph, in every common quotation-mark style, nested ones included.

Styles: “…” and ‘…’ (English), „…“ and ‚…‘ (German), „…” (Polish), «…» and ‹…› (French),
»…« and ›…‹ (German, Danish), ”…” and »…» (Swedish, Finnish), "…" and '…' (typewriter), 「…」
and 『…』. An apostrophe between letters ("don't", "Russia’s") or before a number ("’90s") is never
a quotation mark, and a closing ’ or ' after a letter only closes an open single quote (else it is
a plural possessive, "the Philippines’ army"). A double quote still open at the end of the
paragraph runs to its end: news prints a quotation of several paragraphs without closing marks.
"""

import itertools
import re

from .limits import MAX_MARKS, MAX_PER_KIND, MAX_SPAN_CHARS
from .tokens import fold

# opening mark -> the marks that may close it
CLOSERS = {
    "“": "”", "„": "“”", "”": "”", "«": "»", "»": "«»", "‹": "›", "›": "‹›",
    "‘": "’", "‚": "‘’", "'": "'", '"': '"', "「": "」", "『": "』",
}
DOUBLE = frozenset("“„”«»\"「『")
ALWAYS_OPEN = frozenset("„‚«‹「『“")  # even before a space: French writes « jamais »
ONLY_CLOSE = frozenset("」』’")
ELISIONS = ("em", "til", "tis", "twas", "cause", "n", "round")
OPENING_CONTEXT = " \t\n([{—–-/:;"  # what may precede an opening mark besides the text start


def _is_word(ch: str) -> bool:
    return ch.isalnum()


MARK = re.compile("[" + re.escape("".join(sorted(set(CLOSERS) | ONLY_CLOSE))) + "]")
Span = tuple[int, int, str, bool, int]  # start, end, marks, closed, depth


def find_quotes(text: str, paragraph: int = 0, limit: int | None = MAX_PER_KIND) -> list[dict]:
    """Return quote suggestions for a paragraph: marks included, nesting depth in attrs.

    At most `limit` (the first in the paragraph; None: all), none longer than MAX_SPAN_CHARS.
    """
    return quote_suggestions(text, paragraph, quote_spans(text), limit)


def quote_suggestions(text: str, paragraph: int, spans: list["Span"],
                      limit: int | None = MAX_PER_KIND) -> list[dict]:
    """Build suggestions for the first `limit` of quote_spans no longer than MAX_SPAN_CHARS."""
    found = []
    for span in spans:
        if limit is not None and len(found) >= limit:
            break
        if span[1] - span[0] <= MAX_SPAN_CHARS:
            found.append(_suggestion(text, paragraph, span))
    return found


def quote_spans(text: str) -> list[Span]:
    """Return every quotation as (start, end, marks, closed, depth), in reading order.

    Linear in the length of the text: only quotation marks are visited, at most MAX_MARKS of
    them (later ones are taken for text), and the openers that a mark may close are indexed by
    that mark, so no mark searches the whole stack.
    """
    stack: list[tuple[str, int]] = []  # (opening mark, offset)
    accepting: dict[str, list[int]] = {}  # closing mark -> stack positions of its openers
    spans: list[tuple[int, int, str, bool]] = []
    for found in itertools.islice(MARK.finditer(text), MAX_MARKS):
        i, ch = found.start(), found.group()
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if ch in "'’‘" and _is_word(before) and _is_word(after):
            continue  # an apostrophe inside a word
        opens = (not before or before in OPENING_CONTEXT or before in CLOSERS) and bool(
            after.strip())
        closes = bool(before.strip()) and (not after or not _is_word(after))
        waiting = accepting.get(ch)
        depth = waiting[-1] if waiting else None
        # A mark that also opens its own kind ("…") closes only where a closing mark belongs.
        if depth is not None and (ch != stack[depth][0] or closes or not opens):
            mark, start = stack[depth]
            del stack[depth:]  # openers left inside were not quotation marks after all
            for positions in accepting.values():
                while positions and positions[-1] >= depth:
                    positions.pop()
            if i > start + 1:
                spans.append((start, i + 1, mark + ch, True))
        elif ch in ALWAYS_OPEN or (opens and ch in CLOSERS and not _elision(text, ch, i + 1)):
            for closer in CLOSERS[ch]:
                accepting.setdefault(closer, []).append(len(stack))
            stack.append((ch, i))
    spans += _unclosed(text, stack)
    return _with_depths(sorted(spans))


def _with_depths(spans: list[tuple[int, int, str, bool]]) -> list[Span]:
    """Add to each span how many others enclose it (quotations nest, they never cross)."""
    result, enclosing = [], []  # ends of the spans that enclose the current one
    for start, end, marks, closed in spans:
        while enclosing and enclosing[-1] <= start:
            enclosing.pop()
        result.append((start, end, marks, closed, len(enclosing)))
        enclosing.append(end)
    return result


def _elision(text: str, ch: str, i: int) -> bool:
    """Tell whether a mark at i - 1 is an apostrophe eliding letters ("’90s", "'em")."""
    if ch not in "'‘":
        return False
    if i < len(text) and text[i].isdigit():
        return True
    word = fold(text[i:i + 6]).split(" ")[0].rstrip(".,;:!?'")
    return word in ELISIONS


def _unclosed(text: str, stack: list[tuple[str, int]]) -> list[tuple[int, int, str, bool]]:
    """Run the outermost double quote left open to the end of the paragraph."""
    end = len(text.rstrip())
    for mark, start in stack:
        if mark in DOUBLE and end > start + 1:
            return [(start, end, mark, False)]
    return []


def _suggestion(text: str, paragraph: int, span: Span) -> dict:
    start, end, marks, closed, depth = span
    inner_end = end - 1 if closed else end
    return {
        "kind": "quote", "paragraph": paragraph, "start": start, "end": end,
        "text": text[start:end], "label": "CONTENT", "source": "quotes",
        "attrs": {"quote_type": "DIRECT", "marks": marks, "depth": depth, "closed": closed},
        "inner": (start + 1, inner_end),
    }
