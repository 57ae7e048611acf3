"""Views imported on first use (course.lazy_views): the same routes, views and hooks as registering every
blueprint at start, and a start that imports none of them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Blueprint, Flask, url_for

from course import lazy_views
from course.lazy_views import EXTENSION, LAZY, describe, eager_app, eager_routes

ROOT = Path(__file__).resolve().parent.parent


def _lazy_routes(app: Flask) -> list[dict]:
    lazy_names = set(LAZY)
    return [describe(rule) for rule in app.url_map.iter_rules() if rule.endpoint.rpartition(".")[0] in lazy_names]


def test_the_manifest_is_the_routes_the_blueprints_declare():
    manifest = json.loads(lazy_views.MANIFEST.read_text(encoding="utf-8"))
    assert manifest == eager_routes(), "course/routes.json is out of date: run python -m course.lazy_views"


def test_an_app_has_every_route_from_the_start_with_the_rules_and_order_of_an_eager_registration(app):
    assert _lazy_routes(app) == eager_routes()
    with app.test_request_context():
        assert url_for("reports.dashboard") == "/reports"
        assert url_for("paper.sheet", number="ABCDEFGH").startswith("/paper/")


def test_the_first_request_for_a_blueprint_puts_its_views_and_hooks_in_place(app, client):
    eager = eager_app()
    assert app.view_functions["learn.glossary"] is not eager.view_functions["learn.glossary"]

    assert client.get("/glossary").status_code in (200, 302)
    assert app.view_functions["learn.glossary"] is eager.view_functions["learn.glossary"]
    assert app.view_functions["reports.dashboard"] is not eager.view_functions["reports.dashboard"]  # not asked for yet

    app.extensions[EXTENSION].load_all()
    for endpoint in (route["endpoint"] for route in eager_routes()):
        assert app.view_functions[endpoint] is eager.view_functions[endpoint], endpoint
    for hooks in ("before_request_funcs", "after_request_funcs", "teardown_request_funcs", "url_value_preprocessors",
                  "url_default_functions", "template_context_processors"):
        for name in LAZY:
            assert getattr(app, hooks).get(name, []) == getattr(eager, hooks).get(name, []), (hooks, name)
    assert {name: app.blueprints[name] for name in LAZY} == {name: eager.blueprints[name] for name in LAZY}
    for name in set(eager.jinja_env.globals) - set(Flask(__name__).jinja_env.globals):
        assert app.jinja_env.globals[name] is eager.jinja_env.globals[name], name


def test_the_cohort_pages_template_globals_are_there_before_the_cohorts_blueprint_loads(app, make_user):
    from course.cohorts.blueprint import cohort_status_label  # noqa: PLC0415
    from course.models.cohort import Cohort, CohortStatus  # noqa: PLC0415

    archived = Cohort(name="Archived", status=CohortStatus.ARCHIVED)
    assert "cohorts" not in app.blueprints
    assert app.jinja_env.globals["cohort_status_label"](archived) == cohort_status_label(archived)


def test_a_blueprint_is_put_in_place_once_however_often_it_is_asked_for(app):
    lazy = app.extensions[EXTENSION]
    lazy.load("sync_link")
    lazy.load("sync_link")
    assert len(app.before_request_funcs["sync_link"]) == 1


def test_a_view_called_outside_the_request_hooks_loads_its_blueprint_and_answers(app):
    stand_in = app.view_functions["reports.dashboard"]
    with app.test_request_context("/reports"):
        response = stand_in()
    assert app.view_functions["reports.dashboard"] is not stand_in
    assert response.status_code == 302  # the real view's sign-in check answered


def test_a_stale_manifest_or_an_app_wide_change_fails_loudly(app, monkeypatch):
    lazy = app.extensions[EXTENSION]
    monkeypatch.setitem(lazy._endpoints, "people", {"people.a_route_the_manifest_invented"})
    with pytest.raises(RuntimeError, match="routes.json is out of date"):
        lazy.load("people")

    meddling = Blueprint("meddling", __name__)
    meddling.before_app_request(lambda: None)
    meddling.add_url_rule("/meddling", "page", lambda: "")
    module = type(sys)("tests_meddling_views")
    module.bp = meddling
    monkeypatch.setitem(sys.modules, "tests_meddling_views", module)
    monkeypatch.setitem(LAZY, "meddling", ("tests_meddling_views",))
    monkeypatch.setitem(lazy._endpoints, "meddling", {"meddling.page"})
    with pytest.raises(RuntimeError, match="list it in course.lazy_views.EAGER"):
        lazy.load("meddling")


def test_a_start_imports_no_view_a_request_has_not_asked_for(synced, database_url, tmp_path):
    """In a fresh interpreter: the app, the warm-up of the live content and the sign-in page import none of the
    lazily loaded blueprints' modules."""
    lazy_modules = sorted({module for modules in LAZY.values() for module in modules})
    script = (
        "import sys\n"
        "from course import create_app\n"
        "from course.content.repository import _DATA_CACHE\n"
        "from course.warm import warm_up\n"
        "from tests.conftest import base_config\n"
        f"app = create_app(base_config({database_url!r}, {str(tmp_path / 'instance')!r}))\n"
        "warm_up(app)\n"
        "assert _DATA_CACHE, 'nothing was warmed'\n"
        "assert app.test_client().get('/login').status_code == 200\n"
        f"print(sorted(set({lazy_modules!r}) & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


def test_every_command_is_found_where_the_command_line_says_under_its_own_name(runner):
    from course.command import COMMANDS  # noqa: PLC0415

    for name, where in COMMANDS.items():
        assert lazy_views.imported(where).name == name
    listed = runner.invoke(args=["--help"]).output
    assert all(name in listed for name in COMMANDS)
    assert runner.invoke(args=["user", "list"]).exit_code == 0
