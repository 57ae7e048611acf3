"""Certificates end to end: issued on completion or by the trainer, downloaded, revoked, re-issued, verified.

Learners' progress is written straight into the database (``read_everything``, ``pass_quiz``) except where
the point is the HTTP path that issues a certificate; everything a person does is done over HTTP.
PDFs are rendered sparingly: about 0.3 s each.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import timedelta

import pytest
from babel.dates import format_date
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from course.certificates.document import verification_url
from course.certificates.services import issue_certificate, issue_if_automatic, serial_for
from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.audit import AuditEvent
from course.models.certificate import Certificate, CertificateKind
from course.models.cohort import Cohort, CohortTrainer
from course.models.progress import SectionRead
from course.models.types import utcnow
from course.models.user import Role, User
from tests.conftest import csrf_token
from tests.test_cascade import cohort_of, pass_practice, pass_quiz, read_everything
from tests.test_cohort_dashboard import section, text_of
from tests.test_cohort_pages import as_user


@pytest.fixture
def world(app, synced, make_user):
    """Two trainers with a `short` cohort each, on its last day (automatic completion certificates), a
    coordinator, two learners."""
    people = {
        "lead": make_user("lead", roles={Role.TRAINER}, full_name="Lead Trainer"),
        "stranger": make_user("stranger", roles={Role.TRAINER}, full_name="Other Trainer"),
        "coord": make_user("coord", roles={Role.COORDINATOR}, full_name="Cora Coordinator"),
        "ana": make_user("ana_b", full_name="Ana Berdiyeva", email="ana.b@example.tm"),
        "bob": make_user("bob_o", full_name="Bob Orazov"),
    }
    people["cohort"] = cohort_of(people["lead"], "short", "Mary prosecutors", ending_today=True)
    people["other"] = cohort_of(people["stranger"], "short", "Lebap judges", ending_today=True)
    for name in ("ana", "bob"):
        enrol_in_cohort(people[name], people["cohort"])
    db.session.commit()
    return people


def certify(user: User) -> Certificate:
    """Complete the short track and let the automatic rule issue the certificate."""
    read_everything(user, "short")
    issued = issue_if_automatic([user.id], load_catalogue())
    db.session.commit()
    assert len(issued) == 1
    return issued[0]


def certificates_of(user: User) -> list[Certificate]:
    db.session.expire_all()
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.id)))


def valid_of(user: User) -> list[Certificate]:
    return [c for c in certificates_of(user) if c.revoked_at is None]


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def long_date(certificate: Certificate) -> str:
    return format_date(certificate.issued_at.date(), "long", locale="en")


def page_of(response) -> str:
    return text_of(response.get_data(as_text=True))


def post_change(client, certificate: Certificate, action: str, reason: str):
    token = csrf_token(client, "/certificates/all")
    return client.post(f"/certificates/{certificate.id}/{action}",
                       data={"csrf_token": token, "reason": reason, "confirmed": "yes"}, follow_redirects=True)


# -- issuing automatically ------------------------------------------------------------------------------------------


def test_reading_the_last_section_of_the_short_track_issues_a_completion_certificate(app, world):
    ana = world["ana"]
    keys = load_catalogue().modules["alpha"].section_keys
    *first, last = keys
    db.session.add_all(SectionRead(user_id=ana.id, module_id="alpha", section_id=key,
                                   module_hash=load_catalogue().modules["alpha"].content_hash) for key in first)
    db.session.commit()
    client = as_user(app, "ana_b")
    token = csrf_token(client, "/")
    assert certificates_of(ana) == []

    response = client.post(f"/modules/alpha/{last}/done", data={"csrf_token": token}, follow_redirects=True)

    assert response.status_code == 200
    assert "Your certificate is ready under My certificates." in response.get_data(as_text=True)
    [certificate] = certificates_of(ana)
    assert re.fullmatch(r"CMP-\d{4}-\d{6}", certificate.serial), certificate.serial
    assert certificate.serial == f"CMP-{certificate.issued_at.year}-{certificate.id:06d}"
    assert len(certificate.code) >= 32
    assert certificate.kind == CertificateKind.COMPLETION
    assert (certificate.holder_name, certificate.issued_by_id) == ("Ana Berdiyeva", None)
    assert (certificate.track_id, certificate.cohort_id, certificate.contact_hours) == ("short", world["cohort"].id, 2)
    assert certificate.revoked_at is None

    mine = client.get("/certificates").get_data(as_text=True)
    assert certificate.serial in mine
    assert f'href="/certificates/{certificate.id}.pdf"' in mine
    assert f'href="/verify/{certificate.code}"' in mine
    [event] = events("certificate.issue")
    assert event.target == certificate.serial and event.actor_id is None
    assert event.details["user"] == "ana_b" and event.details["automatic"] is True

    again = client.post(f"/modules/alpha/{last}/done", data={"csrf_token": token}, follow_redirects=True)
    assert "Your certificate is ready" not in again.get_data(as_text=True)
    assert len(certificates_of(ana)) == 1
    assert len(events("certificate.issue")) == 1


def test_reading_all_but_the_last_section_issues_nothing(app, world):
    ana = world["ana"]
    alpha = load_catalogue().modules["alpha"]
    *first, _last = alpha.section_keys
    client = as_user(app, "ana_b")
    token = csrf_token(client, "/")
    for key in first:
        response = client.post(f"/modules/alpha/{key}/done", data={"csrf_token": token}, follow_redirects=True)
        assert "Your certificate is ready" not in response.get_data(as_text=True)
    assert certificates_of(ana) == []
    assert "You have no certificates yet." in client.get("/certificates").get_data(as_text=True)


# -- downloading ----------------------------------------------------------------------------------------------------


def test_the_holder_the_cohorts_trainer_and_a_coordinator_download_the_pdf_and_nobody_else(app, world):
    certificate = certify(world["ana"])
    url = f"/certificates/{certificate.id}.pdf"

    response = as_user(app, "ana_b").get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert certificate.serial in response.headers["Content-Disposition"]
    assert response.data.startswith(b"%PDF")
    text = pdf_text(response.data)
    assert "Ana Berdiyeva" in text and certificate.serial in text
    assert f"/verify/{certificate.code}" in text.replace(" ", "")

    assert as_user(app, "bob_o").get(url).status_code == 404  # another learner of the same cohort
    assert as_user(app, "stranger").get(url).status_code == 404  # a trainer of another cohort
    for username in ("lead", "coord"):
        response = as_user(app, username).get(url)
        assert response.status_code == 200, username
        assert response.data.startswith(b"%PDF")
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    assert as_user(app, "ana_b").get("/certificates/999999.pdf").status_code == 404


def holders_pdf_text(app, world, make_user, username: str, full_name: str, locale: str) -> str:
    """A learner in ``locale`` completes the track; the text of the PDF they download."""
    holder = make_user(username, full_name=full_name)
    holder.locale = locale
    enrol_in_cohort(holder, world["cohort"])
    db.session.commit()
    certificate = certify(holder)
    assert certificate.language == locale
    return pdf_text(as_user(app, username).get(f"/certificates/{certificate.id}.pdf").data)


def test_a_russian_holder_gets_a_certificate_in_russian(app, world, make_user):
    text = holders_pdf_text(app, world, make_user, "ivan", "Иван Петров", "ru")

    assert "Иван Петров" in text
    assert "Учебный курс" in text  # the course title in Russian
    assert "Программа: Краткая программа" in text  # the track label (translated) and title
    assert format_date(world["cohort"].ends_on, "long", locale="ru").replace("\u202f", " ") in text  # Russian dates
    assert "Настоящим удостоверяется, что" in text and "Аудиторных часов: 2" in text  # the fixed texts too
    for english in ("CERTIFICATE OF COMPLETION", "This is to certify that", "contact hours", "Date of issue"):
        assert english not in text, english


def test_turkmen_letters_of_the_holders_name_reach_the_pdf(app, world, make_user):
    text = holders_pdf_text(app, world, make_user, "aylar", "Meňli Aşyrowna Ňurýewa-Şažanowa", "tk")

    assert "Meňli Aşyrowna Ňurýewa-Şažanowa" in text
    for letter in "ňşýžŇŞ":
        assert letter in text, letter
    assert "Okuw kursy" in text  # the course title in Turkmen
    assert "Şu şahadatnama tassyklaýar, ýagny" in text and "Berlen senesi" in text  # the fixed texts too
    assert "This is to certify that" not in text and "Date of issue" not in text


def test_a_turkmen_trainer_exports_the_grid_with_turkmen_headers(app, world):
    world["lead"].locale = "tk"
    db.session.commit()
    cohort = db.session.scalar(select(Cohort).where(Cohort.id.in_(
        select(CohortTrainer.cohort_id).where(CohortTrainer.user_id == world["lead"].id))).limit(1))
    header = next(csv.reader(io.StringIO(as_user(app, "lead").get(f"/cohorts/{cohort.id}/export.csv")
                                         .get_data(as_text=True).lstrip("\ufeff"))))
    assert {"Başlangyç test", "Gatnalan günler", "Ugur tamamlandy"} <= set(header)
    assert not {"Pre-test", "Days attended", "Track complete"} & set(header)


# -- the trainer confirms -------------------------------------------------------------------------------------------


@pytest.fixture
def tot(world, make_user):
    """The lead's cohort on the `full` track, whose trainer certificate the trainer confirms."""
    cohort = cohort_of(world["lead"], "full", "Ashgabat ToT")
    world["aylar"] = make_user("aylar", full_name="Aylar Trainee")
    world["batyr"] = make_user("batyr", full_name="Batyr Trainee")
    for name in ("aylar", "batyr"):
        enrol_in_cohort(world[name], cohort)
    db.session.commit()
    read_everything(world["aylar"], "full")
    pass_quiz(world["aylar"], "post-test")
    pass_practice(world["aylar"])
    read_everything(world["batyr"], "full")  # read everything, but the post-test is not passed
    return cohort


def issue_form(client, cohort, *user_ids):
    token = csrf_token(client, f"/cohorts/{cohort.id}")
    return client.post(f"/cohorts/{cohort.id}/certificates",
                       data={"csrf_token": token, "user_id": [str(i) for i in user_ids]}, follow_redirects=True)


def test_a_trainer_confirms_the_certificate_of_a_learner_who_completed(app, world, tot):
    aylar, batyr = world["aylar"], world["batyr"]
    assert issue_if_automatic([aylar.id], load_catalogue()) == []  # the full track is not automatic
    trainer = as_user(app, "lead")
    part = section(trainer.get(f"/cohorts/{tot.id}").get_data(as_text=True), "certificates")
    assert f'name="user_id" value="{aylar.id}"' in part
    assert f'value="{batyr.id}"' not in part
    assert "Issued: 0 of 2 learners." in text_of(part)

    response = issue_form(trainer, tot, aylar.id)

    assert "Certificates issued: 1." in page_of(response)
    [certificate] = certificates_of(aylar)
    assert re.fullmatch(r"TOT-\d{4}-\d{6}", certificate.serial), certificate.serial
    assert certificate.kind == CertificateKind.TRAINER
    assert (certificate.issued_by_id, certificate.cohort_id, certificate.contact_hours) == (world["lead"].id, tot.id, 8)
    assert certificate.holder_name == "Aylar Trainee"
    [event] = events("certificate.issue")
    assert event.actor_id == world["lead"].id and event.details["automatic"] is False
    part = section(trainer.get(f"/cohorts/{tot.id}").get_data(as_text=True), "certificates")
    assert f'value="{aylar.id}"' not in part
    assert "Issued: 1 of 2 learners." in text_of(part)
    assert f"/cohorts/{tot.id}/certificates.zip" in part

    refused = issue_form(trainer, tot, batyr.id)
    assert "Batyr Trainee has not completed the track yet." in page_of(refused)
    assert certificates_of(batyr) == []

    again = issue_form(trainer, tot, aylar.id)
    assert "Aylar Trainee already has this certificate." in page_of(again)
    assert len(certificates_of(aylar)) == 1
    assert len(events("certificate.issue")) == 1


def test_one_learner_who_has_not_completed_stops_the_whole_batch(app, world, tot):
    response = issue_form(as_user(app, "lead"), tot, world["aylar"].id, world["batyr"].id)
    assert "Batyr Trainee has not completed the track yet." in page_of(response)
    assert certificates_of(world["aylar"]) == [] and certificates_of(world["batyr"]) == []


def test_a_trainer_of_another_cohort_or_a_learner_cannot_issue(app, world, tot):
    assert issue_form(as_user(app, "coord"), tot).status_code == 200  # the coordinator reaches the page (no one chosen)
    stranger = as_user(app, "stranger")
    token = csrf_token(stranger, "/")
    response = stranger.post(f"/cohorts/{tot.id}/certificates",
                             data={"csrf_token": token, "user_id": str(world["aylar"].id)})
    assert response.status_code == 404
    learner = as_user(app, "bob_o")
    response = learner.post(f"/cohorts/{tot.id}/certificates",
                            data={"csrf_token": csrf_token(learner, "/"), "user_id": str(world["aylar"].id)})
    assert response.status_code == 403
    assert certificates_of(world["aylar"]) == []


def test_a_learner_of_another_cohort_cannot_be_certified_through_this_one(app, world, tot):
    certificate_count = db.session.scalar(select(func.count(Certificate.id)))
    read_everything(world["ana"], "short")  # ana completed the short track, in the lead's other cohort
    response = issue_form(as_user(app, "lead"), tot, world["ana"].id)
    assert "Choose at least one learner." in page_of(response)
    assert db.session.scalar(select(func.count(Certificate.id))) == certificate_count


# -- the database keeps one valid certificate -----------------------------------------------------------------------


def test_the_database_refuses_a_second_valid_certificate_for_the_same_track(app, world):
    original = certify(world["ana"])

    def twin(serial: str, code: str, **fields) -> Certificate:
        return Certificate(user_id=original.user_id, course_id=original.course_id, track_id=original.track_id,
                           kind=original.kind, serial=serial, code=code, holder_name="Ana Berdiyeva", language="en",
                           contact_hours=2, cohort_id=original.cohort_id, issued_at=utcnow(), **fields)

    db.session.add(twin("CMP-2026-999998", "x" * 40))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()

    # A revoked one beside the valid one is what a re-issue leaves behind: the index allows it.
    db.session.add(twin("CMP-2026-999999", "y" * 40, revoked_at=utcnow(), revocation_reason="Old paper copy"))
    db.session.commit()
    assert len(certificates_of(world["ana"])) == 2 and len(valid_of(world["ana"])) == 1


# -- revoking -------------------------------------------------------------------------------------------------------


def test_a_coordinator_revokes_a_certificate_with_a_reason(app, world):
    certificate = certify(world["ana"])
    coordinator = as_user(app, "coord")

    for reason in ("", "   ", "typo"):
        response = post_change(coordinator, certificate, "revoke", reason)
        assert "Give the reason in a few words" in page_of(response), reason
        assert valid_of(world["ana"]) == [certificate]
    assert events("certificate.revoke") == []

    response = post_change(coordinator, certificate, "revoke", "Issued in error: the learner left the course")
    assert f"Certificate {certificate.serial} is revoked." in page_of(response)
    db.session.expire_all()
    assert certificate.revoked_at is not None and certificate.revoked_by_id == world["coord"].id
    assert certificate.revocation_reason == "Issued in error: the learner left the course"
    [event] = events("certificate.revoke")
    assert event.target == certificate.serial and event.actor_id == world["coord"].id

    verify = page_of(app.test_client().get(f"/verify/{certificate.code}"))
    assert "Revoked certificate" in verify and "Valid certificate" not in verify
    assert "Issued in error: the learner left the course" in verify

    holder = as_user(app, "ana_b")
    assert holder.get(f"/certificates/{certificate.id}.pdf").status_code == 404
    mine = holder.get("/certificates").get_data(as_text=True)
    assert "revoked" in text_of(mine) and "Issued in error: the learner left the course" in mine
    assert f"/certificates/{certificate.id}.pdf" not in mine
    assert as_user(app, "lead").get(f"/certificates/{certificate.id}.pdf").status_code == 404

    twice = post_change(coordinator, certificate, "revoke", "Once more, to be sure")
    assert "is already revoked" in page_of(twice)
    assert len(events("certificate.revoke")) == 1


@pytest.mark.parametrize("username", ["lead", "ana_b"])
def test_only_coordinators_revoke_or_reissue(app, world, username):
    certificate = certify(world["ana"])
    client = as_user(app, username)
    token = csrf_token(client, "/")
    for action in ("revoke", "reissue"):
        response = client.post(f"/certificates/{certificate.id}/{action}",
                               data={"csrf_token": token, "reason": "Because I can"})
        assert response.status_code == 403, action
    assert client.get("/certificates/all").status_code == 403
    assert valid_of(world["ana"]) == [certificate] and len(certificates_of(world["ana"])) == 1


def test_revoking_an_unknown_certificate_is_not_found(app, world):
    coordinator = as_user(app, "coord")
    response = coordinator.post("/certificates/999999/revoke",
                                data={"csrf_token": csrf_token(coordinator, "/"), "reason": "Does not exist"})
    assert response.status_code == 404


# -- re-issuing -----------------------------------------------------------------------------------------------------


def test_a_reissue_after_a_name_correction_revokes_the_old_certificate_and_prints_the_new_name(app, world):
    ana = world["ana"]
    old = certify(ana)
    old_serial, old_code = old.serial, old.code
    ana.full_name = "Ana Berdiýewa"
    db.session.commit()

    response = post_change(as_user(app, "coord"), old, "reissue", "Name corrected by the holder")

    [new] = valid_of(ana)
    assert f"Certificate {old_serial} is replaced by {new.serial}." in page_of(response)
    db.session.refresh(old)
    assert old.revoked_at is not None and old.revocation_reason == "Name corrected by the holder"
    assert old.holder_name == "Ana Berdiyeva"  # kept as issued
    assert new.id != old.id and new.serial != old_serial and new.code != old_code
    assert re.fullmatch(r"CMP-\d{4}-\d{6}", new.serial)
    assert (new.holder_name, new.kind, new.cohort_id, new.issued_by_id) == (
        "Ana Berdiýewa", CertificateKind.COMPLETION, world["cohort"].id, world["coord"].id)
    [event] = events("certificate.reissue")
    assert event.target == new.serial and event.details["replaces"] == old_serial
    assert [e.target for e in events("certificate.revoke")] == [old_serial]

    anonymous = app.test_client()
    assert "Revoked certificate" in page_of(anonymous.get(f"/verify/{old_code}"))
    fresh = page_of(anonymous.get(f"/verify/{new.code}"))
    assert "Valid certificate" in fresh and "Ana Berdiýewa" in fresh

    # Re-issuing the old one again would make a second valid certificate: refused.
    again = post_change(as_user(app, "coord"), old, "reissue", "Clicked twice by mistake")
    assert "already has a valid certificate" in page_of(again)
    assert len(valid_of(ana)) == 1 and len(certificates_of(ana)) == 2


def test_automatic_issuing_does_not_undo_a_coordinators_revocation(app, world):
    ana = world["ana"]
    certificate = certify(ana)
    post_change(as_user(app, "coord"), certificate, "revoke", "Completed on someone else's account")
    last = load_catalogue().modules["alpha"].section_keys[-1]
    client = as_user(app, "ana_b")

    response = client.post(f"/modules/alpha/{last}/done", data={"csrf_token": csrf_token(client, "/")},
                           follow_redirects=True)

    assert "Your certificate is ready" not in response.get_data(as_text=True)
    assert valid_of(ana) == [] and len(certificates_of(ana)) == 1
    assert issue_if_automatic([ana.id], load_catalogue()) == []


def test_a_trainer_cannot_undo_a_coordinators_revocation(app, world, tot):
    trainer = as_user(app, "lead")
    issue_form(trainer, tot, world["aylar"].id)
    [certificate] = certificates_of(world["aylar"])
    post_change(as_user(app, "coord"), certificate, "revoke", "Post-test taken by someone else")

    part = section(trainer.get(f"/cohorts/{tot.id}").get_data(as_text=True), "certificates")
    issue_form(trainer, tot, world["aylar"].id)

    assert f'value="{world["aylar"].id}"' not in part
    assert valid_of(world["aylar"]) == []


# -- public verification --------------------------------------------------------------------------------------------


def test_the_verification_page_by_code_shows_the_facts_and_nothing_private(app, world):
    certificate = certify(world["ana"])
    anonymous = app.test_client()

    response = anonymous.get(f"/verify/{certificate.code}")

    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    body = response.get_data(as_text=True)
    assert '<meta name="robots" content="noindex, nofollow">' in body
    text = text_of(body)
    assert "Valid certificate" in text
    assert "Ana Berdiyeva" in text and "Sample course" in text and "Short track" in text
    assert long_date(certificate) in text
    for private in ("ana_b", "ana.b@example.tm", certificate.serial):
        assert private not in body, private

    unknown = anonymous.get("/verify/" + "A" * 32)
    assert unknown.status_code == 200 and "Unknown certificate" in page_of(unknown)
    assert "Ana Berdiyeva" not in page_of(unknown)


SERIAL_AND_NAME_CASES = [
    ("{serial}", "Berdiyeva", True),
    ("{serial}", "BERDIYEVA", True),  # any case
    ("{serial}", "ana", True),  # any word of the printed name: Russian names put the family name first
    ("  {lower}  ", " berdiyeva ", True),  # the serial in any case, spaces around
    ("{serial}", "Orazov", False),  # another person's name
    ("{serial}", "Berdi", False),  # a part of a word is not a name
    ("{serial}", "Ana Berdiyeva", False),  # one word only
    ("{serial}", "", False),  # the serial alone is never enough
    ("", "Berdiyeva", False),
    ("CMP-1999-000001", "Berdiyeva", False),
]


def test_checking_by_serial_and_family_name(app, world):
    certificate = certify(world["ana"])
    anonymous = app.test_client()
    for serial, family_name, found in SERIAL_AND_NAME_CASES:
        serial = serial.format(serial=certificate.serial, lower=certificate.serial.lower())
        case = (serial, family_name)

        response = anonymous.get("/verify", query_string={"serial": serial, "family_name": family_name})

        assert response.status_code == 200, case
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
        text = page_of(response)
        assert ("Valid certificate" in text) is found, case
        assert ("Unknown certificate" in text) is not found, case
        assert ("Ana Berdiyeva" in text) is found, case


def test_a_hyphenated_family_name_typed_as_printed_is_found(app, world, make_user):
    aylar = make_user("aylar", full_name="Aýlar Ňurberdiýewa-Şažanowa")
    enrol_in_cohort(aylar, world["cohort"])
    db.session.commit()
    certificate = certify(aylar)

    response = app.test_client().get("/verify", query_string={"serial": certificate.serial,
                                                              "family_name": "Ňurberdiýewa-Şažanowa"})

    assert "Valid certificate" in page_of(response)


@pytest.mark.parametrize(("printed", "typed"), [
    ("Aýna Durdyýewa", "Durdyyewa"),  # a keyboard without Turkmen letters
    ("Aýna Durdyýewa", "DURDYÝEWA"),
    ("Aýna Durdyyewa", "durdyýewa"),  # the other way round
    ("Şirin Çaryýewa", "Caryyewa"),
    ("Ёлкин Пётр", "елкин"),
    ("Пётр Ёлкин", "ПЕТР"),
])
def test_a_family_name_is_found_whatever_the_case_and_the_marks(app, world, make_user, printed, typed):
    holder = make_user("holder", full_name=printed)
    enrol_in_cohort(holder, world["cohort"])
    db.session.commit()
    certificate = certify(holder)

    response = app.test_client().get("/verify", query_string={"serial": certificate.serial, "family_name": typed})

    assert "Valid certificate" in page_of(response)


def test_the_empty_verification_form_is_shown_without_a_verdict(app, world):
    response = app.test_client().get("/verify")
    text = page_of(response)
    assert response.status_code == 200 and "Verify a certificate" in text
    assert not any(word in text for word in ("Valid certificate", "Unknown certificate", "Revoked certificate"))


def test_lookups_are_rate_limited_per_client(app, world):
    certificate = certify(world["ana"])
    app.config["VERIFY_MAX_PER_10_MINUTES"] = 3
    anonymous = app.test_client()
    assert anonymous.get("/verify").status_code == 200  # the empty form is no lookup
    statuses = [anonymous.get(f"/verify/{certificate.code}").status_code,
                anonymous.get("/verify", query_string={"serial": certificate.serial, "family_name": "x"}).status_code,
                anonymous.get("/verify/unknown-code").status_code,
                anonymous.get(f"/verify/{certificate.code}").status_code]
    assert statuses == [200, 200, 200, 429]
    assert anonymous.get("/verify", query_string={"serial": certificate.serial,
                                                  "family_name": "Berdiyeva"}).status_code == 429
    elsewhere = app.test_client().get(f"/verify/{certificate.code}", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert elsewhere.status_code == 200 and "Valid certificate" in page_of(elsewhere)


def test_the_verification_url_uses_the_configured_base_url(app, world):
    certificate = certify(world["ana"])
    with app.test_request_context():
        assert verification_url(certificate) == f"http://localhost/verify/{certificate.code}"
        app.config["BASE_URL"] = "https://cascade.example.tm"
        assert verification_url(certificate) == f"https://cascade.example.tm/verify/{certificate.code}"
        app.config["BASE_URL"] = "https://cascade.example.tm/"
        assert verification_url(certificate).startswith("https://cascade.example.tm/verify/")
        assert "//verify" not in verification_url(certificate)


# -- a cohort's certificates at once, and the coordinator's list ----------------------------------------------------


def test_the_cohort_trainer_downloads_every_valid_certificate_as_one_zip(app, world, make_user):
    carol = make_user("carol", full_name="Carol Revoked")
    enrol_in_cohort(carol, world["cohort"])
    db.session.commit()
    kept = [certify(world["ana"]), certify(world["bob"])]
    revoked = certify(carol)
    post_change(as_user(app, "coord"), revoked, "revoke", "Enrolled by mistake")
    url = f"/cohorts/{world['cohort'].id}/certificates.zip"

    response = as_user(app, "lead").get(url)

    assert response.status_code == 200 and response.headers["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(f"certificate-{c.serial}.pdf" for c in kept)
        for certificate in kept:
            body = archive.read(f"certificate-{certificate.serial}.pdf")
            assert body.startswith(b"%PDF")
        assert "Bob Orazov" in pdf_text(archive.read(f"certificate-{kept[1].serial}.pdf"))
    assert revoked.serial not in str(names)

    assert as_user(app, "bob_o").get(url).status_code == 403
    assert as_user(app, "stranger").get(url).status_code == 404
    empty = as_user(app, "stranger").get(f"/cohorts/{world['other'].id}/certificates.zip", follow_redirects=True)
    assert "No certificates have been issued in this cohort yet." in page_of(empty)


def test_the_coordinator_searches_certificates_by_name_serial_or_username(app, world):
    ana, bob = certify(world["ana"]), certify(world["bob"])
    coordinator = as_user(app, "coord")

    def listed(q: str) -> set[str]:
        page = coordinator.get("/certificates/all", query_string={"q": q}).get_data(as_text=True)
        return {serial for serial in (ana.serial, bob.serial) if serial in page}

    assert listed("") == {ana.serial, bob.serial}
    assert listed("berdi") == {ana.serial}
    assert listed("ORAZ") == {bob.serial}
    assert listed(bob.serial.lower()) == {bob.serial}
    assert listed("bob_o") == {bob.serial}
    assert listed("nobody-at-all") == set()
    assert "No certificate matches." in page_of(coordinator.get("/certificates/all?q=nobody-at-all"))


def test_the_coordinators_list_of_certificates_is_read_a_page_at_a_time(app, world, count_queries):
    from course.certificates.queries import PER_PAGE
    from tests.test_streamed_exports import _certificate

    for number in range(PER_PAGE + 7):
        _certificate(world["ana"], world["cohort"], 1000 + number, revoked=True)
    db.session.commit()
    coordinator = as_user(app, "coord")
    first = page_of(coordinator.get("/certificates/all"))
    assert f"{PER_PAGE + 7} certificates, newest first." in first and "Page 1 of 2" in first
    assert first.count("TOT-2026-") == PER_PAGE
    second = coordinator.get("/certificates/all?page=2")
    assert page_of(second).count("TOT-2026-") == 7 and "Page 2 of 2" in page_of(second)
    assert "Page 2 of 2" in page_of(coordinator.get("/certificates/all?page=999999999999999"))  # the nearest page
    with count_queries() as small:
        coordinator.get("/certificates/all?page=2")
    for number in range(PER_PAGE):
        _certificate(world["ana"], world["cohort"], 2000 + number, revoked=True)
    db.session.commit()
    with count_queries() as large:
        coordinator.get("/certificates/all?page=2")
    assert large.count == small.count  # one page read, whatever the number of certificates


def test_the_coordinator_finds_a_cyrillic_name_as_it_is_written(app, world, make_user):
    ivan = make_user("ivan", full_name="Иван Петров")
    enrol_in_cohort(ivan, world["cohort"])
    db.session.commit()
    certificate = certify(ivan)
    page = as_user(app, "coord").get("/certificates/all", query_string={"q": "Иван"}).get_data(as_text=True)
    assert certificate.serial in page


# -- the cohort dashboard stays a fixed number of queries -----------------------------------------------------------


def test_the_dashboard_query_count_does_not_grow_with_certified_learners(app, world, make_user, count_queries):
    cohort, catalogue = world["cohort"], load_catalogue()
    cohort.ends_on = cohort.starts_on + timedelta(days=30)  # running: complete learners wait for the trainer
    db.session.commit()

    def add_learners(numbers) -> None:
        for number in numbers:
            learner = make_user(f"learner{number:03d}", full_name=f"Learner {number:03d}")
            enrolment = enrol_in_cohort(learner, cohort)
            db.session.commit()
            if number % 3 != 2:
                read_everything(learner, "short")  # complete, no certificate yet (ready for one)
            if number % 3 == 0:
                issue_certificate(enrolment, catalogue, actor_id=world["lead"].id)
                db.session.commit()

    trainer = as_user(app, "lead")
    add_learners(range(3))  # with ana and bob: 5 learners
    trainer.get(f"/cohorts/{cohort.id}")  # warm caches before measuring
    with count_queries() as small:
        small_page = trainer.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    add_learners(range(3, 38))  # 40 learners
    trainer.get(f"/cohorts/{cohort.id}")
    with count_queries() as large:
        page = trainer.get(f"/cohorts/{cohort.id}").get_data(as_text=True)

    assert "Issued: 1 of 5 learners." in text_of(section(small_page, "certificates"))
    assert "Issued: 13 of 40 learners." in text_of(section(page, "certificates"))
    assert large.count == small.count, large.statements


def test_a_field_device_puts_its_prefix_in_the_serials_it_issues():
    """Two laptops number their rows alike; their prefixes keep their serials apart (issue 19)."""
    assert serial_for(CertificateKind.TRAINER, 2027, 12) == "TOT-2027-000012"
    assert serial_for(CertificateKind.TRAINER, 2027, 12, "MARY1") == "TOT-2027-MARY1-000012"
    assert serial_for(CertificateKind.COMPLETION, 2027, 12, "LEBAP") != serial_for(CertificateKind.COMPLETION, 2027,
                                                                                   12, "MARY1")
