"""Users, projects, members and codebooks: the operations behind the admin commands."""

from sqlalchemy import func, select

from annotator.codebook import default_codebook
from annotator.errors import Conflict, InputError, NotFound
from annotator.extensions import db
from annotator.models import Codebook, Membership, Project, User
from annotator.models.projects import ROLES
from annotator.models.users import RESERVED_USERNAMES


def find_user(name: str) -> User:
    user = db.session.execute(select(User).where(User.username == name)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no user named {name!r}")
    return user


def find_project(name: str) -> Project:
    """Find a project by name, or by numeric id."""
    query = select(Project).where(Project.name == name)
    project = db.session.execute(query).scalar_one_or_none()
    if project is None and name.isdigit():
        project = db.session.get(Project, int(name))
    if project is None:
        raise NotFound(f"no project named {name!r}")
    return project


def create_user(name: str, password: str, admin: bool = False) -> User:
    name = name.strip()
    if not name or len(name) > 80 or any(c.isspace() for c in name):
        raise InputError("a user name must be 1-80 characters without spaces")
    if name.casefold() in RESERVED_USERNAMES:
        raise InputError(f"{name!r} is reserved (it names a layer)")
    if len(password) < 8:
        raise InputError("a password must have at least 8 characters")
    exists = select(func.count()).select_from(User).where(func.lower(User.username) == name.lower())
    if db.session.execute(exists).scalar():
        raise Conflict(f"a user named {name!r} already exists")
    user = User(username=name, is_admin=admin)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def create_project(name: str, codebook: dict | None = None, description: str = "") -> Project:
    name = name.strip()
    if not name or len(name) > 200:
        raise InputError("a project name must be 1-200 characters")
    if db.session.execute(select(Project).where(Project.name == name)).scalar_one_or_none():
        raise Conflict(f"a project named {name!r} already exists")
    project = Project(name=name, description=description)
    project.codebooks.append(Codebook(version=1, content=codebook or default_codebook()))
    db.session.add(project)
    db.session.flush()
    return project


def add_codebook_version(project: Project, codebook: dict) -> Codebook:
    """Store a new codebook version; existing annotations keep the version they were made under."""
    version = (project.codebook.version if project.codebook else 0) + 1
    book = Codebook(version=version, content=codebook)
    project.codebooks.append(book)
    db.session.flush()
    return book


def add_member(project: Project, user: User, role: str) -> Membership:
    """Give a user a role in a project (changing the role if they are already a member)."""
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}")
    membership = db.session.execute(
        select(Membership).where(Membership.project_id == project.id,
                                 Membership.user_id == user.id)
    ).scalar_one_or_none()
    if membership is None:
        membership = Membership(project_id=project.id, user_id=user.id, role=role)
        db.session.add(membership)
    membership.role = role
    db.session.flush()
    return membership
