"""The report's figures arranged as donors read them: tables, phrases and charts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date, format_percent, gettext, lazy_gettext, ngettext
from markupsafe import Markup

from course.cohorts.forms import AGE_BAND_LABELS, AGENCY_LABELS, DISABILITY_LABELS, GENDER_LABELS, VELAYAT_LABELS
from course.content.localize import pick
from course.formatting import number
from course.learn.queries import Catalogue
from course.models.user import Agency, Gender, Velayat
from course.reports.charts import Bar, bar_chart, column_chart
from course.reports.queries import Report
from course.reports.suppression import FEWER, Shown, is_small, withheld

FLAGS = ("participants", "completed", "certified")


@dataclass(frozen=True)
class GenderCount:
    female: int = 0
    male: int = 0
    not_stated: int = 0

    @property
    def total(self) -> int:
        return self.female + self.male + self.not_stated

    def shown(self) -> tuple[Shown, Shown, Shown, Shown]:
        """Total, female, male, not stated, as a published table shows them (course.reports.suppression)."""
        total, (female, male, not_stated) = withheld(self.total, (self.female, self.male, self.not_stated))
        return total, female, male, not_stated


def _agency_phrase(agency: Agency | None, count: GenderCount) -> str:
    """ "10 prosecutors (1 female, 9 male)", the form donor reports use; small numbers withheld."""
    total, female, male, not_stated = count.shown()
    if isinstance(total, str):
        label = str(AGENCY_LABELS[agency]) if agency else gettext("Other participants")
        return gettext("%(agency)s: %(fewer)s", agency=label, fewer=total)
    head = {
        Agency.PROSECUTION: ngettext("%(num)d prosecutor", "%(num)d prosecutors", total),
        Agency.JUDICIARY: ngettext("%(num)d judge", "%(num)d judges", total),
        Agency.ADVOCACY: ngettext("%(num)d advocate", "%(num)d advocates", total),
        Agency.LAW_ENFORCEMENT: ngettext("%(num)d police officer", "%(num)d police officers", total),
    }.get(agency, ngettext("%(num)d other participant", "%(num)d other participants", total))
    tail = gettext("%(female)s female, %(male)s male", female=female, male=male)
    if count.not_stated:
        tail += gettext(", %(n)s not stated", n=not_stated)
    return f"{head} ({tail})"


@dataclass(frozen=True)
class DisaggregationRow:
    velayat: Velayat
    agency: Agency | None
    counts: dict[str, GenderCount]

    @property
    def velayat_label(self) -> str:
        return str(VELAYAT_LABELS[self.velayat])

    @property
    def agency_label(self) -> str:
        return str(AGENCY_LABELS[self.agency]) if self.agency else gettext("Not given")

    def phrase(self, flag: str) -> str:
        return _agency_phrase(self.agency, self.counts[flag])


def disaggregation(report: Report) -> list[DisaggregationRow]:
    """Participants, completers and certified by velayat x agency x gender."""
    tally: dict[tuple[Velayat, Agency | None], dict[str, Counter]] = {}
    for group in report.groups:
        cell = tally.setdefault((group.velayat, group.agency), {flag: Counter() for flag in FLAGS})
        for flag in FLAGS:
            cell[flag][group.gender] += getattr(group, flag)
    order = {v: i for i, v in enumerate(Velayat)} | {a: i for i, a in enumerate(Agency)}
    return [
        DisaggregationRow(velayat, agency, {flag: GenderCount(c[Gender.FEMALE], c[Gender.MALE], c[Gender.NOT_STATED])
                                            for flag, c in cells.items()})
        for (velayat, agency), cells in sorted(tally.items(), key=lambda item: (
            order[item[0][0]], order.get(item[0][1], len(Agency))))
    ]


@dataclass(frozen=True)
class Dimension:
    """An attribute of learners that donors' tables break figures down by: its title and its values' labels."""

    title: str
    labels: dict


#: Every breakdown, by the learners' attribute (the reports' table and the follow-up's totals read it).
BREAKDOWNS = {
    "gender": Dimension(lazy_gettext("Gender"), GENDER_LABELS),
    "age_band": Dimension(lazy_gettext("Age band"), AGE_BAND_LABELS),
    "disability": Dimension(lazy_gettext("Disability"), DISABILITY_LABELS),
    "agency": Dimension(lazy_gettext("Agency"), AGENCY_LABELS),
    "velayat": Dimension(lazy_gettext("Velayat"), VELAYAT_LABELS),
}
#: The breakdown the reports page shows first.
DEFAULT_BREAKDOWN = "gender"


def breakdown_asked(raw: str | None) -> str | None:
    """The breakdown ``?by=`` asks for (the default when it asks none); None for one that does not exist."""
    by = raw or DEFAULT_BREAKDOWN
    return by if by in BREAKDOWNS else None


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    shown: dict[str, Shown]  # participants, completed, certified, small cells withheld


def breakdown(report: Report, by: str) -> list[BreakdownRow]:
    """Participants, completers and certified by one attribute, with a total row. Each column is a total and
    its parts, withheld as one (course.reports.suppression)."""
    labels = BREAKDOWNS[by].labels
    values = [*labels, None] if by == "agency" else list(labels)  # an agency may not be given
    tally = {value: Counter() for value in values}
    for group in report.groups:
        for flag in FLAGS:
            tally[getattr(group, by)][flag] += getattr(group, flag)
    columns = {}
    for flag in FLAGS:
        total, parts = withheld(sum(tally[value][flag] for value in values), [tally[value][flag] for value in values])
        columns[flag] = (total, parts)
    rows = [BreakdownRow(str(labels[value]) if value is not None else gettext("Not given"),
                         {flag: columns[flag][1][index] for flag in FLAGS})
            for index, value in enumerate(values)]
    return [*rows, BreakdownRow(gettext("Total"), {flag: columns[flag][0] for flag in FLAGS})]


def generation_rows(report: Report) -> list[tuple[int, str]]:
    """Learners reached by cascade generation, small numbers withheld."""
    return [(generation, FEWER if is_small(count) else number(count)) for generation, count in report.by_generation()]


@dataclass(frozen=True)
class Chart:
    svg: Markup
    rows: list[Bar]
    caption: str


def _percent(part: int, whole: int) -> tuple[float | None, str]:
    if not whole:
        return None, "—"
    return part / whole * 100, format_percent(part / whole)


def months_between(first: date, last: date) -> list[date]:
    """The first day of every month from ``first``'s to ``last``'s, both included."""
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def charts(report: Report, catalogue: Catalogue, locale: str) -> list[Chart]:
    """Completion by velayat, gain by module, reach by generation, cohorts by month: each with its data as a table."""
    enrolled, completed = Counter(), Counter()
    for group in report.groups:
        enrolled[group.velayat] += group.participants
        completed[group.velayat] += group.completed
    by_velayat = []
    for velayat in Velayat:
        value, shown = (None, FEWER) if is_small(enrolled[velayat]) else _percent(completed[velayat],
                                                                                   enrolled[velayat])
        by_velayat.append(Bar(str(VELAYAT_LABELS[velayat]), value, shown))
    gains = {row.module_id: row for row in report.module_gains}
    modules = []
    for module_id, module in catalogue.modules.items():  # every module, in the course's order, data or not
        title = pick(module.data["meta"]["title"], locale, catalogue.fallbacks(locale)).value
        row = gains.get(module_id)
        if row and is_small(row.learners):
            modules.append(Bar(title, None, FEWER))
            continue
        modules.append(Bar(title, row.mean_gain if row else None, ngettext(
            "%(gain)s points (%(num)d learner)", "%(gain)s points (%(num)d learners)", row.learners,
            gain=number(row.mean_gain)) if row else ""))
    generations = [Bar(gettext("Generation %(n)d", n=g), None if is_small(count) else count,
                       FEWER if is_small(count) else number(count)) for g, count in report.by_generation()]
    months = Counter(cohort.starts_on.replace(day=1) for cohort in report.cohorts)
    # "Mar 2027", "март 2027": the month's stand-alone name in the reader's language; the months without a
    # cohort are shown too, so the axis is time at its true scale.
    per_month = [Bar(format_date(month, "LLL y"), months[month], number(months[month]))
                 for month in months_between(min(months), max(months))] if months else []
    titles = (gettext("Completion by velayat"), gettext("Average gain by module, pre-test to post-test (points)"),
              gettext("Learners reached by cascade generation"), gettext("Cohorts by month of their first day"))
    empty = gettext("No data for this selection.")
    made = [
        bar_chart(titles[0], by_velayat, max_value=100, chart_id="chart-completion", empty_text=empty),
        bar_chart(titles[1], modules, chart_id="chart-modules", empty_text=empty),
        bar_chart(titles[2], generations, chart_id="chart-generations", empty_text=empty),
        column_chart(titles[3], per_month, chart_id="chart-months", empty_text=empty),
    ]
    return [Chart(svg, rows, title) for svg, rows, title in
            zip(made, (by_velayat, modules, generations, per_month), titles, strict=True)]
