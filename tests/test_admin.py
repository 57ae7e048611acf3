"""The administrator's pages and commands: accounts created, corrected, given roles and scope, new passwords,
deactivated and reactivated, personal data exported and anonymised; the audit log; and who may do none of it."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models.attempt import QuizAttempt
from course.models.audit import AuditEvent
from course.models.certificate import Certificate
from course.models.scope import CoordinatorScope
from course.models.user import Role, User, Velayat
from tests.conftest import TEST_PASSWORD, csrf_token, sign_in
from tests.test_cascade import cohort_of, pass_quiz
from tests.test_certificates import certify
from tests.test_cohort_pages import as_user


@pytest.fixture
def office(app, synced, make_user):
    admin = make_user("admin", roles={Role.ADMIN}, full_name="Office Administrator")
    coord = make_user("coord", roles={Role.COORDINATOR}, full_name="Cora Coordinator")
    lead = make_user("lead", roles={Role.TRAINER}, full_name="Lead Trainer")
    ana = make_user("ana", full_name="Ana Amanova", email="ana@example.tm")
    cohort = cohort_of(lead, "short", "Mary prosecutors", ending_today=True)
    from course.cohorts.services import enrol_in_cohort  # noqa: PLC0415

    enrol_in_cohort(ana, cohort)
    db.session.commit()
    return {"admin": admin, "coord": coord, "lead": lead, "ana": ana, "cohort": cohort}


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/account/password"), **data})


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


PROFILE = {"full_name": "Aýna Amanowa", "email": "", "agency": "prosecution", "position": "Investigator",
           "gender": "female", "velayat": "mary", "roles": ["learner"]}


def test_the_administrator_creates_an_account_and_prints_its_slip(app, office):
    client = as_user(app, "admin")
    response = post(client, "/admin/people/new", username="Merdan.B", **{**PROFILE, "full_name": "Merdan Berdiýew",
                                                                          "roles": ["trainer", "learner"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "One-time password" in page
    user = db.session.scalar(select(User).where(User.username == "merdan.b"))
    assert user.roles == {Role.TRAINER, Role.LEARNER} and user.must_change_password
    password = re.search(r'class="slip-secret">([^<]+)</dd>\s*</dl>', page).group(1)
    assert sign_in(app.test_client(), "merdan.b", password).status_code == 302  # noqa: PLR2004
    assert events("user.create") and events("user.create")[-1].actor_id == office["admin"].id


def test_a_taken_username_is_refused_and_nothing_is_created(app, office):
    client = as_user(app, "admin")
    before = db.session.scalar(select(func.count()).select_from(User))
    page = post(client, "/admin/people/new", username="ana", **PROFILE).get_data(as_text=True)
    assert "The username ana is already taken." in page
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_the_administrator_corrects_a_name_and_sets_roles_and_scope(app, office):
    client = as_user(app, "admin")
    ana = office["ana"]
    response = post(client, f"/admin/people/{ana.id}", **{**PROFILE, "roles": ["learner", "coordinator"],
                                                          "scope": ["mary", "lebap"]})
    assert response.status_code == 302  # noqa: PLR2004
    ana = fresh(ana)
    assert (ana.full_name, ana.email, ana.velayat) == ("Aýna Amanowa", None, Velayat.MARY)
    assert ana.roles == {Role.LEARNER, Role.COORDINATOR}
    assert set(db.session.scalars(select(CoordinatorScope.velayat).where(CoordinatorScope.user_id == ana.id))) == {
        Velayat.MARY, Velayat.LEBAP}
    assert [e.details["after"]["full_name"] for e in events("user.profile")] == ["Aýna Amanowa"]
    assert events("user.set_roles") and events("user.set_scope")


def test_an_administrator_keeps_their_own_administrator_role(app, office):
    client = as_user(app, "admin")
    page = post(client, f"/admin/people/{office['admin'].id}", **{**PROFILE, "full_name": "Office Administrator",
                                                                   "roles": ["learner"]})
    assert page.status_code == 200  # noqa: PLR2004
    assert "You cannot take the administrator role from yourself." in page.get_data(as_text=True)
    assert Role.ADMIN in fresh(office["admin"]).roles


def test_deactivating_asks_first_then_signs_the_person_out_and_keeps_their_records(app, office):
    lead = office["lead"]
    trainer = as_user(app, "lead")
    assert trainer.get("/cohorts").status_code == 200  # noqa: PLR2004
    admin = as_user(app, "admin")
    asked = post(admin, f"/admin/people/{lead.id}/active", active="0")
    assert "Deactivate the account of Lead Trainer?" in asked.get_data(as_text=True)
    assert fresh(lead).active
    done = post(admin, f"/admin/people/{lead.id}/active", active="0", confirmed="yes")
    assert done.status_code == 302 and not fresh(lead).active  # noqa: PLR2004
    assert trainer.get("/cohorts").status_code == 302  # the next request is signed out  # noqa: PLR2004
    assert sign_in(app.test_client(), "lead").status_code == 200  # noqa: PLR2004  (the form again: refused)
    cohorts = as_user(app, "coord").get("/reports/export/cohorts.csv").get_data(as_text=True)
    assert "Mary prosecutors" in cohorts  # their cohort still counts
    assert "deactivated" in as_user(app, "admin").get("/people?q=lead").get_data(as_text=True)
    post(admin, f"/admin/people/{lead.id}/active", active="1")
    assert fresh(lead).active and sign_in(app.test_client(), "lead").status_code == 302  # noqa: PLR2004
    assert len(events("user.deactivate")) == 1 and len(events("user.activate")) == 1


def test_an_administrator_cannot_deactivate_themselves(app, office):
    admin = as_user(app, "admin")
    post(admin, f"/admin/people/{office['admin'].id}/active", active="0", confirmed="yes")
    assert fresh(office["admin"]).active


def test_a_new_password_ends_the_old_one(app, office):
    admin = as_user(app, "admin")
    page = post(admin, f"/admin/people/{office['ana'].id}/password").get_data(as_text=True)
    password = re.search(r'class="slip-secret">([^<]+)</dd>\s*</dl>', page).group(1)
    assert sign_in(app.test_client(), "ana", TEST_PASSWORD).status_code == 200  # noqa: PLR2004
    assert sign_in(app.test_client(), "ana", password).status_code == 302  # noqa: PLR2004


def test_a_persons_data_is_exported_whole_and_the_export_is_audited(app, office):
    ana = office["ana"]
    pass_quiz(ana, "pre-test")
    certify(ana)
    response = as_user(app, "admin").get(f"/admin/people/{ana.id}/data.json")
    assert response.headers["Content-Disposition"].endswith(f'personal-data-{ana.id}.json"')
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["username"] == "ana" and data["profile"]["email"] == "ana@example.tm"
    assert data["enrolments"][0]["cohort"] == "Mary prosecutors"
    assert data["quiz_attempts"] and data["sections_read"] and data["certificates"]
    assert [e.target for e in events("user.export_data")] == ["ana"]


def test_anonymising_removes_the_name_and_keeps_the_records(app, office):
    ana = office["ana"]
    pass_quiz(ana, "pre-test")
    certificate = certify(ana)
    admin = as_user(app, "admin")
    asked = post(admin, f"/admin/people/{ana.id}/anonymise")
    assert "This cannot be undone." in asked.get_data(as_text=True)
    assert fresh(ana).full_name == "Ana Amanova"
    post(admin, f"/admin/people/{ana.id}/anonymise", confirmed="yes")
    ana = fresh(ana)
    assert (ana.full_name, ana.email, ana.active) == ("—", None, False) and ana.username.startswith("anonymised-")
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt).where(QuizAttempt.user_id == ana.id))
    assert db.session.get(Certificate, certificate.id).holder_name == "—"
    assert "Ana Amanova" not in app.test_client().get(f"/verify/{certificate.code}").get_data(as_text=True)
    logged = json.dumps([(e.target, e.details) for e in db.session.scalars(select(AuditEvent))], default=str)
    assert '"ana"' not in logged  # the former username is gone from the audit log too
    assert ana.agency == office["ana"].agency  # kept for the figures


def test_the_audit_log_is_filtered_by_account_and_action(app, office):
    admin = as_user(app, "admin")
    post(admin, f"/admin/people/{office['ana'].id}/password")
    post(admin, f"/admin/people/{office['lead'].id}/password")
    page = admin.get("/admin/audit", query_string={"who": "ana", "action": "user.reset_password"})
    text = page.get_data(as_text=True)
    assert "1 event, newest first." in text and "<td>ana</td>" in text and "<td>lead</td>" not in text


@pytest.mark.parametrize("username", ["coord", "lead", "ana"])
@pytest.mark.parametrize("url", ["/admin/people/new", "/admin/audit", "/admin/people/{ana}",
                                 "/admin/people/{ana}/data.json"])
def test_only_administrators_open_the_administration(app, office, username, url):
    assert as_user(app, username).get(url.format(ana=office["ana"].id)).status_code == 403  # noqa: PLR2004


@pytest.mark.parametrize("url", ["/admin/people/{ana}/active", "/admin/people/{ana}/password",
                                 "/admin/people/{ana}/anonymise"])
def test_only_administrators_change_accounts(app, office, url):
    response = post(as_user(app, "coord"), url.format(ana=office["ana"].id), active="0", confirmed="yes")
    assert response.status_code == 403 and fresh(office["ana"]).active  # noqa: PLR2004


def test_a_coordinator_finds_people_but_gets_no_administration_links(app, office):
    page = as_user(app, "coord").get("/people").get_data(as_text=True)
    assert "Ana Amanova" in page and "/admin/people/" not in page


def test_the_command_line_edits_deactivates_and_reactivates(app, office, runner):
    result = runner.invoke(args=["user", "edit", "ana", "--full-name", "Aýna Amanowa", "--velayat", "lebap"])
    assert result.exit_code == 0, result.output
    assert (fresh(office["ana"]).full_name, fresh(office["ana"]).velayat) == ("Aýna Amanowa", Velayat.LEBAP)
    assert runner.invoke(args=["user", "deactivate", "ana"]).exit_code == 0
    assert not fresh(office["ana"]).active
    again = runner.invoke(args=["user", "deactivate", "ana"])
    assert again.exit_code == 1 and "already deactivated" in again.output
    assert runner.invoke(args=["user", "reactivate", "ana"]).exit_code == 0 and fresh(office["ana"]).active
    assert runner.invoke(args=["user", "edit", "ana", "--full-name", " "]).exit_code == 1


def test_the_administrator_makes_and_downloads_a_backup_from_the_browser(app, office, tmp_path):
    import zipfile  # noqa: PLC0415

    admin = as_user(app, "admin")
    assert "No backup has been made on this computer yet." in admin.get("/admin/backups").get_data(as_text=True)
    assert post(admin, "/admin/backups").status_code == 302  # noqa: PLR2004
    page = admin.get("/admin/backups").get_data(as_text=True)
    [name] = re.findall(r'href="/admin/backups/(cascade-backup-[^"]+\.zip)"', page)
    response = admin.get(f"/admin/backups/{name}")
    assert response.headers["Content-Disposition"].startswith("attachment")
    archive = tmp_path / name
    archive.write_bytes(response.data)
    response.close()  # a streamed file: the test client leaves it open otherwise
    with zipfile.ZipFile(archive) as backup:
        assert "manifest.json" in backup.namelist() and backup.testzip() is None
    assert [e.action for e in events("backup.create") + events("backup.download")] == ["backup.create",
                                                                                       "backup.download"]
    assert admin.get("/admin/backups/..%2Fsecret_key").status_code == 404  # noqa: PLR2004
    assert as_user(app, "coord").get(f"/admin/backups/{name}").status_code == 403  # noqa: PLR2004


def test_anonymising_twice_changes_nothing_the_second_time(app, office):
    """A double click on the confirmation page: the second post is refused, the account left as the first made it."""
    ana = office["ana"]
    admin = as_user(app, "admin")
    post(admin, f"/admin/people/{ana.id}/anonymise", confirmed="yes")
    first = fresh(ana).username
    again = post(admin, f"/admin/people/{ana.id}/anonymise", confirmed="yes")
    assert again.status_code == 302  # noqa: PLR2004
    assert "This account is anonymised already." in admin.get(again.headers["Location"]).get_data(as_text=True)
    assert fresh(ana).username == first and len(events("user.anonymise")) == 1


def test_an_email_address_of_another_account_is_refused_beside_the_field(app, office):
    client = as_user(app, "admin")
    page = post(client, f"/admin/people/{office['lead'].id}", **{**PROFILE, "email": "ana@example.tm",
                                                                  "roles": ["trainer"]})
    text = page.get_data(as_text=True)
    assert page.status_code == 200  # noqa: PLR2004
    assert re.search(r'id="email-errors">\s*<li>Another account uses this email address.</li>', text)
    assert fresh(office["lead"]).email is None and fresh(office["lead"]).full_name == "Lead Trainer"
