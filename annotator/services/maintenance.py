"""Backups and integrity checks of the database."""

import sqlite3
from pathlib import Path

from sqlalchemy import func, null, select
from sqlalchemy.orm import aliased

from annotator.errors import AnnotatorError
from annotator.extensions import db
from annotator.models import (
    Actor,
    Attribution,
    AttributionPart,
    Document,
    Event,
    EventArgument,
    Layer,
    Paragraph,
    Project,
    Span,
)
from annotator.services.actor_refs import actor_values

MAX_REPORTED = 100


def backup_database(target: Path) -> str:
    """Copy a SQLite database with the online backup API (safe while coders keep saving)."""
    if db.engine.dialect.name != "sqlite":
        url = db.engine.url
        raise AnnotatorError(
            "backup copies SQLite databases only; for PostgreSQL run "
            f"pg_dump --format=custom --file={target} -h {url.host or 'localhost'} "
            f"-p {url.port or 5432} -U {url.username or 'postgres'} {url.database}"
        )
    if target.exists():
        raise AnnotatorError(f"{target} already exists; choose a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = db.engine.raw_connection()
    try:
        destination = sqlite3.connect(target)
        with destination:
            source.driver_connection.backup(destination)
        destination.close()
    finally:
        source.close()
    return f"backed up the database to {target}"


def check_database() -> list[str]:
    """Return every integrity problem found (empty when the database is sound)."""
    problems: list[str] = []
    if db.engine.dialect.name == "sqlite":
        result = db.session.execute(db.text("PRAGMA integrity_check")).scalars().all()
        if result != ["ok"]:
            problems += [f"sqlite integrity_check: {line}" for line in result[:MAX_REPORTED]]
        for row in db.session.execute(db.text("PRAGMA foreign_key_check")).all()[:MAX_REPORTED]:
            problems.append(f"foreign key broken: table {row[0]} row {row[1]} -> {row[2]}")
    problems += _span_problems()
    problems += _cross_layer_problems()
    problems += _actor_problems()
    return problems


def _actor_problems() -> list[str]:
    """Find annotations whose actor attributes name no actor of their project's registry."""
    problems: list[str] = []
    for project in db.session.execute(select(Project)).scalars():
        if project.codebook is not None:
            problems += _project_actor_problems(project, MAX_REPORTED - len(problems))
        if len(problems) >= MAX_REPORTED:
            break
    return problems


def _project_actor_problems(project: Project, limit: int) -> list[str]:
    book = project.codebook.content
    registry = set(db.session.execute(
        select(Actor.id).where(Actor.project_id == project.id)).scalars())
    in_project = (select(Layer.id).join(Document, Document.id == Layer.document_id)
                  .where(Document.project_id == project.id))
    fields = {("span", label["name"]): label["attributes"] for label in book["span_labels"]}
    fields["event", None] = book["event_attributes"]
    fields["attribution", None] = book["attribution"]["attributes"]
    queries = [
        ("span", select(Span.id, Span.label, Span.attrs).where(Span.layer_id.in_(in_project))),
        ("event", select(Event.id, null(), Event.attrs).where(Event.layer_id.in_(in_project))),
        ("attribution", select(Attribution.id, null(), Attribution.attrs)
         .where(Attribution.layer_id.in_(in_project))),
    ]
    problems = []
    for kind, query in queries:
        for ident, label, attrs in db.session.execute(query.execution_options(yield_per=5000)):
            for name, value in actor_values(fields.get((kind, label), []), attrs):
                if value not in registry:
                    problems.append(f"{kind} {ident}: {name} {value} is not an actor of "
                                    f"project {project.name!r}")
            if len(problems) >= limit:
                return problems
    return problems


def _span_problems() -> list[str]:
    """Check that spans lie inside their paragraph, in their layer's document, with their text."""
    problems = []
    rows = db.session.execute(
        select(Span.id, Span.start, Span.end, Span.text, Paragraph.text.label("paragraph"),
               Paragraph.document_id, Layer.document_id.label("layer_document"))
        .join(Paragraph, Span.paragraph_id == Paragraph.id)
        .join(Layer, Span.layer_id == Layer.id)
        .execution_options(yield_per=5000)
    )
    for row in rows:
        if row.document_id != row.layer_document:
            problems.append(f"span {row.id} points into another document's paragraph")
        elif row.end > len(row.paragraph):
            problems.append(f"span {row.id} ends at {row.end}, past its paragraph "
                            f"({len(row.paragraph)} characters)")
        elif row.paragraph[row.start:row.end] != row.text:
            problems.append(f"span {row.id} text {row.text!r} differs from the paragraph's "
                            f"{row.paragraph[row.start:row.end]!r}")
        if len(problems) >= MAX_REPORTED:
            break
    return problems


def _cross_layer_problems() -> list[str]:
    """Find events, arguments and attribution parts that point at another layer's spans."""
    problems = []
    checks = [
        ("event", Event.id, select(Event.id).join(Span, Event.trigger_span_id == Span.id)
         .where(Span.layer_id != Event.layer_id)),
        ("event argument", EventArgument.id,
         select(EventArgument.id).join(Event, EventArgument.event_id == Event.id)
         .join(Span, EventArgument.span_id == Span.id).where(Span.layer_id != Event.layer_id)),
        ("attribution part", AttributionPart.id,
         select(AttributionPart.id)
         .join(Attribution, AttributionPart.attribution_id == Attribution.id)
         .join(Span, AttributionPart.span_id == Span.id)
         .where(Span.layer_id != Attribution.layer_id)),
    ]
    parent = aliased(Attribution)
    checks.append(("attribution", Attribution.id,
                   select(Attribution.id).join(parent, Attribution.parent_id == parent.id)
                   .where(parent.layer_id != Attribution.layer_id)))
    for name, _, query in checks:
        for ident in db.session.execute(query.limit(MAX_REPORTED)).scalars():
            problems.append(f"{name} {ident} points at an item of another layer")
    return problems


def count_rows() -> dict[str, int]:
    """Count the main tables' rows, for the check report."""
    return {
        model.__tablename__: db.session.execute(select(func.count()).select_from(model)).scalar()
        for model in (Paragraph, Layer, Span, Event, Attribution)
    }
