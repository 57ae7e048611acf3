"""The cohorts blueprint and what its views share: finding a cohort one may manage, carrying out a change."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash
from flask_login import current_user

from course.domain import DomainError
from course.extensions import db
from course.models.cohort import Cohort
from course.permissions import can_manage_cohort

bp = Blueprint("cohorts", __name__)


def managed_cohort(cohort_id: int) -> Cohort:
    """The cohort if the user may manage it; 404 otherwise (its existence is not confirmed)."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not can_manage_cohort(current_user, cohort):
        abort(404)
    return cohort


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
