"""Configuration from the environment, and the refusal to run production on defaults."""

from __future__ import annotations

import pytest

from course import create_app
from course.config import ConfigError, normalise_database_url


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("COURSE_SECRET_KEY", "COURSE_ENV", "COURSE_DATABASE_URL", "COURSE_INSTANCE_DIR"):
        monkeypatch.delenv(name, raising=False)


def test_development_generates_a_secret_once_and_keeps_it(tmp_path):
    first = create_app({"INSTANCE_DIR": str(tmp_path)})
    second = create_app({"INSTANCE_DIR": str(tmp_path)})
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_the_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    app = create_app({"INSTANCE_DIR": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'cascade.sqlite3'}"


@pytest.mark.parametrize("secret", [None, "too-short-secret"])
def test_production_refuses_to_start_without_a_strong_secret(tmp_path, monkeypatch, secret):
    monkeypatch.setenv("COURSE_ENV", "production")
    if secret:
        monkeypatch.setenv("COURSE_SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="at least 32 bytes"):
        create_app({"INSTANCE_DIR": str(tmp_path)})
    assert not (tmp_path / "secret_key").exists()


def test_production_accepts_an_explicit_secret_and_secures_cookies(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_ENV", "production")
    monkeypatch.setenv("COURSE_SECRET_KEY", "x" * 32)
    monkeypatch.setenv("COURSE_DATABASE_URL", "postgresql://u@db.example/cascade")
    app = create_app({"INSTANCE_DIR": str(tmp_path)})
    assert app.config["SECRET_KEY"] == "x" * 32
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/cascade"


def test_database_urls_are_normalised_for_psycopg():
    assert normalise_database_url("postgres://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("postgresql+psycopg://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_a_malformed_number_setting_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_LOGIN_MAX_FAILURES", "ten")
    with pytest.raises(ConfigError, match="COURSE_LOGIN_MAX_FAILURES must be a whole number"):
        create_app({"INSTANCE_DIR": str(tmp_path)})


def test_creating_the_app_touches_no_database(tmp_path):
    create_app({"INSTANCE_DIR": str(tmp_path)})
    assert not (tmp_path / "cascade.sqlite3").exists()


@pytest.mark.parametrize("prefix", ["mary1", "M", "MARY-1", "1MARY", "TOOLONG12"])
def test_a_device_prefix_that_cannot_go_into_a_serial_is_refused(tmp_path, monkeypatch, prefix):
    monkeypatch.setenv("COURSE_DEVICE_PREFIX", prefix)
    with pytest.raises(ConfigError, match="COURSE_DEVICE_PREFIX must be 2 to 8 capital letters or digits"):
        create_app({"INSTANCE_DIR": str(tmp_path)})


STRONG_SECRET = "s" * 64


@pytest.mark.parametrize(("variable", "value", "override"), [
    ("FLASK_DEBUG", "1", {}),
    ("FLASK_DEBUG", "true", {}),
    (None, None, {"DEBUG": True}),
    (None, None, {"TESTING": True}),
    (None, None, {"WTF_CSRF_ENABLED": False}),
])
def test_production_refuses_to_start_with_debugging_or_test_settings(tmp_path, monkeypatch, variable, value,
                                                                     override):
    monkeypatch.setenv("COURSE_ENV", "production")
    monkeypatch.setenv("COURSE_SECRET_KEY", STRONG_SECRET)
    if variable:
        monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match="refuses to start with"):
        create_app({"INSTANCE_DIR": str(tmp_path), **override})


def test_production_starts_with_debugging_off_and_development_may_debug(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "0")
    monkeypatch.setenv("COURSE_SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("COURSE_ENV", "production")
    assert not create_app({"INSTANCE_DIR": str(tmp_path)}).debug
    monkeypatch.setenv("COURSE_ENV", "development")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert create_app({"INSTANCE_DIR": str(tmp_path)}).debug


def test_the_command_line_refuses_debug_in_production(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from course.command import cascade_command as main

    monkeypatch.setenv("COURSE_ENV", "production")
    monkeypatch.setenv("COURSE_SECRET_KEY", STRONG_SECRET)
    monkeypatch.setenv("COURSE_INSTANCE_DIR", str(tmp_path))
    result = CliRunner().invoke(main, ["--debug", "routes"])
    assert result.exit_code != 0
    assert "refuses to start" in (result.output + str(result.exception))
