"""The exports' fast paths give exactly what the slow paths they skip would give: the regex
tokeniser against the character loop, and attrs read as JSON text against decoded JSON."""

import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.formats import tokens
from annotator.layers.native import _attrs

# Letters, digits of several scripts, spaces Python counts as such, punctuation, and every kind
# of character that glues onto the one before it: combining accents, variation selectors, the
# zero-width joiner, skin tones, tag characters and regional indicators (flags).
ALPHABET = list(
    "aZ_09 \t\n\u00a0\u2003\x1c.,'’—-=+@😀👩❤👍🚢€²³١٢٣漢字かなक्षञéЖ"
    "\u0301\u0308\u093f\ufe0f\u200d\u200b\u200c\U0001F3FD\U000E0067\U000E007F"
    "\U0001F1FA\U0001F1E6\U0001F1EB\U0001F1F7"
)
CLUSTERS = [
    "Cafe\u0301", "👩\u200d❤\ufe0f\u200d👩", "🇺🇦🇫🇷", "👍🏽", "🏳\ufe0f\u200d🌈", "⚽\ufe0f",
    "क्षत्रिय", "a\u0308\u0301b", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F",
    "🇦🇧🇨", " \u0301x", "\u200d start", "end \u200d",
]


def test_the_regex_classes_are_the_loops_character_classes():
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert bool(re.match(r"\w", ch)) == (ch.isalnum() or ch == "_"), hex(code)
        assert bool(re.match(r"\s", ch)) == ch.isspace(), hex(code)


def test_every_character_that_can_glue_sends_text_down_the_slow_path():
    for code in range(0x80, sys.maxunicode + 1):
        ch = chr(code)
        if tokens._glues("a", ch, 1) or tokens._glues(ch, "a", 0):
            assert tokens._may_glue(f"a{ch}"), hex(code)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=40),
       st.lists(st.integers(min_value=0, max_value=40), max_size=6))
def test_tokenize_matches_the_character_loop(text, cuts):
    assert tokens.tokenize(text, cuts) == _cut_every_token(tokens._cluster_tokens(text), cuts)


def _character_loop(text: str) -> list[tuple[int, int]]:
    """The first per-character tokeniser, which tokens._cluster_tokens must agree with."""
    found: list[tuple[int, int]] = []
    start, word, run = None, False, 0
    for i, ch in enumerate(text):
        run = run + 1 if tokens._regional(ch) else 0
        if i and start is not None and tokens._glues(text[i - 1], ch, run - 1):
            continue
        is_word = ch.isalnum() or ch == "_"
        if start is not None and not (word and is_word):
            found.append((start, i))
            start = None
        if not ch.isspace():
            if start is None:
                start = i
            word = is_word
    if start is not None:
        found.append((start, len(text)))
    return found


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=40))
def test_the_character_loop_with_an_ascii_shortcut_finds_the_same_tokens(text):
    assert tokens._cluster_tokens(text) == _character_loop(text)


def _cut_every_token(tokens, cuts):
    """The straightforward way to cut tokens, which tokens._cut must agree with."""
    cuts = sorted(set(cuts))
    result = []
    for s, e in tokens:
        edges = [s, *(c for c in cuts if s < c < e), e]
        result += list(zip(edges, edges[1:], strict=False))
    return result


def test_the_fast_path_finds_the_character_loops_tokens_in_plain_news_text():
    texts = ["Zoë met José in Kyiv — “quoted” 1,234 € on 2024-05-01.",
             "Russia's Defense Ministry said: 'no comment'.\tKyiv_2 (AP) … ½ ² ٣ 日本語テキスト",
             "don't  split\u00a0non-breaking\u2009thin spaces", "", "   ", "a", "!!"]
    for text in texts:
        assert not tokens._may_glue(text), text  # so tokenize takes the regex
        assert tokens.tokenize(text) == tokens._cluster_tokens(text), text


def test_tokenize_keeps_emoji_and_accents_whole_through_the_slow_path():
    whole = ["Cafe\u0301", "👩\u200d❤\ufe0f\u200d👩", "🇺🇦", "👍🏽", "🏳\ufe0f\u200d🌈", "⚽\ufe0f",
             "a\u0308\u0301b", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"]
    for cluster in whole:
        text = f"Zoë said {cluster}, then: {cluster}."
        found = [text[s:e] for s, e in tokens.tokenize(text)]
        assert found.count(cluster) == 2, (cluster, found)


def test_plain_text_takes_the_fast_path_and_clusters_do_not():
    assert not tokens._may_glue("Zoë met José in Kyiv — “quoted” 1,234 €")
    for cluster in CLUSTERS:
        if any(unicodedata.category(c).startswith("M") or ord(c) > 0xFFFF or c == "\u200d"
               for c in cluster):
            assert tokens._may_glue(cluster), cluster


def test_attrs_read_as_text_decode_as_the_json_column_did():
    assert _attrs("{}") == {} and _attrs(None) == {} and _attrs("null") == {}
    assert _attrs('{"a": [1, "é"], "b": null}') == {"a": [1, "é"], "b": None}
    first, second = _attrs("{}"), _attrs("{}")
    first["x"] = 1
    assert second == {}  # each span gets its own dict


def _sorted_apart(drawn: list[tuple[int, int]], text: str) -> list[tuple[int, int, str]]:
    """Turn drawn (start, length) pairs into sorted, non-overlapping spans of `text`."""
    spans, at = [], 0
    for start, length in sorted(drawn):
        start = max(start, at)
        end = min(start + length, len(text))
        if start < end:
            spans.append((start, end, "ACTOR" if start % 2 else "Quoted content"))
            at = end
    return spans


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=40),
       st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12)), max_size=5))
def test_bio_words_give_bio_tags_words_tags_and_counts(text, drawn):
    spans = _sorted_apart(drawn, text)
    offsets, tags, counts = tokens.bio_tags(text, spans)
    assert tokens.bio_words(text, spans) == ([text[s:e] for s, e in offsets], tags, counts)


def test_bio_words_in_plain_news_text_take_the_regex_and_agree():
    text = "Russia's Defense Ministry said:  'no comment' on Kyiv_2 talks (AP) … 1,234 €."
    kyiv = text.index("Kyiv")
    spans = [(0, 8, "ACTOR"), (9, 25, "ACTOR"), (25, 31, "CUE"),  # " said:" starts with a space
             (text.index("'no"), text.index(" on"), "CONTENT"),
             (kyiv, kyiv + 4, "LOCATION"),  # cuts the word "Kyiv_2"
             (text.index("…"), text.index("…") + 1, "X")]
    assert not tokens._may_glue(text)
    words, tags, counts = tokens.bio_words(text, spans)
    offsets, slow_tags, slow_counts = tokens.bio_tags(text, spans)
    assert words == [text[s:e] for s, e in offsets] and tags == slow_tags
    assert counts == slow_counts
    assert words[:4] == ["Russia", "'", "s", "Defense"] and tags[:4] == ["B-ACTOR", "I-ACTOR",
                                                                         "I-ACTOR", "B-ACTOR"]
    assert counts["trimmed_spans"] == 1 and counts["tokens_cut_at_span_edges"] == 1


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET + CLUSTERS + [" ", "  ", "\u200d ", "word"]),
                max_size=60).map("".join))
def test_tokens_around_joiners_are_the_character_loops_in_long_texts(text):
    # tokenize runs the character loop only on the stretches that hold a joiner
    assert tokens.tokenize(text) == tokens._cluster_tokens(text)


def test_a_joiner_before_whitespace_keeps_gluing_across_it():
    text = "Kyiv a\u200d b 🇺🇦🇫🇷 Cafe\u0301 said"
    assert tokens.tokenize(text) == tokens._cluster_tokens(text)
    assert [text[s:e] for s, e in tokens.tokenize(text)] == [
        "Kyiv", "a\u200d b", "🇺🇦", "🇫🇷", "Cafe\u0301", "said"]
