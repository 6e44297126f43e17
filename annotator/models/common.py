"""Column helpers shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A moment in time, stored in UTC and read back with its time zone on every database.

    PostgreSQL keeps the zone (timestamptz); SQLite has no such type and SQLAlchemy stores
    the wall-clock time without it, so values are converted to UTC going in and marked as UTC
    coming out: the API's `date-time` values then carry "+00:00" on both.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def created_at_column():
    return mapped_column(UTCDateTime(), default=utcnow, nullable=False)


def updated_at_column():
    return mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)
