"""API tokens: issued once and stored hashed, used by `Authorization: Bearer` on the API without
a CSRF token, last use recorded, and refused once revoked or once their user is deactivated."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from annotator.cli import main
from annotator.extensions import db
from annotator.models import ApiToken, AuditEntry, Span, User
from annotator.models.users import hash_token
from annotator.services import accounts
from tests.web_fixtures import PASSWORD, browser, world  # noqa: F401  (fixtures)

ANNOTATOR = Path(sys.executable).with_name("annotator")


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def layer_of(client, world, secret: str):
    return client.get(f"/api/documents/{world.doc1}/layer", headers=bearer(secret))


def add_span(client, layer: dict, secret: str, change_id: str = "c-1"):
    return client.post(
        f"/api/layers/{layer['layer']['id']}/changes", headers=bearer(secret),
        json={"change_id": change_id, "base_version": layer["layer"]["version"], "changes": [
            {"op": "add_span", "span": {"id": change_id, "paragraph": 0, "start": 0, "end": 7,
                                        "label": "ACTOR"}}]})


def cli_token(runner, user: str, name: str = "script") -> str:
    result = runner.invoke(main, ["create-token", user, "--name", name])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_a_token_from_the_command_line_is_shown_once_stored_hashed_and_works_without_csrf(
        app, runner, world):
    result = runner.invoke(main, ["create-token", "coderA", "--name", "nightly export"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert secret.startswith("ann_") and len(secret) > 40 and "\n" not in secret
    assert "shown only this once" in result.stderr
    stored = db.session.execute(select(ApiToken)).scalar_one()
    assert stored.name == "nightly export" and stored.last_used_at is None
    assert stored.token_hash == hash_token(secret) and secret not in stored.token_hash
    client = app.test_client()
    layer = layer_of(client, world, secret)
    assert layer.status_code == 200 and layer.get_json()["layer"]["user"] == "coderA"
    saved = add_span(client, layer.get_json(), secret)  # no CSRF token, no session
    assert saved.status_code == 200, saved.get_json()
    assert "Set-Cookie" not in saved.headers
    assert db.session.execute(select(Span.text)).scalars().all() == ["Ukraine"]
    db.session.expire_all()
    assert db.session.get(ApiToken, stored.id).last_used_at is not None
    listing = runner.invoke(main, ["list-tokens", "coderA"])
    assert listing.exit_code == 0
    row = [line for line in listing.output.splitlines() if "nightly export" in line][0]
    assert "coderA" in row and "active" in row and "never" not in row  # last used is shown
    assert secret not in listing.output


def test_a_revoked_token_is_refused_on_the_next_request_and_changes_nothing(app, runner, world):
    secret = cli_token(runner, "coderA")
    client = app.test_client()
    layer = layer_of(client, world, secret).get_json()
    token_id = db.session.execute(select(ApiToken.id)).scalar_one()
    result = runner.invoke(main, ["revoke-token", str(token_id)])
    assert result.exit_code == 0 and "revoked token" in result.output
    refused = add_span(client, layer, secret)
    assert refused.status_code == 401 and refused.get_json()["error"] == "invalid_token"
    assert layer_of(client, world, secret).status_code == 401
    assert db.session.execute(select(Span)).first() is None
    again = runner.invoke(main, ["revoke-token", str(token_id)])
    assert again.exit_code == 1 and "already revoked" in again.output
    missing = runner.invoke(main, ["revoke-token", "999"])
    assert missing.exit_code == 1 and "no token with id '999'" in missing.output
    assert "Traceback" not in missing.output
    assert "revoked" in runner.invoke(main, ["list-tokens"]).output


def test_a_deactivated_users_token_is_refused_and_stays_revoked_after_activation(
        app, runner, world):
    secret = cli_token(runner, "coderA")
    client = app.test_client()
    assert runner.invoke(main, ["deactivate-user", "coderA"]).exit_code == 0
    refused = layer_of(client, world, secret)
    assert refused.status_code == 401 and refused.get_json()["error"] == "invalid_token"
    assert "revoked" in runner.invoke(main, ["list-tokens"]).output  # revoked with the account
    assert runner.invoke(main, ["activate-user", "coderA"]).exit_code == 0
    assert layer_of(client, world, secret).status_code == 401
    fresh = cli_token(runner, "coderA")  # the account works again with a token issued now
    assert layer_of(client, world, fresh).status_code == 200


@pytest.mark.parametrize("own", [False, True])
def test_a_new_password_revokes_the_tokens_issued_under_the_old_one(app, runner, world, own):
    secret = cli_token(runner, "coderA")
    client = app.test_client()
    assert layer_of(client, world, secret).status_code == 200
    if own:  # the account's owner, with the current password
        user = db.session.execute(select(User).where(User.username == "coderA")).scalar_one()
        accounts.set_password(user, user, "a-brand-new-password", current=PASSWORD)
        db.session.commit()
    else:
        done = runner.invoke(main, ["set-password", "coderA", "--password-stdin"],
                             input="a-brand-new-password\n")
        assert done.exit_code == 0, done.output
    refused = layer_of(client, world, secret)
    assert refused.status_code == 401 and refused.get_json()["error"] == "invalid_token"


def test_the_token_decides_whatever_session_cookie_comes_with_it(app, runner, world, browser):
    reviewer = browser("reviewerR")  # a signed-in session of another user
    secret = cli_token(runner, "coderA")
    mine = reviewer.client.get(f"/api/documents/{world.doc1}/layer", headers=bearer(secret))
    assert mine.get_json()["layer"]["user"] == "coderA"
    wrong = reviewer.client.get(f"/api/documents/{world.doc1}/layer",
                                headers=bearer("ann_not-a-token"))
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid_token"
    # Pages do not take tokens: an anonymous page request with one is sent to sign in.
    page = app.test_client().get(f"/projects/{world.p1}", headers=bearer(secret))
    assert page.status_code == 302 and "/auth/login" in page.headers["Location"]


def test_a_user_issues_a_token_on_their_page_sees_it_once_and_can_use_and_revoke_it(
        app, world, browser):
    coder = browser("coderA")
    issued = coder.client.post("/account/tokens", data={"name": "my script",
                                                        "csrf_token": coder.token})
    assert issued.status_code == 200
    page = issued.get_data(as_text=True)
    token = db.session.execute(select(ApiToken)).scalar_one()
    secret = next(word.split('"')[0] for word in page.split('value="')[1:]
                  if word.startswith("ann_"))
    assert hash_token(secret) == token.token_hash and token.user_id == world.users["coderA"]
    assert secret not in coder.get("/account").get_data(as_text=True)  # never shown again
    assert layer_of(app.test_client(), world, secret).status_code == 200
    # Another user cannot revoke it by guessing its id; its owner can.
    other = browser("coderC")
    other.client.post("/account/tokens/revoke", data={"token": str(token.id),
                                                      "csrf_token": other.token})
    assert layer_of(app.test_client(), world, secret).status_code == 200
    coder.client.post("/account/tokens/revoke", data={"token": str(token.id),
                                                      "csrf_token": coder.token})
    assert layer_of(app.test_client(), world, secret).status_code == 401
    entries = db.session.execute(select(AuditEntry.action, AuditEntry.user_id, AuditEntry.after)
                                 .order_by(AuditEntry.id)).all()
    assert [(action, who) for action, who, _ in entries] == [
        ("create_token", world.users["coderA"]), ("revoke_token", world.users["coderA"])]
    assert all(secret not in str(after) and token.token_hash not in str(after)
               for _, _, after in entries)


def test_an_admin_revokes_a_token_from_the_account_page_and_the_next_request_is_refused(
        app, runner, world, browser):
    secret = cli_token(runner, "coderA", "leaked")
    token_id = db.session.execute(select(ApiToken.id)).scalar_one()
    client = app.test_client()
    layer = layer_of(client, world, secret).get_json()
    admin = browser("admin")
    page = admin.get(f"/accounts/{world.users['coderA']}").get_data(as_text=True)
    assert "leaked" in page and secret not in page
    response = admin.client.post(f"/accounts/{world.users['coderA']}/tokens/revoke",
                                 data={"token": str(token_id), "csrf_token": admin.token})
    assert response.status_code == 302
    refused = add_span(client, layer, secret)
    assert refused.status_code == 401 and refused.get_json()["error"] == "invalid_token"
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "revoke_token")).scalar_one()
    assert entry.user_id == world.users["admin"] and entry.after["token"] == token_id


def test_tokens_are_issued_by_their_own_user_on_the_pages(app, world, browser):
    admin = browser("admin")
    # The account page has no form to issue a token for someone else, and no route takes one.
    page = admin.get(f"/accounts/{world.users['coderA']}").get_data(as_text=True)
    assert "Issue a token" not in page
    admin.client.post("/account/tokens", data={"name": "x", "csrf_token": admin.token,
                                               "user": str(world.users["coderA"])})
    owners = db.session.execute(select(ApiToken.user_id)).scalars().all()
    assert owners == [world.users["admin"]]


def test_revoke_and_deactivate_from_a_separate_command_line_process(app, database_url, world):
    """The installed `annotator` script, in its own process, against the test's database."""
    env = {**os.environ, "ANNOTATOR_INSTANCE_PATH": app.instance_path}

    def annotator(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(ANNOTATOR), "--db", database_url, *args], env=env,
                              capture_output=True, text=True, timeout=120)

    db.session.commit()  # the fixtures' last reads hold SQLite's write lock until this
    made = annotator("create-token", "coderA", "--name", "cron")
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    made_c = annotator("create-token", "coderC")
    client = app.test_client()
    assert layer_of(client, world, secret).status_code == 200
    assert layer_of(client, world, made_c.stdout.strip()).status_code == 200
    token_id = db.session.execute(select(ApiToken.id).where(ApiToken.name == "cron")).scalar()
    db.session.commit()  # the other process writes next: end this session's transaction
    revoked = annotator("revoke-token", str(token_id))
    assert revoked.returncode == 0 and "revoked token" in revoked.stdout, revoked.stderr
    assert layer_of(client, world, secret).status_code == 401
    deactivated = annotator("deactivate-user", "coderC")
    assert deactivated.returncode == 0, deactivated.stderr
    assert layer_of(client, world, made_c.stdout.strip()).status_code == 401
    unknown = annotator("deactivate-user", "nobody")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "Error: no user named 'nobody'"


def test_a_token_from_before_the_tokens_table_keeps_working_after_the_upgrade(app):
    from flask_migrate import upgrade

    from annotator.services.schema import upgrade_schema
    from tests.helpers import add_member, make_document, make_project

    db.drop_all()
    upgrade(revision="7c41d2a9e5b0")  # the schema with one api_token_hash per user
    secret = "old-style-token-0123456789"
    db.session.execute(text(
        "INSERT INTO users (username, password_hash, is_admin, active, session_nonce, "
        "api_token_hash, created_at) VALUES ('old', 'x', false, true, 'n', :hash, "
        "CURRENT_TIMESTAMP)"), {"hash": hash_token(secret)})
    db.session.commit()
    assert upgrade_schema().startswith("upgraded the database schema")
    user = db.session.execute(select(User).where(User.username == "old")).scalar_one()
    project = make_project("kept")
    add_member(project, user)
    document = make_document(project, "d", ["Some text."])
    db.session.commit()
    response = app.test_client().get(f"/api/documents/{document.id}/layer",
                                     headers=bearer(secret))
    assert response.status_code == 200
    assert [t.name for t in user.tokens] == ["token"]


def test_a_token_request_does_not_wait_for_a_busy_database_to_record_its_last_use(
        app, runner, world, monkeypatch):
    from annotator.web import access

    monkeypatch.setattr(access, "_skipped", {})
    secret = cli_token(runner, "coderA")
    db.session.commit()
    with db.engine.connect() as holder:
        holder.begin()  # SQLite: BEGIN IMMEDIATE holds the write lock; PostgreSQL: a row lock
        holder.execute(select(ApiToken).with_for_update())
        started = time.monotonic()
        response = app.test_client().get(f"/api/projects/{world.p1}/actors?q=k",
                                         headers=bearer(secret))  # a read: no lock needed
        waited = time.monotonic() - started
        holder.rollback()
    assert response.status_code == 200 and waited < 2, waited
    db.session.expire_all()
    assert db.session.execute(select(ApiToken.last_used_at)).scalar_one() is None


def test_a_proxys_basic_authorization_leaves_the_session_in_charge(browser, world):
    # Behind a proxy that asks for HTTP Basic auth the browser sends it on every request.
    coder = browser("coderA")
    basic = {"Authorization": "Basic cHJveHk6c2VjcmV0"}
    mine = coder.client.get(f"/api/documents/{world.doc1}/layer", headers=basic)
    assert mine.status_code == 200
    assert mine.get_json()["layer"]["user"] == "coderA"
