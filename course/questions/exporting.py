"""``course questions export``: the live course's quizzes (or some of them) in another system's format."""

from __future__ import annotations

from typing import Any

from course.questions.gift import write_gift
from course.questions.moodle_xml import write_moodle_xml
from course.quiz.definition import live_definition

WRITERS = {"gift": write_gift, "moodle-xml": write_moodle_xml}


class UnknownQuiz(LookupError):
    pass


def live_questions(quiz_ids: list[str]) -> list[dict[str, Any]]:
    """The questions of these live quizzes as their files write them, in order.

    :raises UnknownQuiz: a quiz id that is not live.
    """
    questions = []
    for quiz_id in quiz_ids:
        definition = live_definition(quiz_id)
        if definition is None:
            raise UnknownQuiz(quiz_id)
        questions += [spec.model_dump(mode="json", exclude_none=True) for spec in definition.questions.values()]
    return questions


def export_questions(quiz_ids: list[str], file_format: str) -> tuple[str, list[str]]:
    """The file's text, and what it could not carry (a question left out, a feature lost)."""
    return WRITERS[file_format](live_questions(quiz_ids))
