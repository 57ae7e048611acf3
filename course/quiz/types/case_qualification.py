"""Case qualification: a case analysed in weighted parts, the central exercise of the course.

The learner reads a scenario and identifies the acts, the means, the purpose,
whether the victim is a child, the aggravating circumstances, and the legal
qualification. Options come from the shared vocabulary (modules/vocabulary.yaml)
so they read the same in every question and are translated once. The loader
copies the options each part uses into the question, so a quiz version keeps
grading the same even after the vocabulary changes.
"""

from __future__ import annotations

from typing import Any, Literal

from flask_babel import lazy_gettext as _l
from pydantic import Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError
from werkzeug.datastructures import MultiDict

from course.quiz.registry import question_types
from course.quiz.types.base import (
    ContentModel,
    Grade,
    InvalidResponse,
    LocalizedText,
    PartResult,
    ProvisionCitation,
    QuestionSpec,
    QuestionType,
    Slug,
    as_id_list,
    as_mapping,
    field_name,
    selection_fraction,
)

#: Parts answered by choosing several options from a vocabulary list.
MULTI_SELECT_PARTS = ("acts", "means", "purposes", "aggravating")
PART_ORDER = ("acts", "means", "purposes", "child_victim", "aggravating", "qualification")
PartName = Literal["acts", "means", "purposes", "child_victim", "aggravating", "qualification"]


class VocabularyOption(ContentModel):
    """One entry of the shared vocabulary, as copied into a question."""

    id: Slug
    text: LocalizedText
    #: For qualifications: the article, so a right article with a wrong part earns partial credit.
    article: str | None = None


class CasePart(ContentModel):
    part: PartName
    weight: float = Field(default=1, gt=0, le=100)
    #: Option ids for multi-select parts, true/false for child_victim, one id for qualification.
    answer: list[Slug] | bool | Slug
    feedback: LocalizedText
    citations: list[Slug] = Field(default_factory=list)
    #: The provision editions this part applies (``tm-cc-129-1@2010``).
    cites: list[ProvisionCitation] = Field(default_factory=list)
    #: Share of the part earned by the right article with a wrong part (qualification only).
    article_credit: float = Field(default=0.5, ge=0, le=1)
    #: Filled in by the loader from the vocabulary; authors leave it out.
    options: list[VocabularyOption] = Field(default_factory=list)

    @property
    def option_ids(self) -> set[str]:
        return {option.id for option in self.options}


class CaseQualificationSpec(QuestionSpec):
    type: Literal["case_qualification"]
    #: The facts of the case, in Markdown.
    scenario: LocalizedText
    parts: list[CasePart] = Field(min_length=1, max_length=6)

    @model_validator(mode="after")
    def _parts_consistent(self, info: ValidationInfo) -> CaseQualificationSpec:
        names = [part.part for part in self.parts]
        if len(set(names)) != len(names):
            raise PydanticCustomError("duplicate_part", "each part (acts, means, ...) may appear only once")
        vocabulary = (info.context or {}).get("vocabulary")
        for part in self.parts:
            _check_answer_shape(part)
            if vocabulary is not None and part.part != "child_victim":
                known = {entry["id"] for entry in vocabulary.get(part.part, [])}
                answers = part.answer if isinstance(part.answer, list) else [part.answer]
                unknown = [answer for answer in answers if answer not in known]
                if unknown:
                    raise PydanticCustomError(
                        "unknown_vocabulary", "'{answer}' is not in the {part} list of modules/vocabulary.yaml",
                        {"answer": unknown[0], "part": part.part},
                    )
        return self

    def with_options(self, vocabulary: dict[str, list[dict[str, Any]]]) -> CaseQualificationSpec:
        """A copy whose parts carry the vocabulary entries they offer as options."""
        parts = [
            part.model_copy(update={"options": [VocabularyOption(**entry) for entry in vocabulary.get(part.part, [])]})
            for part in self.parts
        ]
        return self.model_copy(update={"parts": parts})

    @property
    def total_weight(self) -> float:
        return sum(part.weight for part in self.parts)

    def part_points(self, part: CasePart) -> float:
        return round(self.points * part.weight / self.total_weight, 6)


def _check_answer_shape(part: CasePart) -> None:
    expected = {"child_victim": bool, "qualification": str}.get(part.part, list)
    if not isinstance(part.answer, expected):
        shape = {bool: "true or false", str: "one option id", list: "a list of option ids"}[expected]
        raise PydanticCustomError("answer_shape", "the {part} answer must be {shape}",
                                  {"part": part.part, "shape": shape})


def _part_fraction(part: CasePart, chosen: Any) -> float:
    if part.part in MULTI_SELECT_PARTS:
        return selection_fraction(set(chosen or []), set(part.answer))
    if part.part == "child_victim":
        return 1.0 if chosen is part.answer else 0.0
    if chosen == part.answer:
        return 1.0
    articles = {option.id: option.article for option in part.options}
    right_article = articles.get(part.answer)
    if chosen and right_article and articles.get(chosen) == right_article:
        return part.article_credit
    return 0.0


@question_types.register
class CaseQualification(QuestionType):
    type_name = "case_qualification"
    spec_model = CaseQualificationSpec
    template = "case_qualification.html"

    @classmethod
    def clean(cls, spec: CaseQualificationSpec, raw: Any) -> dict[str, Any] | None:
        if raw in (None, "", {}):
            return None
        mapping = as_mapping(raw, "a case analysis")
        parts = {part.part: part for part in spec.parts}
        unknown = sorted(set(mapping) - set(parts))
        if unknown:
            raise InvalidResponse(_l("This answer could not be read. Answer the question again."))
        cleaned: dict[str, Any] = {}
        for name, value in mapping.items():
            part = parts[name]
            if part.part in MULTI_SELECT_PARTS:
                chosen = as_id_list(value, part.option_ids, name)
                if chosen:
                    cleaned[name] = chosen
            elif part.part == "child_victim":
                if value in (True, "true"):
                    cleaned[name] = True
                elif value in (False, "false"):
                    cleaned[name] = False
                elif value not in (None, ""):
                    raise InvalidResponse(_l("Answer whether the victim is a child with yes or no."))
            elif value not in (None, ""):
                if not isinstance(value, str) or value not in part.option_ids:
                    raise InvalidResponse(_l("Choose one of the qualifications."))
                cleaned[name] = value
        return cleaned or None

    @classmethod
    def from_form(cls, spec: CaseQualificationSpec, form: MultiDict) -> Any:
        raw: dict[str, Any] = {}
        for part in spec.parts:
            name = field_name(spec, part.part)
            raw[part.part] = form.getlist(name) if part.part in MULTI_SELECT_PARTS else form.get(name, "")
        return raw

    @classmethod
    def grade(cls, spec: CaseQualificationSpec, response: dict[str, Any] | None) -> Grade:
        response = response or {}
        results = []
        for part in sorted(spec.parts, key=lambda p: PART_ORDER.index(p.part)):
            possible = spec.part_points(part)
            fraction = _part_fraction(part, response.get(part.part))
            results.append(PartResult(part.part, round(possible * fraction, 6), possible, dict(part.feedback),
                                      tuple(part.citations or spec.citations)))
        return Grade.of_parts(results)

    @classmethod
    def key_view(cls, spec: CaseQualificationSpec) -> dict[str, Any]:
        return {part.part: part.answer for part in spec.parts}

    @classmethod
    def wrong_options(cls, spec: CaseQualificationSpec, response: dict[str, Any] | None) -> list[str]:
        wrong = []
        for part in spec.parts:
            chosen = (response or {}).get(part.part)
            if part.part in MULTI_SELECT_PARTS:
                wrong += [f"{part.part}:{option}" for option in sorted(set(chosen or []) - set(part.answer))]
            elif chosen is not None and chosen != part.answer:
                wrong.append(f"{part.part}:{str(chosen).lower() if isinstance(chosen, bool) else chosen}")
        return wrong
