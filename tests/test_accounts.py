"""Account management: deactivation, passwords and members, from the command line and the
pages; who may manage whom; every change in the audit log."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import pytest
from sqlalchemy import select

from annotator.cli import main
from annotator.extensions import db
from annotator.models import AuditEntry, Membership, User
from tests.helpers import add_member
from tests.web_fixtures import PASSWORD, Browser, browser, world  # noqa: F401  (fixtures)


def run(runner, *args, input=None):
    return runner.invoke(main, list(args), input=input)


def user(name: str) -> User:
    db.session.expire_all()
    return db.session.execute(select(User).where(User.username == name)).scalar_one()


def actions() -> list[str]:
    return db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()


def post(b: Browser, url: str, **form):
    return b.client.post(url, data={**form, "csrf_token": b.token})


def signed_out(b: Browser, world) -> bool:
    """Tell whether the browser's session is refused: pages send it to sign in, the API 401."""
    page = b.get(f"/projects/{world.p1}")
    api = b.get(f"/api/documents/{world.doc1}/layer")
    return (page.status_code == 302 and "/auth/login" in page.headers["Location"]
            and api.status_code == 401)


def test_deactivate_user_on_the_command_line_refuses_the_next_request(runner, world, browser):
    coder = browser("coderA")
    assert coder.get(f"/projects/{world.p1}").status_code == 200
    result = run(runner, "deactivate-user", "coderA")
    assert result.exit_code == 0 and "deactivated coderA" in result.output
    assert signed_out(coder, world)
    assert Browser(coder.client.application.test_client()).login("coderA").status_code == 200
    assert run(runner, "activate-user", "coderA").exit_code == 0
    assert signed_out(coder, world)  # reactivation does not revive the old session
    assert browser("coderA").get(f"/projects/{world.p1}").status_code == 200
    entries = db.session.execute(select(AuditEntry).where(
        AuditEntry.target_uid == str(world.users["coderA"]))).scalars().all()
    assert [e.action for e in entries] == ["deactivate_user", "activate_user"]
    assert all(e.user_id is None and e.after["via"] == "command line" for e in entries)


def test_an_admin_deactivates_a_user_from_the_page_and_their_next_request_is_refused(
        world, browser):
    coder = browser("coderA")
    admin = browser("admin")
    page = admin.get(f"/accounts/{world.users['coderA']}")
    assert page.status_code == 200 and "Deactivate coderA" in page.get_data(as_text=True)
    response = post(admin, f"/accounts/{world.users['coderA']}/active", active="no")
    assert response.status_code == 302
    assert not user("coderA").active and signed_out(coder, world)
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "deactivate_user")).scalar_one()
    assert entry.user_id == world.users["admin"]
    history = admin.get(f"/accounts/{world.users['coderA']}").get_data(as_text=True)
    assert "deactivated the account" in history
    post(admin, f"/accounts/{world.users['coderA']}/active", active="yes")
    assert user("coderA").active and browser("coderA").get("/").status_code == 200


def test_nobody_deactivates_themselves_or_the_last_active_admin(runner, world, browser):
    admin = browser("admin")
    assert post(admin, f"/accounts/{world.users['admin']}/active",
                active="no").status_code == 404  # one's own account is not managed here
    result = run(runner, "deactivate-user", "admin")
    assert result.exit_code == 1 and "last active admin" in result.output
    assert user("admin").active


def test_set_password_from_stdin_signs_the_user_out_and_replaces_the_old_password(
        app, runner, world, browser):
    coder = browser("coderA")
    result = run(runner, "set-password", "coderA", "--password-stdin",
                 input="a new long password\n")
    assert result.exit_code == 0, result.output
    assert signed_out(coder, world)
    fresh = Browser(app.test_client())
    assert fresh.login("coderA", PASSWORD).status_code == 200  # the old one fails
    assert fresh.login("coderA", "a new long password").status_code == 302
    short = run(runner, "set-password", "coderA", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 8 characters" in short.output
    assert actions() == ["set_password"]


def test_changing_ones_own_password_needs_the_current_one_and_ends_other_sessions(
        app, world, browser):
    here, elsewhere = browser("coderA"), browser("coderA")
    wrong = post(here, "/account/password", current="not it", password="another password",
                 confirm="another password")
    assert wrong.status_code == 302 and user("coderA").check_password(PASSWORD)
    assert "not correct" in here.get("/account").get_data(as_text=True)
    post(here, "/account/password", current=PASSWORD, password="another password",
         confirm="another password")
    assert user("coderA").check_password("another password")
    assert here.get(f"/projects/{world.p1}").status_code == 200  # this browser stays in
    assert signed_out(elsewhere, world)
    entry = db.session.execute(select(AuditEntry)).scalar_one()  # the refused try left none
    assert (entry.action, entry.user_id, entry.after) == (
        "set_password", world.users["coderA"], {"user": "coderA", "own": True})
    mismatch = post(here, "/account/password", current="another password",
                    password="third password", confirm="something else")
    assert mismatch.status_code == 302 and user("coderA").check_password("another password")


def test_a_manager_adds_a_member_from_the_project_page_and_the_new_coder_can_open_the_project(
        world, browser):
    outsider = browser("coderB")
    assert outsider.get(f"/projects/{world.p1}").status_code == 404
    manager = browser("managerM")
    page = manager.get(f"/projects/{world.p1}").get_data(as_text=True)
    assert 'id="members"' in page and "coderC" in page
    response = post(manager, f"/projects/{world.p1}/members", username="coderB", role="coder")
    assert response.status_code == 302
    joined = outsider.get(f"/projects/{world.p1}")
    assert joined.status_code == 200 and 'id="members"' not in joined.get_data(as_text=True)
    assert outsider.get(f"/documents/{world.doc1}/annotate").status_code == 200
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "add_member")).scalar_one()
    assert (entry.user_id, entry.project_id, entry.after["role"]) == (
        world.users["managerM"], world.p1, "coder")
    assert "add member" in manager.get(f"/projects/{world.p1}/history").get_data(as_text=True)
    # Then the manager changes the role and removes the member: access follows each step.
    post(manager, f"/projects/{world.p1}/members/role", username="coderB", role="reviewer")
    assert outsider.get(f"/documents/{world.doc1}/review").status_code == 200
    post(manager, f"/projects/{world.p1}/members/remove", username="coderB")
    assert outsider.get(f"/projects/{world.p1}").status_code == 404
    assert actions() == ["add_member", "change_role", "remove_member"]


def test_member_changes_that_are_refused_change_nothing(world, browser):
    manager = browser("managerM")
    for form in ({"username": "nobody", "role": "coder"},      # no such account
                 {"username": "coderA", "role": "coder"},      # already a member
                 {"username": "coderB", "role": "owner"},      # no such role
                 {"username": "", "role": "coder"}):
        post(manager, f"/projects/{world.p1}/members", **form)
    # A manager's membership, their own included, is a site admin's to change.
    post(manager, f"/projects/{world.p1}/members/remove", username="managerM")
    post(manager, f"/projects/{world.p1}/members/role", username="managerM", role="coder")
    page = manager.get(f"/projects/{world.p1}").get_data(as_text=True)
    assert "only a site admin changes or removes a manager" in page.replace("Only", "only")
    assert actions() == []
    roles = dict(db.session.execute(select(User.username, Membership.role).join(
        Membership, Membership.user_id == User.id).where(
        Membership.project_id == world.p1)).all())
    assert roles == {"coderA": "coder", "coderC": "coder", "reviewerR": "reviewer",
                     "managerM": "manager"}
    coder = browser("coderA")
    assert post(coder, f"/projects/{world.p1}/members", username="coderB",
                role="coder").status_code == 403
    admin = browser("admin")
    post(admin, f"/projects/{world.p1}/members/role", username="managerM", role="reviewer")
    assert actions() == ["change_role"]


def test_a_manager_manages_only_accounts_that_work_only_in_projects_they_manage(
        world, browser):
    manager = browser("managerM")
    listed = manager.get("/accounts").get_data(as_text=True)
    linked = {name for name, user_id in world.users.items() if f"/accounts/{user_id}\"" in listed}
    assert linked == {"coderA", "coderC", "reviewerR"}  # not P2's coder, the admin, oneself
    for name in ("coderB", "admin", "managerM"):  # P2's coder, an admin, oneself
        assert manager.get(f"/accounts/{world.users[name]}").status_code == 404
        assert post(manager, f"/accounts/{world.users[name]}/active",
                    active="no").status_code == 404
    assert user("coderB").active and user("admin").active
    # Once coderA also works in P2, which managerM does not manage, coderA is out of reach.
    add_member(_project(world.p2), user("coderA"), "coder")
    db.session.commit()
    assert manager.get(f"/accounts/{world.users['coderA']}").status_code == 404
    assert browser("coderA").get("/").status_code == 200
    # Coders and reviewers manage nobody.
    assert browser("reviewerR").get("/accounts").status_code == 404


def _project(project_id: int):
    from annotator.models import Project

    return db.session.get(Project, project_id)


def test_a_manager_creates_accounts_but_not_admins(world, browser):
    manager = browser("managerM")
    created = post(manager, "/accounts", username="newcoder", password="long enough",
                   confirm="long enough")
    assert created.status_code == 302
    assert user("newcoder").active and not user("newcoder").is_admin
    post(manager, "/accounts", username="sneaky", password="long enough",
         confirm="long enough", admin="y")
    assert db.session.execute(select(User).where(User.username == "sneaky")).first() is None
    for name in ("coderA", "two words", "gold"):  # taken, spaces, reserved
        post(manager, "/accounts", username=name, password="long enough",
             confirm="long enough")
    assert actions() == ["create_user"]
    admin = browser("admin")
    post(admin, "/accounts", username="second-admin", password="long enough",
         confirm="long enough", admin="y")
    assert user("second-admin").is_admin


def test_an_admin_resets_a_password_and_the_user_signs_in_with_the_new_one(
        app, world, browser):
    coder = browser("coderA")
    admin = browser("admin")
    post(admin, f"/accounts/{world.users['coderA']}/password", password="reset password",
         confirm="reset password")
    assert signed_out(coder, world)
    assert Browser(app.test_client()).login("coderA", "reset password").status_code == 302
    entry = db.session.execute(select(AuditEntry)).scalar_one()
    assert entry.action == "set_password" and "reset password" not in str(entry.after)
    assert entry.after == {"user": "coderA", "own": False}


def test_an_imported_inactive_account_is_activated_after_its_password_is_set(
        app, runner, world):
    imported = User(username="fromfile", active=False)
    imported.set_password("unknown random password")
    db.session.add(imported)
    db.session.commit()
    assert Browser(app.test_client()).login("fromfile", "chosen password").status_code == 200
    assert run(runner, "set-password", "fromfile", "--password-stdin",
               input="chosen password\n").exit_code == 0
    assert Browser(app.test_client()).login("fromfile", "chosen password").status_code == 200
    assert run(runner, "activate-user", "fromfile").exit_code == 0
    assert Browser(app.test_client()).login("fromfile", "chosen password").status_code == 302
    again = run(runner, "activate-user", "fromfile")
    assert again.exit_code == 1 and "already active" in again.output


def test_remove_member_and_add_member_on_the_command_line_are_audited(runner, world):
    assert run(runner, "add-member", "P1", "coderB", "--role", "coder").exit_code == 0
    assert run(runner, "add-member", "P1", "coderB", "--role", "coder").exit_code == 0  # no-op
    assert run(runner, "add-member", "P1", "coderB", "--role", "reviewer").exit_code == 0
    result = run(runner, "remove-member", "P1", "coderB")
    assert result.exit_code == 0 and "no longer a member of P1" in result.output
    missing = run(runner, "remove-member", "P1", "coderB")
    assert missing.exit_code == 1 and missing.output.strip() == (
        "Error: coderB is not a member of P1")
    assert actions() == ["add_member", "change_role", "remove_member"]


@pytest.mark.parametrize("args", [
    ("deactivate-user", "nobody"), ("activate-user", "nobody"),
    ("set-password", "nobody", "--password-stdin"), ("create-token", "nobody"),
    ("list-tokens", "nobody"), ("revoke-token", "x1"), ("remove-member", "P1", "nobody"),
    ("remove-member", "nothing", "coderA"), ("create-token", "coderA", "--name", " "),
])
def test_account_commands_fail_with_one_line_and_change_nothing(runner, world, args):
    result = run(runner, *args, input="long enough password\n")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in lines[0]
    assert actions() == []


def test_account_pages_show_user_and_token_names_as_text(runner, world, browser):
    name, token_name = "<b>bold</b>", "<i>x</i> & more"
    assert run(runner, "create-user", name, "--password-stdin",
               input="long enough password\n").exit_code == 0
    assert run(runner, "add-member", "P1", name, "--role", "coder").exit_code == 0
    assert run(runner, "create-token", name, "--name", token_name).exit_code == 0
    admin = browser("admin")
    marked = user(name)
    pages = [admin.get("/accounts"), admin.get(f"/accounts/{marked.id}"),
             admin.get(f"/projects/{world.p1}")]
    own = Browser(admin.client.application.test_client())
    assert own.login(name, "long enough password").status_code == 302
    pages.append(own.get("/account"))
    for page in pages:
        body = page.get_data(as_text=True)
        assert page.status_code == 200 and "<b>bold</b>" not in body and "<i>x</i>" not in body
        assert "&lt;b&gt;bold&lt;/b&gt;" in body
    assert "&lt;i&gt;x&lt;/i&gt; &amp; more" in pages[1].get_data(as_text=True)


def test_guessing_the_current_password_on_the_account_page_is_throttled(app, database_url):
    import uuid

    from annotator import create_app
    from tests.web_fixtures import make_fast_user

    limited = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                          "SECRET_KEY": "test-" + uuid.uuid4().hex, "RATELIMIT_ENABLED": True,
                          "LOGIN_RATE_LIMIT": "3 per minute"})
    with limited.app_context():
        make_fast_user("guesser")
        db.session.commit()
    b = Browser(limited.test_client())
    assert b.login("guesser").status_code == 302
    statuses = [post(b, "/account/password", current=f"guess {i}", password="new password 1",
                     confirm="new password 1").status_code for i in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    with limited.app_context():
        db.engine.dispose()
