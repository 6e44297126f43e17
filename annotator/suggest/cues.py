"""Find attribution cues ("said", "according to", "said in a statement") from a lexicon.

Every verb is listed by its base form and inflected by rule (irregular forms are spelled out).
Forms that are also common nouns ("state", "reports", "claims", "notes") are skipped after a
determiner or a capitalised word ("the report", "United States"), where they are nouns.
"""

from collections.abc import Iterable

from .limits import MAX_PER_KIND
from .tokens import WORD, Token, token_before, tokenize, tokens_from

CUE_VERBS = (
    "say", "tell", "claim", "deny", "quote", "state", "add", "announce", "report", "insist",
    "warn", "argue", "note", "write", "tweet", "assert", "confirm", "explain",
)
# Further verbs that PARC 3.0 and PolNeAR coders mark as cues in news, beyond the list.
MORE_CUE_VERBS = (
    "admit", "acknowledge", "stress", "urge", "reveal", "suggest", "emphasize", "emphasise",
    "predict", "vow", "allege", "concede", "recall", "describe",
)
IRREGULAR = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "write": ("write", "writes", "wrote", "written", "writing"),
}
MULTIWORD = (
    ("according to", "PREP"),
    ("said in a statement", "VERB"),
    ("says in a statement", "VERB"),
    ("say in a statement", "VERB"),
    ("said in a tweet", "VERB"),
)
NOUN_LIKE = frozenset("states reports claims notes quotes tweets".split())
# Bare forms that are mostly nouns or adjectives ("state media"): verbs only after these.
BARE_NOUN_LIKE = frozenset("state report claim note quote tweet".split())
VERB_BEFORE = frozenset(
    "to will would can could may might should must did do does not never i we you they".split()
)
# Words after which an ambiguous form is a noun: determiners, prepositions, noun modifiers.
NOUN_BEFORE = frozenset(
    "a an the this that these those his her its their our my your news media press police "
    "member some any every each no of by in with from for about on".split()
)


def inflections(base: str) -> tuple[str, ...]:
    """Return the verb forms of a base: base, 3rd person, past, (participle), gerund."""
    if base in IRREGULAR:
        return IRREGULAR[base]
    if base.endswith("e"):
        return base, base + "s", base + "d", base[:-1] + "ing"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base, base[:-1] + "ies", base[:-1] + "ied", base + "ing"
    if base.endswith(("s", "sh", "ch", "x", "z")):
        return base, base + "es", base + "ed", base + "ing"
    return base, base + "s", base + "ed", base + "ing"


def build_lexicon(extended: bool = True) -> dict[tuple[str, ...], str]:
    """Return {folded cue tokens: cue_type} for the lexicon, multiword cues included."""
    verbs = CUE_VERBS + (MORE_CUE_VERBS if extended else ())
    lexicon = {(form,): "VERB" for base in verbs for form in inflections(base)}
    for phrase, cue_type in MULTIWORD:
        lexicon[tuple(t.folded for t in tokenize(phrase))] = cue_type
    return lexicon


LEXICON = build_lexicon()
LONGEST = max(len(key) for key in LEXICON)
FIRST_WORDS = frozenset(key[0] for key in LEXICON)


def find_cues(text: str, paragraph: int = 0, lexicon: dict | None = None,
              limit: int | None = MAX_PER_KIND) -> list[dict]:
    """Return cue suggestions for a paragraph, the longest lexicon entry at each word.

    At most `limit` (the first in the paragraph; None: all). Only words are visited, and the
    tokens around one only when it may start a cue, so the cost is linear and small.
    """
    if lexicon is None:
        lexicon, longest, first = LEXICON, LONGEST, FIRST_WORDS
    else:
        longest = max(len(key) for key in lexicon)
        first = frozenset(key[0] for key in lexicon)
    found: list[dict] = []
    last = None  # the last word before the current one (a match: a Token only when needed)
    at = 0
    for match in WORD.finditer(text):
        # (Words hold no apostrophes: casefold is their fold.) Skip those inside a found cue.
        if match.start() >= at and match.group().casefold() in first:
            word = Token(match.start(), match.end(), match.group())
            ahead = tokens_from(text, word.start, longest)
            for size in range(len(ahead), 0, -1):
                key = tuple(t.folded for t in ahead[:size])
                if key in lexicon and not (size == 1 and _noun_use(
                        word, token_before(text, word.start, _token(last)))):
                    found.append(cue_suggestion(text, paragraph, word.start,
                                                ahead[size - 1].end, lexicon[key]))
                    at = ahead[size - 1].end
                    break
            if limit is not None and len(found) >= limit:
                break
        last = match
    return found


def _token(match) -> Token | None:
    return None if match is None else Token(match.start(), match.end(), match.group())


def _noun_use(token: Token, before: Token | None) -> bool:
    """Tell whether an ambiguous form is used as a noun here ("the report", "United States")."""
    if token.folded in BARE_NOUN_LIKE:
        return before is None or before.folded not in VERB_BEFORE
    if token.folded not in NOUN_LIKE or before is None:
        return False
    if before.folded in NOUN_BEFORE or before.folded == "'":
        return True
    # Capitalised in mid-sentence: part of a name ("United States", "Daily Report").
    return token.text[0].isupper() and before.text not in ".!?\"“‘«„:"


def cue_suggestion(text: str, paragraph: int, start: int, end: int, cue_type: str) -> dict:
    """Build the suggestion dict for one cue."""
    return {"kind": "cue", "paragraph": paragraph, "start": start, "end": end,
            "text": text[start:end], "label": "CUE", "source": "lexicon",
            "attrs": {"cue_type": cue_type}}


def find_all_cues(paragraphs: Iterable[tuple[int, str]]) -> list[dict]:
    """Return cue suggestions for (paragraph index, text) pairs."""
    return [s for index, text in paragraphs for s in find_cues(text, index)]
