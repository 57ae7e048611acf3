"""Cohort pages: list, create, manage (joining, roster), and joining with a code."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from wtforms import SelectChoice

from course.auth.services import find_user
from course.cohorts import queries
from course.cohorts.forms import AGENCY_LABELS, VELAYAT_LABELS, AddLearnerForm, CohortForm, JoinForm, RegisterForm
from course.cohorts.qr import qr_svg
from course.cohorts.services import (
    CohortDetails,
    CohortError,
    Registration,
    create_cohort,
    enrol_in_cohort,
    join_with_code,
    register_with_code,
    remove_from_cohort,
    set_joining,
    set_status,
)
from course.content.localize import pick
from course.domain import DomainError
from course.extensions import db
from course.i18n import LANGUAGE_NAMES
from course.learn.queries import Catalogue
from course.models.cohort import Cohort, CohortStatus
from course.models.user import Agency, Gender, User, Velayat
from course.permissions import Permission, can, can_manage_cohort, require
from course.web import current_locale, live_catalogue

bp = Blueprint("cohorts", __name__)


def _managed_cohort(cohort_id: int) -> Cohort:
    """The cohort if the user may manage it; 404 otherwise (its existence is not confirmed)."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not can_manage_cohort(current_user, cohort):
        abort(404)
    return cohort


def _carry_out(change: Callable[[], str]) -> None:
    """Run a change a service may refuse: commit and flash what it returns, or roll back and flash why not."""
    try:
        message = change()
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(message, "success")


def _track_titles(catalogue: Catalogue) -> dict[str, str]:
    locale = current_locale()
    return {track["id"]: pick(track["title"], locale, catalogue.default_language).value
            for track in catalogue.course["tracks"]}


@bp.route("/cohorts")
@require(Permission.MANAGE_COHORTS)
def index():
    catalogue = live_catalogue()
    return render_template("cohorts/index.html", cohorts=queries.visible_cohorts(current_user),
                           tracks=_track_titles(catalogue), velayats=VELAYAT_LABELS)


def _cohort_form(catalogue: Catalogue) -> CohortForm:
    form = CohortForm()
    form.track_id.choices = [SelectChoice(track_id, title) for track_id, title in _track_titles(catalogue).items()]
    form.language.choices = [SelectChoice(code, LANGUAGE_NAMES[code]) for code in catalogue.course["languages"]]
    people = queries.trainers()
    form.lead.choices = [SelectChoice(u.id, u.full_name or u.username) for u in people]
    form.co_trainers.choices = [SelectChoice(u.id, u.full_name or u.username) for u in people]
    if not can(current_user, Permission.VIEW_ALL_COHORTS):
        # A trainer leads the cohorts they create.
        form.lead.choices = [SelectChoice(current_user.id, current_user.full_name or current_user.username)]
    if request.method == "GET":
        form.lead.data = current_user.id
    return form


@bp.route("/cohorts/new", methods=["GET", "POST"])
@require(Permission.MANAGE_COHORTS)
def create():
    catalogue = live_catalogue()
    form = _cohort_form(catalogue)
    if form.validate_on_submit():
        details = CohortDetails(
            name=form.name.data, track_id=form.track_id.data, language=form.language.data,
            velayat=Velayat(form.velayat.data), starts_on=form.starts_on.data, ends_on=form.ends_on.data,
            city=form.city.data or "", venue=form.venue.data or "",
            audience=tuple(Agency(value) for value in form.audience.data),
        )
        lead = db.session.get(User, form.lead.data)
        co_trainers = [db.session.get(User, uid) for uid in form.co_trainers.data if uid != form.lead.data]
        try:
            cohort = create_cohort(details, catalogue, lead=lead, co_trainers=co_trainers,
                                   actor=current_user._get_current_object())
        except CohortError as exc:
            db.session.rollback()
            getattr(form, exc.field or "name").errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The cohort is created. Give your learners its code: %(code)s", code=cohort.join_code), "success")
            return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form)


@bp.route("/cohorts/<int:cohort_id>")
@require(Permission.MANAGE_COHORTS)
def show(cohort_id: int):
    cohort = _managed_cohort(cohort_id)
    catalogue = live_catalogue()
    join_url = url_for("cohorts.join", code=cohort.join_code, _external=True)
    return render_template(
        "cohorts/show.html", cohort=cohort, roster=queries.roster(cohort), add_form=AddLearnerForm(),
        track_title=_track_titles(catalogue).get(cohort.track_id, cohort.track_id), velayats=VELAYAT_LABELS,
        agencies=AGENCY_LABELS, join_url=join_url, join_qr=qr_svg(join_url) if cohort.join_open else None,
        grid=queries.progress_grid(cohort, catalogue, current_locale()),
        is_open=cohort.status == CohortStatus.OPEN,
    )


@bp.route("/cohorts/<int:cohort_id>/joining", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def joining(cohort_id: int):
    cohort = _managed_cohort(cohort_id)
    action = request.form.get("action")
    if action not in ("open", "close", "new-code") or (action != "close" and cohort.status != CohortStatus.OPEN):
        abort(400)
    set_joining(cohort, open_=action != "close", new_code=action == "new-code")
    db.session.commit()
    flash(_("Joining with a code is now open.") if cohort.join_open else _("Joining with a code is now closed."),
          "success")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/status", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def status(cohort_id: int):
    cohort = _managed_cohort(cohort_id)
    try:
        new_status = CohortStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    set_status(cohort, new_status, actor=current_user._get_current_object())
    db.session.commit()
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/learners", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def add_learner(cohort_id: int):
    cohort = _managed_cohort(cohort_id)
    form = AddLearnerForm()
    if form.validate_on_submit():
        user = find_user(form.username.data)

        def enrol() -> str:
            if user is None:
                raise CohortError(_("No user named %(name)s.", name=form.username.data))
            enrol_in_cohort(user, cohort)
            return _("%(name)s is enrolled.", name=user.full_name or user.username)

        _carry_out(enrol)
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/learners/<int:user_id>/remove", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def remove_learner(cohort_id: int, user_id: int):
    cohort = _managed_cohort(cohort_id)
    user = db.session.get(User, user_id) or abort(404)

    def remove() -> str:
        remove_from_cohort(user, cohort, actor=current_user._get_current_object())
        return _("%(name)s is no longer in this cohort.", name=user.full_name or user.username)

    _carry_out(remove)
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Signed-in learners type a code; newcomers (from the link or QR code) register with it."""
    if not current_user.is_authenticated:
        form = RegisterForm(code=request.args.get("code", ""))
        return render_template("cohorts/register.html", form=form, code=request.args.get("code", ""))
    if not can(current_user, Permission.READ_COURSE):
        abort(403)
    form = JoinForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = request.args["code"]
    if form.validate_on_submit():
        try:
            cohort = join_with_code(current_user._get_current_object(), form.code.data)
        except CohortError as exc:
            db.session.rollback()
            form.code.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("You have joined %(cohort)s.", cohort=cohort.name), "success")
            return redirect(url_for("learn.home"))
    return render_template("cohorts/join.html", form=form)


@bp.route("/join/register", methods=["POST"])
def register():
    """Create one's own account in a cohort; then the learner is signed in."""
    if current_user.is_authenticated:
        return redirect(url_for("cohorts.join"))
    form = RegisterForm()
    if form.validate_on_submit():
        registration = Registration(
            username=form.username.data, full_name=form.full_name.data, password=form.password.data,
            agency=Agency(form.agency.data), position=form.position.data or "", gender=Gender(form.gender.data),
            velayat=Velayat(form.velayat.data),
        )
        try:
            user = register_with_code(form.code.data, registration)
        except DomainError as exc:
            db.session.rollback()
            getattr(form, exc.field or "username").errors.append(str(exc))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Welcome to Cascade. Your course is below."), "success")
            return redirect(url_for("learn.home"))
    return render_template("cohorts/register.html", form=form, code=form.code.data or ""), 200

