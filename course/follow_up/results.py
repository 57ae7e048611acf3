"""The follow-up's answers added up for the programme view: per wave, the respondents and the total of each
count question, by velayat, agency and gender, small groups withheld (course.reports.suppression)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext, lazy_gettext
from sqlalchemy import Select, func, select

from course.cohorts.forms import AGENCY_LABELS, GENDER_LABELS, VELAYAT_LABELS
from course.follow_up.form import FollowUpForm
from course.models.cohort import Cohort
from course.models.follow_up import FollowUpResponse
from course.models.user import User
from course.reports.suppression import WITHHELD, Shown, withheld
from course.sql import plain_rows

#: The breakdowns of the follow-up, each with its labels.
BY = {"velayat": (lazy_gettext("Velayat"), VELAYAT_LABELS), "agency": (lazy_gettext("Agency"), AGENCY_LABELS),
      "gender": (lazy_gettext("Gender"), GENDER_LABELS)}


@dataclass(frozen=True)
class Line:
    label: str
    respondents: Shown
    totals: list[Shown]  # one per count question, in the form's order


@dataclass(frozen=True)
class Breakdown:
    title: str
    lines: list[Line]


@dataclass(frozen=True)
class Wave:
    wave: int
    respondents: int
    questions: list[str]  # the count questions' texts
    breakdowns: list[Breakdown]


def _breakdown(title: str, labels: dict, people: list[dict[str, Any]], counts: list[str]) -> Breakdown:
    """One line per value of the attribute and a total line. A line's totals are shown only where its number of
    respondents is: a sum over fewer than five people is theirs."""
    values = [*labels, None] if any(person["key"] is None for person in people) else list(labels)
    groups = {value: [person for person in people if person["key"] == value] for value in values}
    total, shown = withheld(len(people), [len(groups[value]) for value in values])

    def sums(members: list[dict[str, Any]]) -> list[int]:
        return [sum(member["answers"].get(question, 0) for member in members) for question in counts]

    lines = [Line(str(labels[value]) if value is not None else gettext("Not given"), shown[index],
                  sums(groups[value]) if isinstance(shown[index], int) else [WITHHELD] * len(counts))
             for index, value in enumerate(values)]
    lines.append(Line(gettext("Total"), total, sums(people) if isinstance(total, int) else [WITHHELD] * len(counts)))
    return Breakdown(title, lines)


def follow_up_results(cohorts: Select, form: FollowUpForm) -> list[Wave]:
    """Per wave of the form, the answers of the learners of the selected cohorts (a SELECT of cohort ids)."""
    rows = plain_rows(
        select(FollowUpResponse.wave, FollowUpResponse.answers,
               func.coalesce(User.velayat, Cohort.velayat).label("velayat"), User.agency, User.gender)
        .join(User, User.id == FollowUpResponse.user_id).join(Cohort, Cohort.id == FollowUpResponse.cohort_id)
        .where(FollowUpResponse.cohort_id.in_(cohorts)))
    counts = [question.id for question in form.counts]
    waves = []
    for wave in form.waves:
        answered = [row for row in rows if row.wave == wave]
        breakdowns = [
            _breakdown(str(title), labels, [{"key": getattr(row, attribute), "answers": row.answers or {}}
                                            for row in answered], counts)
            for attribute, (title, labels) in BY.items()]
        waves.append(Wave(wave, len(answered), [question.text.value for question in form.counts], breakdowns))
    return waves
