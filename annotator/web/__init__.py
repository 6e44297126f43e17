"""Web layer: one blueprint per area, registered here."""

import importlib.util

from flask import Flask


def register_web(app: Flask) -> None:
    """Register blueprints, error handlers, the user loader and request hooks."""
    from annotator.web import accounts, api, api_suggestions, auth, errors, hooks, projects

    hooks.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    app.register_blueprint(auth.bp, url_prefix="/auth")
    app.register_blueprint(projects.bp, url_prefix="")
    app.register_blueprint(accounts.bp, url_prefix="")  # /account and /accounts
    app.register_blueprint(api.bp, url_prefix="/api")
    app.register_blueprint(api_suggestions.bp, url_prefix="/api")
    app.register_blueprint(importlib.import_module("annotator.web.review").bp)  # review.py
    app.register_blueprint(importlib.import_module("annotator.web.data").bp)  # import, export
    app.register_blueprint(importlib.import_module("annotator.web.history").bp)  # audit log

    # --- annotation page (annotate.py, another engineer's): registered when present ---
    if importlib.util.find_spec("annotator.web.annotate") is not None:
        from annotator.web import annotate

        app.register_blueprint(annotate.bp)
    # --- end annotation page ---
