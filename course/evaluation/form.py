"""The evaluation form of ``modules/evaluation.yaml`` in the reader's language, and the check of an answer sheet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from course.content.localize import Text, draft_in, fallen_back_to, pick
from course.domain import DomainError
from course.learn.queries import Catalogue
from course.learn.status import LocalizedForm

#: The longest written answer kept.
MAX_TEXT = 2000

AREA_LABELS = {"relevance": _l("Relevance"), "trainer": _l("Trainer"), "materials": _l("Materials"),
               "organisation": _l("Organisation")}


@dataclass(frozen=True)
class Choice:
    value: int
    label: Text


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    area: str | None
    text: Text
    required: bool

    @property
    def is_rating(self) -> bool:
        return self.type == "rating"


@dataclass(frozen=True)
class EvaluationForm(LocalizedForm):
    likert: list[Choice]
    items: list[Item]

    @property
    def ratings(self) -> list[Item]:
        return [item for item in self.items if item.is_rating]

    @property
    def texts(self) -> list[Item]:
        return [item for item in self.items if not item.is_rating]

    def check(self, raw: Mapping[str, str]) -> dict[str, int | str]:
        """The answers to keep (blank optional items left out), or a DomainError naming the first mistake."""
        values = {choice.value for choice in self.likert}
        answers: dict[str, int | str] = {}
        for item in self.items:
            given = (raw.get(item.id) or "").strip()
            if not given:
                if item.required:
                    raise DomainError(_("Please answer “%(item)s”.", item=item.text.value), field=item.id)
                continue
            if item.is_rating:
                try:
                    value = int(given)
                except ValueError:
                    value = None
                if value not in values:
                    raise DomainError(_("%(value)s is not on the scale for “%(item)s” (%(first)d to %(last)d).",
                                        value=given[:10], item=item.text.value, first=min(values), last=max(values)),
                                      field=item.id)
                answers[item.id] = value
            else:
                answers[item.id] = free_text(given, item.text.value, item.id)
        return answers


def free_text(given: str, label: str, field: str) -> str:
    """A written answer of a questionnaire (this evaluation, the follow-up), refused when too long.

    :raises DomainError: longer than MAX_TEXT, naming the question ``label``.
    """
    if len(given) > MAX_TEXT:
        raise DomainError(_("The answer to “%(item)s” is too long (at most %(num)d characters).",
                            item=label, num=MAX_TEXT), field=field)
    return given


def evaluation_form(data: dict[str, Any], locale: str, fallbacks: Sequence[str]) -> EvaluationForm:
    """The form file's data (from the course snapshot) in the reader's language."""
    title, intro = pick(data["title"], locale, fallbacks), pick(data["intro"], locale, fallbacks)
    likert = [Choice(level["value"], pick(level["label"], locale, fallbacks)) for level in data["likert"]]
    items = [Item(item["id"], item["type"], item.get("area"), pick(item["text"], locale, fallbacks),
                  item.get("required", True)) for item in data["items"]]
    shown = [title, intro, *(choice.label for choice in likert), *(item.text for item in items)]
    return EvaluationForm(id=data["id"], title=title, intro=intro, likert=likert, items=items,
                          draft_translation_in=draft_in(locale, data.get("draft_languages", []), shown),
                          fallback_languages=fallen_back_to(shown))


def course_evaluation_form(catalogue: Catalogue, locale: str) -> EvaluationForm | None:
    """The live course's evaluation form in ``locale``; None when the course has none."""
    data = catalogue.course.get("evaluation")
    return evaluation_form(data, locale, catalogue.fallbacks(locale)) if data else None
