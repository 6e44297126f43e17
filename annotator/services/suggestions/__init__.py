"""Suggest actors, cues, quotations and attributions for documents, and score the suggestions.

Suggestions live in each document's suggestion layer (kind "suggestion", no user), which exports
leave out; running again replaces them. Never commits: the caller owns the transaction.

A run has three steps, so that no write transaction waits for the suggesters: `suggest_input`
reads the paragraphs and the registry, `compute` suggests from that plain data (in a child
process for a long document, so that it never holds the interpreter lock that other requests
of the same server need), and `store_suggestions` replaces the layer's rows with a few bulk
statements.
"""

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from annotator.errors import NotFound
from annotator.extensions import db
from annotator.layers import LayerItems, bump_version, delete_items, insert_items
from annotator.layers.rules import attribution_problems, span_problems
from annotator.models import Actor, Document, Layer, Paragraph, Project
from annotator.services.records import iter_records
from annotator.suggest import ActorEntry, Gazetteer, suggest_paragraphs, worker
from annotator.suggest.scoring import add_counts, figures, mean_figures, score_document
from annotator.suggest.spacy_ner import entity_suggestions, load_pipeline

ROLES = ("source", "cue", "content")


# A document up to this many characters is suggested in the caller's thread (a few ms); a
# longer one in a child process (suggest/worker.py), stopped after WORKER_TIMEOUT seconds.
INLINE_CHARS = 50_000
WORKER_TIMEOUT = 60


@dataclass(frozen=True)
class SuggestInput:
    """What the suggesters read for one document: plain data, picklable for a worker."""

    paragraphs: tuple[tuple[int, str], ...]  # (position, text), boilerplate left out
    entries: tuple[ActorEntry, ...]  # the project's registry

    @property
    def size(self) -> int:
        return sum(len(text) for _, text in self.paragraphs)


def project_entries(project: Project) -> tuple[ActorEntry, ...]:
    """Return the project's confirmed actors and their aliases as gazetteer entries."""
    actors = db.session.execute(
        select(Actor)
        .where(Actor.project_id == project.id, Actor.proposed.is_(False))
        .options(selectinload(Actor.aliases))
        .order_by(Actor.id)
    ).scalars().all()
    return tuple(
        ActorEntry(actor.id, actor.name, tuple(sorted(a.alias for a in actor.aliases)),
                   actor.entity_type, actor.country, actor.sector)
        for actor in actors
    )


def project_gazetteer(project: Project) -> Gazetteer:
    """Build a gazetteer from the project's confirmed actors and their aliases."""
    return Gazetteer(list(project_entries(project)))


def suggest_input(document: Document, entries: tuple[ActorEntry, ...] | None = None
                  ) -> SuggestInput:
    """Read what suggesting for a document needs (its registry unless `entries` are given)."""
    if entries is None:
        entries = project_entries(db.session.get(Project, document.project_id))
    paragraphs = db.session.execute(
        select(Paragraph.position, Paragraph.text)
        .where(Paragraph.document_id == document.id, Paragraph.boilerplate.is_(False))
        .order_by(Paragraph.position)
    ).all()
    return SuggestInput(tuple((position, text) for position, text in paragraphs), entries)


def compute(job: SuggestInput, nlp=None) -> list[dict]:
    """Return every suggestion for a document's input (pure: no database)."""
    return text_suggestions(list(job.paragraphs), Gazetteer(list(job.entries)), nlp)


def compute_apart(job: SuggestInput) -> list[dict]:
    """Compute a long document's suggestions in a child process, a short one here.

    A server thread that computed for a second would make the other threads of its process
    (other users' saves) wait for the interpreter lock again and again meanwhile.

    :raise: WorkerFailed when the child fails or runs out of time.
    """
    if job.size <= INLINE_CHARS:
        return compute(job)
    return worker.run(list(job.paragraphs), list(job.entries), WORKER_TIMEOUT)


def text_suggestions(paragraphs: list[tuple[int, str]], gazetteer: Gazetteer,
                     nlp=None) -> list[dict]:
    """Return every suggestion for (index, text) pairs, with a spaCy pipeline's if given."""
    extra = entity_suggestions(nlp, paragraphs) if nlp is not None else []
    return suggest_paragraphs(paragraphs, gazetteer, extra)


def suggest_document(document: Document, gazetteer: Gazetteer | None = None,
                     nlp=None) -> list[dict]:
    """Suggest for one document's non-boilerplate paragraphs, store them, and return them.

    The gazetteer defaults to the project's registry; `nlp` is an optional spaCy pipeline
    (see suggest.spacy_ner.load_pipeline).
    """
    entries = tuple(gazetteer.entries) if gazetteer is not None else None
    suggestions = compute(suggest_input(document, entries), nlp)
    store_suggestions(document, suggestions)
    return suggestions


def suggest_project(project: Project, use_spacy: bool = True, spacy_model: str | None = None,
                    store=None) -> dict:
    """Suggest for every document of a project; return counts per kind and the spaCy status.

    spaCy is used when `use_spacy` and a pipeline is installed (or `spacy_model` names one);
    nothing is ever downloaded. `store(document_id, suggestions)` stores one document's
    suggestions (default: store_suggestions in the current transaction); the command line
    passes one that writes each document in a short transaction of its own.
    """
    entries = project_entries(project)
    nlp, reason = load_pipeline(spacy_model) if use_spacy else (None, "not requested")
    counts: Counter = Counter()
    ids = db.session.execute(
        select(Document.id).where(Document.project_id == project.id).order_by(Document.id)
    ).scalars().all()
    for document_id in ids:
        job = suggest_input(db.session.get(Document, document_id), entries)
        suggestions = compute(job, nlp)
        if store is None:
            store_suggestions(db.session.get(Document, document_id), suggestions)
        else:
            store(document_id, suggestions)
        for suggestion in suggestions:
            counts[suggestion["kind"]] += 1
    return {"documents": len(ids), "suggestions": dict(sorted(counts.items())),
            "spacy": pipeline_name(nlp), "spacy_reason": reason}


def pipeline_name(nlp) -> str | None:
    """Return a loaded spaCy pipeline's package name ("en_core_web_sm"), or None."""
    if nlp is None:
        return None
    return f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}"


@dataclass
class SuggestionRows:
    """Suggestions as the rows of a suggestion layer, built before any write."""

    spans: list[dict]  # uid, paragraph (position), start, end, label, text, attrs
    attributions: list[dict]  # uid, parent (uid or None), attrs
    parts: list[tuple[str, str, int, str]]  # attribution uid, role, position, span uid

    def items(self) -> dict:
        """Return the rows as records.layer_items would read them back."""
        roles: dict[str, dict] = {a["uid"]: {role: [] for role in ROLES}
                                  for a in self.attributions}
        for uid, role, _, span in self.parts:
            roles[uid][role].append(span)
        known = {a["uid"] for a in self.attributions}
        return {
            "spans": [{"id": s["uid"], **{k: s[k] for k in (
                "paragraph", "start", "end", "text", "label", "attrs")}} for s in self.spans],
            "events": [],
            "attributions": [{"id": a["uid"], **roles[a["uid"]], "attrs": a["attrs"],
                              "parent": a["parent"] if a["parent"] in known else None}
                             for a in self.attributions],
        }


@dataclass(frozen=True)
class LayerTarget:
    """What writing a document's suggestion layer needs to know of the document."""

    document_id: int
    paragraph_ids: dict  # position -> paragraph id
    texts: dict  # position -> paragraph text
    codebook_version: int | None
    book: dict


def layer_target(document: Document) -> LayerTarget:
    """Read what write_suggestions needs, so that the write itself reads next to nothing."""
    project = db.session.get(Project, document.project_id)
    rows = db.session.execute(
        select(Paragraph.position, Paragraph.id, Paragraph.text)
        .where(Paragraph.document_id == document.id)
    ).all()
    return LayerTarget(document.id, {row.position: row.id for row in rows},
                       {row.position: row.text for row in rows},
                       project.codebook.version, project.codebook.content)


def suggestion_rows(suggestions: list[dict]) -> SuggestionRows:
    """Turn suggestions into layer rows: one span per paragraph, offsets and label."""
    spans: dict[tuple, dict] = {}

    def span_for(item: dict, label: str, attrs: dict) -> str:
        key = (item["paragraph"], item["start"], item["end"], label)
        if key not in spans:
            spans[key] = {"uid": f"sg{len(spans) + 1}", "paragraph": item["paragraph"],
                          "start": item["start"], "end": item["end"], "label": label,
                          "text": item["text"], "attrs": {}}
        spans[key]["attrs"] = {**attrs, **spans[key]["attrs"]}  # the first suggestion's win
        return spans[key]["uid"]

    attributions, parts = [], []
    for s in suggestions:
        if s["kind"] != "attribution":
            span_for(s, s["label"], _span_attrs(s))
            continue
        attributions.append({"uid": s["id"], "parent": s.get("parent"),
                             "attrs": {**s["attrs"], "suggestion_source": s["source"]}})
        for role in ROLES:
            for position, part in enumerate(s["parts"][role]):
                attrs = {"suggestion_source": s["source"]}
                if part.get("actor_id") is not None:
                    attrs["actor_id"] = part["actor_id"]
                parts.append((s["id"], role, position, span_for(part, role.upper(), attrs)))
    return SuggestionRows(list(spans.values()), attributions, parts)


def suggestion_layer(target: LayerTarget) -> Layer:
    """Return the document's suggestion layer, creating it if needed."""
    layer = db.session.execute(
        select(Layer).where(Layer.document_id == target.document_id, Layer.kind == "suggestion",
                            Layer.user_id.is_(None))
    ).scalar_one_or_none()
    if layer is None:
        layer = Layer(document_id=target.document_id, kind="suggestion", user_id=None, version=0,
                      codebook_version=target.codebook_version)
        db.session.add(layer)
        db.session.flush()
    return layer


def store_suggestions(document: Document, suggestions: list[dict]) -> Layer:
    """Replace the document's suggestion layer with these suggestions (spans, attributions)."""
    return write_suggestions(layer_target(document), suggestion_rows(suggestions))


def write_suggestions(target: LayerTarget, rows: SuggestionRows) -> Layer:
    """Replace a suggestion layer's items with those that fit: a few bulk statements."""
    layer = suggestion_layer(target)
    delete_items([layer.id])
    items = fitting(rows.items(), target.texts, target.book)
    insert_items([LayerItems(layer.id, target.document_id, target.paragraph_ids, target.texts,
                             items)])
    bump_version(layer)
    return layer


def fitting(items: dict, texts: dict[int, str], book: dict) -> dict:
    """Leave out suggestions that break the rules of layer items (a label the project's codebook
    does not have, say), and attributions with a part left out.

    A suggestion's attributes are the suggester's notes (its source, an actor link, quote
    marks), which accepting it turns into the codebook's attributes, checked then.
    """
    spans = [s for s in items["spans"] if not span_problems(
        {**s, "attrs": {}}, texts.get(s["paragraph"]), book)]
    kept = {s["id"] for s in spans}

    def span_check(ref: object) -> str | None:
        return None if ref in kept else f"no span {ref!r}"

    attributions = [a for a in items["attributions"]
                    if not attribution_problems({**a, "attrs": {}}, book, span_check)]
    known = {a["id"] for a in attributions}
    for attribution in attributions:
        if attribution["parent"] not in known:
            attribution["parent"] = None
    return {"spans": spans, "events": [], "attributions": attributions}


def _span_attrs(suggestion: dict) -> dict:
    attrs = {**suggestion["attrs"], "suggestion_source": suggestion["source"]}
    if suggestion.get("actor_id") is not None:
        attrs["actor_id"] = suggestion["actor_id"]
    return attrs


def score_project(project: Project, layer: str = "gold", use_spacy: bool = True,
                  spacy_model: str | None = None) -> dict:
    """Score fresh suggestions against a layer ("gold", "coders" or a user name).

    Counts add up over documents; with several layers (coders), each layer is also scored on
    its own and `mean` averages them. Boilerplate paragraphs are left out of both sides.

    :raise: NotFound when the project has no such layer.
    """
    gazetteer = project_gazetteer(project)  # before iter_records, which clears the session
    nlp, reason = load_pipeline(spacy_model) if use_spacy else (None, "not requested")
    name = project.name
    per_layer: dict[str, dict] = {}
    documents = set()
    for record in iter_records(project, layer=layer, include_boilerplate=False):
        paragraphs = [(p["index"], p["text"]) for p in record["paragraphs"]]
        counts = score_document(text_suggestions(paragraphs, gazetteer, nlp), record)
        add_counts(per_layer.setdefault(record["layer"], {}), counts)
        documents.add(record["id"])
    if not per_layer:
        raise NotFound(f"project {name!r} has no {layer!r} layer to score against")
    total: dict = {}
    for counts in per_layer.values():
        add_counts(total, counts)
    result = {"project": name, "layer": layer, "documents": len(documents),
              "layers": len(per_layer), "kinds": figures(total),
              "spacy": pipeline_name(nlp), "spacy_reason": reason}
    if len(per_layer) > 1:
        by_layer = {key: figures(counts) for key, counts in sorted(per_layer.items())}
        result["by_layer"] = by_layer
        result["mean"] = mean_figures(list(by_layer.values()))
    return result
