"""What a certificate says, in its holder's language, and where its QR code points."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from course.certificates.pdf import CertificateDocument
from course.cohorts.forms import VELAYAT_LABELS
from course.content.localize import pick
from course.extensions import db
from course.learn.queries import Catalogue
from course.models.certificate import Certificate, CertificateKind
from course.models.cohort import Cohort
from course.room import room_url
from course.sync.device import this_device


def verification_url(certificate: Certificate) -> str:
    """The public page of the certificate: on the central server when COURSE_BASE_URL is set.

    A certificate printed on a laptop in the field must point somewhere anyone can reach later; without a
    central address, at least somewhere the room can reach (never the laptop's own 127.0.0.1).
    """
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/") + url_for("certificates.verify_code", code=certificate.code)
    return room_url("certificates.verify_code", code=certificate.code).url


def issuer_name() -> str:
    return current_app.config.get("CERTIFICATE_ISSUER") or _("Cascade training programme")


def _labels(kind: CertificateKind) -> dict[str, str]:
    return {
        "heading": _("Trainer certificate") if kind == CertificateKind.TRAINER else _("Certificate of completion"),
        "certifies": _("This is to certify that"),
        "completed": _("has completed the training of trainers") if kind == CertificateKind.TRAINER
        else _("has completed the training"),
        "track": _("Track"),
        "hours": _("{hours} contact hours"),
        "period": _("Dates"),
        "venue": _("Venue"),
        "trainer": _("Trainer"),
        "issuer": _("Issued by"),
        "serial": _("Certificate no."),
        "issued": _("Date of issue"),
        "verify": _("Check this certificate at"),
    }


def certificate_document(certificate: Certificate, catalogue: Catalogue) -> CertificateDocument:
    """Everything printed on the certificate, translated into the certificate's language."""
    language, fallbacks = certificate.language, catalogue.fallbacks(certificate.language)
    track = catalogue.track(certificate.track_id) or {"title": {catalogue.default_language: certificate.track_id}}
    cohort = db.session.get(Cohort, certificate.cohort_id) if certificate.cohort_id else None
    with force_locale(language):
        period = ""
        if cohort:
            period = format_date(cohort.starts_on, "long") if cohort.starts_on == cohort.ends_on else \
                f"{format_date(cohort.starts_on, 'long')} – {format_date(cohort.ends_on, 'long')}"
        lead = cohort.lead if cohort else None
        return CertificateDocument(
            language=language, kind=certificate.kind.value, holder_name=certificate.holder_name,
            course_title=pick(catalogue.course["title"], language, fallbacks).value,
            track_title=pick(track["title"], language, fallbacks).value, contact_hours=certificate.contact_hours,
            period=period, venue=", ".join(p for p in (cohort.city, cohort.venue) if p) if cohort else "",
            velayat=str(VELAYAT_LABELS[cohort.velayat]) if cohort else "",
            trainer_name=lead.display_name if lead else "", issuer=issuer_name(),
            serial=certificate.serial, issued_on=format_date(certificate.issued_at, "long"),
            verify_url=verification_url(certificate), labels=_labels(certificate.kind),
            offline_note=_offline_note(certificate),
        )


def _offline_note(certificate: Certificate) -> str:
    """Printed on a field laptop, where the certificate is not yet known at the central ``/verify``."""
    device = this_device()
    if device is None:
        return ""
    return _("Issued offline on the field laptop %(device)s on %(day)s. It verifies at the central server once "
             "this laptop's records have reached it.", device=device.prefix,
             day=format_date(certificate.issued_at, "long"))
