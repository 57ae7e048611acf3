"""How far a trainer's teaching reached: their own learners, the trainers among them, and everyone those taught.

The lineage runs through cohorts: a trainer trained in a cohort descends from
that cohort's trainers. The whole tree is read in two small queries and walked
in Python; learners are then counted in two aggregate queries, so the page
costs the same whether the cascade holds ten learners or ten thousand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from course.extensions import db
from course.models.cohort import CohortTrainer, TrainerStanding
from course.models.enrolment import Enrolment
from course.models.user import User


@dataclass(frozen=True)
class TrainedTrainer:
    """A trainer who learned in one of the cohorts of the trainer whose cascade is shown."""

    user_id: int
    name: str
    generation: int
    cohorts: int
    learners: int


@dataclass(frozen=True)
class GenerationCount:
    generation: int
    learners: int
    trainers: int


@dataclass(frozen=True)
class Reach:
    cohorts: int
    direct_learners: int
    trainers: list[TrainedTrainer]
    #: Learners taught by the trainers who descend from this one, not by this one directly.
    through_trainers: int
    generations: list[GenerationCount]

    @property
    def total(self) -> int:
        return self.direct_learners + self.through_trainers


def _lineage() -> tuple[dict[int, set[int]], dict[int, list[tuple[int, int, str]]]]:
    """Cohorts of each trainer, and the trainers trained in each cohort (two queries)."""
    cohorts_of: dict[int, set[int]] = defaultdict(set)
    for cohort_id, user_id in db.session.execute(select(CohortTrainer.cohort_id, CohortTrainer.user_id)):
        cohorts_of[user_id].add(cohort_id)
    trained_in: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for user_id, cohort_id, generation, full_name, username in db.session.execute(
        select(TrainerStanding.user_id, TrainerStanding.trained_in_cohort_id, TrainerStanding.generation,
               User.full_name, User.username).join(User, User.id == TrainerStanding.user_id)
        .where(TrainerStanding.trained_in_cohort_id.is_not(None))
    ):
        trained_in[cohort_id].append((user_id, generation, full_name or username))
    return cohorts_of, trained_in


def _count_learners(cohort_ids: set[int], by) -> dict:
    """Distinct learners of these cohorts, grouped ``by`` a column of the enrolment (cohort or generation)."""
    if not cohort_ids:
        return {}
    return dict(db.session.execute(
        select(by, func.count(func.distinct(Enrolment.user_id)))
        .where(Enrolment.cohort_id.in_(cohort_ids)).group_by(by)
    ).all())


def reach_of(trainer_id: int) -> Reach:
    """The cascade below one trainer, in five queries."""
    cohorts_of, trained_in = _lineage()
    mine = cohorts_of.get(trainer_id, set())
    direct_trainees = [t for cohort_id in sorted(mine) for t in trained_in.get(cohort_id, [])]
    # Walk down the tree; ``seen`` guards against a cycle in bad data (a trainer recorded as trained by a pupil).
    seen, queue, below, trainer_generations = {trainer_id}, [t[0] for t in direct_trainees], set(), defaultdict(int)
    while queue:
        user_id = queue.pop()
        if user_id in seen:
            continue
        seen.add(user_id)
        below |= cohorts_of.get(user_id, set())
        for cohort_id in cohorts_of.get(user_id, set()):
            queue += [t[0] for t in trained_in.get(cohort_id, [])]
    for cohort_id in mine | below:
        for _user_id, generation, _name in trained_in.get(cohort_id, []):
            trainer_generations[generation] += 1
    counts = _count_learners(mine | below, Enrolment.cohort_id)
    everyone = _count_learners(mine | below, Enrolment.generation)
    direct = sum(_count_learners(mine, Enrolment.generation).values())
    trainers = [
        TrainedTrainer(user_id, name, generation, len(cohorts_of.get(user_id, set())),
                       sum(counts.get(c, 0) for c in cohorts_of.get(user_id, set())))
        for user_id, generation, name in direct_trainees
    ]
    generations = [
        GenerationCount(generation, everyone.get(generation, 0), trainer_generations.get(generation, 0))
        for generation in sorted({g for g in everyone if g is not None} | set(trainer_generations))
    ]
    return Reach(cohorts=len(mine), direct_learners=direct, trainers=trainers,
                 through_trainers=max(0, sum(everyone.values()) - direct), generations=generations)
