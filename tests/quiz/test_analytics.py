"""Knowledge gain and item statistics, recomputed by hand on small data."""

from __future__ import annotations

import pytest

from course.extensions import db
from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
from course.models.types import utcnow
from course.quiz.analytics import Gain, counted_scores, group_gain, item_statistics, knowledge_gains


def add_attempt(user_id: int, quiz_id: str, number: int, score: float | None, answers=()) -> QuizAttempt:
    submitted = score is not None
    row = QuizAttempt(user_id=user_id, quiz_id=quiz_id, quiz_hash="h" * 64, number=number,
                      state=AttemptState.SUBMITTED if submitted else AttemptState.IN_PROGRESS,
                      layout={"questions": [], "orders": {}}, started_at=utcnow(),
                      submitted_at=utcnow() if submitted else None, score=score,
                      earned=score if submitted else None, possible=100.0 if submitted else None,
                      passed=(score or 0) >= 50 if submitted else None)
    row.answers = [AttemptAnswer(question_id=qid, response=None, earned=earned, possible=1.0)
                   for qid, earned in answers]
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def learners(app, make_user):
    return [make_user(name).id for name in ("ana", "bob", "cem", "dan")]


@pytest.mark.parametrize(("method", "expected"), [("highest", 80.0), ("first", 40.0), ("last", 60.0),
                                                  ("average", 60.0)])
def test_counted_score_follows_the_grading_method(learners, method, expected):
    ana = learners[0]
    for number, score in enumerate([40.0, 80.0, 60.0], start=1):
        add_attempt(ana, "post-test", number, score)
    add_attempt(ana, "post-test", 4, None)  # in progress: never counts
    assert counted_scores("post-test", method) == {ana: expected}


def test_gain_and_normalised_gain_per_learner_and_for_the_group(learners):
    ana, bob, cem, dan = learners
    for user_id, pre, post in [(ana, 40.0, 70.0), (bob, 80.0, 90.0), (cem, 100.0, 100.0)]:
        add_attempt(user_id, "pre-test", 1, pre)
        add_attempt(user_id, "post-test", 1, post)
    add_attempt(dan, "pre-test", 1, 50.0)  # no post-test yet
    gains = knowledge_gains(("pre-test", "first"), ("post-test", "highest"), learners)
    assert gains[ana].gain == 30.0 and gains[ana].normalised == 0.5
    assert gains[bob].gain == 10.0 and gains[bob].normalised == 0.5
    assert gains[cem].gain == 0.0 and gains[cem].normalised is None  # a perfect pre-test leaves no room
    assert gains[dan] == Gain(dan, 50.0, None) and gains[dan].gain is None
    group = group_gain(gains.values())
    assert group.learners == 3
    assert group.mean_gain == pytest.approx((30 + 10 + 0) / 3, abs=1e-3)
    assert group.mean_normalised == 0.5
    assert group.mean_pre == pytest.approx(220 / 3, abs=1e-3)


def test_item_statistics_facility_discrimination_and_wrong_options(learners):
    # four learners: q1 only the two best get right; q2 everyone gets right
    attempts = [
        add_attempt(uid, "all-types", 1, score, [("q1", q1), ("q2", 1.0)])
        for uid, score, q1 in zip(learners, [90.0, 80.0, 30.0, 20.0], [1.0, 1.0, 0.0, 0.0], strict=True)
    ]
    stats = {item.question_id: item for item in item_statistics(attempts)}
    assert stats["q1"].facility == 0.5 and stats["q2"].facility == 1.0
    assert stats["q1"].discrimination == 1.0  # the upper group (1 of 4) right, the lower group wrong
    assert stats["q2"].discrimination == 0.0
    assert stats["q1"].point_biserial > 0.9
    assert stats["q2"].point_biserial is None  # no variance: no correlation
    assert stats["q1"].responses == 4


def test_item_statistics_name_the_wrong_options_people_chose(learner):
    from tests.quiz.conftest import attempt

    ids = []
    for fields in ({"q-single": "s-wrong", "q-multi": ["m-a", "m-c"]}, {"q-single": "s-wrong"}):
        attempt_id = learner.start()
        learner.save(attempt_id, fields)
        learner.submit(attempt_id)
        ids.append(attempt_id)
    stats = {item.question_id: item for item in item_statistics([attempt(i) for i in ids])}
    assert stats["single"].common_wrong == (("s-wrong", 2),)
    assert stats["multi"].common_wrong == (("m-c", 1),)
    assert stats["single"].facility == 0.0
