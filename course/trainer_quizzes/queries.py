"""Reading trainers' quizzes: a cohort's list, the quiz a learner may take, and a quiz's results.

Every read is a fixed number of queries, whatever the size of the cohort or of the quiz.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select

from course.cohorts.queries import RosterRow
from course.content.localize import Text, pick
from course.extensions import db
from course.models.attempt import AttemptState, QuizAttempt
from course.models.cohort import Cohort
from course.models.enrolment import Enrolment
from course.models.trainer_quiz import TrainerQuiz, TrainerQuizState
from course.quiz.analytics import grouped_statistics
from course.quiz.definition import pinned_definition
from course.quiz.presenters import describe_wrong_option
from course.sql import plain_rows
from course.trainer_quizzes.labels import STATE_LABELS


@dataclass(frozen=True)
class QuizRow:
    id: int
    quiz_id: str
    title: str
    state: TrainerQuizState
    questions: int
    #: Learners of the cohort with a submitted attempt, and their mean best score.
    learners_submitted: int
    mean_score: float | None

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def cohort_quizzes(cohort_id: int) -> list[QuizRow]:
    """The cohort's quizzes, newest first, with how far learners are: two queries."""
    quizzes = list(db.session.scalars(select(TrainerQuiz).where(TrainerQuiz.cohort_id == cohort_id)
                                      .order_by(TrainerQuiz.created_at.desc(), TrainerQuiz.id.desc())))
    best = (select(QuizAttempt.quiz_id, QuizAttempt.user_id, func.max(QuizAttempt.score).label("score"))
            .join(Enrolment, and_(Enrolment.user_id == QuizAttempt.user_id, Enrolment.cohort_id == cohort_id))
            .where(QuizAttempt.quiz_id.in_([q.quiz_id for q in quizzes]), QuizAttempt.state == AttemptState.SUBMITTED)
            .group_by(QuizAttempt.quiz_id, QuizAttempt.user_id).subquery())
    figures = {quiz_id: (int(count), round(float(mean), 1) if mean is not None else None)
               for quiz_id, count, mean in plain_rows(
                   select(best.c.quiz_id, func.count(), func.avg(best.c.score)).group_by(best.c.quiz_id))} \
        if quizzes else {}
    return [QuizRow(q.id, q.quiz_id, q.title, q.state, len(q.data["questions"]), *figures.get(q.quiz_id, (0, None)))
            for q in quizzes]


def quiz_of_cohort(cohort_id: int, quiz_row_id: int) -> TrainerQuiz | None:
    return db.session.scalar(select(TrainerQuiz).where(TrainerQuiz.id == quiz_row_id,
                                                       TrainerQuiz.cohort_id == cohort_id))


def learners_quiz(user_id: int, quiz_id: str) -> TrainerQuiz | None:
    """The quiz if it was opened (open or closed since) to a cohort the user learns in; a draft is nobody's."""
    return db.session.scalar(select(TrainerQuiz).where(
        TrainerQuiz.quiz_id == quiz_id, TrainerQuiz.state != TrainerQuizState.DRAFT,
        exists().where(Enrolment.cohort_id == TrainerQuiz.cohort_id, Enrolment.user_id == user_id)))


def waiting_for(user_id: int) -> list[tuple[str, str, str]]:
    """(quiz id, title, cohort name) of the open quizzes of the user's cohorts they have not submitted yet."""
    submitted = exists().where(QuizAttempt.quiz_id == TrainerQuiz.quiz_id, QuizAttempt.user_id == user_id,
                               QuizAttempt.state == AttemptState.SUBMITTED)
    return [tuple(row) for row in plain_rows(
        select(TrainerQuiz.quiz_id, TrainerQuiz.title, Cohort.name).join(Cohort)
        .join(Enrolment, and_(Enrolment.cohort_id == Cohort.id, Enrolment.user_id == user_id))
        .where(TrainerQuiz.state == TrainerQuizState.OPEN, ~submitted).order_by(TrainerQuiz.opened_at))]


@dataclass(frozen=True)
class LearnerResult:
    name: str
    attempts: int
    best: float | None
    passed: bool


@dataclass(frozen=True)
class QuestionResult:
    number: int
    prompt: Text
    responses: int
    facility_percent: int | None
    discrimination: float | None
    common_wrong: list[tuple[str, int]]


def learner_results(quiz: TrainerQuiz, people: Sequence[RosterRow]) -> list[LearnerResult]:
    """Each learner of the roster: submitted attempts and best score (one query)."""
    found = {user_id: (int(count), float(best)) for user_id, count, best in plain_rows(
        select(QuizAttempt.user_id, func.count(), func.max(QuizAttempt.score))
        .where(QuizAttempt.quiz_id == quiz.quiz_id, QuizAttempt.state == AttemptState.SUBMITTED,
               QuizAttempt.user_id.in_([p.user_id for p in people]))
        .group_by(QuizAttempt.user_id))} if people else {}
    pass_mark = quiz.data["meta"]["pass_mark"]
    return [LearnerResult(person.display_name, *found.get(person.user_id, (0, None)),
                          passed=person.user_id in found and found[person.user_id][1] >= pass_mark)
            for person in people]


def question_results(quiz: TrainerQuiz, people: Sequence[RosterRow], locale: str,
                     fallbacks: Sequence[str]) -> list[QuestionResult]:
    """Item statistics of every question over the cohort's submitted attempts (two queries), in the quiz's order."""
    definition = pinned_definition(quiz.quiz_id, quiz.content_hash)
    question_ids = list(definition.questions)
    where = (QuizAttempt.quiz_id == quiz.quiz_id, QuizAttempt.state == AttemptState.SUBMITTED,
             QuizAttempt.user_id.in_([p.user_id for p in people]))
    grouped = grouped_statistics(where, (QuizAttempt.quiz_id,), [(quiz.quiz_id, q) for q in question_ids]) \
        if people else {}
    stats = {s.question_id: s for s in next(iter(grouped.values()), ([], ""))[0]}
    results = []
    for number, question_id in enumerate(question_ids, start=1):
        spec, found = definition.questions[question_id], stats.get(question_id)
        results.append(QuestionResult(
            number, pick(spec.prompt, locale, fallbacks), found.responses if found else 0,
            round(found.facility * 100) if found else None, found.discrimination if found else None,
            [(describe_wrong_option(spec, token, locale, fallbacks), count) for token, count in found.common_wrong]
            if found else []))
    return results
