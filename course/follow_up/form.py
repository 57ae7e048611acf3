"""The follow-up questionnaire in the reader's language, and the check of an answer sheet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from course.content.localize import Text, draft_in, fallen_back_to, pick
from course.domain import DomainError
from course.evaluation.form import free_text
from course.learn.queries import Catalogue
from course.learn.status import LocalizedForm

#: The largest count believed: more cases or sessions than this in six months is a typing mistake.
MAX_COUNT = 9999


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    text: Text
    trainers_only: bool

    @property
    def is_count(self) -> bool:
        return self.kind == "count"


@dataclass(frozen=True)
class FollowUpForm(LocalizedForm):
    waves: tuple[int, ...]
    questions: list[Question]

    @property
    def counts(self) -> list[Question]:
        return [question for question in self.questions if question.is_count]

    def asked_of(self, trainer: bool) -> list[Question]:
        """The questions for this person: the trainers' ones only for a trainer."""
        return [question for question in self.questions if trainer or not question.trainers_only]

    def check(self, raw: Mapping[str, str], trainer: bool) -> dict[str, int | str]:
        """The answers to keep (blank questions left out: every question is voluntary), or a DomainError naming
        the first mistake. An answer to a question not asked of this person is refused, not dropped."""
        asked = {question.id for question in self.asked_of(trainer)}
        for question in self.questions:
            if question.id not in asked and (raw.get(question.id) or "").strip():
                raise DomainError(_("“%(question)s” is asked of trainers only.", question=question.text.value),
                                  field=question.id)
        answers: dict[str, int | str] = {}
        for question in self.asked_of(trainer):
            given = (raw.get(question.id) or "").strip()
            if not given:
                continue
            if question.is_count:
                if not given.isdigit() or int(given) > MAX_COUNT:
                    raise DomainError(_("For “%(question)s”, write a whole number from 0 to %(max)d.",
                                        question=question.text.value, max=MAX_COUNT), field=question.id)
                answers[question.id] = int(given)
            else:
                answers[question.id] = free_text(given, question.text.value, question.id)
        return answers


def follow_up_form(data: dict[str, Any], locale: str, fallbacks: Sequence[str]) -> FollowUpForm:
    """The questionnaire's data (from the course snapshot) in the reader's language."""
    title, intro = pick(data["title"], locale, fallbacks), pick(data["intro"], locale, fallbacks)
    questions = [Question(question["id"], question["kind"], pick(question["text"], locale, fallbacks),
                          question.get("trainers_only", False)) for question in data["questions"]]
    shown = [title, intro, *(question.text for question in questions)]
    return FollowUpForm(id=data["id"], title=title, intro=intro, waves=tuple(data["waves"]), questions=questions,
                        draft_translation_in=draft_in(locale, data.get("draft_languages", []), shown),
                        fallback_languages=fallen_back_to(shown))


def course_follow_up_form(catalogue: Catalogue, locale: str) -> FollowUpForm | None:
    """The live course's follow-up questionnaire in ``locale``; None when the course has none."""
    data = catalogue.course.get("follow_up")
    return follow_up_form(data, locale, catalogue.fallbacks(locale)) if data else None
