"""Importing a roster over HTTP: preview, confirm, credential slips, and everything that must be refused."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from course.extensions import db
from course.models.audit import AuditEvent
from course.models.cohort import Cohort
from course.models.enrolment import Enrolment
from course.models.user import Agency, Gender, Role, User, Velayat
from tests.conftest import csrf_token, sign_in
from tests.test_cohort_pages import as_user, create_via_form

HEADER = "Full name,Username,Email,Agency,Position,Gender,Velayat"


@pytest.fixture
def world(app, synced, make_user):
    people = {
        "lead": make_user("lead", roles={Role.TRAINER}, full_name="Lead Trainer"),
        "stranger": make_user("stranger", roles={Role.TRAINER}, full_name="Other Trainer"),
        "known": make_user("merdan", full_name="Merdan Known", email="merdan@example.tm"),
        "coord": make_user("coord", roles={Role.COORDINATOR}),
    }
    create_via_form(as_user(app, "lead"), lead=str(people["lead"].id))
    people["cohort"] = db.session.scalar(select(Cohort))
    return people


def thirty_rows() -> bytes:
    """27 good rows (one of them a person already known by email) and three bad ones."""
    rows = [HEADER] + [f"Learner {n:02d},learner{n:02d},,prosecution,Investigator,female,lebap" for n in range(26)]
    rows.append("Merdan Known,,merdan@example.tm,judiciary,Judge,male,mary")  # known, by email
    rows.append(",nameless,,prosecution,,female,ahal")  # no name
    rows.append("Bad Agency,badagency,,navy,,male,ahal")  # unknown agency
    rows.append("Learner 00 again,learner00,,prosecution,,female,ahal")  # duplicate username
    return "\n".join(rows).encode()


def upload(client, cohort, data: bytes, filename: str = "roster.csv"):
    token = csrf_token(client, f"/cohorts/{cohort.id}/roster")
    # Encoded here, in memory: the test client would spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart({"csrf_token": token,
                                       "roster": FileStorage(io.BytesIO(data), filename, content_type="text/csv")})
    return client.post(f"/cohorts/{cohort.id}/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def confirm_form(page: str) -> dict:
    return {
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
        "preview": re.search(r'name="preview" value="([^"]+)"', page).group(1),
        "kinds": re.findall(r'name="kinds" value="([^"]+)"', page),
    }


def users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_a_thirty_row_roster_is_previewed_then_imported_with_credential_slips(app, world):
    trainer, cohort = as_user(app, "lead"), world["cohort"]
    before = users()
    preview = upload(trainer, cohort, thirty_rows())
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "New: 26 · Already known: 1 · Invalid: 3" in page
    assert "The full name is missing." in page
    assert "navy" in page
    assert "row 2" in page.lower()  # the duplicate names the row it repeats
    assert users() == before and db.session.scalar(select(func.count(Enrolment.id))) == 0  # nothing written yet

    slips = trainer.post(f"/cohorts/{cohort.id}/import/confirm", data=confirm_form(page))
    slip_page = slips.get_data(as_text=True)
    assert slips.status_code == 200 and slips.headers["Cache-Control"] == "no-store"
    assert '<html lang="ru">' in slip_page  # the cohort's language, not the trainer's English
    passwords = re.findall(r'<dt>Одноразовый пароль</dt><dd class="slip-secret">([^<]+)</dd>', slip_page)
    assert len(passwords) == 26 and len(set(passwords)) == 26
    assert "Merdan Known" not in slip_page  # a known person keeps their account and password
    assert users() == before + 26
    enrolled = set(db.session.scalars(select(Enrolment.user_id).where(Enrolment.cohort_id == cohort.id)))
    assert len(enrolled) == 27 and world["known"].id in enrolled
    newcomer = db.session.scalar(select(User).where(User.username == "learner03"))
    assert (newcomer.agency, newcomer.gender, newcomer.velayat, newcomer.position) == (
        Agency.PROSECUTION, Gender.FEMALE, Velayat.LEBAP, "Investigator")
    assert newcomer.must_change_password and newcomer.locale == cohort.language
    assert passwords[0] not in newcomer.password_hash
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort.import_roster"))
    assert event.details == {"created": 26, "enrolled": 27, "invalid": 3}

    # A learner signs in with the slip and must choose a password first.
    learner = app.test_client()
    first = re.search(r'<dd class="slip-secret">(learner\d\d)</dd>\s*<dt>Одноразовый пароль</dt>'
                      r'<dd class="slip-secret">([^<]+)</dd>', slip_page)
    response = sign_in(learner, first.group(1), first.group(2))
    assert response.headers["Location"] == "/account/password"


def test_confirming_twice_creates_nobody_twice(app, world):
    trainer, cohort = as_user(app, "lead"), world["cohort"]
    page = upload(trainer, cohort, thirty_rows()).get_data(as_text=True)
    form = confirm_form(page)
    trainer.post(f"/cohorts/{cohort.id}/import/confirm", data=form)
    count = users()
    again = trainer.post(f"/cohorts/{cohort.id}/import/confirm", data=form)
    assert again.status_code == 409
    assert "The roster changed since the preview" in again.get_data(as_text=True)
    assert users() == count


def test_an_altered_or_foreign_preview_is_refused(app, world):
    trainer, cohort = as_user(app, "lead"), world["cohort"]
    form = confirm_form(upload(trainer, cohort, thirty_rows()).get_data(as_text=True))
    before = users()
    tampered = dict(form, preview=form["preview"][:-3] + "AAA")
    response = trainer.post(f"/cohorts/{cohort.id}/import/confirm", data=tampered, follow_redirects=True)
    assert "This preview has expired or is not valid" in response.get_data(as_text=True)
    # the preview is bound to the trainer who made it: a coordinator replaying it is refused too
    coordinator = as_user(app, "coord")
    replayed = dict(form, csrf_token=csrf_token(coordinator, "/"))
    response = coordinator.post(f"/cohorts/{cohort.id}/import/confirm", data=replayed, follow_redirects=True)
    assert "This preview has expired or is not valid" in response.get_data(as_text=True)
    assert users() == before


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("roster.xls", b"\xd0\xcf\x11\xe0 old excel", "CSV or Excel"),
    ("roster.csv", b"", "empty"),
    ("roster.csv", (HEADER + "\n=HYPERLINK(\"http://evil\"),x,,,,,\n").encode(), "formula"),
    ("roster.xlsx", (HEADER + "\nA,b,,,,,\n").encode(), "Excel"),
])
def test_a_bad_file_is_refused_with_a_clear_message_and_changes_nothing(app, world, filename, data, message):
    trainer, cohort = as_user(app, "lead"), world["cohort"]
    before = users()
    response = upload(trainer, cohort, data, filename)
    assert response.status_code == 400
    assert message.lower() in response.get_data(as_text=True).lower()
    assert users() == before and db.session.scalar(select(func.count(Enrolment.id))) == 0


def test_a_file_over_the_size_limit_is_refused(app, world):
    response = upload(as_user(app, "lead"), world["cohort"], (HEADER + "\n").encode() + b"x" * (600 * 1024))
    assert response.status_code == 400 and "512 KB" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Enrolment.id))) == 0


def test_an_xlsx_roster_with_a_formula_cell_is_refused(app, world):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["Aýna", "ayna", "", "prosecution", "", "female", "ahal"])
    sheet["B3"] = "=1+1"
    out = io.BytesIO()
    workbook.save(out)
    response = upload(as_user(app, "lead"), world["cohort"], out.getvalue(), "roster.xlsx")
    assert response.status_code == 400 and "formula" in response.get_data(as_text=True)


def test_another_trainer_cannot_preview_or_confirm_an_import_into_my_cohort(app, world):
    cohort = world["cohort"]
    form = confirm_form(upload(as_user(app, "lead"), cohort, thirty_rows()).get_data(as_text=True))
    stranger = as_user(app, "stranger")
    assert upload(stranger, cohort, thirty_rows()).status_code == 404
    form["csrf_token"] = csrf_token(stranger, "/")
    assert stranger.post(f"/cohorts/{cohort.id}/import/confirm", data=form).status_code == 404
    assert db.session.scalar(select(func.count(Enrolment.id))) == 0


def test_a_lost_slip_is_replaced_only_while_the_account_is_unused(app, world, make_user):
    trainer, cohort = as_user(app, "lead"), world["cohort"]
    page = upload(trainer, cohort, thirty_rows()).get_data(as_text=True)
    trainer.post(f"/cohorts/{cohort.id}/import/confirm", data=confirm_form(page))
    newcomer = db.session.scalar(select(User).where(User.username == "learner05"))
    token = csrf_token(trainer, f"/cohorts/{cohort.id}/roster")
    slip = trainer.post(f"/cohorts/{cohort.id}/learners/{newcomer.id}/new-password", data={"csrf_token": token})
    password = re.search(r'Одноразовый пароль</dt><dd class="slip-secret">([^<]+)<', slip.get_data(as_text=True))
    assert sign_in(app.test_client(), "learner05", password.group(1)).headers["Location"] == "/account/password"
    # Merdan chose his own password long ago: the trainer cannot reset it.
    known = world["known"]
    hash_before = known.password_hash
    refused = trainer.post(f"/cohorts/{cohort.id}/learners/{known.id}/new-password", data={"csrf_token": token},
                           follow_redirects=True)
    assert "ask an administrator" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, known.id).password_hash == hash_before


def test_a_huge_upload_is_cut_off_before_it_is_read(app, world):
    response = upload(as_user(app, "lead"), world["cohort"], b"x" * (3 * 1024 * 1024))
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)


def test_age_band_and_disability_from_the_file_reach_the_new_accounts_only(app, world):
    from course.models.user import AgeBand, Disability  # noqa: PLC0415

    cohort, trainer = world["cohort"], as_user(app, "lead")
    data = "\n".join([HEADER + ",Age,Disability", "Aýna Amanowa,ayna,,prosecution,,female,ahal,37,yes",
                      "Merdan Known,,merdan@example.tm,judiciary,,male,mary,61,no"]).encode()
    page = upload(trainer, cohort, data).get_data(as_text=True)
    assert "Disability" not in page.split("<table", 1)[1].split("</table>", 1)[0]  # not shown to the trainer
    trainer.post(f"/cohorts/{cohort.id}/import/confirm", data=confirm_form(page))
    db.session.expire_all()
    ayna = db.session.scalar(select(User).where(User.username == "ayna"))
    assert (ayna.age_band, ayna.disability) == (AgeBand.FROM_35_TO_44, Disability.YES)
    known = db.session.scalar(select(User).where(User.username == "merdan"))
    assert (known.age_band, known.disability) == (AgeBand.NOT_STATED, Disability.NOT_STATED)  # account unchanged
