"""Who takes which track of which course."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.identity import Synced, clock_index
from course.models.types import UTCDateTime, utcnow


class Enrolment(Synced, db.Model):
    """A user enrolled in one track of a course."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "track_id"), clock_index("enrolments"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    track_id: Mapped[str] = mapped_column(String(100))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The cohort the learner was enrolled through, and so their trainer; none when enrolled by an administrator.
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    #: Depth in the cascade: 1 for learners of master trainers, 2 for learners of their trainees...
    generation: Mapped[int | None] = mapped_column()
