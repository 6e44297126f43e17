# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)
"""The rules every way in shares (annotator/layers): what drifted between the copies before."""

from sqlalchemy import select

from annotator.codebook import built_in_codebook
from annotator.extensions import db
from annotator.models import Layer, Span
from annotator.services.suggestions import store_suggestions
from tests.helpers import make_document, make_project
from tests.test_api import own_layer, save, span
from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)


def test_ids_that_imports_accept_are_accepted_by_the_api_too(browser, world):
    # brat's discontinuous parts come in as T3.1, T3.2; other tools use colons.
    b = browser("coderA")
    layer = own_layer(b, world.doc1)
    answer = save(b, layer, [span("T3.1", 0, 7), span("ns:span-2", 12, 18)])
    assert answer.status_code == 200, answer.get_json()
    answer = save(b, layer, [{"op": "update_span", "id": "T3.1", "label": "LOCATION"},
                             {"op": "delete_span", "id": "ns:span-2"}], base=1, change_id="c-2")
    assert answer.status_code == 200, answer.get_json()
    assert [(s["id"], s["label"]) for s in own_layer(b, world.doc1)["spans"]] == [
        ("T3.1", "LOCATION")]
    # Characters outside the rule are still refused, naming the field.
    refused = save(b, layer, [span("T3/1", 0, 7)], base=2, change_id="c-3")
    assert refused.status_code == 422 and refused.get_json()["field"] == "span.id"


def _suggestion(label: str, start: int, end: int, text: str) -> dict:
    return {"kind": "actor", "paragraph": 0, "start": start, "end": end, "text": text,
            "label": label, "attrs": {}, "source": "gazetteer"}


def test_suggestions_that_break_the_rules_are_left_out(app):
    # The PolNeAR codebook has no ACTOR label; a suggestion's text must be the paragraph's.
    project = make_project("P", codebook=built_in_codebook("polnear"))
    document = make_document(project, "d1", ["Kyiv said the talks failed."])
    store_suggestions(document, [
        _suggestion("ACTOR", 0, 4, "Kyiv"),
        _suggestion("SOURCE", 0, 4, "Kyiv"),
        _suggestion("SOURCE", 5, 9, "Kyiv"),  # not what [5, 9) covers
        _suggestion("CUE", 5, 40, "said"),  # past the paragraph's end
    ])
    db.session.commit()
    layer = db.session.execute(select(Layer).where(Layer.kind == "suggestion")).scalar_one()
    stored = db.session.execute(select(Span.label, Span.start, Span.end)
                                .where(Span.layer_id == layer.id)).all()
    assert [tuple(row) for row in stored] == [("SOURCE", 0, 4)]
