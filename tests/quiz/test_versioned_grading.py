"""An attempt is graded and reviewed against the quiz version it was taken on, whatever the files say later."""

from __future__ import annotations

import re

import pytest

from course.content.sync import sync_content
from course.extensions import db
from course.quiz.attempts import regrade
from tests.quiz.conftest import RIGHT_ANSWERS, attempt
from tests.test_content_validation import edit


def without_csrf_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token"', html)


@pytest.fixture
def content_dir(editable_content):
    return editable_content


def test_changing_the_quiz_changes_neither_old_results_nor_their_review(learner, content_dir):
    attempt_id = learner.start()
    learner.save(attempt_id, RIGHT_ANSWERS)
    learner.submit(attempt_id)
    before = learner.client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    old = attempt(attempt_id)
    old_hash, old_score = old.quiz_hash, old.score

    # the author changes the right answer and the explanation, then syncs
    quiz = content_dir / "quizzes/all-types.yaml"
    edit(quiz, "{en: Sright, ru: Справа}, correct: true,", "{en: Sright, ru: Справа},")
    edit(quiz, "{en: Swrong, ru: Сневерно},", "{en: Swrong, ru: Сневерно}, correct: true,")
    edit(quiz, "EXPLANATION-SINGLE", "A NEW EXPLANATION")
    report = sync_content(content_dir)
    db.session.commit()
    assert "quiz all-types" in report.updated

    again = attempt(attempt_id)
    assert again.quiz_hash == old_hash
    assert again.score == old_score == 100.0
    assert regrade(again).score == 100.0  # re-grading uses the pinned version
    after = learner.client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert without_csrf_tokens(after) == without_csrf_tokens(before)  # tokens carry a timestamp
    assert "A NEW EXPLANATION" not in after

    # a new attempt is taken on the new version, where the old right answer is now wrong
    new_id = learner.start()
    learner.save(new_id, RIGHT_ANSWERS)
    learner.submit(new_id)
    new = attempt(new_id)
    assert new.quiz_hash != old_hash
    assert new.score < 100.0
