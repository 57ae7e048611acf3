"""The coordinators' programme view: reaction, learning and behaviour for the cohorts of a date range."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from course.cascade.promotion import grant_master_trainer, promote_to_trainer
from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.attempt import QuizAttempt
from course.models.cohort import Cohort
from course.models.enrolment import Enrolment
from course.models.evaluation import EvaluationResponse
from course.models.user import Role, User
from course.summary import refresh_learners
from tests.test_cascade import cohort_of, pass_practice, pass_quiz, read_everything
from tests.test_cohort_pages import as_user


def facts(page: str, heading: str) -> dict[str, str]:
    """The <dt>/<dd> pairs of one level's section."""
    section = page[page.index(f'id="{heading}"'):]
    section = section[:section.index("</section>")]
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", section))


@pytest.fixture
def programme(app, synced, make_user):
    """A ToT in March 2027 that trained one trainer; she runs two cohorts later (3 and 2 learners)."""
    coord = make_user("coord", roles={Role.COORDINATOR})
    master = make_user("master", roles={Role.TRAINER})
    grant_master_trainer(master, actor_id=coord.id)
    tot = cohort_of(master, "full", "Ashgabat ToT")  # 2027-03-01 to 2027-03-04
    aylar, batyr = make_user("aylar"), make_user("batyr")
    for person in (aylar, batyr):
        enrol_in_cohort(person, tot)
    db.session.commit()
    read_everything(aylar, "full")
    for person, pre, post in ((aylar, 40.0, 90.0), (batyr, 50.0, 70.0)):
        for quiz_id, score in (("pre-test", pre), ("post-test", post)):
            pass_quiz(person, quiz_id, passed=score >= 60)  # noqa: PLR2004
            attempt = db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == person.id,
                                                                   QuizAttempt.quiz_id == quiz_id)).one()
            attempt.score = score
    db.session.commit()
    refresh_learners([aylar.id, batyr.id])
    pass_practice(aylar)
    promote_to_trainer(db.session.scalar(select(Enrolment).where(Enrolment.user_id == aylar.id)), load_catalogue(),
                       actor_id=coord.id)
    db.session.commit()
    for name, size in (("Mary police", 3), ("Mary judges", 2)):
        cohort = cohort_of(aylar, "short", name)
        cohort.starts_on, cohort.ends_on = date(2027, 5, 3), date(2027, 5, 4)  # after her ToT
        for index in range(size):
            enrol_in_cohort(make_user(f"{name[-5:].strip()}{index}"), cohort)
    db.session.add_all(EvaluationResponse.of(tot.id, "end-of-cohort",
                                             {"relevant": value, "trainer-clear": 4, "apply": "Cases."})
                       for value in (5, 5, 4, 4, 3))
    db.session.commit()
    return tot


def test_the_three_levels_side_by_side(app, programme):
    page = as_user(app, "coord").get("/reports/programme?from=2027-03-01&to=2027-03-31").get_data(as_text=True)
    assert "1 cohort in the selection" in page and "2 learners" in page
    assert facts(page, "reaction") == {"Responses counted": "5", "Overall mean": "4.1", "Relevance": "4.2",
                                       "Trainer": "4"}
    assert facts(page, "learning") == {"Learners who took both tests": "2", "Pre-test": "45",
                                       "Post-test": "80", "Average gain": "35 points"}
    assert facts(page, "behaviour") == {"Trainers trained": "1", "Of whom teaching": "1",
                                        "Cohorts they delivered": "2", "Learners they reached": "5"}


def test_a_range_without_the_tot_counts_nothing_of_it(app, programme):
    page = as_user(app, "coord").get("/reports/programme?from=2027-04-01").get_data(as_text=True)
    assert "Not enough responses yet" in page and "Nobody in these cohorts has taken both tests yet." in page
    assert facts(page, "behaviour")["Trainers trained"] == "0"


def test_the_programme_view_is_for_coordinators(app, programme):
    assert as_user(app, "master").get("/reports/programme").status_code == 403
    assert as_user(app, "aylar").get("/reports/programme").status_code == 403


def test_the_programme_and_evaluation_pages_cost_the_same_queries_for_more_cohorts(app, programme, make_user,
                                                                                    count_queries):
    coordinator = as_user(app, "coord")
    pages = ("/reports/programme", "/reports/evaluations")
    with count_queries() as small:
        for url in pages:
            assert coordinator.get(url).status_code == 200
    master = programme.lead
    for number in range(6):
        cohort = cohort_of(master, "short", f"Extra {number}")
        learner = make_user(f"extra{number}")
        enrol_in_cohort(learner, cohort)
        db.session.add(EvaluationResponse.of(cohort.id, "end-of-cohort",
                                             {"relevant": 4, "trainer-clear": 4, "apply": "Cases."}))
    db.session.commit()
    with count_queries() as large:
        for url in pages:
            coordinator.get(url)
    assert large.count == small.count


def test_stray_query_arguments_do_not_break_the_report_pages(app, programme):
    coordinator = as_user(app, "coord")
    for url in ("/reports/evaluations?fmt=csv&what=x", "/reports/programme?fmt=csv", "/reports?fmt=csv&what=x"):
        assert coordinator.get(url).status_code == 200, url


def test_a_scoped_coordinator_sees_the_behaviour_of_their_velayats_only(app, programme, make_user):
    from course.models.scope import CoordinatorScope
    from course.models.user import Velayat

    aylar_cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Mary judges"))
    aylar_cohort.velayat = Velayat.LEBAP  # one of her two later cohorts is outside Mary
    scoped = make_user("mary-coord", roles={Role.COORDINATOR})
    db.session.add(CoordinatorScope(user_id=scoped.id, velayat=Velayat.MARY))
    db.session.commit()
    page = as_user(app, "mary-coord").get("/reports/programme?from=2027-03-01&to=2027-03-31").get_data(as_text=True)
    assert facts(page, "behaviour") == {"Trainers trained": "1", "Of whom teaching": "1",
                                        "Cohorts they delivered": "1", "Learners they reached": "3"}


def test_a_learner_on_two_tracks_counts_once_in_learning(app, programme):
    aylar = db.session.scalar(select(User).where(User.username == "aylar"))
    batyr = db.session.scalar(select(User).where(User.username == "batyr"))
    enrol_in_cohort(batyr, cohort_of(aylar, "short", "Also in March"))  # starts 2027-03-01, in the range
    db.session.commit()
    page = as_user(app, "coord").get("/reports/programme?from=2027-03-01&to=2027-03-31").get_data(as_text=True)
    assert facts(page, "learning") == {"Learners who took both tests": "2", "Pre-test": "45",
                                       "Post-test": "80", "Average gain": "35 points"}
