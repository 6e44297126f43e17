"""static/js/lib/offsets.js, run in Chromium and checked against annotator/offsets.py.

The browser counts UTF-16 units and the server code points; the two must agree at every
boundary, for astral characters, ZWJ sequences, flags and combining marks alike.
"""

import pytest

from annotator.offsets import OffsetMap

TEXTS = [
    "",
    "plain text",
    "😀 Cafe\u0301 said",
    "👩\u200d❤\ufe0f\u200d👩 together",
    "🇫🇷🇩🇪 flags",
    "e\u0301e\u0301",
    "𠀀 CJK B, देवनागरी अनुच्छेद, مرحبا 123",
    "line\nbreak\r\nand\ttab",
]

IMPORT = "const o = await import('/static/js/lib/offsets.js');"


@pytest.fixture
def js(page):
    """A page of the app, so that its modules are imported from the app's own origin."""
    page.goto("/auth/login")

    def run(body: str, arg):
        return page.evaluate(f"async (arg) => {{ {IMPORT} {body} }}", arg)

    return run


def test_offsets_agree_with_python_at_every_boundary(js):
    # One page for all texts: starting an app and a browser context per text costs seconds.
    for text in TEXTS:
        check_boundaries(js, text)


def check_boundaries(js, text):
    offsets = OffsetMap(text)
    found = js("""
        const text = arg, n = [...text].length, to = [], back = [], refused = [];
        for (let i = 0; i <= n; i++) {
          to.push(o.cpToUtf16(text, i));
          back.push(o.utf16ToCp(text, to[i]));
        }
        for (let u = 0; u <= text.length; u++) {
          try { o.utf16ToCp(text, u); } catch { refused.push(u); }
        }
        return {to, back, refused, slice: n ? o.sliceCp(text, 1, n) : ""};
    """, text)
    assert found["to"] == [offsets.to_utf16(i) for i in range(len(text) + 1)], text
    assert found["back"] == list(range(len(text) + 1)), text
    # Exactly the offsets inside a surrogate pair are refused, as by the server.
    inside = []
    for u in range(offsets.utf16_length + 1):
        try:
            offsets.from_utf16(u)
        except ValueError:
            inside.append(u)
    assert found["refused"] == inside, text
    assert found["slice"] == text[1:], text


WIDENED = [
    ("a👩\u200d❤\ufe0f\u200d👩b", (1, 3), "👩\u200d❤\ufe0f\u200d👩"),  # half a ZWJ sequence
    ("a👩\u200d❤\ufe0f\u200d👩b", (0, 2), "a👩\u200d❤\ufe0f\u200d👩"),
    ("🇫🇷🇩🇪", (2, 6), "🇫🇷🇩🇪"),  # from inside the first flag into the second
    ("cafe\u0301 noir", (0, 4), "cafe\u0301"),  # e without its accent
    ("😀x", (1, 3), "😀x"),  # from between the surrogates
]


def test_selections_widen_to_whole_characters(js):
    for text, selected, expected in WIDENED:
        start, end = js("const [t, s, e] = arg; return o.snapToGraphemes(t, s, e);",
                        [text, *selected])
        assert text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le") == expected


def test_selections_snap_to_words_and_drop_surrounding_spaces(js):
    text = "  Zelensky said on social media "
    # "lensky s" becomes "Zelensky said"
    assert js("const [t, s, e] = arg; return o.snapToWords(t, s, e);", [text, 4, 12]) == [2, 15]
    assert js("const [t, s, e] = arg; return o.trimSpaces(t, s, e);", [text, 0, 16]) == [2, 15]
