"""Find quotations in a paragraph, in every common quotation-mark style, nested ones included.

Styles: “…” and ‘…’ (English), „…“ and ‚…‘ (German), „…” (Polish), «…» and ‹…› (French),
»…« and ›…‹ (German, Danish), ”…” and »…» (Swedish, Finnish), "…" and '…' (typewriter), 「…」
and 『…』. An apostrophe between letters ("don't", "Russia’s") or before a number ("’90s") is never
a quotation mark, and a closing ’ or ' after a letter only closes an open single quote (else it is
a plural possessive, "the Philippines’ army"). A double quote still open at the end of the
paragraph runs to its end: news prints a quotation of several paragraphs without closing marks.
"""

from annotator.suggest.tokens import fold

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


def find_quotes(text: str, paragraph: int = 0) -> list[dict]:
    """Return quote suggestions for a paragraph: marks included, nesting depth in attrs."""
    stack: list[tuple[str, int]] = []  # (opening mark, offset)
    spans: list[tuple[int, int, str, bool]] = []
    for i, ch in enumerate(text):
        if ch not in CLOSERS and ch not in ONLY_CLOSE:
            continue
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if ch in "'’‘" and _is_word(before) and _is_word(after):
            continue  # an apostrophe inside a word
        opens = (not before or before in OPENING_CONTEXT or before in CLOSERS) and bool(
            after.strip())
        closes = bool(before.strip()) and (not after or not _is_word(after))
        depth = _open_accepting(stack, ch)
        # A mark that also opens its own kind ("…") closes only where a closing mark belongs.
        if depth is not None and (ch != stack[depth][0] or closes or not opens):
            mark, start = stack[depth]
            del stack[depth:]  # openers left inside were not quotation marks after all
            if i > start + 1:
                spans.append((start, i + 1, mark + ch, True))
        elif ch in ALWAYS_OPEN or (opens and ch in CLOSERS and not _elision(text, ch, i + 1)):
            stack.append((ch, i))
    spans += _unclosed(text, stack)
    return [_suggestion(text, paragraph, span, spans) for span in sorted(spans)]


def _open_accepting(stack: list[tuple[str, int]], ch: str) -> int | None:
    """Return the stack position of the nearest opener that `ch` closes, if any."""
    for depth in range(len(stack) - 1, -1, -1):
        if ch in CLOSERS[stack[depth][0]]:
            return depth
    return None


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


def _suggestion(text: str, paragraph: int, span: tuple, spans: list[tuple]) -> dict:
    start, end, marks, closed = span
    depth = sum(1 for s, e, _, _ in spans if s <= start and end <= e and (s, e) != (start, end))
    inner_end = end - 1 if closed else end
    return {
        "kind": "quote", "paragraph": paragraph, "start": start, "end": end,
        "text": text[start:end], "label": "CONTENT", "source": "quotes",
        "attrs": {"quote_type": "DIRECT", "marks": marks, "depth": depth, "closed": closed},
        "inner": (start + 1, inner_end),
    }
