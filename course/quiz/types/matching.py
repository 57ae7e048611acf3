"""Matching: pair each item with one option (options may include distractors)."""

from __future__ import annotations

from typing import Any, Literal

from flask_babel import lazy_gettext as _l
from pydantic import Field, model_validator
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
    as_mapping,
    field_name,
)


class MatchItem(ContentModel):
    id: Slug
    text: LocalizedText
    #: The id of the option that belongs to this item.
    match: Slug


class MatchOption(ContentModel):
    id: Slug
    text: LocalizedText


class MatchingSpec(QuestionSpec):
    type: Literal["matching"]
    items: list[MatchItem] = Field(min_length=2, max_length=12)
    options: list[MatchOption] = Field(min_length=2, max_length=16)
    #: per_item: each right pair earns its share; all_or_nothing: only a fully right set earns.
    partial_credit: Literal["per_item", "all_or_nothing"] = "per_item"

    @model_validator(mode="after")
    def _consistent(self) -> MatchingSpec:
        option_ids = [option.id for option in self.options]
        item_ids = [item.id for item in self.items]
        for ids, what in ((option_ids, "option"), (item_ids, "item")):
            if len(set(ids)) != len(ids):
                raise PydanticCustomError("duplicate", "an {what} id is used twice", {"what": what})
        for item in self.items:
            if item.match not in option_ids:
                raise PydanticCustomError(
                    "unknown_option", "item '{item}' matches '{option}', which is not an option",
                    {"item": item.id, "option": item.match},
                )
        return self


@question_types.register
class Matching(QuestionType):
    type_name = "matching"
    spec_model = MatchingSpec
    template = "matching.html"

    @classmethod
    def clean(cls, spec: MatchingSpec, raw: Any) -> dict[str, str] | None:
        if raw in (None, "", {}):
            return None
        mapping = as_mapping(raw, "a matching answer")
        items = {item.id for item in spec.items}
        options = {option.id for option in spec.options}
        cleaned = {}
        for item_id, option_id in mapping.items():
            if item_id not in items:
                raise InvalidResponse(_l("This answer could not be read. Answer the question again."))
            if option_id in (None, ""):
                continue
            if option_id not in options:
                raise InvalidResponse(_l("Choose from the options given."))
            cleaned[item_id] = option_id
        return cleaned or None

    @classmethod
    def from_form(cls, spec: MatchingSpec, form: MultiDict) -> Any:
        return {item.id: form.get(field_name(spec, item.id), "") for item in spec.items}

    @classmethod
    def grade(cls, spec: MatchingSpec, response: dict[str, str] | None) -> Grade:
        response = response or {}
        right = sum(1 for item in spec.items if response.get(item.id) == item.match)
        if spec.partial_credit == "all_or_nothing":
            return Grade.single(spec, 1.0 if right == len(spec.items) else 0.0)
        return Grade.single(spec, right / len(spec.items))

    @classmethod
    def key_view(cls, spec: MatchingSpec) -> dict[str, str]:
        return {item.id: item.match for item in spec.items}

    @classmethod
    def wrong_options(cls, spec: MatchingSpec, response: dict[str, str] | None) -> list[str]:
        return sorted(f"{item.id}:{response[item.id]}" for item in spec.items
                      if response and item.id in response and response[item.id] != item.match)
