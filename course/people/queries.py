"""Reads for the list of people: a page of accounts with their cohorts and certificates, in a fixed number of
queries however many people there are."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select

from course.extensions import db
from course.models.certificate import Certificate
from course.models.cohort import Cohort
from course.models.enrolment import Enrolment
from course.models.user import Agency, Role, User, UserRole, Velayat
from course.search import matches

#: People on one page of the list.
PER_PAGE = 50


@dataclass(frozen=True)
class PersonRow:
    user_id: int
    name: str
    username: str
    agency: Agency | None
    velayat: Velayat | None
    trainer: bool
    active: bool
    cohorts: list[str]
    certificates: int


def people_query(text: str = "", velayats: frozenset[Velayat] | None = None, *, role: Role | None = None,
                 velayat: Velayat | None = None) -> Select:
    """Accounts by name; ``text`` matches part of a name, username or e-mail, or of a cohort's name
    (``course.search``); narrowed to a ``role`` or a ``velayat`` when asked. A coordinator of some velayats sees
    the people of those velayats and of the cohorts held there. Merged duplicates are left out: their records
    live on in the person kept."""
    query = select(User.id).where(User.merged_into_id.is_(None))
    if role is not None:
        query = query.where(select(UserRole.id).where(UserRole.user_id == User.id, UserRole.role == role).exists())
    if velayat is not None:
        query = query.where(User.velayat == velayat)
    if velayats is not None:
        query = query.where(or_(User.velayat.in_(sorted(velayats)), _in_a_cohort(Cohort.velayat.in_(sorted(velayats)))))
    if (condition := matches(text, User.full_name, User.username, User.email)) is not None:
        query = query.where(or_(condition, _in_a_cohort(matches(text, Cohort.name))))
    return query.order_by(func.coalesce(func.nullif(User.full_name, ""), User.username), User.id)


def _in_a_cohort(condition):
    """The person is enrolled in a cohort meeting ``condition``: a correlated EXISTS."""
    return select(Enrolment.id).join(Cohort, Cohort.id == Enrolment.cohort_id).where(
        Enrolment.user_id == User.id, condition).exists()


def person_rows(user_ids: list[int]) -> list[PersonRow]:
    """The rows of one page, in the order of ``user_ids``: four queries (the accounts, their roles, which load
    with them, their cohorts, their certificates)."""
    if not user_ids:
        return []
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(user_ids)))}
    cohorts: dict[int, list[str]] = {}
    for user_id, name in db.session.execute(
            select(Enrolment.user_id, Cohort.name).join(Cohort, Cohort.id == Enrolment.cohort_id)
            .where(Enrolment.user_id.in_(user_ids)).order_by(Cohort.starts_on)):
        cohorts.setdefault(user_id, []).append(name)
    certificates = dict(db.session.execute(
        select(Certificate.user_id, func.count()).where(and_(
            Certificate.user_id.in_(user_ids), Certificate.revoked_at.is_(None))).group_by(Certificate.user_id)).all())
    return [PersonRow(user.id, user.display_name, user.username, user.agency, user.velayat, Role.TRAINER in user.roles,
                      user.active, cohorts.get(user.id, []), certificates.get(user.id, 0))
            for user in (users[user_id] for user_id in user_ids)]
