"""A learner's report that a question they answered is wrong, and what the legal reviewer did about it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.identity import Synced
from course.models.types import UTCDateTime, utcnow


class QuestionReport(Synced, db.Model):
    """Made from the learner's own submitted attempt, so it names the exact version of the question they saw.
    Synced: a report made on a field laptop reaches the reviewer at the centre."""

    __tablename__ = "question_reports"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    quiz_id: Mapped[str] = mapped_column(String(100), index=True)
    quiz_hash: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[str] = mapped_column(String(100))
    comment: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the reviewer closes the report, with what was done ("corrected in the next version"...).
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewer_note: Mapped[str] = mapped_column(Text, default="", server_default="")
