"""Backups and integrity checks."""

import sqlite3

from sqlalchemy import update

from annotator.cli import main
from annotator.extensions import db
from annotator.models import Span
from annotator.services.intake.records import RecordStore
from tests.helpers import make_project
from tests.test_native import sample_record


def _seed():
    RecordStore(make_project(), create_coders=True).add_all([(sample_record(), "t", 1)])
    db.session.commit()


def test_check_passes_on_a_sound_database(runner, app):
    _seed()
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert "no problems found (2 paragraphs, 1 layers, 12 spans" in result.output


def test_check_reports_a_span_whose_text_no_longer_matches(runner, app):
    _seed()
    db.session.execute(update(Span).where(Span.uid == "s1").values(text="Putin"))
    db.session.execute(update(Span).where(Span.uid == "s2").values(end=500))
    db.session.commit()
    result = runner.invoke(main, ["check"])
    assert result.exit_code != 0
    assert "text 'Putin' differs from the paragraph's 'Zelensky'" in result.output
    assert "ends at 500, past its paragraph" in result.output
    assert "2 problem(s) found" in result.output


def test_backup_copies_the_sqlite_database(runner, app, tmp_path):
    if db.engine.dialect.name != "sqlite":
        result = runner.invoke(main, ["backup", str(tmp_path / "b.sqlite")])
        assert result.exit_code != 0 and "pg_dump --format=custom" in result.output
        return
    _seed()
    target = tmp_path / "backup.sqlite"
    result = runner.invoke(main, ["backup", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM spans").fetchone() == (12,)
    again = runner.invoke(main, ["backup", str(target)])
    assert again.exit_code != 0 and "already exists" in again.output


def test_check_runs_on_an_empty_database(runner, app):
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 0 and "no problems found (0 paragraphs" in result.output
