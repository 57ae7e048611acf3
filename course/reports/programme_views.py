"""Coordinators' programme view (reaction, learning, behaviour) and the evaluations across cohorts."""

from __future__ import annotations

from collections.abc import Iterator

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course.audit import record_event
from course.evaluation.form import EvaluationForm, course_evaluation_form
from course.evaluation.results import MIN_RESPONSES, across_cohorts, rating_cells, rating_header
from course.exports import Table, export_response
from course.extensions import db
from course.follow_up.form import FollowUpForm, course_follow_up_form
from course.pagination import paginate
from course.permissions import Permission, require
from course.reports.kept import kept
from course.reports.programme import build_programme
from course.reports.queries import ReportFilter, cohort_ids
from course.reports.suppression import note as suppression_note
from course.reports.views import ROWS_PER_PAGE, bp, filter_page_context, request_filter
from course.web import current_locale, live_catalogue


def _form() -> EvaluationForm | None:
    return course_evaluation_form(live_catalogue(), current_locale())


@bp.route("/reports/programme")
@require(Permission.VIEW_REPORTS)
def programme():
    """Reaction, learning and behaviour side by side for the cohorts that started in the chosen dates."""
    report_filter = request_filter()
    form = _form()
    follow_up = course_follow_up_form(live_catalogue(), current_locale())
    programme = _programme(report_filter, form, follow_up)
    return render_template("reports/programme.html", programme=programme, form=form, minimum=MIN_RESPONSES,
                           follow_up=follow_up, small_cells=suppression_note(),
                           **filter_page_context())


def _programme(report_filter: ReportFilter, form: EvaluationForm | None, follow_up: FollowUpForm | None):
    return kept("programme", report_filter,
                lambda: build_programme(cohort_ids(report_filter), form, report_filter.velayats, follow_up))


@bp.route("/reports/programme/follow-up.<any(csv, xlsx):fmt>")
@require(Permission.VIEW_REPORTS)
def export_follow_up(fmt: str):
    """The follow-up's totals as the programme view shows them, one row per wave, breakdown and group, small groups
    withheld the same way."""
    follow_up = course_follow_up_form(live_catalogue(), current_locale())
    if follow_up is None:
        abort(404)
    report_filter = request_filter()  # refused before anything is recorded
    record_event("report.export", "follow-up", actor_id=current_user.id, format=fmt, args=dict(request.args))
    db.session.commit()
    programme = _programme(report_filter, _form(), follow_up)
    header = [_("Months after the training"), _("Breakdown"), _("Group"), _("Answered"),
              *(question.text.value for question in follow_up.counts)]
    rows = [[wave.wave, breakdown.title, group, *(row.cells[index] for row in breakdown.rows)]
            for wave in programme.follow_up for breakdown in wave.breakdowns
            for index, group in enumerate(breakdown.groups)]
    rows.append([suppression_note()] + [""] * (len(header) - 1))
    return export_response(Table("follow-up", header, rows), fmt)


@bp.route("/reports/evaluations")
@require(Permission.VIEW_REPORTS)
def evaluations():
    form = _form()
    report_filter = request_filter()
    results, lines = (kept("evaluations", report_filter, lambda: across_cohorts(cohort_ids(report_filter), form))
                      if form else (None, []))
    context = filter_page_context()
    # A national selection has hundreds of cohorts: a page of them at a time, as on the reports' cohort list.
    cohort_lines = paginate(lines, per_page=ROWS_PER_PAGE, anchor="by-cohort")
    return render_template("reports/evaluations.html", form=form, results=results, cohort_lines=cohort_lines,
                           minimum=MIN_RESPONSES, answers_url=url_for("reports.export_evaluations", what="answers",
                                                                      fmt="xlsx", **context["args"]),
                           **context)


def _evaluations_table(form: EvaluationForm, report_filter: ReportFilter) -> Table:
    """Each rated statement for all cohorts together, then for each cohort with enough responses."""
    results, lines = across_cohorts(cohort_ids(report_filter), form)

    def rows() -> Iterator[list]:
        for name, found in [(_("All cohorts"), results)] + [(line.name, line.results) for line in lines]:
            for item in found.items:  # none below the threshold
                yield [name, found.responses, *rating_cells(item)]

    return Table("evaluations", [_("Cohort"), _("Responses"), *rating_header(form)], rows())


def _answers_table(form: EvaluationForm, report_filter: ReportFilter) -> Table:
    """The written answers of each cohort with enough responses, alphabetically within each question."""
    _results, lines = across_cohorts(cohort_ids(report_filter), form, with_texts=True)

    def rows() -> Iterator[list]:
        for line in lines:
            for text in line.results.texts:  # none below the threshold
                for answer in text.answers:
                    yield [line.name, text.question, answer]

    return Table("evaluation-answers", [_("Cohort"), _("Question"), _("Answer")], rows())


@bp.route("/reports/evaluations.<any(csv, xlsx):fmt>", defaults={"what": "ratings"})
@bp.route("/reports/evaluations/<any(answers):what>.<any(csv, xlsx):fmt>")
@require(Permission.VIEW_REPORTS)
def export_evaluations(what: str, fmt: str):
    form = _form()
    if form is None:
        abort(404)
    report_filter = request_filter()  # a velayat out of scope or unknown is refused before anything is recorded
    record_event("report.export", f"evaluations-{what}", actor_id=current_user.id, format=fmt,
                 args=dict(request.args))
    db.session.commit()
    table = (_answers_table if what == "answers" else _evaluations_table)(form, report_filter)
    return export_response(table, fmt)
