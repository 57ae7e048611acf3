"""``course demo-data``: a generated population that the app's own rules find consistent."""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

import course.demo_data
from course.cascade.completion import requires_practice, track_progress
from course.certificates.services import serial_for
from course.demo_data import DemoSummary, generate_demo_data
from course.extensions import db
from course.learn.queries import Catalogue, load_catalogue
from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
from course.models.attendance import Attendance, SessionDay
from course.models.certificate import Certificate
from course.models.cohort import Cohort, CohortTrainer, TrainerStanding
from course.models.enrolment import Enrolment
from course.models.evaluation import EvaluationResponse, EvaluationSubmission
from course.models.practice import PracticeAssessment
from course.models.progress import SectionRead
from course.models.types import utcnow
from course.models.user import Role, User, UserRole
from course.practice.rubric import rubric_of
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


def leads() -> dict[int, int]:
    """Cohort id → its lead's user id."""
    query = select(CohortTrainer.cohort_id, CohortTrainer.user_id).where(CohortTrainer.lead)
    return dict(db.session.execute(query).all())


def with_course(monkeypatch, change) -> Catalogue:
    """Make the generator see the live course with ``change(course)`` applied; returns that catalogue."""
    live = load_catalogue()
    changed = replace(live, course=copy.deepcopy(live.course))
    change(changed.course)
    monkeypatch.setattr(course.demo_data, "load_catalogue", lambda: changed)
    return changed


def holders_and_trainers() -> set[tuple[int, str]]:
    """(user, track) of every certificate and of every trainer's training (generation 1 and below)."""
    found = set(db.session.execute(select(Certificate.user_id, Certificate.track_id)).tuples())
    found |= set(db.session.execute(
        select(TrainerStanding.user_id, Cohort.track_id).join(Cohort, Cohort.id == TrainerStanding.trained_in_cohort_id)
        .where(TrainerStanding.generation >= 1)).tuples())
    return found


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
    assert count(SessionDay) == summary.session_days > 0
    assert count(Attendance) == summary.attendance_marks > 0
    assert count(PracticeAssessment) == summary.practice_assessments > 0
    assert count(EvaluationSubmission) == count(EvaluationResponse) == summary.evaluations > 0
    lines = [line.strip() for line in summary.lines()]
    assert any(line.startswith("answers") for line in lines)
    assert any(line.startswith("session days") for line in lines)
    assert any(line.startswith("evaluations") for line in lines)


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


def test_every_certificate_holder_and_trainer_completed_the_track_by_the_apps_rule(summary):
    catalogue = load_catalogue()
    found = holders_and_trainers()
    assert {track for _user, track in found} == {t["id"] for t in catalogue.course["tracks"]}
    for user_id, track_id in found:
        assert track_progress(catalogue, catalogue.track(track_id), [user_id])[user_id].complete, (user_id, track_id)


def test_practice_assessments_are_scored_on_the_rubric_by_the_cohorts_lead(summary):
    catalogue = load_catalogue()
    lead_of = leads()
    enrolled = dict(db.session.execute(select(Enrolment.user_id, Enrolment.cohort_id)).all())
    assessments = db.session.scalars(select(PracticeAssessment)).all()
    assert any(a.passed for a in assessments)
    for a in assessments:
        assert a.rubric == catalogue.course["rubric"]
        rubric = rubric_of(a.rubric, "en", "en")
        assert set(a.scores) == {c.id for c in rubric.criteria}
        assert set(a.scores.values()) <= set(rubric.scores)
        assert a.total == sum(a.scores.values())
        assert a.passed == rubric.passes(a.scores)
        track = catalogue.track(a.track_id)
        assert requires_practice(track)
        assert a.module_id in track["modules"]
        assert enrolled[a.trainee_id] == a.cohort_id
        assert a.assessor_id == lead_of[a.cohort_id] != a.trainee_id
        assert len(a.recommendations) >= 20 and "\n" in a.recommendations
        cohort = db.session.get(Cohort, a.cohort_id)
        assert a.assessed_at.date() == cohort.ends_on or a.assessed_at.date() == utcnow().date()
        assert a.assessed_at <= utcnow()
    # Whoever passed the practice passed it once: a second assessment follows only a failed first.
    passed = Counter(a.trainee_id for a in assessments if a.passed)
    assert set(passed.values()) == {1}
    assert len(assessments) <= 2 * len({a.trainee_id for a in assessments})


def test_attendance_is_marked_on_the_learners_own_cohort_days(summary):
    lead_of = leads()
    rows = db.session.execute(
        select(Attendance.user_id, Attendance.marked_by_id, Attendance.marked_at, SessionDay.cohort_id, SessionDay.day,
               Enrolment.cohort_id, Cohort.starts_on, Cohort.ends_on)
        .join(SessionDay, SessionDay.id == Attendance.session_day_id)
        .join(Cohort, Cohort.id == SessionDay.cohort_id)
        .outerjoin(Enrolment, Enrolment.user_id == Attendance.user_id)).all()
    assert rows
    today = utcnow().date()
    for _user, marked_by, marked_at, day_cohort, day, own_cohort, starts_on, ends_on in rows:
        assert day_cohort == own_cohort
        assert starts_on <= day <= min(ends_on, today)
        assert marked_by == lead_of[day_cohort]
        assert marked_at.date() == day and marked_at <= utcnow()
    # Every learner is marked on every day of their cohort, each day once.
    days = Counter(db.session.scalars(select(SessionDay.cohort_id)))
    learners = Counter(db.session.scalars(select(Enrolment.cohort_id)))
    assert len(rows) == sum(days[c] * learners[c] for c in days)
    assert len({(user, day_cohort, day) for user, _b, _a, day_cohort, day, *_rest in rows}) == len(rows)
    for cohort in db.session.scalars(select(Cohort)):
        span = (min(cohort.ends_on, today) - cohort.starts_on).days + 1
        assert days[cohort.id] == max(0, min(span, 5))


def test_evaluations_cannot_be_traced_to_who_gave_them(summary):
    catalogue = load_catalogue()
    form = catalogue.course["evaluation"]
    scale = {level["value"] for level in form["likert"]}
    items = {item["id"]: item for item in form["items"]}
    submissions = db.session.scalars(select(EvaluationSubmission).order_by(EvaluationSubmission.id)).all()
    responses = db.session.scalars(select(EvaluationResponse)).all()
    per_cohort = Counter(s.cohort_id for s in submissions)
    assert Counter(r.cohort_id for r in responses) == per_cohort
    ended = {c.id: c for c in db.session.scalars(select(Cohort).where(Cohort.ends_on <= utcnow().date()))}
    assert set(per_cohort) <= set(ended)
    enrolled = dict(db.session.execute(select(Enrolment.user_id, Enrolment.cohort_id)).all())
    for submission in submissions:
        assert enrolled[submission.user_id] == submission.cohort_id
        assert ended[submission.cohort_id].ends_on <= submission.submitted_on <= utcnow().date()
    users = db.session.execute(select(User.id, User.username, User.full_name)).all()
    # Ids, usernames and every part of every name.
    identifying = {str(uid) for uid, *_names in users} | {
        word for _id, *names in users for name in names for word in name.split()}
    assert "user_id" not in EvaluationResponse.__table__.c
    for response in responses:
        assert response.form_id == form["id"]
        assert set(response.answers) <= set(items)
        for item_id, item in items.items():
            if item.get("required", True):
                assert item_id in response.answers
        for item_id, answer in response.answers.items():
            if items[item_id]["type"] == "rating":
                assert answer in scale
            else:
                assert isinstance(answer, str) and answer
                words = set(answer.replace(".", " ").replace(",", " ").replace(":", " ").split())
                assert not words & identifying, answer
    # Written in an order of their own: their cohorts do not follow the submissions' order.
    assert [r.cohort_id for r in responses] != [s.cohort_id for s in submissions]


def test_a_track_that_requires_attendance_is_completed_only_by_those_who_attended(synced, monkeypatch):
    def require_attendance(course_data):
        for track in course_data["tracks"]:
            track.setdefault("completion", {})["min_attendance"] = 1.0 if track.get("promotion") else 0.5

    catalogue = with_course(monkeypatch, require_attendance)
    summary = generate(seed=5)
    assert summary.trainers_by_generation.get(1)
    for user_id, track_id in holders_and_trainers():
        progress = track_progress(catalogue, catalogue.track(track_id), [user_id])[user_id]
        assert progress.complete and progress.attendance_met
    # Some learners did everything else but missed a day, so did not complete; the rule is what stopped them.
    trainer_track = next(t for t in catalogue.course["tracks"] if t.get("promotion"))
    learners = db.session.scalars(select(Enrolment.user_id).where(Enrolment.track_id == trainer_track["id"])).all()
    missed = [p for p in track_progress(catalogue, trainer_track, learners).values()
              if p.modules_complete == len(p.statuses) and not p.missing_quizzes and not p.attendance_met]
    assert missed
    assessed = set(db.session.scalars(select(PracticeAssessment.trainee_id)))
    assert not {p.user_id for p in missed} & (assessed | {u for u, _t in holders_and_trainers()})


def test_without_a_rubric_or_a_form_there_is_no_practice_and_no_evaluation(synced, monkeypatch):
    def drop(course_data):
        course_data["rubric"] = None
        course_data["evaluation"] = None

    catalogue = with_course(monkeypatch, drop)
    summary = generate()
    assert summary.practice_assessments == summary.evaluations == 0
    assert count(PracticeAssessment) == count(EvaluationSubmission) == count(EvaluationResponse) == 0
    assert summary.session_days > 0
    # The trainer track then cannot be completed: nobody holds its certificate.
    practice_tracks = [t["id"] for t in catalogue.course["tracks"] if requires_practice(t)]
    assert practice_tracks
    assert count(Certificate, Certificate.track_id.in_(practice_tracks)) == 0


def test_the_population_has_age_bands_and_disability_as_donors_would_break_them_down(summary):
    from course.models.user import AgeBand, Disability  # noqa: PLC0415

    bands = Counter(db.session.scalars(select(User.age_band)))
    assert bands[AgeBand.FROM_35_TO_44] > bands[AgeBand.UNDER_25] > 0 and bands[AgeBand.NOT_STATED] > 0
    disability = Counter(db.session.scalars(select(User.disability)))
    assert disability[Disability.NO] > disability[Disability.NOT_STATED] > disability[Disability.YES] > 0
