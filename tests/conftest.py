"""Fixtures: an app per test on SQLite or PostgreSQL, users, signed-in clients, query counting.

Set ``COURSE_TEST_DATABASE_URL`` to run the whole suite on another database,
for example ``postgresql://postgres@127.0.0.1:5432/test``. Tables are created
once per run and emptied after each test, which keeps PostgreSQL runs fast.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from sqlalchemy import Engine, Integer, event, text

from course import create_app
from course.config import normalise_database_url
from course.extensions import db

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
PROJECT_ROOT = Path(__file__).parent.parent
TEST_PASSWORD = "correct horse battery"


def _database_url_for_run(tmp_path_factory) -> str:
    """SQLite: a file of this run's own. PostgreSQL: the given database, or with pytest-xdist (``-n``) a database
    of each worker's own beside it (``test_gw0``...), made when missing: workers never share tables."""
    url = os.environ.get("COURSE_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    url = normalise_database_url(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    from sqlalchemy import create_engine  # noqa: PLC0415
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    base = make_url(url)
    own = base.set(database=f"{base.database}_{worker}")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                  {"name": own.database}).first():
            connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    admin.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return _database_url_for_run(tmp_path_factory)


@pytest.fixture(scope="session")
def is_postgres(database_url) -> bool:
    return database_url.startswith("postgresql")


def base_config(database_url: str, instance_dir: Path, content_dir: Path = FIXTURE_CONTENT) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CONTENT_DIR": content_dir,
        "INSTANCE_DIR": str(instance_dir),
        # Cheap hashing: the suite checks behaviour, not the cost parameters.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8,
        "ARGON2_PARALLELISM": 1,
        # Tests compute "today" as UTC's; the programme's time zone has tests of its own (test_days).
        "TIMEZONE": "UTC",
        # Tests post "Next" without waiting; the reading rule is switched on by its own tests (test_reading_pace).
        "READING_WORDS_PER_MINUTE": 0,
    }


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    """Create the tables once per run (the migration test checks they match Alembic)."""
    app = create_app(base_config(database_url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


def _empty_tables(is_postgres: bool) -> None:
    """Every table emptied, children first, and on PostgreSQL every id sequence started again at 1.

    DELETE, not TRUNCATE: a test leaves a few rows in a few of some sixty tables, and PostgreSQL's TRUNCATE pays
    a fixed cost per table (new files, cache invalidation) that made emptying them take most of a second."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    if is_postgres:
        db.session.execute(_restart_sequences())
    db.session.commit()


@cache
def _restart_sequences():
    """One SELECT that sets the id sequence of every table with one back to 1 (ids are as in a new database)."""
    keyed = [table.name for table in db.metadata.sorted_tables
             if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement in (True, "auto")
             and isinstance(table.c.id.type, Integer)]
    return text("SELECT " + ", ".join(f"setval(pg_get_serial_sequence('{name}', 'id'), 1, false)" for name in keyed))


@pytest.fixture
def content_dir() -> Path:
    """The content the app serves; tests that edit content override this with a copy."""
    return FIXTURE_CONTENT


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    The ``app`` fixture keeps an app context open so tests can use
    ``db.session``; without this, requests would share its ``g`` (and so the
    signed-in user) and its database session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


class _SharedBytecode(BytecodeCache):
    """Compiled templates shared by the apps of one test process: each test makes its own app, whose Jinja
    environment would otherwise parse and compile every template it renders again (a tenth of the suite's
    time). Jinja checks each template's source checksum, so an edited template is compiled afresh."""

    def __init__(self):
        self.kept: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if (code := self.kept.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.kept[bucket.key] = bucket.bytecode_to_string()


_TEMPLATES_COMPILED = _SharedBytecode()


@event.listens_for(Engine, "connect")
def _no_fsync_for_throwaway_databases(dbapi_connection, _record) -> None:
    """The suite's SQLite files are thrown away with the run: waiting for the disk at each of a test's commits
    buys nothing. The durability the application relies on is tested where it is served as in production: the
    answers-never-lost test kills a real server, whose connections this listener (in the test process only)
    never touches."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()


@pytest.fixture
def app(_schema, database_url, is_postgres, tmp_path, content_dir):
    app = create_app(base_config(database_url, tmp_path / "instance", content_dir))
    app.jinja_env.bytecode_cache = _TEMPLATES_COMPILED
    app.test_client_class = FreshContextClient
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables(is_postgres)
        db.session.remove()
        db.engine.dispose()  # each test's app has its own pool; close it, do not leave it to GC


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def editable_content(tmp_path) -> Path:
    """A private copy of the fixture content that a test may change."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


@pytest.fixture
def synced(app):
    """The app with its content loaded."""
    from course.content.sync import sync_content

    sync_content(Path(app.config["CONTENT_DIR"]))
    db.session.commit()
    return app


@pytest.fixture
def make_user(app):
    """Create a user: ``make_user("ana", roles={Role.LEARNER}, tracks=("full",))``."""
    from course.auth.services import create_user
    from course.learn.enrolment import enrol
    from course.learn.queries import load_catalogue
    from course.models.user import Role

    def make(username: str, roles=None, *, tracks=(), password: str = TEST_PASSWORD,
             must_change_password: bool = False, **fields):
        user, _ = create_user(username, set(roles or {Role.LEARNER}), password=password, **fields)
        user.must_change_password = must_change_password
        for track_id in tracks:
            enrol(user, load_catalogue(), track_id)
        db.session.commit()
        return user

    return make


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str = "/login") -> str:
    """The CSRF token from a rendered form, as a browser would submit it."""
    page = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def sign_in(client, username: str, password: str = TEST_PASSWORD, **extra):
    data = {"username": username, "password": password, "csrf_token": csrf_token(client), **extra}
    return client.post("/login", data=data)


@pytest.fixture
def login(client):
    """Sign the test client in: ``login("ana")``."""

    def do(username: str, password: str = TEST_PASSWORD):
        response = sign_in(client, username, password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return do


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: ...`` then ``counter.count``."""

    class Counter:
        count = 0
        statements: list[str] = []  # noqa: RUF012

    @contextmanager
    def counting() -> Iterator[Counter]:
        counter = Counter()
        counter.statements = []

        def before(_conn, _cursor, statement, *_args):
            counter.count += 1
            counter.statements.append(statement)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def empty_database_app(database_url, is_postgres, tmp_path):
    """An app on a database with no tables at all, for migrations and ``course init``.

    On PostgreSQL this is a fresh schema in the test database, found through
    the connection's search_path, and dropped afterwards.
    """
    from sqlalchemy import create_engine

    schema = f"empty_{os.getpid()}_{tmp_path.name[-12:]}".replace("-", "_").lower()
    if is_postgres:
        admin = create_engine(database_url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{database_url}{'&' if '?' in database_url else '?'}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    app = create_app(base_config(url, tmp_path / "empty-instance", FIXTURE_CONTENT))
    app.test_client_class = FreshContextClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if is_postgres:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
