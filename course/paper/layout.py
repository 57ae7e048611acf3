"""A sheet's questions as printed and as keyed in: the same views, with the same letters.

The printed sheet and the key-in page both read ``sheet_questions``, so the letter a learner crosses on paper
is, by construction, the letter the trainer taps: A is the first option in the sheet's recorded order, B the
second... Ordering questions keep their numbered places (the learner writes a number in each item's box).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from flask_babel import gettext as _

from course.content.localize import Text
from course.models.attempt import QuizAttempt
from course.models.paper_sheet import PaperSheet
from course.quiz.attempts import definition_of
from course.quiz.definition import QuizDefinition
from course.quiz.presenters import Field, Option, QuestionView, question_view

LETTERS = string.ascii_uppercase


def letter(index: int) -> str:
    """A, B, ... Z, then AA, AB...: no question of the course has more than 26 options, but nothing breaks if
    one does."""
    size = len(LETTERS)
    return LETTERS[index] if index < size else LETTERS[index // size - 1] + LETTERS[index % size]


def _lettered_field(field: Field, question_type: str) -> Field:
    if question_type == "ordering" or field.kind not in ("radio", "checkbox", "select"):
        return field
    return replace(field, options=tuple(
        replace(option, label=Text(f"{letter(n)}. {option.label}", getattr(option.label, "lang", "")))
        for n, option in enumerate(field.options)))


def lettered(view: QuestionView) -> QuestionView:
    """The question with its options lettered in the order shown."""
    return replace(view, fields=tuple(_lettered_field(field, view.type) for field in view.fields))


def with_no_mark(view: QuestionView) -> QuestionView:
    """For the key-in page: each group of one-answer boxes ends with "No mark", checked when nothing else is.
    A radio button cannot be cleared once tapped; a box tapped by mistake on a blank question could otherwise be
    put right only by reloading the page and keying the whole sheet again. The printed sheet has no such box."""
    return replace(view, fields=tuple(_with_no_mark(field) for field in view.fields))


def _with_no_mark(field: Field) -> Field:
    if field.kind != "radio":
        return field
    no_mark = Option("", Text(_("No mark"), ""), checked=not any(option.checked for option in field.options))
    return replace(field, options=(*field.options, no_mark))


def sheet_definition(sheet: PaperSheet) -> QuizDefinition:
    """The version printed on the sheet, under the rules of the test it stands for."""
    return definition_of(QuizAttempt(quiz_id=sheet.quiz_id, quiz_hash=sheet.quiz_hash, counts_as=sheet.counts_as))


def sheet_questions(sheet: PaperSheet, definition: QuizDefinition, locale: str, fallbacks: tuple[str, ...],
                    responses: Mapping[str, Any] | None = None) -> list[QuestionView]:
    """The sheet's questions in its order, each option with its printed letter; marked as in ``responses`` (a
    sheet keyed in already), else blank."""
    orders = sheet.layout.get("orders", {})
    responses = responses or {}
    views = []
    for number, qid in enumerate(sheet.layout["questions"], start=1):
        view = question_view(definition.questions[qid], number, responses.get(qid), orders.get(qid),
                             definition.question_type(qid).template, locale, fallbacks)
        views.append(lettered(view))
    return views
