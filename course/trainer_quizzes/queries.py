"""Reading trainers' quizzes: a cohort's list, the quiz a learner may take, and a quiz's results.

Every read is a fixed number of queries, whatever the size of the cohort or of the quiz.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select

from course.cohorts.dashboard import NO_ATTEMPT, QuizCell, quiz_cells
from course.cohorts.queries import RosterRow
from course.content.localize import Text, pick
from course.extensions import db
from course.models.attempt import AttemptState, QuizAttempt
from course.models.cohort import Cohort
from course.models.enrolment import Enrolment
from course.models.trainer_quiz import TrainerQuiz, TrainerQuizState
from course.quiz.analytics import ItemStatistics, grouped_statistics
from course.quiz.definition import pinned_definition
from course.quiz.presenters import QuestionView, question_view, wrong_options_in_words
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
    #: Submitted attempts, best score and whether one passed: the dashboard's reading of a learner's record.
    record: QuizCell


@dataclass(frozen=True)
class QuestionResult:
    number: int
    prompt: Text
    statistics: ItemStatistics | None
    common_wrong: list[tuple[str, int]]

    @property
    def responses(self) -> int:
        return self.statistics.responses if self.statistics else 0

    @property
    def facility_percent(self) -> int | None:
        return self.statistics.facility_percent if self.statistics else None

    @property
    def discrimination(self) -> float | None:
        return self.statistics.discrimination if self.statistics else None


def learner_results(quiz: TrainerQuiz, people: Sequence[RosterRow]) -> list[LearnerResult]:
    """Each learner of the roster with their record on the quiz (one query)."""
    cells = quiz_cells([person.user_id for person in people], [quiz.quiz_id])
    return [LearnerResult(person.display_name, cells.get((person.user_id, quiz.quiz_id), NO_ATTEMPT))
            for person in people]


def question_results(quiz: TrainerQuiz, people: Sequence[RosterRow], locale: str,
                     fallbacks: Sequence[str]) -> list[QuestionResult]:
    """Item statistics of every question over the cohort's submitted attempts (two queries), in the quiz's order."""
    definition = pinned_definition(quiz.quiz_id, quiz.content_hash)
    where = (QuizAttempt.quiz_id == quiz.quiz_id, QuizAttempt.state == AttemptState.SUBMITTED,
             QuizAttempt.user_id.in_([p.user_id for p in people]))
    grouped = grouped_statistics(where, (QuizAttempt.quiz_id,), [(quiz.quiz_id, q) for q in definition.questions]) \
        if people else {}
    stats = {s.question_id: s for s in next(iter(grouped.values()), ([], ""))[0]}
    return [QuestionResult(number, pick(spec.prompt, locale, fallbacks), stats.get(question_id),
                           wrong_options_in_words(spec, stats[question_id].common_wrong, locale, fallbacks)
                           if question_id in stats else [])
            for number, (question_id, spec) in enumerate(definition.questions.items(), start=1)]


def preview(quiz: TrainerQuiz, locale: str, fallbacks: Sequence[str]) -> list[QuestionView]:
    """The questions as a learner is shown them, with no answer given and no key."""
    definition = pinned_definition(quiz.quiz_id, quiz.content_hash)
    return [question_view(spec, number, None, None, definition.question_type(qid).template, locale, fallbacks)
            for number, (qid, spec) in enumerate(definition.questions.items(), start=1)]
