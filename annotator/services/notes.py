"""Paragraph notes: coders' comments and flags on a paragraph (never commits)."""

from annotator.extensions import db
from annotator.models import AuditEntry, Document, Paragraph, ParagraphNote, User
from annotator.services.annotating import InvalidRequest

KINDS = ("comment", "flag")
MAX_BODY = 5000


def note_json(note: ParagraphNote, viewer: User) -> dict:
    """Return a note as the API shows it."""
    return {"id": note.id, "paragraph": note.paragraph_id, "kind": note.kind, "body": note.body,
            "user": note.user.username, "own": note.user_id == viewer.id,
            "created_at": note.created_at.isoformat()}


def list_notes(paragraph: Paragraph, viewer: User, everyone: bool) -> list[ParagraphNote]:
    """Return the paragraph's notes, oldest first: everyone's, or only the viewer's."""
    query = db.select(ParagraphNote).where(ParagraphNote.paragraph_id == paragraph.id)
    if not everyone:
        query = query.where(ParagraphNote.user_id == viewer.id)
    return db.session.execute(
        query.order_by(ParagraphNote.created_at, ParagraphNote.id)
    ).scalars().all()


def add_note(paragraph: Paragraph, user: User, payload: object) -> ParagraphNote:
    """Add the user's note to the paragraph.

    :raise: InvalidRequest naming the field that is wrong.
    """
    if not isinstance(payload, dict):
        raise InvalidRequest("body", "must be a JSON object")
    kind, body = payload.get("kind"), payload.get("body", "")
    if kind not in KINDS:
        raise InvalidRequest("kind", f"must be one of {', '.join(KINDS)}")
    if not isinstance(body, str):
        raise InvalidRequest("body", "must be text")
    body = body.strip()
    if len(body) > MAX_BODY:
        raise InvalidRequest("body", f"must be at most {MAX_BODY} characters")
    if kind == "comment" and not body:
        raise InvalidRequest("body", "a comment must not be empty")
    note = ParagraphNote(paragraph_id=paragraph.id, user_id=user.id, kind=kind, body=body)
    db.session.add(note)
    db.session.flush()
    _audit(note, user, "add_note", None, {"kind": kind, "body": body})
    return note


def delete_note(note: ParagraphNote, user: User) -> None:
    """Delete a note (the caller has checked that it is the user's own)."""
    _audit(note, user, "delete_note", {"kind": note.kind, "body": note.body}, None)
    db.session.delete(note)


def _audit(note: ParagraphNote, user: User, action: str, before, after) -> None:
    paragraph = db.session.get(Paragraph, note.paragraph_id)
    document = db.session.get(Document, paragraph.document_id)
    db.session.add(AuditEntry(
        user_id=user.id, project_id=document.project_id, document_id=document.id,
        action=action, target_type="note", target_uid=str(note.id), before=before, after=after,
    ))
