"""Account pages in a real browser: a manager adds a member from the project page and the new
coder opens the project; an admin deactivates a signed-in user, whose next page is the sign-in
page; a user issues and revokes their own token. axe finds no serious violation on the pages."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from annotator.extensions import db
from tests.browser.support import sign_in
from tests.helpers import add_member, make_document, make_project, make_user

pytestmark = pytest.mark.browser

AXE = Axe()
OPTIONS = {"resultTypes": ["violations"],
           "rules": {"label-content-name-mismatch": {"enabled": True}}}


def check(page, what: str) -> None:
    """Fail on serious or critical accessibility violations of the page as it is now."""
    violations = AXE.run(page, options=OPTIONS).response["violations"]
    blocking = [f"{v['id']}: {v['help']}" for v in violations
                if v["impact"] in ("serious", "critical")]
    assert not blocking, f"{what}: {blocking}"


@pytest.fixture
def ids(app):
    project = make_project("Newsroom")
    other = make_project("Elsewhere")
    users = {name: make_user(name) for name in ("boss", "alice", "newbie")}
    users["root"] = make_user("root", admin=True)
    add_member(project, users["boss"], "manager")
    add_member(project, users["alice"], "coder")
    add_member(other, users["newbie"], "coder")
    make_document(project, "d1", ["Kyiv said the talks would go on."], title="Talks")
    db.session.commit()
    return {"project": project.id, "alice": users["alice"].id}


def test_a_manager_adds_a_member_and_the_new_coder_opens_the_project(new_page, ids):
    newbie = new_page()
    sign_in(newbie, "newbie")
    assert newbie.goto(f"/projects/{ids['project']}").status == 404
    manager = new_page()
    sign_in(manager, "boss")
    manager.goto(f"/projects/{ids['project']}")
    members = manager.locator("#members")
    expect(members.get_by_role("cell", name="alice", exact=True)).to_be_visible()
    check(manager, "project page with members")
    members.get_by_label("User name").fill("newbie")
    members.get_by_label("Role", exact=True).select_option("coder")
    members.get_by_role("button", name="Add member").click()
    expect(manager.locator(".flash-success")).to_contain_text("newbie is now coder")
    expect(members.get_by_role("cell", name="newbie", exact=True)).to_be_visible()
    newbie.goto(f"/projects/{ids['project']}")
    expect(newbie.locator("h1")).to_have_text("Newsroom")
    expect(newbie.get_by_role("link", name="Talks")).to_be_visible()


def test_an_admin_deactivates_a_signed_in_user_whose_next_page_asks_to_sign_in(new_page, ids):
    coder = new_page()
    sign_in(coder, "alice")
    coder.goto(f"/projects/{ids['project']}")
    admin = new_page()
    sign_in(admin, "root")
    admin.goto("/")
    admin.get_by_role("link", name="Accounts").click()
    check(admin, "accounts page")
    admin.get_by_role("link", name="alice").click()
    check(admin, "account page")
    admin.get_by_role("button", name="Deactivate alice").click()
    expect(admin.locator(".flash-success")).to_contain_text("alice is deactivated")
    expect(admin.get_by_role("button", name="Activate alice")).to_be_visible()
    coder.reload()
    expect(coder).to_have_url(re.compile(r".*/auth/login"))
    expect(coder.locator(".flash")).to_contain_text("Please sign in")


def test_a_user_issues_a_token_sees_it_once_and_revokes_it(new_page, ids):
    page = new_page()
    sign_in(page, "alice")
    page.goto("/")
    page.get_by_role("link", name="Your account").click()
    check(page, "own account page")
    page.get_by_label("What the token is for").fill("my notebook")
    page.get_by_role("button", name="Issue a token").click()
    secret = page.get_by_label("Token", exact=True).input_value()
    assert secret.startswith("ann_")
    response = page.request.get(f"/api/projects/{ids['project']}/actors?q=k",
                                headers={"Authorization": f"Bearer {secret}"})
    assert response.status == 200
    page.goto("/account")
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke token").click()
    expect(page.locator(".flash-success")).to_contain_text("“my notebook” is revoked")
    refused = page.request.get(f"/api/projects/{ids['project']}/actors?q=k",
                               headers={"Authorization": f"Bearer {secret}"})
    assert refused.status == 401
