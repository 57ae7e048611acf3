"""Versioned content: every module, quiz and course definition ever loaded.

Files are the source of truth; the database keeps each version as a canonical
JSON snapshot keyed by its content hash, so a learner record that names the
hash can be interpreted exactly as it was, whatever the files say today.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.types import UTCDateTime, str_enum, utcnow


class ContentKind(enum.StrEnum):
    COURSE = "course"
    MODULE = "module"
    QUIZ = "quiz"
    SOURCES = "sources"
    #: The provisions of law the content cites, with their editions.
    PROVISIONS = "provisions"




class ContentSnapshot(db.Model):
    """One immutable version of one content item."""

    __tablename__ = "content_snapshots"
    __table_args__ = (UniqueConstraint("kind", "content_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ContentKind] = mapped_column(str_enum(ContentKind, "content_kind", 16))
    content_id: Mapped[str] = mapped_column(String(100))
    #: SHA-256 of the canonical JSON of ``data``.
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContentItem(db.Model):
    """The version of a content item that is live now."""

    __tablename__ = "content_items"
    __table_args__ = (UniqueConstraint("kind", "content_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ContentKind] = mapped_column(str_enum(ContentKind, "content_kind", 16))
    content_id: Mapped[str] = mapped_column(String(100))
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("content_snapshots.id"))
    #: Removed from the files; kept so old records still resolve.
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # The snapshot is what every reader of a content item wants.
    snapshot: Mapped[ContentSnapshot] = relationship(lazy="joined")
