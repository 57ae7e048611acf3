"""Pooled database connections: reused without a ping while busy, checked and replaced after lying idle."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text

from course import pooling
from course.extensions import db


def _readyz_database(client) -> str:
    return client.get("/readyz").get_json()["checks"]["database"]


@pytest.fixture
def pings(app, monkeypatch):
    """How many times the pool asked a connection whether the server is there."""
    asked = []
    dialect = db.engine.dialect
    original = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda connection: asked.append(1) or original(connection))
    return asked


def test_a_connection_in_use_a_moment_ago_is_reused_without_a_ping(app, client, pings):
    for _ in range(3):
        assert _readyz_database(client) == "ok"
    assert pings == []


def test_a_connection_that_lay_idle_is_asked_first(app, client, pings, monkeypatch):
    assert _readyz_database(client) == "ok"
    monkeypatch.setattr(pooling, "IDLE_BEFORE_PING", 0.0)
    assert _readyz_database(client) == "ok"
    assert pings


def test_an_idle_connection_the_server_dropped_is_replaced_before_a_request_sees_it(app, client, is_postgres,
                                                                                   database_url, monkeypatch):
    if not is_postgres:
        pytest.skip("an SQLite database has no server to drop a connection")
    db.session.remove()
    pid = db.session.scalar(text("SELECT pg_backend_pid()"))
    db.session.remove()  # back to the pool: the next request borrows this connection
    with psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
    monkeypatch.setattr(pooling, "IDLE_BEFORE_PING", 0.0)
    assert _readyz_database(client) == "ok"
    assert db.session.scalar(text("SELECT pg_backend_pid()")) != pid
