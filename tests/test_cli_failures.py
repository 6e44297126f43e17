"""Every command line failure ends in one line on stderr, never a traceback (SPEC)."""

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.extensions import db


def one_line_error(result) -> str:
    assert result.exit_code == 1
    # A ClickException (shown as "Error: ...") ends the run, not an uncaught exception.
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


@pytest.fixture
def project(runner):
    assert runner.invoke(main, ["create-project", "P"]).exit_code == 0


def test_backup_into_a_folder_that_cannot_exist(runner, app, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("backup copies SQLite databases only (PostgreSQL: a one-line pg_dump hint)")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    message = one_line_error(runner.invoke(main, ["backup", str(blocker / "b.sqlite")]))
    assert "a-file: " in message  # the path the system refused, and why


@pytest.mark.parametrize("fmt, out", [("native", "x.jsonl"), ("spacy", "x")])
def test_export_to_a_place_that_cannot_be_written(runner, project, tmp_path, fmt, out):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = runner.invoke(main, ["export", "P", "--format", fmt, "--out", str(blocker / out)])
    assert "a-file" in one_line_error(result)


def test_import_of_a_folder_as_a_native_file(runner, project, tmp_path):
    message = one_line_error(runner.invoke(main, ["import", "P", str(tmp_path),
                                                  "--format", "native"]))
    assert f"{tmp_path.name}: Is a directory" in message


def test_import_of_an_empty_brat_folder(runner, project, tmp_path):
    message = one_line_error(runner.invoke(main, ["import", "P", str(tmp_path)]))
    assert f"{tmp_path.name}: the folder holds no documents" in message


@pytest.mark.parametrize("url, expected", [
    ("nonsense://x", "Can't load plugin: sqlalchemy.dialects:nonsense"),
    ("sqlite:////nonexistent-folder/x.sqlite", "unable to open database file"),
])
def test_a_database_that_cannot_be_opened(monkeypatch, url, expected):
    monkeypatch.setenv("ANNOTATOR_DATABASE_URL", "unused")  # --db writes it; restored after
    result = CliRunner().invoke(main, ["--db", url, "check"])
    assert expected in one_line_error(result)
