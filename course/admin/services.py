"""What an administrator does to accounts: scope, deactivation, a person's data, anonymisation. Services flush
and audit; the caller commits once."""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Text, cast, delete, or_, select

from course.account.services import update_profile
from course.audit import record_event
from course.auth.passwords import hash_password
from course.auth.services import AccountError, set_roles
from course.extensions import db
from course.models.attempt import AttemptAnswer, QuizAttempt
from course.models.attendance import Attendance, SessionDay
from course.models.audit import AuditEvent
from course.models.certificate import Certificate
from course.models.cohort import Cohort
from course.models.enrolment import Enrolment
from course.models.practice import PracticeAssessment
from course.models.progress import SectionRead
from course.models.scope import CoordinatorScope
from course.models.user import Gender, Role, User, Velayat, new_session_token
from course.models.user_session import UserSession
from course.permissions import velayat_scope

#: The name an anonymised person is shown by, on certificates and in lists, and how their username begins.
ANONYMISED = "—"
ANONYMISED_PREFIX = "anonymised-"


def save_account(user: User, profile: dict[str, str], roles: set[Role], scope: set[Velayat], *,
                 actor_id: int) -> None:
    """An administrator's change to an account: profile, roles and scope, each audited.

    :raises AccountError: the email belongs to another account, no role, or an administrator taking the
        administrator role from themselves (nobody could give it back from the browser).
    """
    if user.id == actor_id and Role.ADMIN not in roles:
        raise AccountError(_("You cannot take the administrator role from yourself."), field="roles")
    update_profile(user, **profile, actor_id=actor_id)
    set_roles(user, roles, actor_id=actor_id)
    set_scope(user, scope, actor_id=actor_id)


def set_scope(user: User, velayats: set[Velayat], *, actor_id: int | None) -> None:
    """The velayats a coordinator is responsible for; none: the whole country."""
    current = set(velayat_scope(user) or ())
    if current == velayats:
        return
    db.session.execute(delete(CoordinatorScope).where(CoordinatorScope.user_id == user.id))
    db.session.add_all(CoordinatorScope(user_id=user.id, velayat=velayat) for velayat in sorted(velayats))
    db.session.flush()
    record_event("user.set_scope", user.username, actor_id=actor_id, before=sorted(current), after=sorted(velayats))


def set_active(user: User, active: bool, *, actor_id: int) -> None:
    """Deactivate (signed out everywhere at once, cannot sign in, records kept) or reactivate an account.

    :raises AccountError: an administrator deactivating their own account, or nothing to change.
    """
    if user.id == actor_id and not active:
        raise AccountError(_("You cannot deactivate your own account."))
    if user.active == active:
        raise AccountError(_("%(name)s is already active.", name=user.display_name) if active
                           else _("%(name)s is already deactivated.", name=user.display_name))
    user.active = active
    db.session.flush()  # the sessions listener ends every session of a deactivated account
    record_event("user.activate" if active else "user.deactivate", user.username, actor_id=actor_id)


def personal_data(user: User) -> dict[str, Any]:
    """Everything Cascade holds about one person, for a data subject request (a fixed number of queries)."""
    def rows(query) -> list[dict[str, Any]]:
        return [dict(row._mapping) for row in db.session.execute(query)]  # noqa: SLF001

    return {
        "profile": {
            "username": user.username, "full_name": user.full_name, "email": user.email,
            "agency": user.agency, "position": user.position, "gender": user.gender, "velayat": user.velayat,
            "language": user.locale, "roles": sorted(user.roles), "active": user.active,
            "created_at": user.created_at, "last_sign_in": user.last_login_at,
        },
        "enrolments": rows(select(Enrolment.course_id, Enrolment.track_id, Enrolment.enrolled_at, Enrolment.form_order,
                                  Cohort.name.label("cohort")).outerjoin(Cohort, Cohort.id == Enrolment.cohort_id)
                           .where(Enrolment.user_id == user.id)),
        "sections_read": rows(select(SectionRead.module_id, SectionRead.section_id, SectionRead.read_at)
                              .where(SectionRead.user_id == user.id).order_by(SectionRead.read_at)),
        "quiz_attempts": rows(select(QuizAttempt.quiz_id, QuizAttempt.counts_as, QuizAttempt.number, QuizAttempt.state,
                                     QuizAttempt.started_at, QuizAttempt.submitted_at, QuizAttempt.earned,
                                     QuizAttempt.possible, QuizAttempt.passed)
                              .where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.started_at)),
        "answers": rows(select(QuizAttempt.quiz_id, QuizAttempt.number, AttemptAnswer.question_id,
                               AttemptAnswer.response, AttemptAnswer.saved_at)
                        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
                        .where(QuizAttempt.user_id == user.id).order_by(AttemptAnswer.saved_at)),
        "attendance": rows(select(Cohort.name.label("cohort"), SessionDay.day, Attendance.status)
                           .join(SessionDay, SessionDay.id == Attendance.session_day_id)
                           .join(Cohort, Cohort.id == SessionDay.cohort_id)
                           .where(Attendance.user_id == user.id).order_by(SessionDay.day)),
        "teaching_practice": rows(select(PracticeAssessment.module_id, PracticeAssessment.total,
                                         PracticeAssessment.passed, PracticeAssessment.recommendations,
                                         PracticeAssessment.assessed_at)
                                  .where(PracticeAssessment.trainee_id == user.id)),
        "certificates": rows(select(Certificate.serial, Certificate.track_id, Certificate.holder_name,
                                    Certificate.issued_at, Certificate.revoked_at, Certificate.revocation_reason)
                             .where(Certificate.user_id == user.id)),
        "sign_ins": rows(select(UserSession.started_at, UserSession.ended_at, UserSession.address,
                                UserSession.user_agent).where(UserSession.user_id == user.id)
                         .order_by(UserSession.started_at)),
    }


def anonymise(user: User, *, actor_id: int) -> None:
    """A departed learner's name and identifiers go; their records stay for the aggregate figures (agency,
    velayat and gender are kept, as the reports count them), and their certificates name an anonymised holder.

    :raises AccountError: one's own account.
    """
    if user.id == actor_id:
        raise AccountError(_("You cannot anonymise your own account."))
    if user.username.startswith(ANONYMISED_PREFIX):
        raise AccountError(_("This account is anonymised already."))
    former = user.username
    user.username = f"{ANONYMISED_PREFIX}{user.id}-{secrets.token_hex(3)}"
    user.full_name, user.email, user.position, user.locale = ANONYMISED, None, "", None
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # nobody knows it: the account cannot be used
    user.session_token, user.active = new_session_token(), False
    user.gender = user.gender or Gender.NOT_STATED
    for certificate in db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)):
        certificate.holder_name = ANONYMISED
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    _forget_in_audit_log(former, user.username)
    db.session.flush()
    # The former username is not written to the audit log: that would keep what anonymising removes.
    record_event("user.anonymise", user.username, actor_id=actor_id)


def _forget_in_audit_log(former: str, replacement: str) -> None:
    """The audit log keeps what was done, not to whom by name: the former username is replaced wherever an
    event names it (as its target, or in its details)."""
    events = db.session.scalars(select(AuditEvent).where(or_(
        AuditEvent.target == former, cast(AuditEvent.details, Text).contains(former, autoescape=True))))
    for event in events:
        if event.target == former:
            event.target = replacement
        event.details = {key: replacement if value == former else value for key, value in event.details.items()}
