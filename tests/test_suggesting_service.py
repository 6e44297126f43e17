"""Suggestion service: suggestion layers in the database, kept out of exports, and scoring."""

import json

import pytest
from sqlalchemy import select

from annotator.cli import main
from annotator.database import sqlite_begin_mode
from annotator.errors import NotFound
from annotator.extensions import db
from annotator.models import Actor, ActorAlias, Attribution, Layer, Span
from annotator.services import suggestions as suggesting
from annotator.services.exporting import export_project
from annotator.services.intake.records import RecordStore
from annotator.services.suggestions import (
    project_gazetteer,
    score_project,
    suggest_document,
    suggest_project,
)
from tests.helpers import make_document, make_project

PARAGRAPHS = [
    "Ukraine and Russia swapped prisoners, Ukraine’s Foreign Ministry said in a statement.",
    "According to Kyiv, Moscow claimed the remains were those of Ukrainian citizens.",
    "“We continue to take our people home,” Zelensky said.",
    "Support independent reporting: Ukraine needs you.",
]


def add_actor(project, name, entity_type, country, aliases, proposed=False):
    actor = Actor(project_id=project.id, name=name, entity_type=entity_type, country=country,
                  sector="GOV", proposed=proposed)
    actor.aliases = [ActorAlias(project_id=project.id, alias=a, folded=a.casefold())
                     for a in aliases]
    db.session.add(actor)
    db.session.flush()
    return actor


@pytest.fixture
def project(app):
    project = make_project("Swaps")
    add_actor(project, "Ukraine / government", "GPE", "UKR", ["Ukraine", "Kyiv"])
    add_actor(project, "Russia / government", "GPE", "RUS", ["Russia", "Moscow"])
    add_actor(project, "Ukraine / Foreign Ministry", "ORG", "UKR",
              ["Ukraine's Foreign Ministry"])
    add_actor(project, "Volodymyr Zelensky", "PER", "UKR", ["Zelensky"], proposed=True)
    return project


@pytest.fixture
def document(project):
    return make_document(project, "doc-1", PARAGRAPHS, boilerplate=(3,))


def suggestion_layers(document):
    return db.session.execute(
        select(Layer).where(Layer.document_id == document.id, Layer.kind == "suggestion")
    ).scalars().all()


def test_suggestions_are_stored_in_a_suggestion_layer_without_user(document):
    suggestions = suggest_document(document)
    [layer] = suggestion_layers(document)
    assert layer.user_id is None and layer.version == 1
    spans = {(s.paragraph.position, s.text, s.label): s.attrs for s in layer.spans}
    assert spans[(0, "Ukraine’s Foreign Ministry", "ACTOR")]["actor_id"] is not None
    assert spans[(0, "Ukraine’s Foreign Ministry", "ACTOR")]["suggestion_source"] == "gazetteer"
    assert spans[(1, "According to", "CUE")]["suggestion_source"] == "lexicon"
    assert spans[(2, "“We continue to take our people home,”", "CONTENT")][
        "suggestion_source"] == "quotes"
    assert {s["kind"] for s in suggestions} == {"actor", "cue", "quote", "attribution"}
    assert len(layer.attributions) == sum(s["kind"] == "attribution" for s in suggestions)


def test_attribution_suggestions_link_their_parts_and_nesting(document):
    suggest_document(document)
    [layer] = suggestion_layers(document)
    by_cue = {}
    for attribution in layer.attributions:
        roles = {}
        for part in attribution.parts:
            roles.setdefault(part.role, []).append(part.span.text)
        by_cue[roles["cue"][0]] = (attribution, roles)
    outer, outer_roles = by_cue["According to"]
    inner, inner_roles = by_cue["claimed"]
    assert outer_roles["source"] == ["Kyiv"]
    assert inner_roles == {"source": ["Moscow"], "cue": ["claimed"],
                           "content": ["the remains were those of Ukrainian citizens"]}
    assert inner.parent_id == outer.id
    statement, roles = by_cue["said in a statement"]
    assert roles["source"] == ["Ukraine’s Foreign Ministry"]
    assert statement.attrs["channel"] == "STATEMENT"
    source_span = next(p.span for p in statement.parts if p.role == "source")
    assert source_span.attrs["actor_id"] is not None


def test_boilerplate_paragraphs_and_proposed_actors_give_no_suggestions(project, document):
    suggestions = suggest_document(document)
    assert all(s["paragraph"] != 3 for s in suggestions)
    assert "Zelensky" not in {s["text"] for s in suggestions if s["kind"] == "actor"}
    assert "Volodymyr Zelensky" not in {e.name for e in project_gazetteer(project).entries}


def test_suggesting_again_replaces_the_previous_suggestions(document):
    first = suggest_document(document)
    count = db.session.execute(select(Span)).scalars().all()
    second = suggest_document(document)
    [layer] = suggestion_layers(document)
    assert len(first) == len(second)
    assert len(db.session.execute(select(Span)).scalars().all()) == len(count)
    assert len(db.session.execute(select(Attribution)).scalars().all()) == len(
        layer.attributions)
    assert layer.version == 2


def test_suggestions_are_never_committed(document):
    suggest_document(document)
    db.session.rollback()
    assert suggestion_layers(document) == []


def test_suggestion_layers_stay_out_of_the_native_export(project, document, tmp_path):
    store = RecordStore(project)
    store.add_all([({"id": "doc-1", "layer": "gold",
                     "paragraphs": [{"index": i, "text": t, "boilerplate": i == 3}
                                    for i, t in enumerate(PARAGRAPHS)],
                     "spans": [], "events": [], "attributions": []}, "test", None)])
    suggest_document(document)
    make_document(project, "doc-2", ["Zelensky said nothing new."])
    suggest_project(project, use_spacy=False)
    out = tmp_path / "export.jsonl"
    export_project(project, "native", out=out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["layer"]) for r in records] == [("doc-1", "gold"), ("doc-2", None)]
    assert all(r["spans"] == [] for r in records)


def test_suggest_project_counts_every_document_and_reports_spacy(project, document):
    make_document(project, "doc-2", ["Moscow said the talks had failed completely."])
    result = suggest_project(project, spacy_model="no_such_pipeline_xyz")
    assert result["documents"] == 2
    assert result["suggestions"]["attribution"] >= 4
    assert result["spacy"] is None and "no_such_pipeline_xyz" in result["spacy_reason"]


def test_score_project_compares_suggestions_with_the_gold_layer(project, document):
    text = PARAGRAPHS[2]
    quote_end = text.index("Zelensky") - 1
    gold = {"id": "doc-1", "layer": "gold",
            "paragraphs": [{"index": i, "text": t, "boilerplate": i == 3}
                           for i, t in enumerate(PARAGRAPHS)],
            "spans": [{"id": "s1", "paragraph": 2, "start": 0, "end": quote_end,
                       "label": "CONTENT"},
                      {"id": "s2", "paragraph": 2, "start": quote_end + 1,
                       "end": quote_end + 9, "label": "SOURCE"},
                      {"id": "s3", "paragraph": 2, "start": quote_end + 10,
                       "end": quote_end + 14, "label": "CUE"},
                      {"id": "s4", "paragraph": 1, "start": 13, "end": 17, "label": "ACTOR",
                       "attrs": {"entity_type": "GPE"}}],
            "events": [],
            "attributions": [{"id": "a1", "source": ["s2"], "cue": ["s3"], "content": ["s1"]}]}
    RecordStore(project).add_all([(gold, "test", None)])
    result = score_project(project, use_spacy=False)
    assert result["layer"] == "gold" and result["documents"] == 1
    kinds = result["kinds"]
    assert kinds["attributions"]["exact"]["recall"] == 1.0
    assert kinds["sources"]["exact"]["recall"] == 1.0
    assert kinds["actors"]["exact"]["recall"] == 1.0
    assert 0 < kinds["cues"]["exact"]["precision"] < 1  # other cues were suggested too
    with pytest.raises(NotFound):
        score_project(project, layer="nobody", use_spacy=False)


def test_suggest_command_stores_each_document_and_leaves_no_write_open(app, runner, project,
                                                                        document):
    make_document(project, "doc-2", ["Moscow said the talks had failed completely."])
    db.session.commit()
    stored = []
    original = suggesting.store_suggestions

    def store(document, suggestions):
        # Each document is stored in a write of its own, begun for it (SQLite: IMMEDIATE).
        stored.append((document.external_id, sqlite_begin_mode.get()))
        return original(document, suggestions)

    suggesting.store_suggestions = store
    try:
        result = runner.invoke(main, ["suggest", "Swaps", "--no-spacy"])
    finally:
        suggesting.store_suggestions = original
    assert result.exit_code == 0, result.output
    assert "suggestions for 2 documents" in result.output
    assert stored == [("doc-1", "IMMEDIATE"), ("doc-2", "IMMEDIATE")]
    db.session.rollback()
    assert len(db.session.execute(select(Layer).where(Layer.kind == "suggestion")).all()) == 2


def test_a_long_document_is_suggested_in_a_child_process_with_the_same_result(project):
    paragraphs = ((0, "“We continue to take our people home,” Zelensky said. " * 1500),
                  (1, "According to Kyiv, Moscow claimed the remains were Ukrainian."))
    job = suggesting.SuggestInput(paragraphs, suggesting.project_entries(project))
    assert job.size > suggesting.INLINE_CHARS
    apart = suggesting.compute_apart(job)
    assert apart == json.loads(json.dumps(suggesting.compute(job)))
    assert {s["kind"] for s in apart} == {"actor", "cue", "quote", "attribution"}
