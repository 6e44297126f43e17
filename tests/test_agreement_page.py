"""The agreement convention on the review page (a GET form) and on the command line."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import json
import re

import pytest

from annotator.cli import main
from annotator.extensions import db
from annotator.models import Project
from annotator.services.intake.records import RecordStore
from tests.web_fixtures import PARAGRAPHS, browser, world  # noqa: F401

TEXT = PARAGRAPHS[0]  # "Ukraine and Russia exchanged prisoners of war, officials said."


def span(sid, start, end, label):
    return {"id": sid, "paragraph": 0, "start": start, "end": end, "label": label,
            "text": TEXT[start:end], "attrs": {}}


def record(layer, spans, content):
    return {"id": "d1", "layer": layer,
            "paragraphs": [{"index": i, "text": t} for i, t in enumerate(PARAGRAPHS)],
            "spans": [span("s", 47, 56, "SOURCE"), span("c", 57, 61, "CUE"), *spans],
            "events": [],
            "attributions": [{"id": "a", "source": ["s"], "cue": ["c"], "content": content,
                              "parent": None, "attrs": {}}]}


@pytest.fixture
def discontinuous(app, world):
    """coderA's content is one annotation in two pieces; coderC's is two annotations."""
    project = db.session.get(Project, world.p1)
    RecordStore(project).add_all([
        (record("coderA", [span("q.1", 0, 18, "CONTENT"), span("q.2", 19, 45, "CONTENT")],
                ["q.1", "q.2"]), "a", 1),
        (record("coderC", [span("p", 0, 18, "CONTENT"), span("q", 19, 45, "CONTENT")],
                ["p", "q"]), "c", 1),
    ])
    db.session.commit()
    return world


def parts_table(html):
    """Return the attribution parts table of the page as {part: exact F1 text}."""
    table = re.search(r'<table class="table" id="attribution-parts">(.*?)</table>', html, re.S)
    assert table, html
    return dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]*)</td>', table.group(1)))


def test_page_shows_the_convention_form_with_the_defaults_chosen(browser, discontinuous):
    html = browser("reviewerR").get(f"/projects/{discontinuous.p1}/agreement").get_data(
        as_text=True)
    assert '<form method="get"' in html
    assert re.search(r'<option selected value="part">', html)
    assert re.search(r'<option selected value="pooled">', html)
    assert "Unit: <strong>part</strong>; average: <strong>pooled</strong>" in html
    assert parts_table(html)["Content"] == "1.000"  # the same set of spans on both sides


def test_figures_follow_the_unit_and_average_chosen_in_the_url(browser, discontinuous):
    reviewer = browser("reviewerR")
    url = f"/projects/{discontinuous.p1}/agreement"
    whole = reviewer.get(url + "?unit=whole&average=pairs")
    assert whole.status_code == 200
    html = whole.get_data(as_text=True)
    assert re.search(r'<option selected value="whole">', html)
    assert re.search(r'<option selected value="pairs">', html)
    # One content annotation against two: no whole unit matches; source and cue do (2 of 7).
    assert parts_table(html) == {"Source": "1.000", "Cue": "1.000", "Content": "0.000",
                                 "All three": "0.571", "Whole attribution": "1.000"}
    fragment = parts_table(reviewer.get(url + "?unit=fragment").get_data(as_text=True))
    assert fragment["Content"] == "1.000" and fragment["All three"] == "1.000"


def test_an_unknown_choice_is_refused_with_the_form_and_no_figures(browser, discontinuous):
    response = browser("reviewerR").get(f"/projects/{discontinuous.p1}/agreement?unit=spans")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Not a valid choice" in html
    assert 'id="attribution-parts"' not in html


@pytest.mark.parametrize("who, status", [("coderA", 403), ("coderB", 404)])
def test_coders_do_not_see_agreement_under_any_convention(browser, discontinuous, who, status):
    url = f"/projects/{discontinuous.p1}/agreement?unit=whole&average=pairs"
    assert browser(who).get(url).status_code == status


def test_command_line_takes_the_convention_and_prints_it(runner, discontinuous):
    db.session.commit()
    printed = runner.invoke(main, ["agreement", "P1", "--unit", "whole", "--average", "pairs"])
    assert printed.exit_code == 0, printed.output
    assert ("Exact F1, all pairs (mean): source 1.000, cue 1.000, content 0.000, all three 0.571"
            in printed.output)
    as_json = json.loads(runner.invoke(main, ["agreement", "P1", "--unit", "fragment",
                                              "--json"]).output)
    assert (as_json["unit"], as_json["average"]) == ("fragment", "pooled")
    assert as_json["attributions"]["overall"]["content"]["exact"]["f1"] == 1.0


def test_command_line_refuses_an_unknown_unit_naming_the_choices(runner, discontinuous):
    result = runner.invoke(main, ["agreement", "P1", "--unit", "spans"])
    assert result.exit_code == 2
    assert "'spans' is not one of 'part', 'fragment', 'whole'" in result.output
