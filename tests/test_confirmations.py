"""Destructive actions ask first, on a page that says what will be lost, and act only once confirmed.

Every endpoint of ``course.confirm.DESTRUCTIVE`` is posted to as the list's button does: the answer is a page
describing the loss, and nothing changes; the page's own form, sent back, carries the action out.
"""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from course.attendance.services import add_day, mark_attendance
from course.cohorts.services import enrol_in_cohort
from course.confirm import DESTRUCTIVE
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.attendance import Attendance, SessionDay
from course.models.certificate import Certificate
from course.models.cohort import Cohort, CohortStatus
from course.models.enrolment import Enrolment
from course.models.user import Role, User
from tests.conftest import csrf_token
from tests.test_cohort_pages import as_user, create_via_form
from tests.test_streamed_exports import _certificate


@pytest.fixture
def cohort(app, synced, make_user):
    lead = make_user("lead", roles={Role.TRAINER}, full_name="Lead Trainer")
    make_user("coord", roles={Role.COORDINATOR})
    make_user("admin", roles={Role.ADMIN})
    ana = make_user("ana", full_name="Ana Amanova")
    create_via_form(as_user(app, "lead"), lead=str(lead.id))
    cohort = db.session.scalar(select(Cohort))
    enrol_in_cohort(ana, cohort)
    day = add_day(cohort, cohort.starts_on, "Definitions", [], set(load_catalogue().modules))
    mark_attendance(cohort, day, {ana.id: "present"}, lead.id)
    _certificate(ana, cohort, 7, revoked=False)
    db.session.commit()
    return cohort


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _archived(cohort) -> bool:
    db.session.expire_all()
    return db.session.get(Cohort, cohort.id).status == CohortStatus.ARCHIVED


def _revoked() -> bool:
    db.session.expire_all()
    return db.session.scalar(select(Certificate.revoked_at)) is not None


#: endpoint: (who, url, form, what the page must say, whether it has happened)
CASES = {
    "attendance.delete_day": ("lead", "/cohorts/{cohort}/days/{day}/delete", {},
                              "1 attendance mark recorded for that day is deleted",
                              lambda cohort: _count(SessionDay) == 0 and _count(Attendance) == 0),
    "cohorts.remove_learner": ("lead", "/cohorts/{cohort}/learners/{ana}/remove", {},
                               "Ana Amanova leaves the cohort",
                               lambda cohort: _count(Enrolment, Enrolment.cohort_id == cohort.id) == 0),
    "cohorts.status": ("lead", "/cohorts/{cohort}/status", {"status": "archived"},
                       "Joining with the cohort's code stops", _archived),
    "certificates.change": ("coord", "/certificates/{certificate}/revoke", {"reason": "Issued in error"},
                            "will show as revoked to anyone who checks it, with the reason: Issued in error",
                            lambda cohort: _revoked()),
    "admin.active": ("admin", "/admin/people/{ana}/active", {"active": "0"},
                     "Ana Amanova is signed out everywhere at once and can no longer sign in",
                     lambda cohort: not _user("ana").active),
    "admin.anonymise_person": ("admin", "/admin/people/{ana}/anonymise", {},
                               "Their name, username, e-mail address and position are removed for good",
                               lambda cohort: _user("ana") is None),
}


def _user(username: str):
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def _url(template: str, cohort) -> str:
    return template.format(cohort=cohort.id, day=db.session.scalar(select(SessionDay.id)),
                           ana=db.session.scalar(select(Enrolment.user_id)),
                           certificate=db.session.scalar(select(Certificate.id)))


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_a_destructive_action_asks_first_and_acts_once_confirmed(app, cohort, endpoint):
    who, template, form, says, happened = CASES[endpoint]
    client = as_user(app, who)
    url = _url(template, cohort)

    asked = client.post(url, data={**form, "csrf_token": csrf_token(client, "/account/password")})

    assert asked.status_code == 200
    page = html.unescape(asked.get_data(as_text=True))
    assert says in page and "This will:" in page and "Cancel" in page
    assert not happened(cohort)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', asked.get_data(as_text=True)))
    assert fields["confirmed"] == "yes" and all(fields[name] == value for name, value in form.items())

    client.post(url, data=fields)

    assert happened(cohort)


def test_every_endpoint_that_deletes_removes_revokes_or_archives_asks_first(app):
    """A new destructive route named as such must join ``DESTRUCTIVE`` (and so this test's cases)."""
    words = ("delete", "remove", "revoke", "archive", "status", "active", "anonymise")
    destructive = {rule.endpoint for rule in app.url_map.iter_rules()
                   if "POST" in rule.methods and any(word in rule.rule or word in rule.endpoint for word in words)}
    assert destructive <= DESTRUCTIVE, destructive - DESTRUCTIVE
    assert set(CASES) | {"devices.revoke"} == DESTRUCTIVE  # devices.revoke: its tick box (test_field_sync)


def test_an_unconfirmed_post_from_a_forged_form_changes_nothing(app, cohort):
    client = as_user(app, "lead")
    response = client.post(_url("/cohorts/{cohort}/learners/{ana}/remove", cohort),
                           data={"confirmed": "no", "csrf_token": csrf_token(client, "/account/password")})
    assert response.status_code == 200
    assert _count(Enrolment, Enrolment.cohort_id == cohort.id) == 1


def test_confirming_twice_removes_once_and_says_so(app, cohort):
    """A double click on the confirmation page: the second post finds nothing left to remove."""
    client = as_user(app, "lead")
    url = _url("/cohorts/{cohort}/learners/{ana}/remove", cohort)
    data = {"confirmed": "yes", "csrf_token": csrf_token(client, "/account/password")}
    client.post(url, data=data)
    again = client.post(url, data=data, follow_redirects=True)
    assert "is not in this cohort" in html.unescape(again.get_data(as_text=True))
    assert _count(Enrolment, Enrolment.cohort_id == cohort.id) == 0


@pytest.mark.parametrize(("who", "status"), [("ana", 403), ("coord", 200)])
def test_only_the_cohorts_trainers_and_coordinators_get_the_confirmation_page(app, cohort, who, status):
    client = as_user(app, who)
    response = client.post(_url("/cohorts/{cohort}/learners/{ana}/remove", cohort),
                           data={"csrf_token": csrf_token(client, "/account/password")})
    assert response.status_code == status
    assert _count(Enrolment, Enrolment.cohort_id == cohort.id) == 1
