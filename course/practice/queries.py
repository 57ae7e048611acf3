"""Who has passed the teaching practice, and the assessments a page lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Select, func, select

from course.extensions import db
from course.models.practice import PracticeAssessment
from course.sql import plain_rows


def practice_passed(users: Select | Sequence[int]) -> set[tuple[int, str]]:
    """(learner, track) pairs with at least one passed assessment, in one query."""
    ids = users if isinstance(users, Select) else list(users)
    return {(uid, track_id) for uid, track_id in plain_rows(
        select(PracticeAssessment.trainee_id, PracticeAssessment.track_id).distinct()
        .where(PracticeAssessment.trainee_id.in_(ids), PracticeAssessment.passed.is_(True)))}


def assessments_in_cohort(cohort_id: int) -> dict[int, list[PracticeAssessment]]:
    """The cohort's assessments by trainee, newest first."""
    found: dict[int, list[PracticeAssessment]] = defaultdict(list)
    for assessment in db.session.scalars(select(PracticeAssessment).where(PracticeAssessment.cohort_id == cohort_id)
                                         .order_by(PracticeAssessment.id.desc())):
        found[assessment.trainee_id].append(assessment)
    return found


def assessments_of(user_id: int) -> list[PracticeAssessment]:
    """A trainee's own assessments, newest first."""
    return list(db.session.scalars(select(PracticeAssessment).where(PracticeAssessment.trainee_id == user_id)
                                   .order_by(PracticeAssessment.id.desc())))


def assessment_count(cohort_id: int, trainee_id: int) -> int:
    """How many times the trainee has been assessed in the cohort."""
    return db.session.scalar(select(func.count()).select_from(PracticeAssessment).where(
        PracticeAssessment.cohort_id == cohort_id, PracticeAssessment.trainee_id == trainee_id))
