"""Learner summaries: kept current by reading and quiz submission, recounted after a content change.

The coordinator reports read these rows instead of every section read and
attempt; a stale row would be a wrong number in a donor report.
"""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.summary import LearnerSummary, ModuleGain
from course.reports.queries import ReportFilter, build_report
from course.summary import refresh_everyone, refresh_learners, summaries_missing
from tests.conftest import csrf_token
from tests.quiz.conftest import Learner
from tests.test_content_validation import edit


def summaries(user_id: int) -> dict[str, LearnerSummary]:
    db.session.expire_all()
    return {row.track_id: row for row in db.session.scalars(
        select(LearnerSummary).where(LearnerSummary.user_id == user_id))}


def module_gains(user_id: int) -> dict[str, tuple[float | None, float | None]]:
    db.session.expire_all()
    return {row.module_id: (row.pre_percent, row.post_percent) for row in db.session.scalars(
        select(ModuleGain).where(ModuleGain.user_id == user_id))}


def read_module(client, module_id: str) -> None:
    for key in load_catalogue().modules[module_id].section_keys:
        response = client.post(f"/modules/{module_id}/{key}/done",
                               data={"csrf_token": csrf_token(client, f"/modules/{module_id}/{key}")})
        assert response.status_code == 302


@pytest.fixture
def ana(synced, make_user):
    return make_user("ana", tracks=("short",))


def test_a_learner_with_no_progress_has_no_summary(app, ana):
    refresh_learners([ana.id])
    assert summaries(ana.id) == {}


def test_reading_every_section_through_the_pages_completes_the_track_in_the_summary(app, ana, login):
    client = login("ana")
    read_module(client, "alpha")
    rows = summaries(ana.id)
    assert rows["short"].started and rows["short"].completed  # short = module alpha only
    assert rows["full"].started and not rows["full"].completed  # full also needs beta and the post-test
    assert rows["short"].pre_score is None


def test_submitting_the_tests_records_scores_and_gain_by_module(app, ana, login):
    taker = Learner(login("ana"))
    pre = taker.start("pre-test")
    taker.save(pre, {"q-p1": "true", "q-p2": "true"})  # alpha right, beta wrong
    taker.submit(pre)
    assert module_gains(ana.id) == {"alpha": (100.0, None), "beta": (0.0, None)}
    post = taker.start("post-test")
    taker.save(post, {"q-r1": "true", "q-r2": "false"})  # alpha right, beta wrong
    taker.submit(post)
    better = taker.start("post-test")
    taker.save(better, {"q-r1": "true", "q-r2": "true"})
    taker.submit(better)
    # The post-test counts the highest attempt: both right.
    assert module_gains(ana.id) == {"alpha": (100.0, 100.0), "beta": (0.0, 100.0)}
    row = summaries(ana.id)["full"]
    assert (row.pre_score, row.post_score) == (50.0, 100.0)
    report = build_report(ReportFilter(), load_catalogue())
    assert report.groups == []  # ana is in no cohort: reports count cohort learners only


def test_refreshing_twice_writes_the_same_rows_and_never_fails(app, ana, login):
    read_module(login("ana"), "alpha")
    before = {(r.track_id, r.started, r.completed) for r in summaries(ana.id).values()}
    refresh_learners([ana.id])
    refresh_learners([ana.id])
    db.session.commit()
    assert {(r.track_id, r.started, r.completed) for r in summaries(ana.id).values()} == before
    assert db.session.scalar(select(func.count()).select_from(LearnerSummary)) == 2


@pytest.fixture
def content_dir(editable_content):
    return editable_content


def test_a_new_section_after_sync_makes_a_completed_track_incomplete(app, runner, content_dir, make_user, login):
    runner.invoke(args=["sync"])
    user = make_user("ana", tracks=("short",))
    read_module(login("ana"), "alpha")
    assert summaries(user.id)["short"].completed
    for language, text in (("en", "Alpha four."), ("ru", "Альфа четыре.")):
        path = content_dir / f"modules/01-alpha/{language}.md"
        path.write_text(path.read_text(encoding="utf-8") + f"\n## Four {{#fourth}}\n\n{text}\n", encoding="utf-8")
    (content_dir / "modules/01-alpha/tk.md").unlink()
    result = runner.invoke(args=["sync"])
    assert "new version: module alpha" in result.output, result.output
    assert not summaries(user.id)["short"].completed


def test_the_refresh_command_rebuilds_lost_summaries(app, runner, ana, login):
    read_module(login("ana"), "alpha")
    db.session.execute(LearnerSummary.__table__.delete())
    db.session.commit()
    result = runner.invoke(args=["refresh-summaries"])
    assert result.exit_code == 0 and "2 summary row(s) written." in result.output
    assert summaries(ana.id)["short"].completed


def test_a_track_removed_from_the_course_loses_its_summary_rows(app, ana, login):
    read_module(login("ana"), "alpha")
    catalogue = load_catalogue()  # cached for the process: change a copy
    course = {**catalogue.course, "tracks": [t for t in catalogue.course["tracks"] if t["id"] == "short"]}
    refresh_everyone(dataclasses.replace(catalogue, course=course))
    assert set(summaries(ana.id)) == {"short"}


def test_an_unknown_module_on_a_question_is_a_content_problem(editable_content):
    from tests.test_content_validation import problems_of

    edit(editable_content / "quizzes/pre-test.yaml", "module: alpha", "module: Alpha!")
    assert any("questions[0].module" in problem for problem in problems_of(editable_content))


def test_a_database_with_progress_but_no_summaries_is_noticed(app, ana, login):
    """``course init`` recounts when this says so: a database upgraded from before summaries existed."""
    assert not summaries_missing()  # no progress at all
    read_module(login("ana"), "alpha")
    assert not summaries_missing()
    db.session.execute(LearnerSummary.__table__.delete())
    db.session.commit()
    assert summaries_missing()
    refresh_everyone()
    assert not summaries_missing()
