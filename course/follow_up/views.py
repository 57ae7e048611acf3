"""The follow-up questionnaire: learners answer it, a cohort's trainers type in paper copies and see who answered."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.cohorts.blueprint import carry_out, managed_cohort
from course.cohorts.queries import is_learner_of
from course.days import today as local_today
from course.evaluation.form import MAX_TEXT
from course.extensions import db
from course.follow_up.form import FollowUpForm, course_follow_up_form
from course.follow_up.services import answered, submit_follow_up, wave_opens, wave_statuses
from course.models.cohort import Cohort
from course.models.user import Role, User
from course.permissions import Permission, require
from course.web import current_locale, live_catalogue

bp = Blueprint("follow_up", __name__)


def current_form() -> FollowUpForm:
    """The course's follow-up questionnaire in the reader's language; 404 when the course has none."""
    return course_follow_up_form(live_catalogue(), current_locale()) or abort(404)


def _wave(form: FollowUpForm, wave: int) -> int:
    if wave not in form.waves:
        abort(404)
    return wave


@bp.route("/cohorts/<int:cohort_id>/follow-up/<int:wave>", methods=["GET", "POST"])
@require(Permission.READ_COURSE)
def fill(cohort_id: int, wave: int):
    """The learner's own answers."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not is_learner_of(cohort.id, current_user.id):
        abort(404)
    form = current_form()
    _wave(form, wave)
    if request.method == "POST":
        def submit() -> str:
            submit_follow_up(cohort, current_user, wave, form, request.form, local_today())
            return _("Thank you. Your answers help the programme show what the training changed.")

        if carry_out(submit):
            return redirect(url_for("follow_up.fill", cohort_id=cohort.id, wave=wave))
    return _page(cohort, current_user, wave, form)


def _page(cohort: Cohort, learner: User, wave: int, form: FollowUpForm, entering: bool = False):
    opens = wave_opens(cohort, wave)
    return render_template("follow_up/fill.html", cohort=cohort, form=form, wave=wave, learner=learner,
                           questions=form.asked_of(Role.TRAINER in learner.roles), answers=request.form,
                           done=answered(cohort.id, learner.id, wave) is not None, opens=opens,
                           open=local_today() >= opens, entering=entering, max_text=MAX_TEXT)


@bp.route("/cohorts/<int:cohort_id>/follow-up")
@require(Permission.MANAGE_COHORTS)
def cohort(cohort_id: int):
    """For the cohort's trainers: who has answered each wave, and where to type in a paper copy."""
    found = managed_cohort(cohort_id)
    form = current_form()
    return render_template("follow_up/cohort.html", cohort=found, form=form,
                           waves=wave_statuses(found, form, local_today()))


@bp.route("/cohorts/<int:cohort_id>/follow-up/<int:wave>/learners/<int:user_id>", methods=["GET", "POST"])
@require(Permission.MANAGE_COHORTS)
def enter(cohort_id: int, wave: int, user_id: int):
    """A trainer types in a learner's paper copy."""
    found = managed_cohort(cohort_id)
    form = current_form()
    _wave(form, wave)
    learner = db.session.get(User, user_id)
    if learner is None or not is_learner_of(found.id, learner.id):
        abort(404)
    if request.method == "POST":
        def submit() -> str:
            submit_follow_up(found, learner, wave, form, request.form, local_today(), entered_by=current_user)
            return _("The answers of %(name)s are saved.", name=learner.display_name)

        if carry_out(submit):
            return redirect(url_for("follow_up.cohort", cohort_id=found.id))
    return _page(found, learner, wave, form, entering=True)
