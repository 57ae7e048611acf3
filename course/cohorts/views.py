"""Cohort pages: list, create, edit, the trainer dashboard and its export, and joining with a code.

Roster management (adding, removing, importing learners) is in ``roster_views``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectChoice

from course.audit import record_event
from course.auth import sessions
from course.cohorts import queries
from course.cohorts.blueprint import bp, managed_cohort
from course.cohorts.dashboard import cohort_dashboard
from course.cohorts.export import dashboard_table
from course.cohorts.forms import STATUS_LABELS, VELAYAT_LABELS, CohortForm, JoinForm, RegisterForm
from course.cohorts.freshness import KeptDashboard, cohort_signature, kept_dashboards
from course.cohorts.grid import DashboardCells
from course.cohorts.services import (
    CohortDetails,
    CohortError,
    Registration,
    cohort_by_code,
    create_cohort,
    join_with_code,
    register_with_code,
    set_status,
    update_cohort,
)
from course.confirm import confirmation
from course.days import today as local_today
from course.domain import DomainError
from course.exports import export_response
from course.extensions import db
from course.i18n import LANGUAGE_NAMES, SESSION_KEY, chosen_locale
from course.learn.queries import Catalogue
from course.models.cohort import Cohort, CohortStatus
from course.models.user import Agency, Gender, User, Velayat
from course.permissions import Permission, can, require
from course.ratelimit import allow
from course.web import after_progress, current_locale, live_catalogue


@bp.route("/cohorts")
@require(Permission.MANAGE_COHORTS)
def index():
    catalogue = live_catalogue()
    return render_template("cohorts/index.html", cohorts=queries.visible_cohorts(current_user),
                           tracks=catalogue.track_titles(current_locale()), velayats=VELAYAT_LABELS)


def _cohort_form(catalogue: Catalogue, cohort: Cohort | None = None) -> CohortForm:
    """The form with its choices; a trainer leads what they create, and only coordinators change a lead."""
    form = CohortForm(obj=cohort) if cohort is not None and request.method == "GET" else CohortForm()
    titles = catalogue.track_titles(current_locale())
    form.track_id.choices = [SelectChoice(track_id, title) for track_id, title in titles.items()]
    form.language.choices = [SelectChoice(code, LANGUAGE_NAMES[code]) for code in catalogue.course["languages"]]
    people = queries.trainers()
    form.lead.choices = [SelectChoice(u.id, u.display_name) for u in people]
    form.co_trainers.choices = [SelectChoice(u.id, u.display_name) for u in people]
    if not can(current_user, Permission.VIEW_ALL_COHORTS):
        lead = cohort.lead if cohort is not None and cohort.lead else current_user
        form.lead.choices = [SelectChoice(lead.id, lead.display_name)]
    if request.method == "GET":
        form.lead.data = cohort.lead.id if cohort is not None and cohort.lead else current_user.id
        if cohort is not None:
            form.co_trainers.data = [row.user_id for row in cohort.trainers if not row.lead]
            form.velayat.data = cohort.velayat.value
    return form


def _submitted_cohort(form: CohortForm) -> tuple[CohortDetails, User, list[User]]:
    details = CohortDetails(
        name=form.name.data, track_id=form.track_id.data, language=form.language.data,
        velayat=Velayat(form.velayat.data), starts_on=form.starts_on.data, ends_on=form.ends_on.data,
        city=form.city.data or "", venue=form.venue.data or "",
        audience=tuple(Agency(value) for value in form.audience.data),
    )
    lead = db.session.get(User, form.lead.data)
    co_trainers = [db.session.get(User, uid) for uid in form.co_trainers.data if uid != form.lead.data]
    return details, lead, co_trainers


SaveCohort = Callable[[CohortDetails, User, list[User]], Cohort]


def _save(form: CohortForm, save: SaveCohort, message: Callable[[Cohort], str]):
    """Run ``save`` on the submitted form: commit and go to the cohort, or put the refusal on its field."""
    details, lead, co_trainers = _submitted_cohort(form)
    try:
        cohort = save(details, lead, co_trainers)
    except CohortError as exc:
        db.session.rollback()
        getattr(form, exc.field or "name").errors.append(str(exc))
        return None
    db.session.commit()
    flash(message(cohort), "success")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/cohorts/new", methods=["GET", "POST"])
@require(Permission.MANAGE_COHORTS)
def create():
    catalogue = live_catalogue()
    form = _cohort_form(catalogue)
    actor = current_user._get_current_object()
    if form.validate_on_submit() and (done := _save(
        form, lambda details, lead, co: create_cohort(details, catalogue, lead=lead, co_trainers=co, actor=actor),
        lambda cohort: _("The cohort is created. Give your learners its code: %(code)s", code=cohort.join_code),
    )):
        return done
    return render_template("cohorts/form.html", form=form, cohort=None)


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@require(Permission.MANAGE_COHORTS)
def edit(cohort_id: int):
    cohort = managed_cohort(cohort_id)
    catalogue = live_catalogue()
    form = _cohort_form(catalogue, cohort)
    actor = current_user._get_current_object()

    def update(details: CohortDetails, lead: User, co_trainers: list[User]) -> Cohort:
        update_cohort(cohort, details, catalogue, lead=lead, co_trainers=co_trainers, actor=actor)
        return cohort

    if form.validate_on_submit() and (done := _save(form, update, lambda _cohort: _("The cohort is updated."))):
        return done
    return render_template("cohorts/form.html", form=form, cohort=cohort,
                           is_open=cohort.status == CohortStatus.OPEN)


def _dashboard(cohort: Cohort, catalogue: Catalogue) -> KeptDashboard:
    """The cohort's dashboard and its rendered grids, computed again only when something they show has changed."""
    locale, attention_days = current_locale(), current_app.config["ATTENTION_AFTER_DAYS"]
    key = (cohort.id, locale, catalogue.fingerprint, local_today(), attention_days, cohort_signature(cohort))

    def compute() -> KeptDashboard:
        dashboard = cohort_dashboard(cohort, catalogue, locale, attention_days=attention_days)
        # The template autoescapes what it renders; the result is HTML to place as it is.
        grids = Markup(render_template("cohorts/_grids.html", dashboard=dashboard, cells=DashboardCells()))  # noqa: S704
        return KeptDashboard(dashboard, grids)

    return kept_dashboards().get_or_make(key, compute)


@bp.route("/cohorts/<int:cohort_id>")
@require(Permission.MANAGE_COHORTS)
def show(cohort_id: int):
    return render_dashboard(managed_cohort(cohort_id))


def render_dashboard(cohort: Cohort, *, read_only: bool = False) -> str:
    """The trainer dashboard; read-only (no tabs, no forms) when a coordinator opens it from the reports."""
    catalogue = live_catalogue()
    kept = _dashboard(cohort, catalogue)
    if due := kept.dashboard.due_automatically:
        # The cohort's last day has come: the certificates that waited for it are issued as the page is seen.
        after_progress(catalogue, due)
        kept = _dashboard(cohort, catalogue)
    return render_template(
        "cohorts/show.html", cohort=cohort, dashboard=kept.dashboard, grids=kept.grids,
        track_title=catalogue.track_titles(current_locale()).get(cohort.track_id, cohort.track_id),
        velayats=VELAYAT_LABELS, read_only=read_only,
    )


@bp.route("/cohorts/<int:cohort_id>/export.<fmt>")
@require(Permission.MANAGE_COHORTS)
def export(cohort_id: int, fmt: str):
    """The dashboard's grid as a spreadsheet; exports hold personal data, so each one is audited."""
    cohort = managed_cohort(cohort_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    catalogue = live_catalogue()
    table = dashboard_table(cohort, _dashboard(cohort, catalogue).dashboard)
    record_event("cohort.export", f"cohort {cohort.id}", actor_id=current_user.id, format=fmt)
    db.session.commit()
    return export_response(table, fmt)


@bp.route("/cohorts/<int:cohort_id>/status", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def status(cohort_id: int):
    cohort = managed_cohort(cohort_id)
    try:
        new_status = CohortStatus(request.form.get("status", ""))
    except ValueError:
        abort(400)
    if new_status == CohortStatus.ARCHIVED and (asked := confirmation(
            _("Archive %(cohort)s?", cohort=cohort.name),
            lost=[_("Joining with the cohort's code stops, and the cohort leaves the lists of running cohorts.")],
            kept=[_("Its learners, attendance, results and certificates: an archived cohort is kept for the record "
                    "and still counts in the reports.")],
            undo=_("To undo, open the cohort's settings and reopen it."),
            button=_("Archive the cohort"), cancel_url=url_for("cohorts.edit", cohort_id=cohort.id))):
        return asked
    set_status(cohort, new_status, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("The cohort is now %(status)s.", status=STATUS_LABELS[new_status]), "success")
    return redirect(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Signed-in learners type a code; newcomers (from the link or QR code) register with it."""
    if not current_user.is_authenticated:
        code = request.args.get("code", "")
        cohort = cohort_by_code(code) if code else None
        form = RegisterForm(code=code)
        if cohort is not None and SESSION_KEY not in session:
            # A newcomer from the cohort's QR code reads the page in the language they will be taught in (the
            # switcher is there to change it), and registering keeps that language.
            session[SESSION_KEY] = cohort.language
            with force_locale(cohort.language):
                return render_template("cohorts/register.html", form=form, code=code)
        return render_template("cohorts/register.html", form=form, code=code)
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
    if form.is_submitted() and not allow("register", current_app.config["REGISTER_MAX_PER_HOUR"], timedelta(hours=1)):
        # The code is often on a whiteboard: without a limit anyone could create accounts by the thousand.
        abort(429)
    if form.validate_on_submit():
        registration = Registration(
            username=form.username.data, full_name=form.full_name.data, password=form.password.data,
            agency=Agency(form.agency.data), position=form.position.data or "", gender=Gender(form.gender.data),
            velayat=Velayat(form.velayat.data), language=chosen_locale() or "",
        )
        try:
            user = register_with_code(form.code.data, registration)
        except DomainError as exc:
            db.session.rollback()
            getattr(form, exc.field or "username").errors.append(str(exc))
        else:
            sessions.sign_in(user)
            db.session.commit()
            flash(_("Welcome to Cascade. Your course is below."), "success")
            return redirect(url_for("learn.home"))
    return render_template("cohorts/register.html", form=form, code=form.code.data or ""), 200

