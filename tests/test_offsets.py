"""Offsets: code points on the server, UTF-16 units in the browser."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.offsets import OffsetMap, check_span, utf16_length

TEXT = "e\u0301 😀 👩‍❤️‍👩 🇫🇷 Zelensky said"


def test_astral_characters_take_two_utf16_units():
    offsets = OffsetMap(TEXT)
    start = TEXT.index("Zelensky")
    # One extra unit for each astral character before it: 😀, 👩, 👩, 🇫, 🇷.
    assert offsets.to_utf16(start) == start + 5
    assert offsets.from_utf16(offsets.to_utf16(start)) == start
    assert offsets.utf16_length == utf16_length(TEXT)


def test_offset_inside_a_surrogate_pair_is_refused():
    offsets = OffsetMap("a😀b")
    with pytest.raises(ValueError, match="surrogate pair"):
        offsets.from_utf16(2)


@given(st.text(), st.data())
def test_conversion_round_trips_for_any_text(text, data):
    offsets = OffsetMap(text)
    point = data.draw(st.integers(0, len(text)))
    units = offsets.to_utf16(point)
    assert units == utf16_length(text[:point])
    assert offsets.from_utf16(units) == point


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [(-1, 3, "negative"), (3, 3, "greater"), (4, 2, "greater"), (0, 99, "past the end"),
     ("0", 3, "integer"), (0.5, 3, "integer"), (None, 3, "integer"), (True, 3, "integer")],
)
def test_bad_spans_are_explained(start, end, message):
    assert message in check_span("Ukraine", start, end)


def test_a_good_span_passes():
    assert check_span("Ukraine", 0, 7) is None
