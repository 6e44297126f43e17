"""The C-level text scans (regular expressions, str.find, UTF-16 length arithmetic) that
replaced per-character Python loops in reading and checking give exactly what the loops gave.

Each test keeps the old per-character definition as the reference and compares on any text,
drawn with emoji, flags, skin-tone modifiers, ZWJ sequences, combining marks, lone surrogates,
NUL, CRLF, lone CR and a byte-order mark mixed in.
"""

import re

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.codebook import default_codebook
from annotator.formats.common import ParagraphMap, crlf_positions
from annotator.formats.offsets_units import UNITS, UnitMap, inner_positions
from annotator.layers import record_problems
from annotator.offsets import OffsetMap, astral_positions
from annotator.validation import match_names, name_key, unstorable

SETTINGS = settings(max_examples=300, deadline=None)
PIECES = ["a", "Kyiv ", "1", "é", "e\u0301", "\U0001F44D", "\U0001F44D\U0001F3FD",
          "\U0001F1FA\U0001F1E6", "\U0001F468\u200d\U0001F469\u200d\U0001F467", "#\ufe0f\u20e3",
          "\u1100\u1161\u11a8", "\u0915\u094d\u0937", "\u0600", "\u4e2d", "\uffff",
          "\U0010ffff", "\r\n", "\r", "\n", "\n\n", " ", "\ufeff", "\x00", "\ud800", "\udfff",
          "\ud83d"]
# Any code point (surrogates included), with the pieces above over-represented.
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.characters()), max_size=40).map("".join)
# What a reader can be handed after decoding UTF-8: no lone surrogate.
DECODED = TEXT.map(lambda t: "".join(c for c in t if not 0xD800 <= ord(c) <= 0xDFFF))


def old_astral(text: str) -> list[int]:
    return [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]


def old_unstorable(text: str) -> bool:
    return "\x00" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def old_crlf(body: str, shift: int) -> list[int]:
    return [i + shift for i in range(len(body) - 1) if body[i:i + 2] == "\r\n"]


def old_to_utf16(text: str, offset: int) -> int:
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def outcome(function, *arguments):
    try:
        return "ok", function(*arguments)
    except ValueError as error:
        return "error", str(error)


@SETTINGS
@given(TEXT)
def test_astral_positions_match_the_per_character_scan(text):
    assert astral_positions(text) == old_astral(text)


@SETTINGS
@given(TEXT)
def test_unstorable_matches_the_per_character_scan(text):
    assert unstorable(text) == old_unstorable(text)


@SETTINGS
@given(TEXT, st.integers(0, 3))
def test_crlf_positions_match_the_per_character_scan(text, shift):
    assert crlf_positions(text, shift) == old_crlf(text, shift)


@SETTINGS
@given(TEXT)
def test_offset_map_converts_as_counting_each_character(text):
    offsets = OffsetMap(text)
    assert offsets.utf16_length == old_to_utf16(text, len(text))
    # Every UTF-16 offset: the code point that starts there, or the surrogate-pair error.
    starts = {old_to_utf16(text, p): p for p in range(len(text) + 1)}
    for point in range(len(text) + 1):
        assert offsets.to_utf16(point) == old_to_utf16(text, point)
    for unit in range(-1, offsets.utf16_length + 2):
        result = outcome(offsets.from_utf16, unit)
        if unit in starts:
            assert result == ("ok", starts[unit])
        elif 0 <= unit <= offsets.utf16_length:
            assert result == ("error", f"UTF-16 offset {unit} falls inside a surrogate pair")
        else:
            assert result == ("error", f"offset {unit} is outside the text "
                                       f"(0..{offsets.utf16_length})")


@SETTINGS
@given(DECODED)
def test_unit_map_utf16_matches_per_character_counting(text):
    units = UnitMap(text, "utf16")
    points = UnitMap(text, "codepoints")
    starts = {old_to_utf16(text, p): p for p in range(len(text) + 1)}
    for unit in range(old_to_utf16(text, len(text)) + 1):
        result = outcome(units.to_codepoints, unit)
        if unit not in starts:
            assert result[0] == "error" and "surrogate pair" in result[1]
        else:
            # A UTF-16 offset on a code point fits exactly when that code point fits.
            expected = outcome(points.to_codepoints, starts[unit])
            if expected[0] == "ok":
                assert result == expected
                assert units.from_codepoints(result[1]) == unit
            else:
                assert result == ("error", expected[1].replace(f"offset {starts[unit]} ",
                                                               f"offset {unit} ", 1))


@SETTINGS
@given(DECODED.filter(lambda t: "\x00" not in t))
def test_paragraph_map_drops_each_crlf_as_before(text):
    try:
        pmap = ParagraphMap(text)
    except ValueError as error:
        assert "NUL" in str(error) or "lone surrogate" in str(error)
        return
    shift = 1 if text.startswith("\ufeff") else 0
    assert pmap._dropped == old_crlf(text[shift:], shift)
    # Every span of the whole text lands on the paragraph characters it covers.
    normal = text[shift:].replace("\r\n", "\n").replace("\r", "\n")
    for start in range(len(text)):
        end = len(text)
        result = outcome(pmap.locate, start, end)
        if result[0] == "ok":
            for index, a, b in result[1]:
                assert normal[pmap.starts[index] + a:pmap.starts[index] + b] == \
                    pmap.texts[index][a:b]


@SETTINGS
@given(TEXT)
def test_record_check_refuses_exactly_the_texts_the_old_scan_refused(text):
    book = default_codebook()
    record = {"id": "d1", "paragraphs": [{"index": 0, "text": text}]}
    problems = record_problems(record, book)
    refused = "paragraphs[0].text: contains a NUL character or a lone surrogate" in problems
    assert refused == bool(text and old_unstorable(text))


def old_inner(text: str) -> list[int]:
    """Every position inside a grapheme cluster, segmenting the whole text."""
    return [p for cluster in regex.finditer(r"\X", text)
            for p in range(cluster.start() + 1, cluster.end())]


@SETTINGS
@given(TEXT, st.sampled_from(UNITS))
def test_unit_map_finds_cluster_edges_as_segmenting_the_whole_text(text, unit):
    inner = old_inner(text)
    assert inner_positions(text) == inner
    units = UnitMap(text, unit)
    for point in range(-1, len(text) + 2):
        assert units.on_boundary(point) == (point not in inner)
    if unit == "graphemes":
        assert units.clusters == len(text) - len(inner)
        starts = [p for p in range(len(text) + 1) if p not in inner]
        assert [units.to_codepoints(n) for n in range(len(starts))] == starts


@SETTINGS
@given(st.one_of(TEXT, st.sampled_from(["Transfer-money", "SOURCE", " cue_", "Ärger--x"]),
                 st.integers(), st.none()))
def test_name_key_matches_the_uncached_rule(name):
    old = re.sub(r"[^0-9a-z]+", "_", name.casefold()).strip("_") if isinstance(name, str) \
        else name
    assert name_key(name) == old
    assert name_key(name) == old  # and again, from the cache


@SETTINGS
@given(st.sampled_from([{}, {"Source": "x"}, {"polarity": "POSITIVE"}, {"mode": "asserted"}]))
def test_match_names_gives_every_span_its_own_attrs(attrs):
    book = default_codebook()
    label = book["span_labels"][0]["name"]
    record = {"spans": [{"label": label.lower(), "attrs": attrs},
                        {"label": label, "attrs": attrs}]}
    match_names(record, book)
    first, second = record["spans"]
    assert first["label"] == second["label"] == label
    assert first["attrs"] == second["attrs"]
    assert first["attrs"] is not second["attrs"] and first["attrs"] is not attrs
