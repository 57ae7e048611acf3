"""The follow-up's answers added up for the programme view: per wave, the respondents and the total of each
count question, by velayat, agency and gender, small groups withheld (course.reports.suppression)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, func, select

from course.follow_up.form import FollowUpForm
from course.models.cohort import Cohort
from course.models.follow_up import FollowUpResponse
from course.models.user import User
from course.reports.suppression import WITHHELD, Shown, withheld
from course.reports.tables import BREAKDOWNS
from course.sql import plain_rows

#: The attributes the follow-up's totals are broken down by (course.reports.tables.BREAKDOWNS).
BY = ("velayat", "agency", "gender")


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Shown]  # one per group of the breakdown, then the total


@dataclass(frozen=True)
class Breakdown:
    """Groups across (a handful of short labels), measures down (the questions' texts wrap)."""

    title: str
    groups: list[str]
    rows: list[Row]


@dataclass(frozen=True)
class Wave:
    wave: int
    respondents: int
    breakdowns: list[Breakdown]


def _breakdown(title: str, labels: dict, people: list[dict[str, Any]], questions: list[tuple[str, str]]) -> Breakdown:
    """The respondents and each count question's total per group and in all. A group's totals are shown only
    where its number of respondents is: a sum over fewer than five people is theirs."""
    values = [*labels, None] if any(person["key"] is None for person in people) else list(labels)
    groups = [[person for person in people if person["key"] == value] for value in values] + [people]
    total, shown = withheld(len(people), [len(group) for group in groups[:-1]])
    shown_respondents = [*shown, total]
    names = [str(labels[value]) if value is not None else gettext("Not given") for value in values]
    rows = [Row(gettext("Answered"), shown_respondents)]
    for question_id, text in questions:
        rows.append(Row(text, [sum(member["answers"].get(question_id, 0) for member in group)
                               if isinstance(shown_respondents[index], int) else WITHHELD
                               for index, group in enumerate(groups)]))
    return Breakdown(title, [*names, gettext("Total")], rows)


def follow_up_results(cohorts: Select, form: FollowUpForm) -> list[Wave]:
    """Per wave of the form, the answers of the learners of the selected cohorts (a SELECT of cohort ids)."""
    rows = plain_rows(
        select(FollowUpResponse.wave, FollowUpResponse.answers,
               func.coalesce(User.velayat, Cohort.velayat).label("velayat"), User.agency, User.gender)
        .join(User, User.id == FollowUpResponse.user_id).join(Cohort, Cohort.id == FollowUpResponse.cohort_id)
        .where(FollowUpResponse.cohort_id.in_(cohorts)))
    questions = [(question.id, question.text.value) for question in form.counts]
    waves = []
    for wave in form.waves:
        answered = [row for row in rows if row.wave == wave]
        breakdowns = [
            _breakdown(str(BREAKDOWNS[attribute].title), BREAKDOWNS[attribute].labels,
                       [{"key": getattr(row, attribute), "answers": row.answers or {}} for row in answered], questions)
            for attribute in BY]
        waves.append(Wave(wave, len(answered), breakdowns))
    return waves
