"""A learner's answers to the follow-up questionnaire of a cohort, at one wave (months after its last day)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.identity import Synced, learner_clock_index
from course.models.types import UTCDateTime, utcnow


class FollowUpResponse(Synced, db.Model):
    """Not anonymous, unlike the evaluation: what a person applied is read beside who they are (agency, velayat),
    and published only in totals of at least five people (course.reports.suppression)."""

    __tablename__ = "follow_up_responses"
    __table_args__ = (UniqueConstraint("user_id", "cohort_id", "wave"), learner_clock_index("follow_up_responses"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    #: Months after the cohort's last day (one of the questionnaire's waves).
    wave: Mapped[int] = mapped_column(Integer)
    #: The questionnaire's id in the content (answers are keyed by its question ids).
    form_id: Mapped[str] = mapped_column(String(100))
    #: Question id → a count (int) or a few words (str); questions left blank are absent.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The trainer who typed in a paper form; None when the learner answered in the app.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
