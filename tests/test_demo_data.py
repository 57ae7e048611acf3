"""``course demo-data``: a generated population that the app's own rules find consistent."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from course.cascade.completion import track_progress
from course.certificates.services import serial_for
from course.demo_data import DemoSummary, generate_demo_data
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
from course.models.certificate import Certificate
from course.models.cohort import Cohort, CohortTrainer, TrainerStanding
from course.models.enrolment import Enrolment
from course.models.progress import SectionRead
from course.models.user import Role, User, UserRole
from course.quiz.attempts import score_percent
from course.quiz.definition import live_definition

LEARNERS = 60


def generate(learners: int = LEARNERS, seed: int = 7) -> DemoSummary:
    summary = generate_demo_data(learners, seed=seed)
    db.session.commit()
    return summary


@pytest.fixture
def summary(synced) -> DemoSummary:
    return generate()


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_database_holds_what_the_summary_counts(summary):
    assert summary.learners == LEARNERS
    assert summary.cohorts >= 4
    assert count(User, User.username.startswith(summary.prefix)) == summary.users
    assert summary.users == LEARNERS + summary.trainers_by_generation[0]
    assert count(Cohort) == summary.cohorts
    assert count(Enrolment) == summary.enrolments == LEARNERS
    assert count(SectionRead) == summary.section_reads
    assert count(QuizAttempt) == summary.attempts
    assert count(AttemptAnswer) == summary.answers
    assert count(Certificate) == summary.certificates
    assert count(Certificate, Certificate.revoked_at.is_not(None)) == summary.revoked_certificates
    generations = Counter(db.session.scalars(select(TrainerStanding.generation)))
    assert dict(generations) == summary.trainers_by_generation
    assert set(summary.trainers_by_generation) >= {0, 1, 2}
    assert count(UserRole, UserRole.role == Role.TRAINER) == sum(generations.values())
    assert any(line.strip().startswith("answers") for line in summary.lines())


def test_every_learner_is_one_generation_below_the_lead_of_their_cohort(summary):
    lead = aliased(CohortTrainer)
    rows = db.session.execute(
        select(Enrolment.generation, TrainerStanding.generation, Enrolment.track_id, Cohort.track_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(lead, (lead.cohort_id == Cohort.id) & lead.lead)
        .join(TrainerStanding, TrainerStanding.user_id == lead.user_id)
    ).all()
    assert len(rows) == LEARNERS
    assert all(learner == trainer + 1 for learner, trainer, _track, _cohort_track in rows)
    assert all(track == cohort_track for _l, _t, track, cohort_track in rows)
    assert {learner for learner, *_rest in rows} >= {1, 2, 3}
    # Every cohort has exactly one lead.
    assert count(CohortTrainer, CohortTrainer.lead) == summary.cohorts


def test_trainers_were_trained_in_a_trainer_track_cohort_by_the_generation_above(summary):
    catalogue = load_catalogue()
    trainer_track = next(t for t in catalogue.course["tracks"] if t.get("promotion"))
    lead = aliased(CohortTrainer)
    teacher = aliased(TrainerStanding)
    for standing in db.session.scalars(select(TrainerStanding)):
        if standing.generation == 0:
            assert standing.trained_in_cohort_id is None
            continue
        cohort = db.session.get(Cohort, standing.trained_in_cohort_id)
        assert cohort.track_id == trainer_track["id"]
        teacher_generation = db.session.scalar(
            select(teacher.generation).join(lead, (lead.user_id == teacher.user_id) & lead.lead)
            .where(lead.cohort_id == cohort.id))
        assert standing.generation == teacher_generation + 1
        # Promotion needs a completed trainer track, as the app checks it.
        assert track_progress(catalogue, trainer_track, [standing.user_id])[standing.user_id].complete
        # A trainer teaches only after being made one.
        for row in db.session.scalars(select(CohortTrainer).where(CohortTrainer.user_id == standing.user_id)):
            assert db.session.get(Cohort, row.cohort_id).starts_on > standing.granted_at.date()


def test_attempts_and_answers_are_graded_consistently(summary):
    totals = {attempt_id: (earned, possible, answers) for attempt_id, earned, possible, answers in db.session.execute(
        select(AttemptAnswer.attempt_id, func.sum(AttemptAnswer.earned), func.sum(AttemptAnswer.possible),
               func.count(AttemptAnswer.id)).group_by(AttemptAnswer.attempt_id))}
    assert count(AttemptAnswer, AttemptAnswer.earned > AttemptAnswer.possible) == 0
    assert count(AttemptAnswer, AttemptAnswer.earned < 0) == 0
    definitions = {}
    for attempt in db.session.scalars(select(QuizAttempt)):
        definition = definitions.setdefault(attempt.quiz_id, live_definition(attempt.quiz_id))
        assert attempt.quiz_hash == definition.content_hash
        assert attempt.state == AttemptState.SUBMITTED
        assert attempt.started_at < attempt.submitted_at
        assert set(attempt.layout["questions"]) <= set(definition.questions)
        earned, possible, answers = totals[attempt.id]
        assert answers == len(attempt.layout["questions"])
        assert attempt.earned == pytest.approx(earned, abs=1e-5)
        assert attempt.possible == pytest.approx(possible, abs=1e-5)
        assert attempt.score == score_percent(attempt.earned, attempt.possible)
        assert attempt.passed == (attempt.score >= definition.settings.pass_mark)
    numbers = Counter(db.session.scalars(select(QuizAttempt.number)))
    assert set(numbers) <= {1, 2}
    assert numbers[1] > numbers[2]


def test_reading_and_certificates_match_the_live_course(summary):
    catalogue = load_catalogue()
    for module_id, module_hash in db.session.execute(select(SectionRead.module_id, SectionRead.module_hash).distinct()):
        assert module_hash == catalogue.modules[module_id].content_hash
    certificates = db.session.scalars(select(Certificate)).all()
    assert certificates
    for certificate in certificates:
        assert certificate.serial == serial_for(certificate.kind, certificate.issued_at.year, certificate.id)
        assert certificate.holder_name == db.session.get(User, certificate.user_id).full_name
        track = catalogue.track(certificate.track_id)
        assert certificate.kind.value == track["certificate"]["kind"]
        assert track_progress(catalogue, track, [certificate.user_id])[certificate.user_id].complete


def test_accounts_are_unique_active_and_must_change_their_password(summary):
    users = db.session.scalars(select(User)).all()
    assert len({user.username for user in users}) == len(users)
    assert all(user.active and user.must_change_password for user in users)
    assert all(user.full_name for user in users)
    assert len({user.password_hash for user in users}) == 1


def test_a_second_run_adds_a_second_population_of_the_same_shape(synced):
    first = generate(seed=11)
    second = generate(seed=11)
    assert second.prefix != first.prefix
    assert replace(second, prefix=first.prefix) == first
    assert count(User) == first.users + second.users
    assert count(Cohort) == first.cohorts + second.cohorts
    assert count(AttemptAnswer) == first.answers + second.answers
    assert count(Certificate) == first.certificates + second.certificates
    assert len(set(db.session.scalars(select(Cohort.join_code)))) == count(Cohort)


def test_the_command_prints_the_summary(runner, synced):
    result = runner.invoke(args=["demo-data", "--learners", "30", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "30 learners" in result.output
    assert "generation 2:" in result.output
    db.session.expire_all()
    assert count(Enrolment) == 30


def test_the_command_needs_the_course_content(runner, app):
    result = runner.invoke(args=["demo-data", "--learners", "30"])
    assert result.exit_code == 1
    assert "No course is loaded yet" in result.output
    assert count(User) == 0
