"""Reads for the coordinator's list of trainers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from course.extensions import db
from course.models.cohort import Cohort, CohortTrainer, TrainerStanding
from course.models.enrolment import Enrolment
from course.models.user import Role, User, UserRole, Velayat


@dataclass(frozen=True)
class TrainerRow:
    user_id: int
    name: str
    username: str
    velayat: Velayat | None
    generation: int | None
    trained_in: str | None
    since: datetime | None
    cohorts: int
    learners: int
    #: A deactivated trainer's cohorts and learners still count; the list says the account is deactivated.
    active: bool = True


def trainer_rows() -> list[TrainerRow]:
    """Every trainer with their standing, the cohorts they run and the learners in them (one query)."""
    cohorts = (select(CohortTrainer.user_id, func.count(func.distinct(CohortTrainer.cohort_id)).label("cohorts"),
                      func.count(func.distinct(Enrolment.user_id)).label("learners"))
               .outerjoin(Enrolment, Enrolment.cohort_id == CohortTrainer.cohort_id)
               .group_by(CohortTrainer.user_id).subquery())
    trained_in = aliased(Cohort)
    query = (
        select(User, TrainerStanding.generation, trained_in.name, TrainerStanding.granted_at,
               func.coalesce(cohorts.c.cohorts, 0), func.coalesce(cohorts.c.learners, 0))
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.TRAINER))
        .outerjoin(TrainerStanding, TrainerStanding.user_id == User.id)
        .outerjoin(trained_in, trained_in.id == TrainerStanding.trained_in_cohort_id)
        .outerjoin(cohorts, cohorts.c.user_id == User.id)
        .order_by(TrainerStanding.generation.nulls_last(), User.full_name, User.username)
    )
    return [
        TrainerRow(user.id, user.display_name, user.username, user.velayat, generation, cohort_name, since, n_cohorts,
                   n_learners, user.active)
        for user, generation, cohort_name, since, n_cohorts, n_learners in db.session.execute(query)
    ]
