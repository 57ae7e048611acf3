"""Building, opening and closing a trainer's quiz. Services flush; the view commits. Every change is audited.

A draft may change freely; opening freezes it (learners' attempts are pinned to its version), closing stops new
attempts (one already started may still be finished and submitted), and a closed quiz may be opened again.
Each change of state is a conditional update: a second click finds the quiz changed already and says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import update

from course.audit import record_event
from course.extensions import db
from course.models.cohort import Cohort, CohortStatus
from course.models.trainer_quiz import TrainerQuiz, TrainerQuizState
from course.models.types import utcnow
from course.models.user import User
from course.sync.stamping import stamp_now
from course.trainer_quizzes.compose import QuizOptions, QuizRefused, compose, new_quiz_id
from course.trainer_quizzes.labels import STATE_LABELS

#: What each state change needs the quiz to be in, what it leaves it in, and which time it records.
_CHANGES = {
    "open": (TrainerQuizState.DRAFT, TrainerQuizState.OPEN, "opened_at"),
    "close": (TrainerQuizState.OPEN, TrainerQuizState.CLOSED, "closed_at"),
    "reopen": (TrainerQuizState.CLOSED, TrainerQuizState.OPEN, "opened_at"),
}


def _ensure_running(cohort: Cohort) -> None:
    if cohort.status == CohortStatus.ARCHIVED:
        raise QuizRefused(_("The cohort is archived: its quizzes can no longer change."))


def create_draft(cohort: Cohort, author: User, options: QuizOptions, picks: Sequence[str], **composing) -> TrainerQuiz:
    """A new draft for ``cohort``; ``composing`` is what ``compose`` needs besides (offered, languages, bounds).

    :raises QuizRefused: the cohort is archived, or the options or questions do not fit the course's bounds."""
    _ensure_running(cohort)
    quiz_id = new_quiz_id()
    data, content_hash, sources = compose(quiz_id, options, picks, **composing)
    quiz = TrainerQuiz(cohort_id=cohort.id, author_id=author.id, quiz_id=quiz_id, title=options.title.strip(),
                       state=TrainerQuizState.DRAFT, data=data, content_hash=content_hash, sources=sources)
    db.session.add(quiz)
    db.session.flush()
    record_event("trainer_quiz.create", quiz.quiz_id, actor_id=author.id, cohort=cohort.id,
                 questions=len(data["questions"]))
    return quiz


def change_draft(quiz: TrainerQuiz, cohort: Cohort, author: User, options: QuizOptions, picks: Sequence[str],
                 **composing) -> None:
    """:raises QuizRefused: the quiz is no longer a draft (learners may be taking it), or does not fit."""
    _ensure_running(cohort)
    if quiz.state != TrainerQuizState.DRAFT:
        raise QuizRefused(_("This quiz is open to the cohort already: its questions and options no longer change."))
    data, content_hash, sources = compose(quiz.quiz_id, options, picks, **composing)
    quiz.title, quiz.data, quiz.content_hash, quiz.sources = options.title.strip(), data, content_hash, sources
    record_event("trainer_quiz.change", quiz.quiz_id, actor_id=author.id, questions=len(data["questions"]))


def change_state(quiz: TrainerQuiz, cohort: Cohort, author: User, change: str) -> str:
    """Open, close or reopen; returns what to tell the trainer.

    :raises QuizRefused: the quiz is not in the state the change needs (a second click: it changed already)."""
    _ensure_running(cohort)
    before, after, stamp = _CHANGES[change]
    changed = db.session.execute(
        update(TrainerQuiz).where(TrainerQuiz.id == quiz.id, TrainerQuiz.state == before)
        .values({"state": after, stamp: utcnow(), "clock": stamp_now(db.session())})
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise QuizRefused(_("This quiz was changed already: it is %(state)s.", state=str(STATE_LABELS[quiz.state])))
    db.session.refresh(quiz)
    record_event(f"trainer_quiz.{change}", quiz.quiz_id, actor_id=author.id, cohort=cohort.id)
    return {
        "open": _("The quiz is open: learners of the cohort find it on their home page."),
        "close": _("The quiz is closed: no new attempts. An attempt already started can still be submitted."),
        "reopen": _("The quiz is open again."),
    }[change]


def discard_draft(quiz: TrainerQuiz, author: User) -> None:
    """:raises QuizRefused: the quiz was opened (its attempts keep it)."""
    if quiz.state != TrainerQuizState.DRAFT:
        raise QuizRefused(_("Only a draft can be discarded; close an open quiz instead."))
    record_event("trainer_quiz.discard", quiz.quiz_id, actor_id=author.id, title=quiz.title)
    db.session.delete(quiz)
