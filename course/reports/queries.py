"""The coordinator's numbers: who was trained, where, from which agencies, whether they learned, how far it reached.

Everything is computed from one pass over the participants of the cohorts in
the filter (a fixed number of aggregate queries whatever their number, which
a test checks at two sizes); the figures derive from the same rows, so the
overview, the disaggregation, the charts and the cohort list always agree.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, case, func, literal, select
from sqlalchemy.orm import noload

from course.cascade.completion import required_quizzes
from course.extensions import db
from course.learn.queries import Catalogue
from course.models.attempt import AttemptState, QuizAttempt
from course.models.certificate import Certificate
from course.models.cohort import Cohort, CohortTrainer, TrainerStanding
from course.models.enrolment import Enrolment
from course.models.progress import SectionRead
from course.models.user import Agency, Gender, User, Velayat
from course.quiz.analytics import course_gains


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


@dataclass
class Participant:
    user_id: int
    agency: Agency | None
    gender: Gender
    #: The learner's own velayat, or the cohort's when the learner did not give one.
    velayat: Velayat
    cohorts: set[int] = field(default_factory=set)
    tracks: set[str] = field(default_factory=set)
    generation: int | None = None
    started: bool = False
    completed: bool = False
    certified: bool = False


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

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.learners if self.learners else None


@dataclass(frozen=True)
class TrainerReach:
    name: str
    generation: int | None
    cohorts: int
    learners: int


@dataclass(frozen=True)
class Report:
    participants: dict[int, Participant]
    cohorts: list[CohortResult]
    gains: dict[int, float]
    trainers_active: int
    #: Learners taught by trainers of generation 1 and deeper, and how many such trainers taught them.
    cascade_learners: int
    cascade_trainers: int
    module_scores: list[tuple[str, float | None]]
    trainers: list[TrainerReach] = field(default_factory=list)

    @property
    def enrolled(self) -> int:
        return len(self.participants)

    def count(self, flag: str) -> int:
        return sum(1 for p in self.participants.values() if getattr(p, flag))

    @property
    def completion_rate(self) -> float | None:
        return self.count("completed") / self.enrolled if self.enrolled else None

    @property
    def mean_gain(self) -> float | None:
        return round(statistics.fmean(self.gains.values()), 1) if self.gains else None

    @property
    def reach_multiplier(self) -> float | None:
        return round(self.cascade_learners / self.cascade_trainers, 1) if self.cascade_trainers else None

    def by_generation(self) -> list[tuple[int, int]]:
        counts = Counter(p.generation for p in self.participants.values() if p.generation is not None)
        return sorted(counts.items())


def _rows(query: Select):
    """Plain rows through the connection: no ORM bookkeeping, which dominates when reading 10,000 learners."""
    return db.session.connection().execute(query).all()


def _display_name():
    """User.display_name in SQL: the full name, or the username when it is empty."""
    return func.coalesce(func.nullif(User.full_name, ""), User.username)


def _participants(cohorts: Select) -> dict[int, Participant]:
    people: dict[int, Participant] = {}
    for user_id, agency, gender, own, cohort_velayat, cohort_id, track_id, generation in _rows(
        select(User.id, User.agency, User.gender, User.velayat, Cohort.velayat, Enrolment.cohort_id,
               Enrolment.track_id, Enrolment.generation)
        .join(Enrolment, Enrolment.user_id == User.id).join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.cohort_id.in_(cohorts))
    ):
        person = people.get(user_id)
        if person is None:
            person = people[user_id] = Participant(user_id, agency, gender, own or cohort_velayat)
        person.cohorts.add(cohort_id)
        person.tracks.add(track_id)
        if generation is not None:
            person.generation = max(person.generation or 0, generation)
    return people


def _bits(names: list[str]) -> dict[str, int]:
    return {name: 1 << index for index, name in enumerate(names)}


def _mask(column, bits: dict[str, int]):
    """A CASE giving each name its bit, so the database can sum a set of names into one integer."""
    return case(*((column == name, bit) for name, bit in bits.items()), else_=0) if bits else literal(0)


def _mark_progress(people: dict[int, Participant], users: Select, catalogue: Catalogue) -> None:
    """Started, and completed (every module of a track read and its required quizzes passed).

    The database returns one row per learner: the modules they finished and the
    quizzes they passed, each as a bit mask, instead of a row per learner and module.
    """
    modules = _bits(list(catalogue.modules))
    quizzes = _bits(sorted({q for t in catalogue.course["tracks"] for q in required_quizzes(t)}))
    needed = case(*((SectionRead.module_id == m, len(catalogue.modules[m].section_keys)) for m in modules),
                  else_=1_000_000)
    per_module = (select(SectionRead.user_id, SectionRead.module_id,
                         (func.count(func.distinct(SectionRead.section_id)) >= needed).label("done"))
                  .where(SectionRead.user_id.in_(users)).group_by(SectionRead.user_id, SectionRead.module_id)
                  .subquery())
    read = dict(_rows(select(per_module.c.user_id, func.sum(case(
        (per_module.c.done, _mask(per_module.c.module_id, modules)), else_=0))).group_by(per_module.c.user_id)))
    per_quiz = (select(QuizAttempt.user_id, QuizAttempt.quiz_id,
                       func.max(case((QuizAttempt.passed.is_(True), 1), else_=0)).label("passed"))
                .where(QuizAttempt.user_id.in_(users), QuizAttempt.state == AttemptState.SUBMITTED)
                .group_by(QuizAttempt.user_id, QuizAttempt.quiz_id).subquery())
    passed = dict(_rows(select(per_quiz.c.user_id, func.sum(case(
        (per_quiz.c.passed == 1, _mask(per_quiz.c.quiz_id, quizzes)), else_=0))).group_by(per_quiz.c.user_id)))
    needs = {
        track["id"]: (sum(modules.get(m, 0) for m in track["modules"]),
                      sum(quizzes[q] for q in required_quizzes(track)))
        for track in catalogue.course["tracks"]
    }
    for person in people.values():
        done, ok = int(read.get(person.user_id) or 0), int(passed.get(person.user_id) or 0)
        person.started = person.user_id in read or person.user_id in passed
        person.completed = any(
            track_id in needs and done & needs[track_id][0] == needs[track_id][0]
            and ok & needs[track_id][1] == needs[track_id][1]
            for track_id in person.tracks
        )


def _gains(users: Select, catalogue: Catalogue) -> dict[int, float]:
    """Gain of each learner who took both tests."""
    gains = course_gains(catalogue.course, catalogue.quizzes, users)
    return {uid: g.gain for uid, g in gains.items() if g.gain is not None}


def _module_scores(users: Select, catalogue: Catalogue) -> list[tuple[str, float | None]]:
    """Average score on each module's own quizzes: where learning held and where it did not."""
    quiz_module = {qid: meta["module"] for qid, meta in catalogue.quizzes.items() if meta.get("module")}
    scores: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for quiz_id, mean, count in db.session.execute(
        select(QuizAttempt.quiz_id, func.avg(QuizAttempt.score), func.count(QuizAttempt.id))
        .where(QuizAttempt.user_id.in_(users), QuizAttempt.state == AttemptState.SUBMITTED,
               QuizAttempt.quiz_id.in_(list(quiz_module))).group_by(QuizAttempt.quiz_id)
    ):
        scores[quiz_module[quiz_id]].append((float(mean), count))
    result = []
    for module_id in catalogue.course["modules"]:
        rows = scores.get(module_id)
        total = sum(count for _, count in rows) if rows else 0
        result.append((module_id, round(sum(m * c for m, c in rows) / total, 1) if total else None))
    return result


def build_report(report: ReportFilter, catalogue: Catalogue) -> Report:
    """Every figure of the coordinator dashboard, in a fixed number of queries."""
    cohorts = cohort_ids(report)
    users = select(Enrolment.user_id).where(Enrolment.cohort_id.in_(cohorts))
    people = _participants(cohorts)
    _mark_progress(people, users, catalogue)
    for user_id in db.session.scalars(select(Certificate.user_id).distinct().where(
            Certificate.cohort_id.in_(cohorts), Certificate.revoked_at.is_(None))):
        if user_id in people:
            people[user_id].certified = True
    gains = {uid: g for uid, g in _gains(users, catalogue).items() if uid in people}
    cohort_rows = _cohort_results(cohorts, people, gains)
    standing = dict(db.session.execute(select(TrainerStanding.user_id, TrainerStanding.generation)).all())
    leads = db.session.execute(
        select(CohortTrainer.cohort_id, CohortTrainer.user_id, _display_name())
        .join(User, User.id == CohortTrainer.user_id).where(CohortTrainer.cohort_id.in_(cohorts))).all()
    trainers_active = len({user_id for _, user_id, _name in leads})
    cascade_cohorts = {cohort_id for cohort_id, user_id, _name in leads if standing.get(user_id, 0) >= 1}
    cascade_trainers = {user_id for _, user_id, _name in leads if standing.get(user_id, 0) >= 1}
    cascade_learners = sum(1 for p in people.values() if p.cohorts & cascade_cohorts)
    return Report(people, cohort_rows, gains, trainers_active, cascade_learners, len(cascade_trainers),
                  _module_scores(users, catalogue), _trainer_reach(leads, standing, cohort_rows))


def _trainer_reach(leads, standing: dict[int, int], cohorts: list[CohortResult]) -> list[TrainerReach]:
    """Each trainer of the selection with the cohorts they ran and the learners in them, busiest first."""
    learners = {c.id: c.learners for c in cohorts}
    runs: dict[int, tuple[str, set[int]]] = {}
    for cohort_id, user_id, name in leads:
        runs.setdefault(user_id, (name, set()))[1].add(cohort_id)
    rows = [TrainerReach(name, standing.get(user_id), len(ids), sum(learners.get(c, 0) for c in ids))
            for user_id, (name, ids) in runs.items()]
    return sorted(rows, key=lambda t: (-t.learners, t.name))


def _cohort_results(cohorts: Select, people: dict[int, Participant], gains: dict[int, float]) -> list[CohortResult]:
    members: dict[int, list[Participant]] = defaultdict(list)
    for person in people.values():
        for cohort_id in person.cohorts:
            members[cohort_id].append(person)
    lead_names = dict(db.session.execute(
        select(CohortTrainer.cohort_id, _display_name())
        .join(User, User.id == CohortTrainer.user_id)
        .where(CohortTrainer.cohort_id.in_(cohorts), CohortTrainer.lead.is_(True))).all())
    results = []
    for cohort in db.session.scalars(select(Cohort).options(noload(Cohort.trainers)).where(Cohort.id.in_(cohorts))
                                     .order_by(Cohort.starts_on.desc(), Cohort.id.desc())):
        group = members.get(cohort.id, [])
        cohort_gains = [gains[p.user_id] for p in group if p.user_id in gains]
        results.append(CohortResult(
            cohort.id, cohort.name, cohort.velayat, cohort.track_id, cohort.starts_on, cohort.ends_on,
            lead_names.get(cohort.id, ""), len(group), sum(1 for p in group if p.completed),
            round(statistics.fmean(cohort_gains), 1) if cohort_gains else None))
    return results
