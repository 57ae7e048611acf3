"""Adding session days and marking attendance, with every check a trainer's mistake needs.

Each function refuses bad input with a DomainError (already translated) before it
writes anything, so the caller's rollback leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from course.domain import DomainError
from course.extensions import db
from course.models.attendance import Attendance, AttendanceStatus, SessionDay
from course.models.cohort import Cohort
from course.models.enrolment import Enrolment
from course.models.types import utcnow
from course.summary import refresh_learners


def session_days(cohort: Cohort) -> list[SessionDay]:
    return list(db.session.scalars(select(SessionDay).where(SessionDay.cohort_id == cohort.id)
                                   .order_by(SessionDay.day)))


def add_day(cohort: Cohort, day: date, topic: str, modules: list[str], known_modules: set[str]) -> SessionDay:
    if not cohort.starts_on <= day <= cohort.ends_on:
        raise DomainError(_("%(day)s is outside the cohort's dates (%(first)s to %(last)s).", day=format_date(day),
                            first=format_date(cohort.starts_on), last=format_date(cohort.ends_on)), field="day")
    if db.session.scalar(select(SessionDay.id).where(SessionDay.cohort_id == cohort.id, SessionDay.day == day)):
        raise DomainError(_("The cohort already has a session on %(day)s.", day=format_date(day)), field="day")
    unknown = [m for m in modules if m not in known_modules]
    if unknown:
        raise DomainError(_("Unknown module: %(id)s.", id=", ".join(unknown)), field="modules")
    session = SessionDay(cohort_id=cohort.id, day=day, topic=topic.strip()[:200], modules=modules)
    db.session.add(session)
    db.session.flush()
    refresh_learners(learners_of(cohort))  # one more day changes every learner's share
    return session


def remove_day(cohort: Cohort, session: SessionDay) -> None:
    db.session.delete(session)
    db.session.flush()
    refresh_learners(learners_of(cohort))


def learners_of(cohort: Cohort) -> list[int]:
    """The ids of the cohort's learners."""
    return list(db.session.scalars(select(Enrolment.user_id).where(Enrolment.cohort_id == cohort.id)))


def mark_attendance(cohort: Cohort, session: SessionDay, marks: Mapping[int, str], actor_id: int) -> int:
    """Record each learner's status for the day; returns how many were marked. All or nothing."""
    if session.cohort_id != cohort.id:
        raise DomainError(_("That day is not one of this cohort's sessions."))
    learners = set(learners_of(cohort))
    strangers = [uid for uid in marks if uid not in learners]
    if strangers:
        raise DomainError(_("Attendance can only be marked for the cohort's own learners."))
    statuses: dict[int, AttendanceStatus] = {}
    for uid, raw in marks.items():
        try:
            statuses[uid] = AttendanceStatus(raw)
        except ValueError:
            raise DomainError(_("“%(value)s” is not an attendance status.", value=str(raw)[:20])) from None
    existing = {row.user_id: row for row in db.session.scalars(
        select(Attendance).where(Attendance.session_day_id == session.id))}
    for uid, status in statuses.items():
        row = existing.get(uid)
        if row is None:
            db.session.add(Attendance(session_day_id=session.id, user_id=uid, status=status, marked_by_id=actor_id))
        elif row.status != status:
            row.status, row.marked_by_id, row.marked_at = status, actor_id, utcnow()
    db.session.flush()
    refresh_learners(list(statuses))
    return len(statuses)
