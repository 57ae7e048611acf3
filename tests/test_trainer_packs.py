"""Trainers' packs (course.packs): per session day or module, in the cohort's language, as PDF and DOCX, with the
session plan, the handout, the case studies without keys, a separate key, the attendance sheet and the
evaluation form; the content versions and the notices the screens show."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader

from course.attendance.services import add_day
from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.user import Role
from tests.test_cascade import cohort_of
from tests.test_cohort_pages import as_user


def _cohort(make_user, language="en"):
    trainer = make_user("trainer", roles={Role.TRAINER})
    cohort = cohort_of(trainer, "full", "Mary court")
    cohort.language = language
    for username, name in (("ayna", "Aýna Ataýewa"), ("batyr", "Батыр Беков")):
        enrol_in_cohort(make_user(username, full_name=name), cohort)
    day = add_day(cohort, cohort.starts_on, "Definitions day", ["alpha"], set(load_catalogue().modules))
    db.session.commit()
    return cohort, day


def _pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def _docx_text(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as docx:
        return docx.read("word/document.xml").decode("utf-8")


def test_a_days_pack_holds_the_plan_the_handout_the_cases_the_key_the_roster_and_the_form(app, synced, make_user):
    cohort, day = _cohort(make_user)
    trainer = as_user(app, "trainer")
    page = trainer.get(f"/cohorts/{cohort.id}/paper").get_data(as_text=True)
    assert f"/cohorts/{cohort.id}/pack/day/{day.id}.pdf" in page and "/pack/module/beta.docx" in page
    response = trainer.get(f"/cohorts/{cohort.id}/pack/day/{day.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"  # noqa: PLR2004
    assert response.headers["Cache-Control"] == "no-store"
    text = _pdf_text(response.data)
    catalogue = load_catalogue()
    alpha = catalogue.modules["alpha"]
    for expected in ("Trainer's pack", "Session plan", "Handout", "Case study for group work: All question types",
                     "A scenario about a recruiter.", "Trainer's key: not for participants", "FEEDBACK-ACTS",
                     "EXPLANATION-CASE", "Attendance sheet", "Aýna Ataýewa", "Батыр Беков",
                     f"alpha {alpha.content_hash[:12]}", "page 1 of"):
        assert expected in text, expected
    # The key is apart: nothing of it comes before the trainer's key begins.
    before_key = text[:text.index("Trainer's key: not for participants")]
    assert "FEEDBACK" not in before_key and "EXPLANATION" not in before_key
    assert "not yet been reviewed" in text  # the fixture's content is not signed off: the pack says so
    assert "beta" not in text.split("Made from the content versions")[1].split(".")[0]  # the day covers alpha only


def test_a_modules_pack_in_docx_is_a_word_document_in_the_cohorts_language(app, synced, make_user):
    cohort, _day = _cohort(make_user, language="ru")
    trainer = as_user(app, "trainer")
    response = trainer.get(f"/cohorts/{cohort.id}/pack/module/alpha.docx")
    assert response.status_code == 200  # noqa: PLR2004
    assert response.mimetype.endswith("wordprocessingml.document")
    xml = _docx_text(response.data)
    assert "Лист посещаемости" in xml and "Батыр Беков" in xml and "Раздаточный материал" in xml


@pytest.mark.parametrize("url", ["/cohorts/{id}/pack/module/nowhere.pdf", "/cohorts/{id}/pack/day/999999.pdf",
                                 "/cohorts/{id}/pack/module/alpha.exe"])
def test_an_unknown_day_module_or_format_is_not_found(app, synced, make_user, url):
    cohort, _day = _cohort(make_user)
    assert as_user(app, "trainer").get(url.format(id=cohort.id)).status_code == 404  # noqa: PLR2004


@pytest.mark.parametrize("who", ["ayna", "other", None])
def test_only_the_cohorts_trainers_download_its_packs(app, synced, make_user, who):
    cohort, day = _cohort(make_user)
    make_user("other", roles={Role.TRAINER})
    client = as_user(app, who) if who else app.test_client()
    response = client.get(f"/cohorts/{cohort.id}/pack/day/{day.id}.pdf")
    assert response.status_code in (302, 403, 404) and response.mimetype != "application/pdf"


def test_a_turkmen_cohorts_pack_prints_the_turkmen_letters(app, synced, make_user):
    cohort, day = _cohort(make_user, language="tk")
    text = _pdf_text(as_user(app, "trainer").get(f"/cohorts/{cohort.id}/pack/day/{day.id}.pdf").data)
    assert "Tälimçiniň toplumy" in text and "Gatnaşyk sanawy" in text and "Aýna Ataýewa" in text
    assert "sahypa 1 / " in text
