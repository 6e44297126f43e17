"""Web layer: one blueprint per area, registered here."""

from flask import Flask


def register_web(app: Flask) -> None:
    """Register blueprints, error handlers, the user loader and request hooks."""
    from annotator.web import hooks

    hooks.init_app(app)
