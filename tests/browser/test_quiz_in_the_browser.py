"""A learner takes the pre-test in a real browser: with JavaScript (answers saved as they are given, kept
across a reload) and without it (the same quiz, saved and submitted by the form's own buttons)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import finish_quiz, screenshot, sign_in, start_quiz, violations


@pytest.fixture
def learner(synced, make_user):
    return make_user("aylar", full_name="Aylar Trainee", tracks=("full",))


def start_pre_test(page, base: str) -> None:
    page.goto(f"{base}/quizzes/pre-test")
    start_quiz(page)


def test_answers_survive_a_reload_halfway_with_javascript(live_server, new_page, learner):
    page = new_page(bypass_csp=True)  # for axe-core
    sign_in(page, live_server, "aylar")
    start_pre_test(page, live_server)
    first = page.locator("#question-p1")
    first.get_by_label("True").check()
    first.locator(".save-status").filter(has_text="Saved").wait_for()  # saved by the page's script
    screenshot(page, "quiz")
    assert violations(page) == []
    page.reload()
    assert page.locator("#question-p1").get_by_label("True").is_checked()
    page.locator("#question-p2").get_by_label("False").check()
    page.locator("#question-p2 .save-status").filter(has_text="Saved").wait_for()
    result = finish_quiz(page)
    assert "Your score: 100% (2 of 2 points)." in result
    screenshot(page, "quiz-result")
    assert violations(page) == []  # the review page


def test_the_same_quiz_works_without_javascript(live_server, new_page, learner):
    page = new_page(javascript=False)
    sign_in(page, live_server, "aylar")
    start_pre_test(page, live_server)
    page.locator("#question-p1").get_by_label("True").check()
    with page.expect_navigation():  # no script: the form posts, then comes back to the attempt
        page.get_by_role("button", name="Save answers").click()
    page.reload()
    assert page.locator("#question-p1").get_by_label("True").is_checked()
    page.locator("#question-p2").get_by_label("True").check()  # wrong on purpose
    result = finish_quiz(page)
    assert "Your score: 50% (1 of 2 points)." in result


def tab_to(page, locator, *, limit: int = 80) -> None:
    """Press Tab until ``locator`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def test_the_quiz_can_be_done_with_the_keyboard_alone(live_server, new_page, learner):
    page = new_page()
    sign_in(page, live_server, "aylar")
    start_pre_test(page, live_server)
    tab_to(page, page.locator("#question-p1").get_by_label("True"))
    page.keyboard.press("Space")
    tab_to(page, page.locator("#question-p2").get_by_label("True"))
    page.keyboard.press("ArrowDown")  # within a radio group, the arrow keys move and select
    assert page.locator("#question-p1").get_by_label("True").is_checked()
    assert page.locator("#question-p2").get_by_label("False").is_checked()
    tab_to(page, page.get_by_role("button", name="Finish attempt…"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/summary$"))
    tab_to(page, page.get_by_role("button", name="Submit all and finish"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/attempts/\d+/result$"))
    assert "Your score: 100% (2 of 2 points)." in page.inner_text("main")


def test_a_slow_save_never_overwrites_a_newer_answer(live_server, new_page, learner):
    """On a slow network the first save of a question may still be travelling when the learner changes the
    answer: the page sends the newer answer only after the first save returns, so it cannot arrive first."""
    page = new_page()
    sign_in(page, live_server, "aylar")
    start_pre_test(page, live_server)
    held, sent = [], []
    page.on("request", lambda request: sent.append(request.post_data) if "/answers/p1" in request.url else None)
    page.route("**/answers/p1", lambda route: held.append(route) if not held else route.continue_())
    question = page.locator("#question-p1")
    with page.expect_request("**/answers/p1"):  # the first save is on its way, and held there
        question.get_by_label("False").check()
    question.get_by_label("True").check()  # the learner changes their mind meanwhile
    page.wait_for_timeout(600)  # longer than the page waits before saving
    assert len(sent) == 1 and "false" in sent[0]  # nothing sent while the first save is out
    assert question.locator(".save-status").inner_text() == "Saving…"  # and not "Saved": the server has the old one
    held[0].continue_()
    question.locator(".save-status").filter(has_text="Saved").wait_for()
    assert len(sent) == 2 and "true" in sent[1]
    page.reload()
    assert page.locator("#question-p1").get_by_label("True").is_checked()
