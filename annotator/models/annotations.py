"""Annotation layers (one per coder per document, plus gold) and the items they hold.

Items carry a client-made `uid` that is unique within their layer, so that a save retried after a
network failure is applied once, and so that events and attributions can point at spans made in
the same request.
"""

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.extensions import db
from annotator.models.common import created_at_column, updated_at_column

LAYER_KINDS = ("coder", "gold", "suggestion")
ATTRIBUTION_ROLES = ("source", "cue", "content")


class Layer(db.Model):
    __tablename__ = "layers"
    __table_args__ = (
        CheckConstraint("kind IN ('coder', 'gold', 'suggestion')", name="kind_known"),
        CheckConstraint("(kind = 'coder') = (user_id IS NOT NULL)", name="coder_has_user"),
        CheckConstraint("version >= 0", name="version_non_negative"),
        UniqueConstraint("document_id", "kind", "user_id"),
        # NULLs never collide in a unique constraint, so one gold layer per document needs this.
        Index(
            "uq_layers_one_gold_per_document",
            "document_id",
            "kind",
            unique=True,
            sqlite_where=text("user_id IS NULL"),
            postgresql_where=text("user_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Bumped by every save; a save against an older version is refused (optimistic locking).
    version: Mapped[int] = mapped_column(Integer, default=0)
    # The last change request applied, so that a retried request is not applied twice.
    last_change_id: Mapped[str | None] = mapped_column(String(64))
    codebook_version: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    document: Mapped["Document"] = relationship()  # noqa: F821
    user: Mapped["User | None"] = relationship()  # noqa: F821
    spans: Mapped[list["Span"]] = relationship(
        back_populates="layer", cascade="all, delete-orphan", passive_deletes=True
    )
    events: Mapped[list["Event"]] = relationship(
        back_populates="layer", cascade="all, delete-orphan", passive_deletes=True
    )
    attributions: Mapped[list["Attribution"]] = relationship(
        back_populates="layer", cascade="all, delete-orphan", passive_deletes=True
    )


class Span(db.Model):
    __tablename__ = "spans"
    __table_args__ = (
        CheckConstraint('start >= 0 AND start < "end"', name="offsets_ordered"),
        UniqueConstraint("layer_id", "uid"),
        Index("ix_spans_layer_paragraph", "layer_id", "paragraph_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64))
    layer_id: Mapped[int] = mapped_column(ForeignKey("layers.id", ondelete="CASCADE"))
    paragraph_id: Mapped[int] = mapped_column(
        ForeignKey("paragraphs.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int] = mapped_column()
    end: Mapped[int] = mapped_column()
    label: Mapped[str] = mapped_column(String(64))
    # The covered text, re-checked against the paragraph on save and on export.
    text: Mapped[str] = mapped_column(Text)
    attrs: Mapped[dict] = mapped_column(JSON, default=dict)
    # Gold items: which coders' items they came from, who adjudicated, when, the note.
    provenance: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_at_column()

    layer: Mapped[Layer] = relationship(back_populates="spans")
    paragraph: Mapped["Paragraph"] = relationship()  # noqa: F821


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("layer_id", "uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64))
    layer_id: Mapped[int] = mapped_column(ForeignKey("layers.id", ondelete="CASCADE"))
    trigger_span_id: Mapped[int | None] = mapped_column(
        ForeignKey("spans.id", ondelete="CASCADE"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(32))
    attrs: Mapped[dict] = mapped_column(JSON, default=dict)
    provenance: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_at_column()

    layer: Mapped[Layer] = relationship(back_populates="events")
    trigger: Mapped[Span | None] = relationship()
    arguments: Mapped[list["EventArgument"]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="EventArgument.position",
    )


class EventArgument(db.Model):
    __tablename__ = "event_arguments"
    __table_args__ = (
        UniqueConstraint("event_id", "role", "span_id"),
        CheckConstraint("position >= 0", name="position_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    span_id: Mapped[int] = mapped_column(ForeignKey("spans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="arguments")
    span: Mapped[Span] = relationship()


class Attribution(db.Model):
    __tablename__ = "attributions"
    __table_args__ = (
        UniqueConstraint("layer_id", "uid"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(64))
    layer_id: Mapped[int] = mapped_column(ForeignKey("layers.id", ondelete="CASCADE"))
    # Nesting: the outer attribution whose content holds this one.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("attributions.id", ondelete="SET NULL"), index=True
    )
    attrs: Mapped[dict] = mapped_column(JSON, default=dict)
    provenance: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = created_at_column()

    layer: Mapped[Layer] = relationship(back_populates="attributions")
    parent: Mapped["Attribution | None"] = relationship(remote_side=[id])
    parts: Mapped[list["AttributionPart"]] = relationship(
        back_populates="attribution",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="AttributionPart.position",
    )


class AttributionPart(db.Model):
    """One span playing the source, cue or content role; discontinuous parts are several rows."""

    __tablename__ = "attribution_parts"
    __table_args__ = (
        UniqueConstraint("attribution_id", "role", "span_id"),
        CheckConstraint("role IN ('source', 'cue', 'content')", name="role_known"),
        CheckConstraint("position >= 0", name="position_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attribution_id: Mapped[int] = mapped_column(ForeignKey("attributions.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    span_id: Mapped[int] = mapped_column(ForeignKey("spans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    attribution: Mapped[Attribution] = relationship(back_populates="parts")
    span: Mapped[Span] = relationship()
