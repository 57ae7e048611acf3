"""What a learner may see of a submitted attempt, as the quiz's review policy says."""

from __future__ import annotations

from dataclasses import dataclass

from course.models.attempt import AttemptState, QuizAttempt
from course.quiz.attempts import attempts_left
from course.quiz.definition import QuizDefinition


@dataclass(frozen=True)
class ReviewAccess:
    """The score is always shown after submission; the rest depends on the policy."""

    correctness: bool
    answers: bool
    #: Why more is not shown yet, for the page to say.
    waiting_for: str | None = None

    @property
    def any(self) -> bool:
        return self.correctness or self.answers


def review_access(definition: QuizDefinition, attempt: QuizAttempt, attempts: list[QuizAttempt]) -> ReviewAccess:
    """Decide from the policy of the version the attempt was taken on and the learner's attempts so far."""
    if attempt.state != AttemptState.SUBMITTED:
        return ReviewAccess(False, False)
    policy = definition.settings.review
    if policy.when == "after_passing" and not any(a.passed for a in attempts):
        return ReviewAccess(False, False, waiting_for="passing")
    if policy.when == "after_last_attempt" and attempts_left(definition, attempts) != 0:
        return ReviewAccess(False, False, waiting_for="last_attempt")
    if (policy.when == "after_passing_or_last_attempt" and not any(a.passed for a in attempts)
            and attempts_left(definition, attempts) != 0):
        return ReviewAccess(False, False, waiting_for="passing_or_last_attempt")
    return ReviewAccess(correctness=policy.show in ("correctness", "answers"), answers=policy.show == "answers")
