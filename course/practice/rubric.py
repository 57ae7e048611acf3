"""The rubric of ``modules/teaching-practice.yaml`` as the assessment pages use it.

The rubric comes from the course snapshot (or from the copy kept with an
assessment), as plain data; this module turns it into the levels and criteria a
page shows, checks a set of scores against it and decides pass or fail, so that
nothing about the scale or the pass rule is written in code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _

from course.content.localize import Text, draft_in, pick
from course.domain import DomainError
from course.learn.status import PageStatus, Subject, page_status
from course.models.practice import PracticeAssessment


@dataclass(frozen=True)
class Level:
    score: int
    label: Text
    descriptor: Text


@dataclass(frozen=True)
class Criterion:
    id: str
    title: Text
    levels: list[Level]


@dataclass(frozen=True)
class Rubric:
    """A rubric in one language, with its pass rule."""

    title: Text
    instructions: Text
    criteria: list[Criterion]
    scores: list[int]
    min_total: int
    min_each: int | None
    #: The rubric file's data, kept with each assessment.
    source: dict[str, Any]
    #: The reader's language when the rubric's text in it is a draft translation (its draft_languages).
    draft_translation_in: str | None = None

    @property
    def notice(self) -> PageStatus:
        return page_status(Subject.FORM, draft_translation_in=self.draft_translation_in)

    @property
    def best_total(self) -> int:
        return self.scores[-1] * len(self.criteria)

    @property
    def pass_rule(self) -> str:
        if self.min_each is None:
            return _("Pass: a total of at least %(total)d of %(best)d.", total=self.min_total, best=self.best_total)
        return _("Pass: a total of at least %(total)d of %(best)d, and no criterion below %(each)d.",
                 total=self.min_total, best=self.best_total, each=self.min_each)

    def passes(self, scores: Mapping[str, int]) -> bool:
        values = [scores[c.id] for c in self.criteria]
        return sum(values) >= self.min_total and (self.min_each is None or min(values) >= self.min_each)

    def check(self, raw: Mapping[str, str]) -> dict[str, int]:
        """A score for every criterion, each on the scale, or a DomainError naming the first that is not."""
        scores = {}
        for criterion in self.criteria:
            value = (raw.get(criterion.id) or "").strip()
            if not value:
                raise DomainError(_("Give a score for “%(criterion)s”.", criterion=criterion.title.value),
                                  field=criterion.id)
            try:
                score = int(value)
            except ValueError:
                score = None
            if score not in self.scores:
                raise DomainError(_("%(value)s is not on the scale for “%(criterion)s” (%(first)d to %(last)d).",
                                    value=value[:10], criterion=criterion.title.value, first=self.scores[0],
                                    last=self.scores[-1]), field=criterion.id)
            scores[criterion.id] = score
        return scores


def rubric_of(data: dict[str, Any], locale: str, fallbacks: Sequence[str]) -> Rubric:
    """The rubric file's data (from the snapshot or a stored copy) in the reader's language."""
    labels = {level["score"]: level["label"] for level in data["scale"]}
    scores = sorted(labels)
    criteria = [
        Criterion(
            id=criterion["id"], title=pick(criterion["title"], locale, fallbacks),
            levels=[Level(score, pick(labels[score], locale, fallbacks),
                          # The snapshot is JSON, which turns the descriptors' integer keys into strings.
                          pick(criterion["descriptors"][str(score)], locale, fallbacks))
                    for score in scores],
        )
        for criterion in data["criteria"]
    ]
    rule = data["pass"]
    title = pick(data["title"], locale, fallbacks)
    return Rubric(title=title, instructions=pick(data["instructions"], locale, fallbacks),
                  criteria=criteria, scores=scores, min_total=rule["min_total"], min_each=rule.get("min_each"),
                  source=data, draft_translation_in=draft_in(locale, data.get("draft_languages", []), [title]))


@dataclass(frozen=True)
class ScoredLine:
    criterion: Text
    score: int | None
    level: Text | None
    descriptor: Text | None


@dataclass(frozen=True)
class ScoredAssessment:
    """An assessment as a page shows it: each criterion with the level given and that level's descriptor."""

    id: int
    assessed_at: datetime
    assessor: str
    module: str
    lines: list[ScoredLine]
    total: int
    best_total: int
    passed: bool
    recommendations: str

    @classmethod
    def of(cls, assessment: PracticeAssessment, rubric: Rubric, assessor: str, module: str) -> ScoredAssessment:
        lines = []
        for criterion in rubric.criteria:
            score = assessment.scores.get(criterion.id)
            level = next((lv for lv in criterion.levels if lv.score == score), None)
            lines.append(ScoredLine(criterion.title, score, level.label if level else None,
                                    level.descriptor if level else None))
        return cls(id=assessment.id, assessed_at=assessment.assessed_at, assessor=assessor, module=module,
                   lines=lines, total=assessment.total, best_total=rubric.best_total, passed=assessment.passed,
                   recommendations=assessment.recommendations)
