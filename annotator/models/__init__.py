"""The data model: users and projects, documents, annotation layers and their items, audit."""

from annotator.models.annotations import (
    Attribution,
    AttributionPart,
    Event,
    EventArgument,
    Layer,
    Span,
)
from annotator.models.audit import AuditEntry
from annotator.models.documents import Assignment, Document, Paragraph, ParagraphNote
from annotator.models.projects import Actor, ActorAlias, Codebook, Membership, Project
from annotator.models.users import ApiToken, User

__all__ = [
    "Actor",
    "ActorAlias",
    "ApiToken",
    "Assignment",
    "Attribution",
    "AttributionPart",
    "AuditEntry",
    "Codebook",
    "Document",
    "Event",
    "EventArgument",
    "Layer",
    "Membership",
    "Paragraph",
    "ParagraphNote",
    "Project",
    "Span",
    "User",
]
