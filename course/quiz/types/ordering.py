"""Ordering: put the items in the right order (authored in that order)."""

from __future__ import annotations

from typing import Any, Literal

from flask_babel import lazy_gettext as _l
from pydantic import Field, field_validator
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
    field_name,
)


class OrderItem(ContentModel):
    id: Slug
    text: LocalizedText


class OrderingSpec(QuestionSpec):
    type: Literal["ordering"]
    #: The items in their correct order; learners see them shuffled.
    items: list[OrderItem] = Field(min_length=2, max_length=12)
    #: per_position: each item in its right place earns its share; all_or_nothing: only the full order earns.
    partial_credit: Literal["per_position", "all_or_nothing"] = "all_or_nothing"

    @field_validator("items")
    @classmethod
    def _unique(cls, items: list[OrderItem]) -> list[OrderItem]:
        if len({item.id for item in items}) != len(items):
            raise PydanticCustomError("duplicate", "an item id is used twice")
        return items


@question_types.register
class Ordering(QuestionType):
    type_name = "ordering"
    spec_model = OrderingSpec
    template = "ordering.html"

    @classmethod
    def clean(cls, spec: OrderingSpec, raw: Any) -> list[str] | None:
        if raw in (None, "", []):
            return None
        ids = [item.id for item in spec.items]
        if not isinstance(raw, list) or sorted(str(x) for x in raw) != sorted(ids):
            raise InvalidResponse(_l("Give every item exactly one place."))
        return list(raw)

    @classmethod
    def from_form(cls, spec: OrderingSpec, form: MultiDict) -> Any:
        """Without JavaScript, learners give each item its position number."""
        positions = {item.id: form.get(field_name(spec, item.id), "") for item in spec.items}
        if not any(positions.values()):
            return None
        try:
            numbers = {item_id: int(value) for item_id, value in positions.items()}
        except ValueError:
            raise InvalidResponse(_l("Give every item a place number.")) from None
        if sorted(numbers.values()) != list(range(1, len(spec.items) + 1)):
            raise InvalidResponse(_l("Use each place from 1 to %(count)d once: two items cannot share a place.",
                                     count=len(spec.items)))
        return sorted(numbers, key=numbers.__getitem__)

    @classmethod
    def grade(cls, spec: OrderingSpec, response: list[str] | None) -> Grade:
        expected = [item.id for item in spec.items]
        if not response:
            return Grade.single(spec, 0.0)
        if spec.partial_credit == "all_or_nothing":
            return Grade.single(spec, 1.0 if response == expected else 0.0)
        in_place = sum(1 for mine, right in zip(response, expected, strict=False) if mine == right)
        return Grade.single(spec, in_place / len(expected))

    @classmethod
    def key_view(cls, spec: OrderingSpec) -> list[str]:
        return [item.id for item in spec.items]
