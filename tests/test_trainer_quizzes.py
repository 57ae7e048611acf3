"""Quizzes trainers build for their cohort from the question bank (course.trainer_quizzes): composed from
signed-off questions within the course's bounds, opened to one cohort, taken and graded like any quiz, on the
dashboard and in the item statistics, never toward a certificate."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.attempt import QuizAttempt
from course.models.audit import AuditEvent
from course.models.cohort import Cohort
from course.models.trainer_quiz import TrainerQuiz, TrainerQuizState
from course.models.user import Role, User
from course.review.bank import bank_questions
from tests.conftest import csrf_token
from tests.quiz.conftest import Learner
from tests.test_cascade import cohort_of
from tests.test_cohort_pages import as_user
from tests.test_question_bank import sign_off

OPTIONS = {"title": "Practice on the definition", "pass_mark": "50", "attempts_allowed": "2",
           "time_limit_minutes": "", "review_show": "answers", "review_when": "immediately",
           "shuffle_choices": "y"}


def _setting_up(app, make_user, *, learners=("ana", "bo")):
    """A trainer's cohort with learners, and the alpha check signed off (the only module check of the fixture)."""
    reviewer = make_user("reviewer", roles={Role.LEGAL_REVIEWER})
    trainer = make_user("trainer", roles={Role.TRAINER})
    cohort = cohort_of(trainer, "full", "Mary court")
    for name in learners:
        enrol_in_cohort(make_user(name), cohort)
    db.session.commit()
    sign_off("alpha-check", reviewer)
    return trainer, cohort


def _build(client, cohort_id: int, **fields):
    """Post the build form; returns the response (a redirect to the draft when it was saved)."""
    data = {**OPTIONS, "picks": ["alpha-check:q1", "alpha-check:q2"], **fields,
            "csrf_token": csrf_token(client, f"/cohorts/{cohort_id}/quizzes/new")}
    return client.post(f"/cohorts/{cohort_id}/quizzes/new", data=data)


def _quiz() -> TrainerQuiz:
    return db.session.scalars(select(TrainerQuiz).order_by(TrainerQuiz.id.desc())).first()


def _draft(client, cohort_id: int, **fields) -> TrainerQuiz:
    """A draft built through the form."""
    assert _build(client, cohort_id, **fields).status_code == 302  # noqa: PLR2004
    return _quiz()


def _opened(client, cohort_id: int) -> TrainerQuiz:
    quiz = _draft(client, cohort_id)
    url = f"/cohorts/{cohort_id}/quizzes/{quiz.id}/open"
    client.post(url, data={"csrf_token": csrf_token(client, f"/cohorts/{cohort_id}/quizzes/{quiz.id}"),
                           "confirmed": "yes"})
    db.session.refresh(quiz)
    assert quiz.state == TrainerQuizState.OPEN
    return quiz


def test_a_trainer_builds_a_draft_from_the_bank_and_learners_do_not_see_it_until_it_is_opened(
        app, synced, make_user):
    _trainer, cohort = _setting_up(app, make_user)
    client = as_user(app, "trainer")
    page = client.get(f"/cohorts/{cohort.id}/quizzes/new").get_data(as_text=True)
    assert "Pick one" in page and "True?" in page
    # The pre-test's and post-test's questions measure the gain: never offered, even signed off.
    sign_off("pre-test", User.query.filter_by(username="reviewer").one())
    assert "alpha-check:q1" in client.get(f"/cohorts/{cohort.id}/quizzes/new").get_data(as_text=True)
    assert "pre-test:" not in client.get(f"/cohorts/{cohort.id}/quizzes/new").get_data(as_text=True)
    response = _build(client, cohort.id)
    quiz = _quiz()
    assert response.headers["Location"].endswith(f"/cohorts/{cohort.id}/quizzes/{quiz.id}")
    assert quiz.state == TrainerQuizState.DRAFT and quiz.quiz_id.startswith("tq-")
    assert quiz.sources == {"alpha-check--q1": ["alpha-check", "q1"], "alpha-check--q2": ["alpha-check", "q2"]}
    preview = client.get(f"/cohorts/{cohort.id}/quizzes/{quiz.id}").get_data(as_text=True)
    assert "Pick one" in preview and "Open to the cohort" in preview
    assert '"correct"' not in preview and "Because." not in preview  # no answer key, no feedback before an attempt
    learner = as_user(app, "ana")
    assert learner.get(f"/quizzes/{quiz.quiz_id}").status_code == 404  # noqa: PLR2004  (a draft is nobody's)
    assert "Practice on the definition" not in learner.get("/").get_data(as_text=True)


def test_an_opened_quiz_is_taken_graded_and_shown_on_the_dashboard_and_in_the_statistics(app, synced, make_user):
    _trainer, cohort = _setting_up(app, make_user)
    trainer = as_user(app, "trainer")
    quiz = _opened(trainer, cohort.id)
    ana = Learner(as_user(app, "ana"))
    home = ana.client.get("/").get_data(as_text=True)
    assert "Quiz from your trainer: Practice on the definition (Mary court)" in home
    overview = ana.client.get(f"/quizzes/{quiz.quiz_id}").get_data(as_text=True)
    assert "Quiz from your trainer" in overview and "not been legally reviewed" not in overview
    attempt_id = ana.start(quiz.quiz_id)
    ana.save(attempt_id, {"q-alpha-check--q1": "a", "q-alpha-check--q2": "false"})
    assert ana.submit(attempt_id).status_code == 302  # noqa: PLR2004
    attempt = db.session.get(QuizAttempt, attempt_id)
    assert (attempt.quiz_id, attempt.score, attempt.passed) == (quiz.quiz_id, 50.0, True)
    assert "Because." in ana.client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Quiz from your trainer" not in ana.client.get("/").get_data(as_text=True)  # done: off the list

    dashboard = trainer.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert "Practice on the definition" in dashboard
    results = trainer.get(f"/cohorts/{cohort.id}/quizzes/{quiz.id}").get_data(as_text=True)
    assert re.search(r"ana</th><td>1</td><td>50.0%</td><td>yes", results), results
    # q1 answered right, q2 wrong: each question's row says so
    assert re.search(r"Pick one</th><td>1</td>\s*<td>100%</td>", results), results
    assert re.search(r"True\?</th><td>1</td>\s*<td>0%</td>", results), results
    listed = trainer.get(f"/cohorts/{cohort.id}/quizzes").get_data(as_text=True)
    assert "open to the cohort" in listed and "50.0%" in listed
    # The copies' answers count for the bank questions they came from.
    bank = {(q.quiz_id, q.question_id): q for q in bank_questions(load_catalogue(), "en", reviewed_only=False)}
    assert (bank["alpha-check", "q1"].responses, bank["alpha-check", "q1"].facility) == (1, 1.0)
    assert (bank["alpha-check", "q2"].responses, bank["alpha-check", "q2"].facility) == (1, 0.0)


def test_a_trainers_quiz_never_counts_toward_completion(app, synced, make_user):
    _trainer, cohort = _setting_up(app, make_user, learners=("ana",))
    quiz = _opened(as_user(app, "trainer"), cohort.id)
    ana = Learner(as_user(app, "ana"))
    attempt_id = ana.start(quiz.quiz_id)
    ana.save(attempt_id, {"q-alpha-check--q1": "a", "q-alpha-check--q2": "true"})
    ana.submit(attempt_id)
    track = as_user(app, "ana").get("/tracks/full").get_data(as_text=True)
    assert "Practice on the definition" not in track
    from course.cascade.completion import track_progress  # noqa: PLC0415

    catalogue = load_catalogue()
    user = User.query.filter_by(username="ana").one()
    assert not track_progress(catalogue, catalogue.track("full"), [user.id])[user.id].complete


def test_closing_stops_new_attempts_but_not_the_one_started_and_reopening_allows_them(app, synced, make_user):
    _trainer, cohort = _setting_up(app, make_user)
    trainer = as_user(app, "trainer")
    quiz = _opened(trainer, cohort.id)
    ana = Learner(as_user(app, "ana"))
    started = ana.start(quiz.quiz_id)
    token = csrf_token(trainer, f"/cohorts/{cohort.id}/quizzes/{quiz.id}")
    trainer.post(f"/cohorts/{cohort.id}/quizzes/{quiz.id}/close", data={"csrf_token": token})
    again = trainer.post(f"/cohorts/{cohort.id}/quizzes/{quiz.id}/close", data={"csrf_token": token},
                         follow_redirects=True).get_data(as_text=True)
    assert "This quiz was changed already: it is closed to new attempts." in again  # a second click
    assert ana.submit(started).status_code == 302  # noqa: PLR2004  (the attempt started is finished)
    bo = Learner(as_user(app, "bo"))
    refused = bo.client.post(f"/quizzes/{quiz.quiz_id}/start",
                             data={"csrf_token": csrf_token(bo.client, f"/quizzes/{quiz.quiz_id}")},
                             follow_redirects=True).get_data(as_text=True)
    assert "Your trainer has closed this quiz" in refused
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt).where(
        QuizAttempt.quiz_id == quiz.quiz_id)) == 1
    trainer.post(f"/cohorts/{cohort.id}/quizzes/{quiz.id}/reopen", data={"csrf_token": token})
    bo.start(quiz.quiz_id)
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target == quiz.quiz_id)
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["trainer_quiz.create", "trainer_quiz.open", "trainer_quiz.close", "trainer_quiz.reopen"]


def test_options_outside_the_courses_bounds_and_unknown_questions_are_refused_and_nothing_is_saved(
        app, synced, make_user):
    _trainer, cohort = _setting_up(app, make_user)
    client = as_user(app, "trainer")
    cases = [
        ({"attempts_allowed": "4"}, "Number must be between 1 and 3."),
        ({"time_limit_minutes": "121"}, "Number must be between 1 and 120."),
        ({"pass_mark": "101"}, "Number must be between 0 and 100."),
        ({"title": ""}, "This field is required."),
        ({"picks": []}, "Choose between 1 and 30 questions."),
        ({"picks": ["alpha-check:q1", "all-types:single"]},
         "These questions are not among the bank&#39;s signed-off questions: all-types:single."),
        ({"picks": ["pre-test:p1"]}, "not among the bank"),
        ({"picks": ["x" * 300]}, "not among the bank"),
    ]
    for fields, message in cases:
        response = _build(client, cohort.id, **fields)
        assert response.status_code == 422, fields  # noqa: PLR2004
        assert message in response.get_data(as_text=True), fields
    assert db.session.scalar(select(func.count()).select_from(TrainerQuiz)) == 0


def test_questions_drawn_at_random_on_an_objective_join_those_picked(app, synced, make_user):
    _trainer, cohort = _setting_up(app, make_user)
    client = as_user(app, "trainer")
    # Five asked, one in the bank on the objective: the one there is drawn, after the one picked.
    response = _build(client, cohort.id, picks=["alpha-check:q1"], draw_objective="elements", draw_count="5")
    assert response.status_code == 302  # noqa: PLR2004
    assert list(_quiz().sources.values()) == [["alpha-check", "q1"], ["alpha-check", "q2"]]


def test_a_draft_changes_until_it_is_opened_and_then_never(app, synced, make_user):
    _trainer, cohort = _setting_up(app, make_user)
    client = as_user(app, "trainer")
    quiz = _draft(client, cohort.id)
    edit_url = f"/cohorts/{cohort.id}/quizzes/{quiz.id}/edit"
    form = client.get(edit_url).get_data(as_text=True)
    assert 'value="alpha-check:q1" id="pick-1" checked' in form and 'value="Practice on the definition"' in form
    client.post(edit_url, data={**OPTIONS, "title": "Renamed", "picks": ["alpha-check:q2"],
                                "csrf_token": csrf_token(client, edit_url)})
    db.session.refresh(quiz)
    assert quiz.title == "Renamed" and list(quiz.sources) == ["alpha-check--q2"]
    before = quiz.content_hash
    show = f"/cohorts/{cohort.id}/quizzes/{quiz.id}"
    client.post(f"{show}/open", data={"csrf_token": csrf_token(client, show), "confirmed": "yes"})
    refused = client.post(edit_url, data={**OPTIONS, "picks": ["alpha-check:q1"],
                                          "csrf_token": csrf_token(client, show)})
    assert "no longer change" in refused.get_data(as_text=True)
    assert "no longer change" in client.get(edit_url, follow_redirects=True).get_data(as_text=True)
    db.session.refresh(quiz)
    assert quiz.content_hash == before
    gone = client.post(f"{show}/discard", data={"csrf_token": csrf_token(client, show), "confirmed": "yes"},
                       follow_redirects=True)
    assert "Only a draft can be discarded" in gone.get_data(as_text=True)
    assert db.session.get(TrainerQuiz, quiz.id) is not None


def test_a_discarded_draft_is_gone_and_audited(app, synced, make_user):
    _trainer, cohort = _setting_up(app, make_user)
    client = as_user(app, "trainer")
    quiz = _draft(client, cohort.id)
    show = f"/cohorts/{cohort.id}/quizzes/{quiz.id}"
    asked = client.post(f"{show}/discard", data={"csrf_token": csrf_token(client, show)})
    assert "Discard the draft Practice on the definition?" in asked.get_data(as_text=True)  # confirm first
    client.post(f"{show}/discard", data={"csrf_token": csrf_token(client, show), "confirmed": "yes"})
    assert db.session.scalar(select(func.count()).select_from(TrainerQuiz)) == 0
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.target == quiz.quiz_id)
                             .order_by(AuditEvent.id.desc())) == "trainer_quiz.discard"


def test_only_the_cohorts_trainers_reach_its_quizzes_and_only_its_learners_take_them(app, synced, make_user):
    _trainer, cohort = _setting_up(app, make_user)
    quiz = _opened(as_user(app, "trainer"), cohort.id)
    other = make_user("other-trainer", roles={Role.TRAINER})
    cohort_of(other, "full", "Lebap police")
    make_user("outsider", tracks=("full",))
    intruder = as_user(app, "other-trainer")
    for url in (f"/cohorts/{cohort.id}/quizzes", f"/cohorts/{cohort.id}/quizzes/new",
                f"/cohorts/{cohort.id}/quizzes/{quiz.id}", f"/cohorts/{cohort.id}/quizzes/{quiz.id}/edit"):
        assert intruder.get(url).status_code == 404, url  # noqa: PLR2004
    token = csrf_token(intruder, "/cohorts")
    assert intruder.post(f"/cohorts/{cohort.id}/quizzes/{quiz.id}/close",
                         data={"csrf_token": token}).status_code == 404  # noqa: PLR2004
    assert as_user(app, "ana").get(f"/cohorts/{cohort.id}/quizzes").status_code == 403  # noqa: PLR2004
    assert as_user(app, "outsider").get(f"/quizzes/{quiz.quiz_id}").status_code == 404  # noqa: PLR2004
    # A learner of the cohort cannot use another cohort's trainer quiz either: the quiz id is the key.
    assert as_user(app, "ana").get("/quizzes/tq-000000000000").status_code == 404  # noqa: PLR2004


def test_writes_need_the_csrf_token(app, synced, make_user):
    _trainer, cohort = _setting_up(app, make_user)
    client = as_user(app, "trainer")
    quiz = _draft(client, cohort.id)
    for url in (f"/cohorts/{cohort.id}/quizzes/new", f"/cohorts/{cohort.id}/quizzes/{quiz.id}/open",
                f"/cohorts/{cohort.id}/quizzes/{quiz.id}/discard"):
        assert client.post(url, data={**OPTIONS, "confirmed": "yes"}).status_code == 400, url  # noqa: PLR2004
    db.session.refresh(quiz)
    assert quiz.state == TrainerQuizState.DRAFT


def test_a_quiz_file_may_not_pass_for_a_trainers_quiz(app, editable_content):
    from tests.test_content_validation import problems_of  # noqa: PLC0415

    quiz_file = editable_content / "quizzes/alpha-check.yaml"
    quiz_file.write_text(quiz_file.read_text(encoding="utf-8").replace("kind: module_check", "kind: trainer_quiz"),
                         encoding="utf-8")
    assert any("kind 'trainer_quiz' is for the quizzes trainers build" in p for p in problems_of(editable_content))
    quiz_file.write_text(quiz_file.read_text(encoding="utf-8").replace("kind: trainer_quiz", "kind: module_check")
                         .replace("id: alpha-check", "id: tq-alpha"), encoding="utf-8")
    assert any("may not begin with 'tq-'" in p for p in problems_of(editable_content))


def test_a_quiz_built_on_a_field_laptop_reaches_the_centre_with_its_attempts(app, synced, make_user, tmp_path,
                                                                              content_dir):
    from course.quiz.attempts import save_answer, start_attempt, submit_attempt  # noqa: PLC0415
    from course.quiz.definition import pinned_definition  # noqa: PLC0415
    from course.trainer_quizzes.compose import QuizOptions, bounds_of  # noqa: PLC0415
    from course.trainer_quizzes.services import change_state, create_draft  # noqa: PLC0415
    from tests.test_field_sync import imported, new_laptop  # noqa: PLC0415

    make_user("coord", roles={Role.COORDINATOR})
    mary = new_laptop(tmp_path, content_dir, "MARY1")
    with mary.use():
        trainer, cohort, learner = mary.trainer_cohort()
        catalogue = load_catalogue()
        offered = bank_questions(catalogue, "en", reviewed_only=False)
        quiz = create_draft(cohort, trainer, QuizOptions("Built in Mary"), ["alpha-check:q1"], offered=offered,
                            languages=catalogue.course["languages"], bounds=bounds_of(catalogue.course))
        change_state(quiz, cohort, trainer, "open")
        attempt = start_attempt(learner.id, pinned_definition(quiz.quiz_id, quiz.content_hash))
        save_answer(attempt, "alpha-check--q1", "a")
        submit_attempt(attempt)
        db.session.commit()
        quiz_id, cohort_uid = quiz.quiz_id, cohort.uid

    result = imported(mary.export())

    assert result.applied and result.report.added["trainer_quizzes"] == 1
    arrived = db.session.scalar(select(TrainerQuiz).where(TrainerQuiz.quiz_id == quiz_id))
    assert arrived.state == TrainerQuizState.OPEN
    assert db.session.get(Cohort, arrived.cohort_id).uid == cohort_uid
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.quiz_id == quiz_id))
    assert attempt.score == 100.0  # noqa: PLR2004
    assert pinned_definition(quiz_id, attempt.quiz_hash) is not None  # graded and reviewed here as there
    cohort_id = arrived.cohort_id
    dashboard = as_user(app, "coord").get(f"/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Built in Mary" in dashboard


def test_a_quiz_title_is_a_column_of_the_dashboards_export_and_cannot_be_a_formula(app, synced, make_user):
    from tests.test_exports import read_csv  # noqa: PLC0415

    _trainer, cohort = _setting_up(app, make_user)
    trainer = as_user(app, "trainer")
    quiz = _draft(trainer, cohort.id, title='=HYPERLINK("http://x.example","y")')
    show = f"/cohorts/{cohort.id}/quizzes/{quiz.id}"
    trainer.post(f"{show}/open", data={"csrf_token": csrf_token(trainer, show), "confirmed": "yes"})
    header = read_csv(trainer.get(f"/cohorts/{cohort.id}/export.csv").data)[0]
    assert "'=HYPERLINK(\"http://x.example\",\"y\")" in "|".join(header)
    assert not any(cell.startswith("=") for cell in header)


def test_an_archived_cohorts_quizzes_no_longer_change(app, synced, make_user):
    from course.cohorts.services import set_status  # noqa: PLC0415
    from course.models.cohort import CohortStatus  # noqa: PLC0415

    trainer, cohort = _setting_up(app, make_user)
    client = as_user(app, "trainer")
    quiz = _draft(client, cohort.id)
    set_status(cohort, CohortStatus.ARCHIVED, actor=trainer)
    db.session.commit()
    refused = _build(client, cohort.id)
    assert refused.status_code == 422  # noqa: PLR2004
    assert "The cohort is archived: its quizzes can no longer change." in refused.get_data(as_text=True)
    show = f"/cohorts/{cohort.id}/quizzes/{quiz.id}"
    opened = client.post(f"{show}/open", data={"csrf_token": csrf_token(client, show), "confirmed": "yes"},
                         follow_redirects=True)
    assert "The cohort is archived" in opened.get_data(as_text=True)
    db.session.refresh(quiz)
    assert quiz.state == TrainerQuizState.DRAFT
    assert db.session.scalar(select(func.count()).select_from(TrainerQuiz)) == 1


def test_a_course_without_trainer_quizzes_offers_neither_the_tab_nor_the_builder(app, synced, make_user,
                                                                                 editable_content):
    from tests.test_cascade import edit_course  # noqa: PLC0415

    _trainer, cohort = _setting_up(app, make_user)
    client = as_user(app, "trainer")
    assert f'href="/cohorts/{cohort.id}/quizzes"' in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    edit_course(app, editable_content, "pre_test: pre-test", "trainer_quizzes: {enabled: false}\npre_test: pre-test")
    assert f'href="/cohorts/{cohort.id}/quizzes"' not in client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert client.get(f"/cohorts/{cohort.id}/quizzes/new").status_code == 404  # noqa: PLR2004
    assert client.post(f"/cohorts/{cohort.id}/quizzes/new", data={
        **OPTIONS, "picks": ["alpha-check:q1"], "csrf_token": csrf_token(client, f"/cohorts/{cohort.id}")
    }).status_code == 404  # noqa: PLR2004
    assert db.session.scalar(select(func.count()).select_from(TrainerQuiz)) == 0
