"""Who is invited to the follow-up when, and keeping an answer sheet (once per learner, cohort and wave)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course.audit import record_event
from course.cohorts.queries import is_learner_of
from course.days import add_months
from course.domain import DomainError
from course.extensions import db
from course.follow_up.form import FollowUpForm
from course.models.cohort import Cohort
from course.models.enrolment import Enrolment
from course.models.follow_up import FollowUpResponse
from course.models.user import Role, User


def wave_opens(cohort: Cohort, wave: int) -> date:
    """A wave opens ``wave`` months after the cohort's last day."""
    return add_months(cohort.ends_on, wave)


@dataclass(frozen=True)
class Invitation:
    cohort_id: int
    cohort_name: str
    wave: int


def invitations(user_id: int, form: FollowUpForm, today: date) -> list[Invitation]:
    """The waves this learner is invited to now, in one query: opened, not answered, and not yet overtaken by the
    next wave (whose questions cover the same months again)."""
    answered = {(cohort_id, wave) for cohort_id, wave in db.session.execute(
        select(FollowUpResponse.cohort_id, FollowUpResponse.wave).where(FollowUpResponse.user_id == user_id))}
    cohorts = db.session.execute(
        select(Cohort).join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.user_id == user_id, Cohort.ends_on <= today).order_by(Cohort.ends_on)).scalars()
    found = []
    for cohort in cohorts:
        opened = [wave for wave in form.waves if wave_opens(cohort, wave) <= today]
        if opened and (cohort.id, opened[-1]) not in answered:
            found.append(Invitation(cohort.id, cohort.name, opened[-1]))
    return found


@dataclass(frozen=True)
class WaveStatus:
    """One wave of a cohort's follow-up, for its trainers: when it opens and who has answered."""

    wave: int
    opens: date
    open: bool
    learners: list[tuple[User, bool]]


def wave_statuses(cohort: Cohort, form: FollowUpForm, today: date) -> list[WaveStatus]:
    """Each wave with the cohort's learners and whether they answered it, in two queries."""
    learners = db.session.scalars(
        select(User).join(Enrolment, Enrolment.user_id == User.id).where(Enrolment.cohort_id == cohort.id)
        .order_by(User.full_name, User.username)).all()
    done = set(db.session.execute(select(FollowUpResponse.user_id, FollowUpResponse.wave)
                                  .where(FollowUpResponse.cohort_id == cohort.id)).tuples())
    return [WaveStatus(wave, wave_opens(cohort, wave), wave_opens(cohort, wave) <= today,
                       [(learner, (learner.id, wave) in done) for learner in learners]) for wave in form.waves]


def answered(cohort_id: int, user_id: int, wave: int) -> FollowUpResponse | None:
    return db.session.scalar(select(FollowUpResponse).where(
        FollowUpResponse.cohort_id == cohort_id, FollowUpResponse.user_id == user_id, FollowUpResponse.wave == wave))


def submit_follow_up(cohort: Cohort, learner: User, wave: int, form: FollowUpForm, raw: Mapping[str, str],
                     today: date, *, entered_by: User | None = None) -> FollowUpResponse:
    """Keep one answer sheet; DomainError (nothing written) on any mistake. ``entered_by``: the trainer typing in
    the learner's paper copy. A second tab at the same moment passes the checks; the unique (learner, cohort,
    wave) constraint then refuses it."""
    if not is_learner_of(cohort.id, learner.id):
        raise DomainError(_("Only the cohort's learners answer its follow-up."))
    if wave not in form.waves:
        raise DomainError(_("The follow-up asks at %(waves)s months, not %(wave)d.",
                            waves=", ".join(map(str, form.waves)), wave=wave))
    if today < wave_opens(cohort, wave):
        raise DomainError(_("The follow-up at %(wave)d months opens on %(day)s.", wave=wave,
                            day=format_date(wave_opens(cohort, wave), "long")))
    if answered(cohort.id, learner.id, wave) is not None:
        raise DomainError(_("This follow-up has been answered already; each learner answers each one once."))
    answers = form.check(raw, trainer=Role.TRAINER in learner.roles)
    response = FollowUpResponse(user_id=learner.id, cohort_id=cohort.id, wave=wave, form_id=form.id, answers=answers,
                                entered_by_id=entered_by.id if entered_by else None)
    try:
        with db.session.begin_nested():
            db.session.add(response)
    except IntegrityError:
        raise DomainError(_("This follow-up has been answered already; each learner answers each one once.")) \
            from None
    if entered_by is not None:  # someone answered for another person: on the record
        record_event("follow_up.enter", f"cohort {cohort.id}", actor_id=entered_by.id, user=learner.username,
                     wave=wave)
    return response
