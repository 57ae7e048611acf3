"""The trainer dashboard as a spreadsheet: one row per learner, with profile, progress and quiz results."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import gettext as _

from course.cohorts.dashboard import CohortDashboard, LearnerRow
from course.cohorts.forms import AGENCY_LABELS, GENDER_LABELS, VELAYAT_LABELS
from course.exports import Table, percent_cell
from course.models.cohort import Cohort


def _header(dashboard: CohortDashboard) -> list[str]:
    header = [_("Name"), _("Username"), _("Agency"), _("Position"), _("Gender"), _("Velayat"), _("Generation"),
              _("Enrolled")]
    header += [f"{number}. {title.value}" for number, title in enumerate(dashboard.module_titles, start=1)]
    for column in dashboard.quizzes:
        header += [_("%(quiz)s: best score", quiz=column.title.value),
                   _("%(quiz)s: attempts", quiz=column.title.value)]
    header += [_("Pre-test"), _("Post-test"), _("Gain")]
    if dashboard.gain_by_order:
        header.append(_("Test forms"))
    header += [_("Days attended"), _("Days excused"), _("Attendance (%)")]
    if dashboard.practice_required:
        header.append(_("Teaching practice passed"))
    return header + [_("Track complete"), _("Certificate no.")]


def _row(row: LearnerRow, practice: bool, forms: bool) -> list:
    person = row.person
    values = [
        person.full_name, person.username, str(AGENCY_LABELS[person.agency]) if person.agency else "",
        person.position, str(GENDER_LABELS[person.gender]),
        str(VELAYAT_LABELS[person.velayat]) if person.velayat else "",
        person.generation, person.enrolled_at.date(),
    ]
    values += [status.label for status in row.statuses]
    for cell in row.quizzes:
        values += [cell.best, cell.attempts]
    share = row.attendance.share
    values += [row.pre, row.post, row.gain] + ([row.form_order] if forms else [])
    values += [row.attendance.attended, row.attendance.excused, percent_cell(share)]
    if practice:
        values.append(_("yes") if row.practice_passed else _("no"))
    return values + [_("yes") if row.complete else _("no"), row.certificate or ""]


def dashboard_table(cohort: Cohort, dashboard: CohortDashboard) -> Table:
    """The grid the trainer sees, every learner a row; numbers stay numbers so a spreadsheet can sum them."""

    def rows() -> Iterator[list]:
        for row in dashboard.rows:
            yield _row(row, dashboard.practice_required, bool(dashboard.gain_by_order))

    return Table(filename_stem=f"cohort-{cohort.id}-progress", header=_header(dashboard), rows=rows())
