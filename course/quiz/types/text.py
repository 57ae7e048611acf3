"""Short text and numeric answers."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any, Literal

from flask_babel import lazy_gettext as _l
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError
from werkzeug.datastructures import MultiDict

from course.quiz.registry import question_types
from course.quiz.types.base import Grade, InvalidResponse, QuestionSpec, QuestionType, field_name

MAX_TEXT = 500
_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Compare answers the way a person would: Unicode form, case, spacing and quotes do not matter."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("’", "'").replace("‘", "'").replace("«", '"').replace("»", '"')
    return _SPACES.sub(" ", text).strip(" .;,")


class ShortTextSpec(QuestionSpec):
    type: Literal["short_text"]
    #: Every accepted answer, in any of the course's languages.
    accepted: list[str] = Field(min_length=1)


class NumericSpec(QuestionSpec):
    type: Literal["numeric"]
    answer: float | None = None
    #: Accept answer ± tolerance.
    tolerance: float = Field(default=0, ge=0)
    #: Or accept any value in [min, max].
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _exactly_one_rule(self) -> NumericSpec:
        has_range = self.min is not None or self.max is not None
        if (self.answer is None) == (not has_range):
            raise PydanticCustomError("numeric_rule", "give either answer (with an optional tolerance) or min and max")
        if has_range and (self.min is None or self.max is None or self.min > self.max):
            raise PydanticCustomError("numeric_range", "a range needs min and max, with min not above max")
        return self

    def accepts(self, value: float) -> bool:
        if self.answer is not None:
            return abs(value - self.answer) <= self.tolerance + 1e-9
        return self.min <= value <= self.max


@question_types.register
class ShortText(QuestionType):
    type_name = "short_text"
    spec_model = ShortTextSpec
    template = "short_text.html"

    @classmethod
    def clean(cls, spec: ShortTextSpec, raw: Any) -> str | None:
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise InvalidResponse(_l("Type the answer as text."))
        raw = raw.strip()
        if len(raw) > MAX_TEXT:
            raise InvalidResponse(_l("Keep the answer under %(count)d characters.", count=MAX_TEXT))
        return raw or None

    @classmethod
    def from_form(cls, spec: ShortTextSpec, form: MultiDict) -> Any:
        return form.get(field_name(spec))

    @classmethod
    def grade(cls, spec: ShortTextSpec, response: str | None) -> Grade:
        accepted = {normalise_text(answer) for answer in spec.accepted}
        return Grade.single(spec, 1.0 if response and normalise_text(response) in accepted else 0.0)

    @classmethod
    def key_view(cls, spec: ShortTextSpec) -> str:
        return spec.accepted[0]


@question_types.register
class Numeric(QuestionType):
    type_name = "numeric"
    spec_model = NumericSpec
    template = "numeric.html"

    @classmethod
    def clean(cls, spec: NumericSpec, raw: Any) -> float | None:
        if raw is None or raw == "":
            return None
        if isinstance(raw, bool):
            raise InvalidResponse(_l("Type the answer as a number, for example 12 or 1,5."))
        if isinstance(raw, str):
            # "1,5" and "1 000" are how many readers write numbers.
            raw = raw.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise InvalidResponse(_l("Type the answer as a number, for example 12 or 1,5.")) from None
        if not math.isfinite(value):
            raise InvalidResponse(_l("Type the answer as a number, for example 12 or 1,5."))
        return value

    @classmethod
    def from_form(cls, spec: NumericSpec, form: MultiDict) -> Any:
        return form.get(field_name(spec))

    @classmethod
    def grade(cls, spec: NumericSpec, response: float | None) -> Grade:
        return Grade.single(spec, 1.0 if response is not None and spec.accepts(response) else 0.0)

    @classmethod
    def key_view(cls, spec: NumericSpec) -> float | list[float]:
        return spec.answer if spec.answer is not None else [spec.min, spec.max]
