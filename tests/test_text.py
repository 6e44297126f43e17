"""Line endings, paragraph splitting and unstorable text (annotator.text)."""

import pytest

from annotator.text import check_text, normalise_newlines, split_paragraphs


@pytest.mark.parametrize(
    "raw",
    ["one\r\ntwo\r\n\r\nthree", "one\rtwo\r\rthree", "one\ntwo\n\nthree", "one\r\ntwo\r\rthree"],
    ids=["crlf", "lone-cr", "lf", "mixed"],
)
def test_every_line_ending_style_becomes_lf(raw):
    assert normalise_newlines(raw) == "one\ntwo\n\nthree"


def test_blank_lines_separate_paragraphs_and_single_newlines_stay_inside():
    text = "Title\n\nFirst line\nstill first paragraph.\n\n\nSecond."
    assert split_paragraphs(text) == ["Title", "First line\nstill first paragraph.", "Second."]


def test_a_whitespace_only_line_counts_as_blank():
    assert split_paragraphs("One.\n  \t \nTwo.") == ["One.", "Two."]


def test_text_without_blank_lines_has_one_paragraph_per_line():
    assert split_paragraphs("Title\nFirst.\nSecond.") == ["Title", "First.", "Second."]


def test_leading_and_trailing_blank_lines_do_not_switch_to_blank_line_splitting():
    assert split_paragraphs("\n\nTitle\nFirst.\nSecond.\n\n\n") == ["Title", "First.", "Second."]


@pytest.mark.parametrize("raw", ["A\r\n\r\nB\r\nC", "A\r\rB\rC"], ids=["crlf", "lone-cr"])
def test_crlf_and_lone_cr_text_splits_like_lf_text(raw):
    assert split_paragraphs(raw) == ["A", "B\nC"]


def test_paragraphs_are_stripped_but_inner_whitespace_is_kept_exactly():
    text = "  Lead  \t spaced\u00a0text  \n\n\tSecond 😀 e\u0301 \n"
    assert split_paragraphs(text) == ["Lead  \t spaced\u00a0text", "Second 😀 e\u0301"]


@pytest.mark.parametrize("raw", ["", "   ", "\n\n\n", " \r\n \r\n"])
def test_empty_or_blank_text_has_no_paragraphs(raw):
    assert split_paragraphs(raw) == []


@pytest.mark.parametrize(
    "text",
    ["plain", "tab\tvt\x0besc\x1b", "line\u2028sep\u2029para", "zero\ufeffwidth", "😀 𠀀", ""],
)
def test_storable_text_is_accepted(text):
    assert check_text(text) is None


def test_nul_is_refused_with_its_position():
    reason = check_text("abc\x00def")
    assert "NUL" in reason and "character 4" in reason


def test_lone_surrogate_is_refused_with_its_position():
    reason = check_text("ab\ud800c")
    assert "surrogate" in reason and "U+D800" in reason and "character 3" in reason
