"""Actor names fit their columns once case-folded; actor ids must come from the project's registry.

Checked when a coder saves, when a file is imported, and by `annotator check`.
"""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import json

import pytest
from sqlalchemy import func, select, update

from annotator.cli import main
from annotator.extensions import db
from annotator.models import Actor, ActorAlias, Layer, Paragraph, Span
from tests.test_api import own_layer, save, span
from tests.web_fixtures import PARAGRAPHS, browser, world  # noqa: F401


@pytest.fixture
def actors(world) -> dict[str, int]:
    """One actor in P1's registry and one in P2's."""
    made = {}
    for key, project in (("p1", world.p1), ("p2", world.p2)):
        actor = Actor(project_id=project, name=f"Ukraine {key}", entity_type="GPE")
        db.session.add(actor)
        db.session.flush()
        made[key] = actor.id
    db.session.commit()
    return made


def count(model) -> int:
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize("body, field", [
    ({"name": "ß" * 300, "entity_type": "ORG"}, "name"),  # 600 characters once folded
    ({"name": "Actor", "entity_type": "ORG", "aliases": ["ß" * 151]}, "aliases"),
])
def test_names_that_grow_past_300_characters_when_folded_get_a_clear_422(
        browser, world, body, field):
    response = browser("managerM").post(f"/api/projects/{world.p1}/actors", body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["field"] == field
    assert "case-folded" in response.get_json()["message"]
    assert count(Actor) == count(ActorAlias) == 0


def test_a_name_that_folds_to_exactly_300_characters_is_kept(browser, world):
    response = browser("managerM").post(f"/api/projects/{world.p1}/actors",
                                        {"name": "ß" * 150, "entity_type": "ORG"})
    assert response.status_code == 201
    assert db.session.execute(select(ActorAlias.folded)).scalar_one() == "ss" * 150


@pytest.mark.parametrize("which", ["other project", "missing"])
def test_a_saved_span_must_name_an_actor_of_the_projects_registry(
        browser, world, actors, which):
    coder = browser("coderA")
    layer = own_layer(coder, world.doc1)
    actor_id = actors["p2"] if which == "other project" else actors["p2"] + 1000
    response = save(coder, layer, [span("s-1", 0, 7, attrs={"actor_id": actor_id})])
    assert response.status_code == 422
    assert response.get_json()["message"] == (
        f"change 0: span.attrs: actor_id: {actor_id} is not an actor of this project's "
        "registry")
    assert count(Span) == 0
    good = save(coder, layer, [span("s-1", 0, 7, attrs={"actor_id": actors["p1"]})])
    assert good.status_code == 200, good.get_json()


def record(layer: str, actor_id: int) -> dict:
    return {"id": "n1", "layer": layer, "paragraphs": [{"index": 0, "text": PARAGRAPHS[0]}],
            "spans": [{"id": "s1", "paragraph": 0, "start": 0, "end": 7, "label": "ACTOR",
                       "attrs": {"entity_type": "GPE", "actor_id": actor_id}}]}


def test_an_import_naming_another_projects_actor_is_refused_by_line(
        runner, world, actors, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(record("gold", actors["p1"])) + "\n"
                    + json.dumps(record("coderA", actors["p2"])) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["import", "P1", str(path), "--format", "native"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert (f"in.jsonl, line 2: spans[0].attrs.actor_id: {actors['p2']} is not an actor of "
            "this project's registry") in result.output
    assert count(Layer) == 0


def test_check_reports_spans_naming_actors_outside_their_registry(runner, world, actors):
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    layer = Layer(document_id=world.doc1, kind="coder", user_id=world.users["coderA"],
                  codebook_version=1, version=1)
    db.session.add(layer)
    db.session.flush()
    db.session.add(Span(uid="s1", layer_id=layer.id, paragraph_id=_first_paragraph(world),
                        start=0, end=7, label="ACTOR", text=PARAGRAPHS[0][:7],
                        attrs={"actor_id": actors["p1"]}))
    db.session.commit()
    assert runner.invoke(main, ["check"]).exit_code == 0
    # Planted behind the app's back, as an old version or a hand-edited database could.
    db.session.execute(update(Span).values(attrs={"actor_id": actors["p2"]}))
    db.session.commit()
    result = runner.invoke(main, ["check"])
    assert result.exit_code != 0
    span_id = db.session.execute(select(Span.id)).scalar_one()
    assert f"span {span_id}: actor_id {actors['p2']} is not an actor of project 'P1'" in (
        result.output)


def _first_paragraph(world) -> int:
    return db.session.execute(select(Paragraph.id).where(
        Paragraph.document_id == world.doc1, Paragraph.position == 0)).scalar_one()
