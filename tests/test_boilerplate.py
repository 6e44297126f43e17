"""Boilerplate flagging: UI strings and trailing appeals, never article paragraphs."""

import pytest

from annotator.boilerplate import flag_boilerplate
from annotator.text import split_paragraphs

ARTICLE = [
    "Talks resume in Istanbul",
    "Delegations from both countries met on Monday, officials said.",
    "The next round is expected within weeks.",
]


def paragraphs_of(path):
    return split_paragraphs(path.read_text(encoding="utf-8"))


@pytest.mark.shared
def test_seed_article_appeal_is_flagged_and_article_is_not(shared_dir):
    paragraphs = paragraphs_of(shared_dir / "corpus" / "seed-article.txt")
    flags = flag_boilerplate(paragraphs)
    appeal = paragraphs.index("A Message from The Moscow Times:")
    assert appeal == 10  # the title and 9 article paragraphs come first
    assert flags[:appeal] == [False] * 10
    assert flags[appeal:] == [True] * 13
    assert len(paragraphs) == 23


@pytest.mark.shared
def test_polnear_articles_have_no_boilerplate(shared_dir):
    files = sorted((shared_dir / "corpus" / "polnear-training" / "text").glob("*.txt"))
    assert len(files) == 4
    for path in files:
        flags = flag_boilerplate(paragraphs_of(path))
        assert not any(flags), path.name


@pytest.mark.parametrize(
    "ui",
    [
        "Continue",
        "CONTINUE",
        "Remind me later.",
        "Remind me next month",
        "Not ready to support today?",
        "×",
        "Subscribe",
        "Share this",
        "Read more »",
        "Sign up for our daily newsletter",
        "We use cookies to give you the best experience on our website.",
        "Accept all cookies",
        "Read more: Kyiv says Russian advance halted",
    ],
)
def test_whole_paragraph_ui_strings_are_flagged(ui):
    assert flag_boilerplate([*ARTICLE, ui, ARTICLE[1]]) == [False, False, False, True, False]


@pytest.mark.parametrize(
    "sentence",
    [
        "Continue the talks, the minister urged.",
        "Russia will continue its offensive in Sumy, the ministry said.",
        "Readers were told to subscribe to the official channel for updates.",
        "“Support us,” the protesters chanted outside the parliament.",
        "Share this burden, the president told European leaders.",
        "The bakery uses cookies from a family recipe.",
    ],
)
def test_ui_words_inside_article_sentences_are_not_flagged(sentence):
    assert flag_boilerplate([*ARTICLE, sentence]) == [False] * 4


def test_appeal_header_flags_itself_and_everything_after_it():
    appeal = [
        "Support independent journalism",
        "Our newsroom relies on readers like you.",
        "Please make a monthly contribution today.",
        "Thank you.",
    ]
    assert flag_boilerplate(ARTICLE + appeal) == [False] * 3 + [True] * 4


def test_dear_readers_without_appeal_text_is_not_a_trailing_block():
    letter = [
        "Dear readers,",
        "Tomorrow's edition will appear an hour later because of the strike.",
    ]
    assert flag_boilerplate(ARTICLE + letter) == [False] * 5


def test_an_article_that_opens_with_dear_readers_is_not_flagged_whole():
    letter = ["Dear readers,", "Your support for the flood appeal raised $2 million."]
    assert flag_boilerplate(letter) == [False, False]


def test_one_flag_per_paragraph():
    assert flag_boilerplate([]) == []
    assert len(flag_boilerplate(ARTICLE)) == len(ARTICLE)
