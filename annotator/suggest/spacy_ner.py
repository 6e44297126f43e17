"""Actor suggestions from a spaCy pipeline's named entities, when one is installed.

Optional: spaCy may be absent and no pipeline ships with annotator. A pipeline is never
downloaded; only an installed package (or a path) given by name, or the first installed one, is
loaded. When none can be used, the functions say why instead of failing.
"""

from collections.abc import Iterable
from functools import lru_cache

from .limits import MAX_PER_KIND, MAX_SPAN_CHARS, SPACY_MAX_CHARS

# spaCy's OntoNotes labels -> ACE entity types of the codebook; NORP ("Ukrainian") is a group.
LABELS = {"PERSON": "PER", "PER": "PER", "ORG": "ORG", "GPE": "GPE", "NORP": "GPE",
          "LOC": "LOC", "FAC": "FAC"}
ENTITY_PIPES = ("ner", "entity_ruler", "span_ruler")


def load_pipeline(name: str | None = None):
    """Return (pipeline, None), or (None, why not) when no usable pipeline is installed."""
    try:
        return _load(name), None
    except _Unavailable as reason:
        return None, str(reason)


class _Unavailable(Exception):
    pass


@lru_cache(maxsize=4)
def _load(name: str | None):
    try:
        import spacy
    except ImportError:
        raise _Unavailable("spaCy is not installed (pip install 'annotator[spacy]')") from None
    if name is None:
        installed = sorted(spacy.util.get_installed_models())
        if not installed:
            raise _Unavailable("no spaCy pipeline is installed; install one (for example "
                               "en_core_web_sm) to get named-entity suggestions")
        name = installed[0]
    try:
        nlp = spacy.load(name)
    except OSError as error:
        raise _Unavailable(f"spaCy pipeline {name!r} cannot be loaded: {error}") from None
    if not any(nlp.has_pipe(pipe) for pipe in ENTITY_PIPES):
        raise _Unavailable(f"spaCy pipeline {name!r} has no named-entity recogniser")
    return nlp


def entity_suggestions(nlp, paragraphs: Iterable[tuple[int, str]]) -> list[dict]:
    """Return actor suggestions for the entities a pipeline finds in (index, text) pairs.

    At most MAX_PER_KIND per paragraph; paragraphs over SPACY_MAX_CHARS are left out.
    """
    found = []
    # A longer paragraph is not prose (and spaCy would need gigabytes or refuse it): left out.
    pairs = [(index, text) for index, text in paragraphs if len(text) <= SPACY_MAX_CHARS]
    if pairs:
        nlp.max_length = max(nlp.max_length, max(len(text) for _, text in pairs))
    for (index, text), doc in zip(pairs, nlp.pipe(text for _, text in pairs), strict=True):
        kept = 0
        for ent in doc.ents:
            entity_type = LABELS.get(ent.label_)
            if entity_type is None or ent.end_char - ent.start_char > MAX_SPAN_CHARS:
                continue
            if kept == MAX_PER_KIND:
                break
            kept += 1
            found.append({
                "kind": "actor", "paragraph": index, "start": ent.start_char,
                "end": ent.end_char, "text": text[ent.start_char:ent.end_char],
                "label": "ACTOR", "source": "spacy", "attrs": {"entity_type": entity_type},
                "spacy_label": ent.label_,
            })
    return found


def suggest_entities(paragraphs: Iterable[tuple[int, str]],
                     name: str | None = None) -> tuple[list[dict], str | None]:
    """Return (actor suggestions, None), or ([], why not) when no pipeline can be used."""
    nlp, reason = load_pipeline(name)
    if nlp is None:
        return [], reason
    return entity_suggestions(nlp, paragraphs), None
