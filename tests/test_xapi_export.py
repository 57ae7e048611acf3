"""Learning records out as xAPI statements (course.xapi): what a learning record store relies on.

Each exported statement is checked against ralph's xAPI 1.0.3 statement model (an independent implementation of
the specification's statement rules), and a second export must give the very same statements.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from ralph.models.xapi.base.statements import BaseXapiStatement
from sqlalchemy import select

from course.certificates.services import revoke_certificate
from course.extensions import db
from course.models.attendance import Attendance, AttendanceStatus, SessionDay
from course.models.certificate import Certificate
from course.models.user import Role
from course.xapi.statements import VERBS, statement_id
from tests.test_cascade import pass_quiz
from tests.test_cohort_pages import as_user
from tests.test_reports import population  # noqa: F401  (the fixture)

EXPORT = "/reports/export/learning-records.json"


def exported(client, url: str = EXPORT) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    return json.loads(response.get_data(as_text=True))


@pytest.fixture
def records(app, population, make_user):  # noqa: F811
    """The reports' two cohorts with a quiz passed, a quiz failed, a day attended and a certificate revoked."""
    mary = population["mary"]
    day = SessionDay(cohort_id=mary.id, day=date(2027, 3, 2), topic="Qualifying cases")
    db.session.add(day)
    db.session.flush()
    db.session.add(Attendance(session_day_id=day.id, user_id=population["p1"].id, status=AttendanceStatus.PRESENT))
    db.session.add(Attendance(session_day_id=day.id, user_id=population["p2"].id, status=AttendanceStatus.ABSENT))
    db.session.commit()
    pass_quiz(population["p3"], "post-test")
    revoked = db.session.scalar(select(Certificate).where(Certificate.user_id == population["p1"].id))
    revoke_certificate(revoked, "issued by mistake", actor_id=make_user("c1", roles={Role.ADMIN}).id)
    db.session.commit()
    return population, revoked


def test_every_statement_is_a_valid_xapi_statement(app, records):
    statements = exported(as_user(app, "coord"))
    assert statements
    for statement in statements:
        BaseXapiStatement(**statement)  # raises on anything the specification forbids
    verbs = {statement["verb"]["id"] for statement in statements}
    assert {VERBS[name] for name in ("registered", "completed", "passed", "failed", "attended", "earned",
                                     "voided")} <= verbs


def test_a_second_export_is_the_same_so_a_record_store_takes_nothing_twice(app, records):
    client = as_user(app, "coord")
    first, second = exported(client), exported(client)
    assert first == second
    ids = [statement["id"] for statement in first]
    assert len(ids) == len(set(ids))


def test_people_are_accounts_under_the_programme_address_without_names_or_emails(app, records):
    people, _revoked = records
    app.config["BASE_URL"] = "https://training.example.org"
    body = as_user(app, "coord").get(EXPORT).get_data(as_text=True)
    statements = json.loads(body)
    actors = {json.dumps(statement["actor"], sort_keys=True) for statement in statements}
    assert all(json.loads(actor)["account"]["homePage"] == "https://training.example.org" for actor in actors)
    assert {json.loads(actor)["account"]["name"] for actor in actors} <= {
        person.uid for person in people.values() if hasattr(person, "uid")}
    assert "P1" not in body and "p1@" not in body  # neither full name nor username


def test_a_revoked_certificate_is_earned_then_voided(app, records):
    _population, revoked = records
    statements = {statement["id"]: statement for statement in exported(as_user(app, "coord"))}
    earned = statements[statement_id("earned", revoked.uid)]
    voiding = statements[statement_id("voided", revoked.uid)]
    assert earned["verb"]["id"] == VERBS["earned"]
    assert voiding["object"] == {"objectType": "StatementRef", "id": earned["id"]}


def test_passed_and_failed_quizzes_carry_their_score(app, records):
    statements = exported(as_user(app, "coord"))
    results = [s for s in statements if s["verb"]["id"] in (VERBS["passed"], VERBS["failed"])]
    passed = next(s for s in results if s["verb"]["id"] == VERBS["passed"])
    assert passed["result"]["success"] is True and passed["result"]["score"]["scaled"] == 0.9
    failed = next(s for s in results if s["verb"]["id"] == VERBS["failed"])
    assert failed["result"]["success"] is False


def test_only_present_or_late_days_are_attended(app, records):
    statements = exported(as_user(app, "coord"))
    attended = [s for s in statements if s["verb"]["id"] == VERBS["attended"]]
    assert len(attended) == 1 and attended[0]["timestamp"].startswith("2027-03-02")


def test_a_coordinator_exports_only_their_velayats_and_others_none(app, records):
    people, _revoked = records
    mary_only = {s["actor"]["account"]["name"] for s in exported(as_user(app, "marycoord"))}
    assert people["j1"].uid not in mary_only and people["p1"].uid in mary_only
    assert as_user(app, "marycoord").get(EXPORT + "?velayat=lebap").status_code == 403
    for username in ("master", "p1"):
        assert as_user(app, username).get(EXPORT).status_code == 403
    assert app.test_client().get(EXPORT).status_code in (302, 401)


def test_the_command_writes_the_same_statements(app, records, runner, tmp_path):
    out = tmp_path / "records.json"
    refused = runner.invoke(args=["export-xapi", "--out", str(out)])
    assert refused.exit_code == 1 and "COURSE_BASE_URL" in refused.output and not out.exists()
    app.config["BASE_URL"] = "https://training.example.org"
    result = runner.invoke(args=["export-xapi", "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text())
    assert f"{len(written)} statement(s) written" in result.output
    assert written == exported(as_user(app, "coord"))
