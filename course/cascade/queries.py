"""Reads for the coordinator's list of trainers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from course.extensions import db
from course.models.certificate import Certificate, CertificateKind
from course.models.cohort import Cohort, CohortTrainer, TrainerStanding
from course.models.enrolment import Enrolment
from course.models.types import utcnow
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
    #: When their trainer certification lapses (course.certificates.validity); None: it does not, or they hold none.
    certified_until: datetime | None = None

    @property
    def certification_lapsed(self) -> bool:
        return self.certified_until is not None and self.certified_until <= utcnow()


def trainer_rows() -> list[TrainerRow]:
    """Every trainer with their standing, the cohorts they run and the learners in them (one query)."""
    # A trainer certificate that never lapses (no validity period) counts as lasting: then nothing lapses.
    lasting = func.count(Certificate.id) > func.count(Certificate.valid_until)
    certified = (select(Certificate.user_id, case((lasting, None), else_=func.max(Certificate.valid_until))
                        .label("until"))
                 .where(Certificate.kind == CertificateKind.TRAINER, Certificate.revoked_at.is_(None))
                 .group_by(Certificate.user_id).subquery())
    cohorts = (select(CohortTrainer.user_id, func.count(func.distinct(CohortTrainer.cohort_id)).label("cohorts"),
                      func.count(func.distinct(Enrolment.user_id)).label("learners"))
               .outerjoin(Enrolment, Enrolment.cohort_id == CohortTrainer.cohort_id)
               .group_by(CohortTrainer.user_id).subquery())
    trained_in = aliased(Cohort)
    query = (
        select(User, TrainerStanding.generation, trained_in.name, TrainerStanding.granted_at,
               func.coalesce(cohorts.c.cohorts, 0), func.coalesce(cohorts.c.learners, 0), certified.c.until)
        .join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == Role.TRAINER))
        .outerjoin(TrainerStanding, TrainerStanding.user_id == User.id)
        .outerjoin(trained_in, trained_in.id == TrainerStanding.trained_in_cohort_id)
        .outerjoin(cohorts, cohorts.c.user_id == User.id)
        .outerjoin(certified, certified.c.user_id == User.id)
        .order_by(TrainerStanding.generation.nulls_last(), User.full_name, User.username)
    )
    return [
        TrainerRow(user.id, user.display_name, user.username, user.velayat, generation, cohort_name, since, n_cohorts,
                   n_learners, user.active, until)
        for user, generation, cohort_name, since, n_cohorts, n_learners, until in db.session.execute(query)
    ]
