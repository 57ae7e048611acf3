"""Teaching practice: a master trainer scores trainees on the content's rubric; passing is part of the trainer track."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course.cascade.completion import track_progress
from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.audit import AuditEvent
from course.models.certificate import Certificate
from course.models.practice import PracticeAssessment
from course.models.summary import LearnerSummary
from course.models.user import Role
from tests.conftest import csrf_token
from tests.test_cascade import cohort_of, edit_course, pass_quiz, read_everything
from tests.test_cohort_pages import as_user

GOOD = {"accuracy": "3", "clarity": "4"}
ADVICE = "Name the source each time you state the law; give the group ten more minutes for the case."


@pytest.fixture
def tot(app, synced, make_user):
    """A master trainer's cohort of the trainer track ("full", which requires teaching practice), two trainees."""
    master = make_user("master", roles={Role.TRAINER}, full_name="Master Trainer")
    make_user("other", roles={Role.TRAINER})
    cohort = cohort_of(master, "full", "Ashgabat ToT")
    trainees = [make_user(name, full_name=f"{name.title()} Trainee") for name in ("aylar", "batyr")]
    for trainee in trainees:
        enrol_in_cohort(trainee, cohort)
    db.session.commit()
    for trainee in trainees:  # both have done everything else the track asks
        read_everything(trainee, "full")
        pass_quiz(trainee, "post-test")
    return {"cohort": cohort, "trainees": trainees, "master": master}


def assess(client, cohort, trainee, scores=GOOD, recommendations=ADVICE, module="alpha"):
    url = f"/cohorts/{cohort.id}/practice/{trainee.id}"
    data = {f"c-{key}": value for key, value in scores.items()}
    return client.post(url, data={**data, "module": module, "recommendations": recommendations,
                                  "csrf_token": csrf_token(client, url)}, follow_redirects=True)


def assessments() -> list[PracticeAssessment]:
    db.session.expire_all()
    return list(db.session.scalars(select(PracticeAssessment).order_by(PracticeAssessment.id)))


def complete(user) -> bool:
    catalogue = load_catalogue()
    return track_progress(catalogue, catalogue.track("full"), [user.id])[user.id].complete


def test_the_form_shows_every_criterion_with_the_descriptor_of_each_level(app, tot):
    page = as_user(app, "master").get(f"/cohorts/{tot['cohort'].id}/practice/{tot['trainees'][0].id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text.count('type="radio"') == 8  # 2 criteria x 4 levels, from the rubric file
    assert "Accuracy of the law" in text and "Right, sources named." in text and "Hard to follow." in text
    assert "Pass: a total of at least 5 of 8, and no criterion below 2." in text


def test_a_master_trainer_assesses_two_trainees_and_one_fails(app, tot):
    """The issue's check: the failing trainee is not eligible for the trainer certificate."""
    cohort, (aylar, batyr) = tot["cohort"], tot["trainees"]
    master = as_user(app, "master")
    passed = assess(master, cohort, aylar)
    assert "Aylar Trainee passed the teaching practice (7 of 8)" in passed.get_data(as_text=True)
    failed = assess(master, cohort, batyr, scores={"accuracy": "1", "clarity": "4"})  # 5 of 8, but one below 2
    assert "Batyr Trainee has not passed the teaching practice yet (5 of 8)" in failed.get_data(as_text=True)
    first, second = assessments()
    assert (first.passed, first.total, first.scores) == (True, 7, {"accuracy": 3, "clarity": 4})
    assert (second.passed, second.total) == (False, 5)
    assert second.rubric["pass"] == {"min_total": 5, "min_each": 2}  # the rubric is kept with the assessment
    assert complete(aylar) and not complete(batyr)
    summaries = dict(db.session.execute(select(LearnerSummary.user_id, LearnerSummary.completed)
                                        .where(LearnerSummary.track_id == "full")).all())
    assert summaries == {aylar.id: True, batyr.id: False}
    # The trainer confirms certificates: Batyr is refused, Aylar gets one.
    token = csrf_token(master, f"/cohorts/{cohort.id}")
    refused = master.post(f"/cohorts/{cohort.id}/certificates", data={"csrf_token": token, "user_id": [str(batyr.id)]},
                          follow_redirects=True)
    assert "Batyr Trainee has not completed the track yet." in refused.get_data(as_text=True)
    master.post(f"/cohorts/{cohort.id}/certificates", data={"csrf_token": token, "user_id": [str(aylar.id)]})
    assert db.session.scalars(select(Certificate.user_id)).all() == [aylar.id]
    # The list says who passed; the audit log has both assessments.
    listing = master.get(f"/cohorts/{cohort.id}/practice").get_data(as_text=True)
    assert "1 trainee has passed." in listing
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "practice.assess")).all()) == 2


def test_a_trainee_who_failed_passes_on_a_second_assessment(app, tot):
    cohort, batyr = tot["cohort"], tot["trainees"][1]
    master = as_user(app, "master")
    assess(master, cohort, batyr, scores={"accuracy": "1", "clarity": "1"})
    assert not complete(batyr)
    page = master.get(f"/cohorts/{cohort.id}/practice/{batyr.id}").get_data(as_text=True)
    assert "1 earlier assessment is kept; this one is added." in page
    assess(master, cohort, batyr)
    assert [a.passed for a in assessments()] == [False, True] and complete(batyr)
    # A later, weaker presentation does not undo the pass: the list says so too.
    assess(master, cohort, batyr, scores={"accuracy": "1", "clarity": "2"})
    assert complete(batyr)
    listing = master.get(f"/cohorts/{cohort.id}/practice").get_data(as_text=True)
    assert "1 trainee has passed." in listing and "latest: 3 of 8" in listing
    assert '<span class="badge badge-complete">passed</span>' in listing


@pytest.mark.parametrize(("scores", "module", "recommendations", "message"), [
    ({"accuracy": "5", "clarity": "3"}, "alpha", ADVICE, "5 is not on the scale for “Accuracy of the law” (1 to 4)."),
    ({"accuracy": "0", "clarity": "3"}, "alpha", ADVICE, "0 is not on the scale"),
    ({"accuracy": "two", "clarity": "3"}, "alpha", ADVICE, "two is not on the scale"),
    ({"accuracy": "3"}, "alpha", ADVICE, "Give a score for “Clarity”."),
    (GOOD, "ghost", ADVICE, "Choose the module whose topic was presented."),
    (GOOD, "alpha", "Good.", "Write your recommendations for the trainee (at least 20 characters)."),
    (GOOD, "alpha", "Name the source. " * 300, "The recommendations are too long (at most 5000 characters)."),
])
def test_a_score_off_the_scale_or_a_missing_part_is_refused_and_nothing_is_kept(app, tot, scores, module,
                                                                                 recommendations, message):
    response = assess(as_user(app, "master"), tot["cohort"], tot["trainees"][0], scores, recommendations, module)
    assert message in response.get_data(as_text=True)
    assert assessments() == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "practice.assess")) == 0


def test_the_trainee_sees_the_scores_descriptors_and_recommendations(app, tot):
    cohort, aylar = tot["cohort"], tot["trainees"][0]
    assess(as_user(app, "master"), cohort, aylar, scores={"accuracy": "2", "clarity": "3"})
    trainee = as_user(app, "aylar")
    assert "Your teaching practice: assessment and recommendations" in trainee.get("/").get_data(as_text=True)
    page = trainee.get("/practice").get_data(as_text=True)
    assert "Mostly right." in page and "Clear aim and order." in page  # the descriptors of the levels given
    assert "5 of 8" in page and "passed" in page and "Master Trainer" in page
    assert ADVICE.replace("'", "&#39;") in page
    assert "Batyr" not in page  # only their own
    # Another trainee sees nothing of it.
    assert "has not been assessed yet" in as_user(app, "batyr").get("/practice").get_data(as_text=True)


def test_only_the_cohorts_trainers_assess(app, tot, make_user):
    cohort, aylar = tot["cohort"], tot["trainees"][0]
    assert assess(as_user(app, "other"), cohort, aylar).status_code == 404
    learner = as_user(app, "batyr")
    url = f"/cohorts/{cohort.id}/practice/{aylar.id}"
    assert learner.post(url, data={"csrf_token": csrf_token(learner, "/"), **{f"c-{k}": v for k, v in GOOD.items()},
                                   "module": "alpha", "recommendations": ADVICE}).status_code == 403
    assert as_user(app, "master").post(url, data={"c-accuracy": "3", "c-clarity": "3", "module": "alpha",
                                                  "recommendations": ADVICE}).status_code == 400  # no CSRF token
    stranger = make_user("stranger")
    assert as_user(app, "master").get(f"/cohorts/{cohort.id}/practice/{stranger.id}").status_code == 404
    assert assessments() == []


def test_a_track_without_teaching_practice_has_no_practice_pages(app, tot):
    short = cohort_of(tot["master"], "short", "Mary police")
    enrol_in_cohort(tot["trainees"][0], short)
    db.session.commit()
    master = as_user(app, "master")
    assert master.get(f"/cohorts/{short.id}/practice").status_code == 404
    assert "Teaching practice" not in master.get(f"/cohorts/{short.id}").get_data(as_text=True)
    dashboard = master.get(f"/cohorts/{tot['cohort'].id}").get_data(as_text=True)
    assert f'href="/cohorts/{tot["cohort"].id}/practice"' in dashboard


def test_a_pass_that_completes_a_track_with_automatic_promotion_makes_a_trainer_at_once(app, tot, editable_content):
    """The assessment is the trainee's last step: the trainer role must not wait for the trainee's next click."""
    from course.models.cohort import TrainerStanding  # noqa: PLC0415

    edit_course(app, editable_content, "promotion: coordinator_approves", "promotion: automatic")
    cohort, (aylar, batyr) = tot["cohort"], tot["trainees"]
    master = as_user(app, "master")
    page = assess(master, cohort, aylar).get_data(as_text=True)
    assert "1 learner has completed the trainer track and is now a trainer." in page
    failed = assess(master, cohort, batyr, scores={"accuracy": "1", "clarity": "1"}).get_data(as_text=True)
    assert "now a trainer" not in failed
    db.session.expire_all()
    standings = {s.user_id: s for s in db.session.scalars(select(TrainerStanding))}
    assert set(standings) == {aylar.id} and standings[aylar.id].generation == 1
    assert standings[aylar.id].granted_by_id is None  # automatic, as the track says
    assessed_again = assess(master, cohort, aylar).get_data(as_text=True)
    assert "now a trainer" not in assessed_again  # once a trainer, not promoted twice


def test_a_trainer_enrolled_in_their_own_cohort_cannot_assess_themselves(app, tot):
    master = tot["master"]
    enrol_in_cohort(master, tot["cohort"])  # a co-trainer who also follows the course, say
    db.session.commit()
    response = assess(as_user(app, "master"), tot["cohort"], master)
    assert "You cannot assess your own teaching practice." in response.get_data(as_text=True)
    assert assessments() == []
