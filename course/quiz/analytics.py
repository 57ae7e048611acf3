"""Numbers for trainers and coordinators: knowledge gain and item statistics.

Gain compares each learner's counted score on the course's pre-test and its
parallel post-test. Item statistics say which questions were easy, which
told strong from weak learners apart, and which wrong options drew people.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select, tuple_

from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
from course.quiz.definition import pinned_definition
from course.sql import plain_rows

#: Share of learners in each of the upper and lower groups for discrimination (Kelley's 27%).
GROUP_SHARE = 0.27


def counted_scores(quiz_id: str, method: str, user_ids: Iterable[int] | Select | None = None) -> dict[int, float]:
    """Each learner's score on a quiz under its grading method, in one query; for a test, on the parallel form
    taken in its place where a learner took the forms the other way round.

    ``user_ids`` may be a SELECT of ids, so reports over thousands of learners send no long list of ids.
    """
    submitted = (QuizAttempt.counted_quiz_id == quiz_id, QuizAttempt.state == AttemptState.SUBMITTED)
    if user_ids is not None:
        submitted += (QuizAttempt.user_id.in_(user_ids if isinstance(user_ids, Select) else list(user_ids)),)
    if method in ("highest", "average"):
        aggregate = func.max(QuizAttempt.score) if method == "highest" else func.avg(QuizAttempt.score)
        query = select(QuizAttempt.user_id, aggregate).where(*submitted).group_by(QuizAttempt.user_id)
    else:
        order = QuizAttempt.number.asc() if method == "first" else QuizAttempt.number.desc()
        ranked = (
            select(QuizAttempt.user_id, QuizAttempt.score,
                   func.row_number().over(partition_by=QuizAttempt.user_id, order_by=order).label("rank"))
            .where(*submitted).subquery()
        )
        query = select(ranked.c.user_id, ranked.c.score).where(ranked.c.rank == 1)
    return {user_id: round(float(score), 1) for user_id, score in plain_rows(query)}


@dataclass(frozen=True)
class Gain:
    user_id: int
    pre: float | None
    post: float | None

    @property
    def gain(self) -> float | None:
        if self.pre is None or self.post is None:
            return None
        return round(self.post - self.pre, 1)

    @property
    def normalised(self) -> float | None:
        """Hake's normalised gain, (post - pre) / (100 - pre); undefined for a perfect pre-test."""
        if self.gain is None or self.pre >= 100:
            return None
        return round(self.gain / (100 - self.pre), 3)


@dataclass(frozen=True)
class GroupGain:
    learners: int
    mean_pre: float | None
    mean_post: float | None
    mean_gain: float | None
    mean_normalised: float | None


def knowledge_gains(pre: tuple[str, str], post: tuple[str, str], user_ids: Iterable[int] | Select | None = None
                    ) -> dict[int, Gain]:
    """Gain per learner; ``pre`` and ``post`` are (quiz id, grading method). Two queries.

    Given a list of ids, every one of them gets an entry; given a SELECT or nothing, those who took a test.
    """
    ids = list(user_ids) if user_ids is not None and not isinstance(user_ids, Select) else user_ids
    pre_scores = counted_scores(*pre, user_ids=ids)
    post_scores = counted_scores(*post, user_ids=ids)
    everyone = ids if isinstance(ids, list) else sorted(pre_scores.keys() | post_scores.keys())
    return {uid: Gain(uid, pre_scores.get(uid), post_scores.get(uid)) for uid in everyone}


def course_gains(course: dict[str, Any], quizzes: dict[str, dict[str, Any]],
                 user_ids: Iterable[int] | Select) -> dict[int, Gain]:
    """Gain on the course's own pre-test and post-test, each counted by its grading method; empty without both."""
    pre, post = course.get("pre_test"), course.get("post_test")
    if not (pre and post):
        return {}

    def method(quiz_id: str, default: str) -> str:
        return quizzes.get(quiz_id, {}).get("grading_method", default)

    return knowledge_gains((pre, method(pre, "first")), (post, method(post, "highest")), user_ids)


def group_gain(gains: Iterable[Gain]) -> GroupGain:
    """Averages over the learners who took both tests."""
    both = [g for g in gains if g.gain is not None]
    normalised = [g.normalised for g in both if g.normalised is not None]

    def mean(values: list[float]) -> float | None:
        return round(statistics.fmean(values), 3) if values else None

    return GroupGain(
        learners=len(both),
        mean_pre=mean([g.pre for g in both]),
        mean_post=mean([g.post for g in both]),
        mean_gain=mean([g.gain for g in both]),
        mean_normalised=mean(normalised),
    )


@dataclass(frozen=True)
class ItemStatistics:
    question_id: str
    responses: int
    #: Mean share of the points earned, 0..1 (high: easy).
    facility: float
    #: Facility in the upper 27% of learners minus the lower 27% (-1..1; under 0.2 is weak).
    discrimination: float | None
    #: Correlation of the item score with the total score.
    point_biserial: float | None
    #: Wrong options chosen most often, with counts.
    common_wrong: tuple[tuple[str, int], ...]

    @property
    def facility_percent(self) -> int:
        return round(self.facility * 100)


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 3 or statistics.pstdev(xs) == 0 or statistics.pstdev(ys) == 0:
        return None
    return round(statistics.correlation(xs, ys), 3)


@dataclass(frozen=True)
class AnswerRow:
    """One graded answer, as item statistics need it (a row, not an ORM object: a cohort has thousands)."""

    attempt_id: int
    quiz_id: str
    quiz_hash: str
    question_id: str
    response: Any
    earned: float
    possible: float


def item_statistics(attempts: list[QuizAttempt], top_wrong: int = 3) -> list[ItemStatistics]:
    """Statistics per question over submitted attempts (answers loaded with them); pure computation."""
    submitted = [a for a in attempts if a.state == AttemptState.SUBMITTED and a.possible]
    rows = [AnswerRow(a.id, a.quiz_id, a.quiz_hash, answer.question_id, answer.response, answer.earned or 0.0,
                      answer.possible or 0.0) for a in submitted for answer in a.answers]
    return statistics_of(rows, {a.id: a.score or 0.0 for a in submitted}, top_wrong)


def grouped_statistics(where: tuple, group: tuple, questions: list[tuple]) -> dict[tuple, tuple[list[ItemStatistics],
                                                                                               str]]:
    """Item statistics of some questions, by group of attempts, in two queries whatever the number of answers.

    ``where`` selects the submitted attempts; ``group`` is a tuple of attempt columns, the quiz id first (a quiz, or
    a quiz and the test it was taken as); ``questions`` are tuples of group values and a question id. Returns, per
    group, its questions' statistics and the latest version (content hash) its attempts answered.
    """
    scores: dict[tuple, dict[int, float]] = defaultdict(dict)
    for attempt_id, *key, score in plain_rows(select(QuizAttempt.id, *group, QuizAttempt.score).where(*where)):
        scores[tuple(key)][attempt_id] = score or 0.0
    rows: dict[tuple, list[AnswerRow]] = defaultdict(list)
    for attempt_id, *values in plain_rows(
            select(AttemptAnswer.attempt_id, *group, QuizAttempt.quiz_hash, AttemptAnswer.question_id,
                   AttemptAnswer.response, AttemptAnswer.earned, AttemptAnswer.possible).join(QuizAttempt)
            .where(*where, tuple_(*group, AttemptAnswer.question_id).in_([tuple(q) for q in questions]))):
        key, answer = tuple(values[:len(group)]), values[len(group):]
        rows[key].append(AnswerRow(attempt_id, key[0], *answer))
    return {key: (statistics_of(answers, scores[key]), max(answers, key=lambda a: a.attempt_id).quiz_hash)
            for key, answers in rows.items()}


def statistics_of(rows: Iterable[AnswerRow], scores: dict[int, float], top_wrong: int = 3) -> list[ItemStatistics]:
    """Statistics per question of ``rows``; ``scores``: every submitted attempt's score (of one quiz), which
    ranks the attempts into the upper and lower groups of the discrimination index."""
    ranked = sorted(scores, key=lambda attempt_id: scores[attempt_id])
    group = max(1, round(len(ranked) * GROUP_SHARE)) if ranked else 0
    lower = set(ranked[:group])
    upper = set(ranked[-group:]) if group else set()
    per_question: dict[str, list[tuple[int, float, float]]] = {}
    wrong: dict[str, Counter] = {}
    for row in rows:
        if not row.possible:
            continue
        fraction = row.earned / row.possible
        per_question.setdefault(row.question_id, []).append((row.attempt_id, fraction, scores[row.attempt_id]))
        definition = pinned_definition(row.quiz_id, row.quiz_hash)
        if definition and row.question_id in definition.questions:
            spec = definition.questions[row.question_id]
            chosen = definition.question_type(row.question_id).wrong_options(spec, row.response)
            wrong.setdefault(row.question_id, Counter()).update(chosen)
    results = []
    for question_id, answered in per_question.items():
        fractions = [fraction for _, fraction, _ in answered]
        up = [f for attempt_id, f, _ in answered if attempt_id in upper]
        low = [f for attempt_id, f, _ in answered if attempt_id in lower]
        discrimination = round(statistics.fmean(up) - statistics.fmean(low), 3) if up and low else None
        results.append(ItemStatistics(
            question_id=question_id,
            responses=len(answered),
            facility=round(statistics.fmean(fractions), 3),
            discrimination=discrimination if len(ranked) >= 2 else None,
            point_biserial=_pearson(fractions, [total for _, _, total in answered]),
            common_wrong=tuple(wrong.get(question_id, Counter()).most_common(top_wrong)),
        ))
    return sorted(results, key=lambda item: item.facility)
