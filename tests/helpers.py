"""Small seed helpers for tests: users, projects, members, documents and scratch databases."""

import contextlib
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from annotator.codebook import default_codebook
from annotator.extensions import db
from annotator.models import Codebook, Document, Membership, Paragraph, Project, User


def make_user(name: str, password: str = "pw", admin: bool = False) -> User:
    user = User(username=name, is_admin=admin)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def make_project(name: str = "P", codebook: dict | None = None) -> Project:
    project = Project(name=name)
    project.codebooks.append(Codebook(version=1, content=codebook or default_codebook()))
    db.session.add(project)
    db.session.flush()
    return project


def add_member(project: Project, user: User, role: str = "coder") -> Membership:
    membership = Membership(project=project, user=user, role=role)
    db.session.add(membership)
    db.session.flush()
    return membership


def make_document(project: Project, external_id: str, paragraphs: list[str], title: str = "T",
                  boilerplate: tuple[int, ...] = ()) -> Document:
    document = Document(project_id=project.id, external_id=external_id, title=title, meta={})
    document.paragraphs = [
        Paragraph(position=i, text=t, boilerplate=i in boilerplate)
        for i, t in enumerate(paragraphs)
    ]
    db.session.add(document)
    db.session.flush()
    return document


@contextlib.contextmanager
def scratch_postgres_database(server_url: str, prefix: str = "annotator_test"):
    """Create an empty PostgreSQL database on the server of `server_url`; yield its URL; drop it."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
