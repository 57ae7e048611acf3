"""The programme's three levels for a set of cohorts: reaction, learning, behaviour.

Reaction is what learners said in the evaluation, learning is what the pre- and
post-tests measured, behaviour is what trainers trained in these cohorts went on
to do: the cohorts they teach and the colleagues those reach, and what learners
say they applied when asked months later (the follow-up). Each level is a
few aggregate queries over the same selection of cohorts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, func, select

from course.evaluation.form import EvaluationForm
from course.evaluation.results import CohortLine, Results, across_cohorts
from course.extensions import db
from course.follow_up.form import FollowUpForm
from course.follow_up.results import Wave, follow_up_results
from course.models.cohort import Cohort, CohortTrainer, TrainerStanding
from course.models.enrolment import Enrolment
from course.models.summary import LearnerSummary
from course.models.user import Velayat
from course.reports.queries import summary_of_enrolment


@dataclass(frozen=True)
class Learning:
    #: Learners of the cohorts who took both tests.
    learners: int
    mean_pre: float | None
    mean_post: float | None

    @property
    def mean_gain(self) -> float | None:
        return None if self.mean_pre is None or self.mean_post is None else round(self.mean_post - self.mean_pre, 1)


@dataclass(frozen=True)
class Behaviour:
    #: Trainers certified through the cohorts (their trainer-track cohort is one of them).
    trainers_trained: int
    #: Of those, the ones who lead or co-train at least one cohort.
    trainers_teaching: int
    cohorts_delivered: int
    learners_reached: int


@dataclass(frozen=True)
class Programme:
    cohorts: int
    learners: int
    reaction: Results | None
    reaction_cohorts: list[CohortLine]
    learning: Learning
    behaviour: Behaviour
    #: The follow-up questionnaire's answers per wave (empty where the course has none).
    follow_up: list[Wave] = field(default_factory=list)


def _learning(cohorts: Select) -> Learning:
    """Each learner once, however many of their tracks are in the selection (their scores are the same on each)."""
    both = (LearnerSummary.pre_score.is_not(None), LearnerSummary.post_score.is_not(None))
    learners = (select(LearnerSummary.user_id, LearnerSummary.pre_score, LearnerSummary.post_score).distinct()
                .join(Enrolment, summary_of_enrolment()).where(Enrolment.cohort_id.in_(cohorts), *both).subquery())
    count, pre, post = db.session.execute(
        select(func.count(), func.avg(learners.c.pre_score), func.avg(learners.c.post_score))).one()
    return Learning(count or 0, None if pre is None else round(float(pre), 1),
                    None if post is None else round(float(post), 1))


def _behaviour(cohorts: Select, velayats: frozenset[Velayat] | None) -> Behaviour:
    """Cohorts taught later count only within the coordinator's velayats, as everything else on the page does."""
    trained = select(TrainerStanding.user_id).where(TrainerStanding.trained_in_cohort_id.in_(cohorts))
    later = [CohortTrainer.user_id.in_(trained)]
    if velayats is not None:
        later.append(CohortTrainer.cohort_id.in_(select(Cohort.id).where(Cohort.velayat.in_(sorted(velayats)))))
    taught = select(CohortTrainer.cohort_id).where(*later)
    trainers_trained = db.session.scalar(select(func.count()).select_from(trained.subquery())) or 0
    teaching, delivered = db.session.execute(
        select(func.count(func.distinct(CohortTrainer.user_id)), func.count(func.distinct(CohortTrainer.cohort_id)))
        .where(*later)).one()
    reached = db.session.scalar(select(func.count(func.distinct(Enrolment.user_id)))
                                .where(Enrolment.cohort_id.in_(taught))) or 0
    return Behaviour(trainers_trained, teaching or 0, delivered or 0, reached)


def build_programme(cohorts: Select, form: EvaluationForm | None, velayats: frozenset[Velayat] | None = None,
                    follow_up: FollowUpForm | None = None) -> Programme:
    """The three levels for the cohorts of the selection (a SELECT of cohort ids), within the velayats; behaviour
    both as the cascade shows it and as learners say it in the follow-up months later."""
    count = db.session.scalar(select(func.count()).select_from(cohorts.subquery())) or 0
    learners = db.session.scalar(select(func.count(func.distinct(Enrolment.user_id)))
                                 .where(Enrolment.cohort_id.in_(cohorts))) or 0
    reaction, lines = across_cohorts(cohorts, form) if form else (None, [])
    return Programme(count, learners, reaction, lines, _learning(cohorts), _behaviour(cohorts, velayats),
                     follow_up_results(cohorts, follow_up) if follow_up else [])
