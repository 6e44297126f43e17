"""User accounts and their API tokens."""

import hashlib
import secrets
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from annotator.extensions import db
from annotator.models.common import UTCDateTime, created_at_column

RESERVED_USERNAMES = {"gold", "all", "majority", "suggestions"}
TOKEN_PREFIX = "ann_"  # makes a leaked token easy to recognise (secret scanners, logs)


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
    # Unused: the one token a user could have before named tokens. The migration that made
    # api_tokens moved each into it and emptied this column (kept, see that migration).
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()

    tokens: Mapped[list["ApiToken"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="ApiToken.id",
        foreign_keys="ApiToken.user_id")

    @property
    def is_active(self) -> bool:
        # Flask-Login's UserMixin makes is_authenticated follow is_active, so a deactivated
        # user's session stops counting as signed in on their very next request.
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=_hash_method())
        self.sign_out_everywhere()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def sign_out_everywhere(self) -> None:
        """Void every session cookie issued so far (the nonce is part of the session id)."""
        self.session_nonce = secrets.token_hex(16)

    def issue_api_token(self, name: str = "token", created_by: "User | None" = None) -> str:
        """Create a new API token, store only its hash and return the token (shown once)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.tokens.append(ApiToken(name=name, token_hash=hash_token(token),
                                    created_by_id=created_by.id if created_by else None))
        return token


class ApiToken(db.Model):
    """A per-user API token for scripts: only its SHA-256 is stored; revoked ones are kept."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="tokens", foreign_keys=[user_id])

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def _hash_method() -> str:
    # Tests lower the cost through PASSWORD_HASH_METHOD; production keeps werkzeug's scrypt.
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return "scrypt"


def hash_token(token: str) -> str:
    # A token has 256 random bits: a fast hash is enough (nothing to guess), and lets the
    # lookup be one indexed equality.
    return hashlib.sha256(token.encode()).hexdigest()
