"""Certificates as signed credentials: what the central server signs, keeps and publishes.

A certificate's credential is signed the first time it is asked for (by its holder, a coordinator or the
``course credential`` command) and kept as signed (course.models.BadgeCredential); the status list is built
from the revoked certificates each time it is asked for, so a revocation shows in it at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from course.audit import record_event
from course.certificates.document import issuer_name
from course.content.localize import pick
from course.credentials import keys, proof, status_list
from course.credentials.open_badge import Achievement, Addresses, Award, badge_credential, status_list_credential
from course.extensions import db
from course.learn.queries import Catalogue
from course.models.badge_credential import BadgeCredential
from course.models.certificate import Certificate, CertificateKind
from course.models.types import utcnow
from course.sync.device import this_device


class CredentialsUnavailable(Exception):  # noqa: N818  (a state, not a failure of the request)
    """This installation does not sign credentials; the message says why, for the page that offered them."""


def addresses() -> Addresses:
    """The issuer's addresses, or CredentialsUnavailable where credentials are not signed here."""
    base = current_app.config.get("BASE_URL") or ""
    if current_app.config.get("DEVICE_PREFIX") or this_device() is not None:
        raise CredentialsUnavailable(_("Open Badges credentials are signed by the central server: this field "
                                       "laptop's certificates get theirs once synced."))
    if not base.startswith("https://"):
        raise CredentialsUnavailable(_("Open Badges credentials need the programme's https address "
                                       "(COURSE_BASE_URL)."))
    return Addresses.of(base)


def credentials_offered() -> bool:
    try:
        addresses()
    except CredentialsUnavailable:
        return False
    return True


@dataclass(frozen=True)
class StatusEntry:
    url: str
    index: int


def status_entry(certificate: Certificate) -> StatusEntry | None:
    """Where the certificate's revocation is published, for its verification page (None: not signed here)."""
    try:
        where = addresses()
    except CredentialsUnavailable:
        return None
    position = status_list.position_of(certificate.id)
    return StatusEntry(where.status_list(position.list_number), position.index)


def _criteria(track: dict[str, Any]) -> str:
    rules = track.get("completion") or {}
    parts = [ngettext("Read every module of the track (%(num)d module).",
                      "Read every module of the track (%(num)d modules).", len(track["modules"]))]
    if rules.get("pass_quizzes"):
        parts.append(_("Passed the track's assessments at their pass marks: %(quizzes)s.",
                       quizzes=", ".join(rules["pass_quizzes"])))
    if rules.get("min_attendance"):
        parts.append(_("Attended at least %(percent)d%% of the cohort's session days.",
                       percent=round(rules["min_attendance"] * 100)))
    if rules.get("teaching_practice"):
        parts.append(_("Passed the assessment of a teaching-practice presentation."))
    parts.append(_("%(hours)s contact hours.", hours=f"{track['contact_hours']:g}"))
    return " ".join(parts)


def achievement_of(certificate: Certificate, catalogue: Catalogue) -> Achievement:
    """The track the certificate was earned on, in the certificate's language."""
    language, fallbacks = certificate.language, catalogue.fallbacks(certificate.language)
    track = catalogue.track(certificate.track_id) or {
        "title": {catalogue.default_language: certificate.track_id}, "modules": [],
        "contact_hours": certificate.contact_hours}
    with force_locale(language):
        title = pick(track["title"], language, fallbacks).value
        course = pick(catalogue.course["title"], language, fallbacks).value
        kind = _("Trainer certificate") if certificate.kind == CertificateKind.TRAINER \
            else _("Certificate of completion")
        description = pick(track.get("description"), language, fallbacks).value if track.get("description") \
            else _("%(track)s: a track of the course %(course)s.", track=title, course=course)
        return Achievement(course_id=certificate.course_id, track_id=certificate.track_id,
                           name=f"{kind}: {title}", description=description, criteria=_criteria(track),
                           content_version=catalogue.fingerprint[:16])


def _award(certificate: Certificate) -> Award:
    return Award(certificate_code=certificate.code, holder_id=certificate.user_id,
                 holder_name=certificate.holder_name, holder_email=certificate.holder.email,
                 language=certificate.language, issued_at=certificate.renewed_at or certificate.issued_at,
                 valid_until=certificate.valid_until,
                 status=status_list.position_of(certificate.id))


def credential_of(certificate: Certificate, catalogue: Catalogue, actor_id: int | None = None) -> BadgeCredential:
    """The certificate's credential: the one signed before, else signed now (kept, and in the audit log)."""
    where = addresses()  # CredentialsUnavailable here too: an installation that stopped signing stops serving
    kept = db.session.get(BadgeCredential, certificate.id)
    if kept is not None:
        return kept
    key = keys.current_key(current_app.instance_path)
    document = badge_credential(where, issuer_name(), achievement_of(certificate, catalogue), _award(certificate))
    kept = BadgeCredential(certificate_id=certificate.id, credential_id=document["id"], key_name=key.name,
                           token=proof.sign(document, key.key, where.key(key.name)))
    db.session.add(kept)
    db.session.flush()
    record_event("credential.sign", certificate.serial, actor_id=actor_id, credential=kept.credential_id,
                 key=key.name)
    return kept


def unsigned_certificates() -> list[Certificate]:
    """The valid certificates that have no credential yet."""
    return list(db.session.scalars(select(Certificate).where(
        Certificate.revoked_at.is_(None),
        ~select(BadgeCredential.certificate_id).where(BadgeCredential.certificate_id == Certificate.id).exists())
        .order_by(Certificate.id)))


def sign_where_central(certificates: Iterable[Certificate], catalogue: Catalogue | None,
                       actor_id: int | None = None) -> int:
    """Sign at once the credentials of certificates just issued, renewed or synced, where this installation
    signs (the central server); elsewhere nothing, and their credentials are signed once they are synced."""
    if catalogue is None or not credentials_offered():
        return 0
    signed = [credential_of(certificate, catalogue, actor_id=actor_id) for certificate in certificates
              if not certificate.revoked]
    return len(signed)


def list_count() -> int:
    """How many status lists there are: enough for the highest certificate id (one, until 131,072)."""
    highest = db.session.scalar(select(func.max(Certificate.id))) or 1
    return status_list.position_of(highest).list_number


def revoked_indexes(list_number: int) -> list[int]:
    ids = status_list.certificate_ids_in(list_number)
    revoked = db.session.scalars(select(Certificate.id).where(
        Certificate.id >= ids.start, Certificate.id < ids.stop, Certificate.revoked_at.is_not(None)))
    return [status_list.position_of(certificate_id).index for certificate_id in revoked]


def status_list_token(list_number: int, now: datetime | None = None) -> str:
    """The signed status list credential: a bit per certificate, set for the revoked ones."""
    where = addresses()
    key = keys.current_key(current_app.instance_path)
    document = status_list_credential(where, list_number, status_list.encode(revoked_indexes(list_number)),
                                      now or utcnow())
    return proof.sign(document, key.key, where.key(key.name))
