"""An annotated import issues a fixed number of SQL statements per batch of records, not per
document: documents, paragraphs, layers, spans, events, arguments, attributions, parts and audit
entries are each written with one executemany per batch (services/intake/records.py)."""

import json

import pytest
from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import (
    Attribution,
    AttributionPart,
    AuditEntry,
    Document,
    Event,
    EventArgument,
    Layer,
    Paragraph,
    Span,
    User,
)
from annotator.services.intake import import_files
from annotator.services.intake import records as storing
from tests.helpers import add_member, make_project, make_user
from tests.test_native import sample_record
from tests.test_query_counts import counting


def _write(path, documents: int) -> None:
    """Write a native file: each document with a gold layer and coder1's layer."""
    with path.open("w", encoding="utf-8") as handle:
        for n in range(documents):
            for layer in ("gold", "coder1"):
                handle.write(json.dumps(sample_record(layer) | {"id": f"doc-{n}"}) + "\n")


def _import(tmp_path, documents: int, name: str) -> tuple[int, dict]:
    """Import `documents` documents into a new project; return (statements, report)."""
    project = make_project(name)
    add_member(project, _coder(), "coder")
    db.session.commit()
    path = tmp_path / f"{name}.jsonl"
    _write(path, documents)
    with counting() as statements:
        report = import_files(project, [path], "native")
        db.session.commit()
    return len(statements), report


def _coder() -> User:
    found = db.session.execute(select(User).where(User.username == "coder1")).scalar_one_or_none()
    return found or make_user("coder1")


def test_an_import_of_40_documents_issues_as_many_statements_as_one_of_2(app, tmp_path):
    few, _ = _import(tmp_path, 2, "few")
    many, report = _import(tmp_path, 40, "many")
    assert many == few
    assert report["documents"] == 40 and report["layers"] == 80
    project_documents = select(Document.id).where(Document.external_id.like("doc-%"))
    layers = db.session.scalars(select(Layer.id).where(Layer.document_id.in_(project_documents)))
    layer_ids = list(layers)
    assert len(layer_ids) == 2 * 42

    def count(model, column) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(
            column.in_(layer_ids)))

    # Every row of every table is stored: 12 spans, 1 event with 2 arguments, 3 attributions
    # (one nested) with 9 parts, and an audit entry, for each of the 84 layers.
    assert count(Span, Span.layer_id) == 84 * 12
    assert count(Event, Event.layer_id) == 84
    assert db.session.scalar(select(func.count()).select_from(EventArgument).join(Event).where(
        Event.layer_id.in_(layer_ids))) == 84 * 2
    assert count(Attribution, Attribution.layer_id) == 84 * 3
    assert db.session.scalar(select(func.count()).select_from(Attribution).where(
        Attribution.layer_id.in_(layer_ids), Attribution.parent_id.is_not(None))) == 84
    assert db.session.scalar(select(func.count()).select_from(AttributionPart).join(
        Attribution).where(Attribution.layer_id.in_(layer_ids))) == 84 * 9
    assert count(AuditEntry, AuditEntry.layer_id) == 84
    assert db.session.scalar(select(func.count()).select_from(Paragraph).where(
        Paragraph.document_id.in_(project_documents))) == 42 * 2


@pytest.mark.parametrize("batch", [40])
def test_each_further_batch_of_records_adds_the_same_number_of_statements(
        app, tmp_path, monkeypatch, batch):
    monkeypatch.setattr(storing, "BATCH", batch)  # records (two per document here)
    one, _ = _import(tmp_path, batch // 2, "one")  # one batch
    two, _ = _import(tmp_path, batch, "two")  # two batches
    four, report = _import(tmp_path, 2 * batch, "four")  # four batches
    assert report["documents"] == 2 * batch
    per_batch = two - one
    assert per_batch > 0
    assert four == one + 3 * per_batch
    # A batch writes each table with one statement: fewer statements than its 20 documents.
    assert per_batch < batch // 2
