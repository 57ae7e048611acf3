"""Every page in Russian and Turkmen, looking for interface English left behind.

A page is visited as the role that uses it, with data behind it (a cohort with a learner who
completed the trainer track, a session day, an assessment, a certificate). Any sentence of the
interface catalogue in its English form on a Russian or Turkmen page is a miss: a string not
marked for translation, a lazy string rendered before the locale was known, a message built in
English. Course content that falls back to English is marked lang="en" and not counted.
"""

from __future__ import annotations

import html
import re

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.attendance import SessionDay
from course.models.evaluation import EvaluationResponse
from course.models.practice import PracticeAssessment
from tests.conftest import csrf_token
from tests.test_cascade import certified_trainee
from tests.test_cohort_pages import as_user
from tests.test_i18n import TRANSLATIONS

_PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%%|\{\w*\}")


def interface_sentences() -> set[str]:
    """Pieces of English interface text long enough to be recognised (three words or more)."""
    with open(TRANSLATIONS / "ru" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    pieces = set()
    for message in catalogue:
        for english in ([message.id] if isinstance(message.id, str) else list(message.id or [])):
            for piece in _PLACEHOLDER.split(english or ""):
                piece = piece.strip(" .,:;()“”")
                if len(piece.split()) >= 3:  # noqa: PLR2004
                    pieces.add(piece)
    return pieces


SENTENCES = interface_sentences()


def english_left(page: str) -> list[str]:
    page = re.sub(r'<(?!html\b)(\w+)[^>]*\blang="en"[^>]*>.*?</\1>', " ", page, flags=re.S)  # content in English
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    text = re.sub(r"\s+", " ", text)
    return sorted(sentence for sentence in SENTENCES if sentence in text)


@pytest.fixture
def scene(app, synced, make_user):
    _master, learner, cohort, certificate = certified_trainee(make_user)
    db.session.add(SessionDay(cohort_id=cohort.id, day=cohort.starts_on, topic="", modules=["alpha"]))
    db.session.add_all(EvaluationResponse.of(cohort.id, "end-of-cohort", {"relevant": 4, "trainer-clear": 5,
                                                                          "apply": "Cases."}) for _ in range(5))
    db.session.commit()
    day = db.session.scalar(select(SessionDay.id))
    assessment = db.session.scalar(select(PracticeAssessment.id))
    assert assessment
    section = load_catalogue().modules["alpha"].section_keys[0]
    return {
        None: ["/login", "/verify", f"/verify/{certificate.code}"],
        "aylar": ["/", "/tracks/full", "/modules/alpha", f"/modules/alpha/{section}", "/quizzes/pre-test",
                  "/certificates", "/practice", "/glossary", "/sources", "/join", "/account/profile",
                  "/account/password", f"/cohorts/{cohort.id}/evaluation"],
        "master": ["/cohorts", "/cohorts/new", f"/cohorts/{cohort.id}", f"/cohorts/{cohort.id}/roster",
                   f"/cohorts/{cohort.id}/days", f"/cohorts/{cohort.id}/days/{day}",
                   f"/cohorts/{cohort.id}/practice", f"/cohorts/{cohort.id}/practice/{learner.id}",
                   f"/cohorts/{cohort.id}/evaluation/results", f"/cohorts/{cohort.id}/edit", "/cascade",
                   "/modules/alpha/trainer-notes"],
        "coord": ["/reports", "/reports/programme", "/reports/evaluations", f"/reports/cohorts/{cohort.id}",
                  "/trainers", "/certificates/all", "/devices/", "/devices/conflicts"],
    }


@pytest.mark.parametrize("language", ["ru", "tk"])
def test_no_interface_english_is_left_on_any_page(app, scene, language):
    misses = {}
    for username, urls in scene.items():
        client = app.test_client() if username is None else as_user(app, username)
        token = csrf_token(client, "/login" if username is None else "/")
        chosen = client.post("/language", data={"language": language, "csrf_token": token})
        assert chosen.status_code == 302
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
            assert f'<html lang="{language}"' in response.get_data(as_text=True), url
            left = english_left(response.get_data(as_text=True))
            if left:
                misses[url] = left
    assert misses == {}


def test_the_check_sees_english_left_behind():
    assert english_left("<p>Nobody in these cohorts has taken both tests yet.</p>") != []
    assert english_left('<p><span lang="en">Nobody in these cohorts has taken both tests yet.</span></p>') == []
    assert english_left('<html lang="en"><p>Nobody in these cohorts has taken both tests yet.</p></html>') != []


@pytest.mark.parametrize(("language", "expected"), [
    ("tk", ["Iň köp 200 nyşan.", "Ýaramly saýlaw däl.", "«soon» sene däl; ony 2027-03-31 ýa-da 31.03.2027"]),
    ("ru", ["Не более 200 символов.", "Недопустимый выбор.", "«soon» — не дата; укажите её в виде 2027-03-31"]),
])
def test_wtforms_own_messages_speak_the_language(app, scene, language, expected):
    """WTForms has no Turkmen catalogue: its messages (too long, not a choice) come from ours, as does the
    date fields' own (course.days)."""
    client = as_user(app, "master")
    client.post("/language", data={"language": language, "csrf_token": csrf_token(client, "/")})
    page = client.post("/cohorts/new", data={
        "csrf_token": csrf_token(client, "/cohorts/new"), "name": "x" * 201, "track_id": "full", "language": "ru",
        "velayat": "atlantis", "starts_on": "soon", "ends_on": "2027-04-02"}).get_data(as_text=True)
    for message in expected:
        assert message in page, message
    assert english_left(page) == []
