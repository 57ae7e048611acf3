"""Reads for the cohort pages: lists and rosters in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from course.extensions import db
from course.models.cohort import Cohort, CohortStatus, CohortTrainer
from course.models.enrolment import Enrolment
from course.models.user import Agency, Gender, Role, User, UserRole, Velayat
from course.permissions import Permission, can, velayat_scope
from course.sql import plain_rows


@dataclass(frozen=True)
class CohortRow:
    id: int
    name: str
    track_id: str
    velayat: str
    starts_on: date
    ends_on: date
    status: CohortStatus
    learners: int


def visible_cohorts(user: User) -> list[CohortRow]:
    """Every cohort (of their velayats) for coordinators; for trainers, those they lead or co-train."""
    learners = (select(Enrolment.cohort_id, func.count(Enrolment.id).label("n"))
                .group_by(Enrolment.cohort_id).subquery())
    query = (select(Cohort, func.coalesce(learners.c.n, 0))
             .outerjoin(learners, learners.c.cohort_id == Cohort.id)
             .order_by(Cohort.starts_on.desc(), Cohort.id.desc()))
    own = Cohort.id.in_(select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == user.id))
    if not can(user, Permission.VIEW_ALL_COHORTS):
        query = query.where(own)
    elif (scope := velayat_scope(user)) is not None:
        query = query.where(own | Cohort.velayat.in_(sorted(scope)))
    return [
        CohortRow(c.id, c.name, c.track_id, c.velayat, c.starts_on, c.ends_on, c.status, count)
        for c, count in db.session.execute(query)
    ]


@dataclass(frozen=True)
class RosterRow:
    user_id: int
    username: str
    full_name: str
    agency: Agency | None
    position: str
    gender: Gender
    velayat: Velayat | None
    generation: int | None
    enrolled_at: datetime
    #: The account has never been used: its one-time password was not yet replaced.
    awaiting_first_sign_in: bool

    @property
    def display_name(self) -> str:
        return self.full_name.strip() or self.username


def roster(cohort: Cohort) -> list[RosterRow]:
    """The cohort's learners by name, in one query."""
    rows = plain_rows(
        select(User.id, User.username, User.full_name, User.agency, User.position, User.gender, User.velayat,
               Enrolment.generation, Enrolment.enrolled_at, User.must_change_password & User.last_login_at.is_(None))
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.cohort_id == cohort.id).order_by(User.full_name, User.username)
    )
    return [RosterRow(*row[:9], bool(row[9])) for row in rows]


def trainers() -> list[User]:
    """Everyone who may lead or co-train a cohort."""
    return list(db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == Role.TRAINER, User.active.is_(True))
        .order_by(User.full_name, User.username)
    ))


def is_learner_of(cohort_id: int, user_id: int) -> bool:
    """Whether the user is enrolled through the cohort."""
    return db.session.scalar(select(Enrolment.id).where(Enrolment.cohort_id == cohort_id,
                                                        Enrolment.user_id == user_id)) is not None
