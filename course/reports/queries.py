"""The coordinator's numbers: who was trained, where, from which agencies, whether they learned, how far it reached.

Everything is counted in the database from the learner summaries
(``course.summary`` keeps them current), with GROUP BY: a fixed number of
queries whatever the number of learners (a test checks it at two sizes), and
no Python object per learner. The overview, the disaggregation and the charts
are sums over the same groups, so they always agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, and_, case, func, select

from course.attendance.queries import AttendanceShare
from course.extensions import db
from course.learn.queries import Catalogue
from course.models.attendance import ATTENDED, Attendance, AttendanceStatus, SessionDay
from course.models.certificate import Certificate
from course.models.cohort import Cohort, CohortTrainer, TrainerStanding
from course.models.enrolment import Enrolment
from course.models.summary import LearnerSummary, ModuleGain
from course.models.user import AgeBand, Agency, Disability, Gender, User, Velayat
from course.reports.gains import GainRow, gain_by_objective, gain_by_order
from course.sql import plain_rows


@dataclass(frozen=True)
class ReportFilter:
    """Cohorts that started within the dates, in the velayats (None: every velayat)."""

    date_from: date | None = None
    date_to: date | None = None
    velayats: frozenset[Velayat] | None = None


def cohort_ids(report: ReportFilter) -> Select:
    query = select(Cohort.id)
    if report.date_from:
        query = query.where(Cohort.starts_on >= report.date_from)
    if report.date_to:
        query = query.where(Cohort.starts_on <= report.date_to)
    if report.velayats is not None:
        query = query.where(Cohort.velayat.in_(sorted(report.velayats)))
    return query


@dataclass(frozen=True)
class Group:
    """Learners of the selection who share a velayat, an agency, a gender, an age band, a disability status and a
    cascade generation."""

    #: The learner's own velayat, or their cohort's when they did not give one.
    velayat: Velayat
    agency: Agency | None
    gender: Gender
    age_band: AgeBand
    disability: Disability
    generation: int | None
    participants: int
    started: int
    completed: int
    certified: int
    #: Sum and number of pre-to-post gains of those who took both tests.
    gain_total: float
    gain_count: int


@dataclass(frozen=True)
class CohortResult:
    id: int
    name: str
    velayat: Velayat
    track_id: str
    starts_on: date
    ends_on: date
    lead: str
    learners: int
    completed: int
    mean_gain: float | None
    session_days: int = 0
    #: Days attended by all its learners over the days they could attend (excused days left out).
    attendance: float | None = None
    #: The field laptop it was run on; empty when it was run on the central server.
    device: str = ""

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.learners if self.learners else None


@dataclass(frozen=True)
class TrainerReach:
    user_id: int
    name: str
    generation: int | None
    cohorts: int
    learners: int


@dataclass(frozen=True)
class ModuleGainRow:
    module_id: str
    mean_gain: float
    learners: int


@dataclass(frozen=True)
class Report:
    groups: list[Group]
    cohorts: list[CohortResult]
    trainers_active: int
    #: Learners taught by trainers of generation 1 and deeper, and how many such trainers taught them.
    cascade_learners: int
    cascade_trainers: int
    module_gains: list[ModuleGainRow]
    trainers: list[TrainerReach] = field(default_factory=list)
    #: Gain of each half of the cohorts where the test forms are counterbalanced, and gain per objective.
    gain_by_order: list[GainRow] = field(default_factory=list)
    objective_gains: list[GainRow] = field(default_factory=list)

    def count(self, flag: str) -> int:
        """Learners in the selection: all ("participants"), or those started, completed or certified."""
        return sum(getattr(group, flag) for group in self.groups)

    @property
    def enrolled(self) -> int:
        return self.count("participants")

    @property
    def completion_rate(self) -> float | None:
        return self.count("completed") / self.enrolled if self.enrolled else None

    @property
    def gain_learners(self) -> int:
        return self.count("gain_count")

    @property
    def mean_gain(self) -> float | None:
        return round(self.count("gain_total") / self.gain_learners, 1) if self.gain_learners else None

    @property
    def reach_multiplier(self) -> float | None:
        return round(self.cascade_learners / self.cascade_trainers, 1) if self.cascade_trainers else None

    def by_generation(self) -> list[tuple[int, int]]:
        counts: dict[int, int] = {}
        for group in self.groups:
            if group.generation is not None:
                counts[group.generation] = counts.get(group.generation, 0) + group.participants
        return sorted(counts.items())


def summary_of_enrolment():
    """Join condition: an enrolment's summary row (none while the learner has done nothing)."""
    return ((LearnerSummary.user_id == Enrolment.user_id) & (LearnerSummary.course_id == Enrolment.course_id)
            & (LearnerSummary.track_id == Enrolment.track_id))


def _flag(column):
    return func.max(case((column.is_(True), 1), else_=0))


def _groups(cohorts: Select) -> list[Group]:
    """One row per learner (in any track and cohort of the selection), then counted by group; two levels, one query."""
    certified = select(Certificate.user_id).where(Certificate.cohort_id.in_(cohorts), Certificate.revoked_at.is_(None))
    people = (
        select(func.coalesce(User.velayat, func.min(Cohort.velayat)).label("velayat"), User.agency, User.gender,
               User.age_band, User.disability, func.max(Enrolment.generation).label("generation"),
               _flag(LearnerSummary.started).label("started"), _flag(LearnerSummary.completed).label("completed"),
               case((User.id.in_(certified), 1), else_=0).label("certified"),
               func.max(LearnerSummary.post_score - LearnerSummary.pre_score).label("gain"))
        .join(Enrolment, Enrolment.user_id == User.id).join(Cohort, Cohort.id == Enrolment.cohort_id)
        .outerjoin(LearnerSummary, summary_of_enrolment())
        .where(Enrolment.cohort_id.in_(cohorts))
        .group_by(User.id, User.velayat, User.agency, User.gender, User.age_band, User.disability)
        .subquery()
    )
    keys = (people.c.velayat, people.c.agency, people.c.gender, people.c.age_band, people.c.disability,
            people.c.generation)
    return [
        Group(velayat, agency, gender, age_band, disability, generation, participants, int(started), int(completed),
              int(certified), float(gain_total or 0), gain_count)
        for velayat, agency, gender, age_band, disability, generation, participants, started, completed, certified,
        gain_total, gain_count
        in plain_rows(select(*keys, func.count(), func.sum(people.c.started), func.sum(people.c.completed),
                        func.sum(people.c.certified), func.sum(people.c.gain), func.count(people.c.gain))
                 .group_by(*keys))
    ]


def cohort_results(cohorts: Select) -> Iterator[CohortResult]:
    """Each cohort of the selection with its learners, completers (in its own track) and mean gain, newest first.

    One query, streamed: an export of every cohort never holds them all in memory.
    """
    per_cohort = (
        select(Enrolment.cohort_id, func.count().label("learners"),
               func.sum(case((LearnerSummary.completed.is_(True), 1), else_=0)).label("completed"),
               func.avg(LearnerSummary.post_score - LearnerSummary.pre_score).label("gain"))
        .outerjoin(LearnerSummary, summary_of_enrolment())
        .where(Enrolment.cohort_id.in_(cohorts)).group_by(Enrolment.cohort_id).subquery()
    )
    days = (select(SessionDay.cohort_id, func.count(func.distinct(SessionDay.id)).label("days"),
                   func.sum(case((Attendance.status.in_(sorted(ATTENDED)), 1), else_=0)).label("attended"),
                   func.sum(case((Attendance.status == AttendanceStatus.EXCUSED, 1), else_=0)).label("excused"))
            # Marks of learners still in the cohort only (reached through their enrolment, a join the database
            # can hash, where a per-mark membership test ran a subquery for every mark): the days they could
            # attend count only them.
            .outerjoin(Enrolment, Enrolment.cohort_id == SessionDay.cohort_id)
            .outerjoin(Attendance, and_(Attendance.session_day_id == SessionDay.id,
                                        Attendance.user_id == Enrolment.user_id))
            .where(SessionDay.cohort_id.in_(cohorts)).group_by(SessionDay.cohort_id).subquery())
    lead = (select(CohortTrainer.cohort_id, User.display_name.label("name"))
            .join(User, User.id == CohortTrainer.user_id).where(CohortTrainer.lead.is_(True)).subquery())
    query = (
        select(Cohort.id, Cohort.name, Cohort.velayat, Cohort.track_id, Cohort.starts_on, Cohort.ends_on,
               func.coalesce(lead.c.name, ""), func.coalesce(per_cohort.c.learners, 0),
               func.coalesce(per_cohort.c.completed, 0), per_cohort.c.gain, func.coalesce(days.c.days, 0),
               func.coalesce(days.c.attended, 0), func.coalesce(days.c.excused, 0), Cohort.device_prefix)
        .outerjoin(per_cohort, per_cohort.c.cohort_id == Cohort.id).outerjoin(lead, lead.c.cohort_id == Cohort.id)
        .outerjoin(days, days.c.cohort_id == Cohort.id)
        .where(Cohort.id.in_(cohorts)).order_by(Cohort.starts_on.desc(), Cohort.id.desc())
        .execution_options(yield_per=500)  # on the statement: on the connection it would stay for later queries
    )
    for row in db.session.connection().execute(query):
        *fields, learners, completed, gain, day_count, attended, excused, device = row
        # The cohort's learner-days; an unmarked day counts as not attended.
        share = AttendanceShare(attended, excused, day_count * learners).share
        yield CohortResult(*fields, learners, completed, round(float(gain), 1) if gain is not None else None,
                           day_count, round(share, 3) if share is not None else None, device or "")


def _module_gains(cohorts: Select, catalogue: Catalogue) -> list[ModuleGainRow]:
    """Mean gain on each module's questions of the pre/post-test, in course order."""
    users = select(Enrolment.user_id).where(Enrolment.cohort_id.in_(cohorts))
    means = {module_id: (mean, count) for module_id, mean, count in plain_rows(
        select(ModuleGain.module_id, func.avg(ModuleGain.post_percent - ModuleGain.pre_percent), func.count())
        .where(ModuleGain.user_id.in_(users), ModuleGain.course_id == catalogue.course["id"],
               ModuleGain.pre_percent.is_not(None), ModuleGain.post_percent.is_not(None))
        .group_by(ModuleGain.module_id))}
    return [ModuleGainRow(m, round(float(means[m][0]), 1), means[m][1]) for m in catalogue.course["modules"]
            if m in means]


def _cascade_learners(cohorts: Select) -> int:
    """Distinct learners in the selection's cohorts that a generation-1-or-deeper trainer taught."""
    cascade_cohorts = (select(CohortTrainer.cohort_id)
                       .join(TrainerStanding, TrainerStanding.user_id == CohortTrainer.user_id)
                       .where(TrainerStanding.generation >= 1, CohortTrainer.cohort_id.in_(cohorts)))
    return db.session.scalar(select(func.count(func.distinct(Enrolment.user_id)))
                             .where(Enrolment.cohort_id.in_(cascade_cohorts))) or 0


def build_report(report: ReportFilter, catalogue: Catalogue) -> Report:
    """Every figure of the coordinator dashboard, in a fixed number of queries."""
    cohorts = cohort_ids(report)
    learners = select(Enrolment.user_id).where(Enrolment.cohort_id.in_(cohorts))
    cohort_rows = list(cohort_results(cohorts))
    standing = dict(plain_rows(select(TrainerStanding.user_id, TrainerStanding.generation)))
    trainers = plain_rows(select(CohortTrainer.cohort_id, CohortTrainer.user_id, User.display_name)
                     .join(User, User.id == CohortTrainer.user_id).where(CohortTrainer.cohort_id.in_(cohorts)))
    cascade_trainers = {user_id for _, user_id, _name in trainers if standing.get(user_id, 0) >= 1}
    return Report(
        groups=_groups(cohorts), cohorts=cohort_rows, trainers_active=len({uid for _, uid, _name in trainers}),
        cascade_learners=_cascade_learners(cohorts), cascade_trainers=len(cascade_trainers),
        module_gains=_module_gains(cohorts, catalogue), trainers=_trainer_reach(trainers, standing, cohort_rows),
        gain_by_order=gain_by_order(learners, catalogue.course),
        objective_gains=gain_by_objective(learners, catalogue),
    )


def _trainer_reach(trainers, standing: dict[int, int], cohorts: list[CohortResult]) -> list[TrainerReach]:
    """Each trainer of the selection with the cohorts they ran and the learners in them, busiest first."""
    learners = {c.id: c.learners for c in cohorts}
    runs: dict[int, tuple[str, set[int]]] = {}
    for cohort_id, user_id, name in trainers:
        runs.setdefault(user_id, (name, set()))[1].add(cohort_id)
    rows = [TrainerReach(user_id, name, standing.get(user_id), len(ids), sum(learners.get(c, 0) for c in ids))
            for user_id, (name, ids) in runs.items()]
    return sorted(rows, key=lambda t: (-t.learners, t.name))
