"""Certificates that lapse, and the refresher that renews them.

A track may give its certificate a validity period (``valid_for_months``): a trainer's certification has to be
kept up with the law and the practice it teaches. Ninety days before it lapses its renewal window opens: the
holder sees what the track's refresher asks (quizzes to pass again, modules suggested for reading again), and
passing those quizzes from that day on renews it for another period, counted from the renewal. A lapsed
certificate can still be renewed the same way. Coordinators see lapsed and lapsing certificates in their list.

Renewal extends the certificate rather than issuing a new one: a person holds one valid certificate per track
(a unique index), and the verification page of the paper they hold shows the new date. The Open Badges
credential states its validity, so the one signed before is dropped and the next download signs a new one.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from course.audit import record_event
from course.days import add_months
from course.extensions import db
from course.learn.queries import Catalogue
from course.models.attempt import AttemptState, QuizAttempt
from course.models.badge_credential import BadgeCredential
from course.models.certificate import Certificate
from course.models.types import utcnow

#: How long before it lapses a certificate can be renewed.
RENEWAL_WINDOW = timedelta(days=90)


def _rule(catalogue: Catalogue, track_id: str) -> dict:
    track = catalogue.track(track_id) or {}
    return track.get("certificate") or {}


def lapses_on(catalogue: Catalogue, track_id: str, valid_from: datetime) -> datetime | None:
    months = _rule(catalogue, track_id).get("valid_for_months")
    return add_months(valid_from, months) if months else None


@dataclass(frozen=True)
class Renewal:
    """Where a lapsing certificate stands, for its holder's page."""

    certificate: Certificate
    opens: datetime
    lapsed: bool
    quizzes_left: list[str]
    modules_suggested: list[str]


def renewal_of(certificate: Certificate, catalogue: Catalogue, now: datetime | None = None) -> Renewal | None:
    """The renewal a certificate's holder can do now: None before its window opens or without a refresher."""
    now = now or utcnow()
    refresher = _rule(catalogue, certificate.track_id).get("refresher")
    if certificate.revoked or certificate.valid_until is None or not refresher:
        return None
    opens = certificate.valid_until - RENEWAL_WINDOW
    if now < opens:
        return None
    passed = set(db.session.scalars(select(QuizAttempt.counted_quiz_id).where(
        QuizAttempt.user_id == certificate.user_id, QuizAttempt.counted_quiz_id.in_(refresher["pass_quizzes"]),
        QuizAttempt.state == AttemptState.SUBMITTED, QuizAttempt.passed.is_(True), QuizAttempt.submitted_at >= opens)))
    left = [quiz for quiz in refresher["pass_quizzes"] if quiz not in passed]
    return Renewal(certificate, opens, certificate.valid_until <= now, left, list(refresher.get("modules", [])))


def renew_if_refreshed(user_ids: Collection[int], catalogue: Catalogue) -> list[Certificate]:
    """After progress: renew the certificates of these people whose refresher is now done."""
    if not user_ids:
        return []
    now = utcnow()
    candidates = db.session.scalars(select(Certificate).where(
        Certificate.user_id.in_(list(user_ids)), Certificate.revoked_at.is_(None),
        Certificate.valid_until <= now + RENEWAL_WINDOW)).all()
    renewed = []
    for certificate in candidates:
        renewal = renewal_of(certificate, catalogue, now)
        if renewal is None or renewal.quizzes_left:
            continue
        previous = certificate.valid_until
        certificate.valid_until = lapses_on(catalogue, certificate.track_id, now)
        certificate.renewed_at = now
        db.session.execute(delete(BadgeCredential).where(BadgeCredential.certificate_id == certificate.id))
        record_event("certificate.renew", certificate.serial, user=certificate.holder.username,
                     previous=previous.isoformat(), until=certificate.valid_until.isoformat())
        renewed.append(certificate)
    if renewed:
        from course.credentials.issuing import sign_where_central  # noqa: PLC0415  (it builds on certificates)

        sign_where_central(renewed, catalogue)
    return renewed
