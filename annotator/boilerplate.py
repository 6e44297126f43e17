"""Flag boilerplate paragraphs (donation appeals, newsletter prompts, buttons, cookie notices).

Flagged paragraphs are kept and only dimmed, so a wrong flag costs little; still, the rules are
conservative: a short UI string counts only when it is the whole paragraph, and the trailing-block
rule needs an appeal header followed by appeal wording. Pure: no Flask, no database.
"""

import re

# Whole-paragraph UI strings, compared after _key() (casefolded, outer punctuation removed).
UI_STRINGS = frozenset(
    {
        # buttons and reminders of donation widgets
        "continue",
        "continue reading",
        "remind me later",
        "remind me next month",
        "not ready to support today",
        "thank you! your reminder is set",
        "maybe later",
        "no thanks",
        "donate",
        "donate now",
        "make a donation",
        "support us",
        "support independent journalism",
        "become a member",
        "become a supporter",
        # close buttons
        "×",
        "✕",
        "✖",
        "close",
        # subscription and sign-in prompts
        "subscribe",
        "subscribe now",
        "subscribe today",
        "sign up",
        "sign up now",
        "sign in",
        "log in",
        "already a subscriber",
        "newsletter",
        "sign up for our newsletter",
        "subscribe to our newsletter",
        "get our newsletter",
        # sharing and navigation
        "share",
        "share this",
        "share this article",
        "share this story",
        "share on facebook",
        "share on twitter",
        "share via email",
        "tweet",
        "email",
        "print",
        "read more",
        "read more here",
        "show more",
        "load more",
        "see more",
        "related",
        "related articles",
        "related stories",
        "more on this story",
        "comments",
        "show comments",
        "view comments",
        "leave a comment",
        "back to top",
        "listen to this article",
        "advertisement",
        "skip advertisement",
        # cookie banners
        "accept",
        "accept all",
        "accept cookies",
        "accept all cookies",
        "reject all",
        "manage cookies",
        "cookie settings",
        "got it",
        "i agree",
    }
)

# Characters stripped from both ends before comparing: punctuation, arrows, bullets, quotes.
_OUTER = " \t\n.,!?:;…»«›‹>→←|•·*\"'“”‘’-–—"

# Longest raw paragraph worth comparing with UI_STRINGS (room for padding and punctuation).
_MAX_UI_LENGTH = max(len(s) for s in UI_STRINGS) + 20

# Short paragraphs that are boilerplate by their opening words.
_MAX_PROMPT_LENGTH = 300
_PROMPTS = re.compile(
    r"""^(?:
        (?:we|this\s+(?:web)?site|our\s+(?:web)?site)\s+uses?\s+cookies
      | by\s+(?:continuing|clicking|using\s+(?:this|our)\s+(?:web)?site)\b.*\bcookies
      | (?:sign\s+up|subscribe|register)\s+(?:now\s+|today\s+)?(?:for|to)\s+(?:our|the)\b
        .{0,40}newsletter
      | (?:read\s+more|read\s+also|also\s+read|see\s+also|related|recommended)\s*:\s*\S
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# Headers that open an outlet's appeal; the header and everything after it are boilerplate.
_APPEAL_HEADERS = re.compile(
    r"""^(?:
        a\ (?:message|note|letter)\ from\ .{1,60}
      | support\ (?:independent|quality|our|free|local)\ (?:journalism|reporting|media)
      | dear\ (?:readers?|friends|subscribers|supporters)
      | before\ you\ go
      | we\ have\ a\ small\ favou?r\ to\ ask
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_MAX_HEADER_LENGTH = 80

# Wording that shows the paragraphs after a header really are an appeal.
_APPEAL_WORDS = re.compile(
    r"\b(?:your\ support|support\ us|support\ our|donat(?:e|es|ed|ing|ion|ions)"
    r"|contribut(?:e|ion|ions)|subscri(?:be|ption|ber|bers)|become\ a\ (?:member|supporter|patron)"
    r"|independent\ journalism|per\ month|a\ month|monthly)\b",
    re.IGNORECASE | re.VERBOSE,
)
_APPEAL_LOOKAHEAD = 8


def _key(paragraph: str) -> str:
    """Return the paragraph casefolded with whitespace collapsed and outer punctuation removed."""
    return " ".join(paragraph.split()).strip(_OUTER).casefold()


def _is_ui_string(paragraph: str) -> bool:
    # Length checks first: most paragraphs are article text, far longer than any UI string.
    if len(paragraph) > _MAX_PROMPT_LENGTH:
        return False
    if len(paragraph) <= _MAX_UI_LENGTH and _key(paragraph) in UI_STRINGS:
        return True
    return _PROMPTS.match(paragraph.lstrip(_OUTER)) is not None


def _appeal_start(paragraphs: list[str]) -> int | None:
    """Return the index of the appeal header that opens a trailing appeal block, if any."""
    # Index 0 is never a header: an article that opens with "Dear readers," is a letter.
    for i in range(1, len(paragraphs)):
        if len(paragraphs[i]) > _MAX_HEADER_LENGTH or not _APPEAL_HEADERS.match(
            _key(paragraphs[i])
        ):
            continue
        following = paragraphs[i + 1 : i + 1 + _APPEAL_LOOKAHEAD]
        if any(_APPEAL_WORDS.search(p) for p in following):
            return i
    return None


def flag_boilerplate(paragraphs: list[str]) -> list[bool]:
    """Return, for each paragraph, whether it is boilerplate."""
    flags = [_is_ui_string(p) for p in paragraphs]
    start = _appeal_start(paragraphs)
    if start is not None:
        flags[start:] = [True] * (len(paragraphs) - start)
    return flags
