"""Keep a cohort's computed dashboard while nothing it shows has changed.

A dashboard of 200 learners is some twenty queries, thousands of cells and a 300 KB page; trainers reload it,
and several trainers and a coordinator open the same cohort. Everything it shows comes from records that carry
a hybrid-clock stamp of their last change (``course.sync.stamping``), so one query of counts and latest
stamps over the cohort's records tells whether the dashboard computed a moment ago still holds:

- a new or changed record raises the latest stamp of its table; the latest stamp of each learner's records
  is read per learner through an index that starts with the learner (for the large tables a (user, stamp)
  index, read from its end): some 200 short probes, where counting every section read of the cohort read
  thousands of index entries on each view;
- a removed record lowers a count: learners taken off the roster, session days deleted (with their marks)
  and trainers' draft quizzes discarded are the only removals, and all three are counted; section reads,
  attempts, certificates, practice assessments and skims are never removed (a certificate is revoked, an
  attempt abandoned: both are changes);
- a record written by the sync merge keeps the stamp it brought, which may be older than the latest here, and
  a merge of two people moves rows without stamping them: both are recorded in the audit log, whose last id
  is part of the signature.

The key also holds the content's fingerprint, the reader's language and the day (the "has not started after
N days" list moves with the calendar). Each process keeps a few dashboards (``DASHBOARDS_KEPT``), least recently
used first out, none longer than a minute: a stamp is taken when a change is written and seen when it is
committed, so two overlapping writes of the same learner's records can commit the lower stamp last and leave
the learner's latest where it was; the minute bounds how long such a change can go unseen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from sqlalchemy import Select, bindparam, func, select

from course.caching import RecentlyUsed, app_cache
from course.models.attempt import QuizAttempt
from course.models.attendance import Attendance, SessionDay
from course.models.audit import AuditEvent
from course.models.certificate import Certificate
from course.models.cohort import Cohort
from course.models.enrolment import Enrolment
from course.models.practice import PracticeAssessment
from course.models.progress import ReadingSkim, SectionRead
from course.models.trainer_quiz import TrainerQuiz
from course.models.user import User
from course.sql import plain_rows, side_by_side

#: Dashboards a process keeps (each a few hundred KB for a cohort of 200).
DASHBOARDS_KEPT = 16
#: Seconds a kept dashboard is trusted at most, whatever the signature says: two overlapping writes of one
#: learner's records could leave the latest stamp where it was (see above).
DASHBOARD_MAX_AGE = 60.0
_CACHE_KEY = "course.cohort_dashboards"

if TYPE_CHECKING:
    from course.cohorts.dashboard import CohortDashboard


@dataclass(frozen=True)
class KeptDashboard:
    """What a process keeps of a dashboard: the computed figures (plain data, no database objects: they outlive
    the session that read them) and the grids rendered from them."""

    dashboard: CohortDashboard
    grids: Markup

def _signature_statement() -> Select:
    """Counts and latest stamps of everything a cohort's dashboard reads, for the cohort ``cohort_id``."""
    cohort_id = bindparam("cohort_id")

    def latest_of_learner(stamp, owner):
        """The latest stamp of one learner's rows of a table (the enrolment's learner)."""
        return func.max(select(func.max(stamp)).where(owner == Enrolment.user_id).scalar_subquery())

    learners = (
        select(func.count(), func.max(Enrolment.clock), func.max(User.clock),
               latest_of_learner(SectionRead.clock, SectionRead.user_id),
               latest_of_learner(QuizAttempt.clock, QuizAttempt.user_id),
               latest_of_learner(Certificate.clock, Certificate.user_id),
               latest_of_learner(Attendance.clock, Attendance.user_id),
               latest_of_learner(PracticeAssessment.clock, PracticeAssessment.trainee_id),
               # Skims are not synced, so they have no clock: the time of the latest tells a change as well.
               latest_of_learner(ReadingSkim.at, ReadingSkim.user_id))
        .join(User, User.id == Enrolment.user_id).where(Enrolment.cohort_id == cohort_id).subquery()
    )
    parts = [
        select(Cohort.clock).where(Cohort.id == cohort_id).subquery(),
        select(func.max(AuditEvent.id)).subquery(),
        learners,
        select(func.count(), func.max(SessionDay.clock)).where(SessionDay.cohort_id == cohort_id).subquery(),
        # A trainer's quiz opened, closed or discarded adds or removes a column.
        select(func.count(), func.max(TrainerQuiz.clock)).where(TrainerQuiz.cohort_id == cohort_id).subquery(),
    ]
    return side_by_side(parts)


#: Asked on every view of every dashboard: built once (building it cost more than PostgreSQL's answer).
_SIGNATURE = _signature_statement()


def cohort_signature(cohort: Cohort) -> tuple[Any, ...]:
    """Counts and latest stamps of everything a cohort's dashboard reads, in one query."""
    return tuple(plain_rows(_SIGNATURE, {"cohort_id": cohort.id})[0])


def kept_dashboards() -> RecentlyUsed:
    """This process's dashboards, per application."""
    return app_cache(_CACHE_KEY, DASHBOARDS_KEPT, DASHBOARD_MAX_AGE)
