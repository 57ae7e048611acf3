"""The coordinators' Devices page: register a laptop (download its enrolment file), revoke one, import a
bundle brought on a stick, and settle what an import left as a conflict."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.cohorts.blueprint import carry_out
from course.cohorts.forms import AGENCY_LABELS, VELAYAT_LABELS
from course.domain import DomainError
from course.downloads import private_download
from course.extensions import db
from course.models.device import Device
from course.permissions import Permission, require, velayat_scope
from course.sync import queries
from course.sync.people import merge_suspected_duplicate
from course.sync.services import (
    export_for_device,
    import_bundle,
    register_device,
    revoke_device,
    settle_conflict,
)

bp = Blueprint("devices", __name__, url_prefix="/devices")

#: A bundle holds a laptop's whole record; the site's 2 MiB limit for uploads is too small for a large cohort.
MAX_BUNDLE_BYTES = 64 * 1024 * 1024


@bp.before_request
def _programme_wide_only():
    """Devices carry cohorts of every velayat: a coordinator limited to some velayats does not manage them."""
    if current_user.is_authenticated and velayat_scope(current_user) is not None:
        abort(403)


def _page(status: int = 200, form: dict | None = None, error: DomainError | None = None):
    rows = queries.device_rows()
    return render_template("devices/index.html", rows=rows, form=form or {}, error=error,
                           conflicts=sum(row.open_conflicts for row in rows)), status


@bp.route("/")
@require(Permission.MANAGE_DEVICES)
def index():
    return _page()


@bp.route("/", methods=["POST"])
@require(Permission.MANAGE_DEVICES)
def register():
    """Register a laptop; the response is its enrolment file, to carry to the laptop (it holds a private key)."""
    try:
        device, enrolment = register_device(request.form.get("name", ""), request.form.get("prefix", ""),
                                            current_user)
    except DomainError as exc:
        db.session.rollback()
        return _page(400, request.form, exc)
    db.session.commit()
    return private_download(json.dumps(enrolment, indent=1), f"cascade-device-{device.prefix}.json",
                            "application/json")


@bp.route("/<int:device_id>/revoke", methods=["POST"])
@require(Permission.MANAGE_DEVICES)
def revoke(device_id: int):
    device = db.session.get(Device, device_id) or abort(404)
    if request.form.get("confirm") != "yes":
        return _page(400, error=DomainError(_("Tick the box to confirm: every later bundle of %(prefix)s will be "
                                              "refused.", prefix=device.prefix)))

    def revoke_it() -> str:
        revoke_device(device.prefix, current_user)
        return _("%(prefix)s is revoked: its later bundles are refused.", prefix=device.prefix)

    carry_out(revoke_it)
    return redirect(url_for("devices.index"))


@bp.route("/<int:device_id>/bundle", methods=["POST"])
@require(Permission.MANAGE_DEVICES)
def bundle_for(device_id: int):
    """The centre's bundle for a laptop (acknowledgement, revocations, trainers' accounts), to carry to it."""
    device = db.session.get(Device, device_id) or abort(404)
    try:
        sequence, data = export_for_device(device.prefix, current_user)
    except DomainError as exc:
        db.session.rollback()
        return _page(400, error=exc)
    db.session.commit()
    return private_download(data, f"cascade-for-{device.prefix}-{sequence}.cascade", "application/json")


@bp.route("/import", methods=["POST"])
@require(Permission.MANAGE_DEVICES)
def upload():
    """Import a bundle brought on a stick: the same code as 'course sync import'."""
    request.max_content_length = MAX_BUNDLE_BYTES
    file = request.files.get("bundle")
    if file is None or not file.filename:
        return _page(400, error=DomainError(_("Choose the bundle file to import.")))

    def apply() -> str:
        result = import_bundle(file.read(), current_user)
        if not result.applied:
            return _("Bundle %(number)d of %(prefix)s was imported before: nothing changed.",
                     number=result.sequence, prefix=result.device.prefix)
        return _("Bundle %(number)d of %(prefix)s imported: %(records)d record(s) added, %(conflicts)d conflict(s) "
                 "to look at.", number=result.sequence, prefix=result.device.prefix,
                 records=sum(result.report.added.values()), conflicts=len(result.report.conflicts))

    carry_out(apply)
    return redirect(url_for("devices.index"))


@bp.route("/conflicts")
@require(Permission.MANAGE_DEVICES)
def conflicts():
    return render_template("devices/conflicts.html", rows=queries.open_conflicts(), agencies=AGENCY_LABELS,
                           velayats=VELAYAT_LABELS)


@bp.route("/conflicts/<int:conflict_id>/settle", methods=["POST"])
@require(Permission.MANAGE_DEVICES)
def settle(conflict_id: int):
    def settle_it() -> str:
        settle_conflict(conflict_id, request.form.get("note", ""), current_user)
        return _("Marked as settled.")

    carry_out(settle_it)
    return redirect(url_for("devices.conflicts"))


@bp.route("/conflicts/<int:conflict_id>/merge", methods=["POST"])
@require(Permission.MANAGE_DEVICES)
def merge(conflict_id: int):
    """Merge a suspected duplicate into one person, once the coordinator has ticked that they checked it."""
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm that both accounts are the same person: the merge moves every record of "
                "one to the other and cannot be undone here."), "error")
        return redirect(url_for("devices.conflicts"), 303)

    def merge_them() -> str:
        merged = merge_suspected_duplicate(conflict_id, request.form.get("keep", ""), current_user)
        return _("%(merged)s is merged into %(kept)s: %(moved)d record(s) moved, %(dropped)d already held.",
                 merged=merged.merged.username, kept=merged.kept.username, moved=sum(merged.moved.values()),
                 dropped=sum(merged.dropped.values()))

    carry_out(merge_them)
    return redirect(url_for("devices.conflicts"))
