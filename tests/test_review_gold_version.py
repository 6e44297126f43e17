"""Review decisions through the API must say which gold version they were made against."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import pytest

from annotator.extensions import db
from annotator.models import AuditEntry
from tests.test_reviewing import coded, gold, url  # noqa: F401  (fixture)
from tests.web_fixtures import browser, world  # noqa: F401


def review_entries() -> int:
    db.session.rollback()
    return len(db.session.execute(db.select(AuditEntry.id).where(
        AuditEntry.action.like("review_%"))).all())


@pytest.mark.parametrize("extra", [{}, {"gold_version": None}, {"gold_version": "0"},
                                   {"gold_version": -1}, {"gold_version": True}])
def test_a_decision_without_a_gold_version_is_refused_and_changes_nothing(
        browser, coded, extra):
    answer = browser("reviewerR").post(url(coded, "/decisions"),
                                       {"action": "accept_agreed", **extra})
    assert answer.status_code == 422
    assert answer.get_json()["field"] == "gold_version"
    assert "is required" in answer.get_json()["message"]
    assert gold(coded) is None or gold(coded).spans == []
    assert review_entries() == 0


def test_a_decision_made_against_an_older_gold_is_refused_not_applied(browser, coded):
    first, second = browser("reviewerR"), browser("admin")
    assert first.post(url(coded, "/decisions"), {"action": "accept_agreed",
                                                 "gold_version": 0}).status_code == 200
    spans = {(s.start, s.end, s.label) for s in gold(coded).spans}
    answer = second.post(url(coded, "/decisions"), {
        "action": "reject", "target": "s0-0-7-ACTOR", "gold_version": 0})
    assert answer.status_code == 409 and answer.get_json()["error"] == "stale_version"
    db.session.rollback()
    assert {(s.start, s.end, s.label) for s in gold(coded).spans} == spans
    assert review_entries() == 1
