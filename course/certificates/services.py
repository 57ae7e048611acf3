"""Issuing, revoking and re-issuing certificates. Services flush and audit; the caller commits once."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select

from course.audit import record_event
from course.cascade.completion import complete_enrolments, track_progress
from course.certificates.validity import lapses_on
from course.days import today
from course.domain import DomainError
from course.extensions import db
from course.learn.queries import Catalogue, load_catalogue
from course.models.attendance import SessionDay
from course.models.certificate import Certificate, CertificateKind
from course.models.cohort import Cohort
from course.models.enrolment import Enrolment
from course.models.types import utcnow
from course.models.user import User
from course.review.queries import track_citations
from course.review.services import copy_legal_basis, record_legal_basis
from course.sync.device import device_prefix

SERIAL_PREFIXES = {CertificateKind.COMPLETION: "CMP", CertificateKind.TRAINER: "TOT"}
#: 24 random bytes: 192 bits, well beyond guessing, still short enough for a QR code.
CODE_BYTES = 24
MIN_REASON_LENGTH = 5


class CertificateError(DomainError):
    """A certificate request that cannot be carried out; the message says why."""


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def serial_for(kind: CertificateKind, year: int, row_id: int, device: str = "") -> str:
    """A serial people can read aloud: the kind, the year, the issuing field device (none on the central server)
    and the row's id. Unique without a counter: the id within one database, the device's prefix across them."""
    return "-".join([SERIAL_PREFIXES[kind], str(year), *([device] if device else []), f"{row_id:06d}"])


def certificate_rule(catalogue: Catalogue, track_id: str) -> dict | None:
    track = catalogue.track(track_id)
    return track.get("certificate") if track else None


def held_back(cohort: Cohort | None, on: date | None = None) -> bool:
    """Whether a certificate of this cohort waits for its last day: a learner may finish the online part early,
    but the certificate speaks for the whole training, face-to-face days included. Only a trainer's
    confirmation issues it sooner. A learner without a cohort (self-study) is never held back."""
    return cohort is not None and (on or today()) < cohort.ends_on


def hours_held(track_hours: float, days: Collection[date], on: date | None = None) -> float:
    """The contact hours a certificate issued ``on`` may state: the track's hours spread evenly over the cohort's
    session ``days``, counting only the days held by then (rounded down to a half hour).

    Without session days the track's hours stand, as before attendance was recorded; a certificate confirmed
    early, before every day was held, states fewer hours, never hours not yet taught.
    """
    held = sum(1 for day in days if day <= (on or today()))
    if not days or held >= len(days):
        return track_hours
    return int(track_hours * held / len(days) * 2) / 2


def contact_hours_held(track_hours: float, cohort: Cohort | None) -> float:
    """:func:`hours_held` today, for a learner of ``cohort`` (self-study: the track's hours)."""
    if cohort is None:
        return track_hours
    return hours_held(track_hours, db.session.scalars(select(SessionDay.day)
                                                      .where(SessionDay.cohort_id == cohort.id)).all())


def waiting_for_last_day(user_id: int, catalogue: Catalogue) -> list[tuple[str, date]]:
    """(track, last day) of the automatic certificates this learner has earned but that wait for their cohort's
    last day, so the learner is told when it comes rather than left wondering."""
    waiting = db.session.execute(
        select(Enrolment, Cohort.ends_on).join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.user_id == user_id, Enrolment.course_id == catalogue.course["id"],
               Enrolment.track_id.in_(_automatic_tracks(catalogue)), Cohort.ends_on > today(),
               ~_has_certificate())).all()
    last_days = {enrolment.id: ends_on for enrolment, ends_on in waiting}
    return [(enrolment.track_id, last_days[enrolment.id])
            for enrolment in complete_enrolments(catalogue, [enrolment for enrolment, _day in waiting])]


def _automatic_tracks(catalogue: Catalogue) -> list[str]:
    return [t["id"] for t in catalogue.course["tracks"] if (t.get("certificate") or {}).get("issue") == "automatic"]


def _has_certificate():
    """The enrolment's learner has (or had) a certificate of its track: a correlated EXISTS."""
    return select(Certificate.id).where(Certificate.user_id == Enrolment.user_id,
                                        Certificate.course_id == Enrolment.course_id,
                                        Certificate.track_id == Enrolment.track_id).exists()


def _issue(user: User, like: Enrolment | Certificate, kind: CertificateKind, contact_hours: float, language: str,
           *, actor_id: int | None) -> Certificate:
    """A new certificate for ``user`` in the course, track and cohort of ``like``."""
    code = new_code()
    certificate = Certificate(
        user_id=user.id, course_id=like.course_id, track_id=like.track_id, kind=kind,
        serial=f"pending-{code[:24]}", code=code, holder_name=user.display_name, language=language,
        contact_hours=contact_hours, cohort_id=like.cohort_id, issued_at=utcnow(), issued_by_id=actor_id,
    )
    db.session.add(certificate)
    db.session.flush()
    certificate.serial = serial_for(kind, certificate.issued_at.year, certificate.id,
                                    device_prefix())
    db.session.flush()
    return certificate


def _language(user: User, enrolment: Enrolment, catalogue: Catalogue) -> str:
    """The holder's chosen language if the course has it, else the cohort's, else the course's default."""
    languages = catalogue.course["languages"]
    if user.locale in languages:
        return user.locale
    cohort = db.session.get(Cohort, enrolment.cohort_id) if enrolment.cohort_id else None
    return cohort.language if cohort and cohort.language in languages else catalogue.default_language


def valid_certificate(user_id: int, course_id: str, track_id: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.course_id == course_id, Certificate.track_id == track_id,
        Certificate.revoked_at.is_(None)))


def _was_revoked(user_id: int, course_id: str, track_id: str) -> bool:
    return db.session.scalar(select(Certificate.id).where(
        Certificate.user_id == user_id, Certificate.course_id == course_id, Certificate.track_id == track_id,
        Certificate.revoked_at.is_not(None)).limit(1)) is not None


def issue_certificate(enrolment: Enrolment, catalogue: Catalogue, *, actor_id: int | None) -> Certificate:
    """Issue the certificate of the enrolment's track, once its rules are met.

    :raises CertificateError: the track gives none, it is not complete, or one is already valid.
    """
    user = db.session.get(User, enrolment.user_id)
    rule = certificate_rule(catalogue, enrolment.track_id)
    if rule is None:
        raise CertificateError(_("This track does not give a certificate."))
    if valid_certificate(user.id, enrolment.course_id, enrolment.track_id):
        raise CertificateError(_("%(name)s already has this certificate.", name=user.display_name))
    if _was_revoked(user.id, enrolment.course_id, enrolment.track_id):
        raise CertificateError(_("The certificate of %(name)s was revoked; only a coordinator can re-issue it.",
                                 name=user.display_name))
    track = catalogue.track(enrolment.track_id)
    if not track_progress(catalogue, track, [user.id])[user.id].complete:
        raise CertificateError(_("%(name)s has not completed the track yet.", name=user.display_name))
    cohort = db.session.get(Cohort, enrolment.cohort_id) if enrolment.cohort_id else None
    certificate = _issue(user, enrolment, CertificateKind(rule["kind"]),
                         contact_hours_held(track["contact_hours"], cohort),
                         _language(user, enrolment, catalogue), actor_id=actor_id)
    certificate.valid_until = lapses_on(catalogue, enrolment.track_id, certificate.issued_at)
    record_legal_basis(certificate, track_citations(catalogue, enrolment.track_id))
    record_event("certificate.issue", certificate.serial, actor_id=actor_id, user=user.username,
                 track=enrolment.track_id, automatic=actor_id is None)
    _sign_credential(certificate, catalogue, actor_id)
    return certificate


def _sign_credential(certificate: Certificate, catalogue: Catalogue | None, actor_id: int | None) -> None:
    """Its Open Badges credential, signed at once on the central server (course.credentials builds on this
    module, so it is imported here)."""
    from course.credentials.issuing import sign_where_central  # noqa: PLC0415

    sign_where_central([certificate], catalogue, actor_id)


def issue_if_automatic(user_ids: Collection[int], catalogue: Catalogue) -> list[Certificate]:
    """After progress: issue the certificates that tracks give automatically and these learners have now earned.

    Progress is a learner's own (a section read, a quiz passed) or a trainer's doing (attendance marked, teaching
    practice assessed): both can complete a track. Queries do not grow with the number of learners, only with
    the certificates issued. A track that ever gave this person a certificate never does so again on its own: a
    revoked certificate stays revoked until a coordinator re-issues it. A cohort's certificates wait for its
    last day (see :func:`held_back`); :func:`issue_due` issues them once it has come.
    """
    automatic = _automatic_tracks(catalogue)
    if not automatic or not user_ids:
        return []
    pending = db.session.scalars(
        select(Enrolment).where(
            Enrolment.user_id.in_(list(user_ids)), Enrolment.course_id == catalogue.course["id"],
            Enrolment.track_id.in_(automatic), ~_has_certificate(),
            or_(Enrolment.cohort_id.is_(None),
                select(Cohort.id).where(Cohort.id == Enrolment.cohort_id, Cohort.ends_on <= today()).exists()))
        .order_by(Enrolment.id)
    ).all()
    return [issue_certificate(enrolment, catalogue, actor_id=None)
            for enrolment in complete_enrolments(catalogue, pending)]


def issue_due(catalogue: Catalogue) -> list[Certificate]:
    """The automatic certificates held back until a cohort's last day, now that it has come, in every cohort.
    Run daily by ``course issue-due-certificates``; the learner's certificates page and the trainer's dashboard
    issue them too (``after_progress``), so a laptop without cron does as well."""
    query = select(Enrolment.user_id.distinct()).join(Cohort, Cohort.id == Enrolment.cohort_id).where(
        Cohort.ends_on <= today(), Enrolment.course_id == catalogue.course["id"],
        Enrolment.track_id.in_(_automatic_tracks(catalogue)), ~_has_certificate())
    return issue_if_automatic(db.session.scalars(query).all(), catalogue)


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise CertificateError(_("Give the reason in a few words; it is shown on the verification page."),
                               field="reason")
    return reason[:500]


def revoke_certificate(certificate: Certificate, reason: str, *, actor_id: int) -> None:
    """:raises CertificateError: no reason given, or already revoked."""
    reason = _check_reason(reason)
    if certificate.revoked:
        raise CertificateError(_("Certificate %(serial)s is already revoked.", serial=certificate.serial))
    certificate.revoked_at, certificate.revoked_by_id, certificate.revocation_reason = utcnow(), actor_id, reason
    db.session.flush()
    record_event("certificate.revoke", certificate.serial, actor_id=actor_id, reason=reason,
                 user=certificate.holder.username)


def reissue_certificate(certificate: Certificate, reason: str, *, actor_id: int) -> Certificate:
    """A new certificate in place of ``certificate`` (revoked now if it is still valid), with today's name.

    For a misspelt name, say: the learner corrects their profile, the coordinator re-issues.
    :raises CertificateError: no reason given, or a newer certificate is already valid.
    """
    reason = _check_reason(reason)
    if not certificate.revoked:
        revoke_certificate(certificate, reason, actor_id=actor_id)
    elif valid_certificate(certificate.user_id, certificate.course_id, certificate.track_id):
        raise CertificateError(_("%(name)s already has a valid certificate for this track.",
                                 name=certificate.holder.display_name))
    holder = certificate.holder
    language = holder.locale if holder.locale in current_app.config["LANGUAGES"] else certificate.language
    replacement = _issue(holder, certificate, certificate.kind, certificate.contact_hours, language,
                         actor_id=actor_id)
    replacement.valid_until = certificate.valid_until  # a correction, not a renewal
    copy_legal_basis(certificate, replacement)
    record_event("certificate.reissue", replacement.serial, actor_id=actor_id, replaces=certificate.serial,
                 reason=reason, user=certificate.holder.username)
    _sign_credential(replacement, load_catalogue(), actor_id)
    return replacement
