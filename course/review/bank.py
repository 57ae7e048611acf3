"""The question bank: every question of the live course, with what it tests and how it has been answered.

Each question is listed with its quiz, the module it belongs to, its learning objectives (its tags, named by
course.yaml's ``objectives``), the provisions of law it applies (``cites``), and, from every submitted attempt of
every cohort, how many answered it and the mean share of the points they earned, which gives its difficulty. The
legal reviewer sees every question; trainers and coordinators only those of signed-off quiz versions: a question
still in review is not offered to the people who teach from the bank. No answer key is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from course.caching import app_cache
from course.content.localize import Text, pick
from course.content.repository import live_versions
from course.learn.queries import Catalogue
from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
from course.models.content import ContentKind
from course.models.trainer_quiz import TrainerQuiz, TrainerQuizState
from course.quiz.analytics import ItemStatistics
from course.quiz.definition import definition_from_data, live_definition
from course.quiz.presenters import wrong_options_in_words
from course.reports.gains import objective_titles
from course.review.queries import review_rows
from course.review.question_reports import statistics_everywhere
from course.sql import plain_rows

#: Fewer answers than this say little about a question's difficulty: it is shown as "too few answers".
MIN_RESPONSES = 10
#: Mean share of the points at or above which a question is easy, and below which it is hard.
EASY, HARD = 0.8, 0.4
DIFFICULTY_LABELS = {"easy": _l("easy"), "medium": _l("medium"), "hard": _l("hard"), "unknown": _l("too few answers")}


def difficulty(responses: int, facility: float | None) -> str:
    if facility is None or responses < MIN_RESPONSES:
        return "unknown"
    return "easy" if facility >= EASY else "hard" if facility < HARD else "medium"


@dataclass(frozen=True)
class BankQuestion:
    quiz_id: str
    quiz_title: Text
    question_id: str
    type: str
    prompt: Text
    module: str | None
    objectives: list[str]
    provisions: list[str]
    responses: int
    facility: float | None
    reviewed: bool

    @property
    def key(self) -> str:
        """The question's name across the bank: question ids are unique within a quiz only."""
        return f"{self.quiz_id}:{self.question_id}"

    @property
    def difficulty(self) -> str:
        return difficulty(self.responses, self.facility)

    @property
    def difficulty_label(self) -> str:
        return str(DIFFICULTY_LABELS[self.difficulty])

    @property
    def facility_percent(self) -> int | None:
        return round(self.facility * 100) if self.facility is not None else None


def _answered() -> dict[tuple[str, str], tuple[int, float]]:
    """Responses and mean share of the points per (quiz, question) over every submitted attempt: one GROUP BY,
    kept until an attempt is submitted (its latest id and count say so). The answers to a question a trainer
    copied into a cohort's quiz count for the bank question it came from."""
    submitted = (QuizAttempt.state == AttemptState.SUBMITTED,)
    signature = tuple(plain_rows(select(func.count(), func.max(QuizAttempt.id)).where(*submitted))[0])

    def made() -> dict[tuple[str, str], tuple[int, float]]:
        copied = dict(plain_rows(
            select(TrainerQuiz.quiz_id, TrainerQuiz.sources).where(TrainerQuiz.state != TrainerQuizState.DRAFT)))
        totals: dict[tuple[str, str], tuple[int, float]] = {}
        for quiz_id, question_id, count, share in plain_rows(
                select(QuizAttempt.quiz_id, AttemptAnswer.question_id, func.count(),
                       func.avg(AttemptAnswer.earned / AttemptAnswer.possible)).join(QuizAttempt)
                .where(*submitted, AttemptAnswer.possible > 0)
                .group_by(QuizAttempt.quiz_id, AttemptAnswer.question_id)):
            key = tuple(copied[quiz_id].get(question_id, (quiz_id, question_id))) if quiz_id in copied \
                else (quiz_id, question_id)
            before, points = totals.get(key, (0, 0.0))
            totals[key] = (before + int(count), points + int(count) * float(share))
        return {key: (count, points / count) for key, (count, points) in totals.items()}

    return app_cache("course.bank_answered", 4).get_or_make(signature, made)


def bank_questions(catalogue: Catalogue, locale: str, *, reviewed_only: bool) -> list[BankQuestion]:
    """Every question of the live quizzes, in quiz order, with the quiz version's review state."""
    reviewed = {row.content_id: row.signed_off for row in review_rows(catalogue, locale)
                if row.kind == ContentKind.QUIZ}
    answered = _answered()
    fallbacks = catalogue.fallbacks(locale)
    versions = {version.content_id: version for version in live_versions(ContentKind.QUIZ)}  # one query, all quizzes
    found = []
    for quiz_id, meta in catalogue.quizzes.items():
        if (reviewed_only and not reviewed.get(quiz_id)) or quiz_id not in versions:
            continue
        version = versions[quiz_id]
        definition = definition_from_data(quiz_id, version.content_hash, version.data)
        title = pick(meta["title"], locale, fallbacks)
        for question_id, spec in definition.questions.items():
            responses, facility = answered.get((quiz_id, question_id), (0, None))
            found.append(BankQuestion(
                quiz_id, title, question_id, spec.type, pick(spec.prompt, locale, fallbacks),
                spec.module or meta.get("module"), list(spec.tags),
                sorted({citation.split("@")[0] for citation in _cited(spec)}),
                responses, facility, bool(reviewed.get(quiz_id))))
    return found


def _cited(spec) -> list[str]:
    """The provision editions a question applies, its parts' included (a case-qualification question's)."""
    return [*spec.cites, *(citation for part in getattr(spec, "parts", []) for citation in part.cites)]


@dataclass(frozen=True)
class BankFilter:
    module: str = ""
    objective: str = ""
    difficulty: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> BankFilter:
        return cls(args.get("module", "")[:100], args.get("objective", "")[:100], args.get("difficulty", "")[:20])

    def keeps(self, question: BankQuestion) -> bool:
        return ((not self.module or question.module == self.module)
                and (not self.objective or self.objective in question.objectives)
                and (not self.difficulty or question.difficulty == self.difficulty))


def objective_names(catalogue: Catalogue, locale: str, questions: list[BankQuestion]) -> dict[str, str]:
    """Every tag the listed questions carry, with its name where course.yaml gives one."""
    names = objective_titles(catalogue, locale)
    return {tag: names.get(tag, tag) for tag in sorted({tag for q in questions for tag in q.objectives},
                                                       key=lambda tag: names.get(tag, tag).casefold())}


@dataclass(frozen=True)
class BankQuestionDetail:
    """One question of the bank with its full item statistics over every cohort's attempts at its quiz."""

    question: BankQuestion
    statistics: ItemStatistics | None
    #: The wrong answers chosen most, in words, with how often.
    common_wrong: list[tuple[str, int]]

    @property
    def discrimination(self) -> float | None:
        return self.statistics.discrimination if self.statistics else None

    @property
    def facility_percent(self) -> int | None:
        return self.statistics.facility_percent if self.statistics else None


def bank_question(catalogue: Catalogue, locale: str, quiz_id: str, question_id: str, *,
                  reviewed_only: bool) -> BankQuestionDetail | None:
    """The question as the bank lists it, with its discrimination and the wrong answers chosen most (two queries
    over the answers to this one question); None when the bank does not offer it to the reader."""
    found = next((q for q in bank_questions(catalogue, locale, reviewed_only=reviewed_only)
                  if (q.quiz_id, q.question_id) == (quiz_id, question_id)), None)
    if found is None:
        return None
    statistics = statistics_everywhere([(quiz_id, question_id)]).get((quiz_id, question_id))
    definition = live_definition(quiz_id)
    spec = definition.questions.get(question_id) if definition else None
    fallbacks = catalogue.fallbacks(locale)
    return BankQuestionDetail(found, statistics, wrong_options_in_words(
        spec, statistics.common_wrong, locale, fallbacks) if statistics else [])
