"""Becoming a trainer, the coordinator's list of trainers, and the reach of a trainer's cascade."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from course.cascade.promotion import grant_master_trainer, promote_to_trainer
from course.cascade.reach import reach_of
from course.cohorts.services import CohortDetails, create_cohort, enrol_in_cohort
from course.content.sync import sync_content
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.attempt import AttemptState, QuizAttempt
from course.models.audit import AuditEvent
from course.models.cohort import TrainerStanding
from course.models.enrolment import Enrolment
from course.models.practice import PracticeAssessment
from course.models.progress import SectionRead
from course.models.types import utcnow
from course.models.user import Role, User, Velayat
from course.summary import refresh_learners
from tests.conftest import csrf_token
from tests.test_cohort_pages import as_user


def cohort_of(lead: User, track_id: str, name: str, *, actor: User | None = None, ending_today: bool = False):
    """A cohort of four days in March 2027, or (``ending_today``) one whose last day is today: certificates that
    a track issues automatically wait for the cohort's last day."""
    last = utcnow().date() if ending_today else date(2027, 3, 4)
    details = CohortDetails(name=name, track_id=track_id, language="en", velayat=Velayat.MARY,
                            starts_on=last - timedelta(days=3), ends_on=last)
    cohort = create_cohort(details, load_catalogue(), lead=lead, actor=actor or lead)
    db.session.commit()
    return cohort


def edit_course(app, editable_content, old: str, new: str) -> None:
    """Serve a copy of the fixture content whose course.yaml has ``old`` replaced by ``new``."""
    course_file = editable_content / "modules/course.yaml"
    text = course_file.read_text(encoding="utf-8")
    assert old in text
    course_file.write_text(text.replace(old, new), encoding="utf-8")
    app.config["CONTENT_DIR"] = editable_content
    sync_content(editable_content)
    db.session.commit()


def read_everything(user: User, track_id: str) -> None:
    catalogue = load_catalogue()
    for module_id in catalogue.track(track_id)["modules"]:
        module = catalogue.modules[module_id]
        db.session.add_all(SectionRead(user_id=user.id, module_id=module_id, section_id=key,
                                       module_hash=module.content_hash) for key in module.section_keys)
    refresh_learners([user.id], catalogue)  # as the reading page does
    db.session.commit()


def pass_quiz(user: User, quiz_id: str, *, passed: bool = True) -> None:
    number = 1 + len(db.session.scalars(select(QuizAttempt.id).where(
        QuizAttempt.user_id == user.id, QuizAttempt.quiz_id == quiz_id)).all())
    db.session.add(QuizAttempt(user_id=user.id, quiz_id=quiz_id, quiz_hash="h" * 64, number=number,
                               state=AttemptState.SUBMITTED, layout={"questions": [], "orders": {}},
                               submitted_at=utcnow(), score=90.0 if passed else 20.0, earned=9.0 if passed else 2.0,
                               possible=10.0, passed=passed))
    db.session.flush()
    refresh_learners([user.id])  # as submitting does
    db.session.commit()


def pass_practice(user: User, *, passed: bool = True) -> None:
    """A teaching-practice assessment of ``user`` in their trainer-track cohort, as the assessment page records it."""
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.track_id == "full"))
    score = 3 if passed else 1
    db.session.add(PracticeAssessment(
        trainee_id=user.id, cohort_id=enrolment.cohort_id, course_id=enrolment.course_id, track_id="full",
        module_id="alpha", scores={"accuracy": score, "clarity": score}, rubric=load_catalogue().course["rubric"],
        total=2 * score, passed=passed, recommendations="Name the source of each legal point."))
    db.session.flush()
    refresh_learners([user.id])  # as recording an assessment does
    db.session.commit()


def certified_trainee(make_user):
    """A master trainer's trainer-track cohort ending today, with one trainee who completed it and holds the
    trainer certificate; a coordinator too. Returns (master, trainee, cohort, certificate)."""
    from course.certificates.services import issue_certificate  # noqa: PLC0415

    coordinator = make_user("coord", roles={Role.COORDINATOR}, full_name="Coordinator")
    master = make_user("master", roles={Role.TRAINER}, full_name="Master Trainer")
    grant_master_trainer(master, actor_id=coordinator.id)
    trainee = make_user("aylar", full_name="Aylar Trainee")
    cohort = cohort_of(master, "full", "Ashgabat ToT", ending_today=True)
    enrol_in_cohort(trainee, cohort)
    db.session.commit()
    read_everything(trainee, "full")
    pass_quiz(trainee, "post-test")
    pass_practice(trainee)
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == trainee.id))
    certificate = issue_certificate(enrolment, load_catalogue(), actor_id=master.id)
    db.session.commit()
    return master, trainee, cohort, certificate


@pytest.fixture
def programme(app, synced, make_user):
    """A master trainer's trainer-track cohort (track "full", which promotes on approval) with two learners."""
    people = {
        "master": make_user("master", roles={Role.TRAINER}, full_name="Master Trainer"),
        "coord": make_user("coord", roles={Role.COORDINATOR}),
        "aylar": make_user("aylar", full_name="Aylar Trainee"),
        "batyr": make_user("batyr", full_name="Batyr Trainee"),
    }
    grant_master_trainer(people["master"], actor_id=people["coord"].id)
    people["tot"] = cohort_of(people["master"], "full", "Ashgabat ToT")
    for name in ("aylar", "batyr"):
        enrol_in_cohort(people[name], people["tot"])
    db.session.commit()
    return people


def test_a_learner_who_completes_the_trainer_track_waits_for_a_coordinator(app, programme):
    aylar = programme["aylar"]
    read_everything(aylar, "full")
    coordinator = as_user(app, "coord")
    assert "Aylar Trainee" not in coordinator.get("/trainers").get_data(as_text=True)  # post-test not passed yet
    pass_quiz(aylar, "post-test", passed=False)
    assert "Aylar Trainee" not in coordinator.get("/trainers").get_data(as_text=True)
    pass_quiz(aylar, "post-test")
    assert "Aylar Trainee" not in coordinator.get("/trainers").get_data(as_text=True)  # teaching practice missing
    pass_practice(aylar, passed=False)
    assert "Aylar Trainee" not in coordinator.get("/trainers").get_data(as_text=True)
    pass_practice(aylar)
    page = coordinator.get("/trainers").get_data(as_text=True)
    assert "Aylar Trainee" in page and "Batyr Trainee" not in page
    assert Role.TRAINER not in db.session.get(User, aylar.id).roles  # eligible is not promoted


def test_approving_a_candidate_makes_a_trainer_of_the_next_generation(app, programme):
    aylar, tot = programme["aylar"], programme["tot"]
    read_everything(aylar, "full")
    pass_quiz(aylar, "post-test")
    pass_practice(aylar)
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == aylar.id))
    coordinator = as_user(app, "coord")
    token = csrf_token(coordinator, "/trainers")
    response = coordinator.post(f"/trainers/candidates/{enrolment.id}/approve", data={"csrf_token": token},
                                follow_redirects=True)
    assert "Aylar Trainee is now a trainer." in response.get_data(as_text=True)
    standing = db.session.scalar(select(TrainerStanding).where(TrainerStanding.user_id == aylar.id))
    assert (standing.generation, standing.trained_in_cohort_id, standing.granted_by_id) == (
        1, tot.id, programme["coord"].id)
    db.session.expire_all()
    assert Role.TRAINER in db.session.get(User, aylar.id).roles
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "trainer.promote"))
    assert event.target == "aylar" and event.details["generation"] == 1
    # Approving twice changes nothing and says why.
    again = coordinator.post(f"/trainers/candidates/{enrolment.id}/approve", data={"csrf_token": token},
                             follow_redirects=True)
    assert "already a trainer" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(TrainerStanding)).all()) == 2  # the master and Aylar


def test_a_learner_who_has_not_completed_cannot_be_approved(app, programme):
    batyr = programme["batyr"]
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == batyr.id))
    coordinator = as_user(app, "coord")
    response = coordinator.post(f"/trainers/candidates/{enrolment.id}/approve",
                                data={"csrf_token": csrf_token(coordinator, "/trainers")}, follow_redirects=True)
    assert "has not completed the track yet" in response.get_data(as_text=True)
    assert db.session.scalar(select(TrainerStanding).where(TrainerStanding.user_id == batyr.id)) is None


@pytest.mark.parametrize("username", ["master", "aylar"])
def test_only_coordinators_see_and_approve_trainers(app, programme, username):
    aylar = programme["aylar"]
    read_everything(aylar, "full")
    pass_quiz(aylar, "post-test")
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == aylar.id))
    client = as_user(app, username)
    assert client.get("/trainers").status_code == 403
    token = csrf_token(client, "/")
    assert client.post(f"/trainers/candidates/{enrolment.id}/approve", data={"csrf_token": token}).status_code == 403
    assert client.post("/trainers/master", data={"csrf_token": token, "username": username}).status_code == 403
    assert db.session.scalar(select(TrainerStanding).where(TrainerStanding.user_id == aylar.id)) is None


def test_a_coordinator_names_master_trainers(app, programme):
    coordinator = as_user(app, "coord")
    token = csrf_token(coordinator, "/trainers")
    response = coordinator.post("/trainers/master", data={"csrf_token": token, "username": "batyr"},
                                follow_redirects=True)
    assert "Batyr Trainee is now a master trainer." in response.get_data(as_text=True)
    standing = db.session.scalar(select(TrainerStanding).where(TrainerStanding.user_id == programme["batyr"].id))
    assert standing.generation == 0 and standing.trained_in_cohort_id is None
    unknown = coordinator.post("/trainers/master", data={"csrf_token": token, "username": "nobody"},
                               follow_redirects=True)
    assert "No user named nobody." in unknown.get_data(as_text=True)


def test_a_track_with_automatic_promotion_makes_a_trainer_at_the_last_step(app, editable_content, make_user):
    edit_course(app, editable_content, "promotion: coordinator_approves", "promotion: automatic")
    master = make_user("master", roles={Role.TRAINER})
    grant_master_trainer(master, actor_id=None)
    learner = make_user("aylar", full_name="Aylar Trainee")
    enrol_in_cohort(learner, cohort_of(master, "full", "Automatic ToT"))
    db.session.commit()
    pass_quiz(learner, "post-test")
    pass_practice(learner)
    beta = load_catalogue().modules["beta"]
    read_everything(learner, "short")  # all of alpha; beta still unread
    client = as_user(app, "aylar")
    token = csrf_token(client, "/")
    *done, last = beta.section_keys
    db.session.add_all(SectionRead(user_id=learner.id, module_id="beta", section_id=key, module_hash=beta.content_hash)
                       for key in done)
    db.session.commit()
    assert db.session.scalar(select(TrainerStanding).where(TrainerStanding.user_id == learner.id)) is None
    response = client.post(f"/modules/beta/{last}/done", data={"csrf_token": token}, follow_redirects=True)
    assert "you are now a trainer" in response.get_data(as_text=True)
    standing = db.session.scalar(select(TrainerStanding).where(TrainerStanding.user_id == learner.id))
    assert standing.generation == 1 and standing.granted_by_id is None


def test_the_cascade_counts_direct_learners_trainers_and_learners_reached_through_them(app, programme, make_user):
    aylar = programme["aylar"]
    read_everything(aylar, "full")
    pass_quiz(aylar, "post-test")
    pass_practice(aylar)
    promote_to_trainer(db.session.scalar(select(Enrolment).where(Enrolment.user_id == aylar.id)), load_catalogue(),
                       actor_id=programme["coord"].id)
    db.session.commit()
    local = cohort_of(aylar, "short", "Mary prosecutors")
    for number in range(3):
        enrol_in_cohort(make_user(f"colleague{number}"), local)
    db.session.commit()

    reach = reach_of(programme["master"].id)
    assert (reach.cohorts, reach.direct_learners, reach.through_trainers, reach.total) == (1, 2, 3, 5)
    assert [(t.name, t.generation, t.learners) for t in reach.trainers] == [("Aylar Trainee", 1, 3)]
    assert [(g.generation, g.learners, g.trainers) for g in reach.generations] == [(1, 2, 1), (2, 3, 0)]
    assert (reach_of(aylar.id).direct_learners, reach_of(aylar.id).through_trainers) == (3, 0)

    page = as_user(app, "master").get("/cascade").get_data(as_text=True)
    assert "Aylar Trainee" in page and "Learners reached through those trainers" in page
    # Trainers see only their own cascade; coordinators see anyone's.
    assert as_user(app, "aylar").get(f"/cascade/{programme['master'].id}").status_code == 404
    assert as_user(app, "coord").get(f"/cascade/{aylar.id}").status_code == 200
    assert as_user(app, "batyr").get("/cascade").status_code == 403
