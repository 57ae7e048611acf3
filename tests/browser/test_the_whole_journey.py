"""The issue's whole journey in one browser session, through the pages people use (no shortcut through the database
after the setting-up): a coordinator approves a trained trainer; she creates a cohort and imports its roster; a
learner signs in with the slip, chooses a password, takes the pre-test, reads the module, takes the case-study quiz
(reloading halfway), takes the post-test; the trainer marks attendance, which completes the learner's track; the
learner evaluates the training, downloads the certificate; the verification page says it is valid; the
coordinator's dashboard counts the learner. axe-core checks every page on the way.

The learners' track is the fixture's short track made to ask for the post-test and half the days, so that the
certificate comes from the trainer's attendance marks (learners usually finish before the last day is marked).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from course.models.types import utcnow
from tests.browser.conftest import PageChecks, finish_quiz, follow, sign_in, start_quiz
from tests.test_cascade import certified_trainee, edit_course

ROSTER = b"""Full name,Username,Email,Agency,Position,Gender,Velayat
Jeren Learner,jeren,,prosecution,Investigator,female,mary
Merdan Learner,merdan,,judiciary,Judge,male,mary
"""
NEW_PASSWORD = "a river runs past the court"  # noqa: S105  (a test account's password)


@pytest.fixture
def programme(synced, make_user, app, editable_content):
    """The first group has been trained: Aylar completed the trainer track and awaits a coordinator's approval."""
    edit_course(app, editable_content, "contact_hours: 2\n",
                "contact_hours: 2\n    completion: {pass_quizzes: [post-test], min_attendance: 0.5}\n")
    certified_trainee(make_user)


def overview(page) -> dict[str, str]:
    """The coordinator dashboard's overview figures, by their label."""
    page.locator("dl.overview dd").last.wait_for()
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('dl.overview dt')]
        .map(dt => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()]))""")


def answer_and_wait(question, act) -> None:
    """Answer (``act``), then wait until the page says the server holds this answer."""
    act()
    question.locator(".save-status").filter(has_text=re.compile(r"^Saved$")).wait_for()


def from_the_track_page(page, base: str, link: str) -> None:
    """Home, the track's card, then ``link`` on the track's page: the way a learner finds each step."""
    page.goto(f"{base}/")
    page.get_by_role("link", name="Short track").click()
    page.get_by_role("link", name=link, exact=True).click()


def coordinator_approves_the_trainer(page, base: str, axe: PageChecks) -> dict[str, str]:
    sign_in(page, base, "coord")
    page.get_by_role("link", name="Reports").click()
    before = overview(page)
    follow(page, page.get_by_role("link", name="Trainers"))
    axe.check(page, "trainers")
    page.get_by_role("button", name="Approve as trainer Aylar Trainee").click()
    page.get_by_text("Aylar Trainee is now a trainer.").wait_for()
    return before


def trainer_creates_a_cohort(page, base: str, axe: PageChecks) -> str:
    """Returns the cohort's address."""
    sign_in(page, base, "aylar")
    page.get_by_role("link", name="My cohorts").click()
    follow(page, page.get_by_role("link", name="New cohort"))
    axe.check(page)
    today = utcnow().date()
    page.get_by_label("Cohort name").fill("Mary prosecutors")
    page.get_by_label("Track").select_option("short")
    page.get_by_label("Language of instruction").select_option("en")
    page.get_by_label("Velayat").select_option("mary")
    page.get_by_label("First day").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("Last day").fill(today.isoformat())
    page.get_by_label("Prosecution").check()
    page.get_by_role("button", name="Create the cohort").click()
    page.get_by_text("The cohort is created.").wait_for()
    return re.search(r"(/cohorts/\d+)", page.url).group(1)


def trainer_imports_the_roster(page, base: str, cohort: str, axe: PageChecks) -> tuple[str, str]:
    """Returns Jeren's username and one-time password, read from her credential slip."""
    follow(page, page.get_by_role("link", name="Learners and joining"))
    axe.check(page, "roster")
    page.get_by_label("Roster file (CSV or Excel .xlsx)").set_input_files(
        files=[{"name": "mary.csv", "mimeType": "text/csv", "buffer": ROSTER}])
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("New: 2 · Already known: 0 · Invalid: 0").wait_for()
    axe.check(page, "roster-preview")
    page.get_by_role("button", name="Import 2 learners").click()
    page.get_by_text("2 accounts are ready.").wait_for()
    slip = page.locator(".slip", has_text="Jeren Learner")
    username, password = slip.locator(".slip-secret").all_inner_texts()
    assert page.url.startswith(f"{base}{cohort}")
    return username, password


def learner_signs_in_for_the_first_time(page, base: str, username: str, password: str, axe: PageChecks) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/account/password")
    page.get_by_role("heading", name="Choose your password").wait_for()
    axe.check(page, "first-password")
    page.get_by_label("Current password").fill(password)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    page.wait_for_url(f"{base}/")


def learner_takes_the_pre_test(page, base: str) -> None:
    from_the_track_page(page, base, "Pre-test")
    start_quiz(page)
    answer_and_wait(page.locator("#question-p1"), lambda: page.locator("#question-p1").get_by_label("True").check())
    answer_and_wait(page.locator("#question-p2"), lambda: page.locator("#question-p2").get_by_label("True").check())
    assert "Your score: 50% (1 of 2 points)." in finish_quiz(page)


def learner_reads_the_module(page, base: str) -> None:
    from_the_track_page(page, base, "Alpha module")
    sections = page.locator("ol.sections li").count()
    follow(page, page.locator("main a.button").first)  # "Start reading"
    while not page.get_by_role("button", name="Finish the module").is_visible():  # asked of a loaded page
        follow(page, page.get_by_role("button", name="Next →"))
    page.get_by_role("button", name="Finish the module").click()
    page.wait_for_url(re.compile(r"/modules/alpha\?finished=1$"))
    assert page.locator("ol.sections .badge-complete").count() == sections


def learner_takes_the_case_study(page, axe: PageChecks) -> None:
    """Every kind of question, with the page reloaded when half of them are answered."""
    page.get_by_role("link", name="All question types").click()
    start_quiz(page)
    q = page.locator

    def first_half():
        answer_and_wait(q("#question-single"), lambda: q("#question-single").get_by_label("Sright").check())
        multi = q("#question-multi")
        answer_and_wait(multi, lambda: (multi.get_by_label("Ma").check(), multi.get_by_label("Mb").check()))
        answer_and_wait(q("#question-truth"), lambda: q("#question-truth").get_by_label("False").check())
        match = q("#question-match")
        answer_and_wait(match, lambda: (match.get_by_label("Item one").select_option(label="Uno"),
                                        match.get_by_label("Item two").select_option(label="Dos")))

    first_half()
    axe.check(page, "case-study")
    page.reload()
    assert q("#question-single").get_by_label("Sright").is_checked()
    assert q("#question-multi").get_by_label("Ma").is_checked() and q("#question-multi").get_by_label("Mb").is_checked()
    assert not q("#question-multi").get_by_label("Mc").is_checked()
    assert q("#question-truth").get_by_label("False").is_checked()
    assert q("#question-match").get_by_label("Item one").input_value() == "o-uno"
    assert q("#question-match").get_by_label("Item two").input_value() == "o-dos"

    order = q("#question-order")
    answer_and_wait(order, lambda: [order.get_by_label(step).select_option(str(place))
                                    for place, step in enumerate(("First step", "Second step", "Third step"), 1)])
    answer_and_wait(q("#question-text"), lambda: q("#question-text").get_by_role("textbox").fill("zanzibarword"))
    answer_and_wait(q("#question-number"), lambda: q("#question-number").get_by_role("textbox").fill("4242,7"))
    case = q("#question-case")
    answer_and_wait(case, lambda: (
        case.get_by_label("recruitment").check(), case.get_by_label("transportation").check(),
        case.get_by_label("deception").check(), case.get_by_label("forced labour").check(),
        case.get_by_label("No", exact=True).check(), case.get_by_label("two or more victims").check(),
        case.get_by_label("Article 1 part 2").check()))
    result = finish_quiz(page)
    assert "Your score: 100%" in result, result
    axe.check(page, "case-study-review")


def learner_takes_the_post_test(page, base: str) -> None:
    from_the_track_page(page, base, "Post-test")
    start_quiz(page)
    for question in ("#question-r1", "#question-r2"):
        answer_and_wait(page.locator(question), lambda question=question: page.locator(question).get_by_label(
            "True").check())
    result = finish_quiz(page)
    assert "Your score: 100% (2 of 2 points)." in result
    assert "Your certificate is ready" not in result  # the track also asks for half the session days


def trainer_marks_attendance(page, base: str, cohort: str, axe: PageChecks) -> None:
    page.goto(f"{base}{cohort}")
    axe.check(page)
    page.get_by_role("link", name="Attendance").click()
    today = utcnow().date()
    for number, (day, jeren, merdan) in enumerate(((today - timedelta(days=1), "Present", "Absent"),
                                                   (today, "Late", "Absent"))):
        page.get_by_label("Date").select_option(day.isoformat())
        page.get_by_role("button", name="Add the day").click()
        page.get_by_text("Session day added.").wait_for()
        if number == 0:
            axe.check(page, "session-days")
        page.locator(".session-days a").nth(number).click()
        page.locator("fieldset.attendance-row", has_text="Jeren Learner").get_by_label(jeren).check()
        page.locator("fieldset.attendance-row", has_text="Merdan Learner").get_by_label(merdan).check()
        if number == 0:
            axe.check(page)
        page.get_by_role("button", name="Save attendance").click()
        page.get_by_text("Attendance saved for 2 learners.").wait_for()
        if number == 0:  # Jeren has the post-test and 1 of 1 days: her track is complete, by the trainer's hand
            page.get_by_text("1 learner has completed the track: the certificate is issued.").wait_for()


def learner_evaluates_the_training(page, base: str, axe: PageChecks) -> None:
    page.goto(f"{base}/")
    follow(page, page.get_by_role("link", name="Evaluate your training: Mary prosecutors"))
    axe.check(page, "evaluation")
    for statement, rating in (("The course is relevant to my work.", "5 · Strongly agree"),
                              ("The trainer explained clearly.", "4 · Agree")):
        page.get_by_role("group", name=statement).get_by_label(rating).check()
    page.get_by_label("What will you apply at work?").fill("Separate the act, the means and the purpose.")
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Thank you: your answers were saved without your name.").wait_for()


def learner_downloads_the_certificate(page, axe: PageChecks) -> str:
    """Returns the certificate's verification address (on a phone: the site's links are under Menu)."""
    page.locator(".menu-button").click()
    follow(page, page.get_by_role("link", name="My certificates"))
    axe.check(page, "my-certificates")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    return page.get_by_role("link", name="Verification page").get_attribute("href")


def test_the_whole_journey(live_server, new_page, programme):
    axe = PageChecks()
    coordinator = new_page(bypass_csp=True)
    before = coordinator_approves_the_trainer(coordinator, live_server, axe)

    trainer = new_page(bypass_csp=True)
    cohort = trainer_creates_a_cohort(trainer, live_server, axe)
    username, one_time_password = trainer_imports_the_roster(trainer, live_server, cohort, axe)

    learner = new_page(width=360, height=740, bypass_csp=True)  # learners often have only a phone
    learner_signs_in_for_the_first_time(learner, live_server, username, one_time_password, axe)
    learner_takes_the_pre_test(learner, live_server)
    learner_reads_the_module(learner, live_server)
    learner_takes_the_case_study(learner, axe)
    learner_takes_the_post_test(learner, live_server)

    trainer_marks_attendance(trainer, live_server, cohort, axe)

    learner_evaluates_the_training(learner, live_server, axe)
    verification = learner_downloads_the_certificate(learner, axe)

    anyone = new_page(bypass_csp=True)
    anyone.goto(live_server + verification)
    anyone.get_by_text("Valid certificate").wait_for()
    assert "Jeren Learner" in anyone.inner_text("main")

    follow(coordinator, coordinator.get_by_role("link", name="Reports"))
    after = overview(coordinator)
    axe.check(coordinator)
    assert int(after["Learners enrolled"]) == int(before["Learners enrolled"]) + 2  # Jeren and Merdan
    assert int(after["Completed"]) == int(before["Completed"]) + 1  # Jeren
    assert int(after["Certified"]) == int(before["Certified"]) + 1
    assert after["Average gain, pre-test to post-test"] == "50 points (1 learner took both)"
    assert axe.found == {}
