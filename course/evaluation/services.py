"""Submitting an evaluation: once per learner and cohort, with nothing that ties the answers to the learner."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError

from course.cohorts.queries import is_learner_of
from course.domain import DomainError
from course.evaluation.form import EvaluationForm
from course.extensions import db
from course.models.cohort import Cohort
from course.models.evaluation import EvaluationResponse, EvaluationSubmission

ALREADY = _l("You have already evaluated this cohort. Each learner answers once.")


def evaluation_opens(cohort: Cohort) -> date:
    """Learners evaluate a cohort from its last day on, when they have seen all of it."""
    return cohort.ends_on


def open_for_evaluation(today: date) -> ColumnElement[bool]:
    """The same rule as :func:`evaluation_opens`, as a condition on cohorts in a query."""
    return Cohort.ends_on <= today


def has_submitted(cohort_id: int, user_id: int) -> bool:
    return db.session.scalar(select(EvaluationSubmission.id).where(
        EvaluationSubmission.cohort_id == cohort_id, EvaluationSubmission.user_id == user_id)) is not None


def check_may_evaluate(cohort: Cohort, user_id: int, today: date) -> None:
    """Raise DomainError unless the learner is in the cohort, it is open for evaluation, and they have not answered."""
    if not is_learner_of(cohort.id, user_id):
        raise DomainError(_("Only the cohort's learners can evaluate it."))
    if today < evaluation_opens(cohort):
        raise DomainError(_("The evaluation opens on the cohort's last day (%(day)s).",
                            day=format_date(evaluation_opens(cohort), "long")))
    if has_submitted(cohort.id, user_id):
        raise DomainError(str(ALREADY))


def submit_evaluation(cohort: Cohort, user_id: int, form: EvaluationForm, raw: Mapping[str, str],
                      today: date) -> None:
    """Keep the answers and the fact of answering apart; raise DomainError (nothing written) on any mistake.

    A second tab submitting at the same moment passes the check too; the unique (cohort, learner) constraint on
    submissions then refuses it, and both its rows are rolled back together.
    """
    check_may_evaluate(cohort, user_id, today)
    answers = form.check(raw)
    try:
        with db.session.begin_nested():
            db.session.add(EvaluationSubmission(cohort_id=cohort.id, user_id=user_id, submitted_on=today))
            db.session.add(EvaluationResponse.of(cohort.id, form.id, answers))
    except IntegrityError as exc:
        raise DomainError(str(ALREADY)) from exc

