"""Suggest actors, cues, quotations and attributions for documents, and score the suggestions.

Suggestions live in each document's suggestion layer (kind "suggestion", no user), which exports
leave out; running again replaces them. Never commits: the caller owns the transaction.
"""

from collections import Counter

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from annotator.errors import NotFound
from annotator.extensions import db
from annotator.models import Actor, Attribution, AttributionPart, Document, Layer, Project, Span
from annotator.services.records import iter_records
from annotator.suggest import ActorEntry, Gazetteer, suggest_paragraphs
from annotator.suggest.scoring import add_counts, figures, mean_figures, score_document
from annotator.suggest.spacy_ner import entity_suggestions, load_pipeline

ROLES = ("source", "cue", "content")


def project_gazetteer(project: Project) -> Gazetteer:
    """Build a gazetteer from the project's confirmed actors and their aliases."""
    actors = db.session.execute(
        select(Actor)
        .where(Actor.project_id == project.id, Actor.proposed.is_(False))
        .options(selectinload(Actor.aliases))
        .order_by(Actor.id)
    ).scalars().all()
    return Gazetteer([
        ActorEntry(actor.id, actor.name, tuple(sorted(a.alias for a in actor.aliases)),
                   actor.entity_type, actor.country, actor.sector)
        for actor in actors
    ])


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
    if gazetteer is None:
        gazetteer = project_gazetteer(db.session.get(Project, document.project_id))
    paragraphs = [(p.position, p.text) for p in document.paragraphs if not p.boilerplate]
    suggestions = text_suggestions(paragraphs, gazetteer, nlp)
    store_suggestions(document, suggestions)
    return suggestions


def suggest_project(project: Project, use_spacy: bool = True,
                    spacy_model: str | None = None) -> dict:
    """Suggest for every document of a project; return counts per kind and the spaCy status.

    spaCy is used when `use_spacy` and a pipeline is installed (or `spacy_model` names one);
    nothing is ever downloaded.
    """
    gazetteer = project_gazetteer(project)
    nlp, reason = load_pipeline(spacy_model) if use_spacy else (None, "not requested")
    counts: Counter = Counter()
    ids = db.session.execute(
        select(Document.id).where(Document.project_id == project.id).order_by(Document.id)
    ).scalars().all()
    for document_id in ids:
        document = db.session.get(Document, document_id)
        for suggestion in suggest_document(document, gazetteer, nlp):
            counts[suggestion["kind"]] += 1
    return {"documents": len(ids), "suggestions": dict(sorted(counts.items())),
            "spacy": pipeline_name(nlp), "spacy_reason": reason}


def pipeline_name(nlp) -> str | None:
    """Return a loaded spaCy pipeline's package name ("en_core_web_sm"), or None."""
    if nlp is None:
        return None
    return f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}"


def suggestion_layer(document: Document) -> Layer:
    """Return the document's suggestion layer, emptied, creating it if needed."""
    layer = db.session.execute(
        select(Layer).where(Layer.document_id == document.id, Layer.kind == "suggestion",
                            Layer.user_id.is_(None))
    ).scalar_one_or_none()
    if layer is None:
        project = db.session.get(Project, document.project_id)
        layer = Layer(document_id=document.id, kind="suggestion", user_id=None, version=0,
                      codebook_version=project.codebook.version if project.codebook else None)
        db.session.add(layer)
        db.session.flush()
        return layer
    attribution_ids = select(Attribution.id).where(Attribution.layer_id == layer.id)
    db.session.execute(delete(AttributionPart).where(
        AttributionPart.attribution_id.in_(attribution_ids)))
    db.session.execute(delete(Attribution).where(Attribution.layer_id == layer.id))
    db.session.execute(delete(Span).where(Span.layer_id == layer.id))
    db.session.expire(layer)
    return layer


def store_suggestions(document: Document, suggestions: list[dict]) -> Layer:
    """Replace the document's suggestion layer with these suggestions (spans, attributions)."""
    layer = suggestion_layer(document)
    paragraphs = {p.position: p for p in document.paragraphs}
    spans: dict[tuple, Span] = {}

    def span_for(item: dict, label: str, attrs: dict) -> Span:
        key = (item["paragraph"], item["start"], item["end"], label)
        if key not in spans:
            paragraph = paragraphs[item["paragraph"]]
            spans[key] = Span(uid=f"sg{len(spans) + 1}", layer_id=layer.id,
                              paragraph_id=paragraph.id, start=item["start"], end=item["end"],
                              label=label, text=paragraph.text[item["start"]:item["end"]],
                              attrs={})
        spans[key].attrs = {**attrs, **spans[key].attrs}  # the first suggestion's attrs win
        return spans[key]

    attributions = []
    for s in suggestions:
        if s["kind"] != "attribution":
            span_for(s, s["label"], _span_attrs(s))
            continue
        attribution = Attribution(uid=s["id"], layer_id=layer.id,
                                  attrs={**s["attrs"], "suggestion_source": s["source"]})
        for role in ROLES:
            for position, part in enumerate(s["parts"][role]):
                attrs = {"suggestion_source": s["source"]}
                if part.get("actor_id") is not None:
                    attrs["actor_id"] = part["actor_id"]
                attribution.parts.append(AttributionPart(
                    role=role, position=position, span=span_for(part, role.upper(), attrs)))
        attributions.append((s, attribution))
    db.session.add_all(spans.values())
    db.session.add_all(a for _, a in attributions)
    db.session.flush()
    by_uid = {a.uid: a for _, a in attributions}
    for s, attribution in attributions:
        if s.get("parent") in by_uid:
            attribution.parent_id = by_uid[s["parent"]].id
    layer.version += 1
    db.session.flush()
    return layer


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
