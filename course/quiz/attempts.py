"""The attempt lifecycle: start, save answers as they are given, submit once, expire on time.

Every answer is written to the database when it is given, so nothing is lost
when a connection drops or the server restarts. Submitting is a conditional
update (in progress -> submitted) that only one request can win, so a double
click or two tabs yield one graded attempt and the same result. Services flush;
the caller commits.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from course.domain import DomainError
from course.extensions import db
from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
from course.models.types import utcnow
from course.quiz import parallel
from course.quiz.definition import QuizDefinition, pinned_definition
from course.quiz.types.base import Grade, InvalidResponse
from course.summary import refresh_learners

DEFAULT_GRACE_SECONDS = 30
#: How an attempt answered on a printed sheet says it was submitted: keyed in by a trainer (course.paper).
ON_PAPER = "paper"


class AttemptRefused(DomainError):
    """A new attempt may not start (no attempts left)."""


class AttemptClosed(DomainError):
    """The attempt no longer takes answers (submitted, or its time is up)."""


class AnswerRejected(DomainError):
    """A response that does not fit its question."""


def _grace() -> timedelta:
    return timedelta(seconds=current_app.config.get("QUIZ_GRACE_SECONDS", DEFAULT_GRACE_SECONDS))


def score_percent(earned: float, possible: float) -> float:
    return round(100 * earned / possible, 1) if possible else 0.0


# -- reading ------------------------------------------------------------------


def attempts_of(user_id: int, quiz_id: str) -> list[QuizAttempt]:
    return list(db.session.scalars(
        select(QuizAttempt).where(QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id)
        .order_by(QuizAttempt.number)
    ))


def open_attempt(user_id: int, quiz_id: str) -> QuizAttempt | None:
    return db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == user_id, QuizAttempt.quiz_id == quiz_id, QuizAttempt.state == AttemptState.IN_PROGRESS
    ))


def counted_score(attempts: list[QuizAttempt], method: str) -> float | None:
    """The score that counts for the quiz under its grading method, or None before any submission."""
    scores = [a.score for a in sorted(attempts, key=lambda a: a.number) if a.state == AttemptState.SUBMITTED]
    if not scores:
        return None
    if method == "first":
        return scores[0]
    if method == "last":
        return scores[-1]
    if method == "average":
        return round(sum(scores) / len(scores), 1)
    return max(scores)


def attempts_left(definition: QuizDefinition, attempts: list[QuizAttempt]) -> int | None:
    """Attempts that may still be started; None when unlimited."""
    allowed = definition.settings.attempts_allowed
    if allowed is None:
        return None
    return max(0, allowed - len([a for a in attempts if a.state == AttemptState.SUBMITTED]))


# -- starting -----------------------------------------------------------------


def build_layout(definition: QuizDefinition, seed: int) -> dict[str, Any]:
    """Which questions, in which order, and each question's option order, fixed by ``seed``."""
    rng = random.Random(seed)  # noqa: S311  (shuffling, not secrecy)
    settings = definition.settings
    question_ids = list(definition.questions)
    if settings.draw:
        drawn: list[str] = []
        for rule in settings.draw:
            pool = [qid for qid in question_ids if rule.tag in definition.questions[qid].tags and qid not in drawn]
            drawn += rng.sample(pool, min(rule.count, len(pool)))
        question_ids = [qid for qid in question_ids if qid in drawn]
    if settings.shuffle_questions:
        rng.shuffle(question_ids)
    orders: dict[str, list[str]] = {}
    for qid in question_ids:
        spec = definition.questions[qid]
        if spec.type == "ordering":
            # Items are authored in the right order, so they are always shown shuffled.
            ids = [item.id for item in spec.items]
            shuffled = ids[:]
            while shuffled == ids:
                rng.shuffle(shuffled)
            orders[qid] = shuffled
        elif settings.shuffle_choices and hasattr(spec, "choices"):
            ids = [choice.id for choice in spec.choices]
            rng.shuffle(ids)
            orders[qid] = ids
        elif settings.shuffle_choices and hasattr(spec, "options"):
            ids = [option.id for option in spec.options]
            rng.shuffle(ids)
            orders[qid] = ids
    return {"questions": question_ids, "orders": orders}


def start_attempt(user_id: int, definition: QuizDefinition) -> QuizAttempt:
    """Resume the open attempt, or start a new one if any is left.

    :raises AttemptRefused: when every allowed attempt has been used.
    """
    expire_overdue(user_id=user_id, quiz_id=definition.quiz_id)
    existing = open_attempt(user_id, definition.quiz_id)
    if existing:
        return existing
    attempts = attempts_of(user_id, definition.quiz_id)
    if attempts_left(definition, attempts) == 0:
        raise AttemptRefused(_("You have used every attempt this quiz allows (%(num)d).",
                                 num=definition.settings.attempts_allowed))
    seed = secrets.randbits(32)
    now = utcnow()
    limit = definition.settings.time_limit_minutes
    attempt = QuizAttempt(
        user_id=user_id, quiz_id=definition.quiz_id, quiz_hash=definition.content_hash, counts_as=definition.counts_as,
        number=max((a.number for a in attempts), default=0) + 1, state=AttemptState.IN_PROGRESS,
        layout=build_layout(definition, seed), started_at=now,
        deadline_at=now + timedelta(minutes=limit) if limit else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        # Another request (a double click, a second tab) started it first: use that one.
        winner = open_attempt(user_id, definition.quiz_id)
        if winner is None:
            raise
        return winner
    return attempt


# -- answering ----------------------------------------------------------------


def questions_of(attempt: QuizAttempt) -> QuizDefinition:
    """The version the attempt was started on, as it is: enough to check and grade answers, and what saving an
    answer reads (without the query that framing a parallel form costs)."""
    definition = pinned_definition(attempt.quiz_id, attempt.quiz_hash)
    if definition is None:  # snapshots are never deleted; this is a damaged database
        raise LookupError(f"quiz {attempt.quiz_id} version {attempt.quiz_hash} is missing")
    return definition


def definition_of(attempt: QuizAttempt) -> QuizDefinition:
    """The version the attempt was started on, under the rules of the test it stands for (pass mark, review)."""
    return parallel.as_attempted(questions_of(attempt), attempt.counts_as)


def is_overdue(attempt: QuizAttempt) -> bool:
    return attempt.deadline_at is not None and utcnow() > attempt.deadline_at + _grace()


def ensure_open(attempt: QuizAttempt) -> None:
    """Refuse answers to a submitted attempt; submit one whose time is up (what was saved counts).

    :raises AttemptClosed:
    """
    if attempt.is_open and is_overdue(attempt):
        submit_attempt(attempt, by="time")
    if not attempt.is_open:
        raise AttemptClosed(_("This attempt has been submitted; answers can no longer be changed."))


def save_answer(attempt: QuizAttempt, question_id: str, raw: Any) -> AttemptAnswer:
    """Clean and store one response (replacing the previous one).

    :raises AttemptClosed: the attempt is submitted or out of time.
    :raises AnswerRejected: the response does not fit the question; nothing is stored.
    """
    ensure_open(attempt)
    if question_id not in attempt.layout["questions"]:
        raise AnswerRejected(_("This question is not part of the attempt."))
    definition = questions_of(attempt)
    spec = definition.questions[question_id]
    try:
        response = definition.question_type(question_id).clean(spec, raw)
    except InvalidResponse as exc:
        raise AnswerRejected(str(exc)) from exc
    answer = next((a for a in attempt.answers if a.question_id == question_id), None)
    if answer is None:
        try:
            with db.session.begin_nested():
                answer = AttemptAnswer(question_id=question_id, response=response, saved_at=utcnow())
                attempt.answers.append(answer)
            return answer
        except IntegrityError:
            # Another request of this learner saved the question first (the page's script while the form posts,
            # or a second tab). The savepoint's rollback expired the attempt's answers: reload them and replace.
            answer = next((a for a in attempt.answers if a.question_id == question_id), None)
            if answer is None:  # not that clash (the attempt itself gone, say): let the real error through
                raise
    answer.response = response
    answer.saved_at = utcnow()
    db.session.flush()
    return answer


# -- submitting ---------------------------------------------------------------


@dataclass(frozen=True)
class AttemptGrade:
    earned: float
    possible: float
    by_question: dict[str, Grade]

    @property
    def score(self) -> float:
        return score_percent(self.earned, self.possible)


def grade_responses(definition: QuizDefinition, question_ids: list[str],
                    responses: dict[str, Any]) -> AttemptGrade:
    """Grade stored responses against a definition: pure, so re-grading gives the same result."""
    grades = {}
    for qid in question_ids:
        spec = definition.questions[qid]
        grades[qid] = definition.question_type(qid).grade(spec, responses.get(qid))
    earned = round(sum(g.earned for g in grades.values()), 6)
    possible = round(sum(g.possible for g in grades.values()), 6)
    return AttemptGrade(earned, possible, grades)


def regrade(attempt: QuizAttempt) -> AttemptGrade:
    """Grade an attempt again from its saved responses and its pinned quiz version."""
    responses = {answer.question_id: answer.response for answer in attempt.answers}
    return grade_responses(questions_of(attempt), attempt.layout["questions"], responses)


def submit_attempt(attempt: QuizAttempt, *, by: str = "learner") -> QuizAttempt:
    """Grade and close the attempt, once. A second call returns the first result unchanged."""
    claimed = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.state == AttemptState.IN_PROGRESS)
        .values(state=AttemptState.SUBMITTED, submitted_at=utcnow(), submitted_by=by)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(attempt)
    if not claimed:
        return attempt
    return record_grade(attempt)


def record_grade(attempt: QuizAttempt) -> QuizAttempt:
    """Grade a submitted attempt from its saved responses and store the grades, per answer and in all (an
    online attempt once its submission is claimed, a paper sheet as it is keyed in)."""
    result = regrade(attempt)
    answers = {answer.question_id: answer for answer in attempt.answers}
    for qid, grade in result.by_question.items():
        answer = answers.get(qid)
        if answer is None:
            answer = AttemptAnswer(question_id=qid, response=None)
            attempt.answers.append(answer)
        answer.earned, answer.possible = grade.earned, grade.possible
        answer.parts = [part.as_json() for part in grade.parts]
    definition = definition_of(attempt)
    attempt.earned, attempt.possible, attempt.score = result.earned, result.possible, result.score
    attempt.passed = result.score >= definition.settings.pass_mark
    db.session.flush()
    refresh_learners([attempt.user_id])
    return attempt


def expire_overdue(*, user_id: int | None = None, quiz_id: str | None = None) -> int:
    """Submit, with what was saved, every open attempt whose time ran out; returns how many."""
    query = select(QuizAttempt).where(
        QuizAttempt.state == AttemptState.IN_PROGRESS, QuizAttempt.deadline_at.is_not(None),
        QuizAttempt.deadline_at < utcnow() - _grace(),
    )
    if user_id is not None:
        query = query.where(QuizAttempt.user_id == user_id)
    if quiz_id is not None:
        query = query.where(QuizAttempt.quiz_id == quiz_id)
    overdue = list(db.session.scalars(query))
    for attempt in overdue:
        submit_attempt(attempt, by="time")
    return len(overdue)
