"""A quiz version as the attempt service uses it: settings plus validated question specs.

Definitions are built from stored snapshots, so an attempt graded today uses
exactly the version it was started on. A version never changes, so parsed
definitions are cached by content hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from course.content.repository import live_hash, snapshot_data
from course.content.schema import QuizSettings
from course.extensions import db
from course.models.content import ContentKind
from course.models.trainer_quiz import TrainerQuiz
from course.quiz.registry import load_question_types
from course.quiz.types.base import QuestionSpec, QuestionType


@dataclass(frozen=True)
class QuizDefinition:
    quiz_id: str
    content_hash: str
    settings: QuizSettings
    questions: dict[str, QuestionSpec]
    #: The test this version is taken as when it stands in for another (course.quiz.parallel); None otherwise.
    counts_as: str | None = None

    def question_type(self, question_id: str) -> type[QuestionType]:
        return load_question_types().get(self.questions[question_id].type)


#: The ids of the quizzes trainers build begin so; a course's quiz id cannot (course validate refuses it).
TRAINER_QUIZ_PREFIX = "tq-"

#: Parsed definitions by (quiz id, content hash). A version never changes, so entries never go stale.
_CACHE: dict[tuple[str, str], QuizDefinition] = {}
_CACHE_LIMIT = 256


def _build(quiz_id: str, content_hash: str, data: dict[str, Any]) -> QuizDefinition:
    registry = load_question_types()
    questions = {raw["id"]: registry.get(raw["type"]).spec_model.model_validate(raw) for raw in data["questions"]}
    return QuizDefinition(quiz_id, content_hash, QuizSettings.model_validate(data["meta"]), questions)


def definition_from_data(quiz_id: str, content_hash: str, data: dict[str, Any]) -> QuizDefinition:
    # Read once into a local: another thread may clear the cache between a test and a second read.
    if (found := _CACHE.get((quiz_id, content_hash))) is not None:
        return found
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    definition = _CACHE[(quiz_id, content_hash)] = _build(quiz_id, content_hash, data)
    return definition


def pinned_definition(quiz_id: str, content_hash: str) -> QuizDefinition | None:
    """The exact version an attempt names, live or not: a version of the course's content, or a quiz a trainer
    built for a cohort (kept in its own row, course.trainer_quizzes)."""
    if (found := _CACHE.get((quiz_id, content_hash))) is not None:
        return found
    data = snapshot_data(ContentKind.QUIZ, quiz_id, content_hash)
    if data is None and quiz_id.startswith(TRAINER_QUIZ_PREFIX):
        data = db.session.scalar(select(TrainerQuiz.data).where(
            TrainerQuiz.quiz_id == quiz_id, TrainerQuiz.content_hash == content_hash))
    return definition_from_data(quiz_id, content_hash, data) if data is not None else None


def live_definition(quiz_id: str) -> QuizDefinition | None:
    """The live version of the quiz: one query for which version is live, and the version's data (a few hundred
    KB of JSON in three languages) only when this process has not built that version yet."""
    content_hash = live_hash(ContentKind.QUIZ, quiz_id)
    if content_hash is None:
        return None
    return pinned_definition(quiz_id, content_hash)
