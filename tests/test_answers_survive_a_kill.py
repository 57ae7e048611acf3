# ruff: noqa: S310  (requests to the server this test starts on the loopback)
"""No acknowledged answer is lost when the server is killed (kill -9) in the middle of a stream of answer saves,
served as in production: gunicorn with the shipped configuration, on the suite's database (PostgreSQL in CI)."""

from __future__ import annotations

import html.parser
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models.attempt import AttemptAnswer
from course.quiz.attempts import start_attempt
from course.quiz.definition import live_definition
from tests.conftest import TEST_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
ACKNOWLEDGED_BEFORE_THE_KILL = 60


class _Choices(html.parser.HTMLParser):
    """Each question of the quiz page with its radio buttons: question id -> (field name, [values])."""

    def __init__(self):
        super().__init__()
        self.question, self.found = None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "data-question" in attrs:
            self.question = attrs["data-question"]
        if tag == "input" and attrs.get("type") == "radio" and self.question:
            name, values = self.found.setdefault(self.question, (attrs["name"], []))
            values.append(attrs["value"])


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is installed with the test extras")
def test_no_acknowledged_answer_is_lost_when_the_server_is_killed(synced, make_user, database_url, tmp_path):
    learner = make_user("ana", tracks=("full",))
    attempt = start_attempt(learner.id, live_definition("alpha-check"))
    db.session.commit()
    port = 8790 + os.getpid() % 100
    env = {**os.environ, "COURSE_DATABASE_URL": database_url, "COURSE_INSTANCE_DIR": str(tmp_path / "instance"),
           "COURSE_SECRET_KEY": "kill-test-secret-" + "0" * 40, "COURSE_BIND": f"127.0.0.1:{port}",
           "COURSE_WORKERS": "2"}
    server = subprocess.Popen([str(GUNICORN), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")], cwd=ROOT, env=env,  # noqa: S603
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        for _ in range(300):
            try:
                page = opener.open(f"{base}/login").read().decode()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        opener.open(f"{base}/login", urllib.parse.urlencode(
            {"username": "ana", "password": TEST_PASSWORD, "csrf_token": token}).encode())
        quiz_page = opener.open(f"{base}/attempts/{attempt.id}").read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', quiz_page).group(1)
        choices = _Choices()
        choices.feed(quiz_page)
        sent: dict[str, list[str]] = {question: [] for question in choices.found}
        acknowledged: dict[str, int] = {}  # question -> index in sent[question] of its last acknowledged save
        stop = threading.Event()

        def save_forever() -> None:
            number = 0
            while not stop.is_set():
                for question, (field, values) in choices.found.items():
                    value = values[number % len(values)]
                    sent[question].append(value)
                    request = urllib.request.Request(
                        f"{base}/attempts/{attempt.id}/answers/{question}", method="POST",
                        data=json.dumps({"fields": [[field, value]]}).encode(),
                        headers={"Content-Type": "application/json", "X-CSRFToken": token})
                    try:
                        if opener.open(request, timeout=5).status == 200:  # noqa: PLR2004
                            acknowledged[question] = len(sent[question]) - 1
                    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                        return  # the server is gone
                number += 1

        saver = threading.Thread(target=save_forever)
        saver.start()
        while sum(index + 1 for index in acknowledged.values()) < ACKNOWLEDGED_BEFORE_THE_KILL and saver.is_alive():
            time.sleep(0.01)
        os.killpg(server.pid, signal.SIGKILL)  # the master and its workers, mid-stream
        server.wait(timeout=10)
        stop.set()
        saver.join(timeout=10)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)

    assert sum(index + 1 for index in acknowledged.values()) >= ACKNOWLEDGED_BEFORE_THE_KILL
    db.session.expire_all()
    stored = {answer.question_id: answer.response for answer in db.session.scalars(
        select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id))}
    for question, index in acknowledged.items():
        # The value acknowledged last, or one sent after it whose answer the kill cut off ("b" is stored as
        # "b", the form's "false" as False).
        later = {value.lower() for value in sent[question][index:]}
        assert str(stored.get(question)).lower() in later, (question, stored.get(question), sent[question][index:])
