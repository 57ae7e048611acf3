"""Choice questions: single choice, multiple choice, true/false."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from course.content.schema import ContentModel, LocalizedText, Slug
from course.quiz.registry import question_types
from course.quiz.types.base import QuestionSpec, QuestionType


class Choice(ContentModel):
    id: Slug
    text: LocalizedText
    correct: bool = False
    #: Shown after submission to a learner who chose this option.
    feedback: LocalizedText | None = None


class _ChoiceSpec(QuestionSpec):
    choices: list[Choice] = Field(min_length=2, max_length=12)

    @field_validator("choices")
    @classmethod
    def _choice_ids_unique(cls, choices: list[Choice]) -> list[Choice]:
        ids = [choice.id for choice in choices]
        duplicates = sorted({choice_id for choice_id in ids if ids.count(choice_id) > 1})
        if duplicates:
            raise PydanticCustomError(
                "duplicate_choice", "choice id '{choice}' is used twice", {"choice": duplicates[0]}
            )
        return choices


class SingleChoiceSpec(_ChoiceSpec):
    type: Literal["single_choice"]

    @model_validator(mode="after")
    def _one_correct(self) -> SingleChoiceSpec:
        correct = sum(choice.correct for choice in self.choices)
        if correct != 1:
            raise PydanticCustomError(
                "correct_count", "a single-choice question needs exactly one correct choice, not {n}", {"n": correct}
            )
        return self


class MultipleChoiceSpec(_ChoiceSpec):
    type: Literal["multiple_choice"]
    #: all_or_nothing: full marks only for exactly the right set.
    #: right_minus_wrong: each right choice earns, each wrong one costs, floored at 0.
    partial_credit: Literal["all_or_nothing", "right_minus_wrong"]

    @model_validator(mode="after")
    def _some_correct(self) -> MultipleChoiceSpec:
        if not any(choice.correct for choice in self.choices):
            raise PydanticCustomError("correct_count", "a multiple-choice question needs at least one correct choice")
        return self


class TrueFalseSpec(QuestionSpec):
    type: Literal["true_false"]
    answer: bool


@question_types.register
class SingleChoice(QuestionType):
    type_name = "single_choice"
    spec_model = SingleChoiceSpec


@question_types.register
class MultipleChoice(QuestionType):
    type_name = "multiple_choice"
    spec_model = MultipleChoiceSpec


@question_types.register
class TrueFalse(QuestionType):
    type_name = "true_false"
    spec_model = TrueFalseSpec
