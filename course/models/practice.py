"""A master trainer's assessment of a trainee trainer's practice presentation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.identity import Synced
from course.models.types import UTCDateTime, utcnow


class PracticeAssessment(Synced, db.Model):
    """One practice presentation, scored on the course's rubric, with written recommendations.

    A trainee may be assessed again after failing; the track's rule counts the
    trainee as having passed when any assessment passed. The rubric used is
    copied into the row, so a later change to the content file does not
    rewrite what the trainee was told.
    """

    __tablename__ = "practice_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    track_id: Mapped[str] = mapped_column(String(100))
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The module whose topic the trainee presented.
    module_id: Mapped[str] = mapped_column(String(100))
    #: Score per criterion id.
    scores: Mapped[dict[str, int]] = mapped_column(JSON)
    #: The rubric as it was when assessed (criteria, scale, descriptors, pass rule).
    rubric: Mapped[dict] = mapped_column(JSON)
    total: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    recommendations: Mapped[str] = mapped_column(Text)
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
