"""Counted requests for rate limits that every worker must share (public pages anyone can hammer)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.types import UTCDateTime, utcnow


class RateEvent(db.Model):
    __tablename__ = "rate_events"
    __table_args__ = (Index("ix_rate_events_bucket_key_at", "bucket", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What is limited, e.g. "verify" or "register".
    bucket: Mapped[str] = mapped_column(String(32))
    #: Whom it is counted against: a client address.
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
