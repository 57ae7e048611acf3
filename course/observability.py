"""What an operator sees: a request id on every response, one JSON log line per request, health checks for a
load balancer, and (when switched on) Prometheus metrics.

The log line holds the method, the route's template (``/cohorts/<int:cohort_id>``, never the values in the
path or the query string), the status, the duration, the user's id and the request id; never a form field, a
password, a token or an answer. ``/healthz`` says the process answers; ``/readyz`` that the database answers,
its schema is at this version's head and the course content is loaded. Both are cheap, need no sign-in and are
left out of the request log (a load balancer asks every few seconds).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import threading
import time
from collections import defaultdict

from flask import Blueprint, Flask, Response, current_app, g, has_request_context, request
from sqlalchemy import text

from course.auth.sessions import signed_in_user_id
from course.extensions import db

LOGGER = "course.requests"
REQUEST_ID_HEADER = "X-Request-ID"
#: An id a proxy sent is kept only when it looks like one (it is echoed into logs and headers).
_GOOD_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
#: Endpoints that are not logged nor counted: asked constantly by machines.
QUIET = frozenset({"health.healthz", "health.readyz", "health.metrics_page", "static"})
#: Upper bounds (seconds) of the request-duration histogram.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

bp = Blueprint("health", __name__)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: what log systems (journald, Loki, Elasticsearch) parse without a pattern."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
                "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class RequestIdFilter(logging.Filter):
    """Every line logged while a request runs (an error's traceback too) carries that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and "request_id" in g:
            record.fields = {**getattr(record, "fields", {}), "request_id": g.request_id}
        return True


def configure_logging(app: Flask) -> None:
    """JSON lines on standard error for the app's loggers, in production (``COURSE_LOG_FORMAT=json``) or when
    asked; a development server keeps Flask's readable lines."""
    if app.config["LOG_FORMAT"] != "json":
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    for name in ("course", app.logger.name):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(app.config["LOG_LEVEL"])
        logger.propagate = False


class Metrics:
    """Counters and a duration histogram per (endpoint, method, status), and quiz events; in this process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.buckets: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0] * len(BUCKETS))
        self.seconds: dict[tuple[str, str, int], float] = defaultdict(float)
        self.events: dict[str, int] = defaultdict(int)

    def observe(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        key = (endpoint, method, status)
        with self.lock:
            self.requests[key] += 1
            self.seconds[key] += seconds
            counts = self.buckets[key]
            for index, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    counts[index] += 1

    def count(self, event: str) -> None:
        with self.lock:
            self.events[event] += 1

    def exposition(self) -> str:
        """The Prometheus text format."""
        lines = ["# HELP cascade_requests_total Requests answered, by endpoint, method and status.",
                 "# TYPE cascade_requests_total counter"]
        with self.lock:
            for (endpoint, method, status), number in sorted(self.requests.items()):
                lines.append(f'cascade_requests_total{{endpoint="{endpoint}",method="{method}",status="{status}"}} '
                             f"{number}")
            lines += ["# HELP cascade_request_duration_seconds Time to answer a request.",
                      "# TYPE cascade_request_duration_seconds histogram"]
            for key, counts in sorted(self.buckets.items()):
                labels = f'endpoint="{key[0]}",method="{key[1]}",status="{key[2]}"'
                for bound, number in zip(BUCKETS, counts, strict=True):
                    lines.append(f'cascade_request_duration_seconds_bucket{{{labels},le="{bound}"}} {number}')
                lines.append(f'cascade_request_duration_seconds_bucket{{{labels},le="+Inf"}} {self.requests[key]}')
                lines.append(f"cascade_request_duration_seconds_sum{{{labels}}} {self.seconds[key]:.6f}")
                lines.append(f"cascade_request_duration_seconds_count{{{labels}}} {self.requests[key]}")
            lines += ["# HELP cascade_quiz_events_total Quiz answers saved and attempts submitted.",
                      "# TYPE cascade_quiz_events_total counter"]
            for event, number in sorted(self.events.items()):
                lines.append(f'cascade_quiz_events_total{{event="{event}"}} {number}')
        return "\n".join(lines) + "\n"


def metrics() -> Metrics | None:
    """This process's metrics, or None when they are switched off."""
    return current_app.extensions.get("course.metrics")


def count_event(event: str) -> None:
    """Count a quiz event (``answer_saved``, ``attempt_submitted``) when metrics are on."""
    if (kept := metrics()) is not None:
        kept.count(event)


def _request_id() -> str:
    sent = request.headers.get(REQUEST_ID_HEADER, "")
    return sent if _GOOD_ID.fullmatch(sent) else secrets.token_hex(8)


def request_id() -> str:
    """This request's id (shown on error pages, so a trainer can quote it)."""
    return g.get("request_id", "")


def install(app: Flask) -> None:
    """Request ids, the request log, health checks and metrics, on ``app``."""
    configure_logging(app)
    if app.config["METRICS"]:
        app.extensions["course.metrics"] = Metrics()
    log = logging.getLogger(LOGGER)
    app.register_blueprint(bp)

    @app.before_request
    def start() -> None:
        g.request_id, g.started = _request_id(), time.perf_counter()

    @app.after_request
    def finish(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id()
        endpoint = request.endpoint or "unknown"
        if endpoint in QUIET or "started" not in g:
            return response
        seconds = time.perf_counter() - g.started
        route = request.url_rule.rule if request.url_rule else "unmatched"
        if (kept := metrics()) is not None:
            kept.observe(endpoint, request.method, response.status_code, seconds)
        user_id = signed_in_user_id()
        log.info("request", extra={"fields": {
            "method": request.method, "path": route, "endpoint": endpoint, "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1), "user_id": user_id,
            "request_id": request_id()}})
        return response


@bp.route("/healthz")
def healthz():
    """The process answers (no database): for a load balancer's liveness check."""
    return {"status": "ok"}


@bp.route("/readyz")
def readyz():
    """Ready to serve: the database answers, its schema is this version's, the course content is loaded."""
    from course.backup import head_revision, schema_revision  # noqa: PLC0415
    from course.learn.queries import load_catalogue  # noqa: PLC0415

    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
        revision, head = schema_revision(), head_revision()
        checks["schema"] = "ok" if revision == head else f"at {revision}, expected {head}"
        checks["content"] = "ok" if load_catalogue() is not None else "not loaded: run 'course sync'"
    except Exception as problem:  # noqa: BLE001  (whatever fails, the answer is "not ready", with the reason)
        db.session.rollback()
        checks.setdefault("database", f"unreachable: {type(problem).__name__}")
    ready = all(value == "ok" for value in checks.values()) and len(checks) == 3  # noqa: PLR2004
    return {"status": "ok" if ready else "not ready", "checks": checks}, 200 if ready else 503


@bp.route("/metrics")
def metrics_page():
    """Prometheus metrics of this process, when COURSE_METRICS is on, to the addresses of COURSE_METRICS_FROM
    (404 otherwise: nothing tells a stranger they exist)."""
    kept = metrics()
    if kept is None or request.remote_addr not in current_app.config["METRICS_FROM"]:
        return Response("Not found.\n", 404, mimetype="text/plain")
    return Response(kept.exposition(), mimetype="text/plain; version=0.0.4")
