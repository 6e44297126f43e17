"""Sign-in and sign-out pages, API-token authentication, and the CSRF check in one place."""

import secrets
from functools import cache
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from annotator.extensions import csrf, db, limiter, login_manager
from annotator.models import User
from annotator.web.access import user_from_token
from annotator.web.errors import is_api_request, json_error
from annotator.web.forms import LoginForm, LogoutForm

bp = Blueprint("auth", __name__)

LOGIN_FAILED = "Invalid username or password"
API_MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # JSON saves are small; imports use their own limit


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a same-origin relative path, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    # Browsers treat "\" as "/" and drop tabs and newlines, so "/\evil" means "//evil".
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def _home() -> str:
    return url_for("projects.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """Show the sign-in form and sign the user in."""
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or _home())
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        user = db.session.execute(
            db.select(User).where(User.username == form.username.data)
        ).scalar_one_or_none()
        if user is None:
            check_password_hash(_dummy_hash(), form.password.data)  # same time as a wrong password
        elif user.check_password(form.password.data) and user.active:
            session.clear()  # a fresh session: nothing planted before sign-in survives it
            login_user(user)
            return redirect(target or _home())
        failed = True
    return render_template("auth/login.html", form=form, failed=failed,
                           message=LOGIN_FAILED, next=target)


@bp.post("/logout")
@login_required
def logout():
    """Sign the user out everywhere: a new nonce voids every copy of the old session cookie."""
    form = LogoutForm()
    if form.validate_on_submit():
        current_user.session_nonce = secrets.token_hex(16)
        db.session.commit()
        logout_user()
        session.clear()
        flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


def _unauthorized():
    if is_api_request():
        return json_error(401, "unauthorized", "Sign in, or send an API token.")
    flash("Please sign in to continue.", "info")
    target = safe_next(request.full_path.rstrip("?")) if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))


def init_app(app: Flask) -> None:
    """Set up the login manager, API-token sign-in and the CSRF check."""
    login_manager.login_view = "auth.login"
    login_manager.unauthorized_handler(_unauthorized)
    # Flask-Login asks the request loader when the session names nobody; for a request that
    # carries a token the session is ignored (hooks.py), so the token alone decides.
    login_manager.request_loader(user_from_token)
    # Flask-WTF's own hook cannot tell token requests apart, so this hook does its job instead,
    # honouring WTF_CSRF_ENABLED, WTF_CSRF_CHECK_DEFAULT as configured and @csrf.exempt.
    check_default = app.config["WTF_CSRF_CHECK_DEFAULT"]
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def _guard_request():
        if is_api_request():
            request.max_content_length = app.config.get(
                "API_MAX_CONTENT_LENGTH", API_MAX_CONTENT_LENGTH)
            scheme = request.headers.get("Authorization", "").partition(" ")[0]
            if scheme.lower() == "bearer":
                # A cross-site page cannot attach this header, so token requests need no CSRF
                # token; the session cookie is ignored for them, and no session is made. Other
                # schemes (a proxy's Basic auth, say) leave the request to its session.
                g.token_request = True
                if not current_user.is_authenticated:
                    return json_error(401, "invalid_token",
                                      "The API token is not valid (unknown, revoked, or its "
                                      "user is deactivated).")
                return None
        if check_default and app.config["WTF_CSRF_ENABLED"]:
            csrf.protect(apply_exemptions=True)
        return None


@bp.app_context_processor
def _logout_form() -> dict:
    """Give every page the sign-out form that the navigation bar renders."""
    # formdata=None: rendering it must not read the request body, which may be the very thing
    # being refused (a 413 page for an oversized upload would otherwise fail with a 500).
    form = LogoutForm(formdata=None) if current_user.is_authenticated else None
    return {"logout_form": form}
