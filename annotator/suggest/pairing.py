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
"""

from annotator.suggest.tokens import Token, sentence_bounds, tokenize

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


def pair_attributions(text: str, paragraph: int, cues: list[dict], quotes: list[dict],
                      actors: list[dict]) -> list[dict]:
    """Return attribution suggestions for one paragraph's cues, quotations and actors."""
    outer = [q for q in quotes if q["attrs"]["depth"] == 0]
    sentences = sentence_bounds(text, [(q["start"], q["end"]) for q in outer])
    pairer = _Pairer(text, outer, actors, cues)
    found: list[dict] = []
    for cue in cues:
        if any(q["start"] < cue["start"] < q["end"] for q in outer):
            continue
        sentence = next(((s, e) for s, e in sentences if s <= cue["start"] < e), (0, len(text)))
        attribution = pairer.attribution(cue, sentence, found)
        if attribution is not None:
            found.append(attribution)
    pairer.attach_following_quotes(found)
    return _suggestions(text, paragraph, found, actors)


class _Pairer:
    """The state of pairing one paragraph: its tokens, quotations, cues and what is used."""

    def __init__(self, text: str, quotes: list[dict], actors: list[dict], cues: list[dict]):
        self.text, self.tokens = text, tokenize(text)
        self.quotes, self.actors = quotes, actors
        self.cue_starts = {c["start"]: c for c in cues}
        self.used: set[int] = set()  # starts of quotations already taken as content

    def attribution(self, cue: dict, sentence: Bounds, found: list[dict]) -> dict | None:
        """Return one attribution {source, cue, content, quote_type} around a cue, or None."""
        span = (cue["start"], cue["end"])
        if cue["attrs"]["cue_type"] == "PREP":
            return self._according_to(span, sentence)
        before = self._quote_before(span)
        if before is not None:
            quote, subject = before
            return self._make(subject or self.source_after(span[1], sentence[1]), span,
                              [quote], "DIRECT")
        source = self._subject(cue, span, sentence, found)
        after = self._quote_after(cue, span)
        if after is not None:
            return self._make(source, span, [after], "DIRECT")
        content = self.content_after(cue, span[1], sentence[1])
        if content is None:
            source = source or self.source_after(span[1], sentence[1])
            clause = self.content_before(source or span, sentence[0])
            content = [clause] if clause else None
        if content is None:
            return None
        mixed = any(c[0] <= q["start"] and q["end"] <= c[1] for c in content for q in self.quotes)
        direct = all(any(c == (q["start"], q["end"]) for q in self.quotes) for c in content)
        kind = "DIRECT" if direct else "MIXED" if mixed or len(content) > 1 else "INDIRECT"
        return self._make(source, span, content, kind)

    def _make(self, source, cue: Bounds, content: list[Bounds], quote_type: str) -> dict:
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
        for quote in reversed(self.quotes):
            if quote["end"] > cue[0]:
                continue
            if quote["start"] in self.used:
                return None
            core = self.text[quote["end"]:cue[0]].strip(" ,\t\n")
            if not core:
                return (quote["start"], quote["end"]), None
            subject = self.source_before(cue[0], quote["end"])
            if subject is not None and self.text[subject[0]:subject[1]] == core:
                return (quote["start"], quote["end"]), subject
            return None
        return None

    def _quote_after(self, cue: dict, span: Bounds) -> Bounds | None:
        """Find cue (that|:) “…”, allowing a short adjunct ("in a statement") in between."""
        start = self._after_recipient(cue, span[1])
        for quote in self.quotes:
            if quote["start"] < start or quote["start"] in self.used:
                continue
            gap = tokenize(self.text, start, quote["start"])
            introduces = (not gap or gap[-1].folded in INTRODUCERS
                          or gap[0].folded in PREPOSITIONS
                          # the hearer: "told German magazine Der Spiegel “…”"
                          or cue["text"].casefold() in TELL and all(t.is_word for t in gap))
            if (introduces and len(gap) <= MAX_GAP_TOKENS
                    and not any(t.text in ".!?;" for t in gap)):
                return quote["start"], quote["end"]
            return None
        return None

    def _after_recipient(self, cue: dict, offset: int) -> int:
        """Skip the hearer after "told" ("told Der Spiegel …", "told reporters …")."""
        if cue["text"].casefold() not in TELL:
            return offset
        tokens = self._tokens_between(offset, len(self.text))
        taken = 0
        while taken < min(len(tokens), 6) and tokens[taken].is_word and (
                tokens[taken].text[0].isupper() or tokens[taken].folded in OBJECT_PRONOUNS
                or tokens[taken].folded in ("the", "a", "an")):
            taken += 1
        return tokens[taken - 1].end if taken else offset

    def attach_following_quotes(self, found: list[dict]) -> None:
        """Add to an attribution the unused quotation that directly follows it."""
        for attribution in found:
            last = max(end for _, end in self._parts(attribution))
            for quote in self.quotes:
                if quote["start"] < last or quote["start"] in self.used:
                    continue
                if self.text[last:quote["start"]].strip(" ,.:;\t\n"):
                    break
                attribution["content"].append((quote["start"], quote["end"]))
                self.used.add(quote["start"])
                last = quote["end"]

    @staticmethod
    def _parts(attribution: dict) -> list[Bounds]:
        parts = [attribution["cue"], *attribution["content"]]
        return parts + ([attribution["source"]] if attribution["source"] else [])

    # --- sources --------------------------------------------------------------------------

    def _tokens_between(self, start: int, end: int) -> list[Token]:
        return [t for t in self.tokens if start <= t.start and t.end <= end]

    def _word_before(self, offset: int) -> str | None:
        before = [t for t in self.tokens if t.end <= offset]
        return before[-1].folded if before else None

    def source_before(self, cue_start: int, floor: int) -> Bounds | None:
        """Return the subject ending before a cue (skipping "also", "has"), or None."""
        tokens = self._tokens_between(floor, cue_start)
        while tokens and tokens[-1].folded in GAP:
            tokens.pop()
        chunk: list[Token] = []
        for token in reversed(tokens):
            if (token.folded in CLAUSE or token.start in self.cue_starts
                    or not (token.is_word or self._joins(token))):
                break
            chunk.insert(0, token)
        while chunk and not chunk[0].is_word:
            chunk.pop(0)
        if not chunk:
            return None
        if len([t for t in chunk if t.is_word]) > MAX_SOURCE_WORDS:
            return self._trailing_name(chunk)
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
            if tokens[i].text == "," and any(q["start"] == tokens[i + 1].start
                                             for q in self.quotes):
                clause = self._clause(tokens[:i])
                quote = next((q["start"], q["end"]) for q in self.quotes
                             if q["start"] == tokens[i + 1].start)
                return [clause, quote] if clause else [quote]
            # "X claimed … and said …", "… saying …": the next cue reports on its own.
            if following is not None and tokens[i].folded in ("and", "but", ","):
                tokens = tokens[:i]
                break
            if following is not None and following["text"].endswith("ing"):
                tokens = tokens[:i + 1]
                break
        clause = self._clause(tokens)
        return [clause] if clause else None

    def content_before(self, anchor: Bounds, sentence_start: int) -> Bounds | None:
        """Return the clause before ", <source> <cue>" from the start of the sentence."""
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
        source_tokens = tokens[:comma] if comma is not None else tokens
        while source_tokens and not source_tokens[-1].is_word:
            source_tokens = source_tokens[:-1]
        source = (source_tokens[0].start, source_tokens[-1].end) if source_tokens else None
        content = self._clause(self._tokens_between(sentence[0], cue[0]))
        if content is None and comma is not None:
            content = self._clause(tokens[comma + 1:])
        if content is None:
            return None
        return self._make(source, cue, [content], "INDIRECT")


def _suggestions(text: str, paragraph: int, found: list[dict], actors: list[dict]) -> list[dict]:
    """Build suggestion dicts, with ids and nesting ("According to Kyiv, Moscow claimed …")."""
    suggestions = [_suggestion(text, paragraph, a, actors) for a in found]
    for n, suggestion in enumerate(suggestions):
        suggestion["id"] = f"p{paragraph}a{n + 1}"
    for suggestion, attribution in zip(suggestions, found, strict=True):
        cue = attribution["cue"]
        outer = [o for o, a in zip(suggestions, found, strict=True) if a is not attribution
                 and any(s <= cue[0] and cue[1] <= e for s, e in a["content"])]
        suggestion["parent"] = outer[-1]["id"] if outer else None
    return suggestions


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
