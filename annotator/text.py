"""Plain-text rules for imported articles: line endings, paragraph splitting, unstorable text.

Pure functions: no Flask, no database. Offsets are only ever taken into the text these return.
"""

import re

# A blank line: a line break, any whitespace-only lines, and the next line break.
_BLANK_LINE = re.compile(r"\n\s*\n")
_SINGLE_LINE = re.compile(r"\n")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def normalise_newlines(s: str) -> str:
    """Turn CRLF and lone CR line endings into LF."""
    if "\r" not in s:
        return s
    return s.replace("\r\n", "\n").replace("\r", "\n")


def split_paragraphs(text: str) -> list[str]:
    """Split text into stripped, non-empty paragraphs.

    Paragraphs are separated by blank lines; a text without any blank line has one paragraph per
    line (a common shape for scraped articles).
    """
    text = normalise_newlines(text).strip()
    separator = _BLANK_LINE if _BLANK_LINE.search(text) else _SINGLE_LINE
    return [part for part in (p.strip() for p in separator.split(text)) if part]


def check_text(s: str) -> str | None:
    """Return why `s` cannot be stored (NUL or a lone surrogate), or None when it can."""
    # PostgreSQL text columns refuse NUL, and a lone surrogate cannot be encoded as UTF-8, so the
    # same file would pass on SQLite and fail on PostgreSQL (or at export) if these got through.
    position = s.find("\x00")
    if position >= 0:
        return f"contains a NUL character (\\x00) at character {position + 1}"
    if not s.isascii():
        match = _SURROGATE.search(s)
        if match:
            return (
                f"contains a lone surrogate (U+{ord(match.group()):04X}) at character "
                f"{match.start() + 1}, which is not valid Unicode text"
            )
    return None
