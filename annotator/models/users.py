"""User accounts."""

import hashlib
import secrets
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from annotator.extensions import db
from annotator.models.common import created_at_column

RESERVED_USERNAMES = {"gold", "all", "majority", "suggestions"}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("length(username) > 0", name="username_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Changing the nonce signs the user out everywhere (it is part of the session id).
    session_nonce: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users on every request
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=_hash_method())
        self.session_nonce = secrets.token_hex(16)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def issue_api_token(self) -> str:
        """Create a new API token, store only its hash and return it once."""
        token = secrets.token_urlsafe(32)
        self.api_token_hash = hash_token(token)
        return token


def _hash_method() -> str:
    # Tests lower the cost through PASSWORD_HASH_METHOD; production keeps werkzeug's scrypt.
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return "scrypt"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
