"""Each role's working day, in Russian and in Turkmen, on a 390 px phone and a 1280 px desktop, with the shipped
course: the learner from the course to the certificate, the trainer from a new cohort to attendance and exports,
the coordinator from the reports to the certificates.

On every page: the page fits its screen, no box's content spills out of it, the menu is one line and no table
needs to scroll on a desktop,
no date is written the American short way (12/6/26) and no browser date input shows one. Every export is read to
its last byte; every destructive button asks first. Run on SQLite only: the markup does not depend on the
database, and the exports are checked on both databases by ``tests/test_streamed_exports.py``.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from course.attendance.services import add_day, mark_attendance
from course.cascade.promotion import grant_master_trainer
from course.certificates.services import issue_if_automatic
from course.cohorts.services import CohortDetails, create_cohort, enrol_in_cohort
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.types import utcnow
from course.models.user import Agency, Role, Velayat
from tests.browser.conftest import follow, sign_in
from tests.test_cascade import pass_quiz, read_everything

REPOSITORY = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(os.environ.get("COURSE_TEST_DATABASE_URL", "").startswith("postgresql"),
                                reason="the pages' markup does not depend on the database; run on SQLite")
LANGUAGES = ["ru", "tk"]
LONG_NAME = "Ogulgerek Annamuhammedowa-Gurbanmyradowa"
ROSTER = ("Full name,Username,Email,Agency,Position,Gender,Velayat\n"
          f"{LONG_NAME},ogulgerek,ogulgerek.annamuhammedowa@prokuratura.example.tm,прокуратура,Следователь,жен.,"
          "Марыйский велаят\n"
          "Merdan Learner,merdan,not-an-address,suda,Judge,erkek,Mary welaýaty\n")

#: What a page must not do; returns the problems found (the page is given whether it is a desktop).
PROBLEMS = r"""(desktop) => {
  const problems = [];
  const classes = el => (typeof el.className === 'string' ? el.className.trim().split(/\s+/).filter(Boolean) : []);
  const describe = el => [el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''), ...classes(el)].join('.');
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) problems.push(`page ${root.scrollWidth - root.clientWidth} px too wide`);
  const boxes = 'main, main section, main article, main form, main fieldset, main details, main .card, main .field, '
      + 'main .notice, main p, main li, main dd, main h1, main h2, main h3, main pre, main blockquote';
  for (const box of document.querySelectorAll(boxes)) {
    if (getComputedStyle(box).overflowX !== 'visible' || box.getClientRects().length === 0) continue;
    if (box.scrollWidth > box.clientWidth + 1) {
      problems.push(`${describe(box)} spills ${box.scrollWidth - box.clientWidth} px out of its box`);
    }
  }
  if (desktop) {
    const header = document.querySelector('header.site-header').getBoundingClientRect().height;
    if (header > 64) problems.push(`the menu takes ${Math.round(header)} px: more than one line`);
    for (const wrap of document.querySelectorAll('.grid-wrap')) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        problems.push(`${describe(wrap.firstElementChild)} needs ${wrap.scrollWidth - wrap.clientWidth} px more`);
      }
    }
  }
  const typed = [...document.querySelectorAll('input, textarea')].map(i => `${i.value || ''} ${i.placeholder || ''}`);
  const us = `${document.body.innerText} ${typed.join(' ')}`.match(/\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/g);
  if (us) problems.push(`US short date: ${us.slice(0, 3).join(', ')}`);
  if (document.querySelector('input[type=date], input[type=datetime-local]')) problems.push('a browser date input');
  return problems;
}"""


@pytest.fixture
def content_dir() -> Path:
    return REPOSITORY


def _seed(make_user, language: str) -> dict:
    """A coordinator, a master trainer and her cascade cohort, on its last day: a learner who has finished (and
    so holds the certificate), one halfway, one with a long name; a session day marked."""
    people = {
        "coord": make_user("coord", roles={Role.COORDINATOR}, full_name="Aýna Durdyýewa"),
        "lead": make_user("lead", roles={Role.TRAINER}, full_name="Gülnara Öwezmuhammedowa"),
        "jeren": make_user("jeren", full_name="Jeren Saparowa"),
        "merdan": make_user("merdan_b", full_name="Merdan Berdiýew"),
        "long": make_user("ogul_long", full_name=LONG_NAME),
    }
    for person in people.values():
        person.locale = language
    people["jeren"].agency, people["jeren"].velayat = Agency.PROSECUTION, Velayat.MARY
    grant_master_trainer(people["lead"], actor_id=people["coord"].id)
    catalogue = load_catalogue()
    today = utcnow().date()
    details = CohortDetails(name="Mary welaýat prokuraturasy — kaskad okuwy", track_id="cascade", language=language,
                            velayat=Velayat.MARY, starts_on=today - timedelta(days=2), ends_on=today,
                            city="Mary", venue="Welaýat prokuraturasynyň okuw otagy")
    cohort = create_cohort(details, catalogue, lead=people["lead"], actor=people["lead"])
    for name in ("jeren", "merdan", "long"):
        enrol_in_cohort(people[name], cohort)
    day = add_day(cohort, today - timedelta(days=1), "Kesgitlemeler", ["definitions"], set(catalogue.modules))
    mark_attendance(cohort, day, {people["jeren"].id: "present", people["merdan"].id: "late"}, people["lead"].id)
    db.session.commit()
    from tests.test_question_bank import sign_off  # noqa: PLC0415

    people["reviewer"] = make_user("reviewer", roles={Role.LEGAL_REVIEWER}, full_name="Maýsa Hojaýewa")
    people["admin"] = make_user("root", roles={Role.ADMIN}, full_name="Serdar Annaýew")
    for person in (people["reviewer"], people["admin"]):
        person.locale = language
    sign_off("pre-test", people["reviewer"])  # the bank offers its questions
    read_everything(people["jeren"], "cascade")
    pass_quiz(people["jeren"], "pre-test", passed=False)
    pass_quiz(people["jeren"], "post-test")
    read_everything(people["merdan"], "cascade")
    [certificate] = issue_if_automatic([people["jeren"].id], catalogue)
    db.session.commit()
    return {**people, "cohort": cohort, "day": day, "certificate": certificate}


class Walk:
    """One person's day on a phone and a desktop at once: every page is opened on both and checked."""

    def __init__(self, new_page, base: str, username: str, language: str):
        self.base, self.language, self.problems = base, language, {}
        self.screens = {"phone": new_page(width=390, height=844), "desktop": new_page(width=1280, height=900)}
        for page in self.screens.values():
            sign_in(page, base, username)

    def visit(self, url: str) -> None:
        for screen, page in self.screens.items():
            response = page.goto(self.base + url)
            assert response.status == 200, (url, response.status)  # noqa: PLR2004
            assert page.get_attribute("html", "lang") == self.language, url
            if found := page.evaluate(PROBLEMS, screen == "desktop"):
                self.problems[f"{screen} {url}"] = found

    def check_page(self, screen: str, label: str) -> None:
        """A page reached by a click, measured once it has loaded (as ``visit``'s goto waits for): measured when
        its table is parsed, before its stylesheet and fonts apply, it looked too wide under load."""
        page = self.screens[screen]
        page.wait_for_load_state("load")
        if found := page.evaluate(PROBLEMS, screen == "desktop"):
            self.problems[f"{screen} {label}"] = found

    @property
    def desktop(self):
        return self.screens["desktop"]

    def download(self, url: str) -> bytes:
        """An export, read to its last byte and opened as what it says it is."""
        response = self.desktop.request.get(self.base + url)
        assert response.status == 200, (url, response.status)  # noqa: PLR2004
        body = response.body()
        kind = url.rsplit(".", 1)[-1]
        if kind == "csv":
            rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
            assert len(rows) >= 2 and all(len(row) == len(rows[0]) for row in rows), (url, rows[:3])  # noqa: PLR2004
            assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row), url
        elif kind == "xlsx":
            sheet = load_workbook(io.BytesIO(body), read_only=True).active
            assert sum(1 for _row in sheet.iter_rows()) >= 2, url  # noqa: PLR2004
        elif kind == "pdf":
            assert body.startswith(b"%PDF") and body.rstrip().endswith(b"%%EOF"), url
        elif kind == "zip":
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                assert archive.testzip() is None and archive.namelist(), url
        return body

    def asks_first(self, url: str, button: str, prepare=None) -> None:
        """On the desktop, at ``url`` (after ``prepare``, if given), the destructive ``button`` (a selector)
        is pressed: the answer must be a page that asks."""
        self.desktop.goto(self.base + url)
        if prepare:
            prepare(self.desktop)
        follow(self.desktop, self.desktop.locator(button).first)
        assert self.desktop.locator("input[name=confirmed][value=yes]").count() == 1, self.desktop.url
        self.check_page("desktop", f"confirmation at {self.desktop.url}")
        follow(self.desktop, self.desktop.locator("form a").last)  # "Cancel: keep everything as it is"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_learners_day(live_server, new_page, synced, make_user, language):
    world = _seed(make_user, language)
    walk = Walk(new_page, live_server, "jeren", language)
    catalogue = load_catalogue()
    first_section = catalogue.modules["definitions"].section_keys[0]
    for url in ("/", "/tracks/cascade", "/modules/definitions", f"/modules/definitions/{first_section}",
                "/quizzes/pre-test", "/quizzes/post-test", "/glossary", "/sources", "/certificates",
                f"/verify/{world['certificate'].code}", "/account/profile", "/join"):
        walk.visit(url)
    walk.download(f"/certificates/{world['certificate'].id}.pdf")
    assert walk.problems == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_trainers_day(live_server, new_page, synced, make_user, language):
    world = _seed(make_user, language)
    cohort, day = world["cohort"], world["day"]
    walk = Walk(new_page, live_server, "lead", language)
    for url in ("/cohorts", "/cohorts/new", f"/cohorts/{cohort.id}", f"/cohorts/{cohort.id}/roster",
                f"/cohorts/{cohort.id}/days", f"/cohorts/{cohort.id}/days/{day.id}",
                f"/cohorts/{cohort.id}/edit", f"/cohorts/{cohort.id}/evaluation/results", "/cascade", "/review/bank"):
        walk.visit(url)

    for screen, page in walk.screens.items():  # the roster file a trainer really writes, checked before import
        page.goto(f"{live_server}/cohorts/{cohort.id}/roster")
        page.set_input_files("input[type=file]", files=[{"name": "roster.csv", "mimeType": "text/csv",
                                                          "buffer": ROSTER.encode()}])
        page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
        page.locator("table.import-preview").wait_for()
        walk.check_page(screen, "roster preview")

    for url in (f"/cohorts/{cohort.id}/export.csv", f"/cohorts/{cohort.id}/export.xlsx",
                f"/cohorts/{cohort.id}/roster-sample.csv", f"/cohorts/{cohort.id}/roster-sample.xlsx",
                f"/cohorts/{cohort.id}/certificates.zip", f"/certificates/{world['certificate'].id}.pdf"):
        walk.download(url)

    walk.asks_first(f"/cohorts/{cohort.id}/days", "form[action$='/delete'] button")
    walk.asks_first(f"/cohorts/{cohort.id}/roster", "form[action*='/remove'] button")
    walk.asks_first(f"/cohorts/{cohort.id}/edit", "form[action$='/status'] button[value=archived]")
    assert walk.problems == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_coordinators_day(live_server, new_page, synced, make_user, language):
    world = _seed(make_user, language)
    cohort = world["cohort"]
    walk = Walk(new_page, live_server, "coord", language)
    for url in ("/reports", "/reports/programme", "/reports/evaluations", f"/reports/cohorts/{cohort.id}",
                "/people", "/people?q=durdyyewa", "/trainers", "/certificates/all", "/certificates/all?q=saparowa",
                f"/cascade/{world['lead'].id}", "/devices/"):
        walk.visit(url)
    for what in ("cohorts", "disaggregation", "certificates", "gain"):
        for kind in ("csv", "xlsx"):
            walk.download(f"/reports/export/{what}.{kind}")
    walk.download(f"/certificates/{world['certificate'].id}.pdf")

    def give_a_reason(page) -> None:
        page.locator("main details summary").first.click()
        page.locator("input[name=reason]").first.fill("Issued to the wrong person.")

    walk.asks_first("/certificates/all", "button[formaction$='/revoke']", prepare=give_a_reason)
    assert walk.problems == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reviewers_and_an_administrators_day_with_the_question_bank(live_server, new_page, synced, make_user,
                                                                        language):
    _seed(make_user, language)
    problems = {}
    for username, urls in (("reviewer", ("/review/", "/review/bank", "/review/question-reports", "/review/proposals")),
                           ("root", ("/admin/questions", "/admin/backups", "/admin/audit"))):
        walk = Walk(new_page, live_server, username, language)
        for url in urls:
            walk.visit(url)
        problems.update(walk.problems)
    assert problems == {}
