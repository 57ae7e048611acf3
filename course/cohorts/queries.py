"""Reads for the cohort pages: lists and rosters in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from course.content.localize import Text, pick
from course.extensions import db
from course.learn.queries import Catalogue, Status, module_status
from course.models.cohort import Cohort, CohortStatus, CohortTrainer
from course.models.enrolment import Enrolment
from course.models.progress import SectionRead
from course.models.user import Role, User, UserRole
from course.permissions import Permission, can
from course.quiz.analytics import GroupGain, group_gain, knowledge_gains


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
    """Every cohort for coordinators; for trainers, those they lead or co-train (one query)."""
    learners = (select(Enrolment.cohort_id, func.count(Enrolment.id).label("n"))
                .group_by(Enrolment.cohort_id).subquery())
    query = (select(Cohort, func.coalesce(learners.c.n, 0))
             .outerjoin(learners, learners.c.cohort_id == Cohort.id)
             .order_by(Cohort.starts_on.desc(), Cohort.id.desc()))
    if not can(user, Permission.VIEW_ALL_COHORTS):
        query = query.where(Cohort.id.in_(select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == user.id)))
    return [
        CohortRow(c.id, c.name, c.track_id, c.velayat, c.starts_on, c.ends_on, c.status, count)
        for c, count in db.session.execute(query)
    ]


@dataclass(frozen=True)
class RosterRow:
    user_id: int
    username: str
    full_name: str
    agency: str | None
    velayat: str | None
    generation: int | None


def roster(cohort: Cohort) -> list[RosterRow]:
    rows = db.session.execute(
        select(User, Enrolment.generation).join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.cohort_id == cohort.id).order_by(User.full_name, User.username)
    )
    return [RosterRow(u.id, u.username, u.full_name, u.agency, u.velayat, generation) for u, generation in rows]


def trainers() -> list[User]:
    """Everyone who may lead or co-train a cohort."""
    return list(db.session.scalars(
        select(User).join(UserRole).where(UserRole.role == Role.TRAINER, User.active.is_(True))
        .order_by(User.full_name, User.username)
    ))


@dataclass(frozen=True)
class GridRow:
    user_id: int
    name: str
    statuses: list[Status]
    pre: float | None
    post: float | None
    gain: float | None


@dataclass(frozen=True)
class ProgressGrid:
    module_titles: list[Text]
    rows: list[GridRow]
    group: GroupGain


def progress_grid(cohort: Cohort, catalogue: Catalogue, locale: str) -> ProgressGrid:
    """Learners against the track's modules, with pre/post scores: a fixed number of queries for any cohort size.

    One query for the roster, one for every section read by the cohort, two for the test scores.
    """
    track = catalogue.track(cohort.track_id) or {"modules": []}
    modules = [catalogue.modules[m] for m in track["modules"] if m in catalogue.modules]
    people = roster(cohort)
    ids = [row.user_id for row in people]
    read: dict[tuple[int, str], set[str]] = {}
    if ids:
        for user_id, module_id, section_id in db.session.execute(
            select(SectionRead.user_id, SectionRead.module_id, SectionRead.section_id)
            .where(SectionRead.user_id.in_(ids))
        ):
            read.setdefault((user_id, module_id), set()).add(section_id)
    course = catalogue.course
    gains = {}
    if course.get("pre_test") and course.get("post_test") and ids:
        method = {qid: meta.get("grading_method", "highest") for qid, meta in catalogue.quizzes.items()}
        gains = knowledge_gains((course["pre_test"], method.get(course["pre_test"], "first")),
                                (course["post_test"], method.get(course["post_test"], "highest")), ids)
    rows = []
    for person in people:
        gain = gains.get(person.user_id)
        rows.append(GridRow(
            user_id=person.user_id, name=person.full_name or person.username,
            statuses=[module_status(m, read.get((person.user_id, m.id), set()))[0] for m in modules],
            pre=gain.pre if gain else None, post=gain.post if gain else None, gain=gain.gain if gain else None,
        ))
    default = catalogue.default_language
    return ProgressGrid([pick(m.data["meta"]["title"], locale, default) for m in modules], rows,
                        group_gain(gains.values()))
