"""annotator: browser-based annotation of news text (actors, events, source attribution)."""

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from annotator.config import DefaultConfig, load_or_create_secret_key
from annotator.database import configure_sqlite
from annotator.extensions import csrf, db, limiter, login_manager, migrate

PACKAGE_DIR = Path(__file__).resolve().parent


def _asset_folder(name: str) -> str:
    """Find templates/ or static/: inside the installed package, else at the repository top."""
    packaged = PACKAGE_DIR / name
    return str(packaged if packaged.is_dir() else PACKAGE_DIR.parent / name)


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: config layers, extensions, blueprints and CLI commands."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.environ.get("ANNOTATOR_INSTANCE_PATH") or None,
        template_folder=_asset_folder("templates"),
        static_folder=_asset_folder("static"),
    )
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ANNOTATOR")
    if "DATABASE_URL" in app.config:  # ANNOTATOR_DATABASE_URL, the documented name
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    hops = int(app.config["PROXY_FIX_HOPS"])
    if hops:
        # Trust exactly this many proxies' X-Forwarded-For and -Proto: client addresses (the
        # sign-in rate limit is per address) and https; a client cannot forge further hops.
        # Not X-Forwarded-Host: a proxy that does not set it passes on whatever a client sent.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])

    from annotator import models  # noqa: F401  (registers the tables)
    from annotator.web import register_web
    from annotator.web.converters import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is made
    register_web(app)
    return app
