"""Suggestions that speed coders up: actor mentions, attribution cues, quotations, attributions.

Pure: plain text in, plain suggestion dicts out (no Flask, no database). Every suggestion has
`kind` ("actor", "cue", "quote" or "attribution"), `paragraph`, `start`, `end` (code points,
half-open, into the paragraph text), `text`, `label` (the codebook label it proposes), `attrs`
and `source` (what made it: "gazetteer", "lexicon", "quotes" or "spacy"); an attribution also
has `parts`, {"source": [...], "cue": [...], "content": [...]} lists of spans.

Output is capped per paragraph, and the work is linear in its length (suggest/limits.py): at
most MAX_PER_KIND (100) suggestions of each kind, the first in reading order, and none longer
than MAX_SPAN_CHARS (2,000) characters.
"""

from bisect import bisect_right
from collections.abc import Iterable

from .cues import find_cues
from .gazetteer import ActorEntry, Gazetteer
from .limits import MAX_PER_KIND, MAX_SPAN_CHARS
from .pairing import pair_attributions
from .quotes import quote_spans, quote_suggestions

KINDS = ("actor", "cue", "quote", "attribution")

__all__ = ["KINDS", "MAX_PER_KIND", "MAX_SPAN_CHARS", "ActorEntry", "Gazetteer",
           "suggest_paragraph", "suggest_paragraphs"]


def suggest_paragraph(text: str, index: int = 0, gazetteer: Gazetteer | None = None,
                      extra_actors: Iterable[dict] = ()) -> list[dict]:
    """Return every suggestion for one paragraph.

    `extra_actors` are actor suggestions from elsewhere (a spaCy pipeline); those overlapping a
    registry match are dropped, because the registry also knows the actor's id.
    """
    actors = gazetteer.find(text, index) if gazetteer is not None else []
    actors = _merge_actors(actors, extra_actors)
    cues = find_cues(text, index)
    spans = quote_spans(text)
    quotes = quote_suggestions(text, index, spans)
    outer = [(span[0], span[1]) for span in spans if span[4] == 0]
    attributions = pair_attributions(text, index, cues, outer, actors)
    return actors + cues + quotes + attributions


def _merge_actors(actors: list[dict], extra: Iterable[dict]) -> list[dict]:
    """Add the extra actors that overlap no registry match; keep the first MAX_PER_KIND."""
    starts = [a["start"] for a in actors]  # registry matches never overlap: ends sorted too
    ends = [a["end"] for a in actors]
    merged = list(actors)
    for a in extra:
        i = bisect_right(starts, a["start"]) - 1
        # The match starting last at or before it, or the first starting after it.
        if (i >= 0 and ends[i] > a["start"]) or (i + 1 < len(starts) and starts[i + 1] < a["end"]):
            continue
        merged.append(a)
    merged.sort(key=lambda a: (a["start"], a["end"]))
    return merged[:MAX_PER_KIND]


def suggest_paragraphs(paragraphs: Iterable[tuple[int, str]], gazetteer: Gazetteer | None = None,
                       extra_actors: Iterable[dict] = ()) -> list[dict]:
    """Return every suggestion for (paragraph index, text) pairs."""
    extra_by_paragraph: dict[int, list[dict]] = {}
    for actor in extra_actors:
        extra_by_paragraph.setdefault(actor["paragraph"], []).append(actor)
    found: list[dict] = []
    speaker = None  # the last attribution of the previous paragraph, when it quoted someone
    for index, text in paragraphs:
        suggestions = suggest_paragraph(text, index, gazetteer, extra_by_paragraph.get(index, ()))
        attributions = [s for s in suggestions if s["kind"] == "attribution"]
        continued = speaker is not None and continue_quotation(speaker, suggestions)
        if attributions:
            last = attributions[-1]
            speaker = last if last["attrs"].get("quote_type") != "INDIRECT" else None
        elif not continued:
            speaker = None
        found += suggestions
    return found


def continue_quotation(speaker: dict, suggestions: list[dict]) -> bool:
    """Give a paragraph that opens with an unclaimed quotation to the previous speaker.

    News quotes someone over several paragraphs with one cue: “…,” he said. / “…” / “…”
    Return whether the paragraph continued the quotation.
    """
    claimed = {(p["start"], p["end"]) for s in suggestions if s["kind"] == "attribution"
               for p in s["parts"]["content"]}
    for quote in suggestions:
        if (quote["kind"] == "quote" and quote["attrs"]["depth"] == 0
                and quote["start"] == 0
                and (quote["start"], quote["end"]) not in claimed):
            speaker["parts"]["content"].append(
                {key: quote[key] for key in ("paragraph", "start", "end", "text")})
            return True
    return False
