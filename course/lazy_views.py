"""Blueprints whose routes are known from the start and whose code is imported when first asked for.

Why: importing every view module, with the services, forms and queries each imports, was a quarter of a server's
cold start (issue 20; measured in bench/RESULTS.md), and a worker that never serves the coordinator's reports
or the paper quizzes need not hold their code. This is Flask's "lazily loading views" pattern, kept honest:

- the URL map is built at start from ``course/routes.json`` (in the blueprints' order), which
  ``python -m course.lazy_views`` writes from the blueprints themselves and the tests compare with them (a
  route added without it fails the suite);
- until its blueprint is loaded, each route's view is a stand-in;
- the first request for a blueprint (before any of the app's request hooks, CSRF's included) imports its
  modules and puts its views and its own request hooks in place, once per app, under a lock;
- a blueprint that would change the app in any other way (an app-wide hook, an error handler, a command) says
  so when it loads: it belongs in ``EAGER``.

``url_for`` works for every route from the start: the rules are all there, only the code is not.
"""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app

MANIFEST = Path(__file__).with_name("routes.json")
EXTENSION = "course.lazy_views"

#: Registered at start: sign-in is every visit's first page and hooks every request; the logo is on it.
EAGER = {
    "auth": ("course.auth.views",),
    "branding": ("course.branding",),
}

#: Loaded on first use: the module that defines each blueprint first, then the modules that add routes to it.
LAZY = {
    "account": ("course.account.views",),
    "learn": ("course.learn.views",),
    "quiz": ("course.quiz.views",),
    "cohorts": ("course.cohorts.blueprint", "course.cohorts.views", "course.cohorts.roster_views"),
    "cascade": ("course.cascade.views",),
    "certificates": ("course.certificates.views",),
    "credentials": ("course.credentials.views",),
    "people": ("course.people.views",),
    "admin": ("course.admin.views",),
    "reports": ("course.reports.views", "course.reports.programme_views"),
    "attendance": ("course.attendance.views",),
    "practice": ("course.practice.views",),
    "evaluation": ("course.evaluation.views",),
    "follow_up": ("course.follow_up.views",),
    "review": ("course.review.views",),
    "trainer_quizzes": ("course.trainer_quizzes.views",),
    "paper": ("course.paper.views",),
    "packs": ("course.packs.views",),
    "devices": ("course.sync.views",),
    "sync_link": ("course.sync.api",),
}

#: Template globals the pages of several blueprints use (the cohort pages' tabs and badge): the app knows them
#: from the start and imports each on its first call.
TEMPLATE_GLOBALS = {
    "cohort_tabs": "course.cohorts.blueprint:cohort_tabs",
    "cohort_status_label": "course.cohorts.blueprint:cohort_status_label",
}

#: The request hooks a blueprint keeps for its own routes (Flask's names); they move with it when it loads.
_OWN_HOOKS = ("url_value_preprocessors", "before_request_funcs", "after_request_funcs", "teardown_request_funcs",
              "url_default_functions", "template_context_processors")


def imported(where: str) -> Any:
    """What ``"module:attribute"`` names, importing the module if it is not yet."""
    module, attribute = where.split(":")
    return getattr(importlib.import_module(module), attribute)


def _imported_when_called(where: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return imported(where)(*args, **kwargs)

    call.__name__ = where.rpartition(":")[2]
    return call


def imported_blueprint(modules: tuple[str, ...]) -> Blueprint:
    """Import a blueprint's modules; the first one defines it as ``bp``."""
    imported = [importlib.import_module(name) for name in modules]
    return imported[0].bp


class _AppStandIn:
    """Stands for the app while a loading blueprint replays its setup: takes the views of its routes (the rules
    are in the URL map already) and passes on its template globals, filters and tests; anything else fails
    loudly."""

    def __init__(self, app: Flask):
        self._app = app
        self.views: dict[str, Callable[..., Any]] = {}

    def add_url_rule(self, _rule: str, endpoint: str, view_func: Callable[..., Any], **_options: Any) -> None:
        self.views[endpoint] = view_func

    @property
    def jinja_env(self) -> Any:
        """Where a blueprint's app-wide template globals, filters and tests go."""
        return self._app.jinja_env

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"a lazily loaded blueprint changed the app ({name}); list it in course.lazy_views.EAGER")


class LazyBlueprints:
    """The blueprints of one app not loaded yet, with the endpoints the manifest gave each."""

    def __init__(self, app: Flask, endpoints: dict[str, set[str]]):
        self._app = app
        self._endpoints = endpoints
        self._loaded: set[str] = set()
        self._lock = threading.Lock()

    def load(self, name: str) -> None:
        if name in self._loaded or name not in self._endpoints:
            return
        with self._lock:
            if name not in self._loaded:
                self._put_in_place(name)
                self._loaded.add(name)

    def load_all(self) -> None:
        for name in self._endpoints:
            self.load(name)

    def load_for_request(self, endpoint: str | None, _values: Any) -> None:
        """An app-wide URL value preprocessor, the first of them: Flask runs these before any request hook."""
        if endpoint:
            self.load(endpoint.rpartition(".")[0])

    def _put_in_place(self, name: str) -> None:
        blueprint = imported_blueprint(LAZY[name])
        if blueprint.error_handler_spec or blueprint.cli.commands or blueprint._blueprints:  # noqa: SLF001
            raise RuntimeError(f"blueprint {name} has error handlers, commands or nested blueprints; "
                               "list it in course.lazy_views.EAGER")
        stand_in = _AppStandIn(self._app)
        state = blueprint.make_setup_state(stand_in, {}, first_registration=True)  # type: ignore[arg-type]
        for deferred in blueprint.deferred_functions:
            deferred(state)
        if set(stand_in.views) != self._endpoints[name]:
            raise RuntimeError(f"course/routes.json is out of date for blueprint {name}: "
                               "run python -m course.lazy_views")
        for hooks in _OWN_HOOKS:
            for function in getattr(blueprint, hooks).get(None, ()):
                getattr(self._app, hooks).setdefault(name, []).append(function)
        self._app.blueprints[name] = blueprint  # found there by name: Flask-WTF's exemptions, for one
        self._app.view_functions.update(stand_in.views)


def _stand_in_view(endpoint: str) -> Callable[..., Any]:
    """A route's view until its blueprint loads (a request loads it before the view is looked up; this serves
    a call from outside a request)."""
    def view(**values: Any) -> Any:
        current_app.extensions[EXTENSION].load(endpoint.rpartition(".")[0])
        return current_app.view_functions[endpoint](**values)

    view.__name__ = f"lazy_{endpoint.replace('.', '_')}"
    return view


def register(app: Flask) -> None:
    """Register the eager blueprints, and every other route from the manifest with a stand-in view."""
    for modules in EAGER.values():
        app.register_blueprint(imported_blueprint(modules))
    routes = json.loads(MANIFEST.read_text(encoding="utf-8"))
    endpoints: dict[str, set[str]] = {}
    stand_ins: dict[str, Callable[..., Any]] = {}  # one per endpoint: an endpoint may have several rules
    for route in routes:
        endpoint = route["endpoint"]
        endpoints.setdefault(endpoint.rpartition(".")[0], set()).add(endpoint)
        view = stand_ins.setdefault(endpoint, _stand_in_view(endpoint))
        app.add_url_rule(route["rule"], endpoint, view, methods=route["methods"], defaults=route.get("defaults"))
    lazy = app.extensions[EXTENSION] = LazyBlueprints(app, endpoints)
    app.url_value_preprocessors.setdefault(None, []).insert(0, lazy.load_for_request)
    app.jinja_env.globals.update({name: _imported_when_called(where) for name, where in TEMPLATE_GLOBALS.items()})


def describe(rule: Any) -> dict[str, Any]:
    """What the manifest keeps of a rule: what ``add_url_rule`` is given. Flask adds HEAD (with GET) and OPTIONS
    again by itself."""
    automatic = {"HEAD"} if "GET" in rule.methods else set()
    if rule.provide_automatic_options:
        automatic.add("OPTIONS")
    route = {"endpoint": rule.endpoint, "rule": rule.rule, "methods": sorted(rule.methods - automatic)}
    if rule.defaults:
        route["defaults"] = rule.defaults
    return route


def eager_app() -> Flask:
    """A bare app with every lazily loaded blueprint registered the usual way: what the manifest is written
    from, and what the tests compare a lazily loading app with."""
    from course import inputs  # noqa: PLC0415  (the app's URL converters)

    app = Flask(__name__)
    inputs.register(app)
    for modules in LAZY.values():
        app.register_blueprint(imported_blueprint(modules))
    return app


def eager_routes() -> list[dict[str, Any]]:
    """Every route of the lazily loaded blueprints, as registering them eagerly makes them, in the order they are
    registered: where two rules share a path, werkzeug tries them in that order (a GET for an id out of range is
    a 404 or a 405 by it)."""
    return [describe(rule) for rule in eager_app().url_map.iter_rules() if rule.endpoint != "static"]


def write_manifest() -> int:
    routes = eager_routes()
    lines = ",\n".join(json.dumps(route, ensure_ascii=False) for route in routes)  # one route a line: diffs read well
    MANIFEST.write_text(f"[\n{lines}\n]\n", encoding="utf-8")
    return len(routes)


if __name__ == "__main__":
    print(f"{write_manifest()} routes written to {MANIFEST}")  # noqa: T201
