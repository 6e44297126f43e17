"""Documents, their ordered paragraphs, assignments to coders, and paragraph notes."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.extensions import db
from annotator.models.common import created_at_column, updated_at_column

ASSIGNMENT_STATUSES = ("assigned", "in_progress", "done")
DOCUMENT_STATUSES = ("new", "assigned", "annotated", "adjudicated")


class Document(db.Model):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("project_id", "external_id"),
        CheckConstraint("length(external_id) > 0", name="external_id_not_empty"),
        CheckConstraint(
            "status IN ('new', 'assigned', 'annotated', 'adjudicated')", name="status_known"
        ),
        # Exports and the project overview page through a project's documents in id order.
        Index("ix_documents_project_id_id", "project_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(64))
    meta: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="new")
    created_at: Mapped[datetime] = created_at_column()

    paragraphs: Mapped[list["Paragraph"]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Paragraph.position"
    )


class Paragraph(db.Model):
    __tablename__ = "paragraphs"
    __table_args__ = (
        UniqueConstraint("document_id", "position"),
        CheckConstraint("position >= 0", name="position_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    boilerplate: Mapped[bool] = mapped_column(default=False)

    document: Mapped[Document] = relationship(back_populates="paragraphs")


class Assignment(db.Model):
    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("document_id", "user_id"),
        CheckConstraint("status IN ('assigned', 'in_progress', 'done')", name="status_known"),
        Index("ix_assignments_user_status", "user_id", "status"),
        # A coder's queue, totals and next document read only this index (no table lookups).
        Index("ix_assignments_user_document", "user_id", "document_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="assigned")
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    document: Mapped[Document] = relationship()
    user: Mapped["User"] = relationship()  # noqa: F821


class ParagraphNote(db.Model):
    """A coder's comment on a paragraph, or a flag ("off topic", "garbled text")."""

    __tablename__ = "paragraph_notes"
    __table_args__ = (CheckConstraint("kind IN ('comment', 'flag')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paragraph_id: Mapped[int] = mapped_column(
        ForeignKey("paragraphs.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = created_at_column()

    user: Mapped["User"] = relationship()  # noqa: F821
