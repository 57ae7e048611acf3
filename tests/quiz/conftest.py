"""Helpers for taking quizzes over HTTP as a learner would."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models.attempt import QuizAttempt
from tests.conftest import csrf_token

#: A fully right set of form fields for the fixture quiz "all-types".
RIGHT_ANSWERS = {
    "q-single": "s-right",
    "q-multi": ["m-a", "m-b"],
    "q-truth": "false",
    "q-match-i-one": "o-uno", "q-match-i-two": "o-dos",
    "q-order-first-step": "1", "q-order-second-step": "2", "q-order-third-step": "3",
    "q-text": "zanzibarword",
    "q-number": "4242,5",
    "q-case-acts": ["recruitment", "transportation"], "q-case-means": "deception",
    "q-case-purposes": "forced-labour", "q-case-child_victim": "false", "q-case-aggravating": "two-or-more",
    "q-case-qualification": "art-1-part-2",
}


class Learner:
    """A signed-in test client that takes quizzes through the pages."""

    def __init__(self, client):
        self.client = client

    def start(self, quiz_id: str = "all-types") -> int:
        response = self.client.post(f"/quizzes/{quiz_id}/start",
                                    data={"csrf_token": csrf_token(self.client, f"/quizzes/{quiz_id}")})
        match = re.match(r"^/attempts/(\d+)$", response.headers.get("Location", ""))
        assert match, (response.status_code, response.headers.get("Location"))
        return int(match.group(1))

    def save(self, attempt_id: int, fields: dict, action: str = "save"):
        token = csrf_token(self.client, "/")
        return self.client.post(f"/attempts/{attempt_id}", data={**fields, "csrf_token": token, "action": action})

    def save_json(self, attempt_id: int, question_id: str, pairs: list, token: str | None = None):
        token = token if token is not None else csrf_token(self.client, "/")
        return self.client.post(f"/attempts/{attempt_id}/answers/{question_id}", json={"fields": pairs},
                                headers={"X-CSRFToken": token} if token else {})

    def submit(self, attempt_id: int):
        token = csrf_token(self.client, "/")
        return self.client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": token})


@pytest.fixture
def learner(client, synced, make_user, login):
    make_user("ana", tracks=("full",))
    return Learner(login("ana"))


def attempt(attempt_id: int) -> QuizAttempt:
    db.session.expire_all()
    return db.session.scalar(select(QuizAttempt).where(QuizAttempt.id == attempt_id))
