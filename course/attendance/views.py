"""Session days and the attendance screen, for the cohort's trainers (and coordinators of its velayat)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from course.attendance.queries import marked_per_day, marks_of, roster
from course.attendance.services import add_day, learners_of, mark_attendance, remove_day, session_days
from course.cohorts.blueprint import carry_out, managed_cohort
from course.confirm import confirmation
from course.content.localize import pick
from course.days import NotADay, parse_day, today
from course.domain import DomainError
from course.extensions import db
from course.inputs import database_id
from course.models.attendance import Attendance, AttendanceStatus, SessionDay
from course.models.cohort import Cohort
from course.permissions import Permission, require
from course.web import after_progress, current_locale, live_catalogue

bp = Blueprint("attendance", __name__)

def _status_labels() -> dict[str, str]:
    return {AttendanceStatus.PRESENT.value: _("Present"), AttendanceStatus.LATE.value: _("Late"),
            AttendanceStatus.ABSENT.value: _("Absent"), AttendanceStatus.EXCUSED.value: _("Excused")}


def _session(cohort: Cohort, day_id: int) -> SessionDay:
    session = db.session.get(SessionDay, day_id)
    if session is None or session.cohort_id != cohort.id:
        abort(404)
    return session


def _module_choices() -> list[tuple[str, str]]:
    catalogue = live_catalogue()
    locale = current_locale()
    return [(m.id, pick(m.data["meta"]["title"], locale, catalogue.fallbacks(locale)).value)
            for m in catalogue.modules.values()]


#: The most days offered to choose from: a cohort runs days or weeks, not years.
MAX_OPEN_DAYS = 400


def _open_days(cohort, taken: set[date]) -> list[tuple[str, str]]:
    """(ISO date, the date spelt out in the page's language) of the cohort's days without a session yet: a
    choice, not a typed date, so no browser's date format can turn 03/04 into the wrong day."""
    days = (cohort.starts_on + timedelta(days=offset)
            for offset in range(min((cohort.ends_on - cohort.starts_on).days + 1, MAX_OPEN_DAYS)))
    return [(day.isoformat(), format_date(day, "full")) for day in days if day not in taken]


@bp.route("/cohorts/<int:cohort_id>/days", methods=["GET", "POST"])
@require(Permission.MANAGE_COHORTS)
def days(cohort_id: int):
    cohort = managed_cohort(cohort_id)
    modules = _module_choices()
    if request.method == "POST":
        try:
            day = parse_day(request.form.get("day", ""))
        except NotADay as problem:
            flash(str(problem), "error")
        else:
            def add() -> str:
                add_day(cohort, day, request.form.get("topic", ""), request.form.getlist("modules"),
                        {module_id for module_id, _title in modules})
                return _("Session day added.")

            if carry_out(add):
                return redirect(url_for("attendance.days", cohort_id=cohort.id))
    sessions = session_days(cohort)
    return render_template("attendance/days.html", cohort=cohort, sessions=sessions,
                           open_days=_open_days(cohort, {s.day for s in sessions}),
                           chosen_day=request.form.get("day") or today().isoformat(),
                           marked=marked_per_day(cohort.id),
                           modules=modules, titles=dict(modules), form=request.form)


@bp.route("/cohorts/<int:cohort_id>/days/<int:day_id>/delete", methods=["POST"])
@require(Permission.MANAGE_COHORTS)
def delete_day(cohort_id: int, day_id: int):
    cohort = managed_cohort(cohort_id)
    session = _session(cohort, day_id)
    marks = db.session.scalar(select(func.count()).select_from(Attendance)
                              .where(Attendance.session_day_id == session.id))
    if asked := confirmation(
            _("Remove the session day of %(day)s?", day=format_date(session.day, "long")),
            lost=[_("The session day of %(day)s (%(topic)s) is removed from the cohort's schedule.",
                    day=format_date(session.day, "long"), topic=session.topic or _("no topic")),
                  ngettext("%(num)d attendance mark recorded for that day is deleted.",
                           "%(num)d attendance marks recorded for that day are deleted.", marks)],
            kept=[_("Every other day and its marks, and the learners' reading and quiz results.")],
            undo=_("This cannot be undone: the day can be added again, but its marks must be taken again."),
            button=_("Remove the day and its marks"), cancel_url=url_for("attendance.days", cohort_id=cohort.id)):
        return asked

    def remove() -> str:
        remove_day(cohort, session)
        return _("Session day removed, with its attendance.")

    if carry_out(remove):
        after_progress(live_catalogue(), learners_of(cohort))  # a day of absence gone may complete a track
    return redirect(url_for("attendance.days", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/days/<int:day_id>", methods=["GET", "POST"])
@require(Permission.MANAGE_COHORTS)
def mark(cohort_id: int, day_id: int):
    """One screen per day: each learner with four choices, big enough for a phone."""
    cohort = managed_cohort(cohort_id)
    session = _session(cohort, day_id)
    if request.method == "POST":
        marks = {}
        for key, value in request.form.items():
            if key.startswith("u-"):
                if (user_id := database_id(key[2:])) is None:
                    abort(400)
                marks[user_id] = value
        try:
            count = mark_attendance(cohort, session, marks, current_user.id)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        except IntegrityError:
            db.session.rollback()
            flash(_("Someone else marked this day at the same moment. Check the marks and save again."), "error")
        else:
            flash(ngettext("Attendance saved for %(num)d learner.", "Attendance saved for %(num)d learners.", count),
                  "success")
            after_progress(live_catalogue(), list(marks))  # enough days attended may complete a track
            return redirect(url_for("attendance.days", cohort_id=cohort.id))
    current = marks_of(session.id)
    rows = [(uid, name, current.get(uid)) for uid, name in roster(cohort.id)]
    return render_template("attendance/mark.html", cohort=cohort, session=session, rows=rows,
                           labels=_status_labels())
