"""No input gets a 5xx: a generated set of hostile values sent to every route of the application, as every role.

The routes are read from the application's own URL map, so a route added later is attacked too. For each one,
each role (and an anonymous visitor) sends:

- the route with each id replaced by values at and beyond the database's integer range, and each text
  segment replaced by a NUL, a broken UTF-8 sequence, and a 10,000-character string;
- GET query strings with the same values;
- for POST routes, forms whose every field (the union of the field names found in the application's pages,
  and the names the routes read) holds a NUL, an id beyond range, broken UTF-8, or a megabyte; and JSON
  bodies nested ten thousand deep, too large, or holding an unpaired surrogate.

Every answer must be below 500. Runs on SQLite and, with ``COURSE_TEST_DATABASE_URL``, on PostgreSQL, where
most of these used to fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from sqlalchemy import select

from course.attendance.services import add_day
from course.cohorts.services import enrol_in_cohort
from course.extensions import db
from course.learn.queries import load_catalogue
from course.models.cohort import Cohort
from course.models.user import Role
from course.paper.sheets import print_sheets
from course.quiz.attempts import start_attempt
from course.quiz.definition import live_definition
from tests.conftest import csrf_token, sign_in
from tests.test_cohort_pages import create_via_form

HUGE_IDS = ["2147483648", "9223372036854775808", "99999999999999999999"]
#: Path segments: a NUL, an encoded surrogate half (not valid UTF-8), a long string.
HOSTILE_SEGMENTS = ["%00", "%ED%A0%80", "a" * 10_000]
HOSTILE_QUERIES = ["?page=%00&q=%00&next=%00&code=%00", "?page=99999999999999999999&id=99999999999999999999",
                   "?q=%ED%A0%80&page=%ED%A0%80"]
#: Field names the routes read that no rendered form may show to every role.
KNOWN_FIELDS = {"csrf_token", "user_id", "snapshot_id", "language", "next", "status", "decision", "comment",
                "note-x", "u-1", "u-99999999999999999999", "kinds", "modules", "topic", "day", "reason", "fields",
                "action", "q1", "q2", "username", "password", "code", "lead", "co_trainers", "name"}
FORM_PAYLOADS = {
    "nul": "x\x00y",
    "huge id": "99999999999999999999",
    "negative": "-1",
}
RAW_FORM_PAYLOADS = {"broken utf-8": b"%ED%A0%80"}
FORM_TYPE = "application/x-www-form-urlencoded"
#: One field of a megabyte (more than a form field may hold).
MEGABYTE = b"a" * 1_000_000
JSON_PAYLOADS = {
    "deep json": b"[" * 10_000 + b"]" * 10_000,
    "large json": b'{"fields": [["a", "' + b"x" * 200_000 + b'"]]}',
    "surrogate json": b'{"fields": [["q1", "\\ud800"]]}',
    "nul json": b'{"fields": [["q1", "a\\u0000b"]]}',
}

ROLES = {"anonymous": None, "learner": "ana", "trainer": "lead", "coordinator": "coord", "admin": "root",
         "legal reviewer": "lawyer"}


@dataclass
class World:
    ids: dict[str, int]
    texts: dict[str, str]


@pytest.fixture
def world(app, synced, make_user):
    lead = make_user("lead", roles={Role.TRAINER}, full_name="Lead Trainer")
    make_user("coord", roles={Role.COORDINATOR})
    make_user("root", roles={Role.ADMIN})
    make_user("lawyer", roles={Role.LEGAL_REVIEWER})
    ana = make_user("ana", full_name="Ana", tracks=("full",))
    lead_client = app.test_client()
    sign_in(lead_client, "lead")
    create_via_form(lead_client, lead=str(lead.id))
    cohort = db.session.scalar(select(Cohort))
    enrol_in_cohort(ana, cohort)
    day = add_day(cohort, cohort.starts_on, "Definitions", [], set(load_catalogue().modules))
    attempt = start_attempt(ana.id, live_definition("alpha-check"))
    sheet = print_sheets(load_catalogue(), cohort, "all-types", lead).sheets[0][0]  # every question type on paper
    db.session.commit()
    return World(
        ids={"cohort_id": cohort.id, "attempt_id": attempt.id, "user_id": ana.id, "day_id": day.id},
        texts={"module_id": "alpha", "section_key": "first", "quiz_id": "alpha-check", "question_id": "q1",
               "track_id": "full", "code": cohort.join_code or "x", "kind": "module", "content_id": "alpha",
               "source_id": "x", "number": sheet.number},
    )


ARGUMENT = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def _fill(rule: str, world: World, replace: tuple[str, str] | None = None) -> str:
    """The rule's path with real values, one argument (``replace``: name, value) hostile."""

    def value(match: re.Match) -> str:
        converter, options, name = match.groups()
        if replace and replace[0] == name:
            return replace[1]
        if converter == "int":
            return str(world.ids.get(name, 1))
        if converter == "any":
            return options.split(",")[0].strip().strip("'\"")
        return quote(world.texts.get(name, "x"))

    return ARGUMENT.sub(value, rule)


def _variants(rule, world: World) -> list[str]:
    urls = [_fill(rule.rule, world)]
    for converter, _options, name in ARGUMENT.findall(rule.rule):
        hostile = HUGE_IDS if converter == "int" else [] if converter == "any" else HOSTILE_SEGMENTS
        urls += [_fill(rule.rule, world, (name, value)) for value in hostile]
    return urls


def _client(app, role: str):
    client = app.test_client()
    if ROLES[role]:
        assert sign_in(client, ROLES[role]).status_code == 302
    return client


def _field_names(app, world: World) -> set[str]:
    """Every field name in the pages of the application, as each role sees them."""
    names = set(KNOWN_FIELDS)
    for role in ROLES:
        client = _client(app, role)
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and rule.endpoint != "static" and "logout" not in rule.rule:
                response = client.get(_fill(rule.rule, world))
                if response.mimetype == "text/html":
                    names |= set(re.findall(r'name="([^"]+)"', response.get_data(as_text=True)))
                response.close()
    return names


_FIELD_NAMES: set[str] = set()


@pytest.fixture
def field_names(app, world):
    """Collected once per run: the pages' forms do not change between the tests."""
    if not _FIELD_NAMES:
        _FIELD_NAMES.update(_field_names(app, world))
    return _FIELD_NAMES


def _check(failures: list, role: str, what: str, client, method: str, url: str, **request) -> None:
    """Send the request; a 5xx, or an exception (the test app lets them through), is a failure."""
    try:
        response = client.open(url, method=method, **request)
    except Exception as exc:  # noqa: BLE001  (every kind of crash is what this test collects)
        failures.append((role, method, url[:120], what, f"{type(exc).__name__}: {str(exc)[:100]}"))
        return
    # /readyz answers 503 by design while the schema is not at head (the suite's tables are made without Alembic).
    if response.status_code >= 500 and not (url.startswith("/readyz") and response.status_code == 503):  # noqa: PLR2004
        failures.append((role, method, url[:120], what, response.status_code))
    response.close()


@pytest.mark.parametrize("role", list(ROLES))
def test_no_hostile_value_gets_a_server_error(app, world, field_names, role):
    failures: list = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        client = _client(app, role)  # afresh for each route: the route before may have signed it out
        token = csrf_token(client, "/account/password" if ROLES[role] else "/login")
        for number, url in enumerate(_variants(rule, world)):
            if "GET" in rule.methods:  # hostile query strings on the route's real path; a hostile path alone
                for query in ["", *HOSTILE_QUERIES] if number == 0 else [""]:
                    _check(failures, role, "query", client, "GET", url + query)
            if "POST" not in rule.methods:
                continue
            forms = FORM_PAYLOADS if number == 0 else {"nul": FORM_PAYLOADS["nul"]}  # hostile paths: one form
            for what, value in forms.items():
                data = dict.fromkeys(field_names, value) | {"csrf_token": token}
                _check(failures, role, what, client, "POST", url, data=data)
            if number:
                continue
            for what, raw in RAW_FORM_PAYLOADS.items():
                body = b"csrf_token=" + token.encode() + b"&" + b"&".join(
                    name.encode() + b"=" + raw for name in sorted(field_names) if name != "csrf_token")
                _check(failures, role, what, client, "POST", url, data=body, content_type=FORM_TYPE)
            body = b"csrf_token=" + token.encode() + b"&name=" + MEGABYTE
            _check(failures, role, "a megabyte", client, "POST", url, data=body, content_type=FORM_TYPE)
            for what, raw in JSON_PAYLOADS.items():
                _check(failures, role, what, client, "POST", url, data=raw, content_type="application/json",
                       headers={"X-CSRFToken": token})
    assert not failures, "\n".join(map(str, failures))


def test_an_id_beyond_the_databases_range_is_simply_not_found(app, world):
    learner = _client(app, "learner")
    assert learner.get("/attempts/2147483648").status_code == 404
    assert learner.get(f"/attempts/{world.ids['attempt_id']}").status_code == 200
    assert _client(app, "trainer").get("/cohorts/99999999999999999999").status_code == 404


def test_a_nul_in_a_form_is_refused_with_a_message_and_changes_nothing(app, world):
    learner = _client(app, "learner")
    response = learner.post("/account/profile", data={
        "full_name": "Ana\x00Evil", "gender": "female", "agency": "", "velayat": "", "position": "", "email": "",
        "csrf_token": csrf_token(learner, "/account/profile")})
    assert response.status_code == 400
    assert "cannot be stored" in response.get_data(as_text=True)
    assert "Evil" not in learner.get("/account/profile").get_data(as_text=True)


def test_a_nul_in_the_sign_in_form_is_refused(app, world):
    client = app.test_client()
    response = client.post("/login", data={"username": "ana\x00", "password": "x", "csrf_token": csrf_token(client)})
    assert response.status_code == 400


def test_the_autosave_refuses_deep_large_and_broken_json_with_a_reason(app, world):
    learner = _client(app, "learner")
    token = csrf_token(learner, f"/attempts/{world.ids['attempt_id']}")
    url = f"/attempts/{world.ids['attempt_id']}/answers/q1"
    for what, raw in JSON_PAYLOADS.items():
        response = learner.post(url, data=raw, content_type="application/json", headers={"X-CSRFToken": token})
        assert response.status_code == 400, what
        assert response.get_json()["ok"] is False and response.get_json()["error"], what
    good = learner.post(url, json={"fields": [["q1", "a"]]}, headers={"X-CSRFToken": token})
    assert good.status_code == 200 and good.get_json()["ok"] is True


def test_the_session_day_and_attendance_ids_in_forms_are_checked(app, world):
    trainer = _client(app, "trainer")
    url = f"/cohorts/{world.ids['cohort_id']}/days/{world.ids['day_id']}"
    response = trainer.post(url, data={"u-99999999999999999999": "present", "csrf_token": csrf_token(trainer, url)})
    assert response.status_code == 400
    assert trainer.get(url).status_code == 200
