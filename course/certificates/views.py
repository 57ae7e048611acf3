"""Certificate pages: one's own, a cohort's (issue, download all), the coordinator's list, and public checks."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from course.certificates import queries
from course.certificates.document import certificate_document, issuer_name
from course.certificates.pdf import render_certificate
from course.certificates.services import (
    issue_certificate,
    reissue_certificate,
    revoke_certificate,
    waiting_for_last_day,
)
from course.certificates.validity import renewal_of
from course.cohorts.blueprint import carry_out, managed_cohort
from course.confirm import confirmation
from course.content.localize import pick
from course.credentials.baking import badge_png, bake
from course.credentials.issuing import CredentialsUnavailable, credential_of, credentials_offered, status_entry
from course.credentials.open_badge import enveloped
from course.downloads import private_download
from course.extensions import db
from course.inputs import database_id
from course.models.certificate import Certificate
from course.models.cohort import Cohort
from course.models.enrolment import Enrolment
from course.pagination import paginate_query
from course.permissions import Permission, can, can_manage_cohort, require, velayat_scope
from course.ratelimit import allow
from course.sync.device import this_device
from course.web import after_progress, current_locale, live_catalogue

bp = Blueprint("certificates", __name__)


@bp.route("/certificates")
@require(Permission.READ_COURSE)
def mine():
    catalogue = live_catalogue()
    after_progress(catalogue)  # a certificate that waited for the cohort's last day is issued once it has come
    certificates = queries.certificates_of(current_user.id)
    renewals = {certificate.id: renewal for certificate in certificates
                if (renewal := renewal_of(certificate, catalogue)) is not None}
    locale, fallbacks = current_locale(), catalogue.fallbacks(current_locale())
    return render_template(
        "certificates/mine.html", certificates=certificates, waiting=waiting_for_last_day(current_user.id, catalogue),
        tracks=catalogue.track_titles(locale), badges=credentials_offered(), renewals=renewals,
        quiz_titles={quiz_id: pick(meta["title"], locale, fallbacks).value
                     for quiz_id, meta in catalogue.quizzes.items()} if renewals else {},
        module_titles={module_id: pick(module.data["meta"]["title"], locale, fallbacks).value
                       for module_id, module in catalogue.modules.items()} if renewals else {})


def _may_download(certificate: Certificate) -> bool:
    """The holder while it is valid; the cohort's trainers and coordinators always (to see what was revoked)."""
    if certificate.user_id == current_user.id and not certificate.revoked:
        return True
    if _coordinates(certificate):
        return True
    cohort = db.session.get(Cohort, certificate.cohort_id) if certificate.cohort_id else None
    return cohort is not None and can_manage_cohort(current_user, cohort) and not certificate.revoked


def _coordinates(certificate: Certificate) -> bool:
    """A coordinator, national or responsible for the velayat of the certificate's cohort."""
    if not can(current_user, Permission.REVOKE_CERTIFICATES):
        return False
    scope = velayat_scope(current_user)
    if scope is None:
        return True
    cohort = db.session.get(Cohort, certificate.cohort_id) if certificate.cohort_id else None
    return cohort is not None and cohort.velayat in scope


@bp.route("/certificates/<int:certificate_id>.pdf")
@require(Permission.READ_COURSE)
def download(certificate_id: int):
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not _may_download(certificate):
        abort(404)
    body = render_certificate(certificate_document(certificate, live_catalogue()))
    return private_download(body, f"certificate-{certificate.serial}.pdf", "application/pdf")


#: The three forms of a certificate's Open Badges credential: the file name's ending, its type, and how it is made.
CREDENTIAL_FORMS = {
    "json": ("application/json", lambda token: json.dumps(enveloped(token), indent=2)),
    "jwt": ("application/vc+jwt", lambda token: token),
    "png": ("image/png", lambda token: bake(badge_png(), token)),
}


@bp.route("/certificates/<int:certificate_id>/credential.<any(json, jwt, png):form>")
@require(Permission.READ_COURSE)
def credential(certificate_id: int, form: str):
    """The certificate as an Open Badges 3.0 credential: a JSON document, the bare JWT, or a badge image with
    the JWT baked in. Signed on the central server the first time it is asked for."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not _may_download(certificate):
        abort(404)
    try:
        token = credential_of(certificate, live_catalogue(), actor_id=current_user.id).token
    except CredentialsUnavailable as unavailable:
        flash(str(unavailable), "error")
        return redirect(url_for("certificates.mine"))
    db.session.commit()
    mimetype, make = CREDENTIAL_FORMS[form]
    return private_download(make(token), f"credential-{certificate.serial}.{form}", mimetype)


@bp.route("/cohorts/<int:cohort_id>/certificates", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def issue_for_cohort(cohort_id: int):
    """The trainer confirms certificates for learners of their cohort who have met the track's rules."""
    cohort = managed_cohort(cohort_id)
    catalogue = live_catalogue()
    wanted = {number for value in request.form.getlist("user_id") if (number := database_id(value))}
    enrolments = db.session.scalars(select(Enrolment.id).where(
        Enrolment.cohort_id == cohort.id, Enrolment.user_id.in_(wanted))).all()
    if not enrolments:
        flash(_("Choose at least one learner."), "error")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))

    def issue() -> str:
        for enrolment_id in enrolments:
            issue_certificate(db.session.get(Enrolment, enrolment_id), catalogue, actor_id=current_user.id)
        return _("Certificates issued: %(n)d.", n=len(enrolments))

    carry_out(issue)
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/certificates.zip")
@require(Permission.MANAGE_COHORTS)
def cohort_zip(cohort_id: int):
    """Every valid certificate of the cohort as one ZIP, to print them all at once."""
    cohort = managed_cohort(cohort_id)
    certificates = queries.cohort_certificates(cohort, valid_only=True)
    if not certificates:
        flash(_("No certificates have been issued in this cohort yet."), "error")
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    catalogue = live_catalogue()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            archive.writestr(f"certificate-{certificate.serial}.pdf",
                             render_certificate(certificate_document(certificate, catalogue)))
    return private_download(buffer.getvalue(), f"cohort-{cohort.id}-certificates.zip", "application/zip")


@bp.route("/certificates/all")
@require(Permission.REVOKE_CERTIFICATES)
def all_certificates():
    text = request.args.get("q", "")[:100]
    page = paginate_query(queries.search_certificates(text, velayat_scope(current_user)),
                          per_page=queries.PER_PAGE)
    return render_template("certificates/all.html", page=page, certificates=page.items, q=text,
                           tracks=live_catalogue().track_titles(current_locale()))


@bp.route("/certificates/<int:certificate_id>/<any(revoke, reissue):action>", methods=["POST"])
@require(Permission.REVOKE_CERTIFICATES)
def change(certificate_id: int, action: str):
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not _coordinates(certificate):
        abort(404)
    reason = request.form.get("reason", "")
    revoking = action == "revoke"
    # Asked only of a change the service will make: a missing reason or a revoked certificate is refused at once.
    if reason.strip() and not certificate.revoked and (asked := confirmation(
            (_("Revoke certificate %(serial)s?") if revoking else _("Replace certificate %(serial)s?")) % {
                "serial": certificate.serial},
            lost=[_("Certificate %(serial)s of %(name)s will show as revoked to anyone who checks it, with the "
                    "reason: %(reason)s", serial=certificate.serial, name=certificate.holder_name,
                    reason=reason or _("none given"))]
            + ([] if revoking else [_("A new certificate with a new number is issued in its place.")]),
            kept=[_("The record of the certificate and of this decision, in the audit log.")],
            undo=_("A revocation cannot be undone; a new certificate can be issued if it was a mistake."),
            button=_("Revoke the certificate") if revoking else _("Replace the certificate"),
            cancel_url=url_for("certificates.all_certificates", q=certificate.holder_name))):
        return asked

    def revoke() -> str:
        revoke_certificate(certificate, reason, actor_id=current_user.id)
        return _("Certificate %(serial)s is revoked.", serial=certificate.serial)

    def reissue() -> str:
        replacement = reissue_certificate(certificate, reason, actor_id=current_user.id)
        return _("Certificate %(old)s is replaced by %(new)s.", old=certificate.serial, new=replacement.serial)

    carry_out(revoke if action == "revoke" else reissue)
    return redirect(url_for("certificates.all_certificates", q=certificate.holder_name))


def _verification_page(certificate: Certificate | None, asked: bool):
    catalogue = live_catalogue()
    course_title = pick(catalogue.course["title"], current_locale(), catalogue.fallbacks(current_locale())).value
    response = make_response(render_template(
        "certificates/verify.html", certificate=certificate, asked=asked, course_title=course_title,
        tracks=catalogue.track_titles(current_locale()), issuer=issuer_name(),
        serial=request.args.get("serial", ""), family_name=request.args.get("family_name", ""),
        # On a field laptop: the centre does not know this certificate until the laptop's bundle arrives.
        field_device=this_device() if certificate else None,
        badge_status=status_entry(certificate) if certificate else None))
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


def _within_rate_limit() -> None:
    if not allow("verify", current_app.config["VERIFY_MAX_PER_10_MINUTES"], timedelta(minutes=10)):
        abort(429)


@bp.route("/verify")
def verify():
    """Check a certificate by its serial number and the holder's family name (no sign-in)."""
    serial, family_name = request.args.get("serial", ""), request.args.get("family_name", "")
    if not serial and not family_name:
        return _verification_page(None, asked=False)
    _within_rate_limit()
    return _verification_page(queries.by_serial_and_name(serial[:40], family_name[:100]), asked=True)


@bp.route("/verify/<code>")
def verify_code(code: str):
    """Where the QR code on the certificate points."""
    _within_rate_limit()
    return _verification_page(queries.by_code(code[:100]), asked=True)
