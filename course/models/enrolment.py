"""Who takes which track of which course."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.identity import Synced, clock_index
from course.models.types import UTCDateTime, str_enum, utcnow


class FormOrder(enum.StrEnum):
    """Which of the course's two parallel test forms a learner takes first (course.quiz.parallel)."""

    #: The pre-test's questions before the course, the post-test's after: what every learner did before
    #: the forms were counterbalanced.
    AB = "ab"
    #: The post-test's questions before the course, the pre-test's after.
    BA = "ba"


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
    #: Set at enrolment so that each cohort is split in halves (course.quiz.parallel.next_form_order).
    form_order: Mapped[FormOrder] = mapped_column(str_enum(FormOrder, "form_order", length=2), default=FormOrder.AB,
                                                  server_default=FormOrder.AB.value)
