"""The cohorts blueprint and what its views share: finding a cohort one may manage, carrying out a change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from course.cascade.completion import has_practice
from course.cohorts.forms import STATUS_LABELS
from course.domain import DomainError
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.cohort import Cohort, CohortStatus, CohortTrainer
from course.models.user import User
from course.permissions import can_manage_cohort
from course.trainer_quizzes.compose import bounds_of

bp = Blueprint("cohorts", __name__)


#: Every cohort page starts here: the cohort with its trainers, their accounts and roles, in one round trip
#: (the permission check reads the trainers; loading them one relation at a time took three).
_COHORT_WITH_TRAINERS = (
    select(Cohort).where(Cohort.id == bindparam("cohort_id"))
    .options(joinedload(Cohort.trainers).joinedload(CohortTrainer.user).joinedload(User.role_rows))
)


def managed_cohort(cohort_id: int) -> Cohort:
    """The cohort if the user may manage it; 404 otherwise (its existence is not confirmed)."""
    cohort = db.session.execute(_COHORT_WITH_TRAINERS, {"cohort_id": cohort_id}).unique().scalar_one_or_none()
    if cohort is None or not can_manage_cohort(current_user, cohort):
        abort(404)
    return cohort


@dataclass(frozen=True)
class Tab:
    label: str
    url: str
    current: bool


def cohort_tabs(cohort: Cohort, active: str) -> list[Tab]:
    """The cohort's tabs: teaching practice only where its track has it, evaluation where the course has a form."""
    catalogue = load_catalogue()
    track = (catalogue.track(cohort.track_id) if catalogue else None) or {}
    tabs = [("dashboard", "cohorts.show", _("Dashboard")), ("roster", "cohorts.roster", _("Learners and joining")),
            ("attendance", "attendance.days", _("Attendance"))]
    if catalogue and has_practice(catalogue, track):
        tabs.append(("practice", "practice.cohort_practice", _("Teaching practice")))
    if catalogue and bounds_of(catalogue.course).enabled:
        tabs.append(("quizzes", "trainer_quizzes.index", _("Quizzes")))
    tabs.append(("paper", "paper.index", _("On paper")))
    if catalogue and catalogue.course.get("evaluation"):
        tabs.append(("evaluation", "evaluation.results", _("Evaluation")))
    if catalogue and catalogue.course.get("follow_up"):
        tabs.append(("follow-up", "follow_up.cohort", _("Follow-up")))
    tabs.append(("edit", "cohorts.edit", _("Details and trainers")))
    return [Tab(label, url_for(endpoint, cohort_id=cohort.id), key == active) for key, endpoint, label in tabs]


def cohort_status_label(cohort: Cohort) -> str | None:
    """The badge beside a cohort's name: its status, unless it is open."""
    return None if cohort.status == CohortStatus.OPEN else str(STATUS_LABELS[cohort.status])


def carry_out(change: Callable[[], str]) -> bool:
    """Run a change a service may refuse: commit and flash what it returns, or roll back and flash why not."""
    try:
        message = change()
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return False
    db.session.commit()
    flash(message, "success")
    return True
