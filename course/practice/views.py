"""Teaching-practice pages: the cohort's trainees and their results, the assessment form, the trainee's own view."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from course.attendance.queries import roster
from course.cascade.completion import has_practice
from course.cohorts.blueprint import carry_out, managed_cohort
from course.cohorts.queries import is_learner_of
from course.content.localize import pick
from course.extensions import db
from course.learn.queries import Catalogue
from course.models.cohort import Cohort
from course.models.practice import PracticeAssessment
from course.models.user import User
from course.permissions import Permission, require
from course.practice.queries import assessment_count, assessments_in_cohort, assessments_of
from course.practice.rubric import Rubric, ScoredAssessment, rubric_of
from course.practice.services import MAX_RECOMMENDATIONS, MIN_RECOMMENDATIONS, record_assessment
from course.web import after_progress, current_locale, live_catalogue

bp = Blueprint("practice", __name__)


def _practice_cohort(cohort_id: int) -> tuple[Cohort, dict, Rubric, Catalogue]:
    """A cohort the user manages whose track has teaching practice, its track, the live rubric and the live
    course; 404 otherwise."""
    cohort = managed_cohort(cohort_id)
    catalogue = live_catalogue()
    track = catalogue.track(cohort.track_id)
    if not has_practice(catalogue, track):
        abort(404)
    rubric = rubric_of(catalogue.course["rubric"], current_locale(), catalogue.fallbacks(current_locale()))
    return cohort, track, rubric, catalogue


def _module_titles(catalogue: Catalogue, module_ids: list[str]) -> dict[str, str]:
    locale = current_locale()
    return {m: pick(catalogue.modules[m].data["meta"]["title"], locale, catalogue.fallbacks(locale)).value
            for m in module_ids if m in catalogue.modules}


@bp.route("/cohorts/<int:cohort_id>/practice")
@require(Permission.MANAGE_COHORTS)
def cohort_practice(cohort_id: int):
    cohort, _track, rubric, catalogue = _practice_cohort(cohort_id)
    found = assessments_in_cohort(cohort.id)
    scored = {a.id: a for a in _scored(catalogue, [a for items in found.values() for a in items])}
    # (learner, name, their assessments newest first, whether any passed: the track counts any pass)
    rows = [(uid, name, [scored[a.id] for a in found.get(uid, [])], any(a.passed for a in found.get(uid, [])))
            for uid, name in roster(cohort.id)]
    return render_template("practice/cohort.html", cohort=cohort, rows=rows, rubric=rubric,
                           passed=sum(1 for row in rows if row[3]))


@bp.route("/cohorts/<int:cohort_id>/practice/<int:user_id>", methods=["GET", "POST"])
@require(Permission.MANAGE_COHORTS)
def assess(cohort_id: int, user_id: int):
    """The rubric as a form: one fieldset per criterion, each level with its descriptor."""
    cohort, track, rubric, catalogue = _practice_cohort(cohort_id)
    trainee = db.session.get(User, user_id)
    if trainee is None or not is_learner_of(cohort.id, user_id):
        abort(404)
    if request.method == "POST":
        def save() -> str:
            assessment = record_assessment(cohort, track, rubric, trainee, current_user, request.form.get("module", ""),
                                           {c.id: request.form.get(f"c-{c.id}", "") for c in rubric.criteria},
                                           request.form.get("recommendations", ""))
            if assessment.passed:
                return _("Assessment saved: %(name)s passed the teaching practice (%(total)d of %(best)d).",
                         name=trainee.display_name, total=assessment.total, best=rubric.best_total)
            return _("Assessment saved: %(name)s has not passed the teaching practice yet (%(total)d of %(best)d).",
                     name=trainee.display_name, total=assessment.total, best=rubric.best_total)

        if carry_out(save):
            after_progress(catalogue, [trainee.id])  # a pass may complete the trainer track
            return redirect(url_for("practice.cohort_practice", cohort_id=cohort.id))
    return render_template("practice/assess.html", cohort=cohort, trainee=trainee, rubric=rubric,
                           modules=_module_titles(catalogue, track["modules"]), form=request.form,
                           earlier=assessment_count(cohort.id, trainee.id),
                           min_length=MIN_RECOMMENDATIONS, max_length=MAX_RECOMMENDATIONS)


@bp.route("/practice")
@require(Permission.READ_COURSE)
def mine():
    """The trainee's assessments as they were scored: each criterion's level and descriptor, and the advice."""
    return render_template("practice/mine.html", items=_scored(live_catalogue(), assessments_of(current_user.id)))


def _scored(catalogue: Catalogue, assessments: list[PracticeAssessment]) -> list[ScoredAssessment]:
    """Assessments with their stored rubric in the reader's language, assessor names in one query."""
    locale = current_locale()
    fallbacks = catalogue.fallbacks(locale)
    assessors = {u.id: u.display_name for u in db.session.scalars(
        select(User).where(User.id.in_({a.assessor_id for a in assessments if a.assessor_id})))}
    modules = _module_titles(catalogue, sorted({a.module_id for a in assessments}))
    return [ScoredAssessment.of(a, rubric_of(a.rubric, locale, fallbacks), assessors.get(a.assessor_id, ""),
                                modules.get(a.module_id, a.module_id)) for a in assessments]
