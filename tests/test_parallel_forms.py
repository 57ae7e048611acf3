"""Parallel pre/post-test forms taken both ways (course.quiz.parallel): half of each cohort takes form B first."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from course.cascade.completion import track_progress
from course.cohorts.dashboard import cohort_dashboard
from course.cohorts.services import enrol_in_cohort, remove_from_cohort
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.attempt import QuizAttempt
from course.models.enrolment import Enrolment, FormOrder
from course.models.user import Role
from course.quiz import parallel
from course.quiz.attempts import AttemptRefused, definition_of, save_answer, start_attempt, submit_attempt
from course.quiz.definition import live_definition
from course.reports.queries import ReportFilter, build_report
from course.summary import refresh_learners
from tests.conftest import FIXTURE_CONTENT, csrf_token
from tests.test_cascade import cohort_of
from tests.test_cohort_pages import as_user
from tests.test_content_validation import edit, problems_of
from tests.test_exports import read_csv, read_xlsx

#: The fixture's tests, made parallel: each form has one question per objective ("elements", "consent").
TAGS = {"pre-test": {"p1": "elements", "p2": "consent"}, "post-test": {"r1": "elements", "r2": "consent"}}
OBJECTIVES = """parallel_forms: true
objectives:
  - {id: elements, title: {en: The elements of the definition, ru: Элементы определения}}
  - {id: consent, title: {en: Consent, ru: Согласие}}
"""


def make_parallel(target: Path) -> Path:
    shutil.copytree(FIXTURE_CONTENT, target)
    edit(target / "modules" / "course.yaml", "post_test: post-test\n", "post_test: post-test\n" + OBJECTIVES)
    for quiz_id, tags in TAGS.items():
        for question_id, tag in tags.items():
            edit(target / "quizzes" / f"{quiz_id}.yaml", f"{{id: {question_id}, ",
                 f"{{id: {question_id}, tags: [{tag}], ")
    edit(target / "quizzes" / "post-test.yaml", "grading_method: highest\n",
         "grading_method: highest\nattempts_allowed: 3\npass_mark: 50\n")
    return target


@pytest.fixture
def content_dir(tmp_path) -> Path:
    return make_parallel(tmp_path / "content")


@pytest.fixture
def cohort(app, synced, make_user):
    master = make_user("master", roles={Role.TRAINER}, full_name="Master")
    return cohort_of(master, "full", "Mary prosecutors", ending_today=True)


def enrol(make_user, cohort, name: str, **fields):
    user = make_user(name, full_name=name.title(), **fields)
    enrol_in_cohort(user, cohort)
    db.session.commit()
    return user


def order_of(user) -> FormOrder:
    return db.session.scalar(select(Enrolment.form_order).where(Enrolment.user_id == user.id))


def take(user, test_id: str, answers: dict[str, dict[str, str]]) -> QuizAttempt:
    """Start, answer and submit a test as the learner takes it: ``answers`` has the responses (true/false by
    question id) to each form, and the learner answers the form behind the test for them."""
    definition = parallel.as_taken_by(user.id, load_catalogue().course, live_definition(test_id))
    attempt = start_attempt(user.id, definition)
    for question_id, value in answers[definition.quiz_id].items():
        save_answer(attempt, question_id, value)
    submit_attempt(attempt)
    db.session.commit()
    return attempt


ALL_WRONG = {"pre-test": {"p1": "false", "p2": "true"}, "post-test": {"r1": "false", "r2": "false"}}
ALL_RIGHT = {"pre-test": {"p1": "true", "p2": "false"}, "post-test": {"r1": "true", "r2": "true"}}
#: Right on the "elements" question only.
HALF = {"pre-test": {"p1": "true", "p2": "true"}, "post-test": {"r1": "true", "r2": "false"}}


# -- content ------------------------------------------------------------------------------------------------


def test_parallel_forms_that_measure_different_objectives_are_refused(tmp_path):
    content = make_parallel(tmp_path / "content")
    assert problems_of(content) == []
    edit(content / "quizzes" / "post-test.yaml", "tags: [consent]", "tags: [elements]")
    problems = problems_of(content)
    assert any("do not measure objective 'consent' alike: 1 question(s) tagged so in 'pre-test', 0 in 'post-test'"
               in p and "course.yaml" in p for p in problems), problems


def test_parallel_forms_that_ask_different_numbers_of_questions_are_refused(tmp_path):
    content = make_parallel(tmp_path / "content")
    edit(content / "quizzes" / "post-test.yaml", "questions:\n",
         "draw: [{tag: elements, count: 1}]\nquestions:\n")
    assert any("ask different numbers of questions: 'pre-test' 2, 'post-test' 1" in p
               for p in problems_of(content))


def test_an_objective_no_question_carries_is_reported(tmp_path):
    content = make_parallel(tmp_path / "content")
    edit(content / "modules" / "course.yaml", "{id: consent,", "{id: consnet,")
    assert any("objective 'consnet' is not a tag of any question of 'pre-test' or 'post-test'" in p
               for p in problems_of(content))


def test_parallel_forms_need_both_tests(tmp_path):
    content = make_parallel(tmp_path / "content")
    edit(content / "modules" / "course.yaml", "post_test: post-test\n", "")
    assert any("parallel_forms needs both a pre_test and a post_test" in p for p in problems_of(content))


# -- who takes which form -----------------------------------------------------------------------------------


def test_a_cohort_of_twenty_is_split_in_halves_in_the_order_they_enrol(cohort, make_user):
    learners = [enrol(make_user, cohort, f"learner{n:02d}") for n in range(20)]
    orders = [order_of(user) for user in learners]
    assert orders.count(FormOrder.AB) == orders.count(FormOrder.BA) == 10
    assert orders[:4] == [FormOrder.AB, FormOrder.BA, FormOrder.AB, FormOrder.BA]


def test_a_learner_removed_and_enrolled_again_keeps_the_order_of_the_test_they_took(cohort, make_user):
    enrol(make_user, cohort, "first")
    second = enrol(make_user, cohort, "second")
    assert order_of(second) == FormOrder.BA
    assert take(second, "pre-test", ALL_WRONG).quiz_id == "post-test"
    remove_from_cohort(second, cohort, actor=cohort.lead)
    db.session.commit()
    enrol(make_user, cohort, "third")  # the cohort is AB, AB now: balance alone would give BA... and AB to second
    enrol_in_cohort(second, cohort)
    db.session.commit()
    assert order_of(second) == FormOrder.BA


def test_the_form_taken_first_has_the_pre_tests_rules_and_stands_for_it(cohort, make_user):
    enrol(make_user, cohort, "first")
    learner = enrol(make_user, cohort, "second")
    course = load_catalogue().course
    as_pre = parallel.as_taken_by(learner.id, course, live_definition("pre-test"))
    assert as_pre.quiz_id == "post-test"  # the other form's questions
    assert as_pre.counts_as == "pre-test"
    assert as_pre.settings.kind == "pre_test" and as_pre.settings.attempts_allowed == 1
    assert as_pre.settings.grading_method == "first" and as_pre.settings.review.show == "score"
    assert set(as_pre.questions) == {"r1", "r2"}  # the form's own questions
    attempt = take(learner, "pre-test", ALL_WRONG)
    assert attempt.counts_as == "pre-test" and attempt.counted_quiz_id == "pre-test"
    assert definition_of(attempt).settings.kind == "pre_test"
    with pytest.raises(AttemptRefused):  # one attempt, as the pre-test allows
        start_attempt(learner.id, as_pre)
    as_post = parallel.as_taken_by(learner.id, course, live_definition("post-test"))
    assert as_post.counts_as == "post-test" and as_post.settings.pass_mark == 50
    assert as_post.settings.attempts_allowed == 3


def test_a_learner_taking_the_forms_in_the_usual_order_takes_each_test_as_it_is(cohort, make_user):
    learner = enrol(make_user, cohort, "first")
    definition = parallel.as_taken_by(learner.id, load_catalogue().course, live_definition("post-test"))
    assert definition.counts_as is None and definition.settings.kind == "post_test"
    assert take(learner, "pre-test", ALL_WRONG).counts_as is None


def test_the_learner_pages_send_each_half_to_its_own_forms(app, cohort, make_user):
    first = enrol(make_user, cohort, "first")
    second = enrol(make_user, cohort, "second")
    client = as_user(app, first.username)
    track = client.get("/tracks/full").get_data(as_text=True)
    assert 'href="/quizzes/pre-test">Pre-test' in track and 'href="/quizzes/post-test">Post-test' in track
    client = as_user(app, second.username)
    track = client.get("/tracks/full").get_data(as_text=True)
    assert 'href="/quizzes/pre-test">Pre-test' in track and 'href="/quizzes/post-test">Post-test' in track
    overview = client.get("/quizzes/pre-test").get_data(as_text=True)
    assert "<h1>Pre-test</h1>" in overview and "Post-test" not in overview
    assert "Pass mark" not in overview and "1 of 1 left" in overview  # the pre-test's rules
    assert 'action="/quizzes/pre-test/start"' in overview  # the test's address, whichever form is behind it
    started = client.post("/quizzes/pre-test/start", data={"csrf_token": csrf_token(client, "/quizzes/pre-test")})
    assert started.status_code == 302
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == second.id))
    assert (attempt.quiz_id, attempt.counts_as) == ("post-test", "pre-test")


def test_passing_the_first_form_as_the_post_test_counts_for_completion(app, cohort, make_user):
    enrol(make_user, cohort, "first")
    learner = enrol(make_user, cohort, "second")
    take(learner, "pre-test", ALL_WRONG)
    catalogue = load_catalogue()
    progress = track_progress(catalogue, catalogue.track("full"), [learner.id])[learner.id]
    assert "post-test" not in progress.passed_quizzes
    take(learner, "post-test", ALL_RIGHT)
    progress = track_progress(catalogue, catalogue.track("full"), [learner.id])[learner.id]
    assert "post-test" in progress.passed_quizzes and "pre-test" not in progress.passed_quizzes


# -- gain -----------------------------------------------------------------------------------------------------


@pytest.fixture
def twenty(cohort, make_user):
    """A cohort of 20 (10 each way): every learner all wrong before; after, the AB half all right, the BA half
    right on the "elements" objective only."""
    learners = [enrol(make_user, cohort, f"learner{n:02d}") for n in range(20)]
    for user in learners:
        take(user, "pre-test", ALL_WRONG)
        take(user, "post-test", ALL_RIGHT if order_of(user) == FormOrder.AB else HALF)
    return learners


def test_the_gain_is_reported_per_form_order_and_per_objective(twenty, cohort):
    catalogue = load_catalogue()
    report = build_report(ReportFilter(), catalogue)
    by_order = {row.key: (row.learners, row.mean_pre, row.mean_post, row.mean_gain) for row in report.gain_by_order}
    assert by_order == {"ab": (10, 0.0, 100.0, 100.0), "ba": (10, 0.0, 50.0, 50.0)}
    by_objective = {row.key: (row.learners, row.mean_pre, row.mean_post) for row in report.objective_gains}
    assert by_objective == {"elements": (20, 0.0, 100.0), "consent": (20, 0.0, 50.0)}
    assert [row.key for row in report.objective_gains] == ["elements", "consent"]  # the course's order
    dashboard = cohort_dashboard(cohort, catalogue, "en", attention_days=7)
    assert [(label, group.learners, group.mean_gain) for label, group in dashboard.gain_by_order] == [
        ("A then B", 10, 100.0), ("B then A", 10, 50.0)]
    assert [(title, row.mean_gain) for title, row in dashboard.objective_gains] == [
        ("The elements of the definition", 100.0), ("Consent", 50.0)]
    assert dashboard.group.learners == 20 and dashboard.group.mean_gain == 75.0


def test_the_grids_show_each_learners_tests_in_the_tests_columns(twenty, cohort):
    dashboard = cohort_dashboard(cohort, load_catalogue(), "en", attention_days=7)
    columns = [column.quiz_id for column in dashboard.quizzes]
    pre, post = columns.index("pre-test"), columns.index("post-test")
    for row in dashboard.rows:
        assert row.pre == 0.0 and row.quizzes[pre].attempts == 1 and row.quizzes[post].attempts == 1
        assert row.form_order in ("A then B", "B then A")
        assert row.post == (100.0 if row.form_order == "A then B" else 50.0) == row.quizzes[post].best


def test_the_coordinators_page_and_exports_show_the_gain_tables(app, twenty, make_user):
    coordinator = make_user("coord", roles={Role.COORDINATOR})
    client = as_user(app, coordinator.username)
    page = client.get("/reports").get_data(as_text=True)
    assert "Gain by test form order" in page and "Gain by learning objective" in page
    assert "B then A" in page and "The elements of the definition" in page
    rows = read_csv(client.get("/reports/export/gain.csv").get_data())
    assert rows[0][:3] == ["Breakdown", "Group", "Learners who took both tests"]
    assert ["Test forms", "B then A", "10", "0.0", "50.0", "50.0"] in rows
    assert ["Learning objective", "Consent", "20", "0.0", "50.0", "50.0"] in rows


def test_a_group_of_three_is_withheld_on_the_page_and_in_both_exports(app, cohort, make_user):
    learners = [enrol(make_user, cohort, f"learner{n:02d}") for n in range(9)]  # AB: 5, BA: 4
    ba = [user for user in learners if order_of(user) == FormOrder.BA][:3]
    for user in learners:
        if order_of(user) == FormOrder.AB or user in ba:
            take(user, "pre-test", ALL_WRONG)
            take(user, "post-test", ALL_RIGHT)
    coordinator = make_user("coord", roles={Role.COORDINATOR})
    client = as_user(app, coordinator.username)
    page = client.get("/reports").get_data(as_text=True)
    rows = read_csv(client.get("/reports/export/gain.csv").get_data())
    response = client.get("/reports/export/gain.xlsx")
    _book, sheet = read_xlsx(response.get_data())
    response.close()
    assert "<th scope=\"row\">B then A</th><td>&lt;5</td><td>*</td>" in page
    assert ["Test forms", "B then A", "<5", "*", "*", "*"] in rows
    assert ["Test forms", "A then B", "5", "0.0", "100.0", "100.0"] in rows
    assert "fewer than 5 people" in rows[-1][0]
    assert ("Test forms", "B then A", "<5", "*", "*", "*") in list(sheet.iter_rows(values_only=True))


def test_summaries_record_the_order_and_recount_after_a_refresh(twenty):
    from course.models.summary import LearnerSummary, ObjectiveGain

    user = twenty[1]
    refresh_learners([user.id])
    db.session.commit()
    orders = set(db.session.scalars(select(LearnerSummary.form_order).where(LearnerSummary.user_id == user.id)))
    assert orders == {"ba"}
    assert db.session.scalar(select(ObjectiveGain.post_percent).where(
        ObjectiveGain.user_id == user.id, ObjectiveGain.objective == "consent")) == 0.0


def test_a_laptops_learners_order_and_swapped_tests_reach_the_centre(app, synced, tmp_path, content_dir):
    from course.auth.services import create_user  # noqa: PLC0415
    from course.models.summary import LearnerSummary  # noqa: PLC0415
    from course.models.user import User  # noqa: PLC0415
    from tests.test_field_sync import imported, new_laptop  # noqa: PLC0415

    laptop = new_laptop(tmp_path, content_dir, "MARY1")
    with laptop.use():
        lead, _password = create_user("fieldlead", {Role.TRAINER}, full_name="Field Lead")
        cohort = cohort_of(lead, "full", "Field cohort")
        for name in ("first", "second"):
            user, _password = create_user(name, {Role.LEARNER}, full_name=name.title())
            enrol_in_cohort(user, cohort)
        db.session.commit()
        second = db.session.scalar(select(User).where(User.username == "second"))
        take(second, "pre-test", ALL_WRONG)
        take(second, "post-test", ALL_RIGHT)
    imported(laptop.export())
    second = db.session.scalar(select(User).where(User.username == "second"))
    assert order_of(second) == FormOrder.BA
    attempts = db.session.execute(select(QuizAttempt.quiz_id, QuizAttempt.counts_as)
                                  .where(QuizAttempt.user_id == second.id).order_by(QuizAttempt.id)).all()
    assert [tuple(row) for row in attempts] == [("post-test", "pre-test"), ("pre-test", "post-test")]
    summary = db.session.execute(select(LearnerSummary.form_order, LearnerSummary.pre_score,
                                        LearnerSummary.post_score).where(LearnerSummary.user_id == second.id)).first()
    assert tuple(summary) == ("ba", 0.0, 100.0)


def test_the_learning_records_say_which_test_a_swapped_form_stood_for(app, cohort, make_user):
    from ralph.models.xapi.base.statements import BaseXapiStatement  # noqa: PLC0415

    from tests.test_xapi_export import exported  # noqa: PLC0415

    enrol(make_user, cohort, "first")
    learner = enrol(make_user, cohort, "second")
    take(learner, "pre-test", ALL_WRONG)
    make_user("coord", roles={Role.COORDINATOR})
    results = [s for s in exported(as_user(app, "coord")) if s["object"]["id"].endswith("/quizzes/post-test")]
    assert len(results) == 1
    BaseXapiStatement(**results[0])
    other = results[0]["context"]["contextActivities"]["other"]
    assert [activity["id"].rsplit("/", 2)[-2:] for activity in other] == [["quizzes", "pre-test"]]


def test_saving_an_answer_in_a_swapped_form_costs_no_more_statements(app, cohort, make_user, count_queries):
    """Saving reads the form's own questions; only the pages and the grading need the test's rules."""
    enrol(make_user, cohort, "first")
    learner = enrol(make_user, cohort, "second")
    client = as_user(app, learner.username)
    client.post("/quizzes/pre-test/start", data={"csrf_token": csrf_token(client, "/quizzes/pre-test")})
    attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == learner.id))
    assert attempt.counts_as == "pre-test"
    token = csrf_token(client, f"/attempts/{attempt.id}")

    def save(value: str):
        return client.post(f"/attempts/{attempt.id}/answers/r1", json={"fields": [["r1", value]]},
                           headers={"X-CSRFToken": token})

    assert save("true").get_json()["ok"] is True
    with count_queries() as saving:
        assert save("false").get_json()["ok"] is True
    assert saving.count <= 3, saving.statements  # noqa: PLR2004  (as for any attempt)


def test_a_swapped_post_test_is_marked_by_the_post_tests_pass_mark(cohort, make_user):
    enrol(make_user, cohort, "first")
    learner = enrol(make_user, cohort, "second")
    take(learner, "pre-test", ALL_WRONG)
    attempt = take(learner, "post-test", HALF)  # the pre-test's form, half right
    assert (attempt.quiz_id, attempt.score) == ("pre-test", 50.0)
    assert attempt.passed is True  # the post-test's pass mark (50), not the form's own (70)


def test_a_learner_who_took_the_pre_test_before_the_forms_were_swapped_keeps_their_forms(cohort, make_user):
    """Orders are given at enrolment whether or not the course swaps its forms; what a learner took decides."""
    from course.models.types import utcnow  # noqa: PLC0415

    enrol(make_user, cohort, "first")
    learner = enrol(make_user, cohort, "second")
    assert order_of(learner) == FormOrder.BA
    db.session.add(QuizAttempt(user_id=learner.id, quiz_id="pre-test", quiz_hash=live_definition("pre-test")
                               .content_hash, number=1, state="submitted", layout={"questions": [], "orders": {}},
                               submitted_at=utcnow(), score=0.0, earned=0.0, possible=2.0, passed=False))
    db.session.commit()  # the pre-test as it was taken before parallel_forms was turned on
    post = parallel.as_taken_by(learner.id, load_catalogue().course, live_definition("post-test"))
    assert (post.quiz_id, post.counts_as) == ("post-test", None)
    assert parallel.form_orders([learner.id], load_catalogue().course) == {learner.id: FormOrder.AB}


def test_item_statistics_keep_a_form_taken_before_apart_from_the_same_form_taken_after(twenty, cohort):
    """Form B is answered before the course by one half and after it by the other: pooled, its questions would
    look half right and tell before from after instead of strong from weak learners."""
    dashboard = cohort_dashboard(cohort, load_catalogue(), "en", attention_days=7)
    r1 = [(q.quiz_title.value, q.responses, q.facility) for q in dashboard.difficult if q.prompt.value == "R1"]
    assert r1 == [("Pre-test", 10, 0.0)]  # as the BA half's pre-test; as the AB half's post-test it was easy
