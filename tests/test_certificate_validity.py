"""Certificates that lapse and the refresher that renews them (course.certificates.validity)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt as pyjwt
import pytest
from sqlalchemy import select

from course.certificates.validity import RENEWAL_WINDOW
from course.days import add_months
from course.extensions import db
from course.models.attempt import QuizAttempt
from course.models.audit import AuditEvent
from course.models.badge_credential import BadgeCredential
from course.models.types import utcnow
from course.models.user import Role
from tests.conftest import FIXTURE_CONTENT
from tests.test_cascade import pass_quiz
from tests.test_certificates import certify
from tests.test_cohort_pages import as_user
from tests.test_content_validation import edit, problems_of

SHORT_CERTIFICATE = "certificate: {kind: completion, issue: automatic}"
LAPSING = ("certificate: {kind: completion, issue: automatic, valid_for_months: 24, "
           "refresher: {pass_quizzes: [alpha-check], modules: [alpha]}}")


@pytest.fixture
def content_dir(tmp_path) -> Path:
    """The fixture course, its short track's certificate valid for 24 months, renewed by passing alpha-check."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    edit(target / "modules" / "course.yaml", SHORT_CERTIFICATE, LAPSING)
    return target


@pytest.fixture
def holder(app, synced, make_user):
    user = make_user("ana", full_name="Ana Durdyyeva", tracks=("short",))
    return user, certify(user)


def lapse(certificate, *, days_ago: int = 1) -> None:
    """As if the certificate's period had run out ``days_ago`` days ago (the clock cannot move in a test)."""
    certificate.valid_until = utcnow() - timedelta(days=days_ago)
    certificate.issued_at = add_months(certificate.valid_until, -24)
    db.session.commit()


@pytest.mark.parametrize(("moment", "months", "expected"), [
    (datetime(2027, 1, 31, tzinfo=UTC), 1, datetime(2027, 2, 28, tzinfo=UTC)),
    (datetime(2027, 11, 15, tzinfo=UTC), 24, datetime(2029, 11, 15, tzinfo=UTC)),
    (datetime(2028, 2, 29, tzinfo=UTC), 12, datetime(2029, 2, 28, tzinfo=UTC)),
    (datetime(2027, 12, 1, tzinfo=UTC), 1, datetime(2028, 1, 1, tzinfo=UTC)),
])
def test_months_are_calendar_months(moment, months, expected):
    assert add_months(moment, months) == expected


def test_a_certificate_of_a_track_with_a_validity_period_lapses_after_it(holder):
    user, certificate = holder
    assert certificate.valid_until == add_months(certificate.issued_at, 24)
    assert not certificate.lapsed
    lapse(certificate)
    assert certificate.lapsed


def test_a_lapsed_certificate_verifies_as_lapsed_not_valid(holder, app):
    user, certificate = holder
    page = app.test_client().get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Valid certificate" in page and "Valid until" in page
    lapse(certificate)
    page = app.test_client().get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Lapsed certificate" in page and "Valid certificate" not in page


def test_coordinators_see_lapsed_certificates_in_their_list(holder, app, make_user):
    user, certificate = holder
    make_user("coordinator", roles={Role.COORDINATOR})
    lapse(certificate, days_ago=10)
    page = as_user(app, "coordinator").get("/certificates/all").get_data(as_text=True)
    assert "lapsed" in page and certificate.serial in page


def test_the_holder_is_told_what_renews_it_once_the_window_opens(holder, app):
    user, certificate = holder
    assert "Take the refresher" not in as_user(app, "ana").get("/certificates").get_data(as_text=True)
    certificate.valid_until = utcnow() + RENEWAL_WINDOW - timedelta(days=1)
    db.session.commit()
    page = as_user(app, "ana").get("/certificates").get_data(as_text=True)
    assert "This certificate lapses on" in page and "Take the refresher" in page
    assert "/quizzes/alpha-check" in page and "/modules/alpha" in page


def test_passing_the_refresher_after_the_window_opened_renews_it(holder, app):
    user, certificate = holder
    client = as_user(app, "ana")
    client.get(f"/certificates/{certificate.id}/credential.json")  # no https address: nothing signed here
    lapse(certificate, days_ago=30)
    pass_quiz(user, "alpha-check")
    page = client.get("/certificates", follow_redirects=True).get_data(as_text=True)
    db.session.refresh(certificate)
    assert not certificate.lapsed and certificate.renewed_at is not None
    assert certificate.valid_until.date() == add_months(certificate.renewed_at, 24).date()
    assert "is renewed: valid until" in page
    renewals = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "certificate.renew")).all()
    assert [event.target for event in renewals] == [certificate.serial]
    assert "Valid certificate" in app.test_client().get(f"/verify/{certificate.code}").get_data(as_text=True)


def test_a_quiz_passed_before_the_window_opened_does_not_renew_it(holder, app):
    user, certificate = holder
    lapse(certificate)
    pass_quiz(user, "alpha-check")
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == user.id))
    attempt.submitted_at = certificate.valid_until - RENEWAL_WINDOW - timedelta(days=1)  # before the window
    db.session.commit()
    as_user(app, "ana").get("/certificates")
    db.session.refresh(certificate)
    assert certificate.lapsed and certificate.renewed_at is None
    pass_quiz(user, "alpha-check", passed=False)  # a failed attempt does not renew either
    as_user(app, "ana").get("/certificates")
    db.session.refresh(certificate)
    assert certificate.lapsed


def test_a_revoked_certificate_is_not_renewed(holder, app, make_user):
    from course.certificates.services import revoke_certificate  # noqa: PLC0415

    user, certificate = holder
    lapse(certificate)
    revoke_certificate(certificate, "issued by mistake", actor_id=make_user("coord", roles={Role.COORDINATOR}).id)
    db.session.commit()
    pass_quiz(user, "alpha-check")
    as_user(app, "ana").get("/certificates")
    db.session.refresh(certificate)
    assert certificate.renewed_at is None


def test_the_credential_states_the_validity_and_a_renewal_signs_a_new_one(holder, app):
    user, certificate = holder
    app.config["BASE_URL"] = "https://training.example.org"
    client = as_user(app, "ana")
    document = client.get(f"/certificates/{certificate.id}/credential.json").get_json()
    token = document["id"].removeprefix("data:application/vc+jwt,")
    claims = pyjwt.decode(token, options={"verify_signature": False})
    assert claims["validUntil"].startswith(certificate.valid_until.strftime("%Y-%m-%d"))
    assert claims["exp"] == int(certificate.valid_until.replace(microsecond=0).timestamp())
    certificate.valid_until = utcnow() + timedelta(days=5)  # in its renewal window, 23 months on
    certificate.issued_at = add_months(certificate.valid_until, -24)
    db.session.commit()
    pass_quiz(user, "alpha-check")
    client.get("/certificates")  # renewed, and signed anew at once: the old validity is not served again
    db.session.expire_all()
    assert db.session.get(BadgeCredential, certificate.id).credential_id != claims["id"]
    renewed = client.get(f"/certificates/{certificate.id}/credential.json").get_json()["id"]
    new_claims = pyjwt.decode(renewed.removeprefix("data:application/vc+jwt,"), options={"verify_signature": False})
    assert new_claims["id"] != claims["id"]
    assert new_claims["exp"] > int((utcnow() + timedelta(days=700)).timestamp())  # 24 months from the renewal


def test_an_expired_credential_fails_offline_verification(holder, app, runner, tmp_path):
    user, certificate = holder
    app.config["BASE_URL"] = "https://training.example.org"
    lapse(certificate, days_ago=2)
    token = as_user(app, "ana").get(f"/certificates/{certificate.id}/credential.jwt")
    assert token.status_code == 200
    path = tmp_path / "lapsed.jwt"
    path.write_bytes(token.data)
    result = runner.invoke(args=["credential", "verify", str(path)])
    assert result.exit_code == 1 and "has expired" in result.output


@pytest.mark.parametrize(("new", "expected"), [
    ("valid_for_months: 0,", "valid_for_months"),
    ("valid_for_months: 121,", "valid_for_months"),
    ("", "set valid_for_months too"),
])
def test_a_validity_an_author_gets_wrong_is_reported(content_dir, new, expected):
    edit(content_dir / "modules" / "course.yaml", "valid_for_months: 24,", new)
    problems = problems_of(content_dir)
    assert any(expected in problem and "course.yaml" in problem for problem in problems), problems


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("pass_quizzes: [alpha-check]", "pass_quizzes: [no-such-quiz]", "no quiz has the id 'no-such-quiz'"),
    ("modules: [alpha]}", "modules: [gamma]}", "module 'gamma' is not in the course's list of modules"),
    ("pass_quizzes: [alpha-check], ", "", "pass_quizzes"),
])
def test_a_refresher_naming_what_does_not_exist_is_reported(content_dir, old, new, expected):
    edit(content_dir / "modules" / "course.yaml", old, new)
    problems = problems_of(content_dir)
    assert any(expected in problem for problem in problems), problems


def test_coordinators_see_whose_trainer_certification_lapsed_in_the_trainers_list(app, synced, make_user):
    from course.models.certificate import Certificate, CertificateKind  # noqa: PLC0415

    make_user("coordinator", roles={Role.COORDINATOR})
    people = {name: make_user(name, roles={Role.TRAINER}, full_name=name.title())
              for name in ("lapsed", "kept", "never")}
    until = {"lapsed": utcnow() - timedelta(days=3), "kept": utcnow() + timedelta(days=200), "never": None}
    for number, (name, person) in enumerate(people.items()):
        db.session.add(Certificate(user_id=person.id, course_id="sample-course", track_id="full",
                                   kind=CertificateKind.TRAINER, serial=f"TOT-T-{number}", code=f"code-{number}",
                                   holder_name=person.full_name, language="en", contact_hours=8,
                                   valid_until=until[name]))
    db.session.commit()
    page = as_user(app, "coordinator").get("/trainers").get_data(as_text=True)
    rows = {name: next(line for line in page.split("<tr>") if f">{name.title()}</a>" in line) for name in people}
    assert "certification lapsed on" in rows["lapsed"]
    assert "certified until" in rows["kept"] and "lapsed" not in rows["kept"]
    assert "certif" not in rows["never"]
