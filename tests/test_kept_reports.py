"""Coordinator reports kept between views (``course.reports.kept``) are never behind what happened.

Every kind of record the reports count is changed the way the application changes it, between two views of
the same report by the same coordinator: what the second view shows must equal the figures computed afresh.
A repeated view without a change must not compute them again, and sorting a kept report must not reorder it
for the next reader.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from flask import template_rendered
from sqlalchemy import select

from course.admin.services import anonymise
from course.attendance.services import add_day, mark_attendance, remove_day
from course.certificates.services import revoke_certificate
from course.cohorts.services import enrol_in_cohort, remove_from_cohort
from course.evaluation.form import course_evaluation_form
from course.evaluation.results import across_cohorts
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.certificate import Certificate
from course.models.cohort import CohortTrainer, TrainerStanding
from course.models.evaluation import EvaluationResponse, EvaluationSubmission
from course.models.user import Agency, Gender, Role, User, Velayat
from course.reports import views as report_views
from course.reports.queries import ReportFilter, build_report, cohort_ids
from tests.test_cascade import cohort_of, pass_quiz, read_everything
from tests.test_cohort_pages import as_user
from tests.test_reports import learner, population  # noqa: F401  (fixture)


@pytest.fixture
def world(population):  # noqa: F811  (the fixture imported above)
    """Two cohorts and their learners, trainers and coordinators (tests.test_reports)."""
    return population


@contextmanager
def rendered(app):
    """The context of each template the app renders meanwhile."""
    contexts = []

    def record(_sender, template, context, **_extra):
        contexts.append(context)

    template_rendered.connect(record, app)
    try:
        yield contexts
    finally:
        template_rendered.disconnect(record, app)


def shown_report(app, coordinator):
    with rendered(app) as contexts:
        assert coordinator.get("/reports").status_code == 200
    return contexts[0]["report"]


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def _master():
    return _user("master")


def enrol_a_newcomer(world, make_user):
    enrol_in_cohort(learner(make_user, "newcomer", Agency.ADVOCACY, Gender.FEMALE, Velayat.MARY), world["mary"])


def remove_a_learner(world, _make_user):
    remove_from_cohort(world["p2"], world["mary"], actor=_master())


def a_learner_reads_everything(world, _make_user):
    read_everything(world["p3"], "short")


def a_learner_takes_the_post_test(world, _make_user):
    pass_quiz(world["j2"], "pre-test", passed=False)
    pass_quiz(world["j2"], "post-test")


def a_learner_changes_agency(world, _make_user):
    world["p3"].agency = Agency.JUDICIARY


def a_certificate_is_revoked(world, _make_user):
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == world["p1"].id))
    revoke_certificate(certificate, "Issued in error.", actor_id=_master().id)


def a_day_is_added(world, _make_user):
    add_day(world["lebap"], date(2027, 3, 2), "Definitions", [], set(load_catalogue().modules))


def attendance_is_marked(world, _make_user):
    day = add_day(world["lebap"], date(2027, 3, 2), "Definitions", [], set(load_catalogue().modules))
    mark_attendance(world["lebap"], day, {world["j1"].id: "present", world["j2"].id: "absent"},
                    actor_id=_master().id)


def a_co_trainer_joins(world, _make_user):
    db.session.add(CohortTrainer(cohort_id=world["lebap"].id, user_id=_master().id, lead=False))


def a_trainer_moves_a_generation(_world, _make_user):
    standing = db.session.scalar(select(TrainerStanding).where(TrainerStanding.user_id == _user("second").id))
    standing.generation = 2


def a_cohort_moves_velayat(world, _make_user):
    world["lebap"].velayat = Velayat.AHAL


def a_lead_trainer_is_anonymised(_world, _make_user):
    anonymise(_user("second"), actor_id=_master().id)


def a_new_cohort_starts(_world, make_user):
    cohort_of(make_user("third", roles={Role.TRAINER}, full_name="Third"), "short", "Ahal advocates")


CHANGES = [enrol_a_newcomer, remove_a_learner, a_learner_reads_everything, a_learner_takes_the_post_test,
           a_learner_changes_agency, a_certificate_is_revoked, a_day_is_added, attendance_is_marked,
           a_co_trainer_joins, a_trainer_moves_a_generation, a_cohort_moves_velayat, a_lead_trainer_is_anonymised,
           a_new_cohort_starts]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_the_next_view_after_a_change_shows_it(app, world, make_user, change):
    coordinator = as_user(app, "coord")
    before = shown_report(app, coordinator)
    change(world, make_user)
    db.session.commit()
    after = shown_report(app, coordinator)
    fresh = build_report(ReportFilter(), load_catalogue())
    assert after == fresh
    assert after != before, "the change was one the report shows"


def test_a_day_removed_from_a_cohort_without_learners_is_seen(app, world, make_user):
    """No learner's summary moves with it: only the count of days can tell."""
    empty = cohort_of(make_user("third", roles={Role.TRAINER}, full_name="Third"), "short", "Ahal advocates")
    day = add_day(empty, date(2027, 3, 2), "Definitions", [], set(load_catalogue().modules))
    db.session.commit()
    coordinator = as_user(app, "coord")
    assert next(c for c in shown_report(app, coordinator).cohorts if c.id == empty.id).session_days == 1
    remove_day(empty, day)
    db.session.commit()
    assert next(c for c in shown_report(app, coordinator).cohorts if c.id == empty.id).session_days == 0


def test_an_evaluation_submitted_shows_on_the_next_view(app, world):
    coordinator = as_user(app, "coord")
    form = course_evaluation_form(load_catalogue(), "en")

    def shown():
        with rendered(app) as contexts:
            assert coordinator.get("/reports/evaluations").status_code == 200
        return [(line.cohort_id, line.responses) for line in contexts[0]["cohort_lines"].items]

    assert shown() == []
    for key in ("p1", "p2", "p3"):
        db.session.add(EvaluationSubmission(cohort_id=world["mary"].id, user_id=world[key].id,
                                            submitted_on=date(2027, 3, 4)))
        db.session.add(EvaluationResponse.of(world["mary"].id, form.id, {"relevant": 4}))
    db.session.commit()
    _results, lines = across_cohorts(cohort_ids(ReportFilter()), form)
    assert shown() == [(world["mary"].id, 3)] == [(line.cohort_id, line.responses) for line in lines]


def test_a_repeated_view_without_a_change_is_not_computed_again(app, world, monkeypatch):
    computed = []

    def counting(*args):
        computed.append(args)
        return build_report(*args)

    monkeypatch.setattr(report_views, "build_report", counting)
    coordinator = as_user(app, "coord")
    first = shown_report(app, coordinator)
    assert shown_report(app, coordinator) == first
    assert as_user(app, "marycoord").get("/reports?velayat=mary").status_code == 200
    assert len(computed) == 2  # one per selection, whoever asks
    assert coordinator.get("/reports?velayat=mary").status_code == 200
    assert len(computed) == 2
    coordinator.get("/reports?velayat=mary")  # another selection is its own report
    assert len(computed) == 2


def test_sorting_a_kept_report_leaves_its_order_for_the_next_view(app, world):
    coordinator = as_user(app, "coord")
    newest_first = [cohort.name for cohort in shown_report(app, coordinator).cohorts]
    by_name = coordinator.get("/reports?sort=name").get_data(as_text=True)
    assert by_name.index("Lebap judges") < by_name.index("Mary prosecutors")
    assert [cohort.name for cohort in shown_report(app, coordinator).cohorts] == newest_first
