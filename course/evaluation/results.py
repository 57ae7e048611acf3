"""Aggregated evaluation answers, never fewer than ``MIN_RESPONSES`` at a time.

A trainer knows who is in the cohort; with two or three answers, an average or
a comment could point at one person. So nothing but the number of responses is
shown until ``MIN_RESPONSES`` have come in, and written answers are listed in
alphabetical order, which says nothing about who wrote them or when. Across
cohorts, only cohorts that reached the threshold count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from course.evaluation.form import AREA_LABELS, EvaluationForm
from course.models.cohort import Cohort
from course.models.enrolment import Enrolment
from course.models.evaluation import EvaluationResponse
from course.sql import plain_rows

#: Fewer responses than this and nothing but their number is shown.
MIN_RESPONSES = 5


@dataclass(frozen=True)
class ItemResult:
    text: str
    area: str
    answers: int
    mean: float | None
    #: How many gave each value of the scale, lowest first.
    counts: list[int]


@dataclass(frozen=True)
class AreaResult:
    area: str
    label: str
    mean: float | None
    answers: int


@dataclass(frozen=True)
class TextResult:
    question: str
    answers: list[str]


@dataclass(frozen=True)
class Results:
    """What may be shown of a set of responses: only their number when there are too few."""

    responses: int
    items: list[ItemResult]
    areas: list[AreaResult]
    texts: list[TextResult]

    @property
    def shown(self) -> bool:
        return self.responses >= MIN_RESPONSES

    @property
    def overall(self) -> float | None:
        scored = [(item.mean * item.answers, item.answers) for item in self.items if item.mean is not None]
        count = sum(n for _, n in scored)
        return round(sum(total for total, _ in scored) / count, 2) if count else None


@dataclass(frozen=True)
class CohortLine:
    """One cohort in the coordinators' list: its responses out of its learners, and its results when shown."""

    cohort_id: int
    name: str
    learners: int
    results: Results

    @property
    def responses(self) -> int:
        return self.results.responses


def _mean(values: Sequence[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def aggregate(answer_sheets: list[dict], form: EvaluationForm) -> Results:
    """Per item, per area and the written answers, or just the count below the threshold."""
    if len(answer_sheets) < MIN_RESPONSES:
        return Results(len(answer_sheets), [], [], [])
    scale = [choice.value for choice in form.likert]
    items, by_area = [], defaultdict(list)
    for item in form.ratings:
        values = [sheet[item.id] for sheet in answer_sheets if isinstance(sheet.get(item.id), int)]
        counts = Counter(values)
        items.append(ItemResult(item.text.value, item.area or "", len(values), _mean(values),
                                [counts.get(value, 0) for value in scale]))
        by_area[item.area].extend(values)
    areas = [AreaResult(area, str(label), _mean(by_area[area]), len(by_area[area]))
             for area, label in AREA_LABELS.items() if by_area.get(area)]
    texts = [TextResult(item.text.value, sorted(str(sheet[item.id]) for sheet in answer_sheets
                                                if isinstance(sheet.get(item.id), str)))
             for item in form.texts]
    return Results(len(answer_sheets), items, areas, texts)


def sheets_by_cohort(cohorts: Select | Sequence[int], form_id: str) -> dict[int, list[dict]]:
    """Every answer sheet of the cohorts, by cohort, in one query."""
    ids = cohorts if isinstance(cohorts, Select) else list(cohorts)
    found: dict[int, list[dict]] = defaultdict(list)
    for cohort_id, answers in plain_rows(select(EvaluationResponse.cohort_id, EvaluationResponse.answers)
                                         .where(EvaluationResponse.cohort_id.in_(ids),
                                                EvaluationResponse.form_id == form_id)):
        found[cohort_id].append(answers)
    return found


def cohort_results(cohort_id: int, form: EvaluationForm) -> Results:
    return aggregate(sheets_by_cohort([cohort_id], form.id).get(cohort_id, []), form)


def across_cohorts(cohorts: Select, form: EvaluationForm) -> tuple[Results, list[CohortLine]]:
    """The responses of every cohort of the selection that reached the threshold, together; and a line per cohort.

    A cohort below the threshold is listed with its number of responses only, and
    its answers are left out of the total, so adding it to others cannot reveal it.
    """
    sheets = sheets_by_cohort(cohorts, form.id)
    learners = dict(plain_rows(select(Enrolment.cohort_id, func.count()).where(Enrolment.cohort_id.in_(cohorts))
                               .group_by(Enrolment.cohort_id)))
    lines = []
    for cohort_id, name in plain_rows(select(Cohort.id, Cohort.name).where(Cohort.id.in_(cohorts))
                                      .order_by(Cohort.starts_on.desc(), Cohort.id.desc())):
        own = sheets.get(cohort_id, [])
        if not own:
            continue
        lines.append(CohortLine(cohort_id, name, learners.get(cohort_id, 0), aggregate(own, form)))
    counted = [sheet for own in sheets.values() if len(own) >= MIN_RESPONSES for sheet in own]
    return aggregate(counted, form), lines
