"""``course questions export``: the live course's quizzes (or some of them) in another system's format."""

from __future__ import annotations

from typing import Any

from course.questions.gift import write_gift
from course.questions.moodle_xml import write_moodle_xml
from course.questions.spreadsheet import write_spreadsheet
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


def export_questions(quiz_ids: list[str], file_format: str, languages: list[str],
                     language: str | None = None) -> tuple[bytes, list[str]]:
    """The file, and what it could not carry (a question left out, a feature lost). ``language``: for a format
    of one language (QTI), which one; the course's first by default."""
    if file_format == "qti3":
        from course.questions.qti3 import write_qti3  # noqa: PLC0415

        quizzes = []
        for quiz_id in quiz_ids:
            questions = live_questions([quiz_id])
            quizzes.append((quiz_id, live_definition(quiz_id).settings.title, questions))
        return write_qti3(quizzes, language or languages[0], languages[0])
    questions = live_questions(quiz_ids)
    if file_format == "spreadsheet":
        return write_spreadsheet(questions, languages)
    text, notes = WRITERS[file_format](questions)
    return text.encode("utf-8"), notes


def template_questions(quiz_ids: list[str]) -> list[dict[str, Any]]:
    """One question of each type the spreadsheet carries, the first the live course has: the template's examples
    are real questions, so filling it in is copying a row."""
    from course.questions.spreadsheet import TYPES  # noqa: PLC0415

    examples: dict[str, dict[str, Any]] = {}
    for question in live_questions(quiz_ids):
        if question["type"] in TYPES:
            examples.setdefault(question["type"], question)
    return [examples[kind] for kind in TYPES if kind in examples]
