"""Taking quizzes over HTTP: answers kept, submitted once, graded against the pinned version."""

from __future__ import annotations

import html
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
from tests.conftest import csrf_token, sign_in
from tests.quiz.conftest import RIGHT_ANSWERS, Learner, attempt


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_a_full_right_attempt_scores_100_and_passes(learner):
    attempt_id = learner.start()
    assert learner.save(attempt_id, RIGHT_ANSWERS, action="finish").headers["Location"] == (
        f"/attempts/{attempt_id}/summary")
    summary = text_of(learner.client.get(f"/attempts/{attempt_id}/summary"))
    assert "You have answered 8 of 8 questions." in summary
    result = learner.submit(attempt_id)
    assert result.headers["Location"] == f"/attempts/{attempt_id}/result"
    page = text_of(learner.client.get(result.headers["Location"]))
    assert "Your score: 100% (13 of 13 points)." in page
    assert "Passed: the pass mark is 60%." in page
    stored = attempt(attempt_id)
    assert (stored.state, stored.score, stored.passed, stored.submitted_by) == ("submitted", 100.0, True, "learner")


def test_partial_answers_earn_partial_credit_and_the_review_shows_why(learner):
    attempt_id = learner.start()
    learner.save(attempt_id, {"q-single": "s-wrong", "q-multi": ["m-a"],
                              "q-case-acts": ["recruitment"], "q-case-qualification": "art-1-part-1"})
    learner.submit(attempt_id)
    stored = attempt(attempt_id)
    assert stored.earned == pytest.approx(0.5 + 0.5 + 0.5)  # half of multi, of acts and of qualification
    assert stored.passed is False
    page = text_of(learner.client.get(f"/attempts/{attempt_id}/result"))
    assert "Not passed: the pass mark is 60%." in page
    for shown in ("FEEDBACK-S-WRONG", "EXPLANATION-SINGLE", "FEEDBACK-QUALIFICATION", "Correct answer: Sright",
                  "Your answer: Swrong", "Legal qualification", "Source one"):
        assert shown in page, shown


def test_answers_survive_a_reload_and_a_server_restart(learner, app):
    attempt_id = learner.start()
    learner.save(attempt_id, {"q-single": "s-right", "q-text": "my words", "q-case-acts": ["harbouring"]})
    # a new application instance stands for the restarted server; the session cookie is kept
    from course import create_app
    from tests.conftest import FreshContextClient

    restarted = create_app(dict(app.config))
    restarted.test_client_class = FreshContextClient
    client = restarted.test_client()
    client._cookies = learner.client._cookies
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    with restarted.app_context():
        db.engine.dispose()
    assert re.search(r'name="q-single" value="s-right" checked', html)
    assert 'value="my words"' in html
    assert re.search(r'name="q-case-acts" value="harbouring" checked', html)


def test_starting_twice_resumes_the_open_attempt(learner):
    first = learner.start()
    assert learner.start() == first
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1


def test_the_json_endpoint_saves_one_answer_at_a_time(learner):
    attempt_id = learner.start()
    response = learner.save_json(attempt_id, "multi", [["q-multi", "m-a"], ["q-multi", "m-c"]])
    assert response.status_code == 200 and response.get_json()["ok"] is True
    saved = db.session.scalar(select(AttemptAnswer.response).where(AttemptAnswer.question_id == "multi"))
    assert saved == ["m-a", "m-c"]
    # changing the answer replaces it
    learner.save_json(attempt_id, "multi", [["q-multi", "m-b"]])
    db.session.expire_all()
    assert db.session.scalars(select(AttemptAnswer.response)).all() == [["m-b"]]


@pytest.mark.parametrize(
    ("question_id", "pairs", "status"),
    [
        ("multi", [["q-multi", "no-such-option"]], 400),
        ("number", [["q-number", "four"]], 400),
        ("nowhere", [["q-x", "1"]], 400),
        ("order", [["q-order-first-step", "1"], ["q-order-second-step", "1"], ["q-order-third-step", "2"]], 400),
    ],
)
def test_the_json_endpoint_refuses_bad_answers_and_keeps_the_old_one(learner, question_id, pairs, status):
    attempt_id = learner.start()
    learner.save_json(attempt_id, "multi", [["q-multi", "m-a"]])
    learner.save_json(attempt_id, "number", [["q-number", "12"]])
    response = learner.save_json(attempt_id, question_id, pairs)
    assert response.status_code == status
    assert response.get_json()["ok"] is False and response.get_json()["error"]
    db.session.expire_all()
    saved = dict(db.session.execute(select(AttemptAnswer.question_id, AttemptAnswer.response)).all())
    assert saved == {"multi": ["m-a"], "number": 12.0}


def test_the_json_endpoint_needs_csrf_and_well_formed_json(learner):
    attempt_id = learner.start()
    assert learner.save_json(attempt_id, "single", [["q-single", "s-right"]], token="").status_code == 400
    token = csrf_token(learner.client, f"/attempts/{attempt_id}")
    response = learner.client.post(f"/attempts/{attempt_id}/answers/single", data="not json",
                                   headers={"X-CSRFToken": token, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert db.session.scalars(select(AttemptAnswer)).all() == []


def test_another_learners_attempt_is_not_found(learner, app, make_user):
    attempt_id = learner.start()
    make_user("bob", tracks=("full",))
    other = Learner(app.test_client())
    sign_in(other.client, "bob")
    assert other.client.get(f"/attempts/{attempt_id}").status_code == 404
    assert other.client.get(f"/attempts/{attempt_id}/result").status_code == 404
    token = csrf_token(other.client, "/")
    assert other.client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": token}).status_code == 404
    assert other.save_json(attempt_id, "single", [["q-single", "s-wrong"]], token=token).status_code == 404
    assert attempt(attempt_id).state == AttemptState.IN_PROGRESS


def test_a_quiz_outside_my_tracks_is_not_found(client, synced, make_user, login):
    make_user("ana", tracks=("short",))  # alpha only: all-types belongs to alpha, post-test to the course
    login("ana")
    assert client.get("/quizzes/all-types").status_code == 200
    assert client.get("/quizzes/post-test").status_code == 200
    assert client.get("/quizzes/no-such-quiz").status_code == 404
    make_user("bob")  # enrolled nowhere
    other = client.application.test_client()
    sign_in(other, "bob")
    assert other.get("/quizzes/all-types").status_code == 404
    assert other.post("/quizzes/all-types/start", data={"csrf_token": csrf_token(other, "/")}).status_code == 404


def test_submitting_twice_gives_one_graded_attempt_and_the_same_result(learner):
    attempt_id = learner.start()
    learner.save(attempt_id, RIGHT_ANSWERS)
    first = learner.submit(attempt_id)
    second = learner.submit(attempt_id)
    assert first.headers["Location"] == second.headers["Location"]
    stored = attempt(attempt_id)
    assert stored.score == 100.0
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1
    # answers can no longer change
    response = learner.save_json(attempt_id, "single", [["q-single", "s-wrong"]])
    assert response.status_code == 409 and response.get_json()["closed"] is True
    assert learner.save(attempt_id, {"q-single": "s-wrong"}).headers["Location"] == f"/attempts/{attempt_id}/result"
    assert attempt(attempt_id).score == 100.0


def test_two_tabs_submitting_at_once_make_one_submission(learner, app):
    attempt_id = learner.start()
    learner.save(attempt_id, RIGHT_ANSWERS)
    cookies = learner.client._cookies

    def submit_in_a_tab(_):
        tab = app.test_client()
        tab._cookies = cookies
        return Learner(tab).submit(attempt_id).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(submit_in_a_tab, range(4)))
    assert statuses == [302] * 4
    stored = attempt(attempt_id)
    assert stored.score == 100.0
    graded = db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.earned.is_not(None))).all()
    assert len(graded) == 8  # graded once: one row per question, never duplicated


def test_an_answer_another_request_saved_first_is_replaced_instead_of_failing(learner):
    """The page's script saves an answer while the form's Finish button posts all of them (or two tabs save):
    both find no answer to the question yet and both insert one. The second must replace the first, not fail
    on the unique constraint (PostgreSQL's 500 page, found by the keyboard-only browser test)."""
    from sqlalchemy import insert  # noqa: PLC0415

    from course.models.types import utcnow  # noqa: PLC0415
    from course.quiz.attempts import save_answer  # noqa: PLC0415

    attempt_id = learner.start()
    stale = attempt(attempt_id)
    assert stale.answers == []  # what this request saw
    with db.engine.begin() as other:  # the other request commits its answer first
        other.execute(insert(AttemptAnswer).values(attempt_id=attempt_id, question_id="truth", response=True,
                                                   saved_at=utcnow()))
    save_answer(stale, "truth", "false")
    db.session.commit()
    db.session.expire_all()
    rows = db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id)).all()
    assert [(row.question_id, row.response) for row in rows] == [("truth", False)]


def test_attempts_run_out_with_a_clear_message(learner):
    for _ in range(2):
        learner.submit(learner.start())
    response = learner.client.post("/quizzes/all-types/start",
                                   data={"csrf_token": csrf_token(learner.client, "/quizzes/all-types")})
    assert response.headers["Location"] == "/quizzes/all-types"
    page = text_of(learner.client.get("/quizzes/all-types"))
    assert "You have used every attempt this quiz allows (2)." in page
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 2


def test_the_time_limit_is_enforced_on_the_server(learner):
    attempt_id = learner.start()
    learner.save(attempt_id, {"q-single": "s-right"})
    stored = attempt(attempt_id)
    stored.deadline_at = stored.started_at - timedelta(minutes=5)  # time ran out long ago
    db.session.commit()
    response = learner.save_json(attempt_id, "multi", [["q-multi", "m-a"]])
    assert response.status_code == 409
    stored = attempt(attempt_id)
    assert stored.state == AttemptState.SUBMITTED and stored.submitted_by == "time"
    assert stored.earned == 1.0  # what was saved before the deadline counts, the late answer does not
    assert "The time limit ran out" in text_of(learner.client.get(f"/attempts/{attempt_id}/result"))


def test_within_the_grace_period_answers_are_still_taken(learner):
    attempt_id = learner.start()
    stored = attempt(attempt_id)
    from course.models.types import utcnow

    stored.deadline_at = utcnow() - timedelta(seconds=10)
    db.session.commit()
    assert learner.save_json(attempt_id, "single", [["q-single", "s-right"]]).status_code == 200


def test_overdue_attempts_are_closed_when_the_learner_comes_back(learner):
    attempt_id = learner.start()
    stored = attempt(attempt_id)
    stored.deadline_at = stored.started_at - timedelta(hours=1)
    db.session.commit()
    page = text_of(learner.client.get("/quizzes/all-types"))
    assert "time ran out" in page
    assert attempt(attempt_id).state == AttemptState.SUBMITTED


def test_without_javascript_the_ordering_takes_position_numbers(learner):
    attempt_id = learner.start()
    response = learner.save(attempt_id, {"q-order-first-step": "1", "q-order-second-step": "1",
                                         "q-order-third-step": "3", "q-single": "s-right"})
    assert response.status_code == 422
    assert "Some answers could not be saved; check questions 5." in text_of(response)
    saved = dict(db.session.execute(select(AttemptAnswer.question_id, AttemptAnswer.response)
                                    .where(AttemptAnswer.response.is_not(None))).all())
    assert saved == {"single": "s-right"}  # the rest of the form was kept; the bad ordering was not


FORGED = {"s-forged", "o-forged"}


def _selected(page: str, name: str) -> set[str]:
    """The values a page shows as chosen for one field: selected options, checked boxes, a text box's value."""
    chosen = set()
    select = re.search(rf'<select id="{name}" name="{name}">(.*?)</select>', page, re.S)
    if select:
        chosen |= set(re.findall(r'<option value="([^"]*)" selected>', select.group(1)))
    chosen |= set(re.findall(rf'name="{name}" value="([^"]*)" checked', page))
    chosen |= set(re.findall(rf'id="{name}" name="{name}" type="text" value="([^"]*)"', page))
    return chosen


@pytest.mark.parametrize(("question", "entered", "reason"), [
    ("order", {"q-order-first-step": "2", "q-order-second-step": "2", "q-order-third-step": "1"},
     "Use each place from 1 to 3 once"),
    ("order", {"q-order-first-step": "1", "q-order-second-step": "", "q-order-third-step": "3"},
     "Give every item a place number"),
    ("number", {"q-number": "twelve and a half"}, "Type the answer as a number"),
    ("text", {"q-text": "x" * 5000}, "Keep the answer under"),
    ("single", {"q-single": "s-forged"}, "Choose one of the options"),
    ("match", {"q-match-i-one": "o-forged", "q-match-i-two": "o-dos"}, "Choose from the options given"),
])
def test_a_refused_answer_comes_back_as_entered_with_the_reason_beside_it(learner, question, entered, reason):
    """Without JavaScript: the page that says an answer was refused shows what the learner entered in that
    question (not the answer saved before, not nothing), and says why in the question itself."""
    attempt_id = learner.start()
    assert learner.save(attempt_id, RIGHT_ANSWERS).status_code == 302  # a full, good set saved first
    response = learner.save(attempt_id, entered)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    block = page[page.index(f'id="question-{question}"'):]
    block = block[:block.index("</fieldset>\n", block.index("save-status"))]
    assert reason in html.unescape(block)
    for name, value in entered.items():
        # What was entered is shown; a value that is no option of the question (a forged form) shows as none,
        # never as the answer saved before.
        assert _selected(block, name) == ({value} - FORGED if value else set()), name
    saved = dict(db.session.execute(select(AttemptAnswer.question_id, AttemptAnswer.response)).all())
    assert saved[question] is not None  # the good answer saved before is still there, untouched


def test_the_review_policy_can_hide_answers(learner):
    attempt_id = learner.start("pre-test")
    learner.save(attempt_id, {"q-p1": "true"})
    learner.submit(attempt_id)
    page = learner.client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Your score: 50%" in page
    assert "Review" not in page and "Correct answer" not in page


def test_the_review_marks_each_answer_right_or_not_in_words_colour_and_sign(learner):
    attempt_id = learner.start()
    learner.save(attempt_id, {**RIGHT_ANSWERS, "q-single": "s-wrong"})
    learner.submit(attempt_id)
    page = learner.client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert '<span class="badge badge-wrong"><span aria-hidden="true">✗</span> not right</span>' in page
    assert '<span class="badge badge-right"><span aria-hidden="true">✓</span> right</span>' in page


def test_a_pre_test_records_a_starting_point_and_is_never_failed(learner):
    """A learner who knows little before the course must not read "Not passed" on their first page of it."""
    attempt_id = learner.start("pre-test")
    learner.save(attempt_id, {"q-p1": "true"})
    learner.submit(attempt_id)
    result = text_of(learner.client.get(f"/attempts/{attempt_id}/result"))
    overview = text_of(learner.client.get("/quizzes/pre-test"))
    assert "Your starting point is recorded." in result and "Your score: 50%" in result
    assert "50% · starting point recorded" in overview
    for page in (result, overview):
        assert "not passed" not in page.lower()

    quiz = learner.start()
    learner.save(quiz, {"q-single": "s-wrong"})
    learner.submit(quiz)
    assert "Not passed: the pass mark is" in text_of(learner.client.get(f"/attempts/{quiz}/result"))


def test_the_command_line_submits_overdue_attempts(learner, runner):
    attempt_id = learner.start()
    learner.save(attempt_id, {"q-single": "s-right"})
    stored = attempt(attempt_id)
    stored.deadline_at = stored.started_at - timedelta(hours=1)
    db.session.commit()
    result = runner.invoke(args=["expire-attempts"])
    assert "1 overdue attempt(s) submitted." in result.output
    stored = attempt(attempt_id)
    assert stored.submitted_by == "time" and stored.earned == 1.0
    assert "0 overdue attempt(s) submitted." in runner.invoke(args=["expire-attempts"]).output


def test_an_answer_save_is_three_statements_and_stays_private(learner, count_queries):
    """The quiz page saves every answer as it is given: the account, the attempt with its answers, the write;
    nothing read again after the commit (the request log and the no-store header included)."""
    attempt_id = learner.start()
    token = csrf_token(learner.client, f"/attempts/{attempt_id}")
    learner.save_json(attempt_id, "single", [["q-single", "s-right"]], token=token)
    with count_queries() as saving:
        response = learner.save_json(attempt_id, "single", [["q-single", "s-wrong"]], token=token)
    assert response.status_code == 200 and response.get_json()["ok"] is True  # noqa: PLR2004
    assert response.headers["Cache-Control"] == "no-store"
    assert saving.count <= 3, saving.statements  # noqa: PLR2004
    db.session.expire_all()
    assert db.session.scalar(select(AttemptAnswer.response).where(AttemptAnswer.question_id == "single")) == "s-wrong"
