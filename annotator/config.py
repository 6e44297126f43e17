"""Default configuration; the factory layers the instance file and ANNOTATOR_* variables on top."""

import os
import secrets
from pathlib import Path


class DefaultConfig:
    SQLALCHEMY_DATABASE_URI = "sqlite:///annotator.sqlite"  # relative: lands in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set ANNOTATOR_SESSION_COOKIE_SECURE=true behind HTTPS
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so long coding sessions keep working
    LOGIN_RATE_LIMIT = "10 per minute"
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"  # per worker; e.g. redis://127.0.0.1:6379 to share
    PROXY_FIX_HOPS = 0  # reverse proxies in front that set X-Forwarded-For/-Proto/-Host
    SQLITE_BUSY_TIMEOUT_MS = 10000


def load_or_create_secret_key(instance_path: str) -> str:
    """Return this instance's secret key, generating it on first use."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        key = path.read_text().strip()
        if len(key) >= 32:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created with 0600 so that other local users cannot forge sessions.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
