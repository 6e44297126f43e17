"""Account pages: one's own (password, API tokens) and, for admins and managers, the accounts
they manage (create, deactivate, activate, reset a password, revoke tokens).

Who may manage whom is decided by services/accounts.py. An account a manager may not manage is
answered 404 like a missing one, and so is the whole /accounts area for users who manage nothing.
Each action is a POST with the CSRF token that commits once, then redirects with a message; only
issuing a token answers with a page, the one place its secret is ever shown.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user

from annotator.errors import AnnotatorError
from annotator.extensions import db, limiter
from annotator.models import ApiToken, User
from annotator.services import accounts
from annotator.web.account_forms import (
    ActiveForm,
    NewAccountForm,
    NewTokenForm,
    OwnPasswordForm,
    ResetPasswordForm,
    RevokeTokenForm,
)

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _form_errors(form) -> None:
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}" if field.label.text else error, "error")


def _run(action, success: str) -> bool:
    """Call `action`, commit and flash `success`; roll back and flash the reason on failure."""
    try:
        action()
    except AnnotatorError as error:
        db.session.rollback()
        flash(error.message[:1].upper() + error.message[1:] + ".", "error")
        return False
    db.session.commit()
    flash(success, "success")
    return True


# -- one's own account -----------------------------------------------------------------------

def _own_page(secret: str | None = None, token: ApiToken | None = None):
    return render_template(
        "accounts/own.html", user=current_user, tokens=accounts.tokens_of(current_user),
        password_form=OwnPasswordForm(formdata=None), token_form=NewTokenForm(formdata=None),
        secret=secret, new_token=token,
        manages=accounts.is_account_manager(current_user))


@bp.get("/account")
@login_required
def own():
    """Show one's own account: change the password, issue and revoke API tokens."""
    return _own_page()


@bp.post("/account/password")
@login_required
@limiter.limit(_login_limit)  # it checks the current password: no faster guessing than sign-in
def own_password():
    """Change one's own password (the current one is asked); other sessions are signed out."""
    form = OwnPasswordForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return redirect(url_for(".own"))
    user = current_user._get_current_object()
    if _run(lambda: accounts.set_password(user, user, form.password.data, form.current.data),
            "Your password is changed; your other sessions are signed out."):
        login_user(user)  # this browser stays signed in under the new session id
    return redirect(url_for(".own"))


@bp.post("/account/tokens")
@login_required
def own_new_token():
    """Issue an API token for oneself and show it, this once."""
    form = NewTokenForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return redirect(url_for(".own"))
    try:
        token, secret = accounts.issue_token(current_user, current_user, form.name.data)
    except AnnotatorError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".own"))
    db.session.commit()
    return _own_page(secret=secret, token=token)


@bp.post("/account/tokens/revoke")
@login_required
def own_revoke_token():
    """Revoke one of one's own API tokens."""
    form = RevokeTokenForm()
    token = _token_of(current_user, form)
    if token is not None:
        _run(lambda: accounts.revoke_token(current_user, token),
             f"Token “{token.name}” is revoked.")
    return redirect(url_for(".own"))


def _token_of(user: User, form: RevokeTokenForm) -> ApiToken | None:
    """Return the form's token if it is `user`'s (else flash that there is no such token)."""
    token = None
    if form.validate_on_submit():
        try:
            token = accounts.find_token(form.token.data)
        except AnnotatorError:
            token = None
    if token is None or token.user_id != user.id:
        flash("There is no such token.", "error")
        return None
    return token


# -- the accounts an admin or manager manages ------------------------------------------------

def _require_account_manager() -> None:
    """:raise: 404 for users who are neither a site admin nor a manager of any project (to
        them the accounts area does not exist)."""
    if not accounts.is_account_manager(current_user):
        abort(404)


def _managed_user_or_404(user_id: int) -> User:
    """Return an account the current user may manage.

    :raise: 404 as _require_account_manager, and for accounts they may not manage or that do
        not exist (one's own account is managed on /account).
    """
    _require_account_manager()
    user = db.get_or_404(User, user_id)
    if not accounts.may_manage(current_user, user):
        abort(404)
    return user


@bp.get("/accounts")
@login_required
def index():
    """List the accounts the user manages, with a form to create one."""
    _require_account_manager()
    return render_template("accounts/index.html", users=accounts.manageable_users(current_user),
                           form=NewAccountForm(formdata=None))


@bp.post("/accounts")
@login_required
def create():
    """Create an account (managers then add it to a project from the project page)."""
    _require_account_manager()
    form = NewAccountForm()
    if not form.validate_on_submit():
        _form_errors(form)
        return redirect(url_for(".index"))
    created = {}

    def action():
        created["user"] = accounts.create_account(current_user, form.username.data,
                                                  form.password.data, admin=form.admin.data)

    if _run(action, f"Account {form.username.data} created."):
        return redirect(url_for(".account", user_id=created["user"].id))
    return redirect(url_for(".index"))


@bp.get("/accounts/<int:user_id>")
@login_required
def account(user_id: int):
    """Show an account: its state, password reset, API tokens and its history."""
    user = _managed_user_or_404(user_id)
    history = [(entry, who, accounts.describe(entry))
               for entry, who in accounts.account_history(user)]
    return render_template(
        "accounts/account.html", user=user, tokens=accounts.tokens_of(user), history=history,
        memberships=_memberships(user), active_form=ActiveForm(formdata=None),
        password_form=ResetPasswordForm(formdata=None))


def _memberships(user: User) -> list[tuple[str, str]]:
    from annotator.models import Membership, Project

    return [tuple(row) for row in db.session.execute(
        db.select(Project.name, Membership.role).join(Membership.project)
        .where(Membership.user_id == user.id).order_by(Project.name)).all()]


@bp.post("/accounts/<int:user_id>/active")
@login_required
def set_active(user_id: int):
    """Deactivate an account (refused from its next request on, sessions and tokens alike), or
    activate it again (or for the first time, after an import made it)."""
    user = _managed_user_or_404(user_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        _form_errors(form)
    elif form.active.data == "no":
        _run(lambda: accounts.deactivate(current_user, user),
             f"{user.username} is deactivated: signed out everywhere, API tokens refused.")
    else:
        _run(lambda: accounts.activate(current_user, user), f"{user.username} is active.")
    return redirect(url_for(".account", user_id=user.id))


@bp.post("/accounts/<int:user_id>/password")
@login_required
def reset_password(user_id: int):
    """Set another account's password; its sessions end."""
    user = _managed_user_or_404(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        _run(lambda: accounts.set_password(current_user, user, form.password.data),
             f"The password of {user.username} is set; their sessions are signed out.")
    else:
        _form_errors(form)
    return redirect(url_for(".account", user_id=user.id))


@bp.post("/accounts/<int:user_id>/tokens/revoke")
@login_required
def revoke_token(user_id: int):
    """Revoke one of an account's API tokens."""
    user = _managed_user_or_404(user_id)
    form = RevokeTokenForm()
    token = _token_of(user, form)
    if token is not None:
        _run(lambda: accounts.revoke_token(current_user, token),
             f"Token “{token.name}” of {user.username} is revoked.")
    return redirect(url_for(".account", user_id=user.id))
