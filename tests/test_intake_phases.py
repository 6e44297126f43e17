"""Annotated imports read and check every file before they write: the write phase (and SQLite's
write lock) only stores what was checked."""

import json

import pytest
from sqlalchemy import func, select

from annotator.errors import InputErrors
from annotator.extensions import db
from annotator.models import Document, Span
from annotator.services.intake import prepare_import
from tests.helpers import add_member, make_project, make_user
from tests.test_native import sample_record


def _write(path, records) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_codebook_problems_are_found_while_preparing_with_file_and_line(app, tmp_path):
    project = make_project("P")
    db.session.commit()
    bad = sample_record("gold") | {"id": "doc-2"}
    bad["spans"][0]["label"] = "NOT_A_LABEL"
    path = tmp_path / "in.jsonl"
    _write(path, [sample_record("gold"), bad])
    with pytest.raises(InputErrors, match=r"in.jsonl, line 2: spans\[0\].label: 'NOT_A_LABEL'"):
        prepare_import(project, [path], "native")
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0


def test_what_was_checked_is_stored_without_reading_the_files_again(app, tmp_path):
    project = make_project("P")
    add_member(project, make_user("coder1"), "coder")
    db.session.commit()
    path = tmp_path / "in.jsonl"
    _write(path, [sample_record("gold"), sample_record("coder1")])
    with prepare_import(project, [path], "native") as prepared:
        path.unlink()  # checked records wait in the import's own temporary file
        report = prepared.store(project)
    db.session.commit()
    assert (report["documents"], report["layers"], report["spans"]) == (1, 2, 24)
    assert db.session.scalar(select(func.count()).select_from(Span)) == 24
