"""The command line: users, projects, members, assignment, native import and export, demo."""

import json

from sqlalchemy import func, select

from annotator.cli import main
from annotator.demo import PROJECT_NAME, ensure_demo
from annotator.extensions import db
from annotator.models import Assignment, Document, Layer, Membership, Span, User
from tests.test_native import sample_record


def run(runner, *args, input=None):
    return runner.invoke(main, list(args), input=input)


def test_create_user_project_and_member(runner, app):
    result = run(runner, "create-user", "ana", "--admin", "--password-stdin",
                 input="correct horse\n")
    assert result.exit_code == 0, result.output
    assert run(runner, "create-project", "Swaps").exit_code == 0
    result = run(runner, "add-member", "Swaps", "ana", "--role", "reviewer")
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User).where(User.username == "ana")).scalar_one()
    assert user.is_admin and user.check_password("correct horse")
    assert db.session.execute(select(Membership.role)).scalar_one() == "reviewer"


def test_user_errors_are_one_line_without_traceback(runner, app):
    result = run(runner, "add-member", "Nope", "ana", "--role", "coder")
    assert result.exit_code != 0
    assert "Error: no project named 'Nope'" in result.output
    assert "Traceback" not in result.output
    result = run(runner, "create-user", "bob", "--password-stdin", input="short\n")
    assert result.exit_code != 0 and "at least 8 characters" in result.output


def test_codebook_errors_name_the_field(runner, app, tmp_path):
    book = tmp_path / "book.yaml"
    book.write_text("span_labels:\n  - {name: ACTOR, key: aa}\n")
    result = run(runner, "create-project", "X", "--codebook", str(book))
    assert result.exit_code != 0
    assert "span_labels[0].key: 'aa' must be a single letter or digit" in result.output


def test_native_export_and_import_through_the_command_line(runner, app, tmp_path):
    for name in ("Source", "Target"):
        assert run(runner, "create-project", name).exit_code == 0
    native_in = tmp_path / "in.jsonl"
    native_in.write_text(json.dumps(sample_record()) + "\n", encoding="utf-8")
    result = run(runner, "import", "Source", str(native_in), "--format", "native",
                 "--create-coders")
    assert result.exit_code == 0, result.output
    assert "created inactive accounts for imported coders: coder1" in result.output
    out = tmp_path / "out.jsonl"
    result = run(runner, "export", "Source", "--format", "native", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert run(runner, "add-member", "Target", "coder1", "--role", "coder").exit_code == 0
    result = run(runner, "import", "Target", str(out), "--format", "native")
    assert result.exit_code == 0, result.output
    again = tmp_path / "again.jsonl"
    run(runner, "export", "Target", "--format", "native", "--out", str(again))
    assert again.read_text() == out.read_text()
    assert db.session.execute(select(func.count()).select_from(Span)).scalar() == 24


def test_failed_import_leaves_the_database_unchanged(runner, app, tmp_path):
    run(runner, "create-project", "P")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(sample_record()) + "\n{not json\n", encoding="utf-8")
    result = run(runner, "import", "P", str(bad), "--format", "native")
    assert result.exit_code != 0
    assert "bad.jsonl, line 2: malformed JSON" in result.output
    assert db.session.execute(select(func.count()).select_from(Document)).scalar() == 0
    assert db.session.execute(select(func.count()).select_from(Layer)).scalar() == 0


def test_assign_is_balanced_and_reproducible(runner, app, tmp_path):
    run(runner, "create-project", "P")
    for name in ("c1", "c2", "c3"):
        run(runner, "create-user", name, "--password-stdin", input="password1\n")
        run(runner, "add-member", "P", name, "--role", "coder")
    lines = [json.dumps(sample_record() | {"id": f"d{i}", "layer": None}) for i in range(6)]
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run(runner, "import", "P", str(path), "--format", "native").exit_code == 0
    result = run(runner, "assign", "P", "--coders", "c1,c2,c3", "--overlap", "2", "--seed", "3")
    assert result.exit_code == 0, result.output
    assert "assigned 6 documents (12 assignments): c1 4, c2 4, c3 4" in result.output
    assert db.session.execute(select(func.count()).select_from(Assignment)).scalar() == 12
    result = run(runner, "assign", "P", "--coders", "c1,c2", "--overlap", "3")
    assert result.exit_code != 0 and "needs at least 3 coders" in result.output


def test_export_formats_other_than_native_need_an_output_path(runner, app):
    run(runner, "create-project", "P")
    result = run(runner, "export", "P", "--format", "csv")
    assert result.exit_code != 0 and "--out is required" in result.output


def test_demo_data_is_created_once(app):
    db.drop_all()  # the demo builds its schema through the migrations
    assert ensure_demo() is True
    db.session.commit()
    assert ensure_demo() is False
    names = set(db.session.execute(select(User.username)).scalars())
    assert {"admin", "coder1", "coder2", "reviewer"} <= names
    spans = db.session.execute(select(Span)).scalars().all()
    assert all(s.paragraph.text[s.start:s.end] == s.text for s in spans)
    assert any("🚢" in s.paragraph.text for s in spans)
    assert PROJECT_NAME
