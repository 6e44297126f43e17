"""API: paragraph notes (comments and flags); coders see their own, reviewers everyone's."""

from flask import jsonify
from flask_login import current_user

from annotator.extensions import db
from annotator.services import notes
from annotator.web import access
from annotator.web.api import bp, read_json


def _sees_everyone(paragraph) -> bool:
    return access.has_role(access.document_role(paragraph.document), "reviewer")


@bp.get("/paragraphs/<int:paragraph_id>/notes")
def list_notes(paragraph_id: int):
    """List the notes on a paragraph that the caller may see."""
    paragraph = access.get_paragraph_or_404(paragraph_id)
    found = notes.list_notes(paragraph, current_user, _sees_everyone(paragraph))
    return jsonify({"notes": [notes.note_json(n, current_user) for n in found]})


@bp.post("/paragraphs/<int:paragraph_id>/notes")
def add_note(paragraph_id: int):
    """Add a comment or a flag to a paragraph."""
    paragraph = access.get_paragraph_or_404(paragraph_id)
    note = notes.add_note(paragraph, current_user, read_json())
    db.session.commit()
    return jsonify({"note": notes.note_json(note, current_user)}), 201


@bp.delete("/notes/<int:note_id>")
def delete_note(note_id: int):
    """Delete one of the caller's own notes."""
    note = access.get_own_note_or_404(note_id)
    notes.delete_note(note, current_user)
    db.session.commit()
    return jsonify({"deleted": note_id})
