"""The legal reviewer's pages: what needs review, a version's changes with sign-off or return, sources,
and what a new edition of the law affects (with the certificates issued on the old one, for coordinators)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from course.content.localize import pick
from course.domain import DomainError
from course.extensions import db
from course.learn.queries import source_entries
from course.legal.provisions import edition_of, split_citation, superseded_citations
from course.models.content import ContentKind
from course.models.review import ReviewDecision
from course.permissions import Permission, can, require, velayat_scope
from course.review import queries
from course.review.services import MAX_COMMENT, decide, verify_source
from course.web import current_locale, live_catalogue

bp = Blueprint("review", __name__, url_prefix="/review")

KINDS = {"module": ContentKind.MODULE, "quiz": ContentKind.QUIZ}


def _kind(kind: str) -> ContentKind:
    if kind not in KINDS:
        abort(404)
    return KINDS[kind]


def _carry_out(change, message: str) -> bool:
    """Commit what the service did and say so, or roll back and say why not."""
    try:
        change()
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return False
    db.session.commit()
    flash(message, "success")
    return True


@bp.route("/")
@require(Permission.REVIEW_CONTENT)
def index():
    catalogue = live_catalogue()
    rows = queries.review_rows(catalogue, current_locale())
    return render_template("review/index.html", pending=[row for row in rows if not row.reviewed],
                           reviewed=[row for row in rows if row.reviewed])


@bp.route("/<kind>/<content_id>", methods=["GET", "POST"])
@require(Permission.REVIEW_CONTENT)
def item(kind: str, content_id: str):
    content_kind = _kind(kind)
    catalogue = live_catalogue()
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        decision = ReviewDecision.SIGNED_OFF if request.form.get("decision") == "sign_off" else ReviewDecision.RETURNED
        notes = {key.removeprefix("note-"): value for key, value in request.form.items() if key.startswith("note-")}
        snapshot_id = request.form.get("snapshot_id", type=int) or 0
        done = _carry_out(
            lambda: decide(content_kind, content_id, snapshot_id, decision, request.form.get("comment", ""), notes,
                           current_user),
            _("Signed off: readers no longer see the draft notice on this version.")
            if decision == ReviewDecision.SIGNED_OFF else _("Returned to the authors with your comments."))
        if done:
            return redirect(url_for("review.item", kind=kind, content_id=content_id))
    detail = queries.review_detail(catalogue, content_kind, content_id, current_locale())
    if detail is None:
        abort(404)
    return render_template("review/item.html", detail=detail, kind=kind, form=form, max_comment=MAX_COMMENT,
                           comment=request.form.get("comment", ""))


@bp.route("/sources")
@require(Permission.REVIEW_CONTENT)
def sources():
    catalogue = live_catalogue()
    verified = queries.verified_sources(catalogue)
    entries = source_entries(catalogue, list(catalogue.sources), current_locale(), verified)
    return render_template("review/sources.html", entries=entries, form=FlaskForm(), max_comment=MAX_COMMENT,
                           unverified=sum(1 for entry in entries if not entry.verified))


@bp.route("/sources/<source_id>/verify", methods=["POST"])
@require(Permission.REVIEW_CONTENT)
def verify(source_id: str):
    catalogue = live_catalogue()
    if source_id not in catalogue.sources:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    _carry_out(lambda: verify_source(catalogue, source_id, request.form.get("note", ""), current_user),
               _("Marked as verified against its publisher's text."))
    return redirect(url_for("review.sources", _anchor=f"source-{source_id}"))


@bp.route("/legal-basis")
@require(Permission.READ_COURSE)
def legal_basis():
    """What a newer edition of a provision puts under review, and (for coordinators) the certificates issued
    on content that cited the old edition: a listing, nothing is revoked by it."""
    show_certificates = can(current_user, Permission.VIEW_REPORTS)
    if not (can(current_user, Permission.REVIEW_CONTENT) or show_certificates):
        abort(403)
    catalogue = live_catalogue()
    locale, default = current_locale(), catalogue.default_language
    superseded = superseded_citations(catalogue.provisions)
    places = queries.citing_places(catalogue, set(superseded), locale)
    editions = []
    for citation in superseded:
        provision, edition = edition_of(catalogue.provisions, citation)
        current = provision["editions"][-1]
        editions.append({"citation": citation, "provision_id": split_citation(citation)[0],
                         "provision": pick(provision["title"], locale, default), "edition": edition["id"],
                         "current": current["id"],
                         "current_in_force": current["in_force"], "places": places[citation]})
    certificates = (queries.certificates_on_superseded_law(catalogue, velayat_scope(current_user))
                    if show_certificates else None)
    tracks = {track["id"]: pick(track["title"], locale, default).value for track in catalogue.course["tracks"]}
    return render_template("review/legal_basis.html", editions=editions, certificates=certificates, tracks=tracks,
                           can_review=can(current_user, Permission.REVIEW_CONTENT))
