"""The annotation page offers "Mark document done" only to those whose status the API accepts."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import re

import pytest

from tests.web_fixtures import browser, world  # noqa: F401  (fixtures)

DONE_BUTTON = re.compile(r'<button type="button" id="done"( hidden)?>')


def offers_done(page: str) -> bool:
    return DONE_BUTTON.search(page).group(1) is None


def status_answer(user, document_id: int) -> int:
    return user.post(f"/api/documents/{document_id}/status", {"status": "done"}).status_code


@pytest.mark.parametrize("name", ["reviewerR", "managerM"])
def test_a_reviewer_or_manager_without_an_assignment_is_not_offered_done(browser, world, name):
    user = browser(name)
    page = user.get(f"/documents/{world.doc1}/annotate").get_data(as_text=True)
    assert not offers_done(page)
    assert status_answer(user, world.doc1) == 403  # what the button would have met


def test_a_coder_on_their_own_layer_is_offered_done_and_may_use_it(browser, world):
    user = browser("coderA")
    page = user.get(f"/documents/{world.doc1}/annotate").get_data(as_text=True)
    assert offers_done(page)
    assert status_answer(user, world.doc1) == 200


def test_nobody_is_offered_done_on_another_layer(browser, world):
    user = browser("reviewerR")
    page = user.get(f"/documents/{world.doc1}/annotate?layer=gold").get_data(as_text=True)
    assert not offers_done(page)
