"""Cascade: a training-of-trainers course engine.

``create_app`` only wires things together: it reads configuration, attaches
extensions and blueprints, and returns. It never touches the database;
creating, migrating and filling it are jobs for the ``course`` command.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from course.gc_pause import collector_paused

# Uploaded workbooks (rosters, question spreadsheets) are parsed by openpyxl through defusedxml, which refuses XML
# bombs and raises the errors the readers catch. openpyxl switches to lxml when it is installed (python-docx, for
# the trainers' packs, brings it): keep the one parser every uploaded workbook was tested with.
os.environ.setdefault("OPENPYXL_LXML", "False")

with collector_paused():  # the libraries' import is most of the objects a start creates
    from flask import Flask
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from werkzeug.middleware.proxy_fix import ProxyFix

    from course.config import PROJECT_ROOT, build_config, refuse_debugging
    from course.days import DAY_HINT, DAY_PLACEHOLDER
    from course.extensions import babel, csrf, db, login_manager, migrate
    from course.search import sqlite_fold

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, _record) -> None:
    """SQLite ignores foreign keys unless asked, per connection; and its lower() knows only ASCII.

    Searching names written in Cyrillic or Turkmen Latin needs a lower() that knows
    every letter, as PostgreSQL's does, so SQLite gets Python's; and the folding of
    ``course.search``, which PostgreSQL does with ``translate``.
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
        dbapi_connection.create_function("course_fold", 1, sqlite_fold, deterministic=True)


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides the environment (tests use it)."""
    with collector_paused():  # the first call imports the models and the app's wiring (course.gc_pause)
        return _build_app(config)


def _build_app(config: Mapping[str, Any] | None) -> Flask:
    instance_path = Path((config or {}).get("INSTANCE_DIR") or os.environ.get("COURSE_INSTANCE_DIR")
                         or PROJECT_ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=str(instance_path.resolve()),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.update(build_config(instance_path, config))
    if app.config["ENV_NAME"] == "production":
        refuse_debugging({**app.config, "DEBUG": app.debug})  # Flask's own reading of the debug flag, too

    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from course import inputs, lazy_views, observability  # noqa: PLC0415  (wiring only)

    observability.install(app)  # first: the request id and the clock start before anything else runs
    inputs.register(app)  # before any route: the routes' id converter is its
    _init_extensions(app)
    lazy_views.register(app)  # each blueprint's code is imported when a request first asks for it

    from course import command, errors, formatting, security  # noqa: PLC0415  (wiring only)
    from course.warm import trim_memory_periodically  # noqa: PLC0415

    errors.register(app)
    formatting.register(app)
    security.register(app)
    command.register(app)
    trim_memory_periodically(app)
    return app


def _init_extensions(app: Flask) -> None:
    from course import models  # noqa: F401, PLC0415  (every table known to Alembic)
    from course.chrome import page_chrome  # noqa: PLC0415
    from course.i18n import install_template_gettext, select_locale  # noqa: PLC0415
    from course.pooling import check_idle_connections  # noqa: PLC0415
    from course.sync import stamping  # noqa: F401, PLC0415  (every change to a synced record is stamped)

    db.init_app(app)
    with app.app_context():
        check_idle_connections(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    app.context_processor(lambda: {"chrome": page_chrome()})
    # Every typed date reads one way (course.days): its hint and placeholder are the same on every page.
    app.jinja_env.globals.update(day_hint=DAY_HINT, day_placeholder=DAY_PLACEHOLDER)
