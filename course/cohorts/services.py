"""Creating cohorts and enrolling learners in them; each enrolment records its place in the cascade.

Services flush and audit; the caller commits once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from course.audit import record_event
from course.auth.services import create_user
from course.cascade.promotion import trainer_generation
from course.domain import DomainError
from course.extensions import db
from course.learn.queries import Catalogue, load_catalogue
from course.models.cohort import Cohort, CohortStatus, CohortTrainer
from course.models.enrolment import Enrolment
from course.models.user import Agency, Gender, Role, User, UserRole, Velayat
from course.quiz.parallel import next_form_order
from course.sync.device import device_prefix

#: No 0/O or 1/I/L: codes are read aloud and copied from a whiteboard.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


class CohortError(DomainError):
    """A cohort request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class CohortDetails:
    """What a trainer fills in for a session."""

    name: str
    track_id: str
    language: str
    velayat: Velayat
    starts_on: date
    ends_on: date
    city: str = ""
    venue: str = ""
    audience: tuple[Agency, ...] = field(default_factory=tuple)


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(code: str) -> str:
    """Codes are typed by hand: spaces, dashes and case do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def unused_join_code() -> str:
    while True:
        code = new_join_code()
        if db.session.scalar(select(Cohort.id).where(Cohort.join_code == code)) is None:
            return code


def _check_details(details: CohortDetails, catalogue: Catalogue) -> None:
    if not details.name.strip():
        raise CohortError(_("Give the cohort a name."), field="name")
    if catalogue.track(details.track_id) is None:
        raise CohortError(_("The course has no track %(track)s.", track=details.track_id), field="track_id")
    if details.language not in catalogue.course["languages"]:
        raise CohortError(_("The course is not taught in that language."), field="language")
    if details.ends_on < details.starts_on:
        raise CohortError(_("The last day cannot come before the first."), field="ends_on")


def _check_trainers(lead: User, co_trainers: list[User]) -> None:
    for trainer in (lead, *co_trainers):
        if Role.TRAINER not in trainer.roles:
            raise CohortError(_("%(name)s is not a trainer.", name=trainer.display_name),
                              field="lead" if trainer is lead else "co_trainers")


def _set_trainers(cohort: Cohort, lead: User, co_trainers: list[User]) -> None:
    """One lead and any co-trainers; rows of trainers who stay are kept, so nothing else about them changes."""
    wanted = {lead.id: True} | {t.id: False for t in co_trainers if t.id != lead.id}
    if any(row.lead and row.user_id != lead.id for row in cohort.trainers):
        # At most one lead per cohort, checked row by row: step the old lead down before the new one steps up.
        for row in cohort.trainers:
            row.lead = False
        db.session.flush()
    kept = [row for row in cohort.trainers if row.user_id in wanted]
    for row in kept:
        row.lead = wanted[row.user_id]
    present = {row.user_id for row in kept}
    cohort.trainers = kept + [CohortTrainer(user_id=uid, lead=is_lead) for uid, is_lead in wanted.items()
                              if uid not in present]


def _apply_details(cohort: Cohort, details: CohortDetails) -> None:
    cohort.track_id, cohort.name, cohort.language = details.track_id, details.name.strip(), details.language
    cohort.velayat, cohort.city, cohort.venue = details.velayat, details.city.strip(), details.venue.strip()
    cohort.starts_on, cohort.ends_on = details.starts_on, details.ends_on
    cohort.audience = sorted(set(details.audience))


def create_cohort(details: CohortDetails, catalogue: Catalogue, *, lead: User, co_trainers: list[User] = (),
                  actor: User) -> Cohort:
    """A new open cohort with a fresh join code, led by ``lead``.

    :raises CohortError: bad details, or a lead or co-trainer who is not a trainer.
    """
    _check_details(details, catalogue)
    _check_trainers(lead, list(co_trainers))
    cohort = Cohort(course_id=catalogue.course["id"], status=CohortStatus.OPEN, join_code=unused_join_code(),
                    join_open=True, created_by_id=actor.id, trainers=[], device_prefix=device_prefix())
    _apply_details(cohort, details)
    _set_trainers(cohort, lead, list(co_trainers))
    db.session.add(cohort)
    db.session.flush()
    record_event("cohort.create", f"cohort {cohort.id}", actor_id=actor.id, name=cohort.name, track=cohort.track_id)
    return cohort


def update_cohort(cohort: Cohort, details: CohortDetails, catalogue: Catalogue, *, lead: User,
                  co_trainers: list[User], actor: User) -> None:
    """Change a cohort's details and trainers.

    The track is fixed once learners are enrolled: their enrolments, progress
    and the generation of the cascade hang on it.

    :raises CohortError: bad details, a track change with learners enrolled, or a trainer who is not one.
    """
    _check_details(details, catalogue)
    _check_trainers(lead, co_trainers)
    if details.track_id != cohort.track_id and db.session.scalar(
        select(Enrolment.id).where(Enrolment.cohort_id == cohort.id).limit(1)
    ):
        raise CohortError(_("The track cannot change once learners are enrolled."), field="track_id")
    before = {"name": cohort.name, "lead": cohort.lead.id if cohort.lead else None,
              "trainers": sorted(cohort.trainer_ids)}
    _apply_details(cohort, details)
    _set_trainers(cohort, lead, co_trainers)
    db.session.flush()
    record_event("cohort.update", f"cohort {cohort.id}", actor_id=actor.id, before=before,
                 after={"name": cohort.name, "lead": lead.id, "trainers": sorted(cohort.trainer_ids)})


def enrol_in_cohort(user: User, cohort: Cohort) -> Enrolment:
    """Enrol a learner through a cohort; doing it twice changes nothing.

    :raises CohortError: the cohort is closed, or the learner follows the same track in another cohort.
    """
    if cohort.status != CohortStatus.OPEN:
        raise CohortError(_("This cohort is closed to new learners."))
    existing = db.session.scalar(select(Enrolment).where(
        Enrolment.user_id == user.id, Enrolment.course_id == cohort.course_id, Enrolment.track_id == cohort.track_id
    ))
    if existing and existing.cohort_id == cohort.id:
        return existing
    if existing and existing.cohort_id is not None:
        raise CohortError(_("%(name)s already follows this track in another cohort.",
                            name=user.display_name))
    lead = cohort.lead
    generation = trainer_generation(lead) + 1 if lead else None
    enrolment = existing or Enrolment(user_id=user.id, course_id=cohort.course_id, track_id=cohort.track_id,
                                      form_order=next_form_order(user.id, cohort.id, _course_of(cohort)))
    enrolment.cohort_id, enrolment.generation = cohort.id, generation
    if not any(row.role == Role.LEARNER for row in user.role_rows):
        user.role_rows.append(UserRole(role=Role.LEARNER))
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


def _course_of(cohort: Cohort) -> dict:
    """The live course definition when the cohort follows it (its test forms decide the form order)."""
    catalogue = load_catalogue()
    return catalogue.course if catalogue and catalogue.course["id"] == cohort.course_id else {"id": cohort.course_id}


def cohort_by_code(code: str) -> Cohort | None:
    """The cohort a join code names, if any, whether or not it takes learners now."""
    return db.session.scalar(select(Cohort).where(Cohort.join_code == normalise_join_code(code)))


def joinable_cohort(code: str) -> Cohort:
    """The cohort whose code was typed, if it still takes learners by code.

    :raises CohortError: unknown code, or joining is closed.
    """
    cohort = cohort_by_code(code)
    if cohort is None:
        raise CohortError(_("No cohort has this code. Check it with your trainer."), field="code")
    if not cohort.join_open or cohort.status != CohortStatus.OPEN:
        raise CohortError(_("This cohort no longer takes new learners with a code."), field="code")
    return cohort


def join_with_code(user: User, code: str) -> Cohort:
    """The learner joins the cohort whose code they typed.

    :raises CohortError: unknown code, or joining is closed.
    """
    cohort = joinable_cohort(code)
    enrol_in_cohort(user, cohort)
    return cohort


@dataclass(frozen=True)
class Registration:
    """What a new learner tells us about themselves when joining with a code."""

    username: str
    full_name: str
    password: str
    agency: Agency
    position: str
    gender: Gender
    velayat: Velayat
    #: The interface language they registered in: they keep it (the cohort's language when none was chosen).
    language: str = ""


def register_with_code(code: str, registration: Registration) -> User:
    """Create a learner's own account and enrol it in the cohort of ``code``.

    They chose their password themselves, so they are not asked to change it.

    :raises CohortError: the code does not work.
    :raises AccountError: the username is taken or malformed, or the password too weak.
    """
    cohort = joinable_cohort(code)
    user, _generated = create_user(registration.username, {Role.LEARNER}, full_name=registration.full_name,
                                   password=registration.password)
    user.must_change_password = False
    user.agency, user.position = registration.agency, registration.position.strip()
    user.gender, user.velayat = registration.gender, registration.velayat
    user.locale = registration.language or cohort.language
    enrol_in_cohort(user, cohort)
    record_event("user.register", user.username, actor_id=user.id, cohort=cohort.id)
    return user


def remove_from_cohort(user: User, cohort: Cohort, *, actor: User) -> None:
    """Take a learner out of a cohort; their reading and quiz records stay."""
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id,
                                                          Enrolment.cohort_id == cohort.id))
    if enrolment is None:
        raise CohortError(_("%(name)s is not in this cohort.", name=user.display_name))
    db.session.delete(enrolment)
    db.session.flush()
    record_event("cohort.remove_learner", f"cohort {cohort.id}", actor_id=actor.id, user=user.username)


def set_joining(cohort: Cohort, *, open_: bool, new_code: bool = False) -> None:
    """Open or close joining by code; a new code makes the old one useless (a leaked code, say)."""
    cohort.join_open = open_
    if new_code:
        cohort.join_code = unused_join_code()
    db.session.flush()


def set_status(cohort: Cohort, status: CohortStatus, *, actor: User) -> None:
    if cohort.status != status:
        record_event("cohort.status", f"cohort {cohort.id}", actor_id=actor.id, before=cohort.status, after=status)
        cohort.status = status
        if status != CohortStatus.OPEN:
            cohort.join_open = False
    db.session.flush()
