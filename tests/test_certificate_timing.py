"""When a certificate is issued: not before the cohort's last day unless the trainer confirms it, and stating
only the contact hours that were held.

The fixture's ``short`` track gives its certificate automatically and counts 2 contact hours.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from course.certificates.services import hours_held
from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.models.attendance import SessionDay
from course.models.certificate import Certificate
from course.models.types import utcnow
from course.models.user import Role
from tests.conftest import csrf_token
from tests.test_cascade import cohort_of, read_everything
from tests.test_cohort_pages import as_user


def today():
    """Read when used, not when the module is collected: a run that crosses midnight (UTC, the tests' zone) would
    otherwise put the session days on the wrong side of the app's today."""
    return utcnow().date()


@pytest.fixture
def running(app, synced, make_user):
    """A `short` cohort that runs from three days ago to three days ahead, with two learners who have finished the
    online part, and a learner who studies on her own (no cohort)."""
    lead = make_user("lead", roles={Role.TRAINER}, full_name="Lead Trainer")
    cohort = cohort_of(lead, "short", "Mary prosecutors")
    cohort.starts_on, cohort.ends_on = today() - timedelta(days=3), today() + timedelta(days=3)
    learners = [make_user(name, full_name=name.title()) for name in ("aman", "bahar")]
    for learner in learners:
        enrol_in_cohort(learner, cohort)
    db.session.commit()
    for learner in learners:
        read_everything(learner, "short")
    return {"cohort": cohort, "learners": learners, "lead": lead}


def certificates() -> list[Certificate]:
    db.session.expire_all()
    return list(db.session.scalars(select(Certificate).order_by(Certificate.user_id)))


def add_days(cohort, *offsets: int) -> None:
    db.session.add_all(SessionDay(cohort_id=cohort.id, day=today() + timedelta(days=o), topic="Day") for o in offsets)
    db.session.commit()


def end_today(cohort) -> None:
    cohort.ends_on = today()
    db.session.commit()


def test_a_learner_who_finishes_early_is_told_when_the_certificate_comes(app, running):
    client = as_user(app, "aman")
    page = client.get("/certificates").get_data(as_text=True)
    assert certificates() == []
    assert "Your certificate is issued on your cohort's last day" in page
    assert "You have no certificates yet" not in page
    assert (today() + timedelta(days=3)).strftime("%B") in page  # the day spelt out, not 12/10/26


def test_the_certificate_comes_on_the_last_day_once(app, running):
    end_today(running["cohort"])
    client = as_user(app, "aman")
    page = client.get("/certificates").get_data(as_text=True)
    assert "Your certificate is ready under My certificates." in page
    [certificate] = certificates()
    assert (certificate.user_id, certificate.issued_by_id) == (running["learners"][0].id, None)
    assert "Your certificate is ready" not in client.get("/certificates").get_data(as_text=True)
    assert len(certificates()) == 1


def test_the_trainers_dashboard_issues_what_is_due_after_the_last_day(app, running):
    client = as_user(app, "lead")
    before = client.get(f"/cohorts/{running['cohort'].id}").get_data(as_text=True)
    assert certificates() == []
    assert "Certificates are issued on the cohort's last day" in before
    end_today(running["cohort"])
    after = client.get(f"/cohorts/{running['cohort'].id}").get_data(as_text=True)
    assert "2 learners have completed the track: their certificates are issued." in after
    assert [c.user_id for c in certificates()] == [learner.id for learner in running["learners"]]
    assert "Certificates are issued on the cohort" not in after


def test_the_daily_command_issues_only_for_cohorts_that_have_ended(app, running, runner, make_user):
    alone = make_user("alone", full_name="Self Study")
    result = runner.invoke(args=["issue-due-certificates"])
    assert (result.exit_code, result.output.strip()) == (0, "0 certificate(s) issued.")
    end_today(running["cohort"])
    result = runner.invoke(args=["issue-due-certificates"])
    assert (result.exit_code, result.output.strip()) == (0, "2 certificate(s) issued.")
    assert runner.invoke(args=["issue-due-certificates"]).output.strip() == "0 certificate(s) issued."
    assert alone.id not in {c.user_id for c in certificates()}


def test_a_learner_without_a_cohort_is_not_held_back(app, synced, make_user):
    from course.learn.enrolment import enrol  # noqa: PLC0415
    from course.learn.queries import load_catalogue  # noqa: PLC0415

    alone = make_user("alone", full_name="Self Study")
    enrol(alone, load_catalogue(), "short")
    db.session.commit()
    read_everything(alone, "short")
    page = as_user(app, "alone").get("/certificates").get_data(as_text=True)
    assert "Your certificate is ready under My certificates." in page
    [certificate] = certificates()
    assert certificate.contact_hours == 2 and certificate.cohort_id is None


def test_a_trainer_confirms_early_and_the_certificate_states_only_the_hours_held(app, running):
    cohort, (aman, bahar) = running["cohort"], running["learners"]
    add_days(cohort, -3, -2, 1, 2)  # two of four days held: half of the track's 2 hours
    client = as_user(app, "lead")
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "A certificate issued today states the contact hours held so far: 1 of 2." in page
    response = client.post(f"/cohorts/{cohort.id}/certificates", data={
        "csrf_token": csrf_token(client, f"/cohorts/{cohort.id}"), "user_id": [str(aman.id)]})
    assert response.status_code == 302
    [certificate] = certificates()
    assert (certificate.user_id, certificate.issued_by_id, certificate.contact_hours) == (aman.id, running["lead"].id,
                                                                                         1)
    pdf = client.get(f"/certificates/{certificate.id}.pdf")
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "1 contact hours" in text and "2 contact hours" not in text
    assert bahar.id not in {c.user_id for c in certificates()}  # only whom the trainer chose


def test_a_certificate_confirmed_before_any_day_was_held_states_no_hours(app, running):
    cohort, (aman, _bahar) = running["cohort"], running["learners"]
    add_days(cohort, 1, 2)
    client = as_user(app, "lead")
    client.post(f"/cohorts/{cohort.id}/certificates", data={
        "csrf_token": csrf_token(client, f"/cohorts/{cohort.id}"), "user_id": [str(aman.id)]})
    [certificate] = certificates()
    assert certificate.contact_hours == 0
    text = PdfReader(io.BytesIO(client.get(f"/certificates/{certificate.id}.pdf").data)).pages[0].extract_text()
    assert "contact hours" not in text


@pytest.mark.parametrize(("days", "held_until", "hours"), [
    ([], date(2027, 1, 1), 16),  # no session days recorded: the track's hours stand
    ([date(2027, 1, d) for d in (1, 2, 3, 4)], date(2027, 1, 4), 16),
    ([date(2027, 1, d) for d in (1, 2, 3, 4)], date(2027, 1, 10), 16),
    ([date(2027, 1, d) for d in (1, 2, 3, 4)], date(2027, 1, 2), 8),
    ([date(2027, 1, d) for d in (1, 2, 3)], date(2027, 1, 1), 5),  # 16/3 = 5.33: rounded down to a half hour
    ([date(2027, 1, d) for d in (1, 2, 3, 4)], date(2026, 12, 31), 0),
])
def test_hours_held_never_count_a_day_still_to_come(days, held_until, hours):
    assert hours_held(16, days, held_until) == hours
