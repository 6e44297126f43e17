"""Tokens and BIO tags for the token-level formats (conll, hf): words and single symbols, never
split inside a character cluster (combining marks, emoji sequences, flags), and cut at span edges.
"""

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache


def _glues(previous: str, ch: str, regional_run: int) -> bool:
    """Tell whether `ch` continues the character cluster that `previous` ends."""
    code = ord(ch)
    if unicodedata.category(ch).startswith("M"):  # accents, variation selectors, virama
        return not previous.isspace()
    if code == 0x200D or ord(previous) == 0x200D:  # zero-width joiner sequences (👩‍❤️‍👩)
        return True
    if 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:  # skin tones, tag sequences
        return True
    return _regional(ch) and _regional(previous) and regional_run % 2 == 1  # flags: 🇫🇷


def _regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


# Words and single other symbols: what tokenize's character loop finds when no character can
# glue onto the one before it (re's \w is str.isalnum() or "_", and \s is str.isspace()).
_WORD_OR_SYMBOL = re.compile(r"\w+|\S")
_TWO_WORD_CHARACTERS = re.compile(r"\w\w")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Whitespace that no token crosses: any but one right after a zero-width joiner (which glues on
# whatever follows it). After such whitespace the character loop starts afresh, as at the start
# of a text.
_FREE_SPACE = re.compile(r"(?<!\u200d)\s")


def tokenize(text: str, cuts: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Split text into (start, end) tokens: words, and single other symbols, never inside a
    character cluster (combining marks, emoji sequences) and always at each offset in `cuts`."""
    joiners = _joiners(text)
    if joiners:
        tokens = _glued_tokens(text, joiners)
    else:  # the same tokens, found by the regex engine instead of a Python loop per character
        tokens = [match.span() for match in _WORD_OR_SYMBOL.finditer(text)]
    return _cut(tokens, cuts)


def _may_glue(text: str) -> bool:
    """Tell whether text holds a character that _glues may join to the one before it."""
    return bool(_joiners(text))


def _joiners(text: str) -> str:
    """Return the characters of text that _glues may join to the one before it, in a string."""
    if text.isascii():
        return ""
    return "".join(sorted(filter(_joiner, set(_NON_ASCII.findall(text)))))




def _glued_tokens(text: str, joiners: str) -> list[tuple[int, int]]:
    """_cluster_tokens's tokens, with the character loop run only on the stretches between free
    whitespace that hold a joiner, and the regex engine elsewhere."""
    tokens: list[tuple[int, int]] = []
    done = 0
    for match in re.finditer("[" + re.escape(joiners) + "]", text):
        if match.start() < done:
            continue  # in the stretch just tokenised
        start = match.start()
        while start > done and not _free_space_at(text, start - 1):
            start -= 1
        after = _FREE_SPACE.search(text, match.start())
        end = after.start() if after else len(text)
        tokens += [m.span() for m in _WORD_OR_SYMBOL.finditer(text, done, start)]
        tokens += [(s + start, e + start) for s, e in _cluster_tokens(text[start:end])]
        done = end
    tokens += [m.span() for m in _WORD_OR_SYMBOL.finditer(text, done)]
    return tokens


def _free_space_at(text: str, i: int) -> bool:
    return text[i].isspace() and (i == 0 or text[i - 1] != "\u200d")


@lru_cache(maxsize=4096)
def _joiner(ch: str) -> bool:
    code = ord(ch)
    return (unicodedata.category(ch).startswith("M") or code == 0x200D
            or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F or _regional(ch))


def _cluster_tokens(text: str) -> list[tuple[int, int]]:
    """Tokenise character by character, keeping character clusters whole (see _glues)."""
    tokens: list[tuple[int, int]] = []
    start, word, run, previous = None, False, 0, ""
    for i, ch in enumerate(text):
        if ch < "\x80":
            # Most characters: ASCII glues only onto a zero-width joiner, and ends a flag.
            run = 0
            glues = previous == "\u200d"
        else:
            run = run + 1 if _regional(ch) else 0
            glues = i > 0 and _glues(previous, ch, run - 1)
        previous = ch
        if glues and start is not None:
            continue
        is_word = ch.isalnum() or ch == "_"
        if start is not None and not (word and is_word):
            tokens.append((start, i))
            start = None
        if not ch.isspace():
            if start is None:
                start = i
            word = is_word
    if start is not None:
        tokens.append((start, len(text)))
    return tokens


def _cut(tokens: list[tuple[int, int]], cuts: Iterable[int]) -> list[tuple[int, int]]:
    """Split tokens at each offset in `cuts` that falls inside one."""
    cuts = sorted(set(cuts))
    if not cuts:
        return tokens
    # Find the few tokens that hold a cut rather than looking for cuts in every token.
    starts = [s for s, _ in tokens]
    inner: dict[int, list[int]] = {}  # token index -> its cuts, ascending
    for cut in cuts:
        i = bisect_right(starts, cut) - 1
        if i >= 0 and tokens[i][0] < cut < tokens[i][1]:
            inner.setdefault(i, []).append(cut)
    result, done = [], 0
    for i, offsets in inner.items():  # ascending, as the cuts are
        edges = [tokens[i][0], *offsets, tokens[i][1]]
        result += tokens[done:i]
        result += zip(edges, edges[1:], strict=False)
        done = i + 1
    return result + tokens[done:]


def pick_non_overlapping(spans: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """Keep the longest span of each overlapping group (then the earliest); return (kept, left).

    Spans are tuples starting with (start, end). This is spaCy's filter_spans rule, used for both
    doc.ents and BIO tags so the two agree.
    """
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0] - spans[i][1], spans[i][0], i))
    starts: list[int] = []
    ends: list[int] = []
    kept, left = [], []
    for i in order:
        s, e = spans[i][0], spans[i][1]
        at = bisect_left(starts, e)
        if at and ends[at - 1] > s:
            left.append(spans[i])
            continue
        starts.insert(at, s)
        ends.insert(at, e)
        kept.append(spans[i])
    return sorted(kept), left


def bio_tags(text: str, spans: list[tuple[int, int, str]]) -> tuple[list, list[str], Counter]:
    """Tag tokens with B-/I-/O for non-overlapping (start, end, label) spans.

    Tokens are cut at every span edge, so each span comes back whole; a span only loses the
    whitespace at its edges (counted as "trimmed"), or all of itself if it is only whitespace.
    """
    counts: Counter = Counter()
    cuts = [offset for s, e, _ in spans for offset in (s, e)]
    plain = tokenize(text)
    tokens = _cut(plain, cuts)
    counts["tokens_cut_at_span_edges"] = len(tokens) - len(plain)
    tags = ["O"] * len(tokens)
    starts = [s for s, _ in tokens]
    for s, e, label in spans:
        first, last = bisect_left(starts, s), bisect_left(starts, e)
        inside = [i for i in range(first, last) if tokens[i][1] <= e]
        if not inside:
            counts["whitespace_only_spans"] += 1
            continue
        if tokens[inside[0]][0] != s or tokens[inside[-1]][1] != e:
            counts["trimmed_spans"] += 1
        label = "_".join(label.split())
        tags[inside[0]] = f"B-{label}"
        for i in inside[1:]:
            tags[i] = f"I-{label}"
    return tokens, tags, +counts


def bio_words(text: str, spans: list[tuple[int, int, str]]) -> tuple[list[str], list[str],
                                                                      Counter]:
    """bio_tags for sorted, non-overlapping spans (pick_non_overlapping's kept), with tokens as
    their words: the same words, tags and counts.

    When no character of the text can glue onto another (nearly all news text), the regex
    engine finds the words of each stretch between span edges at once, and the tags are made a
    stretch at a time; a per-token Python loop took most of a CoNLL export's time.
    """
    if _may_glue(text) or any(a[1] > b[0] for a, b in zip(spans, spans[1:], strict=False)):
        tokens, tags, counts = bio_tags(text, spans)
        return [text[s:e] for s, e in tokens], tags, counts
    counts: Counter = Counter()
    words: list[str] = []
    tags: list[str] = []
    at = 0
    for start, end, label in spans:
        outside = _WORD_OR_SYMBOL.findall(text, at, start)
        words += outside
        tags += ["O"] * len(outside)
        inside = _WORD_OR_SYMBOL.findall(text, start, end)
        at = end
        if not inside:
            counts["whitespace_only_spans"] += 1
            continue
        if text[start].isspace() or text[end - 1].isspace():
            counts["trimmed_spans"] += 1
        label = "_".join(label.split())
        words += inside
        tags.append(f"B-{label}")
        tags += [f"I-{label}"] * (len(inside) - 1)
    rest = _WORD_OR_SYMBOL.findall(text, at)
    words += rest
    tags += ["O"] * len(rest)
    # A cut splits a plain token only inside a run of word characters (tokens elsewhere are
    # single symbols).
    cuts = {offset for start, end, _ in spans for offset in (start, end)}
    counts["tokens_cut_at_span_edges"] = sum(
        1 for c in cuts if c > 0 and _TWO_WORD_CHARACTERS.match(text, c - 1))
    return words, tags, +counts
