"""Becoming a trainer: completing a trainer track, then a coordinator's approval (or at once, if the track says so).

A new trainer's standing records where they were trained and so their
generation: the learners of master trainers (generation 0) are generation 1,
and when they become trainers they teach generation 2, and so on.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from course.audit import record_event
from course.cascade.completion import complete_enrolments, track_progress
from course.domain import DomainError
from course.extensions import db
from course.learn.queries import Catalogue
from course.models.cohort import Cohort, TrainerStanding
from course.models.enrolment import Enrolment
from course.models.user import Agency, Role, User, UserRole, Velayat


class PromotionError(DomainError):
    """A promotion that cannot be made; the message says why."""


@dataclass(frozen=True)
class Candidate:
    """A learner who completed a trainer track and is not a trainer yet."""

    enrolment_id: int
    user_id: int
    username: str
    full_name: str
    agency: Agency | None
    velayat: Velayat | None
    track_id: str
    cohort_name: str | None
    enrolled_at: datetime


def promotion_tracks(catalogue: Catalogue) -> dict[str, dict]:
    """The tracks that train trainers, by id."""
    return {track["id"]: track for track in catalogue.course["tracks"] if track.get("promotion")}


def _pending_enrolments(catalogue: Catalogue, track_ids: list[str], user_ids: Collection[int] | None = None):
    """Enrolments in trainer tracks of people with no trainer standing yet, with user and cohort (one query)."""
    query = (
        select(Enrolment, User, Cohort.name)
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(Cohort, Cohort.id == Enrolment.cohort_id)
        .outerjoin(TrainerStanding, TrainerStanding.user_id == Enrolment.user_id)
        .where(Enrolment.course_id == catalogue.course["id"], Enrolment.track_id.in_(track_ids),
               TrainerStanding.id.is_(None), User.active.is_(True))
        .order_by(Enrolment.enrolled_at, Enrolment.id)
    )
    if user_ids is not None:
        query = query.where(Enrolment.user_id.in_(list(user_ids)))
    return db.session.execute(query).all()


def trainer_candidates(catalogue: Catalogue) -> list[Candidate]:
    """Everyone who has completed a trainer track and awaits approval; queries do not grow with their number."""
    tracks = promotion_tracks(catalogue)
    rows = _pending_enrolments(catalogue, list(tracks)) if tracks else []
    complete = {enrolment.id for enrolment in complete_enrolments(catalogue, [row[0] for row in rows])}
    return [
        Candidate(enrolment.id, user.id, user.username, user.full_name, user.agency, user.velayat, enrolment.track_id,
                  cohort_name, enrolment.enrolled_at)
        for enrolment, user, cohort_name in rows if enrolment.id in complete
    ]


def trainer_generation(trainer: User) -> int:
    """A trainer's depth in the cascade; trainers with no recorded standing count as master trainers (0)."""
    standing = db.session.scalar(select(TrainerStanding).where(TrainerStanding.user_id == trainer.id))
    return standing.generation if standing else 0


def grant_master_trainer(user: User, *, actor_id: int | None) -> TrainerStanding:
    """Make ``user`` a master trainer (generation 0), as coordinators do for the first group."""
    standing = db.session.scalar(select(TrainerStanding).where(TrainerStanding.user_id == user.id))
    if standing is None:
        standing = TrainerStanding(user_id=user.id, generation=0, granted_by_id=actor_id)
        db.session.add(standing)
    if Role.TRAINER not in user.roles:
        user.role_rows.append(UserRole(role=Role.TRAINER))
    db.session.flush()
    record_event("trainer.grant_master", user.username, actor_id=actor_id)
    return standing


def _lead_generation(cohort_id: int | None) -> int:
    """The depth of whoever trained the learner: 0 when unknown (enrolled by an administrator)."""
    if cohort_id is None:
        return 0
    cohort = db.session.get(Cohort, cohort_id)
    return trainer_generation(cohort.lead) if cohort and cohort.lead else 0


def promote_to_trainer(enrolment: Enrolment, catalogue: Catalogue, *, actor_id: int | None) -> TrainerStanding:
    """Give the trainer role to the learner of ``enrolment``, recording where they were trained.

    :raises PromotionError: not a trainer track, not complete, or already a trainer.
    """
    track = promotion_tracks(catalogue).get(enrolment.track_id)
    user = db.session.get(User, enrolment.user_id)
    if track is None:
        raise PromotionError(_("This track does not train trainers."))
    if db.session.scalar(select(TrainerStanding.id).where(TrainerStanding.user_id == user.id)):
        raise PromotionError(_("%(name)s is already a trainer.", name=user.display_name))
    if not track_progress(catalogue, track, [user.id])[user.id].complete:
        raise PromotionError(_("%(name)s has not completed the track yet.", name=user.display_name))
    standing = TrainerStanding(user_id=user.id, generation=_lead_generation(enrolment.cohort_id) + 1,
                               trained_in_cohort_id=enrolment.cohort_id, granted_by_id=actor_id)
    db.session.add(standing)
    if Role.TRAINER not in user.roles:
        user.role_rows.append(UserRole(role=Role.TRAINER))
    db.session.flush()
    record_event("trainer.promote", user.username, actor_id=actor_id, track=enrolment.track_id,
                 cohort=enrolment.cohort_id, generation=standing.generation)
    return standing


def promote_if_automatic(user_ids: Collection[int], catalogue: Catalogue) -> list[TrainerStanding]:
    """After progress: promote at once those of these learners who completed a track with automatic promotion."""
    tracks = [tid for tid, track in promotion_tracks(catalogue).items() if track["promotion"] == "automatic"]
    if not tracks or not user_ids:
        return []
    pending = [row[0] for row in _pending_enrolments(catalogue, tracks, user_ids)]
    promoted: dict[int, TrainerStanding] = {}
    for enrolment in complete_enrolments(catalogue, pending):
        if enrolment.user_id not in promoted:  # complete in two such tracks: one trainer standing
            promoted[enrolment.user_id] = promote_to_trainer(enrolment, catalogue, actor_id=None)
    return list(promoted.values())
