"""Issue 25's check in a real browser: a trainer builds a quiz for their cohort from the question bank, previews
it and opens it; a learner finds it on their home page and takes it; the cohort's dashboard and the quiz's
results show the score."""

from __future__ import annotations

from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.models.user import Role
from tests.browser.conftest import PageChecks, finish_quiz, follow, sign_in, start_quiz
from tests.test_cascade import cohort_of
from tests.test_question_bank import sign_off


def test_a_trainer_builds_a_quiz_from_the_bank_and_a_learner_takes_it(live_server, new_page, synced, make_user):
    sign_off("alpha-check", make_user("rev", roles={Role.LEGAL_REVIEWER}))
    trainer_user = make_user("tessa", roles={Role.TRAINER}, full_name="Tessa Trainer")
    cohort = cohort_of(trainer_user, "full", "Dashoguz court")
    enrol_in_cohort(make_user("lea", full_name="Lea Learner"), cohort)
    db.session.commit()
    checks = PageChecks()

    trainer = new_page(bypass_csp=True)
    sign_in(trainer, live_server, "tessa")
    trainer.goto(f"{live_server}/cohorts/{cohort.id}")
    follow(trainer, trainer.get_by_role("link", name="Quizzes", exact=True))
    follow(trainer, trainer.get_by_role("link", name="Build a quiz"))
    checks.check(trainer, "trainer-quiz-build")
    trainer.get_by_label("Title").fill("Warm-up on the elements")
    trainer.get_by_label("Attempts allowed").fill("2")
    trainer.get_by_label("Pick one").check()
    trainer.get_by_label("True?").check()
    follow(trainer, trainer.get_by_role("button", name="Save the draft and preview it"))
    trainer.get_by_text("Draft saved.").wait_for()
    checks.check(trainer, "trainer-quiz-preview")
    assert trainer.locator(".preview input").first.is_disabled()
    trainer.get_by_role("button", name="Open to the cohort").click()
    trainer.get_by_text("Open Warm-up on the elements to the cohort?").wait_for()
    trainer.get_by_role("button", name="Open to the cohort").click()
    trainer.get_by_text("The quiz is open").wait_for()

    learner = new_page(width=390, height=844)
    sign_in(learner, live_server, "lea")
    follow(learner, learner.get_by_role("link",
                                        name="Quiz from your trainer: Warm-up on the elements (Dashoguz court)"))
    start_quiz(learner)
    learner.get_by_label("Right").check()
    learner.get_by_label("False").check()  # wrong on purpose
    result = finish_quiz(learner)
    assert "50" in result

    trainer.goto(f"{live_server}/cohorts/{cohort.id}")
    assert "Warm-up on the elements" in trainer.inner_text("main")
    trainer.goto(f"{live_server}/cohorts/{cohort.id}/quizzes")
    follow(trainer, trainer.get_by_role("link", name="Warm-up on the elements"))
    results = trainer.inner_text("main")
    assert "Lea Learner\t1\t50.0%\tno" in results, results  # pass mark 70: not passed
    checks.check(trainer, "trainer-quiz-results")
    assert checks.found == {}
