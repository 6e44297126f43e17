"""Small seed helpers for tests: users, projects, members and documents."""

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
