"""Cohort pages over HTTP: a trainer creates a cohort, learners join, and nobody else gets in."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.models.audit import AuditEvent
from course.models.cohort import Cohort, CohortStatus
from course.models.enrolment import Enrolment
from course.models.user import Role, User
from tests.conftest import csrf_token, sign_in


@pytest.fixture
def world(app, synced, make_user):
    return {
        "lead": make_user("lead", roles={Role.TRAINER}, full_name="Lead Trainer"),
        "stranger": make_user("stranger", roles={Role.TRAINER}, full_name="Other Trainer"),
        "coord": make_user("coord", roles={Role.COORDINATOR}),
        "ana": make_user("ana", full_name="Ana"),
    }


def as_user(app, username):
    client = app.test_client()
    sign_in(client, username)
    return client


def create_via_form(client, **overrides):
    data = {"name": "Dashoguz judges", "track_id": "short", "language": "ru", "velayat": "dashoguz",
            "city": "Dashoguz", "venue": "Court", "starts_on": "2027-04-01", "ends_on": "2027-04-02",
            "audience": ["judiciary"], "lead": "", "csrf_token": csrf_token(client, "/cohorts/new"), **overrides}
    return client.post("/cohorts/new", data=data)


def test_a_trainer_creates_a_cohort_and_a_learner_joins_with_its_code(app, world):
    trainer = as_user(app, "lead")
    data_lead = str(world["lead"].id)
    response = create_via_form(trainer, lead=data_lead)
    assert response.status_code == 302, response.get_data(as_text=True)
    cohort = db.session.scalar(select(Cohort))
    assert cohort.lead.username == "lead" and cohort.velayat == "dashoguz" and cohort.audience == ["judiciary"]
    assert response.headers["Location"] == f"/cohorts/{cohort.id}"
    page = trainer.get(f"/cohorts/{cohort.id}/roster").get_data(as_text=True)
    assert cohort.join_code in page and f"/join?code={cohort.join_code}" in page

    learner = as_user(app, "ana")
    form_page = learner.get(f"/join?code={cohort.join_code}").get_data(as_text=True)
    assert f'value="{cohort.join_code}"' in form_page
    token = csrf_token(learner, "/join")
    joined = learner.post("/join", data={"code": cohort.join_code.lower(), "csrf_token": token})
    assert joined.headers["Location"] == "/"
    assert "Short track" in learner.get("/").get_data(as_text=True)
    enrolment = db.session.scalar(select(Enrolment))
    assert (enrolment.cohort_id, enrolment.generation) == (cohort.id, 1)
    assert "Ana" in trainer.get(f"/cohorts/{cohort.id}").get_data(as_text=True)


def test_a_wrong_code_is_explained_and_changes_nothing(app, world):
    learner = as_user(app, "ana")
    response = learner.post("/join", data={"code": "NOPE2345", "csrf_token": csrf_token(learner, "/join")})
    assert "No cohort has this code." in response.get_data(as_text=True)
    assert db.session.scalars(select(Enrolment)).all() == []


def test_bad_cohort_details_are_shown_on_the_form(app, world):
    trainer = as_user(app, "lead")
    response = create_via_form(trainer, lead=str(world["lead"].id), ends_on="2027-03-01")
    assert response.status_code == 200
    assert "The last day cannot come before the first." in response.get_data(as_text=True)
    assert db.session.scalars(select(Cohort)).all() == []


def test_a_trainer_cannot_make_someone_else_the_lead(app, world):
    trainer = as_user(app, "lead")
    response = create_via_form(trainer, lead=str(world["stranger"].id))
    assert response.status_code == 200  # not a valid choice for a trainer
    assert db.session.scalars(select(Cohort)).all() == []


def test_the_trainer_manages_joining_roster_and_status(app, world):
    trainer = as_user(app, "lead")
    create_via_form(trainer, lead=str(world["lead"].id))
    cohort = db.session.scalar(select(Cohort))
    old_code = cohort.join_code
    token = csrf_token(trainer, f"/cohorts/{cohort.id}")
    trainer.post(f"/cohorts/{cohort.id}/joining", data={"action": "new-code", "csrf_token": token})
    trainer.post(f"/cohorts/{cohort.id}/learners", data={"username": "ana", "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).join_code != old_code
    assert db.session.scalar(select(Enrolment.cohort_id)) == cohort.id
    bad = trainer.post(f"/cohorts/{cohort.id}/learners", data={"username": "ghost", "csrf_token": token})
    assert "No user named ghost." in trainer.get(bad.headers["Location"]).get_data(as_text=True)
    trainer.post(f"/cohorts/{cohort.id}/learners/{world['ana'].id}/remove",
                 data={"csrf_token": token, "confirmed": "yes"})
    assert db.session.scalars(select(Enrolment)).all() == []
    trainer.post(f"/cohorts/{cohort.id}/status", data={"status": "closed", "csrf_token": token})
    db.session.expire_all()
    closed = db.session.get(Cohort, cohort.id)
    assert closed.status == CohortStatus.CLOSED and closed.join_open is False
    bogus = trainer.post(f"/cohorts/{cohort.id}/status", data={"status": "bogus", "csrf_token": token})
    assert bogus.status_code == 400


COHORT_ROUTES = [
    ("get", "/cohorts/{id}"),
    ("get", "/cohorts/{id}/roster"),
    ("get", "/cohorts/{id}/edit"),
    ("post", "/cohorts/{id}/edit"),
    ("get", "/cohorts/{id}/export.csv"),
    ("get", "/cohorts/{id}/export.xlsx"),
    ("post", "/cohorts/{id}/import"),
    ("post", "/cohorts/{id}/import/confirm"),
    ("post", "/cohorts/{id}/learners/{ana}/new-password"),
    ("post", "/cohorts/{id}/joining"),
    ("post", "/cohorts/{id}/status"),
    ("post", "/cohorts/{id}/learners"),
    ("post", "/cohorts/{id}/learners/{ana}/remove"),
]


@pytest.mark.parametrize(("method", "route"), COHORT_ROUTES)
@pytest.mark.parametrize(("username", "allowed"), [("lead", True), ("coord", True), ("stranger", False),
                                                   ("ana", False), (None, False)])
def test_every_cohort_route_refuses_whoever_it_is_not_for(app, world, method, route, username, allowed):
    trainer = as_user(app, "lead")
    create_via_form(trainer, lead=str(world["lead"].id))
    cohort = db.session.scalar(select(Cohort))
    enrol_in_cohort(world["ana"], cohort)
    db.session.commit()
    client = as_user(app, username) if username else app.test_client()
    url = route.format(id=cohort.id, ana=world["ana"].id)
    data = {"csrf_token": csrf_token(client, "/login" if username is None else "/"), "action": "close",
            "status": "closed", "username": "ana"}
    response = client.get(url) if method == "get" else client.post(url, data=data)
    response.close()  # a spreadsheet download holds a temporary file until closed
    if allowed:
        # 400: the request is theirs to make, but this one has no file or no preview
        assert response.status_code in (200, 302, 400), (username, url, response.status_code)
        if response.status_code == 302:
            assert not response.headers["Location"].startswith("/login")
    elif username is None:
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code in (403, 404), (username, url, response.status_code)
    if not allowed:
        db.session.expire_all()
        assert db.session.scalar(select(Cohort)).status == CohortStatus.OPEN


@pytest.mark.parametrize(("username", "listed"), [("lead", True), ("coord", True), ("stranger", False)])
def test_the_cohort_list_shows_only_ones_own_cohorts_to_trainers(app, world, username, listed):
    create_via_form(as_user(app, "lead"), lead=str(world["lead"].id))
    page = as_user(app, username).get("/cohorts").get_data(as_text=True)
    assert ("Dashoguz judges" in page) is listed


def test_learners_have_no_cohort_management(app, world):
    learner = as_user(app, "ana")
    assert learner.get("/cohorts").status_code == 403
    assert learner.get("/cohorts/new").status_code == 403
    assert not re.search(r'href="/cohorts"', learner.get("/").get_data(as_text=True))


def register(client, join_code, **overrides):
    data = {"code": join_code, "full_name": "Jeren Annaýewa", "username": "jeren", "password": "my own passphrase",
            "confirm": "my own passphrase", "agency": "prosecution", "position": "Investigator", "gender": "female",
            "velayat": "lebap", "csrf_token": csrf_token(client, f"/join?code={join_code}"), **overrides}
    return client.post("/join/register", data=data)


def test_a_newcomer_registers_through_the_join_link_and_lands_in_the_course(app, world):
    from course.models.user import User

    create_via_form(as_user(app, "lead"), lead=str(world["lead"].id))
    cohort = db.session.scalar(select(Cohort))
    visitor = app.test_client()
    page = visitor.get(f"/join?code={cohort.join_code}").get_data(as_text=True)
    assert f'value="{cohort.join_code}"' in page and "Создайте учётную запись" in page
    assert '<html lang="ru">' in page  # the join page in the cohort's language of instruction
    response = register(visitor, cohort.join_code)
    assert response.headers["Location"] == "/"
    home = visitor.get("/").get_data(as_text=True)
    assert '<html lang="ru">' in home  # the cohort's language of instruction
    jeren = db.session.scalar(select(User).where(User.username == "jeren"))
    assert (jeren.agency, jeren.gender, jeren.velayat, jeren.position) == ("prosecution", "female", "lebap",
                                                                          "Investigator")
    assert jeren.must_change_password is False and jeren.roles == {Role.LEARNER}
    assert db.session.scalar(select(Enrolment.cohort_id).where(Enrolment.user_id == jeren.id)) == cohort.id


@pytest.mark.parametrize(("chosen", "kept"), [("tk", "tk"), ("en", "en"), (None, "ru")])
def test_a_newcomer_keeps_the_language_they_registered_in(app, world, chosen, kept):
    """The join page read in Turkmen leads to a course in Turkmen, not in the cohort's Russian; without a
    choice (and a browser that asks for none of the three), the cohort's language."""
    from course.models.user import User

    create_via_form(as_user(app, "lead"), lead=str(world["lead"].id))  # a cohort taught in Russian
    cohort = db.session.scalar(select(Cohort))
    visitor = app.test_client()
    if chosen:
        visitor.post("/language", data={"language": chosen, "csrf_token": csrf_token(visitor)})
    register(visitor, cohort.join_code)
    assert db.session.scalar(select(User.locale).where(User.username == "jeren")) == kept
    assert f'<html lang="{kept}">' in visitor.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "WRONG234"}, "No cohort has this code."),
        ({"username": "ana"}, "The username ana is already taken."),
        ({"password": "short", "confirm": "short"}, "Use at least 10 characters."),
        ({"confirm": "something else"}, "The two passwords differ."),
        ({"velayat": "atlantis"}, "Not a valid choice"),
        ({"username": "Jeren Annaýewa"}, "Try “jeren.annayewa”."),  # a Latin spelling is offered
    ],
)
def test_a_bad_registration_is_explained_and_creates_nothing(app, world, overrides, message):
    from course.models.user import User

    create_via_form(as_user(app, "lead"), lead=str(world["lead"].id))
    cohort = db.session.scalar(select(Cohort))
    visitor = app.test_client()
    visitor.post("/language", data={"language": "en", "csrf_token": csrf_token(visitor)})  # reads it in English
    response = register(visitor, cohort.join_code, **overrides)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "jeren")) is None
    assert db.session.scalars(select(Enrolment)).all() == []


def test_the_cohort_page_shows_a_qr_code_of_the_join_link(app, world):
    trainer = as_user(app, "lead")
    create_via_form(trainer, lead=str(world["lead"].id))
    cohort = db.session.scalar(select(Cohort))
    page = trainer.get(f"/cohorts/{cohort.id}/roster").get_data(as_text=True)
    assert '<svg' in page and f"join?code={cohort.join_code}" in page


def _cohort_with_learners(app, world, make_user, count):
    from course.cohorts.services import enrol_in_cohort
    from course.models.progress import SectionRead

    create_via_form(as_user(app, "lead"), lead=str(world["lead"].id))
    cohort = db.session.scalar(select(Cohort))
    for number in range(count):
        learner = make_user(f"learner{number:03d}", full_name=f"Learner {number:03d}")
        enrol_in_cohort(learner, cohort)
        db.session.add(SectionRead(user_id=learner.id, module_id="alpha", section_id="first", module_hash="h" * 64))
    db.session.commit()
    return cohort


def test_the_progress_grid_shows_each_learner_against_the_modules(app, world, make_user):
    cohort = _cohort_with_learners(app, world, make_user, 2)
    page = as_user(app, "lead").get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Learner 000" in page and "Learner 001" in page
    assert page.count('class="cell-in_progress"') == 2  # alpha, one section of three read


def test_the_cohort_page_query_count_does_not_grow_with_the_cohort(app, world, make_user, count_queries):
    from course.cohorts.services import enrol_in_cohort
    from course.models.progress import SectionRead

    cohort = _cohort_with_learners(app, world, make_user, 5)
    trainer = as_user(app, "lead")
    trainer.get(f"/cohorts/{cohort.id}")
    with count_queries() as small:
        trainer.get(f"/cohorts/{cohort.id}")
    for number in range(5, 200):
        learner = make_user(f"learner{number:03d}", full_name=f"Learner {number:03d}")
        enrol_in_cohort(learner, cohort)
        db.session.add(SectionRead(user_id=learner.id, module_id="beta", section_id="only", module_hash="h" * 64))
    db.session.commit()
    trainer.get(f"/cohorts/{cohort.id}")  # measured after a first visit, like the small cohort
    with count_queries() as large:
        response = trainer.get(f"/cohorts/{cohort.id}")
    assert response.get_data(as_text=True).count('<tr><th scope="row">') == 2 * 200  # progress and quiz grids
    assert large.count == small.count, large.statements


def test_an_unknown_joining_action_is_refused_and_changes_nothing(app, world):
    trainer = as_user(app, "lead")
    create_via_form(trainer, lead=str(world["lead"].id))
    cohort = db.session.scalar(select(Cohort))
    code = cohort.join_code
    token = csrf_token(trainer, f"/cohorts/{cohort.id}")
    assert trainer.post(f"/cohorts/{cohort.id}/joining", data={"action": "explode", "csrf_token": token}
                        ).status_code == 400
    trainer.post(f"/cohorts/{cohort.id}/status", data={"status": "closed", "csrf_token": token})
    # a closed cohort cannot reopen joining or get a new code until the cohort itself is reopened
    assert trainer.post(f"/cohorts/{cohort.id}/joining", data={"action": "new-code", "csrf_token": token}
                        ).status_code == 400
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).join_code == code


def edit_via_form(client, cohort, **overrides):
    data = {"name": cohort.name, "track_id": cohort.track_id, "language": cohort.language,
            "velayat": cohort.velayat.value, "city": cohort.city, "venue": cohort.venue,
            "starts_on": cohort.starts_on.isoformat(), "ends_on": cohort.ends_on.isoformat(),
            "audience": list(cohort.audience), "lead": str(cohort.lead.id),
            "csrf_token": csrf_token(client, f"/cohorts/{cohort.id}/edit"), **overrides}
    return client.post(f"/cohorts/{cohort.id}/edit", data=data)


def test_the_lead_edits_details_and_adds_a_co_trainer_who_then_sees_the_cohort(app, world):
    trainer = as_user(app, "lead")
    create_via_form(trainer, lead=str(world["lead"].id))
    cohort = db.session.scalar(select(Cohort))
    stranger = as_user(app, "stranger")
    assert stranger.get(f"/cohorts/{cohort.id}").status_code == 404
    response = edit_via_form(trainer, cohort, name="Dashoguz judges, autumn", venue="Regional court",
                             co_trainers=[str(world["stranger"].id)])
    assert response.status_code == 302
    db.session.expire_all()
    cohort = db.session.get(Cohort, cohort.id)
    assert (cohort.name, cohort.venue) == ("Dashoguz judges, autumn", "Regional court")
    assert cohort.lead.username == "lead" and cohort.trainer_ids == {world["lead"].id, world["stranger"].id}
    assert stranger.get(f"/cohorts/{cohort.id}").status_code == 200
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort.update")) is not None


def test_a_trainer_cannot_hand_the_lead_to_someone_else_but_a_coordinator_can(app, world):
    trainer = as_user(app, "lead")
    create_via_form(trainer, lead=str(world["lead"].id))
    cohort = db.session.scalar(select(Cohort))
    edit_via_form(trainer, cohort, co_trainers=[str(world["stranger"].id)])
    refused = edit_via_form(trainer, cohort, lead=str(world["stranger"].id))
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).lead.username == "lead"
    # The coordinator swaps lead and co-trainer: the old lead steps down before the new one steps up.
    swapped = edit_via_form(as_user(app, "coord"), cohort, lead=str(world["stranger"].id),
                            co_trainers=[str(world["lead"].id)])
    assert swapped.status_code == 302
    db.session.expire_all()
    cohort = db.session.get(Cohort, cohort.id)
    assert cohort.lead.username == "stranger" and cohort.trainer_ids == {world["lead"].id, world["stranger"].id}


def test_the_track_cannot_change_once_learners_are_enrolled(app, world):
    trainer = as_user(app, "lead")
    create_via_form(trainer, lead=str(world["lead"].id))
    cohort = db.session.scalar(select(Cohort))
    enrol_in_cohort(world["ana"], cohort)
    db.session.commit()
    response = edit_via_form(trainer, cohort, track_id="full", name="Renamed")
    assert "The track cannot change once learners are enrolled." in response.get_data(as_text=True)
    db.session.expire_all()
    assert (db.session.get(Cohort, cohort.id).track_id, db.session.get(Cohort, cohort.id).name) == (
        "short", "Dashoguz judges")


def test_registering_with_a_code_is_rate_limited_per_address(app, world):
    create_via_form(as_user(app, "lead"), lead=str(world["lead"].id))
    code = db.session.scalar(select(Cohort)).join_code
    app.config["REGISTER_MAX_PER_HOUR"] = 2
    client = app.test_client()
    for number in range(2):
        assert register(client, code, username=f"newcomer{number}").status_code == 302
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    refused = register(client, code, username="newcomer2")
    assert refused.status_code == 429  # and said in the cohort's language, which this newcomer was shown
    assert "Слишком много запросов" in refused.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "newcomer2")) is None
