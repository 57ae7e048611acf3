"""The question bank (course.review.bank): every question with what it tests and how it was answered; trainers
see only signed-off quiz versions."""

from __future__ import annotations

from sqlalchemy import select

from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.content import ContentItem, ContentKind
from course.models.review import ContentReview, ReviewDecision
from course.models.user import Role
from course.review.bank import bank_questions, difficulty
from tests.test_cohort_pages import as_user


def sign_off(quiz_id: str, reviewer) -> None:
    snapshot_id = db.session.scalar(select(ContentItem.snapshot_id).where(
        ContentItem.kind == ContentKind.QUIZ, ContentItem.content_id == quiz_id))
    db.session.add(ContentReview(kind=ContentKind.QUIZ, content_id=quiz_id, snapshot_id=snapshot_id,
                                 decision=ReviewDecision.SIGNED_OFF, reviewer_id=reviewer.id, comment=""))
    db.session.commit()


def test_difficulty_needs_enough_answers():
    assert difficulty(3, 0.1) == "unknown"
    assert (difficulty(10, 0.85), difficulty(10, 0.5), difficulty(10, 0.2)) == ("easy", "medium", "hard")


def test_the_bank_lists_each_question_with_its_module_objectives_and_answers(app, synced, make_user, login):
    from tests.quiz.conftest import Learner  # noqa: PLC0415

    make_user("ana", tracks=("full",))
    learner = Learner(login("ana"))
    attempt_id = learner.start("all-types")
    learner.save(attempt_id, {"q-single": "s-right"})
    learner.submit(attempt_id)
    questions = {(q.quiz_id, q.question_id): q for q in bank_questions(load_catalogue(), "en", reviewed_only=False)}
    single = questions["all-types", "single"]
    assert single.module == "alpha" and single.responses == 1 and single.facility == 1.0
    assert single.difficulty == "unknown"  # one answer says little
    assert questions["pre-test", "p2"].module == "beta" and questions["pre-test", "p2"].responses == 0
    assert not single.reviewed


def test_trainers_see_only_signed_off_quizzes_and_learners_not_at_all(app, synced, make_user):
    reviewer = make_user("reviewer", roles={Role.LEGAL_REVIEWER})
    make_user("trainer", roles={Role.TRAINER})
    make_user("ana")
    trainer = as_user(app, "trainer")
    assert "No question fits this selection." in trainer.get("/review/bank").get_data(as_text=True)
    sign_off("alpha-check", reviewer)
    page = trainer.get("/review/bank").get_data(as_text=True)
    assert 'href="/review/proposals/new"' in page  # where a trainer proposes a case from practice
    assert "Alpha check" in page and "All question types" not in page and "Single prompt" not in page
    everything = as_user(app, "reviewer").get("/review/bank").get_data(as_text=True)
    assert "Single prompt" in everything and "not signed off" in everything
    assert as_user(app, "ana").get("/review/bank").status_code == 403  # noqa: PLR2004


def test_the_bank_filters_by_module_and_difficulty(app, synced, make_user):
    make_user("reviewer", roles={Role.LEGAL_REVIEWER})
    client = as_user(app, "reviewer")
    page = client.get("/review/bank?module=beta").get_data(as_text=True)
    assert "P2" in page and "P1" not in page
    assert "No question fits" in client.get("/review/bank?difficulty=hard").get_data(as_text=True)
    assert client.get("/review/bank?module=nope&objective=" + "x" * 500).status_code == 200  # noqa: PLR2004


def test_the_bank_page_costs_the_same_few_queries_whatever_the_number_of_quizzes(app, synced, make_user,
                                                                                  count_queries):
    make_user("reviewer", roles={Role.LEGAL_REVIEWER})
    client = as_user(app, "reviewer")
    client.get("/review/bank")  # warm: the catalogue and the answered counts are kept
    with count_queries() as counted:
        assert client.get("/review/bank").status_code == 200  # noqa: PLR2004
    assert counted.count <= 8, counted.statements  # noqa: PLR2004


def test_a_trainer_finds_the_bank_from_their_cohorts(app, synced, make_user):
    make_user("trainer", roles={Role.TRAINER})
    assert 'href="/review/bank"' in as_user(app, "trainer").get("/cohorts").get_data(as_text=True)


def test_each_bank_question_has_a_page_with_its_discrimination_and_wrong_answers(app, synced, make_user):
    from tests.quiz.conftest import Learner  # noqa: PLC0415

    reviewer = make_user("reviewer", roles={Role.LEGAL_REVIEWER})
    make_user("trainer", roles={Role.TRAINER})
    for name, answer in (("ana", "a"), ("bo", "b"), ("cy", "b")):
        make_user(name, tracks=("full",))
        learner = Learner(as_user(app, name))
        attempt_id = learner.start("alpha-check")
        learner.save(attempt_id, {"q-q1": answer, "q-q2": "true"})
        learner.submit(attempt_id)
    client = as_user(app, "reviewer")
    assert 'href="/review/bank/alpha-check/q1"' in client.get("/review/bank").get_data(as_text=True)
    page = client.get("/review/bank/alpha-check/q1").get_data(as_text=True)
    assert "33% of the points earned over 3 answers" in page
    assert "Wrong answers chosen most: Wrong (2)" in page
    trainer = as_user(app, "trainer")
    assert trainer.get("/review/bank/alpha-check/q1").status_code == 404  # noqa: PLR2004  (not signed off yet)
    sign_off("alpha-check", reviewer)
    assert "Wrong answers chosen most" in trainer.get("/review/bank/alpha-check/q1").get_data(as_text=True)
    assert trainer.get("/review/bank/alpha-check/nope").status_code == 404  # noqa: PLR2004
    assert as_user(app, "ana").get("/review/bank/alpha-check/q1").status_code == 403  # noqa: PLR2004
