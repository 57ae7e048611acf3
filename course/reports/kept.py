"""Keep the coordinator's computed reports while nothing they count has changed.

A national report counts every learner, summary, attendance mark and evaluation answer of the selection:
at 10,000 learners that is some 50 ms of PostgreSQL and as much again of Python on every view, while the
figures change far less often than coordinators open them. So each process keeps the figures it computed
(plain data, never database objects), under a signature that one cheap query reads on every view:

- the latest change stamp of each large table the reports read (``course.sync.stamping`` stamps every
  insert and update), each read from an index on the stamp alone, so its cost does not grow with the
  table; the learner summaries carry the time of their last refresh instead, which the module gains share;
- the row count of the small tables (cohorts, their trainers and days, certificates, standings), so a
  removed row changes it too, and of the evaluation responses (anonymous: no stamp, no time, never edited);
- the audit log's last id: removing a learner from a cohort, anonymising a person and merging two people
  are recorded there, and a sync merge, whose rows keep the stamps they brought, is too.

The key also holds the filter, the content's fingerprint and the reader's language (the evaluation form's
statements are kept translated). Each process keeps a few reports, least recently used first out, none
longer than ``REPORT_MAX_AGE`` seconds, whatever the signature says.

What that bound is for: a stamp is taken when a change is written and seen when it is committed, so of two
writes that overlap, the one committed last may carry the lower stamp and leave the latest where it was (and a
summary's refresh time is taken before its rows are written). On a busy server a report can therefore be up to
a minute behind a change; it is never further behind, and the next change of the same table usually shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Select, func, select

from course.caching import app_cache, once_per_request
from course.models.attendance import Attendance, SessionDay
from course.models.audit import AuditEvent
from course.models.certificate import Certificate
from course.models.cohort import Cohort, CohortTrainer, TrainerStanding
from course.models.enrolment import Enrolment
from course.models.evaluation import EvaluationResponse
from course.models.follow_up import FollowUpResponse
from course.models.summary import LearnerSummary
from course.models.user import User
from course.reports.queries import ReportFilter
from course.sql import plain_rows, side_by_side
from course.web import current_locale, live_catalogue

T = TypeVar("T")

#: Reports a process keeps: a national report is some hundreds of KB of plain data.
REPORTS_KEPT = 24
#: Seconds a kept report is trusted at most: overlapping writes, or a write made outside the application, can
#: leave the signature where it was (see above).
REPORT_MAX_AGE = 60.0
#: Where an application keeps its reports (app.extensions).
CACHE_KEY = "course.kept_reports"


def _signature_statement() -> Select:
    """One row: latest stamps of the large tables, counts and stamps of the small ones, the last audit id."""
    parts = [select(func.max(model.clock)).subquery() for model in (User, Enrolment, Attendance)]
    parts += [select(func.count(), func.max(model.clock)).select_from(model).subquery()
              for model in (Cohort, CohortTrainer, TrainerStanding, SessionDay, Certificate, FollowUpResponse)]
    parts += [
        select(func.max(LearnerSummary.refreshed_at)).subquery(),
        select(func.count()).select_from(EvaluationResponse).subquery(),
        select(func.max(AuditEvent.id)).subquery(),
    ]
    return side_by_side(parts)


#: Built once: it is asked on every view of every report.
_SIGNATURE = _signature_statement()


def report_signature() -> tuple[Any, ...]:
    """What the reports read, in one query, asked once per request however many figures the page keeps."""
    return once_per_request("report_signature", lambda: tuple(plain_rows(_SIGNATURE)[0]))


def kept(kind: str, report_filter: ReportFilter, make: Callable[[], T]) -> T:
    """The figures of a kind for a filter as this process last computed them, or computed now if anything they
    count has changed."""
    reports = app_cache(CACHE_KEY, REPORTS_KEPT, REPORT_MAX_AGE)
    key = (kind, report_filter, live_catalogue().fingerprint, current_locale(), report_signature())
    return reports.get_or_make(key, make)
