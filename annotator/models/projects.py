"""Projects, their members, codebook versions and actor registry."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.extensions import db
from annotator.models.common import created_at_column

ROLES = ("coder", "reviewer", "manager")


class Project(db.Model):
    __tablename__ = "projects"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(16), default="en")
    created_at: Mapped[datetime] = created_at_column()

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )
    codebooks: Mapped[list["Codebook"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Codebook.version"
    )

    @property
    def codebook(self) -> "Codebook | None":
        """The current (latest) codebook version."""
        # The loaded collection is the ORM's to keep current (appends, expiry on commit); a
        # project has a handful of versions, and saves read the newest alone (annotating.py).
        return self.codebooks[-1] if self.codebooks else None


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("project_id", "user_id"),
        CheckConstraint("role IN ('coder', 'reviewer', 'manager')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))

    project: Mapped[Project] = relationship(back_populates="memberships")
    user: Mapped["User"] = relationship()  # noqa: F821


class Codebook(db.Model):
    """One version of a project's codebook; annotations record the version they were made under."""

    __tablename__ = "codebooks"
    __table_args__ = (
        UniqueConstraint("project_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    content: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_at_column()

    project: Mapped[Project] = relationship(back_populates="codebooks")


class Actor(db.Model):
    """A canonical actor in a project's registry ("Ukraine / government")."""

    __tablename__ = "actors"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    entity_type: Mapped[str] = mapped_column(String(8))
    country: Mapped[str | None] = mapped_column(String(8))
    sector: Mapped[str | None] = mapped_column(String(8))
    wikidata_id: Mapped[str | None] = mapped_column(String(32))
    # Proposed by a coder and not yet confirmed by a manager.
    proposed: Mapped[bool] = mapped_column(default=False)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_at_column()

    aliases: Mapped[list["ActorAlias"]] = relationship(
        back_populates="actor", cascade="all, delete-orphan"
    )


class ActorAlias(db.Model):
    __tablename__ = "actor_aliases"
    __table_args__ = (
        UniqueConstraint("actor_id", "alias"),
        Index("ix_actor_aliases_project_folded", "project_id", "folded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actors.id", ondelete="CASCADE"))
    # Denormalised so that type-ahead is one indexed query per project.
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(300))
    folded: Mapped[str] = mapped_column(String(300))  # casefolded alias, for matching

    actor: Mapped[Actor] = relationship(back_populates="aliases")
