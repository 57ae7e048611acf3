"""Choice questions: single choice, multiple choice, true/false."""

from __future__ import annotations

from typing import Any, Literal

from flask_babel import lazy_gettext as _l
from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError
from werkzeug.datastructures import MultiDict

from course.quiz.registry import question_types
from course.quiz.types.base import (
    ContentModel,
    Grade,
    InvalidResponse,
    LocalizedText,
    QuestionSpec,
    QuestionType,
    Slug,
    as_id_list,
    field_name,
    selection_fraction,
)


class Choice(ContentModel):
    id: Slug
    text: LocalizedText
    correct: bool = False
    #: Shown after submission to a learner who chose this option.
    feedback: LocalizedText | None = None


class ChoiceSpec(QuestionSpec):
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

    @property
    def choice_ids(self) -> set[str]:
        return {choice.id for choice in self.choices}

    @property
    def correct_ids(self) -> set[str]:
        return {choice.id for choice in self.choices if choice.correct}


class SingleChoiceSpec(ChoiceSpec):
    type: Literal["single_choice"]

    @model_validator(mode="after")
    def _one_correct(self) -> SingleChoiceSpec:
        correct = len(self.correct_ids)
        if correct != 1:
            raise PydanticCustomError(
                "correct_count", "a single-choice question needs exactly one correct choice, not {n}", {"n": correct}
            )
        return self


class MultipleChoiceSpec(ChoiceSpec):
    type: Literal["multiple_choice"]
    #: all_or_nothing: full marks only for exactly the right set.
    #: right_minus_wrong: each right choice earns, each wrong one costs, floored at 0.
    partial_credit: Literal["all_or_nothing", "right_minus_wrong"]

    @model_validator(mode="after")
    def _some_correct(self) -> MultipleChoiceSpec:
        if not self.correct_ids:
            raise PydanticCustomError("correct_count", "a multiple-choice question needs at least one correct choice")
        return self


class TrueFalseSpec(QuestionSpec):
    type: Literal["true_false"]
    answer: bool


def _chosen_feedback(spec: ChoiceSpec, chosen: set[str]) -> dict[str, str] | None:
    """The feedback of the chosen options, joined per language."""
    joined: dict[str, list[str]] = {}
    for choice in spec.choices:
        if choice.id in chosen and choice.feedback:
            for lang, text in choice.feedback.items():
                joined.setdefault(lang, []).append(text)
    return {lang: " ".join(texts) for lang, texts in joined.items()} or None


@question_types.register
class SingleChoice(QuestionType):
    type_name = "single_choice"
    spec_model = SingleChoiceSpec
    template = "single_choice.html"

    @classmethod
    def clean(cls, spec: SingleChoiceSpec, raw: Any) -> str | None:
        if raw is None or raw == "":
            return None
        if not isinstance(raw, str) or raw not in spec.choice_ids:
            raise InvalidResponse(_l("Choose one of the options."))
        return raw

    @classmethod
    def from_form(cls, spec: SingleChoiceSpec, form: MultiDict) -> Any:
        return form.get(field_name(spec))

    @classmethod
    def grade(cls, spec: SingleChoiceSpec, response: str | None) -> Grade:
        chosen = {response} if response else set()
        return Grade.single(spec, 1.0 if chosen == spec.correct_ids else 0.0, _chosen_feedback(spec, chosen))

    @classmethod
    def key_view(cls, spec: SingleChoiceSpec) -> str:
        return next(iter(spec.correct_ids))

    @classmethod
    def wrong_options(cls, spec: SingleChoiceSpec, response: str | None) -> list[str]:
        return [response] if response and response not in spec.correct_ids else []


@question_types.register
class MultipleChoice(QuestionType):
    type_name = "multiple_choice"
    spec_model = MultipleChoiceSpec
    template = "multiple_choice.html"

    @classmethod
    def clean(cls, spec: MultipleChoiceSpec, raw: Any) -> list[str] | None:
        chosen = as_id_list(raw, spec.choice_ids, "choice")
        return chosen or None

    @classmethod
    def from_form(cls, spec: MultipleChoiceSpec, form: MultiDict) -> Any:
        return form.getlist(field_name(spec))

    @classmethod
    def grade(cls, spec: MultipleChoiceSpec, response: list[str] | None) -> Grade:
        chosen = set(response or [])
        if spec.partial_credit == "all_or_nothing":
            fraction = 1.0 if chosen == spec.correct_ids else 0.0
        else:
            fraction = selection_fraction(chosen, spec.correct_ids)
        return Grade.single(spec, fraction, _chosen_feedback(spec, chosen))

    @classmethod
    def key_view(cls, spec: MultipleChoiceSpec) -> list[str]:
        return sorted(spec.correct_ids)

    @classmethod
    def wrong_options(cls, spec: MultipleChoiceSpec, response: list[str] | None) -> list[str]:
        return sorted(set(response or []) - spec.correct_ids)


@question_types.register
class TrueFalse(QuestionType):
    type_name = "true_false"
    spec_model = TrueFalseSpec
    template = "true_false.html"

    @classmethod
    def clean(cls, spec: TrueFalseSpec, raw: Any) -> bool | None:
        if raw is None or raw == "":
            return None
        if isinstance(raw, bool):
            return raw
        if raw in ("true", "false"):
            return raw == "true"
        raise InvalidResponse(_l("Answer true or false."))

    @classmethod
    def from_form(cls, spec: TrueFalseSpec, form: MultiDict) -> Any:
        return form.get(field_name(spec))

    @classmethod
    def grade(cls, spec: TrueFalseSpec, response: bool | None) -> Grade:
        return Grade.single(spec, 1.0 if response is spec.answer else 0.0)

    @classmethod
    def key_view(cls, spec: TrueFalseSpec) -> bool:
        return spec.answer

    @classmethod
    def wrong_options(cls, spec: TrueFalseSpec, response: bool | None) -> list[str]:
        return [str(response).lower()] if response is not None and response is not spec.answer else []
