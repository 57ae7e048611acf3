"""What an operator sees: health checks, a request id on every response and error page, one JSON log line per
request with nothing secret in it, and Prometheus metrics when switched on."""

from __future__ import annotations

import io
import json
import logging

import pytest

from course import observability
from course.observability import REQUEST_ID_HEADER, Metrics
from tests.conftest import TEST_PASSWORD, csrf_token, sign_in
from tests.quiz.conftest import Learner

SECRET_ANSWER = "zanzibarword"


@pytest.fixture
def json_log(app):
    """The app logging JSON lines into a buffer; the loggers are put back as they were afterwards."""
    loggers = [logging.getLogger(name) for name in ("course", app.logger.name)]
    saved = [(logger.handlers[:], logger.level, logger.propagate) for logger in loggers]
    app.config["LOG_FORMAT"] = "json"
    observability.configure_logging(app)
    buffer = io.StringIO()
    loggers[0].handlers[0].setStream(buffer)
    yield buffer
    for logger, (handlers, level, propagate) in zip(loggers, saved, strict=True):
        logger.handlers[:], logger.level, logger.propagate = handlers, level, propagate


def lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


def test_healthz_answers_without_the_database_or_a_sign_in(app, client, count_queries):
    with count_queries() as counter:
        response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})
    assert counter.count == 0


def test_readyz_says_what_is_missing_until_the_installation_is_ready(empty_database_app):
    client = empty_database_app.test_client()
    before = client.get("/readyz")
    assert before.status_code == 503  # noqa: PLR2004
    assert before.get_json()["checks"]["database"] == "ok"
    assert before.get_json()["checks"]["schema"].startswith("at None")
    assert empty_database_app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    after = client.get("/readyz")
    assert (after.status_code, after.get_json()["status"]) == (200, "ok")


def test_every_response_carries_a_request_id_and_a_proxys_good_id_is_kept(client):
    first, second = client.get("/login"), client.get("/login")
    assert first.headers[REQUEST_ID_HEADER] != second.headers[REQUEST_ID_HEADER]
    kept = client.get("/login", headers={REQUEST_ID_HEADER: "nginx-5f2a9c1e"})
    assert kept.headers[REQUEST_ID_HEADER] == "nginx-5f2a9c1e"
    forged = client.get("/login", headers={REQUEST_ID_HEADER: 'x" {"level": "error"}'})
    assert forged.headers[REQUEST_ID_HEADER] != 'x" {"level": "error"}'


def test_a_request_log_line_is_json_and_holds_no_password_or_answer(app, synced, make_user, json_log):
    make_user("ana", tracks=("full",))
    client = app.test_client()
    assert sign_in(client, "ana").status_code == 302  # noqa: PLR2004
    learner = Learner(client)
    attempt_id = learner.start()
    assert learner.save_json(attempt_id, "text", [["q-text", SECRET_ANSWER]]).status_code == 200  # noqa: PLR2004
    assert learner.save(attempt_id, {"q-text": SECRET_ANSWER}).status_code == 302  # noqa: PLR2004
    client.get("/healthz")
    logged = json_log.getvalue()
    assert TEST_PASSWORD not in logged and SECRET_ANSWER not in logged
    requests = [line for line in lines(json_log) if line["message"] == "request"]
    saves = [line for line in requests if line["endpoint"] == "quiz.save_json"]
    assert len(saves) == 1
    [save] = saves
    assert save["path"] == "/attempts/<int:attempt_id>/answers/<question_id>"  # the route, not the values
    assert save["method"] == "POST" and save["status"] == 200  # noqa: PLR2004
    assert isinstance(save["duration_ms"], float) and save["user_id"] and len(save["request_id"]) >= 8  # noqa: PLR2004
    assert not [line for line in requests if line["endpoint"] == "health.healthz"]  # checks are not logged


def test_an_error_page_gives_the_reference_in_the_log(app, json_log):
    @app.route("/boom")
    def boom():
        raise RuntimeError("something broke")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500  # noqa: PLR2004
    reference = response.headers[REQUEST_ID_HEADER]
    assert f"give this reference: {reference}" in response.get_data(as_text=True)
    errors = [line for line in lines(json_log) if line["level"] == "error"]
    assert errors and errors[0]["request_id"] == reference and "RuntimeError" in errors[0]["exception"]


def test_metrics_are_off_unless_asked_and_count_requests_and_quiz_events(app, synced, make_user, login):
    client = app.test_client()
    assert client.get("/metrics").status_code == 404  # noqa: PLR2004
    app.extensions["course.metrics"] = Metrics()
    make_user("ana", tracks=("full",))
    learner = Learner(login("ana"))
    attempt_id = learner.start()
    learner.save_json(attempt_id, "text", [["q-text", "an answer"]])
    learner.submit(attempt_id)
    page = client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_data(as_text=True)
    assert 'cascade_requests_total{endpoint="quiz.save_json",method="POST",status="200"} 1' in page
    assert 'cascade_quiz_events_total{event="answer_saved"} 1' in page
    assert 'cascade_quiz_events_total{event="attempt_submitted"} 1' in page
    assert 'le="+Inf"} 1' in page
    stranger = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert stranger.status_code == 404  # noqa: PLR2004


def test_the_login_form_posts_are_not_logged_with_their_fields(app, json_log, make_user):
    make_user("bob")
    client = app.test_client()
    client.post("/login", data={"username": "bob", "password": "wrong but secret words",
                                "csrf_token": csrf_token(client)})
    assert "wrong but secret words" not in json_log.getvalue()
    [refused] = [line for line in lines(json_log) if line.get("endpoint") == "auth.login" and line["method"] == "POST"]
    assert refused["user_id"] is None and refused["status"] == 200  # noqa: PLR2004  (the form again)
