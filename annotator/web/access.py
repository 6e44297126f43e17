"""Who may see what: every load-and-authorise helper lives here.

Roles rank coder < reviewer < manager < admin (site admins rank highest in every project).
Anything a user may not see is answered 404, exactly like a missing object, so that ids never
reveal whether something exists; a member whose role is too low for an action gets 403.
"""

from datetime import UTC, datetime, timedelta

from flask import Request, abort, g
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from annotator.database import reading_apart, writing_apart
from annotator.extensions import db
from annotator.models import (
    ApiToken,
    Assignment,
    Document,
    Layer,
    Membership,
    Paragraph,
    ParagraphNote,
    Project,
    User,
)
from annotator.models.users import hash_token
from annotator.services.annotating import find_layer
from annotator.services.queues import project_has_assignments

ROLE_RANK = {"coder": 1, "reviewer": 2, "manager": 3, "admin": 4}
TOKEN_USE_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most this often


def user_from_token(request: Request) -> User | None:
    """Return the user an `Authorization: Bearer` token names (Flask-Login's request loader).

    None for a missing, malformed, unknown or revoked token and for a deactivated user. The
    lookup and the last-use time go through their own short transactions, before the request's
    own session begins: a read-only request never writes in its transaction, and on SQLite a
    write never waits for a lock that its own request already holds.
    """
    if not g.get("token_request"):
        return None  # only the API takes tokens (auth.py marks its requests); pages never do
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > 200 or not secret.isascii():
        return None
    with reading_apart() as connection:
        row = connection.execute(
            select(ApiToken.id, ApiToken.user_id, ApiToken.last_used_at)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None),
                   User.active.is_(True))).first()
    if row is None:
        return None
    _record_use(row.id, row.last_used_at)
    user = db.session.get(User, row.user_id)
    return user if user is not None and user.active else None


# Tokens whose last use this worker tried to record and could not (a busy database): not tried
# again within the resolution, so that requests during a long import do not each wait.
_skipped: dict[int, datetime] = {}
RECORD_USE_WAIT_MS = 100  # at most this long for the write lock: the time is only a hint


def _record_use(token_id: int, last_used: datetime | None) -> None:
    now = datetime.now(UTC)
    if last_used is not None:
        last_used = last_used if last_used.tzinfo else last_used.replace(tzinfo=UTC)
        if now - last_used < TOKEN_USE_RESOLUTION:
            return
    if now - _skipped.get(token_id, now - TOKEN_USE_RESOLUTION) < TOKEN_USE_RESOLUTION:
        return
    try:
        with writing_apart(lock_wait_ms=RECORD_USE_WAIT_MS) as connection:
            connection.execute(update(ApiToken).where(ApiToken.id == token_id)
                               .values(last_used_at=now))
        _skipped.pop(token_id, None)
    except OperationalError:
        _skipped[token_id] = now  # busy: the request itself goes on without waiting


def membership_role(user, project: Project) -> str | None:
    """Return the user's role in the project ("admin" for site admins), or None."""
    if user is None or not user.is_authenticated:
        return None
    if current_user.is_authenticated and user.id == current_user.id:
        return current_role(project.id)  # cached for the request
    return _role(user, project.id)


def current_role(project_id: int) -> str | None:
    """Return the current user's role in the project, asked of the database once per request."""
    roles = g.setdefault("project_roles", {})
    if project_id not in roles:
        roles[project_id] = _role(current_user, project_id)
    return roles[project_id]


def _role(user, project_id: int) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_admin:
        return "admin"
    return db.session.execute(
        db.select(Membership.role).where(
            Membership.project_id == project_id, Membership.user_id == user.id
        )
    ).scalar_one_or_none()


def has_role(role: str | None, min_role: str) -> bool:
    """Tell whether `role` ranks at least `min_role`."""
    return role is not None and ROLE_RANK[role] >= ROLE_RANK[min_role]


def get_project_or_404(project_id: int, min_role: str = "coder") -> Project:
    """Return the project if the current user is a member.

    :raise: 404 for non-members and missing projects, 403 when the role is below `min_role`.
    """
    project = db.get_or_404(Project, project_id)
    role = membership_role(current_user, project)
    if role is None:
        abort(404)
    if not has_role(role, min_role):
        abort(403)
    return project


def coder_may_open(user: User, document: Document) -> bool:
    """Tell whether a coder may open the document: assigned to them, or nothing is assigned."""
    assigned = db.session.execute(
        db.select(Assignment.id).where(
            Assignment.document_id == document.id, Assignment.user_id == user.id
        )
    ).first()
    return assigned is not None or not project_has_assignments(document.project_id)


def get_document_or_404(document_id: int, min_role: str = "coder") -> Document:
    """Return the document if the current user may open it.

    :raise: 404 for non-members and for coders the document is not assigned to, 403 when the
        role is below `min_role`.
    """
    document = db.get_or_404(Document, document_id)
    role = current_role(document.project_id)
    if role is None or (role == "coder" and not coder_may_open(current_user, document)):
        abort(404)
    if not has_role(role, min_role):
        abort(403)
    return document


def get_paragraph_or_404(paragraph_id: int) -> Paragraph:
    """Return the paragraph if the current user may open its document.

    :raise: 404 as get_document_or_404.
    """
    paragraph = db.get_or_404(Paragraph, paragraph_id)
    get_document_or_404(paragraph.document_id)
    return paragraph


def document_role(document: Document) -> str | None:
    """Return the current user's role in the document's project."""
    return current_role(document.project_id)


def get_layer_for(user, document: Document, requested: str | None) -> Layer | None:
    """Return the layer `requested` ("gold", a user name, or None for the caller's own).

    Coders see only their own layer; reviewers, managers and admins see any layer and gold.
    Returns None when the layer is the caller's own (or gold, for reviewers) and does not exist
    yet, so that the caller may create it.
    :raise: 404 for a layer the user may not see or that does not exist.
    """
    role = document_role(document)
    if role is None:
        abort(404)
    if requested in (None, "", user.username):
        return find_layer(document.id, "coder", user.id)
    if not has_role(role, "reviewer"):
        abort(404)
    if requested == "gold":
        return find_layer(document.id, "gold", None)
    owner = db.session.execute(
        db.select(User).where(User.username == requested)
    ).scalar_one_or_none()
    layer = find_layer(document.id, "coder", owner.id) if owner else None
    if layer is None:
        abort(404)
    return layer


def get_writable_layer_or_404(layer_id: int, lock: bool = True) -> Layer:
    """Return a layer the current user may change, locked for this transaction.

    Their own coder layer, or gold for reviewers. The layer, the user's role and assignment come
    in one query, since every save starts here; the row lock (PostgreSQL; SQLite's IMMEDIATE
    begin already holds the write lock) makes concurrent saves to one layer queue up, so that
    each sees the version the one before it wrote.
    With lock False (a page that only shows the layer) the row is not locked.
    :raise: 404 for layers the user may not see, 403 for layers they may see but not change.
    """
    query = (
        db.select(Layer, Document.project_id, Membership.role, Assignment.id)
        .join(Document, Document.id == Layer.document_id)
        .outerjoin(Membership, (Membership.project_id == Document.project_id)
                   & (Membership.user_id == current_user.id))
        .outerjoin(Assignment, (Assignment.document_id == Document.id)
                   & (Assignment.user_id == current_user.id))
        .where(Layer.id == layer_id)
        .execution_options(populate_existing=True)
    )
    row = db.session.execute(query.with_for_update(of=Layer) if lock else query).first()
    if row is None:
        abort(404)
    layer, project_id, role, assignment_id = row
    role = "admin" if current_user.is_admin else role
    may_open = role is not None and (
        role != "coder" or assignment_id is not None or not project_has_assignments(project_id))
    if not may_open:
        abort(404)
    if layer.kind == "coder" and layer.user_id == current_user.id:
        return layer
    if not has_role(role, "reviewer"):
        abort(404)
    if layer.kind == "gold":
        return layer
    abort(403)  # coder work is never overwritten by anybody else; suggestions are read-only


def get_own_note_or_404(note_id: int) -> ParagraphNote:
    """Return a paragraph note the current user wrote.

    :raise: 404 for notes the user may not see, 403 for others' notes they may see.
    """
    note = db.get_or_404(ParagraphNote, note_id)
    paragraph = get_paragraph_or_404(note.paragraph_id)
    if note.user_id == current_user.id:
        return note
    if has_role(document_role(paragraph.document), "reviewer"):
        abort(403)
    abort(404)
