"""Nothing of the answer key, feedback or explanations reaches the browser before submission."""

from __future__ import annotations

import re

from tests.quiz.conftest import RIGHT_ANSWERS

#: Text that only the key, feedback or explanations contain, for every question type of the fixture.
SECRETS = ["EXPLANATION-", "FEEDBACK-", "ZANZIBARWORD", "занзибар", "4242.5", "4242,5", "art-1-part-2\" checked",
           "correct", "match:", "answer"]


def assert_no_secret(text: str, where: str) -> None:
    lowered = text.lower()
    for secret in SECRETS:
        if secret == "answer":
            # the word may appear in interface text ("Your answer"), never as a data attribute or JSON key
            assert not re.search(r'(data-answer=|"answer"\s*:)', text), where
            continue
        assert secret.lower() not in lowered, (secret, where)


def test_quiz_pages_and_save_responses_carry_no_key(learner):
    pages = {"overview": learner.client.get("/quizzes/all-types").get_data(as_text=True)}
    attempt_id = learner.start()
    pages["attempt"] = learner.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    for question_id, pairs in [
        ("single", [["q-single", "s-wrong"]]), ("multi", [["q-multi", "m-c"]]), ("truth", [["q-truth", "true"]]),
        ("match", [["q-match-i-one", "o-tres"]]), ("text", [["q-text", "nope"]]), ("number", [["q-number", "1"]]),
        ("order", [["q-order-first-step", "3"], ["q-order-second-step", "2"], ["q-order-third-step", "1"]]),
        ("case", [["q-case-acts", "harbouring"], ["q-case-qualification", "art-9"]]),
    ]:
        response = learner.save_json(attempt_id, question_id, pairs)
        assert response.status_code == 200, question_id
        pages[f"save {question_id}"] = response.get_data(as_text=True)
    pages["form save"] = learner.client.get(
        learner.save(attempt_id, {"q-single": "s-wrong"}).headers["Location"]).get_data(as_text=True)
    pages["summary"] = learner.client.get(f"/attempts/{attempt_id}/summary").get_data(as_text=True)
    for where, text in pages.items():
        assert_no_secret(text, where)


def test_the_shuffled_ordering_never_shows_the_right_order_first(learner):
    attempt_id = learner.start()
    html = learner.client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    shown = re.findall(r'name="q-order-([a-z-]+)"', html)
    assert sorted(shown) == ["first-step", "second-step", "third-step"]
    assert shown != ["first-step", "second-step", "third-step"]


def test_after_submission_the_key_is_shown_as_the_policy_allows(learner):
    attempt_id = learner.start()
    learner.save(attempt_id, RIGHT_ANSWERS)
    learner.submit(attempt_id)
    page = learner.client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "EXPLANATION-CASE" in page and "FEEDBACK-ACTS" in page
