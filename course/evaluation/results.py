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
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from sqlalchemy import Select, func, select

from course.evaluation.form import AREA_LABELS, EvaluationForm
from course.models.cohort import Cohort
from course.models.enrolment import Enrolment
from course.models.evaluation import EvaluationAnswer, EvaluationResponse
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
    #: Translated when shown: a national page aggregates hundreds of cohorts and shows the areas of one total.
    label: LazyString
    mean: float | None
    answers: int


@dataclass(frozen=True)
class TextResult:
    question: str
    #: The answers, alphabetically; empty where only their number is shown.
    answers: list[str]
    count: int


@dataclass(frozen=True)
class Results:
    """What may be shown of a set of responses: only their number when there are too few."""

    responses: int
    items: list[ItemResult]
    areas: list[AreaResult]
    texts: list[TextResult]
    #: The Likert values the items' counts are given for, lowest first.
    scale: list[int] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.responses >= MIN_RESPONSES

    @property
    def overall(self) -> float | None:
        """The mean of every rating given, from the counts (not from the rounded means of the items)."""
        total = count = 0
        for item in self.items:
            total += sum(value * n for value, n in zip(self.scale, item.counts, strict=True))
            count += sum(item.counts)
        return round(total / count, 2) if count else None


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


@dataclass
class Tally:
    """How many gave each value to each rated item, and the written answers, over a set of responses.

    Tallies of cohorts add up, so a national page counts each cohort once and never
    reads the answer sheets themselves.
    """

    responses: int = 0
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    #: Written answers per item (read only when wanted), and how many there are (always).
    texts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    text_counts: Counter = field(default_factory=Counter)

    def merge(self, other: Tally) -> None:
        self.responses += other.responses
        for item_id, counter in other.counts.items():
            self.counts[item_id].update(counter)
        for item_id, answers in other.texts.items():
            self.texts[item_id].extend(answers)
        self.text_counts.update(other.text_counts)


def _mean(total: int, answers: int) -> float | None:
    return round(total / answers, 2) if answers else None


def aggregate(tally: Tally, form: EvaluationForm, *, with_texts: bool = True) -> Results:
    """Per item, per area and the written answers (or only their number), or just the count below the threshold.

    Sums, not merged counters: a national page aggregates each of hundreds of cohorts."""
    if tally.responses < MIN_RESPONSES:
        return Results(tally.responses, [], [], [])
    scale = [choice.value for choice in form.likert]
    items, by_area = [], {}
    for item in form.ratings:
        counter = tally.counts.get(item.id) or {}
        answers, total = sum(counter.values()), sum(value * n for value, n in counter.items())
        items.append(ItemResult(item.text.value, item.area or "", answers, _mean(total, answers),
                                [counter.get(value, 0) for value in scale]))
        area_total, area_answers = by_area.get(item.area, (0, 0))
        by_area[item.area] = (area_total + total, area_answers + answers)
    areas = [AreaResult(area, label, _mean(*by_area[area]), by_area[area][1])
             for area, label in AREA_LABELS.items() if by_area.get(area, (0, 0))[1]]
    texts = [TextResult(item.text.value, sorted(tally.texts.get(item.id, [])) if with_texts else [],
                        tally.text_counts[item.id])
             for item in form.texts]
    return Results(tally.responses, items, areas, texts, scale)


def tallies_by_cohort(cohorts: Select | Sequence[int], form: EvaluationForm, *,
                      with_texts: bool = True) -> dict[int, Tally]:
    """The answers of the cohorts counted per cohort by the database (two queries, three with the written answers).

    Answers are matched to the form by item id, whatever version of the form they were given on.
    """
    ids = cohorts if isinstance(cohorts, Select) else list(cohorts)
    ratings, texts = {item.id for item in form.ratings}, {item.id for item in form.texts}
    found: dict[int, Tally] = defaultdict(Tally)
    for cohort_id, responses in plain_rows(select(EvaluationResponse.cohort_id, func.count())
                                           .where(EvaluationResponse.cohort_id.in_(ids))
                                           .group_by(EvaluationResponse.cohort_id)):
        found[cohort_id].responses = responses
    answers = EvaluationAnswer
    for cohort_id, item_id, value, count in plain_rows(
            select(answers.cohort_id, answers.item_id, answers.value, func.count())
            .where(answers.cohort_id.in_(ids), answers.item_id.in_(sorted(ratings | texts)))
            .group_by(answers.cohort_id, answers.item_id, answers.value)):
        if item_id in texts:
            found[cohort_id].text_counts[item_id] += count
        elif value is not None:
            found[cohort_id].counts[item_id][value] += count
    if with_texts and texts:
        for cohort_id, item_id, text in plain_rows(
                select(answers.cohort_id, answers.item_id, answers.text)
                .where(answers.cohort_id.in_(ids), answers.item_id.in_(sorted(texts)), answers.text.is_not(None))):
            found[cohort_id].texts[item_id].append(text)
    return found


def cohort_results(cohort_id: int, form: EvaluationForm) -> Results:
    return aggregate(tallies_by_cohort([cohort_id], form).get(cohort_id, Tally()), form)


def across_cohorts(cohorts: Select, form: EvaluationForm, *,
                   with_texts: bool = False) -> tuple[Results, list[CohortLine]]:
    """The responses of every cohort of the selection that reached the threshold, together; and a line per cohort.

    A cohort below the threshold is listed with its number of responses only, and
    its answers are left out of the total, so adding it to others cannot reveal it.
    Written answers are only counted unless ``with_texts``: thousands of them make no page.
    """
    tallies = tallies_by_cohort(cohorts, form, with_texts=with_texts)
    learners = dict(plain_rows(select(Enrolment.cohort_id, func.count()).where(Enrolment.cohort_id.in_(cohorts))
                               .group_by(Enrolment.cohort_id)))
    lines = []
    for cohort_id, name in plain_rows(select(Cohort.id, Cohort.name).where(Cohort.id.in_(cohorts))
                                      .order_by(Cohort.starts_on.desc(), Cohort.id.desc())):
        own = tallies.get(cohort_id)
        if own is None:
            continue
        lines.append(CohortLine(cohort_id, name, learners.get(cohort_id, 0),
                                aggregate(own, form, with_texts=with_texts)))
    counted = Tally()
    for own in tallies.values():
        if own.responses >= MIN_RESPONSES:
            counted.merge(own)
    return aggregate(counted, form, with_texts=with_texts), lines


def rating_header(form: EvaluationForm) -> list[str]:
    """The columns of a rated statement in an export: area, statement, answers, mean, how many gave each value."""
    return [_("Area"), _("Statement"), _("Answers"), _("Mean")] + [
        f"{choice.value}: {choice.label.value}" for choice in form.likert]


def rating_cells(item: ItemResult) -> list:
    """A rated statement's cells under :func:`rating_header`."""
    return [str(AREA_LABELS[item.area]), item.text, item.answers, item.mean, *item.counts]
