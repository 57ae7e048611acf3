"""Taking quizzes: overview, attempt, saving answers (form and JSON), submit, result, review."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from course.cohorts.blueprint import carry_out
from course.extensions import db
from course.inputs import UnreadableInput, json_body
from course.learn import queries as learn_queries
from course.models.attempt import QuizAttempt
from course.models.trainer_quiz import TrainerQuizState
from course.observability import count_event
from course.permissions import Permission, require
from course.quiz import pages, parallel
from course.quiz.attempts import (
    AnswerRejected,
    AttemptClosed,
    AttemptRefused,
    attempts_of,
    definition_of,
    ensure_open,
    questions_of,
    save_answer,
    start_attempt,
    submit_attempt,
)
from course.quiz.definition import TRAINER_QUIZ_PREFIX, QuizDefinition, live_definition, pinned_definition
from course.quiz.review import review_access
from course.quiz.types.base import InvalidResponse
from course.review.question_reports import report_question
from course.trainer_quizzes.queries import learners_quiz
from course.web import after_progress, current_locale

bp = Blueprint("quiz", __name__)


def _takeable_quiz(quiz_id: str) -> tuple[learn_queries.Catalogue, QuizDefinition, bool]:
    """The quiz if the user's tracks include it, or a trainer opened it to a cohort the user learns in; 404
    otherwise (its existence is not confirmed). The flag says whether attempts may start (a trainer's closed quiz
    takes none)."""
    catalogue = learn_queries.load_catalogue()
    if catalogue is None:
        abort(404)
    if quiz_id.startswith(TRAINER_QUIZ_PREFIX):
        trainer_quiz = learners_quiz(current_user.id, quiz_id)
        if trainer_quiz is None:
            abort(404)
        return (catalogue, pinned_definition(quiz_id, trainer_quiz.content_hash),
                trainer_quiz.state == TrainerQuizState.OPEN)
    definition = live_definition(quiz_id)
    if definition is None or not catalogue.quiz_belongs_to(quiz_id, learn_queries.readable_track_ids(current_user,
                                                                                                      catalogue)):
        abort(404)
    return catalogue, parallel.as_taken_by(current_user.id, catalogue.course, definition), True


#: Every answer saved starts here: the attempt with its answers, in one round trip.
_OWN_ATTEMPT = (
    select(QuizAttempt).where(QuizAttempt.id == bindparam("attempt_id"), QuizAttempt.user_id == bindparam("user_id"))
    .options(joinedload(QuizAttempt.answers))
)


def _own_attempt(attempt_id: int) -> QuizAttempt:
    """The attempt if it is the current user's; others' attempts are not found."""
    attempt = db.session.execute(_OWN_ATTEMPT, {"attempt_id": attempt_id, "user_id": current_user.id}) \
        .unique().scalar_one_or_none()
    if attempt is None:
        abort(404)
    return attempt


def _open_own_attempt(attempt_id: int) -> tuple[QuizAttempt, bool]:
    """The user's attempt, and whether it still takes answers (an overdue one is submitted here)."""
    attempt = _own_attempt(attempt_id)
    try:
        ensure_open(attempt)
    except AttemptClosed:
        db.session.commit()
        return attempt, False
    return attempt, True


@bp.route("/quizzes/<quiz_id>")
@require(Permission.READ_COURSE)
def overview(quiz_id: str):
    catalogue, definition, accepting = _takeable_quiz(quiz_id)
    page = pages.overview_page(current_user.id, catalogue, definition, current_locale(), accepting=accepting)
    db.session.commit()  # overdue attempts may have been submitted
    return render_template("quiz/overview.html", page=page)


@bp.route("/quizzes/<quiz_id>/start", methods=["POST"])
@require(Permission.READ_COURSE)
def start(quiz_id: str):
    _catalogue, definition, accepting = _takeable_quiz(quiz_id)
    try:
        if not accepting:
            raise AttemptRefused(_("Your trainer has closed this quiz: no new attempt can start."))
        attempt = start_attempt(current_user.id, definition)
    except AttemptRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("quiz.overview", quiz_id=quiz_id))
    db.session.commit()
    return redirect(url_for("quiz.take", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
@require(Permission.READ_COURSE)
def take(attempt_id: int):
    attempt, is_open = _open_own_attempt(attempt_id)
    if not is_open:
        return redirect(url_for("quiz.result", attempt_id=attempt.id))
    page = pages.take_page(attempt, learn_queries.load_catalogue(), current_locale())
    return render_template("quiz/take.html", page=page)


def _save_form(attempt: QuizAttempt, form: MultiDict) -> dict[str, str]:
    """Save every question found in the form; return those refused, by question id, with the reason."""
    definition = questions_of(attempt)
    refused = {}
    for qid in attempt.layout["questions"]:
        spec = definition.questions[qid]
        try:
            raw = definition.question_type(qid).from_form(spec, form)
            save_answer(attempt, qid, raw)
        except (AnswerRejected, InvalidResponse) as exc:
            refused[qid] = str(exc)
    return refused


@bp.route("/attempts/<int:attempt_id>", methods=["POST"])
@require(Permission.READ_COURSE)
def save(attempt_id: int):
    """The plain form post (no JavaScript): save everything, then stay, review or submit.

    Answers that fit are saved even when others are refused; the page then comes back with what the learner
    entered in the refused questions and the reason beside each, never with the saved answers in their place."""
    attempt = _own_attempt(attempt_id)
    action = request.form.get("action", "save")
    try:
        refused = _save_form(attempt, request.form)
    except AttemptClosed as exc:
        db.session.commit()
        flash(str(exc), "info")
        return redirect(url_for("quiz.result", attempt_id=attempt.id))
    db.session.commit()
    count_event("answer_saved")
    if refused:
        numbers = [n for n, qid in enumerate(attempt.layout["questions"], start=1) if qid in refused]
        flash(_("Some answers could not be saved; check questions %(numbers)s.",
                numbers=", ".join(map(str, numbers))), "error")
        page = pages.take_page(attempt, learn_queries.load_catalogue(), current_locale(), refused=refused,
                               entered=request.form)
        return render_template("quiz/take.html", page=page), 422
    if action == "finish":
        return redirect(url_for("quiz.summary", attempt_id=attempt.id))
    flash(_("Your answers are saved."), "success")
    return redirect(url_for("quiz.take", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/answers/<question_id>", methods=["POST"])
@require(Permission.READ_COURSE)
def save_json(attempt_id: int, question_id: str):
    """Save one answer as it is given (progressive enhancement). Body: ``{"fields": [[name, value], ...]}``."""
    attempt = _own_attempt(attempt_id)
    try:
        payload = json_body()
    except UnreadableInput as exc:
        return jsonify(ok=False, error=str(exc.message)), 400
    fields = payload.get("fields") if isinstance(payload, dict) else None
    if not isinstance(fields, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair) for pair in fields
    ):
        return jsonify(ok=False, error=_("The answer could not be read.")), 400
    try:
        ensure_open(attempt)
        definition = questions_of(attempt)
        if question_id not in attempt.layout["questions"]:
            raise AnswerRejected(_("This question is not part of the attempt."))
        spec = definition.questions[question_id]
        raw = definition.question_type(question_id).from_form(spec, MultiDict(fields))
        saved_at = save_answer(attempt, question_id, raw).saved_at  # read before the commit expires it
    except AttemptClosed as exc:
        db.session.commit()
        return jsonify(ok=False, closed=True, error=str(exc), result=url_for("quiz.result", attempt_id=attempt.id)), 409
    except (AnswerRejected, InvalidResponse) as exc:
        db.session.rollback()
        return jsonify(ok=False, error=str(exc)), 400
    db.session.commit()
    count_event("answer_saved")
    return jsonify(ok=True, saved_at=saved_at.isoformat())


@bp.route("/attempts/<int:attempt_id>/summary")
@require(Permission.READ_COURSE)
def summary(attempt_id: int):
    attempt, is_open = _open_own_attempt(attempt_id)
    if not is_open:
        return redirect(url_for("quiz.result", attempt_id=attempt.id))
    page = pages.summary_page(attempt, learn_queries.load_catalogue(), current_locale())
    return render_template("quiz/summary.html", page=page)


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@require(Permission.READ_COURSE)
def submit(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    submit_attempt(attempt)
    db.session.commit()
    count_event("attempt_submitted")
    after_progress(learn_queries.load_catalogue())
    return redirect(url_for("quiz.result", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/result")
@require(Permission.READ_COURSE)
def result(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    if attempt.is_open:
        return redirect(url_for("quiz.take", attempt_id=attempt.id))
    catalogue = learn_queries.load_catalogue()
    page = pages.result_page(attempt, catalogue, current_locale())
    return render_template("quiz/result.html", page=page)


@bp.route("/attempts/<int:attempt_id>/questions/<question_id>/report", methods=["POST"])
@require(Permission.READ_COURSE)
def report(attempt_id: int, question_id: str):
    """A learner reports a question of their own submitted attempt, one its review shows them."""
    attempt = _own_attempt(attempt_id)
    shown = review_access(definition_of(attempt), attempt, attempts_of(attempt.user_id, attempt.quiz_id)).any

    def record() -> str:
        report_question(attempt, question_id, request.form.get("comment", ""), shown=shown)
        return _("Thank you: the legal reviewer will read your comment.")

    carry_out(record)
    return redirect(url_for("quiz.result", attempt_id=attempt.id))
