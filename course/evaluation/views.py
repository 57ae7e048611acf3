"""The evaluation form for learners, and the cohort's aggregated results for its trainers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.audit import record_event
from course.cohorts.blueprint import carry_out, managed_cohort
from course.cohorts.queries import is_learner_of
from course.days import today as local_today
from course.evaluation.form import MAX_TEXT, EvaluationForm, course_evaluation_form
from course.evaluation.results import MIN_RESPONSES, Results, cohort_results, rating_cells, rating_header
from course.evaluation.services import evaluation_opens, has_submitted, submit_evaluation
from course.exports import Table, export_response
from course.extensions import db
from course.models.cohort import Cohort
from course.permissions import Permission, require
from course.web import current_locale, live_catalogue

bp = Blueprint("evaluation", __name__)


def current_form() -> EvaluationForm:
    """The course's evaluation form in the reader's language; 404 when the course has none."""
    return course_evaluation_form(live_catalogue(), current_locale()) or abort(404)


def _learners_cohort(cohort_id: int) -> Cohort:
    """The cohort if the current user is one of its learners; 404 otherwise."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not is_learner_of(cohort.id, current_user.id):
        abort(404)
    return cohort


@bp.route("/cohorts/<int:cohort_id>/evaluation", methods=["GET", "POST"])
@require(Permission.READ_COURSE)
def fill(cohort_id: int):
    cohort = _learners_cohort(cohort_id)
    form = current_form()
    today = local_today()
    if request.method == "POST":
        def submit() -> str:
            submit_evaluation(cohort, current_user.id, form, request.form, today)
            return _("Thank you. Your answers were saved without your name.")

        if carry_out(submit):
            return redirect(url_for("evaluation.fill", cohort_id=cohort.id))
    return render_template("evaluation/fill.html", cohort=cohort, form=form, answers=request.form, max_text=MAX_TEXT,
                           submitted=has_submitted(cohort.id, current_user.id), opens=evaluation_opens(cohort),
                           open=today >= evaluation_opens(cohort))


@bp.route("/cohorts/<int:cohort_id>/evaluation/results")
@require(Permission.MANAGE_COHORTS)
def results(cohort_id: int):
    cohort = managed_cohort(cohort_id)
    form = current_form()
    return render_template("evaluation/results.html", cohort=cohort, results=cohort_results(cohort.id, form),
                           form=form, minimum=MIN_RESPONSES, opens=evaluation_opens(cohort))


def ratings_table(stem: str, form: EvaluationForm, results: Results) -> Table:
    """One row per rated statement: area, statement, answers, mean and how many gave each value."""
    return Table(stem, rating_header(form), (rating_cells(item) for item in results.items))


@bp.route("/cohorts/<int:cohort_id>/evaluation/results.<any(csv, xlsx):fmt>")
@require(Permission.MANAGE_COHORTS)
def export(cohort_id: int, fmt: str):
    cohort = managed_cohort(cohort_id)
    form = current_form()
    found = cohort_results(cohort.id, form)
    if not found.shown:
        flash(_("Results can be exported once at least %(num)d learners have answered.", num=MIN_RESPONSES), "error")
        return redirect(url_for("evaluation.results", cohort_id=cohort.id))
    record_event("evaluation.export", f"cohort {cohort.id}", actor_id=current_user.id, format=fmt)
    db.session.commit()
    return export_response(ratings_table(f"cohort-{cohort.id}-evaluation", form, found), fmt)
