"""Find actor mentions in text from a registry of actors and their aliases.

Matching walks a trie of folded alias tokens and keeps the longest alias at each word, so
"Russia's Defense Ministry" is one mention when that alias exists and "Russia's army" still yields
"Russia" (the possessive is its own token). Case is ignored, except that an acronym ("US", "WHO")
must match exactly and a capitalised alias never matches an all-lower-case word ("turkey").
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from .limits import MAX_PER_KIND
from .tokens import APOSTROPHES, WORD, Token, tokenize, tokens_from

ACRONYM_MAX_LETTERS = 5
_END = ""  # trie key that holds the aliases ending at a node; no token is empty


@dataclass(frozen=True)
class ActorEntry:
    """One actor of the registry, with every name it may be mentioned by."""

    actor_id: object
    name: str
    aliases: tuple[str, ...] = ()
    entity_type: str | None = None
    country: str | None = None
    sector: str | None = None


@dataclass
class Gazetteer:
    """A token trie over the names and aliases of a registry."""

    entries: list[ActorEntry]
    root: dict = field(default_factory=dict)
    depth: int = 1  # the most tokens of any alias

    def __post_init__(self):
        for entry in self.entries:
            for alias in dict.fromkeys((entry.name, *entry.aliases)):
                self._add(alias.strip(), entry)

    def _add(self, alias: str, entry: ActorEntry) -> None:
        tokens = tokenize(alias)
        if not tokens:
            return
        node = self.root
        for token in tokens:
            node = node.setdefault(token.folded, {})
        node.setdefault(_END, []).append((alias, entry))
        self.depth = max(self.depth, len(tokens))

    def find(self, text: str, paragraph: int = 0, limit: int | None = MAX_PER_KIND) -> list[dict]:
        """Return actor suggestions for every longest alias match in a paragraph.

        At most `limit` (the first in the paragraph; None: all). Only words are visited, and
        the tokens after one only when an alias starts with it.
        """
        found: list[dict] = []
        at = 0
        for match in WORD.finditer(text):
            if match.start() < at:
                continue  # inside a mention found already
            word = match.group()
            if word.casefold() not in self.root or not (word[0].isalnum() or word[0] == "_"):
                continue
            tokens = tokens_from(text, match.start(), self.depth)
            longest = self._longest_at(text, tokens)
            if longest is not None:
                j, alias, entries = longest
                found.append(actor_suggestion(text, paragraph, tokens[0].start, tokens[j].end,
                                              alias, entries))
                at = tokens[j].end
                if limit is not None and len(found) >= limit:
                    break
        return found

    def _longest_at(self, text: str, tokens: list[Token]):
        """Return (index of the last token, alias, entries) of the longest alias at tokens[0]."""
        node, ends = self.root, []
        for j, token in enumerate(tokens):
            node = node.get(token.folded)
            if node is None:
                break
            if _END in node:
                ends.append((j, node[_END]))
        for j, candidates in reversed(ends):
            covered = text[tokens[0].start:tokens[j].end]
            fitting = [(a, e) for a, e in candidates if case_fits(a, covered)]
            if fitting:
                # An alias written exactly as in the text wins a tie between two actors.
                fitting.sort(key=lambda pair: _plain(pair[0]) != _plain(covered))
                return j, fitting[0][0], [e for _, e in fitting]
        return None


def case_fits(alias: str, covered: str) -> bool:
    """Tell whether text matched case-insensitively is written acceptably for the alias."""
    letters = [c for c in alias if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) <= ACRONYM_MAX_LETTERS:
        return _plain(alias) == _plain(covered)  # "US" is not "us", "WHO" is not "who"
    return not any(c.isupper() for c in alias) or any(c.isupper() for c in covered)


def _plain(text: str) -> str:
    return text.translate(APOSTROPHES)


def actor_suggestion(text: str, paragraph: int, start: int, end: int, alias: str,
                     entries: list[ActorEntry]) -> dict:
    """Build the suggestion dict for one matched alias."""
    entry = entries[0]
    attrs = {"entity_type": entry.entity_type, "country": entry.country, "sector": entry.sector,
             "actor_id": entry.actor_id}
    return {
        "kind": "actor", "paragraph": paragraph, "start": start, "end": end,
        "text": text[start:end], "label": "ACTOR", "source": "gazetteer",
        "attrs": {k: v for k, v in attrs.items() if v is not None},
        "actor_id": entry.actor_id, "alias": alias,
        "alternatives": [e.actor_id for e in entries[1:] if e.actor_id != entry.actor_id],
    }


def find_actors(paragraphs: Iterable[tuple[int, str]], gazetteer: Gazetteer) -> list[dict]:
    """Return actor suggestions for (paragraph index, text) pairs."""
    return [s for index, text in paragraphs for s in gazetteer.find(text, index)]
