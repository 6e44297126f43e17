"""Timestamps are moments with a time zone on every database, as the OpenAPI's date-time says."""
# ruff: noqa: F811  (pytest fixtures imported from tests.web_fixtures are redefined as arguments)

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import AuditEntry, Paragraph
from tests.web_fixtures import browser, world  # noqa: F401


def test_note_timestamps_carry_their_time_zone(browser, world):
    paragraph = db.session.execute(select(Paragraph.id).where(
        Paragraph.document_id == world.doc1, Paragraph.position == 0)).scalar_one()
    coder = browser("coderA")
    made = coder.post(f"/api/paragraphs/{paragraph}/notes", {"kind": "comment", "body": "Hm"})
    assert made.status_code == 201, made.get_json()
    listed = coder.get(f"/api/paragraphs/{paragraph}/notes").get_json()["notes"]
    for note in (made.get_json()["note"], listed[0]):
        moment = datetime.fromisoformat(note["created_at"])
        assert moment.utcoffset() == timedelta(0), note["created_at"]
        assert abs(datetime.now(UTC) - moment) < timedelta(minutes=1)


def test_a_moment_given_in_another_zone_reads_back_as_the_same_moment(world):
    kyiv = datetime(2025, 6, 1, 12, 30, tzinfo=timezone(timedelta(hours=3)))
    entry = AuditEntry(action="test", target_type="test", created_at=kyiv)
    db.session.add(entry)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AuditEntry, entry.id).created_at
    assert stored == kyiv and stored.utcoffset() is not None
    assert stored.astimezone(UTC).hour == 9
