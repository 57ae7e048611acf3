"""Drawing and shuffling fixed by the attempt's seed, and the review policy's 'when'."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from course.content.loader import load_content
from course.models.attempt import AttemptState
from course.quiz.attempts import build_layout
from course.quiz.definition import QuizDefinition
from course.quiz.review import review_access
from tests.conftest import FIXTURE_CONTENT


@pytest.fixture(scope="module")
def definition() -> QuizDefinition:
    quiz = load_content(FIXTURE_CONTENT).bundle.quizzes["all-types"]
    settings = quiz.meta.model_copy(update={"shuffle_questions": True, "shuffle_choices": True})
    return QuizDefinition("all-types", "h" * 64, settings, {q.id: q for q in quiz.questions})


def test_the_same_seed_gives_the_same_layout_and_others_differ(definition):
    assert build_layout(definition, 7) == build_layout(definition, 7)
    layouts = {tuple(build_layout(definition, seed)["questions"]) for seed in range(20)}
    assert len(layouts) > 1
    for seed in range(20):
        layout = build_layout(definition, seed)
        assert sorted(layout["questions"]) == sorted(definition.questions)
        assert sorted(layout["orders"]["single"]) == ["s-right", "s-wrong"]
        assert sorted(layout["orders"]["match"]) == ["o-dos", "o-tres", "o-uno"]


def test_draw_rules_take_that_many_questions_from_each_tagged_pool(definition):
    tagged = {qid: spec.model_copy(update={"tags": ["pool-a"] if qid in ("single", "multi", "truth") else ["pool-b"]})
              for qid, spec in definition.questions.items()}
    settings = definition.settings.model_copy(update={"draw": [
        SimpleNamespace(tag="pool-a", count=2), SimpleNamespace(tag="pool-b", count=1)]})
    drawing = QuizDefinition("all-types", "h" * 64, settings, tagged)
    seen = set()
    for seed in range(30):
        questions = build_layout(drawing, seed)["questions"]
        assert len(questions) == 3
        assert len([q for q in questions if q in ("single", "multi", "truth")]) == 2
        seen.update(questions)
    assert len(seen) > 3  # different attempts draw different questions


def _attempt(passed: bool):
    return SimpleNamespace(state=AttemptState.SUBMITTED, passed=passed)


@pytest.mark.parametrize(
    ("when", "attempts", "shown"),
    [
        ("immediately", [False], True),
        ("after_passing", [False], False),
        ("after_passing", [False, True], True),
        ("after_last_attempt", [False], False),
        ("after_last_attempt", [False, False], True),
        ("after_last_attempt", [True], False),  # this one makes a passer use up attempts to review
        ("after_passing_or_last_attempt", [False], False),
        ("after_passing_or_last_attempt", [True], True),  # passed: review now, attempts kept
        ("after_passing_or_last_attempt", [False, False], True),  # none left: review
    ],
)
def test_review_opens_when_the_policy_says(definition, when, attempts, shown):
    review = definition.settings.review.model_copy(update={"when": when, "show": "answers"})
    settings = definition.settings.model_copy(update={"review": review, "attempts_allowed": 2})
    policy = QuizDefinition("all-types", "h" * 64, settings, definition.questions)
    history = [_attempt(passed) for passed in attempts]
    access = review_access(policy, history[0], history)
    assert access.answers is shown and access.correctness is shown


def test_review_of_correctness_only_hides_the_answers(definition):
    review = definition.settings.review.model_copy(update={"show": "correctness"})
    policy = QuizDefinition("all-types", "h" * 64, definition.settings.model_copy(update={"review": review}),
                            definition.questions)
    access = review_access(policy, _attempt(True), [_attempt(True)])
    assert access.correctness is True and access.answers is False


@pytest.mark.parametrize("when", ["after_last_attempt", "after_passing_or_last_attempt"])
def test_a_review_waiting_for_the_last_attempt_needs_a_limit_on_attempts(definition, when):
    """With unlimited attempts the last one never comes: such a quiz file is refused when it is loaded."""
    from pydantic import ValidationError

    from course.content.schema import QuizSettings

    settings = {name: value for name, value in definition.settings.model_dump().items()
                if name in QuizSettings.model_fields}
    data = settings | {"attempts_allowed": None, "review": {"show": "answers", "when": when}}
    with pytest.raises(ValidationError, match="needs attempts_allowed"):
        QuizSettings.model_validate(data)
    assert QuizSettings.model_validate(data | {"attempts_allowed": 3}).review.when == when
