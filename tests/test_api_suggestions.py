"""The suggestion API: computing on demand, what a coder still sees after deciding, decisions in
the audit log, acceptance rates for managers, and that accepted suggestions save cleanly."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Actor, ActorAlias, AuditEntry, Project, User
from annotator.services.suggestions.review import acceptance_rates, stats_lines
from tests.helpers import make_document
from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)

TEXT = ["“We continue to take our people home,” Zelensky said.",
        "According to Kyiv, Moscow claimed the remains were those of Ukrainian citizens."]


@pytest.fixture
def doc(world):
    project = db.session.get(Project, world.p1)
    actor = Actor(project_id=project.id, name="Ukraine", entity_type="GPE", country="UKR",
                  sector="GOV")
    actor.aliases.append(ActorAlias(project_id=project.id, alias="Kyiv", folded="kyiv"))
    db.session.add(actor)
    document = make_document(project, "quotes", TEXT)
    db.session.commit()
    return document.id


def url(doc: int, tail: str = "") -> str:
    return f"/api/documents/{doc}/suggestions{tail}"


def by_id(answer) -> dict:
    assert answer.status_code == 200, answer.get_json()
    return {s["id"]: s for s in answer.get_json()["suggestions"]}


def decide(b, doc: int, *pairs: tuple[str, str]):
    return b.post(url(doc, "/decisions"),
                  {"decisions": [{"id": i, "decision": d} for i, d in pairs]})


def test_suggestions_are_computed_on_demand_with_codebook_valid_attributes(browser, doc):
    coder = browser("coderA")
    assert coder.get(url(doc)).get_json() == {"computed": False, "suggestions": [], "next": None}

    found = by_id(coder.post(url(doc)))
    assert {s["kind"] for s in found.values()} == {"actor", "cue", "quote", "attribution"}
    kyiv = found["1:13:17:ACTOR"]
    assert kyiv["source"] == "gazetteer"
    assert kyiv["spans"][0]["attrs"] | {"actor_id": 0} == {
        "entity_type": "GPE", "country": "UKR", "sector": "GOV", "actor_id": 0}
    # The quotation's marks, depth and closed, and the cue's type, are the suggester's own.
    assert found["0:0:38:CONTENT"]["spans"][0]["attrs"] == {}
    assert found["1:26:33:CUE"]["spans"][0]["attrs"] == {}
    [inner] = [s for s in found.values() if s["kind"] == "attribution" and s["parent"]]
    assert [(p["role"], p["text"]) for p in inner["spans"]] == [
        ("source", "Moscow"), ("cue", "claimed"),
        ("content", "the remains were those of Ukrainian citizens")]
    assert inner["attrs"] == {"quote_type": "INDIRECT", "source_type": "NAMED"}
    assert inner["parent"] == {"paragraph": 1, "start": 0, "end": 12}
    assert by_id(coder.get(url(doc))) == found
    # Suggestions never land in the coder's layer by themselves.
    layer = coder.get(f"/api/documents/{doc}/layer").get_json()
    assert (layer["spans"], layer["attributions"]) == ([], [])


def test_every_suggestion_can_be_saved_into_the_coders_layer_as_sent(browser, doc):
    coder = browser("coderA")
    found = coder.post(url(doc)).get_json()["suggestions"]
    layer = coder.get(f"/api/documents/{doc}/layer").get_json()["layer"]
    changes, made = [], {}
    for n, suggestion in enumerate(found):
        ids = {"source": [], "cue": [], "content": []}
        for part in suggestion["spans"]:
            key = (part["paragraph"], part["start"], part["end"], part["label"])
            if key not in made:
                made[key] = f"s{len(made)}"
                span = {k: v for k, v in part.items() if k != "role"}
                changes.append({"op": "add_span", "span": {**span, "id": made[key]}})
            if "role" in part:
                ids[part["role"]].append(made[key])
        if suggestion["kind"] == "attribution":
            changes.append({"op": "add_attribution", "attribution": {
                "id": f"a{n}", **ids, "parent": None, "attrs": suggestion["attrs"]}})
    answer = coder.post(f"/api/layers/{layer['id']}/changes",
                        {"change_id": "c-1", "base_version": 0, "changes": changes})
    assert answer.status_code == 200, answer.get_json()


def test_decided_suggestions_disappear_for_that_coder_only_and_are_audited(browser, doc):
    coder = browser("coderA")
    found = by_id(coder.post(url(doc)))
    answer = decide(coder, doc, ("1:13:17:ACTOR", "accepted"), ("0:48:52:CUE", "rejected"))
    assert answer.get_json() == {"recorded": 2}

    left = by_id(coder.get(url(doc)))
    assert set(found) - set(left) == {"1:13:17:ACTOR", "0:48:52:CUE"}
    assert set(by_id(browser("coderC").get(url(doc)))) == set(found)
    rows = db.session.execute(select(AuditEntry).where(AuditEntry.target_type == "suggestion")
                              .order_by(AuditEntry.id)).scalars().all()
    assert [(r.action, r.target_uid, r.after, r.user_id) for r in rows] == [
        ("suggestion_accepted", "1:13:17:ACTOR", {"source": "gazetteer", "kind": "actor"},
         coder_id("coderA")),
        ("suggestion_rejected", "0:48:52:CUE", {"source": "lexicon", "kind": "cue"},
         coder_id("coderA"))]

    # Running the suggester again keeps the decisions: they name what was suggested.
    assert set(by_id(coder.post(url(doc)))) == set(left)
    # An accept that was undone opens the suggestion again.
    decide(coder, doc, ("1:13:17:ACTOR", "reopened"))
    assert "1:13:17:ACTOR" in by_id(coder.get(url(doc)))


def coder_id(name: str) -> int:
    return db.session.execute(select(User.id).where(User.username == name)).scalar_one()


@pytest.mark.parametrize("body, field", [
    ({"decisions": [{"id": "nope", "decision": "accepted"}]}, "decisions[0].id"),
    ({"decisions": [{"id": "1:13:17:ACTOR", "decision": "maybe"}]}, "decisions[0].decision"),
    ({"decisions": []}, "decisions"),
    ([], "decisions"),
])
def test_bad_decisions_are_refused_and_nothing_is_recorded(browser, doc, body, field):
    coder = browser("coderA")
    coder.post(url(doc))
    answer = coder.post(url(doc, "/decisions"), body)
    assert answer.status_code == 422
    assert answer.get_json()["field"] == field
    assert db.session.execute(select(AuditEntry).where(
        AuditEntry.target_type == "suggestion")).first() is None


def test_who_may_see_compute_and_decide(browser, doc, world):
    assert browser().get(url(doc)).status_code == 401
    outsider = browser("coderB")  # a coder of another project
    assert outsider.get(url(doc)).status_code == 404
    assert outsider.post(url(doc)).status_code == 404
    assert decide(outsider, doc, ("1:13:17:ACTOR", "accepted")).status_code == 404
    coder = browser("coderA")
    assert coder.post(url(doc), csrf=False).status_code == 400
    assert coder.post(url(doc, "/decisions"), data="x", content_type="text/plain").status_code \
        == 400
    stats = f"/api/projects/{world.p1}/suggestion-stats"
    assert coder.get(stats).status_code == 403
    assert browser("reviewerR").get(stats).status_code == 403
    assert outsider.get(stats).status_code == 404
    assert browser("managerM").get(stats).status_code == 200


def test_managers_see_acceptance_rates_per_source_counting_each_coders_last_word(
        browser, doc, world):
    a, c = browser("coderA"), browser("coderC")
    a.post(url(doc))
    decide(a, doc, ("1:13:17:ACTOR", "rejected"), ("1:13:17:ACTOR", "accepted"),
           ("0:48:52:CUE", "rejected"), ("0:0:38:CONTENT", "accepted"))
    decide(c, doc, ("1:13:17:ACTOR", "accepted"), ("1:26:33:CUE", "accepted"),
           ("0:0:38:CONTENT", "accepted"), ("0:0:38:CONTENT", "reopened"))
    stats = browser("managerM").get(f"/api/projects/{world.p1}/suggestion-stats").get_json()
    assert stats["decided"] == 5
    assert stats["by_source"] == {
        "gazetteer": {"accepted": 2, "rejected": 0, "rate": 1.0},
        "lexicon": {"accepted": 1, "rejected": 1, "rate": 0.5},
        "quotes": {"accepted": 1, "rejected": 0, "rate": 1.0},
    }
    assert stats["by_kind"]["cue"] == {"accepted": 1, "rejected": 1, "rate": 0.5}
    assert stats["total"] == {"accepted": 4, "rejected": 1, "rate": 0.8}
    assert "  gazetteer    accepted     2  rejected     0   100%" in stats_lines(stats)


def test_acceptance_rate_is_none_when_nothing_was_decided():
    assert acceptance_rates([]) == {"by_source": {}, "by_kind": {},
                                    "total": {"accepted": 0, "rejected": 0, "rate": None}}


def test_suggestions_are_read_in_pages_of_whole_paragraphs(browser, world):
    from annotator.services.suggestions.review import PAGE_SIZE

    project = db.session.get(Project, world.p1)
    actor = Actor(project_id=project.id, name="Ukraine", entity_type="GPE")
    actor.aliases.append(ActorAlias(project_id=project.id, alias="Kyiv", folded="kyiv"))
    db.session.add(actor)
    long = make_document(project, "long", ["Kyiv said the talks went on."] * 200).id
    db.session.commit()
    coder = browser("coderA")

    first = coder.post(url(long)).get_json()
    at = [cue_paragraph(s) for s in first["suggestions"]]
    assert PAGE_SIZE <= len(at) < PAGE_SIZE + 3 and first["next"] == at[-1] + 1
    second = coder.get(url(long, f"?from_paragraph={first['next']}")).get_json()
    assert second["next"] is None and min(map(cue_paragraph, second["suggestions"])) == \
        first["next"]
    ids = [s["id"] for s in first["suggestions"] + second["suggestions"]]
    assert len(ids) == len(set(ids)) == 600  # an actor, a cue and an attribution each
    assert first == coder.get(url(long)).get_json()  # the POST answers with GET's first page
    for bad in ("-1", "x", "1.5", "9" * 12):
        answer = coder.get(url(long, f"?from_paragraph={bad}"))
        assert (answer.status_code, answer.get_json()["field"]) == (422, "from_paragraph")


def cue_paragraph(suggestion: dict) -> int:
    at = [p for p in suggestion["spans"] if p.get("role") == "cue"] or suggestion["spans"]
    return at[0]["paragraph"]


@pytest.mark.parametrize("value", [{"a": 1}, ["1:13:17:ACTOR"], 7, None])
def test_a_decision_whose_id_or_decision_is_not_a_string_is_refused(browser, doc, value):
    coder = browser("coderA")
    coder.post(url(doc))
    for decision, field in (({"id": value, "decision": "accepted"}, "decisions[0].id"),
                            ({"id": "1:13:17:ACTOR", "decision": value},
                             "decisions[0].decision")):
        answer = coder.post(url(doc, "/decisions"), {"decisions": [decision]})
        assert (answer.status_code, answer.get_json()["field"]) == (422, field)
    assert db.session.execute(select(AuditEntry).where(
        AuditEntry.target_type == "suggestion")).first() is None


def test_a_suggester_that_fails_or_runs_out_of_time_is_a_503_and_keeps_the_old_suggestions(
        browser, doc, monkeypatch):
    from annotator.services import suggestions as suggesting
    from annotator.suggest import worker

    coder = browser("coderA")
    before = by_id(coder.post(url(doc)))

    def fail(job):
        raise worker.WorkerFailed("the suggesters took longer than 60 s")

    monkeypatch.setattr(suggesting, "compute_apart", fail)
    answer = coder.post(url(doc))
    assert (answer.status_code, answer.headers["Retry-After"]) == (503, "60")
    assert answer.get_json()["message"] == "No suggestions: the suggesters took longer than 60 s."
    assert by_id(coder.get(url(doc))) == before


def test_the_worker_process_is_stopped_when_it_runs_out_of_time():
    import time

    from annotator.suggest import worker

    began = time.perf_counter()
    with pytest.raises(worker.WorkerFailed, match="longer than 0.05 s"):
        worker.run([(0, "said " * 200_000)], [], timeout=0.05)
    assert time.perf_counter() - began < 5


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_id_past_the_id_columns_range_is_a_404_on_every_database(browser, method):
    coder = browser("coderA")
    for document in (2**31, 10**30):
        answer = coder.client.open(url(document), method=method,
                                   headers={"X-CSRFToken": coder.token})
        assert answer.status_code == 404, answer.get_data(as_text=True)
        assert answer.get_json()["error"] == "not_found"
