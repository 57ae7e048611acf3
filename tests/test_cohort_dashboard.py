"""The trainer's cohort dashboard and its export: quiz results, who needs attention, hard questions, gain.

Attempts are written straight into the database (graded by the real grading code against the live quiz
version), so large cohorts stay fast to build; the pages are read over HTTP as a trainer would.
"""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
from course.models.audit import AuditEvent
from course.models.cohort import Cohort
from course.models.progress import SectionRead
from course.models.types import utcnow
from course.models.user import Agency, User
from course.quiz.attempts import grade_responses
from course.quiz.definition import QuizDefinition, live_definition
from tests import test_cohort_pages
from tests.test_cohort_pages import as_user, create_via_form

world = test_cohort_pages.world  # the lead and a stranger (trainers), a coordinator, and the learner ana

WRONG_CHECK = {"q1": "b", "q2": False}  # alpha-check: 0 %
HALF_CHECK = {"q1": "a", "q2": False}  # 50 %, under the pass mark of 70
RIGHT_CHECK = {"q1": "a", "q2": True}  # 100 %


# -- building a cohort ----------------------------------------------------------------------------------------------


@pytest.fixture
def cohort(app, world):
    create_via_form(as_user(app, "lead"), lead=str(world["lead"].id))
    return db.session.scalar(select(Cohort))


def join(cohort: Cohort, make_user, username: str, full_name: str | None = None, *,
         enrolled_days_ago: int | None = None, **profile):
    """A learner in the cohort (new, or one of ``world``), enrolled some days ago if asked."""
    user = db.session.scalar(select(User).where(User.username == username)) or make_user(username)
    user.full_name = full_name if full_name is not None else username.title()
    for name, value in profile.items():
        setattr(user, name, value)
    enrolment = enrol_in_cohort(user, cohort)
    if enrolled_days_ago is not None:
        enrolment.enrolled_at = utcnow() - timedelta(days=enrolled_days_ago)
    db.session.commit()
    return user


def read(user, module_id: str = "alpha", sections=("first",)) -> None:
    for section_id in sections:
        db.session.add(SectionRead(user_id=user.id, module_id=module_id, section_id=section_id,
                                   module_hash="h" * 64))
    db.session.commit()


def quiz(quiz_id: str) -> QuizDefinition:
    definition = live_definition(quiz_id)
    assert definition is not None, quiz_id
    return definition


def add_attempt(user_id: int, definition: QuizDefinition, responses: dict, number: int = 1, *,
                submitted: bool = True) -> QuizAttempt:
    """A submitted attempt with its answers, graded as ``submit_attempt`` grades, pinned to the live version."""
    question_ids = list(definition.questions)
    attempt = QuizAttempt(user_id=user_id, quiz_id=definition.quiz_id, quiz_hash=definition.content_hash,
                          number=number, layout={"questions": question_ids, "orders": {}}, started_at=utcnow(),
                          state=AttemptState.IN_PROGRESS)
    if submitted:
        grade = grade_responses(definition, question_ids, responses)
        attempt.state, attempt.submitted_at, attempt.submitted_by = AttemptState.SUBMITTED, utcnow(), "learner"
        attempt.earned, attempt.possible, attempt.score = grade.earned, grade.possible, grade.score
        attempt.passed = grade.score >= definition.settings.pass_mark
        attempt.answers = [
            AttemptAnswer(question_id=qid, response=responses.get(qid), earned=g.earned, possible=g.possible,
                          parts=[part.as_json() for part in g.parts])
            for qid, g in grade.by_question.items()
        ]
    else:
        attempt.answers = [AttemptAnswer(question_id=qid, response=value) for qid, value in responses.items()]
    db.session.add(attempt)
    db.session.flush()
    return attempt


def take(user, quiz_id: str, *responses: dict) -> None:
    """Submitted attempts, one per responses dict, numbered in order."""
    definition = quiz(quiz_id)
    for number, answers in enumerate(responses, start=1):
        add_attempt(user.id, definition, answers, number)
    db.session.commit()


# -- reading the page ---------------------------------------------------------------------------------------------


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start:page.index("</section>", start)]


def grid(page: str, heading_id: str) -> dict[str, dict[str, str]]:
    """A table of the dashboard: learner name -> column heading -> cell text (and the cell's class)."""
    part = section(page, heading_id)
    # Module and quiz columns show a short title and carry the whole one: they are keyed by the whole title.
    headers = [html.unescape(title) or text_of(text)
               for title, text in re.findall(r'<th scope="col"(?: title="([^"]*)")?>(.*?)</th>', part, re.S)][1:]
    table = {}
    for name, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', part, re.S):
        found = re.findall(r'<td(?: class="([^"]*)")?[^>]*>(.*?)</td>', cells, re.S)
        assert len(found) == len(headers), (headers, cells)
        table[html.unescape(name)] = {h: text_of(text) for h, (_, text) in zip(headers, found, strict=True)}
        table[html.unescape(name)]["class"] = {h: cls for h, (cls, _) in zip(headers, found, strict=True)}
    return table


def attention(page: str) -> dict[str, str]:
    return {html.unescape(name): text_of(reasons)
            for name, reasons in re.findall(r"<li><strong>(.*?)</strong>: (.*?)</li>", section(page, "attention"))}


def difficult(page: str) -> dict[str, tuple[str, list[tuple[str, int]]]]:
    """Prompt -> (the line under it, [(wrong answer, count)])."""
    items = {}
    for block in section(page, "difficult").split("<li><p><strong>")[1:]:
        prompt, rest = block.split("</strong>", 1)
        hint = text_of(re.search(r'<p class="hint">(.*?)</p>', rest, re.S).group(1))
        wrong = [(html.unescape(label), int(count)) for label, count in re.findall(r"<li>(.*?) \((\d+)\)</li>", rest)]
        items[html.unescape(prompt)] = (hint, wrong)
    return items


def forget_dashboards(app) -> None:
    """Drop the dashboards this process keeps, as if the server had just started."""
    app.extensions.pop("course.cohort_dashboards", None)
    app.extensions.pop("course.difficult_questions", None)


def dashboard(app, cohort: Cohort, username: str = "lead") -> str:
    response = as_user(app, username).get(f"/cohorts/{cohort.id}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# -- quiz results -------------------------------------------------------------------------------------------------


def test_the_quiz_grid_shows_the_best_score_and_the_number_of_submitted_attempts(app, cohort, make_user):
    ana = join(cohort, make_user, "ana")
    bob = join(cohort, make_user, "bob")
    cem = join(cohort, make_user, "cem")
    take(ana, "alpha-check", HALF_CHECK, RIGHT_CHECK)  # failed, then passed
    take(cem, "alpha-check", RIGHT_CHECK, HALF_CHECK)  # passed, then did worse: the best still counts
    add_attempt(bob.id, quiz("alpha-check"), RIGHT_CHECK, submitted=False)  # still open: not a result
    db.session.commit()

    quizzes = grid(dashboard(app, cohort), "quiz-results")
    assert list(quizzes) == ["Ana", "Bob", "Cem"]
    assert list(quizzes["Ana"])[:-1] == ["Pre-test", "All question types", "Alpha check", "Post-test"]
    assert quizzes["Ana"]["Alpha check"] == "100 (2) passed"
    assert quizzes["Ana"]["class"]["Alpha check"] == "cell-passed"
    assert quizzes["Cem"]["Alpha check"] == "100 (2) passed"
    assert quizzes["Bob"]["Alpha check"] == "—"
    assert quizzes["Ana"]["Post-test"] == "—"


def test_a_learner_who_only_failed_shows_the_best_failing_score(app, cohort, make_user):
    dan = join(cohort, make_user, "dan")
    take(dan, "alpha-check", WRONG_CHECK, HALF_CHECK, WRONG_CHECK)
    quizzes = grid(dashboard(app, cohort), "quiz-results")
    assert quizzes["Dan"]["Alpha check"] == "50 (3) not passed"
    assert quizzes["Dan"]["class"]["Alpha check"] == "cell-failed"


# -- needs attention ------------------------------------------------------------------------------------------------


def _started_long_ago(cohort: Cohort, days: int = 30) -> None:
    cohort.starts_on = date.today() - timedelta(days=days)
    db.session.commit()


def test_learners_idle_for_a_week_after_enrolling_need_attention(app, cohort, make_user):
    _started_long_ago(cohort)
    join(cohort, make_user, "idle", enrolled_days_ago=10)
    reader = join(cohort, make_user, "reader", enrolled_days_ago=10)
    read(reader)
    join(cohort, make_user, "newcomer", enrolled_days_ago=1)
    quiz_taker = join(cohort, make_user, "taker", enrolled_days_ago=10)
    take(quiz_taker, "pre-test", {"p1": True, "p2": True})
    opener = join(cohort, make_user, "opener", enrolled_days_ago=10)
    add_attempt(opener.id, quiz("alpha-check"), {"q1": "a"}, submitted=False)
    db.session.commit()

    page = dashboard(app, cohort)
    listed = attention(page)
    assert list(listed) == ["Idle"], listed
    assert re.fullmatch(r"has not started after (9|10|11) days", listed["Idle"]), listed["Idle"]
    assert "Nobody:" not in page


def test_the_idle_days_are_counted_from_the_cohort_start_and_follow_the_setting(app, cohort, make_user):
    cohort.starts_on = date.today() - timedelta(days=4)
    db.session.commit()
    join(cohort, make_user, "early", enrolled_days_ago=30)  # enrolled before the cohort began
    page = dashboard(app, cohort)
    assert attention(page) == {}
    assert "Nobody: no learner has gone 7 days without starting" in page  # though one has not started in 4

    app.config["ATTENTION_AFTER_DAYS"] = 3
    listed = attention(dashboard(app, cohort))
    assert list(listed) == ["Early"] and listed["Early"].startswith("has not started after 4 days"), listed


def test_a_cohort_that_has_not_begun_lists_nobody_as_idle(app, cohort, make_user):
    assert cohort.starts_on > date.today()  # the form's dates are in 2027
    join(cohort, make_user, "early", enrolled_days_ago=30)
    assert attention(dashboard(app, cohort)) == {}


def test_failing_a_quiz_twice_needs_attention_until_it_is_passed(app, cohort, make_user):
    dan = join(cohort, make_user, "dan")
    eve = join(cohort, make_user, "eve")
    take(dan, "alpha-check", WRONG_CHECK, HALF_CHECK)
    take(eve, "alpha-check", WRONG_CHECK)  # once is not yet a pattern
    assert attention(dashboard(app, cohort)) == {"Dan": "failed Alpha check 2 times"}

    add_attempt(dan.id, quiz("alpha-check"), RIGHT_CHECK, 3)
    db.session.commit()
    page = dashboard(app, cohort)
    assert attention(page) == {}
    assert grid(page, "quiz-results")["Dan"]["Alpha check"] == "100 (3) passed"


# -- difficult questions ------------------------------------------------------------------------------------------


def test_difficult_questions_name_the_prompt_and_the_wrong_option_chosen(app, cohort, make_user):
    learners = [join(cohort, make_user, name) for name in ("ana", "bob", "cem", "dan")]
    for learner, choice in zip(learners, ["b", "b", "b", "a"], strict=True):
        take(learner, "alpha-check", {"q1": choice, "q2": True})
    outsider = make_user("outsider")  # in no cohort: their answers are not this cohort's
    take(outsider, "alpha-check", {"q1": "b", "q2": False})

    page = dashboard(app, cohort)
    hard = difficult(page)
    assert list(hard) == ["Pick one"]  # "True?" was answered right by everyone
    hint, wrong = hard["Pick one"]
    assert wrong == [("Wrong", 3)]  # the option's text, not its id "b"
    assert hint == "Alpha check · 25% of the points earned over 4 answers"
    assert "No question has been found difficult yet." not in page


def test_the_difficult_questions_follow_every_new_submission(app, cohort, make_user):
    """The list is kept between views until an attempt of the cohort is submitted; then it is computed again."""
    ana, bob = (join(cohort, make_user, name) for name in ("ana", "bob"))
    take(ana, "alpha-check", {"q1": "b", "q2": True})
    assert difficult(dashboard(app, cohort))["Pick one"][0].endswith("over 1 answer")
    assert difficult(dashboard(app, cohort))["Pick one"][0].endswith("over 1 answer")  # the same, kept
    take(bob, "alpha-check", {"q1": "b", "q2": False})
    hard = difficult(dashboard(app, cohort))
    assert hard["Pick one"][0].endswith("over 2 answers") and "True?" in hard


def test_a_wrong_true_false_answer_is_named_in_words(app, cohort, make_user):
    for name in ("ana", "bob"):
        take(join(cohort, make_user, name), "alpha-check", {"q1": "a", "q2": False})
    hard = difficult(dashboard(app, cohort))
    assert list(hard) == ["True?"]
    assert hard["True?"][1] == [("False", 2)]


def test_without_wrong_answers_no_question_is_difficult(app, cohort, make_user):
    take(join(cohort, make_user, "ana"), "alpha-check", RIGHT_CHECK)
    page = dashboard(app, cohort)
    assert difficult(page) == {}
    assert "No question has been found difficult yet." in page


# -- knowledge gain and completion --------------------------------------------------------------------------------


def test_pre_and_post_test_scores_give_each_learner_and_the_group_a_gain(app, cohort, make_user):
    ana, bob, cem = (join(cohort, make_user, name) for name in ("ana", "bob", "cem"))
    take(ana, "pre-test", {"p1": True, "p2": True})  # 50
    take(ana, "post-test", {"r1": True, "r2": False}, {"r1": True, "r2": True})  # highest: 100
    take(bob, "pre-test", {"p1": False, "p2": True}, {"p1": True, "p2": False})  # graded "first": 0
    take(bob, "post-test", {"r1": True, "r2": True})  # 100
    take(cem, "pre-test", {"p1": True, "p2": False})  # 100, no post-test yet

    page = dashboard(app, cohort)
    progress = grid(page, "progress")
    assert [progress["Ana"][c] for c in ("Pre-test", "Post-test", "Gain")] == ["50", "100", "50"]
    assert [progress["Bob"][c] for c in ("Pre-test", "Post-test", "Gain")] == ["0", "100", "100"]
    assert [progress["Cem"][c] for c in ("Pre-test", "Post-test", "Gain")] == ["100", "—", "—"]
    assert "Average gain of the 2 learners who took both tests: 75 points." in page


def test_no_average_gain_before_anyone_took_both_tests(app, cohort, make_user):
    take(join(cohort, make_user, "ana"), "pre-test", {"p1": True, "p2": True})
    assert "Average gain" not in dashboard(app, cohort)


def _completed(page: str) -> int:
    return int(re.search(r"<dt>Completed the track</dt><dd>(\d+)</dd>", page).group(1))


def test_reading_every_section_of_the_short_track_completes_it(app, cohort, make_user):
    from course.cascade.completion import required_quizzes

    keys = load_catalogue().modules["alpha"].section_keys
    assert required_quizzes(load_catalogue().track("short")) == ()
    ana, bob = join(cohort, make_user, "ana"), join(cohort, make_user, "bob")
    read(ana, sections=keys)
    read(bob, sections=keys[:-1])
    read(bob, module_id="beta", sections=["only"])  # beta is not in the short track

    page = dashboard(app, cohort)
    assert _completed(page) == 1
    progress = grid(page, "progress")
    assert progress["Ana"]["class"]["Alpha module"] == "cell-complete"
    assert progress["Bob"]["class"]["Alpha module"] == "cell-in_progress"


class TestATrackThatRequiresAQuiz:
    @pytest.fixture
    def content_dir(self, editable_content):
        course_file = editable_content / "modules" / "course.yaml"
        text = course_file.read_text(encoding="utf-8")
        assert text.count("    modules: [alpha]\n") == 1  # the short track
        course_file.write_text(text.replace("    modules: [alpha]\n",
                                            "    modules: [alpha]\n    completion: {pass_quizzes: [alpha-check]}\n"),
                               encoding="utf-8")
        return editable_content

    def test_the_track_is_complete_only_with_every_section_read_and_the_quiz_passed(self, app, cohort, make_user):
        keys = load_catalogue().modules["alpha"].section_keys
        reader, both, passer = (join(cohort, make_user, name) for name in ("reader", "both", "passer"))
        read(reader, sections=keys)
        take(reader, "alpha-check", HALF_CHECK, WRONG_CHECK)
        read(both, sections=keys)
        take(both, "alpha-check", HALF_CHECK, RIGHT_CHECK)
        take(passer, "alpha-check", RIGHT_CHECK)

        page = dashboard(app, cohort)
        assert _completed(page) == 1
        table = export_rows(as_user(app, "lead"), cohort)
        complete = {row[1]: row[-2] for row in table[1:]}  # the last column is the certificate
        assert complete == {"reader": "no", "both": "yes", "passer": "no"}


class TestACohortWhoseTrackLeftTheCourse:
    @pytest.fixture
    def content_dir(self, editable_content):
        return editable_content

    def test_sync_refuses_to_drop_a_track_that_a_cohort_follows(self, app, cohort, make_user, editable_content):
        from course.content.problems import ContentInvalid
        from course.content.sync import sync_content

        join(cohort, make_user, "ana")
        course_file = editable_content / "modules" / "course.yaml"
        text = course_file.read_text(encoding="utf-8")
        assert text.count("  - id: short\n") == 1
        course_file.write_text(text.replace("  - id: short\n", "  - id: brief\n"), encoding="utf-8")
        with pytest.raises(ContentInvalid) as refused:
            sync_content(editable_content)
        db.session.rollback()
        assert any("track 'short' is followed by cohorts or learners" in str(p) for p in refused.value.problems)
        assert load_catalogue().track("short") is not None

    def test_a_track_that_is_gone_anyway_counts_nobody_as_complete(self, app, cohort):
        from course.cascade.completion import track_progress

        progress = track_progress(load_catalogue(), {"modules": []}, [1])
        assert progress[1].complete is False


# -- export -------------------------------------------------------------------------------------------------------


def export_rows(client, cohort: Cohort) -> list[list[str]]:
    response = client.get(f"/cohorts/{cohort.id}/export.csv")
    assert response.status_code == 200
    body = response.get_data()
    response.close()
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.fixture
def exported_cohort(cohort, make_user):
    ana = join(cohort, make_user, "ana", "Ana Amanova", agency=Agency.PROSECUTION, position="Investigator")
    join(cohort, make_user, "mallory", '=HYPERLINK("x")', agency=Agency.JUDICIARY)
    join(cohort, make_user, "bob", "Bob Berdiyev")
    take(ana, "alpha-check", HALF_CHECK, RIGHT_CHECK)
    return cohort


def test_the_csv_export_has_a_row_per_learner_with_numbers_and_neutralised_names(app, world, exported_cohort):
    cohort = exported_cohort
    response = as_user(app, "lead").get(f"/cohorts/{cohort.id}/export.csv")
    body = response.get_data()
    response.close()
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert body.startswith(b"\xef\xbb\xbf")
    assert response.headers["Cache-Control"] == "no-store"
    assert f'filename="cohort-{cohort.id}-progress.csv"' in response.headers["Content-Disposition"]

    header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert len(rows) == 3
    assert header[:3] == ["Name", "Username", "Agency"]
    by_username = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_username) == {"ana", "mallory", "bob"}
    ana = by_username["ana"]
    assert (ana["Name"], ana["Agency"], ana["Position"]) == ("Ana Amanova", "Prosecution", "Investigator")
    assert float(ana["Alpha check: best score"]) == 100.0
    assert ana["Alpha check: attempts"] == "2"
    assert by_username["bob"]["Alpha check: best score"] == ""
    assert by_username["mallory"]["Name"] == "'=HYPERLINK(\"x\")"
    assert by_username["mallory"]["Agency"] == "Judiciary"

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cohort.export")).all()
    assert [(e.actor_id, e.target, e.details) for e in events] == [
        (world["lead"].id, f"cohort {cohort.id}", {"format": "csv"})]


def test_the_xlsx_export_has_the_same_rows_with_typed_cells(app, world, exported_cohort):
    cohort = exported_cohort
    response = as_user(app, "lead").get(f"/cohorts/{cohort.id}/export.xlsx")
    try:
        assert response.status_code == 200
        assert f'filename="cohort-{cohort.id}-progress.xlsx"' in response.headers["Content-Disposition"]
        data = response.get_data()
    finally:
        response.close()
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    header, *learners = rows
    assert len(learners) == 3 == sheet.max_row - 1
    by_username = {row[1]: dict(zip(header, row, strict=True)) for row in learners}
    ana = by_username["ana"]
    assert ana["Alpha check: best score"] == 100 and isinstance(ana["Alpha check: best score"], int | float)
    assert ana["Alpha check: attempts"] == 2 and ana["Agency"] == "Prosecution"
    assert by_username["mallory"]["Name"] == "'=HYPERLINK(\"x\")"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cohort.export")).all()
    assert [(e.actor_id, e.details) for e in events] == [(world["lead"].id, {"format": "xlsx"})]


def test_an_unknown_export_format_is_not_found_and_not_audited(app, exported_cohort):
    response = as_user(app, "lead").get(f"/cohorts/{exported_cohort.id}/export.pdf")
    response.close()
    assert response.status_code == 404
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cohort.export")).all() == []


# -- query count ----------------------------------------------------------------------------------------------------


def _learners_with_attempts(cohort: Cohort, make_user, numbers: range) -> None:
    check, pre, post = quiz("alpha-check"), quiz("pre-test"), quiz("post-test")
    for number in numbers:
        learner = make_user(f"learner{number:03d}", full_name=f"Learner {number:03d}")
        enrol_in_cohort(learner, cohort)
        db.session.add(SectionRead(user_id=learner.id, module_id="alpha", section_id="first", module_hash="h" * 64))
        add_attempt(learner.id, check, WRONG_CHECK if number % 3 else HALF_CHECK, 1)
        add_attempt(learner.id, check, RIGHT_CHECK if number % 2 else {"q1": "b", "q2": True}, 2)
        add_attempt(learner.id, pre, {"p1": number % 2 == 0, "p2": True}, 1)
        add_attempt(learner.id, post, {"r1": True, "r2": number % 4 != 0}, 1)
        if number % 5 == 0:
            add_attempt(learner.id, check, RIGHT_CHECK, 3, submitted=False)
    db.session.commit()


def test_the_dashboard_query_count_does_not_grow_with_learners_attempts(app, cohort, make_user, count_queries):
    trainer = as_user(app, "lead")
    _learners_with_attempts(cohort, make_user, range(5))
    trainer.get(f"/cohorts/{cohort.id}")  # warm caches (quiz versions) before measuring
    forget_dashboards(app)  # measure the computation, not a dashboard kept from the last view
    with count_queries() as small:
        small_page = trainer.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    _learners_with_attempts(cohort, make_user, range(5, 200))
    trainer.get(f"/cohorts/{cohort.id}")
    forget_dashboards(app)
    with count_queries() as large:
        page = trainer.get(f"/cohorts/{cohort.id}").get_data(as_text=True)

    # the work the queries feed is really there: results, gains, hard questions, open attempts
    assert len(grid(small_page, "quiz-results")) == 5 and difficult(small_page)
    quizzes = grid(page, "quiz-results")
    assert len(quizzes) == 200
    assert quizzes["Learner 001"]["Alpha check"] == "100 (2) passed"
    assert quizzes["Learner 002"]["Alpha check"] == "50 (2) not passed"
    assert "Pick one" in difficult(page)
    assert "Average gain of the 200 learners" in page
    assert large.count == small.count, large.statements


# -- access ---------------------------------------------------------------------------------------------------------


DASHBOARD_URLS = ["/cohorts/{id}", "/cohorts/{id}/export.csv", "/cohorts/{id}/export.xlsx"]


@pytest.mark.parametrize(("username", "status"), [("ana", 403), ("stranger", 404), ("coord", 200)])
def test_the_dashboard_and_exports_are_for_the_cohorts_trainers(app, world, cohort, username, status):
    enrol_in_cohort(world["ana"], cohort)
    db.session.commit()
    take(world["ana"], "alpha-check", RIGHT_CHECK)
    make_other_cohort(app, world)
    client = as_user(app, username)
    for url in DASHBOARD_URLS:
        response = client.get(url.format(id=cohort.id))
        body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        response.close()  # a spreadsheet holds a temporary file until closed
        assert response.status_code == status, (url, response.status_code)
        assert ("Alpha check" in body) is (status == 200 and url == "/cohorts/{id}")
    exported = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cohort.export")).all()
    assert len(exported) == (2 if status == 200 else 0)


def make_other_cohort(app, world) -> Cohort:
    """The stranger trains a cohort of their own, which gives them no way into this one."""
    create_via_form(as_user(app, "stranger"), lead=str(world["stranger"].id), name="Lebap prosecutors",
                    velayat="lebap")
    return db.session.scalar(select(Cohort).where(Cohort.name == "Lebap prosecutors"))


def test_a_trainer_sees_their_own_cohort_but_not_anothers(app, world, cohort, make_user):
    join(cohort, make_user, "ana2", "Ana Two")
    other = make_other_cohort(app, world)
    assert as_user(app, "stranger").get(f"/cohorts/{other.id}").status_code == 200
    assert as_user(app, "stranger").get(f"/cohorts/{cohort.id}").status_code == 404
    assert "Ana Two" in dashboard(app, cohort)


def test_grid_columns_are_headed_by_short_titles_with_the_whole_title_at_hand(app, cohort, editable_content,
                                                                             make_user):
    """A heading that says "Alpha" over the column, not "1" and a legend below the table."""
    from tests.test_cascade import edit_course  # noqa: PLC0415
    from tests.test_content_validation import edit  # noqa: PLC0415

    edit(editable_content / "modules/01-alpha/module.yaml", "minutes: 20",
         "minutes: 20\nshort_title: {en: Alpha, ru: Альфа}")
    edit_course(app, editable_content, "schema_version: 1", "schema_version: 1")  # serve the edited copy
    forget_dashboards(app)
    join(cohort, make_user, "ana")
    page = dashboard(app, cohort)
    headings = re.findall(r'<th scope="col"(?: title="([^"]*)")?>(.*?)</th>', section(page, "progress"), re.S)
    assert ("Alpha module", "Alpha") in headings
    assert 'class="hint module-key"' not in page
