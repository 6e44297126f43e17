"""Account management: activation, passwords, API tokens and project members, all audited.

`actor` is the signed-in user who asks, or None for the command line, whose operator already
holds the database and may do everything. Who may manage whom is decided here, in one place:
- a site admin manages every account;
- a manager manages an account that is not an admin's, holds no manager role anywhere, and
  belongs only to projects this manager manages (or to none yet, like an account just made);
- everybody changes their own password (giving the current one) and their own tokens, but
  nobody deactivates themselves, and the last active admin stays active.
A manager thus cannot lock out, or take over, anyone who works in a project they do not run.
Every change writes one audit entry (target "user", the account's id) and never commits.
"""

from datetime import UTC, datetime

from sqlalchemy import func, select

from annotator.errors import Conflict, Forbidden, InputError, NotFound
from annotator.extensions import db
from annotator.models import ApiToken, AuditEntry, Membership, Project, User
from annotator.models.projects import ROLES
from annotator.services.projects import create_user

MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_TOKEN_NAME = 80
MAX_LIVE_TOKENS = 20  # per user: enough for every script, few enough to review


class NotAllowed(Forbidden):
    """An account action the actor may not take (a 403 wherever it is not caught)."""


def _audit(actor: User | None, action: str, user: User, after: dict | None = None,
           before: dict | None = None, project_id: int | None = None) -> None:
    after = {"user": user.username, **(after or {})}
    if actor is None:
        after["via"] = "command line"
    db.session.add(AuditEntry(user_id=actor.id if actor else None, project_id=project_id,
                              action=action, target_type="user", target_uid=str(user.id),
                              before=before, after=after))


def managed_project_ids(actor: User) -> set[int]:
    """Return the ids of the projects where `actor` is a manager."""
    return set(db.session.execute(select(Membership.project_id).where(
        Membership.user_id == actor.id, Membership.role == "manager")).scalars())


def is_account_manager(actor: User) -> bool:
    """Tell whether `actor` may open the accounts pages: a site admin or a manager."""
    return actor.is_admin or bool(managed_project_ids(actor))


def may_manage(actor: User | None, user: User) -> bool:
    """Tell whether `actor` may (de)activate, reset the password of and revoke tokens of `user`."""
    if actor is None:
        return True
    if user.id == actor.id:
        return False  # one's own account: the password only with the current one (/account)
    if actor.is_admin:
        return True
    if user.is_admin:
        return False
    managed = managed_project_ids(actor)
    if not managed:
        return False
    roles = db.session.execute(select(Membership.project_id, Membership.role).where(
        Membership.user_id == user.id)).all()
    return all(project_id in managed and role != "manager" for project_id, role in roles)


def manageable_users(actor: User) -> list[User]:
    """Return the accounts `actor` may manage, by name, in two queries (as `may_manage` says)."""
    query = select(User).where(User.id != actor.id).order_by(User.username)
    if actor.is_admin:
        return list(db.session.execute(query).scalars())
    managed = managed_project_ids(actor)
    if not managed:
        return []
    roles: dict[int, list[tuple[int, str]]] = {}
    for user_id, project_id, role in db.session.execute(
            select(Membership.user_id, Membership.project_id, Membership.role)):
        roles.setdefault(user_id, []).append((project_id, role))
    return [user for user in db.session.execute(query.where(User.is_admin.is_(False))).scalars()
            if all(project_id in managed and role != "manager"
                   for project_id, role in roles.get(user.id, []))]


def _require(actor: User | None, user: User) -> None:
    if not may_manage(actor, user):
        raise NotAllowed(f"you may not manage the account {user.username!r}")


def create_account(actor: User | None, name: str, password: str, admin: bool = False) -> User:
    """Create an account (site admins only may create admins)."""
    if admin and actor is not None and not actor.is_admin:
        raise NotAllowed("only a site admin may create an admin account")
    check_password_rules(password)
    user = create_user(name, password, admin=admin)
    _audit(actor, "create_user", user, {"admin": admin})
    return user


def deactivate(actor: User | None, user: User) -> None:
    """Deactivate an account: its sessions end and its tokens are refused from the next request."""
    _require(actor, user)
    if actor is not None and actor.id == user.id:
        raise NotAllowed("you cannot deactivate your own account")
    if not user.active:
        raise Conflict(f"{user.username} is already deactivated")
    if user.is_admin and _active_admins() <= 1:
        raise Conflict(f"{user.username} is the last active admin")
    user.active = False
    user.sign_out_everywhere()  # reactivation must not revive cookies from before
    _revoke_all_tokens(actor, user)  # nor tokens: a compromised account starts afresh
    _audit(actor, "deactivate_user", user, {"active": False}, {"active": True})


def activate(actor: User | None, user: User) -> None:
    """Reactivate an account (or activate one an import created)."""
    _require(actor, user)
    if user.active:
        raise Conflict(f"{user.username} is already active")
    user.active = True
    _audit(actor, "activate_user", user, {"active": True}, {"active": False})


def _active_admins() -> int:
    return db.session.execute(select(func.count()).select_from(User).where(
        User.is_admin.is_(True), User.active.is_(True))).scalar_one()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"a password must have at most {MAX_PASSWORD} characters")
    if any(c == "\x00" or 0xD800 <= ord(c) <= 0xDFFF for c in password):
        raise InputError("a password cannot contain NUL characters or lone surrogates")


def set_password(actor: User | None, user: User, password: str,
                 current: str | None = None) -> None:
    """Set a password: one's own with the current one, or another's as their manager.

    Every session of the account ends (the caller signs its own user in again).
    """
    if actor is not None and actor.id == user.id:
        if current is None or not user.check_password(current):
            raise NotAllowed("the current password is not correct")
    else:
        _require(actor, user)
    check_password_rules(password)
    user.set_password(password)
    # A new password answers a leaked one: tokens issued under the old one (possibly by whoever
    # held it) stop working too.
    _revoke_all_tokens(actor, user)
    _audit(actor, "set_password", user, {"own": actor is not None and actor.id == user.id})


def issue_token(actor: User | None, user: User, name: str) -> tuple[ApiToken, str]:
    """Create an API token for `user`; return it with the secret, which is never stored.

    On the pages a user issues tokens for themselves only (a token acts as its user); the
    command line may issue one for anybody.
    """
    if actor is not None and actor.id != user.id:
        raise NotAllowed("API tokens are issued by their own user (or on the command line)")
    name = (name or "").strip()
    if not name or len(name) > MAX_TOKEN_NAME or not name.isprintable():
        raise InputError(f"a token name must be 1-{MAX_TOKEN_NAME} printable characters")
    live = db.session.execute(select(func.count()).select_from(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).scalar_one()
    if live >= MAX_LIVE_TOKENS:
        raise Conflict(f"{user.username} already has {live} tokens: revoke one first")
    secret = user.issue_api_token(name, created_by=actor)
    db.session.flush()
    token = user.tokens[-1]
    _audit(actor, "create_token", user, {"token": token.id, "name": name})
    return token, secret


def tokens_of(user: User | None = None) -> list[ApiToken]:
    """Return every token (of one user when given), oldest first, revoked ones included."""
    query = select(ApiToken).join(ApiToken.user).order_by(ApiToken.id)
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(db.session.execute(query).scalars())


def find_token(token_id: int | str) -> ApiToken:
    text = str(token_id).strip()
    token = db.session.get(ApiToken, int(text)) if text.isdigit() and len(text) < 19 else None
    if token is None:
        raise NotFound(f"no token with id {text!r}")
    return token


def _revoke_all_tokens(actor: User | None, user: User) -> None:
    """Revoke every live token of `user`, each with its audit entry."""
    live = db.session.execute(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).scalars().all()
    for token in live:
        token.revoked_at = datetime.now(UTC)
        _audit(actor, "revoke_token", user, {"token": token.id, "name": token.name})


def revoke_token(actor: User | None, token: ApiToken) -> None:
    """Revoke a token: the next request that carries it is refused. Its row is kept."""
    if actor is None or actor.id != token.user_id:
        _require(actor, token.user)
    if token.revoked:
        raise Conflict(f"token {token.id} is already revoked")
    token.revoked_at = datetime.now(UTC)
    _audit(actor, "revoke_token", token.user, {"token": token.id, "name": token.name})


# -- project members ---------------------------------------------------------------------------
# The caller has checked that `actor` manages the project (or is an admin); what is left here is
# who may change whom: a manager's own membership, and other managers', are an admin's to change.

def _membership(project: Project, user: User) -> Membership | None:
    return db.session.execute(select(Membership).where(
        Membership.project_id == project.id, Membership.user_id == user.id)).scalar_one_or_none()


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}")


def add_member(actor: User | None, project: Project, user: User, role: str) -> Membership:
    """Give an account a role in a project it does not belong to yet."""
    _check_role(role)
    if _membership(project, user) is not None:
        raise Conflict(f"{user.username} is already a member of {project.name}")
    membership = Membership(project_id=project.id, user_id=user.id, role=role)
    db.session.add(membership)
    db.session.flush()
    _audit(actor, "add_member", user, {"role": role}, project_id=project.id)
    return membership


def _changeable(actor: User | None, project: Project, user: User) -> Membership:
    membership = _membership(project, user)
    if membership is None:
        raise NotFound(f"{user.username} is not a member of {project.name}")
    if actor is not None and not actor.is_admin and membership.role == "manager":
        raise NotAllowed("only a site admin changes or removes a manager")
    return membership


def change_role(actor: User | None, project: Project, user: User, role: str) -> Membership:
    """Change a member's role."""
    _check_role(role)
    membership = _changeable(actor, project, user)
    if membership.role == role:
        raise Conflict(f"{user.username} is already {role} in {project.name}")
    before = membership.role
    membership.role = role
    db.session.flush()
    _audit(actor, "change_role", user, {"role": role}, {"role": before}, project_id=project.id)
    return membership


def set_member_role(actor: User | None, project: Project, user: User, role: str) -> str:
    """Add a member or change their role (the command line's add-member); say which it did."""
    membership = _membership(project, user)
    if membership is None:
        add_member(actor, project, user, role)
        return "added"
    if membership.role == role:
        return "unchanged"
    change_role(actor, project, user, role)
    return "changed"


def remove_member(actor: User | None, project: Project, user: User) -> None:
    """Remove a member: they can no longer open the project; their work stays where it is."""
    membership = _changeable(actor, project, user)
    db.session.delete(membership)
    db.session.flush()
    _audit(actor, "remove_member", user, None, {"role": membership.role}, project_id=project.id)


def members_of(project: Project) -> list[tuple[User, str]]:
    """Return the project's members and their roles, by name."""
    return [tuple(row) for row in db.session.execute(
        select(User, Membership.role).join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == project.id).order_by(User.username)).all()]


def account_history(user: User, limit: int = 50) -> list[tuple[AuditEntry, str | None]]:
    """Return the newest account entries about `user`, with the name of who made each."""
    return [tuple(row) for row in db.session.execute(
        select(AuditEntry, User.username).outerjoin(User, AuditEntry.user_id == User.id)
        .where(AuditEntry.target_type == "user", AuditEntry.target_uid == str(user.id))
        .order_by(AuditEntry.id.desc()).limit(limit)).all()]


ACTION_TEXT = {
    "create_user": "created the account",
    "deactivate_user": "deactivated the account",
    "activate_user": "activated the account",
    "set_password": "set the password",
    "create_token": "issued API token #{token} “{name}”",
    "revoke_token": "revoked API token #{token} “{name}”",
    "add_member": "added to project #{project} as {role}",
    "change_role": "changed the role in project #{project} from {before} to {role}",
    "remove_member": "removed from project #{project} ({before})",
}


def describe(entry: AuditEntry) -> str:
    """Say what an account entry did, in one line."""
    after, before = entry.after or {}, entry.before or {}
    fields = {"token": after.get("token"), "name": after.get("name"),
              "role": after.get("role"), "before": before.get("role"),
              "project": entry.project_id}
    text = ACTION_TEXT.get(entry.action, entry.action.replace("_", " ")).format(**fields)
    return text + (" (command line)" if after.get("via") == "command line" else "")
