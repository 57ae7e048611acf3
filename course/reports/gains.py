"""Knowledge gain broken down the two ways counterbalanced tests need: by form order and by learning objective.

Both read the learner summaries (``learner_summaries.form_order``, ``objective_gains``) that ``course.summary``
keeps current, so a cohort or the whole programme costs one GROUP BY each. A half that gained much more than the
other says the forms are not as parallel as meant; an objective with no gain says which part of the course did
not land.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import Select, func, select

from course.content.localize import pick
from course.formatting import number
from course.learn.queries import Catalogue
from course.models.enrolment import FormOrder
from course.models.summary import LearnerSummary, ObjectiveGain
from course.quiz import parallel
from course.reports.suppression import FEWER, WITHHELD, Shown, is_small
from course.sql import plain_rows


@dataclass(frozen=True)
class GainRow:
    """The learners of one group who took both tests, and their mean percents."""

    key: str
    learners: int
    mean_pre: float
    mean_post: float

    @property
    def mean_gain(self) -> float:
        return round(self.mean_post - self.mean_pre, 1)

    def shown(self) -> list[Shown | float]:
        """Learners, pre, post and gain as a published table shows them: a group of fewer than five people is
        withheld whole (a mean of three scores is nearly the scores; course.reports.suppression)."""
        if is_small(self.learners):
            return [FEWER, WITHHELD, WITHHELD, WITHHELD]
        return [self.learners, self.mean_pre, self.mean_post, self.mean_gain]


def _row(key: str, learners: int, pre: float, post: float) -> GainRow:
    return GainRow(str(key), int(learners), round(float(pre), 1), round(float(post), 1))


def gain_by_order(users: Select | list[int], course: dict) -> list[GainRow]:
    """Each form order's learners who took both tests, in the orders' own order; empty unless the course
    counterbalances its forms."""
    if parallel.pair(course) is None:
        return []
    people = (select(LearnerSummary.user_id, LearnerSummary.form_order, LearnerSummary.pre_score,
                     LearnerSummary.post_score).distinct()
              .where(LearnerSummary.user_id.in_(users), LearnerSummary.course_id == course["id"],
                     LearnerSummary.form_order.is_not(None), LearnerSummary.pre_score.is_not(None),
                     LearnerSummary.post_score.is_not(None)).subquery())
    found = {order: _row(order, *rest) for order, *rest in plain_rows(
        select(people.c.form_order, func.count(), func.avg(people.c.pre_score), func.avg(people.c.post_score))
        .group_by(people.c.form_order))}
    return [found[order.value] for order in FormOrder if order.value in found]


def gain_by_objective(users: Select | list[int], catalogue: Catalogue) -> list[GainRow]:
    """Each objective's learners with a percent in both tests: the named objectives in the course's order, then
    the other tags alphabetically."""
    found = {tag: _row(tag, *rest) for tag, *rest in plain_rows(
        select(ObjectiveGain.objective, func.count(), func.avg(ObjectiveGain.pre_percent),
               func.avg(ObjectiveGain.post_percent))
        .where(ObjectiveGain.user_id.in_(users), ObjectiveGain.course_id == catalogue.course["id"],
               ObjectiveGain.pre_percent.is_not(None), ObjectiveGain.post_percent.is_not(None))
        .group_by(ObjectiveGain.objective))}
    named = [objective["id"] for objective in catalogue.course.get("objectives") or []]
    return [found[tag] for tag in [*named, *sorted(set(found) - set(named))] if tag in found]


def objective_titles(catalogue: Catalogue, locale: str) -> dict[str, str]:
    """The objectives' names in ``locale`` by tag; a tag without one is shown as it is."""
    return {objective["id"]: pick(objective["title"], locale, catalogue.fallbacks(locale)).value
            for objective in catalogue.course.get("objectives") or []}


def order_label(key: str) -> str:
    return str(parallel.ORDER_LABELS[FormOrder(key)])


def figure_headings() -> list[str]:
    """The headings of the four figures, the same on every page and export that shows them."""
    return [gettext("Learners who took both tests"), gettext("Pre-test (%)"), gettext("Post-test (%)"),
            gettext("Gain (points)")]


def page_rows(rows: Iterable[GainRow], label_of) -> list[tuple[str, list[str]]]:
    """(label, the four figures as the page prints them) for a table of the page."""
    return [(label_of(row.key), [cell if isinstance(cell, str) else number(cell) for cell in row.shown()])
            for row in rows]


def gain_table_rows(by_order: Iterable[GainRow], by_objective: Iterable[GainRow],
                    titles: dict[str, str]) -> list[list]:
    """The rows of the export: what is broken down, by what, then the four figures (small groups withheld)."""
    rows = [[gettext("Test forms"), order_label(row.key), *row.shown()] for row in by_order]
    rows += [[gettext("Learning objective"), titles.get(row.key, row.key), *row.shown()] for row in by_objective]
    return rows
