"""A dashboard kept between views (``course.cohorts.freshness``) is never behind what happened.

Each kind of record a dashboard shows is changed the way the application changes it, between two views of
the same dashboard by the same trainer: the second view must show the change. A repeated view without a
change must not compute the dashboard again.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import template_rendered
from sqlalchemy import select, update

from course.attendance.services import add_day, mark_attendance, remove_day
from course.audit import record_event
from course.caching import RecentlyUsed
from course.cohorts.dashboard import cohort_dashboard
from course.cohorts.services import remove_from_cohort
from course.extensions import db
from course.learn.pace import Skim, _record_skim
from course.learn.queries import load_catalogue
from course.models.attendance import SessionDay
from course.models.user import User
from tests.test_cohort_dashboard import (
    RIGHT_CHECK,
    WRONG_CHECK,
    add_attempt,
    cohort,  # noqa: F401  (fixture)
    dashboard,
    grid,
    join,
    quiz,
    read,
    take,
)
from tests.test_cohort_pages import world  # noqa: F401  (fixture)

FIRST_DAY = date(2027, 4, 1)  # the cohort made by create_via_form runs on 1 and 2 April 2027


def _lead(world_):
    return world_["lead"]


def _a_day(cohort_) -> SessionDay:
    day = add_day(cohort_, FIRST_DAY, "Definitions", [], set(load_catalogue().modules))
    db.session.commit()
    return day


def read_a_section(cohort_, ana, _world):
    read(ana)


def submit_an_attempt(cohort_, ana, _world):
    add_attempt(ana.id, quiz("alpha-check"), RIGHT_CHECK, number=2)
    db.session.commit()


def rename_the_learner(cohort_, ana, _world):
    ana.full_name = "Ana Renamed"
    db.session.commit()


def remove_the_learner(cohort_, ana, world_):
    remove_from_cohort(ana, cohort_, actor=_lead(world_))
    db.session.commit()


def mark_attendance_of_a_new_day(cohort_, ana, world_):
    mark_attendance(cohort_, _a_day(cohort_), {ana.id: "present"}, _lead(world_).id)
    db.session.commit()


def rewrite_without_stamps_and_audit_it(cohort_, ana, world_):
    """What the sync merge and a merge of two people do: rows written below the ORM, recorded in the log."""
    db.session.execute(update(User).where(User.id == ana.id).values(full_name="Ana Merged"))
    record_event("person.merge", ana.username, actor_id=_lead(world_).id)
    db.session.commit()


def what_the_grids_say(page: str) -> dict:
    return {"progress": grid(page, "progress"), "quizzes": grid(page, "quiz-results")}


EXPECTED = {
    read_a_section: lambda grids: grids["progress"]["Ana"]["class"]["Alpha module"] == "cell-in_progress",
    submit_an_attempt: lambda grids: grids["quizzes"]["Ana"]["Alpha check"] == "100 (2) passed",
    rename_the_learner: lambda grids: "Ana Renamed" in grids["progress"] and "Ana" not in grids["progress"],
    remove_the_learner: lambda grids: set(grids["progress"]) == {"Bob"},
    mark_attendance_of_a_new_day: lambda grids: grids["progress"]["Ana"]["Attendance"].startswith("1/1"),
    rewrite_without_stamps_and_audit_it: lambda grids: "Ana Merged" in grids["progress"],
}


@pytest.mark.parametrize("change", list(EXPECTED), ids=lambda change: change.__name__)
def test_the_next_view_after_a_change_shows_it(app, world, cohort, make_user, change):  # noqa: F811
    ana = join(cohort, make_user, "ana", "Ana")
    join(cohort, make_user, "bob", "Bob")
    take(ana, "alpha-check", WRONG_CHECK)
    before = what_the_grids_say(dashboard(app, cohort))
    assert not EXPECTED[change](before), "the change is already visible before it is made"
    assert what_the_grids_say(dashboard(app, cohort)) == before  # kept, and the same

    change(cohort, ana, world)

    assert EXPECTED[change](what_the_grids_say(dashboard(app, cohort)))


def test_removing_a_session_day_takes_its_marks_off_the_dashboard(app, world, cohort, make_user):  # noqa: F811
    ana = join(cohort, make_user, "ana", "Ana")
    day = _a_day(cohort)
    mark_attendance(cohort, day, {ana.id: "present"}, world["lead"].id)
    db.session.commit()
    assert grid(dashboard(app, cohort), "progress")["Ana"]["Attendance"].startswith("1/1")

    remove_day(cohort, db.session.get(SessionDay, day.id))
    db.session.commit()

    assert grid(dashboard(app, cohort), "progress")["Ana"]["Attendance"] == "—"


def test_a_repeated_view_reads_only_the_signature(app, world, cohort, make_user, count_queries):  # noqa: F811
    for name in ("ana", "bob", "cem"):
        take(join(cohort, make_user, name), "alpha-check", WRONG_CHECK, RIGHT_CHECK)
    dashboard(app, cohort)
    with count_queries() as first:
        dashboard(app, cohort)
    app.extensions.pop("course.cohort_dashboards")
    with count_queries() as computed:
        page = dashboard(app, cohort)
    assert first.count < computed.count - 5, (first.statements, computed.statements)
    assert grid(page, "quiz-results")["Cem"]["Alpha check"] == "100 (2) passed"


def test_another_language_gets_its_own_dashboard(app, world, cohort, make_user):  # noqa: F811
    join(cohort, make_user, "ana", "Ana")
    lead = db.session.scalar(select(User).where(User.username == "lead"))
    assert "Progress" in dashboard(app, cohort)
    lead.locale = "ru"
    db.session.commit()
    page = dashboard(app, cohort)
    assert "Прогресс" in page or "Успеваемость" in page, page[:2000]


def skim_a_section(cohort_, ana, _world):
    _record_skim(ana.id, "alpha", "first", Skim(seconds=3, needed=40))
    db.session.commit()


def change_a_mark(cohort_, ana, world_):
    day = db.session.scalar(select(SessionDay).where(SessionDay.cohort_id == cohort_.id))
    mark_attendance(cohort_, day, {ana.id: "absent"}, _lead(world_).id)
    db.session.commit()


@pytest.mark.parametrize("change", [skim_a_section, change_a_mark, read_a_section,
                                    rename_the_learner, remove_the_learner],
                         ids=lambda change: change.__name__)
def test_the_kept_dashboard_equals_one_computed_afresh_after_a_change(app, world, cohort, make_user,  # noqa: F811
                                                                     change):
    """Whatever part of the page the change shows in (the attention list, a changed mark, a grid)."""
    ana = join(cohort, make_user, "ana", "Ana")
    join(cohort, make_user, "bob", "Bob")
    mark_attendance(cohort, _a_day(cohort), {ana.id: "present"}, _lead(world).id)
    db.session.commit()
    shown_dashboard(app, cohort)
    change(cohort, ana, world)
    fresh = cohort_dashboard(cohort, load_catalogue(), "en", attention_days=app.config["ATTENTION_AFTER_DAYS"])
    assert shown_dashboard(app, cohort) == fresh


def shown_dashboard(app, cohort_):
    contexts = []
    template_rendered.connect(record := lambda _sender, template, context, **_: contexts.append(context), app)
    try:
        dashboard(app, cohort_)
    finally:
        template_rendered.disconnect(record, app)
    return next(context["dashboard"] for context in contexts if context.get("cohort") is not None)


def test_a_process_keeps_a_bounded_number_of_entries_for_a_bounded_time():
    kept = RecentlyUsed(2)
    made = []
    for key in ("a", "b", "a", "c", "a", "b"):
        kept.get_or_make(key, lambda key=key: made.append(key) or key.upper())
    assert made == ["a", "b", "c", "b"]  # "b" was the least recently used when "c" came
    assert len(kept) == 2

    stale = RecentlyUsed(2, max_age=0)
    assert [stale.get_or_make("a", lambda n=n: n) for n in range(3)] == [0, 1, 2]
