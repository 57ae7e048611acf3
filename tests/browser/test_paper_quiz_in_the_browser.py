"""Issue 26's check in a real browser: a trainer downloads a day's pack and prints the answer sheets of a cohort
of five, keys them in on a 390 px phone, and the dashboard, the gain and the certificates follow; a sheet keyed
in again and another cohort's sheet are refused."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import func, select

from course.attendance.services import add_day
from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.models.certificate import Certificate
from course.models.paper_sheet import PaperSheet
from course.models.user import Role, User
from tests.browser.conftest import PageChecks, follow, sign_in
from tests.test_cascade import cohort_of, edit_course, read_everything

NAMES = ("Aýna", "Batyr", "Çemen", "Döwlet", "Enejan")


def _print(page, base: str, cohort_id: int, quiz: str) -> bytes:
    page.goto(f"{base}/cohorts/{cohort_id}/paper")
    page.get_by_label("Quiz", exact=True).select_option(label=quiz)
    with page.expect_download() as download:
        page.get_by_role("button", name="Print the answer sheets (PDF)").click()
    return download.value.path().read_bytes()


def _pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def _numbers(cohort_id: int, quiz_id: str) -> dict[str, str]:
    """The sheets' printed numbers by learner's name, as the trainer reads them off the paper."""
    db.session.expire_all()
    return {name: f"{number[:4]}-{number[4:]}" for name, number in db.session.execute(
        select(User.full_name, PaperSheet.number).join(User, User.id == PaperSheet.user_id)
        .where(PaperSheet.cohort_id == cohort_id, PaperSheet.quiz_id == quiz_id))}


def _key_in(phone, base: str, cohort_id: int, number: str, marks: list[str], checks: PageChecks | None = None) -> str:
    """On the phone: type the sheet's number, tap the marked boxes, record; the message that follows."""
    phone.goto(f"{base}/cohorts/{cohort_id}/paper")
    phone.get_by_label("Sheet number").fill(number)
    follow(phone, phone.get_by_role("button", name="Open the sheet"))
    if checks:
        checks.check(phone, "paper-sheet-key-in")
    for mark in marks:
        phone.locator(".question").nth(int(mark[0]) - 1).get_by_label(mark[2:]).check()
    follow(phone, phone.get_by_role("button", name="Record this sheet"))
    return phone.inner_text("main")


def test_a_trainer_keys_in_a_cohorts_paper_tests_on_a_phone_and_certificates_follow(
        live_server, new_page, synced, make_user, app, editable_content):
    edit_course(app, editable_content, "    contact_hours: 2\n",
                "    contact_hours: 2\n    completion: {pass_quizzes: [post-test]}\n")
    trainer_user = make_user("tessa", roles={Role.TRAINER}, full_name="Tessa Trainer")
    cohort = cohort_of(trainer_user, "short", "Balkan prosecutors", ending_today=True)
    for n, name in enumerate(NAMES):
        learner = make_user(f"learner{n}", full_name=name)
        enrol_in_cohort(learner, cohort)
        read_everything(learner, "short")
    add_day(cohort, cohort.ends_on, "Definitions", ["alpha"], {"alpha"})
    other = cohort_of(make_user("olga", roles={Role.TRAINER}), "short", "Lebap police")
    enrol_in_cohort(make_user("stranger", full_name="Stranger"), other)
    db.session.commit()
    checks = PageChecks()

    desk = new_page(bypass_csp=True)
    sign_in(desk, live_server, "tessa")
    desk.goto(f"{live_server}/cohorts/{cohort.id}")
    follow(desk, desk.get_by_role("link", name="On paper", exact=True))
    checks.check(desk, "paper-quizzes")
    packs = {}
    for kind in ("PDF", "DOCX"):  # the day's pack, to print and to adapt
        with desk.expect_download() as download:
            desk.get_by_role("link", name=kind).first.click()
        packs[kind] = download.value.path().read_bytes()
    assert packs["DOCX"].startswith(b"PK")  # a DOCX is a zip
    pack = _pdf_text(packs["PDF"])
    assert "Attendance sheet" in pack and all(name in pack for name in NAMES)
    assert _print(desk, live_server, cohort.id, "Pre-test").startswith(b"%PDF")
    assert _print(desk, live_server, cohort.id, "Post-test").startswith(b"%PDF")
    pre, post = _numbers(cohort.id, "pre-test"), _numbers(cohort.id, "post-test")
    assert sorted(pre) == sorted(post) == sorted(NAMES)

    phone = new_page(width=390, height=844, bypass_csp=True)
    sign_in(phone, live_server, "tessa")
    for name in NAMES:  # half right before the course, all right after it
        said = _key_in(phone, live_server, cohort.id, pre[name], ["1 A. True", "2 A. True"],
                       checks if name == NAMES[0] else None)
        assert f"{name} scored 50%" in said, said
        said = _key_in(phone, live_server, cohort.id, post[name], ["1 A. True", "2 A. True"])
        assert f"{name} scored 100%" in said, said
    phone.goto(f"{live_server}/cohorts/{cohort.id}/paper")
    phone.get_by_label("Sheet number").fill(post[NAMES[0]])
    follow(phone, phone.get_by_role("button", name="Open the sheet"))
    assert "was keyed in already, by Tessa Trainer" in phone.inner_text("main")
    assert phone.get_by_role("button", name="Record this sheet").count() == 0
    checks.check(phone, "paper-sheet-keyed")

    olga = new_page()
    sign_in(olga, live_server, "olga")
    _print(olga, live_server, other.id, "Pre-test")
    foreign = _numbers(other.id, "pre-test")["Stranger"]
    phone.goto(f"{live_server}/cohorts/{cohort.id}/paper")
    phone.get_by_label("Sheet number").fill(foreign)
    phone.get_by_role("button", name="Open the sheet").click()
    phone.get_by_text("was printed for another cohort").wait_for()
    assert "Lebap" not in phone.inner_text("main")

    desk.goto(f"{live_server}/cohorts/{cohort.id}")
    dashboard = desk.inner_text("main")
    assert "Average gain of the 5 learners who took both tests: 50 points." in dashboard, dashboard
    checks.check(desk)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == len(NAMES)
    assert checks.found == {}
