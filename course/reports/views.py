"""The coordinator dashboard and its exports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from course.audit import record_event
from course.cohorts.forms import AGENCY_LABELS, GENDER_LABELS, VELAYAT_LABELS
from course.cohorts.views import render_dashboard
from course.days import NotADay, parse_day, today
from course.exports import Table, export_response, json_response, percent_cell
from course.extensions import db
from course.models.certificate import Certificate
from course.models.cohort import Cohort
from course.models.user import Velayat
from course.pagination import paginate
from course.permissions import Permission, require, velayat_scope
from course.reports.gains import figure_headings, gain_table_rows, objective_titles, order_label, page_rows
from course.reports.kept import kept
from course.reports.queries import CohortResult, ReportFilter, build_report, cohort_ids, cohort_results
from course.reports.suppression import note as suppression_note
from course.reports.tables import (
    BREAKDOWNS,
    DEFAULT_BREAKDOWN,
    FLAGS,
    breakdown,
    breakdown_asked,
    charts,
    disaggregation,
    generation_rows,
)
from course.web import current_locale, live_catalogue
from course.xapi.export import json_array, learning_statements

bp = Blueprint("reports", __name__)


def _date(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return parse_day(raw)
    except NotADay as problem:
        flash(_("%(problem)s It was left out.", problem=problem), "error")
        return None


def request_filter() -> ReportFilter:
    """The request's filter within the coordinator's scope; a velayat outside it is refused (403)."""
    scope = velayat_scope(current_user)
    wanted = request.args.get("velayat", "")
    velayats = scope
    if wanted:
        try:
            velayat = Velayat(wanted)
        except ValueError:
            abort(400)
        if scope is not None and velayat not in scope:
            abort(403)
        velayats = frozenset({velayat})
    return ReportFilter(_date("from"), _date("to"), velayats)


#: The query arguments of the reports' shared filter.
FILTER_KEYS = ("from", "to", "velayat")

#: Cohorts and trainers shown per page (a national report has hundreds of each).
ROWS_PER_PAGE = 50

#: How the cohort list can be ordered, by the key in ``?sort=``; numbers largest first.
COHORT_ORDERS = {
    "start": lambda c: (c.starts_on, c.id),
    "name": lambda c: c.name.casefold(),
    "velayat": lambda c: (c.velayat.value, c.name.casefold()),
    "learners": lambda c: -c.learners,
    "completion": lambda c: -(c.completion_rate or 0),
    "gain": lambda c: -(c.mean_gain if c.mean_gain is not None else -1000),
}


@bp.route("/reports")
@require(Permission.VIEW_REPORTS)
def dashboard():
    catalogue = live_catalogue()
    report_filter = request_filter()
    report = kept("report", report_filter, lambda: build_report(report_filter, catalogue))
    order = request.args.get("sort", "start")
    listed = report.cohorts  # kept for the next view: sorted and searched as copies
    if order in COHORT_ORDERS and order != "start":
        listed = sorted(listed, key=COHORT_ORDERS[order])
    search = request.args.get("q", "").strip()[:100]
    cohorts = paginate([c for c in listed if _matches(c, search)] if search else listed,
                       per_page=ROWS_PER_PAGE, anchor="cohort-list")
    trainers = paginate(report.trainers, per_page=ROWS_PER_PAGE, arg="trainers_page", anchor="trainer-list")
    sort_links = {key: url_for("reports.dashboard", **{**request.args.to_dict(), "sort": key}) for key in COHORT_ORDERS}
    by = breakdown_asked(request.args.get("by"))
    if by is None:
        flash(_("A breakdown by “%(by)s” does not exist; the one by gender is shown.", by=request.args["by"][:40]),
              "error")
        by = DEFAULT_BREAKDOWN
    titles = objective_titles(catalogue, current_locale())
    return render_template(
        "reports/dashboard.html", report=report, rows=disaggregation(report), flags=FLAGS,
        order_gains=page_rows(report.gain_by_order, order_label), gain_headings=figure_headings(),
        objective_gains=page_rows(report.objective_gains, lambda tag: titles.get(tag, tag)),
        small_cells=suppression_note(), generations=generation_rows(report),
        breakdown_by=by, breakdown_rows=breakdown(report, by), breakdowns=BREAKDOWNS,
        charts=charts(report, catalogue, current_locale()), filter=report_filter, velayats=VELAYAT_LABELS,
        sort_links=sort_links, order=order, cohorts=cohorts, trainers=trainers, search=search, run_on=run_on,
        **filter_page_context(),
    )


def filter_page_context() -> dict:
    """What the report pages' shared filter form (reports/_filter.html) needs."""
    scope = velayat_scope(current_user)
    return {
        "velayat_choices": [(v.value, VELAYAT_LABELS[v]) for v in Velayat if scope is None or v in scope],
        "selected": request.args.get("velayat", ""), "scope": scope,
        # Only the filter travels to exports and sibling pages: a stray ?fmt= would clash with their arguments.
        "args": {key: request.args[key] for key in FILTER_KEYS if request.args.get(key)},
        "scope_labels": [str(VELAYAT_LABELS[v]) for v in Velayat if scope and v in scope],
    }


def _matches(cohort: CohortResult, search: str) -> bool:
    """The cohort list's search: a piece of the cohort's name or of its lead trainer's, in any case."""
    needle = search.casefold()
    return needle in cohort.name.casefold() or needle in cohort.lead.casefold()


@bp.route("/reports/cohorts/<int:cohort_id>")
@require(Permission.VIEW_REPORTS)
def cohort(cohort_id: int):
    """A cohort's trainer dashboard, read-only, for a coordinator whose scope covers its velayat."""
    found = db.session.get(Cohort, cohort_id)
    scope = velayat_scope(current_user)
    if found is None or (scope is not None and found.velayat not in scope):
        abort(404)
    return render_dashboard(found, read_only=True)


def run_on(device: str) -> str:
    """Where a cohort was run, as the reports say it: a field laptop by its prefix, or the central server."""
    return _("field laptop %(prefix)s", prefix=device) if device else _("central server")


def _disaggregation_table(report_filter: ReportFilter) -> Table:
    report = kept("report", report_filter, lambda: build_report(report_filter, live_catalogue()))
    header = [_("Velayat"), _("Agency")]
    # Outside the f-strings: gettext calls inside one are not found by the catalogue's extraction.
    parts = (_("total"), _("female"), _("male"), _("not stated"))
    for label in (_("Participants"), _("Completed"), _("Certified")):
        header += [f"{label}: {part}" for part in parts]

    def rows() -> Iterator[list]:
        for row in disaggregation(report):
            values = [row.velayat_label, row.agency_label]
            for flag in FLAGS:
                values += row.counts[flag].shown()
            yield values
        yield [suppression_note()] + [""] * (len(header) - 1)  # the table stays rectangular

    return Table("disaggregation", header, rows())


def _breakdown_table(report_filter: ReportFilter) -> Table:
    """Participants, completed and certified by one attribute (``?by=``), small cells withheld."""
    by = breakdown_asked(request.args.get("by"))  # checked by the export view
    report = kept("report", report_filter, lambda: build_report(report_filter, live_catalogue()))
    header = [str(BREAKDOWNS[by].title), _("Participants"), _("Completed"), _("Certified")]
    rows = [[row.label, *(row.shown[flag] for flag in FLAGS)] for row in breakdown(report, by)]
    rows.append([suppression_note()] + [""] * (len(header) - 1))
    return Table(f"participants-by-{by.replace('_', '-')}", header, rows)


def _cohorts_table(report_filter: ReportFilter) -> Table:
    """Streamed from one query, newest first."""
    header = [_("Cohort"), _("Velayat"), _("Track"), _("First day"), _("Last day"), _("Lead trainer"),
              _("Learners"), _("Completed"), _("Average gain"), _("Session days"), _("Attendance (%)"), _("Run on")]
    tracks = live_catalogue().track_titles(current_locale())
    rows = ([c.name, str(VELAYAT_LABELS[c.velayat]), tracks.get(c.track_id, c.track_id), c.starts_on, c.ends_on,
             c.lead, c.learners, c.completed, c.mean_gain, c.session_days, percent_cell(c.attendance),
             run_on(c.device)]
            for c in cohort_results(cohort_ids(report_filter)))
    return Table("cohort-results", header, rows)


def _certificates_table(report_filter: ReportFilter) -> Table:
    """Streamed straight from the database, so memory stays flat however many were issued."""
    header = [_("Certificate no."), _("Name"), _("Track"), _("Date of issue"), _("Agency"), _("Gender"),
              _("Velayat"), _("Status")]
    query = (select(Certificate).join(Cohort, Cohort.id == Certificate.cohort_id)
             .where(Certificate.cohort_id.in_(cohort_ids(report_filter))).order_by(Certificate.id)
             .execution_options(yield_per=500))

    tracks = live_catalogue().track_titles(current_locale())

    def rows() -> Iterator[list]:
        for c in db.session.scalars(query):
            holder = c.holder
            yield [c.serial, c.holder_name, tracks.get(c.track_id, c.track_id), c.issued_at.date(),
                   str(AGENCY_LABELS[holder.agency]) if holder.agency else "", str(GENDER_LABELS[holder.gender]),
                   str(VELAYAT_LABELS[holder.velayat]) if holder.velayat else "",
                   _("revoked") if c.revoked else _("valid")]

    return Table("certificates", header, rows())


def _gain_table(report_filter: ReportFilter) -> Table:
    """Knowledge gain by form order and by learning objective; groups under five withheld."""
    catalogue = live_catalogue()
    report = kept("report", report_filter, lambda: build_report(report_filter, catalogue))
    header = [_("Breakdown"), _("Group"), *figure_headings()]
    rows = gain_table_rows(report.gain_by_order, report.objective_gains,
                           objective_titles(catalogue, current_locale()))
    rows.append([suppression_note()] + [""] * (len(header) - 1))
    return Table("knowledge-gain", header, rows)


EXPORTS = {"disaggregation": _disaggregation_table, "breakdown": _breakdown_table, "cohorts": _cohorts_table,
           "certificates": _certificates_table, "gain": _gain_table}


@bp.route("/reports/export/<any(disaggregation, breakdown, cohorts, certificates, gain):what>.<any(csv, xlsx):fmt>")
@require(Permission.VIEW_REPORTS)
def export(what: str, fmt: str):
    report_filter = request_filter()
    if what == "breakdown" and breakdown_asked(request.args.get("by")) is None:
        abort(400)  # before anything is recorded
    record_event("report.export", what, actor_id=current_user.id, format=fmt, args=dict(request.args))
    db.session.commit()
    return export_response(EXPORTS[what](report_filter), fmt)


@bp.route("/reports/export/learning-records.json")
@require(Permission.VIEW_REPORTS)
def learning_records():
    """The selection's learning records as xAPI statements: a JSON array a learning record store takes as it is,
    with the same statement ids at every export (course.xapi)."""
    report_filter = request_filter()
    record_event("report.export", "learning-records", actor_id=current_user.id, format="xapi",
                 args=dict(request.args))
    db.session.commit()
    home = current_app.config.get("BASE_URL") or request.host_url
    statements = learning_statements(cohort_ids(report_filter), live_catalogue(), home)
    return json_response(json_array(statements), f"learning-records-{today().isoformat()}")
