"""The learning records of a selection of cohorts as xAPI statements, streamed (course.xapi.statements).

Read with a few queries whatever the number of learners, row by row, so memory stays flat for a national export.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, func, select

from course.extensions import db
from course.learn.queries import Catalogue
from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
from course.models.attendance import Attendance, AttendanceStatus, SessionDay
from course.models.certificate import Certificate
from course.models.enrolment import Enrolment
from course.models.progress import SectionRead
from course.models.user import User
from course.xapi.statements import Statements

#: Rows fetched at a time from each query.
BATCH = 1000


def _rows(query: Select) -> Iterator[Any]:
    yield from db.session.execute(query.execution_options(yield_per=BATCH))


def learning_statements(cohorts: Select, catalogue: Catalogue, home: str) -> Iterator[dict[str, Any]]:
    """Every statement of the learners enrolled in the cohorts of the selection (a SELECT of cohort ids)."""
    build = Statements(home, catalogue.course["id"])
    learners = select(Enrolment.user_id).where(Enrolment.cohort_id.in_(cohorts))
    uid = User.uid.label("user_uid")

    def track_names(track_id: str) -> dict[str, str]:
        return (catalogue.track(track_id) or {}).get("title") or {}

    for row in _rows(select(Enrolment.uid, uid, Enrolment.track_id, Enrolment.enrolled_at)
                     .join(User, User.id == Enrolment.user_id).where(Enrolment.cohort_id.in_(cohorts))
                     .order_by(Enrolment.id)):
        yield build.registered(row.uid, row.user_uid, row.track_id, track_names(row.track_id), row.enrolled_at)

    sections = {module_id: set(module.section_keys) for module_id, module in catalogue.modules.items()}
    for row in _rows(select(uid, SectionRead.module_id, func.count(SectionRead.section_id.distinct()).label("read"),
                            func.max(SectionRead.read_at).label("last"))
                     .join(User, User.id == SectionRead.user_id).where(SectionRead.user_id.in_(learners))
                     .group_by(User.uid, SectionRead.module_id).order_by(User.uid, SectionRead.module_id)):
        if row.module_id in sections and row.read >= len(sections[row.module_id]):
            names = catalogue.modules[row.module_id].data["meta"]["title"]
            yield build.completed_module(row.user_uid, row.module_id, names, row.last)

    submitted = (QuizAttempt.state == AttemptState.SUBMITTED, QuizAttempt.user_id.in_(learners))
    for row in _rows(select(AttemptAnswer.uid, uid, QuizAttempt.quiz_id, AttemptAnswer.question_id,
                            AttemptAnswer.earned, AttemptAnswer.possible, AttemptAnswer.saved_at)
                     .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
                     .join(User, User.id == QuizAttempt.user_id).where(*submitted).order_by(AttemptAnswer.id)):
        yield build.answered(row.uid, row.user_uid, row.quiz_id, row.question_id, row.earned, row.possible,
                             row.saved_at)

    def names(quiz_id: str) -> dict:
        return (catalogue.quizzes.get(quiz_id) or {}).get("title") or {}

    for row in _rows(select(QuizAttempt.uid, uid, QuizAttempt.quiz_id, QuizAttempt.passed, QuizAttempt.score,
                            QuizAttempt.earned, QuizAttempt.possible, QuizAttempt.submitted_at, QuizAttempt.counts_as)
                     .join(User, User.id == QuizAttempt.user_id).where(*submitted).order_by(QuizAttempt.id)):
        yield build.quiz_result(row.uid, row.user_uid, row.quiz_id, names(row.quiz_id), bool(row.passed), row.score,
                                row.earned, row.possible, row.submitted_at,
                                stands_for=(row.counts_as, names(row.counts_as)) if row.counts_as else None)

    for row in _rows(select(Attendance.uid, uid, SessionDay.uid.label("day_uid"), Enrolment.track_id, SessionDay.day,
                            SessionDay.topic)
                     .join(SessionDay, SessionDay.id == Attendance.session_day_id)
                     .join(User, User.id == Attendance.user_id)
                     .join(Enrolment, (Enrolment.user_id == Attendance.user_id)
                           & (Enrolment.cohort_id == SessionDay.cohort_id))
                     .where(SessionDay.cohort_id.in_(cohorts),
                            Attendance.status.in_([AttendanceStatus.PRESENT, AttendanceStatus.LATE]))
                     .order_by(Attendance.id)):
        yield build.attended(row.uid, row.user_uid, row.day_uid, row.track_id, row.day, row.topic)

    for row in _rows(select(Certificate.uid, uid, Certificate.track_id, Certificate.issued_at, Certificate.revoked_at)
                     .join(User, User.id == Certificate.user_id).where(Certificate.cohort_id.in_(cohorts))
                     .order_by(Certificate.id)):
        yield build.earned(row.uid, row.user_uid, row.track_id, track_names(row.track_id), row.issued_at)
        if row.revoked_at is not None:
            yield build.voided(row.uid, row.user_uid, row.revoked_at)


def json_array(statements: Iterator[dict[str, Any]]) -> Iterator[str]:
    """A JSON array written as it is read (a learning record store's POST /statements takes one)."""
    yield "["
    for index, statement in enumerate(statements):
        yield ("," if index else "") + "\n" + json.dumps(statement, ensure_ascii=False, sort_keys=True)
    yield "\n]\n"
