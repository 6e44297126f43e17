"""Request hooks: the user loader, read-only transactions for safe methods, security headers."""

from flask import Flask, g, request

from annotator.database import end_phase, use_phase_for
from annotator.extensions import db, login_manager


def init_app(app: Flask) -> None:
    @login_manager.user_loader
    def load_user(session_id: str):
        from annotator.models import User

        user_id, _, nonce = session_id.partition(":")
        if g.get("token_request"):
            return None  # an API token decides who this is (access.user_from_token)
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        # A changed nonce (password change, sign-out everywhere) invalidates old sessions.
        if user is None or user.session_nonce != nonce:
            return None
        return user

    @app.before_request
    def _choose_transaction_phase():
        # GET and HEAD only read: they need not queue for SQLite's write lock.
        g.transaction_phase = use_phase_for(request.method)

    @app.teardown_request
    def _end_transaction_phase(_error):
        phase = g.pop("transaction_phase", None)
        if phase is not None:  # None when an earlier hook answered first
            end_phase(phase)

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        )
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "static":
            headers.setdefault("Cache-Control", "private, no-store")
            headers.add("Vary", "Cookie")
        return response
