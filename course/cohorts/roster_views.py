"""A cohort's learners: joining by code, adding and removing, importing a roster, credential slips."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from course.auth.services import find_user, reset_password
from course.cohorts import queries
from course.cohorts.blueprint import bp, carry_out, managed_cohort
from course.cohorts.forms import AGENCY_LABELS, GENDER_LABELS, VELAYAT_LABELS, AddLearnerForm, RosterUploadForm
from course.cohorts.qr import qr_svg
from course.cohorts.roster_file import MAX_ROSTER_BYTES, SAMPLES, RosterFileError, read_roster
from course.cohorts.roster_import import (
    NewAccount,
    RowKind,
    apply_import,
    preview,
    read_signed_preview,
    sign_preview,
)
from course.cohorts.services import CohortError, enrol_in_cohort, remove_from_cohort, set_joining
from course.confirm import confirmation
from course.domain import DomainError
from course.exports import Table, export_response
from course.extensions import db
from course.models.cohort import Cohort, CohortStatus
from course.models.user import User
from course.permissions import Permission, require
from course.room import room_url


def _roster_page(cohort: Cohort, upload_form: RosterUploadForm | None = None, status: int = 200):
    join = room_url("cohorts.join", code=cohort.join_code)
    return render_template(
        "cohorts/roster.html", cohort=cohort, roster=queries.roster(cohort), add_form=AddLearnerForm(),
        upload_form=upload_form or RosterUploadForm(), agencies=AGENCY_LABELS, velayats=VELAYAT_LABELS,
        genders=GENDER_LABELS, join_url=join.url, room_notice=join.notice,
        join_qr=qr_svg(join.url) if cohort.join_open else None,
        is_open=cohort.status == CohortStatus.OPEN, max_kb=MAX_ROSTER_BYTES // 1024,
    ), status


@bp.route("/cohorts/<int:cohort_id>/roster")
@require(Permission.MANAGE_COHORTS)
def roster(cohort_id: int):
    return _roster_page(managed_cohort(cohort_id))


@bp.route("/cohorts/<int:cohort_id>/joining", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def joining(cohort_id: int):
    cohort = managed_cohort(cohort_id)
    action = request.form.get("action")
    if action not in ("open", "close", "new-code") or (action != "close" and cohort.status != CohortStatus.OPEN):
        abort(400)

    def change() -> str:
        set_joining(cohort, open_=action != "close", new_code=action == "new-code")
        return _("Joining with a code is now open.") if cohort.join_open else _("Joining with a code is now closed.")

    carry_out(change)
    return redirect(url_for("cohorts.roster", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/learners", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def add_learner(cohort_id: int):
    cohort = managed_cohort(cohort_id)
    form = AddLearnerForm()
    if form.validate_on_submit():
        user = find_user(form.username.data)

        def enrol() -> str:
            if user is None:
                raise CohortError(_("No user named %(name)s.", name=form.username.data))
            enrol_in_cohort(user, cohort)
            return _("%(name)s is enrolled.", name=user.display_name)

        carry_out(enrol)
    return redirect(url_for("cohorts.roster", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/learners/<int:user_id>/remove", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def remove_learner(cohort_id: int, user_id: int):
    cohort = managed_cohort(cohort_id)
    user = db.session.get(User, user_id) or abort(404)
    if asked := confirmation(
            _("Take %(name)s out of %(cohort)s?", name=user.display_name, cohort=cohort.name),
            lost=[_("%(name)s leaves the cohort: they no longer appear on its dashboard, attendance sheets and "
                    "reports.", name=user.display_name)],
            kept=[_("Their account, what they read, their quiz attempts and their certificates.")],
            undo=_("To undo, add them again on this page by their username (%(username)s).",
                   username=user.username),
            button=_("Take them out of the cohort"), cancel_url=url_for("cohorts.roster", cohort_id=cohort.id)):
        return asked

    def remove() -> str:
        remove_from_cohort(user, cohort, actor=current_user._get_current_object())
        return _("%(name)s is no longer in this cohort.", name=user.display_name)

    carry_out(remove)
    return redirect(url_for("cohorts.roster", cohort_id=cohort.id))


def _slips(cohort: Cohort, accounts: list[NewAccount]):
    """Credential slips: the only time a one-time password is shown; never cached, never stored."""
    with force_locale(cohort.language):  # handed to learners: in the language they are taught in
        sign_in = room_url("auth.login")
        response = make_response(render_template(
            "cohorts/slips.html", cohort=cohort, accounts=accounts, sign_in_url=sign_in.url,
            room_notice=sign_in.notice))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/cohorts/<int:cohort_id>/roster-sample.<any(csv, xlsx):fmt>")
@require(Permission.MANAGE_COHORTS)
def roster_sample(cohort_id: int, fmt: str):
    """A file to fill in, in the cohort's language: the columns and values the import reads."""
    cohort = managed_cohort(cohort_id)
    header, rows = SAMPLES.get(cohort.language, SAMPLES["en"])
    return export_response(Table(f"roster-sample-{cohort.language}", header, iter(rows)), fmt)


@bp.route("/cohorts/<int:cohort_id>/import", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def import_preview(cohort_id: int):
    """Read the uploaded file and show what importing it would do; nothing is written."""
    cohort = managed_cohort(cohort_id)
    if cohort.status != CohortStatus.OPEN:
        abort(400)
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return _roster_page(cohort, form, 400)
    upload = form.roster.data
    data = upload.read(MAX_ROSTER_BYTES + 1)
    try:
        lines = read_roster(upload.filename or "", data)
    except RosterFileError as exc:
        form.roster.errors.append(str(exc))
        return _roster_page(cohort, form, 400)
    return _preview_page(cohort, lines)


def _preview_page(cohort: Cohort, lines, message: str | None = None):
    rows = preview(cohort, lines)
    counts = {kind: sum(1 for row in rows if row.kind == kind) for kind in RowKind}
    return render_template(
        "cohorts/import_preview.html", cohort=cohort, rows=rows, counts=counts, message=message,
        token=sign_preview(cohort, current_user, lines), agencies=AGENCY_LABELS, velayats=VELAYAT_LABELS,
        genders=GENDER_LABELS, importable=counts[RowKind.NEW] + counts[RowKind.KNOWN],
    )


@bp.route("/cohorts/<int:cohort_id>/import/confirm", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def import_confirm(cohort_id: int):
    """Write what the trainer approved, or show the preview again if the database changed meanwhile."""
    cohort = managed_cohort(cohort_id)
    try:
        lines = read_signed_preview(cohort, current_user, request.form.get("preview", ""))
    except CohortError as exc:
        flash(str(exc), "error")
        return redirect(url_for("cohorts.roster", cohort_id=cohort.id))
    rows = preview(cohort, lines)
    seen = request.form.getlist("kinds")
    if seen != [row.kind.value for row in rows]:
        return _preview_page(cohort, lines, _("The roster changed since the preview. Check it again and confirm.")), 409
    try:
        accounts = apply_import(cohort, rows, actor=current_user._get_current_object())
    except DomainError as exc:
        db.session.rollback()
        return _preview_page(cohort, lines, str(exc)), 409
    db.session.commit()
    if not accounts:
        flash(_("The learners are enrolled; no new accounts were needed."), "success")
        return redirect(url_for("cohorts.roster", cohort_id=cohort.id))
    return _slips(cohort, accounts)


@bp.route("/cohorts/<int:cohort_id>/learners/<int:user_id>/new-password", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def new_password(cohort_id: int, user_id: int):
    """A new slip for a learner who lost theirs, only while the account has never been used.

    Once a learner has chosen their own password, only an administrator may reset it:
    a trainer must not be able to take over a colleague's account.
    """
    cohort = managed_cohort(cohort_id)
    row = next((r for r in queries.roster(cohort) if r.user_id == user_id), None) or abort(404)
    if not row.awaiting_first_sign_in:
        flash(_("%(name)s has already signed in; ask an administrator to reset the password.",
                name=row.display_name), "error")
        return redirect(url_for("cohorts.roster", cohort_id=cohort.id))
    user = db.session.get(User, user_id)
    password = reset_password(user, actor_id=current_user.id)
    db.session.commit()
    return _slips(cohort, [NewAccount(user.full_name, user.username, password)])
