"""Attendance shares: how much of their cohort's face-to-face days each learner attended.

A share is (present + late) / (days − days excused): an excused absence neither
helps nor hurts. A cohort with no session days, or a learner excused from all
of them, has no share, so a track that requires attendance is not complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, case, func, select

from course.models.attendance import ATTENDED, Attendance, AttendanceStatus, SessionDay
from course.models.enrolment import Enrolment
from course.models.user import User
from course.sql import plain_rows


@dataclass(frozen=True)
class AttendanceShare:
    attended: int
    excused: int
    days: int

    @property
    def counted(self) -> int:
        """The days that count: excused days are left out."""
        return self.days - self.excused

    @property
    def share(self) -> float | None:
        return self.attended / self.counted if self.counted > 0 else None

    def meets(self, minimum: float | None) -> bool:
        return minimum is None or (self.share is not None and self.share + 1e-9 >= minimum)


NO_DAYS = AttendanceShare(0, 0, 0)


def attendance_shares(users: Select | Sequence[int]) -> dict[tuple[int, str], AttendanceShare]:
    """Per (learner, track) they are enrolled in through a cohort: their share of its days, in one query."""
    user_filter = Enrolment.user_id.in_(users if isinstance(users, Select) else list(users))
    query = (
        select(Enrolment.user_id, Enrolment.track_id, func.count(SessionDay.id),
               func.sum(case((Attendance.status.in_(sorted(ATTENDED)), 1), else_=0)),
               func.sum(case((Attendance.status == AttendanceStatus.EXCUSED, 1), else_=0)))
        .join(SessionDay, SessionDay.cohort_id == Enrolment.cohort_id)
        .outerjoin(Attendance, and_(Attendance.session_day_id == SessionDay.id,
                                    Attendance.user_id == Enrolment.user_id))
        .where(user_filter).group_by(Enrolment.user_id, Enrolment.track_id)
    )
    return {(uid, track_id): AttendanceShare(int(attended or 0), int(excused or 0), days)
            for uid, track_id, days, attended, excused in plain_rows(query)}


def marked_per_day(cohort_id: int) -> dict[int, int]:
    """How many learners are marked on each session day of the cohort."""
    return dict(plain_rows(select(Attendance.session_day_id, func.count()).join(SessionDay)
                           .where(SessionDay.cohort_id == cohort_id).group_by(Attendance.session_day_id)))


def marks_of(session_day_id: int) -> dict[int, AttendanceStatus]:
    return dict(plain_rows(select(Attendance.user_id, Attendance.status)
                           .where(Attendance.session_day_id == session_day_id)))


def roster(cohort_id: int) -> list[tuple[int, str]]:
    """The cohort's learners as (id, display name), by name."""
    return [tuple(row) for row in plain_rows(
        select(User.id, User.display_name).join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.cohort_id == cohort_id).order_by(User.display_name))]
