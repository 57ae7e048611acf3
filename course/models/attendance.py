"""Face-to-face days of a cohort and who attended them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.identity import Synced, clock_index, learner_clock_index
from course.models.types import UTCDateTime, str_enum, utcnow


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"
    EXCUSED = "excused"


#: Statuses that count as having attended the day.
ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE})


class SessionDay(Synced, db.Model):
    """One face-to-face day of a cohort, within its dates, with what it covers."""

    __tablename__ = "session_days"
    __table_args__ = (UniqueConstraint("cohort_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(200), default="")
    #: Module ids covered that day.
    modules: Mapped[list[str]] = mapped_column(JSON, default=list)


class Attendance(Synced, db.Model):
    """A learner's attendance on one session day, as the trainer marked it (last mark wins)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_day_id", "user_id"), learner_clock_index("attendance"),
                      clock_index("attendance"))

    id: Mapped[int] = mapped_column(primary_key=True)
    session_day_id: Mapped[int] = mapped_column(ForeignKey("session_days.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(str_enum(AttendanceStatus, "attendance_status"))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
