"""Pair cues with quotations, sources and content into attribution suggestions.

Patterns, within one paragraph (PARC 3.0 / PolNeAR conventions: content keeps its quotation
marks and a leading "that", and drops the sentence's final full stop):
- quote before the cue: “…,” Zelensky said / “…,” says Jimmy Shahinian, a 28-year-old activist;
- quote after the cue: the ministry said in a statement that “…” / he told AFP: “…”;
- no quote: X said (that) … (content runs from the cue to the end of the sentence, or to a
  following quotation, which becomes a second content part), or …, officials said Saturday
  (content runs from the sentence start to the comma);
- "according to X, …" and "…, according to X".
A quotation that directly follows an attribution's last part (“…,” he said. “…”) joins its
content. The source is the nearest actor mention, name, pronoun or short noun phrase next to the
cue. Cues inside a quotation are left alone: they report speech within speech.

Every step costs the same for any paragraph length: quotations are found by bisection, and the
words read around a cue are those of its sentence at most PAIRING_WINDOW characters either side
(suggest/limits.py). A source or content that would run past that window is not suggested.
"""

from bisect import bisect_left, bisect_right

from .limits import MAX_PER_KIND, MAX_SPAN_CHARS, PAIRING_WINDOW
from .tokens import TOKEN, Ranges, Token, sentence_bounds, tokenize_whole

PRONOUNS = frozenset("he she they it we i you who".split())
# Words that may stand between a subject and its cue ("Ukraine also said", "he has said").
GAP = frozenset(
    "also has have had was were is are been later then previously earlier again repeatedly "
    "would will did does do not never once reportedly publicly officially recently further "
    "subsequently ' s ve d ll on yesterday today monday tuesday wednesday thursday friday "
    "saturday sunday".split()
)
# Words that start a new clause, so a subject before a cue stops after them.
CLAUSE = frozenset(
    "that and but while as when after because which where if though although so since before "
    "until whereas or than".split()
)
PREPOSITIONS = frozenset(
    "by from on in at during after before via with for about to through over into".split()
)
TIME_WORDS = frozenset(
    "yesterday today tonight last this earlier later monday tuesday wednesday thursday friday "
    "saturday sunday january february march april may june july august september october "
    "november december".split()
)
# Words that end an inverted source ("says Jimmy Shahinian, a 28-year-old activist with …").
ADJUNCT = PREPOSITIONS | TIME_WORDS | frozenset("while when who which that as adding and".split())
TELL = frozenset("tell tells told telling".split())
OBJECT_PRONOUNS = frozenset("him her them us me you reporters journalists".split())
INTRODUCERS = frozenset(["that", ":", ","])  # what may end the words between a cue and “…”
JOINERS = frozenset("'-.&")  # symbols inside a name: "Russia's", "Al-Qaeda", "U.S.", "AT&T"
MAX_SOURCE_WORDS = 8
MAX_GAP_TOKENS = 8  # between a cue and a quotation after it ("said in a statement that")
MIN_CONTENT_WORDS = 3
CHANNELS = (
    ("statement", "STATEMENT"), ("social media", "SOCIAL_MEDIA"), ("tweet", "SOCIAL_MEDIA"),
    ("twitter", "SOCIAL_MEDIA"), ("facebook", "SOCIAL_MEDIA"), ("interview", "INTERVIEW"),
    ("press conference", "PRESS_CONFERENCE"), ("news conference", "PRESS_CONFERENCE"),
    ("briefing", "BRIEFING"),
)

Bounds = tuple[int, int]
TOO_LONG = object()  # a source that runs past the window: the attribution would be too long


def pair_attributions(text: str, paragraph: int, cues: list[dict], quotes: list[Bounds],
                      actors: list[dict]) -> list[dict]:
    """Return attribution suggestions for one paragraph's cues, quotations and actors.

    `quotes` are the (start, end) of the paragraph's outermost quotations, in reading order.
    """
    pairer = _Pairer(text, quotes, actors, cues)
    found: list[dict] = []
    for cue in cues:
        if pairer.inside_quotes.contains(cue["start"]):
            continue
        attribution = pairer.attribution(cue, found)
        if attribution is not None:
            found.append(attribution)
    pairer.attach_following_quotes(found)
    return _suggestions(text, paragraph, found, actors)


class _Pairer:
    """The state of pairing one paragraph: its quotations, cues, what is used, and the words
    around the cue being paired."""

    def __init__(self, text: str, quotes: list[Bounds], actors: list[dict], cues: list[dict]):
        self.text = text
        self.quotes = quotes
        self.quote_starts = [s for s, _ in quotes]
        self.quote_ends = [e for _, e in quotes]  # quotations never overlap: sorted too
        self.quote_at = dict(quotes)  # start -> end
        self.inside_quotes = Ranges(quotes)
        self.actors = actors
        self.cue_starts = {c["start"]: c for c in cues}
        self.used: set[int] = set()  # starts of quotations already taken as content
        self.window: Bounds = (0, 0)
        self.tokens: list[Token] = []
        self.token_starts: list[int] = []
        self.sentence: Bounds = (0, 0)  # the cue's, as far as the window reaches
        self.clipped = (False, False)  # whether the sentence runs past the window's start, end

    def read_around(self, cue: dict) -> Bounds:
        """Read the words around a cue; return its sentence, as far as the window reaches."""
        n = len(self.text)
        start = max(0, cue["start"] - PAIRING_WINDOW)
        end = min(n, cue["end"] + PAIRING_WINDOW)
        self.window = (start, end)
        self.tokens = tokenize_whole(self.text, start, end)
        self.token_starts = [t.start for t in self.tokens]
        sentences = sentence_bounds(self.text, self.inside_quotes, start, end)
        for i, (s, e) in enumerate(sentences):
            if s <= cue["start"] < e:
                self.clipped = (i == 0 and start > 0, i == len(sentences) - 1 and end < n)
                self.sentence = (s, e)
                return self.sentence
        self.clipped = (start > 0, end < n)
        self.sentence = (start, end)
        return self.sentence

    def attribution(self, cue: dict, found: list[dict]) -> dict | None:
        """Return one attribution {source, cue, content, quote_type} around a cue, or None."""
        sentence = self.read_around(cue)
        span = (cue["start"], cue["end"])
        if cue["attrs"]["cue_type"] == "PREP":
            return self._according_to(span, sentence)
        before = self._quote_before(span)
        if before is not None:
            quote, subject = before
            source = subject or self.source_after(span[1], sentence[1])
            return self._make(source, span, [quote], "DIRECT")
        source = self._subject(cue, span, sentence, found)
        after = self._quote_after(cue, span)
        if after is not None:
            return self._make(source, span, [after], "DIRECT")
        content = self.content_after(cue, span[1], sentence[1])
        if content is None:
            source = source or self.source_after(span[1], sentence[1])
            clause = self.content_before(source or span, sentence[0]) \
                if source is not TOO_LONG else None
            content = [clause] if clause else None
        if content is None:
            return None
        mixed = any(self._quote_within(c) for c in content)
        direct = all(self.quote_at.get(c[0]) == c[1] for c in content)
        kind = "DIRECT" if direct else "MIXED" if mixed or len(content) > 1 else "INDIRECT"
        return self._make(source, span, content, kind)

    def _quote_within(self, bounds: Bounds) -> bool:
        i = bisect_left(self.quote_starts, bounds[0])
        return i < len(self.quotes) and self.quote_ends[i] <= bounds[1]

    def _make(self, source, cue: Bounds, content: list[Bounds], quote_type: str) -> dict | None:
        if source is TOO_LONG:
            return None
        for part in content:
            self.used.add(part[0])
        return {"source": source, "cue": cue, "content": list(content), "quote_type": quote_type}

    def _subject(self, cue: dict, span: Bounds, sentence: Bounds, found: list[dict]):
        """Return the source before a cue; a gerund or a second verb shares the first's."""
        source = self.source_before(span[0], sentence[0])
        earlier = [a for a in found if sentence[0] <= a["cue"][0] < span[0]]
        gerund = cue["text"].endswith("ing") and " " not in cue["text"]
        if earlier and (gerund or self._word_before(span[0]) in ("and", ",")):
            return earlier[-1]["source"]  # "X claimed … and said …", "X confirmed, saying …"
        if gerund:
            previous = [c for c in self.cue_starts if sentence[0] <= c < span[0]]
            return self.source_before(max(previous), sentence[0]) if previous else None
        return source

    # --- quotations -----------------------------------------------------------------------

    def _quote_before(self, cue: Bounds):
        """Find “…,” (source) cue: the quotation ends where only a subject stands before it."""
        i = bisect_right(self.quote_ends, cue[0]) - 1
        if i < 0:
            return None
        quote = self.quotes[i]
        if quote[0] in self.used:
            return None
        core = self.text[quote[1]:cue[0]].strip(" ,\t\n")
        if not core:
            return quote, None
        subject = self.source_before(cue[0], quote[1])
        if subject is not None and subject is not TOO_LONG \
                and self.text[subject[0]:subject[1]] == core:
            return quote, subject
        return None

    def _quote_after(self, cue: dict, span: Bounds) -> Bounds | None:
        """Find cue (that|:) “…”, allowing a short adjunct ("in a statement") in between."""
        start = self._after_recipient(cue, span[1])
        for i in range(bisect_left(self.quote_starts, start), len(self.quotes)):
            quote = self.quotes[i]
            if quote[0] in self.used:
                continue
            gap = self._gap_tokens(start, quote[0])
            if gap is None:
                return None
            introduces = (not gap or gap[-1].folded in INTRODUCERS
                          or gap[0].folded in PREPOSITIONS
                          # the hearer: "told German magazine Der Spiegel “…”"
                          or cue["text"].casefold() in TELL and all(t.is_word for t in gap))
            if introduces and not any(t.text in ".!?;" for t in gap):
                return quote
            return None
        return None

    def _gap_tokens(self, start: int, end: int) -> list[Token] | None:
        """Return the tokens of text[start:end], or None when there are more than
        MAX_GAP_TOKENS (only that many are read)."""
        gap = []
        for match in TOKEN.finditer(self.text, start, end):
            if len(gap) == MAX_GAP_TOKENS:
                return None
            gap.append(Token(match.start(), match.end(), match.group()))
        return gap

    def _after_recipient(self, cue: dict, offset: int) -> int:
        """Skip the hearer after "told" ("told Der Spiegel …", "told reporters …")."""
        if cue["text"].casefold() not in TELL:
            return offset
        tokens = self._tokens_between(offset, self.window[1])
        taken = 0
        while taken < min(len(tokens), 6) and tokens[taken].is_word and (
                tokens[taken].text[0].isupper() or tokens[taken].folded in OBJECT_PRONOUNS
                or tokens[taken].folded in ("the", "a", "an")):
            taken += 1
        return tokens[taken - 1].end if taken else offset

    def attach_following_quotes(self, found: list[dict]) -> None:
        """Add to an attribution the unused quotations that directly follow it."""
        for attribution in found:
            parts = self._parts(attribution)
            first, last = min(s for s, _ in parts), max(end for _, end in parts)
            for i in range(bisect_left(self.quote_starts, last), len(self.quotes)):
                quote = self.quotes[i]
                if quote[0] in self.used:
                    continue
                if self.text[last:quote[0]].strip(" ,.:;\t\n"):
                    break
                attribution["content"].append(quote)
                self.used.add(quote[0])
                last = quote[1]
                if last - first > MAX_SPAN_CHARS:
                    break  # too long to be suggested already

    @staticmethod
    def _parts(attribution: dict) -> list[Bounds]:
        parts = [attribution["cue"], *attribution["content"]]
        return parts + ([attribution["source"]] if attribution["source"] else [])

    # --- sources --------------------------------------------------------------------------

    def _tokens_between(self, start: int, end: int) -> list[Token]:
        """Return the window's tokens inside text[start:end]."""
        i = bisect_left(self.token_starts, start)
        j = bisect_left(self.token_starts, end, lo=i)
        while j > i and self.tokens[j - 1].end > end:
            j -= 1
        return self.tokens[i:j]

    def _word_before(self, offset: int) -> str | None:
        i = bisect_left(self.token_starts, offset)
        while i > 0 and self.tokens[i - 1].end > offset:
            i -= 1
        return self.tokens[i - 1].folded if i else None

    def source_before(self, cue_start: int, floor: int):
        """Return the subject ending before a cue (skipping "also", "has"), or None.

        TOO_LONG when it may run on past the window.
        """
        clipped = floor < self.window[0] or (self.clipped[0] and floor <= self.sentence[0])
        tokens = self._tokens_between(floor, cue_start)
        while tokens and tokens[-1].folded in GAP:
            tokens.pop()
        chunk: list[Token] = []
        for token in reversed(tokens):
            if (token.folded in CLAUSE or token.start in self.cue_starts
                    or not (token.is_word or self._joins(token))):
                clipped = False
                break
            chunk.append(token)
        chunk.reverse()
        while chunk and not chunk[0].is_word:
            chunk.pop(0)
        if not chunk:
            return TOO_LONG if clipped and tokens else None
        if clipped or len([t for t in chunk if t.is_word]) > MAX_SOURCE_WORDS:
            name = self._trailing_name(chunk)
            return TOO_LONG if clipped and name and name[0] == chunk[0].start else name
        return chunk[0].start, chunk[-1].end

    def _trailing_name(self, chunk: list[Token]) -> Bounds | None:
        """Return the actor mention or capitalised name that ends a long chunk, if any."""
        end = chunk[-1].end
        for actor in self.actors:
            if actor["end"] == end:
                return actor["start"], end
        names: list[Token] = []
        for token in reversed(chunk):
            if not (token.text[0].isupper() or self._joins(token)):
                break
            names.insert(0, token)
        return (names[0].start, end) if names and names[0].is_word else None

    def _joins(self, token: Token) -> bool:
        """Tell whether a symbol sits inside a name, touching the word before it."""
        return (token.folded in JOINERS and token.start > 0
                and self.text[token.start - 1].isalnum())

    def source_after(self, cue_end: int, ceiling: int) -> Bounds | None:
        """Return the inverted subject after a cue ("says Jimmy Shahinian, a 28-year-old …")."""
        chunk: list[Token] = []
        commas = 0
        for token in self._tokens_between(cue_end, ceiling):
            if token.folded in ADJUNCT:
                break
            if token.text == ",":
                commas += 1
                if commas > 1 or not chunk:
                    break
            elif not (token.is_word or self._joins(token)):
                break
            chunk.append(token)
        else:
            if self.clipped[1]:
                return None  # it may run on past the window
        while chunk and not chunk[-1].is_word:
            chunk.pop()
        if not chunk or len([t for t in chunk if t.is_word]) > MAX_SOURCE_WORDS + 4:
            return None
        return chunk[0].start, chunk[-1].end

    # --- content --------------------------------------------------------------------------

    def content_after(self, cue: dict, cue_end: int, sentence_end: int) -> list[Bounds] | None:
        """Return the reported clause after a cue, from "that" (if near) to the sentence end.

        A quotation after a comma ends the clause and becomes a content part of its own.
        """
        tokens = self._tokens_between(self._after_recipient(cue, cue_end), sentence_end)
        start = next((i for i, t in enumerate(tokens[:MAX_GAP_TOKENS]) if t.folded == "that"),
                     None)
        if start is None or any(not t.is_word for t in tokens[:start]):
            start = 0
            while start < len(tokens) and tokens[start].text in ",:":
                start += 1
            if start < len(tokens) and tokens[start].folded in PREPOSITIONS | TIME_WORDS:
                return None  # "said on Saturday", "told reporters in Kyiv": no clause follows
        tokens = tokens[start:]
        for i in range(1, len(tokens) - 1):
            following = self.cue_starts.get(tokens[i + 1].start)
            if tokens[i].text == "," and tokens[i + 1].start in self.quote_at:
                clause = self._clause(tokens[:i])
                quote = (tokens[i + 1].start, self.quote_at[tokens[i + 1].start])
                return [clause, quote] if clause else [quote]
            # "X claimed … and said …", "… saying …": the next cue reports on its own.
            if following is not None and tokens[i].folded in ("and", "but", ","):
                tokens = tokens[:i]
                break
            if following is not None and following["text"].endswith("ing"):
                tokens = tokens[:i + 1]
                break
        else:
            if self.clipped[1]:
                return None  # the clause runs on past the window: too long
        clause = self._clause(tokens)
        return [clause] if clause else None

    def content_before(self, anchor: Bounds, sentence_start: int) -> Bounds | None:
        """Return the clause before ", <source> <cue>" from the start of the sentence."""
        if self.clipped[0]:
            return None  # the sentence starts before the window: the clause would be too long
        tokens = self._tokens_between(sentence_start, anchor[0])
        commas = [i for i, t in enumerate(tokens) if t.text == ","]
        if not commas:
            return None
        return self._clause(tokens[:commas[-1]])

    def _clause(self, tokens: list[Token]) -> Bounds | None:
        while tokens and tokens[-1].text in ".!?,;:":
            tokens = tokens[:-1]
        if len([t for t in tokens if t.is_word]) < MIN_CONTENT_WORDS:
            return None
        return tokens[0].start, tokens[-1].end

    def _according_to(self, cue: Bounds, sentence: Bounds) -> dict | None:
        """Pair "according to X, …" and "…, according to X"."""
        tokens = self._tokens_between(cue[1], sentence[1])
        comma = next((i for i, t in enumerate(tokens) if t.text in ",;"), None)
        if comma is None and self.clipped[1]:
            return None  # the source runs on past the window
        source_tokens = tokens[:comma] if comma is not None else tokens
        while source_tokens and not source_tokens[-1].is_word:
            source_tokens = source_tokens[:-1]
        source = (source_tokens[0].start, source_tokens[-1].end) if source_tokens else None
        content = self._clause(self._tokens_between(sentence[0], cue[0]))
        if content is not None and self.clipped[0]:
            return None  # the clause starts before the window: too long
        if content is None and comma is not None:
            if self.clipped[1]:
                return None  # the clause runs on past the window
            content = self._clause(tokens[comma + 1:])
        if content is None:
            return None
        return self._make(source, cue, [content], "INDIRECT")


def _suggestions(text: str, paragraph: int, found: list[dict], actors: list[dict]) -> list[dict]:
    """Build suggestion dicts, with ids and nesting ("According to Kyiv, Moscow claimed …").

    At most MAX_PER_KIND, none stretching over more than MAX_SPAN_CHARS.
    """
    found = [a for a in found if _extent(a) <= MAX_SPAN_CHARS][:MAX_PER_KIND]
    suggestions = [_suggestion(text, paragraph, a, actors) for a in found]
    for n, suggestion in enumerate(suggestions):
        suggestion["id"] = f"p{paragraph}a{n + 1}"
    for suggestion, attribution in zip(suggestions, found, strict=True):
        cue = attribution["cue"]
        outer = [o for o, a in zip(suggestions, found, strict=True) if a is not attribution
                 and any(s <= cue[0] and cue[1] <= e for s, e in a["content"])]
        suggestion["parent"] = outer[-1]["id"] if outer else None
    return suggestions


def _extent(attribution: dict) -> int:
    parts = _Pairer._parts(attribution)
    return max(e for _, e in parts) - min(s for s, _ in parts)


def _channel(text: str, start: int, end: int) -> str | None:
    window = text[start:end].casefold()
    return next((channel for word, channel in CHANNELS if word in window), None)


def _suggestion(text: str, paragraph: int, attribution: dict, actors: list[dict]) -> dict:
    def span(bounds: Bounds) -> dict:
        return {"paragraph": paragraph, "start": bounds[0], "end": bounds[1],
                "text": text[bounds[0]:bounds[1]]}

    def source_span(bounds: Bounds) -> dict:
        found = span(bounds)
        # The actor named in the source, so that the source can be linked to its mention.
        inside = [a for a in actors if bounds[0] <= a["start"] and a["end"] <= bounds[1]]
        if inside and inside[-1].get("actor_id") is not None:
            found["actor_id"] = inside[-1]["actor_id"]
        return found

    source, cue = attribution["source"], attribution["cue"]
    parts = [cue, *attribution["content"]] + ([source] if source else [])
    start, end = min(s for s, _ in parts), max(e for _, e in parts)
    attrs = {"quote_type": attribution["quote_type"]}
    channel = _channel(text, cue[0], min(len(text), cue[1] + 40))
    if channel:
        attrs["channel"] = channel
    if source is not None and text[source[0]].isupper() and (
            text[source[0]:source[1]].casefold() not in PRONOUNS):
        attrs["source_type"] = "NAMED"
    return {
        "kind": "attribution", "paragraph": paragraph, "start": start, "end": end,
        "text": text[start:end], "label": "ATTRIBUTION",
        "source": "quotes" if attribution["quote_type"] != "INDIRECT" else "lexicon",
        "attrs": attrs,
        "parts": {"source": [source_span(source)] if source else [], "cue": [span(cue)],
                  "content": [span(c) for c in sorted(attribution["content"])]},
    }
