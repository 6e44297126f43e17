"""Imports never change who belongs to a project: layers must name members, new accounts on request.

Also: empty import files are refused, on the command line and on the import page.
"""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

import io
import json

import pytest
from sqlalchemy import func, select

from annotator.cli import main
from annotator.extensions import db
from annotator.models import AuditEntry, Document, Layer, Membership, User
from annotator.services.accounts import account_history
from tests.web_fixtures import PARAGRAPHS, browser, world  # noqa: F401


def layer_line(layer: str | None, doc: str = "n1") -> str:
    text = PARAGRAPHS[0]
    return json.dumps({
        "id": doc, "title": "T", "layer": layer,
        "paragraphs": [{"index": 0, "text": text}],
        "spans": [] if layer is None else [
            {"id": "s1", "paragraph": 0, "start": 0, "end": 7, "text": text[:7],
             "label": "ACTOR", "attrs": {}}],
    }) + "\n"


def cli_import(runner, tmp_path, lines: list[str], *options: str, name: str = "in.jsonl"):
    path = tmp_path / name
    path.write_text("".join(lines), encoding="utf-8")
    return runner.invoke(main, ["import", "P1", str(path), "--format", "native", *options])


def web_import(b, project: int, content: str, create_coders: bool = False,
               name: str = "in.jsonl"):
    b.refresh_token(f"/projects/{project}/import")
    data = {"format": "native", "csrf_token": b.token,
            "files": [(io.BytesIO(content.encode()), name)]}
    if create_coders:
        data["create_coders"] = "y"
    return b.client.post(f"/projects/{project}/import", data=data,
                         content_type="multipart/form-data")


def state() -> tuple:
    """Everything an import could change about people and documents."""
    db.session.rollback()
    count = lambda model: db.session.execute(  # noqa: E731
        select(func.count()).select_from(model)).scalar_one()
    members = sorted(db.session.execute(
        select(Membership.project_id, Membership.user_id, Membership.role)).all())
    return (count(User), members, count(Document), count(Layer), count(AuditEntry))


def one_line_error(result) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.output and "IntegrityError" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_a_layer_naming_another_projects_coder_is_refused_and_changes_nothing(
        runner, world, tmp_path):
    before = state()
    result = cli_import(runner, tmp_path, [layer_line("gold"), layer_line("coderB")])
    message = one_line_error(result)
    assert "in.jsonl, line 2: layer 'coderB' is not a member of project 'P1'" in message
    assert state() == before
    # The same words for a name no account holds: nothing tells the two apart.
    other = one_line_error(cli_import(runner, tmp_path, [layer_line("nobody")]))
    assert other.replace("'nobody'", "'coderB'") == message.replace("line 2", "line 1")


def test_even_with_create_coders_an_existing_account_is_never_enrolled(runner, world, tmp_path):
    before = state()
    message = one_line_error(
        cli_import(runner, tmp_path, [layer_line("coderB")], "--create-coders"))
    assert "line 1: layer 'coderB' cannot be a new account: the name is taken" in message
    assert state() == before


def test_members_layers_and_gold_import_without_any_option(runner, world, tmp_path):
    result = cli_import(runner, tmp_path, [layer_line("gold"), layer_line("coderA"),
                                           layer_line("reviewerR")])
    assert result.exit_code == 0, result.output
    assert "created" not in result.output
    kinds = db.session.execute(select(Layer.kind, User.username).outerjoin(
        User, User.id == Layer.user_id).order_by(Layer.id)).all()
    assert [tuple(row) for row in kinds] == [("gold", None), ("coder", "coderA"),
                                              ("coder", "reviewerR")]


@pytest.mark.parametrize("name, reason", [
    ("", "a user name must be 1-80 characters without spaces"),
    ("x" * 100, "a user name must be 1-80 characters without spaces"),
    ("two words", "a user name must be 1-80 characters without spaces"),
    (" padded", "a user name must be 1-80 characters without spaces"),
    ("all", "'all' is reserved"),
    ("Majority", "'Majority' is reserved"),
])
def test_names_create_user_would_refuse_get_a_clear_error_not_a_database_error(
        runner, world, tmp_path, name, reason):
    before = state()
    for options in ((), ("--create-coders",)):
        message = one_line_error(cli_import(runner, tmp_path, [layer_line(name)], *options))
        assert message.startswith("Error: 1 error(s): in.jsonl, line 1: layer ")
        if options:
            assert reason in message
        else:
            assert "is not a member of project 'P1'" in message
        assert state() == before


def test_create_coders_makes_an_inactive_coder_of_this_project_only_and_audits_it(
        runner, world, tmp_path):
    result = cli_import(runner, tmp_path, [layer_line("newcoder"), layer_line("newcoder", "n2"),
                                           layer_line("coderA", "n3")], "--create-coders")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == (
        "created inactive accounts for imported coders: newcoder")
    user = db.session.execute(select(User).where(User.username == "newcoder")).scalar_one()
    assert not user.active and not user.is_admin
    memberships = db.session.execute(
        select(Membership.project_id, Membership.role).where(Membership.user_id == user.id)
    ).all()
    assert [tuple(m) for m in memberships] == [(world.p1, "coder")]
    audit = db.session.execute(
        select(AuditEntry.action, AuditEntry.project_id, AuditEntry.target_uid, AuditEntry.after)
        .where(AuditEntry.action.in_(["create_user", "add_member"])).order_by(AuditEntry.id)
    ).all()
    assert [(a, p, uid) for a, p, uid, _ in audit] == [
        ("create_user", world.p1, str(user.id)), ("add_member", world.p1, str(user.id))]
    assert audit[0].after["active"] is False and audit[1].after["role"] == "coder"
    # Both show in the account's history, where admins look.
    assert [entry.action for entry, _ in account_history(user)] == ["add_member", "create_user"]


def test_web_import_refuses_another_projects_coder_with_file_and_line(browser, world):
    before = state()
    response = web_import(browser("managerM"), world.p1, layer_line("coderB"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<strong>in.jsonl</strong>, line 1: layer &#39;coderB&#39; is not a member" in page
    assert state() == before
    # coderB still cannot read P1.
    assert browser("coderB").get(f"/projects/{world.p1}").status_code == 404


def test_web_import_creates_a_coder_only_when_the_box_is_ticked(browser, world):
    manager = browser("managerM")
    assert web_import(manager, world.p1, layer_line("fresh")).status_code == 422
    response = web_import(manager, world.p1, layer_line("fresh"), create_coders=True)
    assert response.status_code == 302, response.get_data(as_text=True)
    shown = manager.get(response.headers["Location"]).get_data(as_text=True)
    assert "Created inactive coder accounts: fresh." in shown
    db.session.rollback()
    user = db.session.execute(select(User).where(User.username == "fresh")).scalar_one()
    assert not user.active
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "create_user")).scalar_one()
    assert entry.user_id == world.users["managerM"]


@pytest.mark.parametrize("fmt, name, content", [
    ("jsonl", "empty.jsonl", ""),
    ("jsonl", "blank.jsonl", "\n\n  \n"),
    ("native", "empty.jsonl", ""),
    ("doccano", "empty.jsonl", ""),
])
def test_an_empty_import_file_is_refused_by_name(runner, world, tmp_path, fmt, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = state()
    result = runner.invoke(main, ["import", "P1", str(path), "--format", fmt])
    message = one_line_error(result)
    assert f"{name}: the file holds no" in message and "(it is empty)" in message
    assert state() == before


def test_an_empty_upload_is_refused_on_the_import_page(browser, world):
    before = state()
    response = web_import(browser("managerM"), world.p1, "", name="empty.jsonl")
    assert response.status_code == 422
    assert "the file holds no documents (it is empty)" in response.get_data(as_text=True)
    assert state() == before



@pytest.mark.parametrize("name", ["", "x" * 100, "two words", "all"])
def test_the_import_page_refuses_unusable_names_with_a_422_not_a_500(browser, world, name):
    before = state()
    response = web_import(browser("managerM"), world.p1, layer_line(name), create_coders=True)
    assert response.status_code == 422
    assert "<strong>in.jsonl</strong>, line 1: layer " in response.get_data(as_text=True)
    assert state() == before
