"""Settings, read from ``COURSE_*`` environment variables.

The same code runs on a trainer's laptop (SQLite in the instance folder, a
secret generated once) and on a central server (PostgreSQL, an explicit
secret). Only configuration differs, and production refuses unsafe defaults.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: The checkout that holds ``modules/``, ``quizzes/`` and ``templates/``.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

SECRET_KEY_FILE = "secret_key"  # noqa: S105  (a file name, not a secret)
MIN_PRODUCTION_SECRET_BYTES = 32
LANGUAGES = ("en", "ru", "tk")


class ConfigError(RuntimeError):
    """The environment asks for something the app must not run with."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"COURSE_{name}")
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"COURSE_{name} must be a whole number, not {raw!r}") from exc


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs, as operators usually write them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def private_file(path: Path, make: Callable[[], str]) -> str:
    """The text of a file only the server's user may read, written with ``make()`` the first time.

    Several workers may start at once: the first to create the file wins, the others read theirs.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker made it first; use theirs
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(make())
    return path.read_text(encoding="utf-8")


def instance_secret_key(instance_path: Path) -> str:
    """Return the secret kept in the instance folder, creating it once.

    A laptop install must survive restarts without logging everyone out, and
    must not ship a secret in the repository.
    """
    path = instance_path / SECRET_KEY_FILE
    key = private_file(path, lambda: secrets.token_hex(32)).strip()
    if len(key) < MIN_PRODUCTION_SECRET_BYTES:
        raise ConfigError(f"{path} is empty or too short; delete it and a new secret will be generated.")
    return key


#: A device's short name in certificate serials: read aloud and typed, so plain capitals and digits.
DEVICE_PREFIX = re.compile(r"[A-Z][A-Z0-9]{1,7}")


def build_config(instance_path: Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Assemble the Flask config from the environment, then apply ``overrides`` (tests)."""
    overrides = dict(overrides or {})
    env = overrides.get("ENV_NAME") or _env("ENV", "development")
    content_dir = Path(overrides.get("CONTENT_DIR") or _env("CONTENT_DIR", str(PROJECT_ROOT)))
    database_url = overrides.get("SQLALCHEMY_DATABASE_URI") or _env(
        "DATABASE_URL", f"sqlite:///{instance_path / 'cascade.sqlite3'}"
    )
    production = env == "production"

    config: dict[str, Any] = {
        "ENV_NAME": env,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # Connections idle for a while are checked before reuse instead (course.pooling): a ping before every
        # request cost each one a round trip.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
        "CONTENT_DIR": content_dir,
        "DEFAULT_LOCALE": _env("DEFAULT_LOCALE", "en"),
        "LANGUAGES": LANGUAGES,
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "BASE_URL": _env("BASE_URL"),
        # Sessions: cookies only over HTTPS in production; never readable by scripts.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Training rooms share machines: "keep me signed in" lasts two weeks, not Flask-Login's year.
        "REMEMBER_COOKIE_DURATION": timedelta(days=_env_int("REMEMBER_DAYS", 14)),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_env_int("SESSION_HOURS", 12)),
        # No request body over 2 MiB: uploads are roster files of at most 512 KB, and the server stops reading early.
        "MAX_CONTENT_LENGTH": _env_int("MAX_UPLOAD_KB", 2048) * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # a form left open through a long session must still submit
        # Login throttling (see course.auth.throttle).
        "LOGIN_MAX_FAILURES": _env_int("LOGIN_MAX_FAILURES", 10),
        "LOGIN_ADDRESS_MAX_FAILURES": _env_int("LOGIN_ADDRESS_MAX_FAILURES", 30),
        "LOGIN_ACCOUNT_MAX_FAILURES": _env_int("LOGIN_ACCOUNT_MAX_FAILURES", 50),
        "LOGIN_FAILURE_WINDOW_MINUTES": _env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15),
        # Argon2id parameters; tests lower them so hashing does not dominate run time.
        "ARGON2_TIME_COST": _env_int("ARGON2_TIME_COST", 3),
        "ARGON2_MEMORY_COST": _env_int("ARGON2_MEMORY_COST", 64 * 1024),
        "ARGON2_PARALLELISM": _env_int("ARGON2_PARALLELISM", 2),
        "PROXY_FIX_HOPS": _env_int("PROXY_FIX_HOPS", 0),
        # Printed on certificates as the issuing body; empty: "Cascade training programme", translated.
        "CERTIFICATE_ISSUER": _env("CERTIFICATE_ISSUER", ""),
        # The sign-in page names the programme and shows its logo (a PNG, SVG or JPEG; relative to the instance).
        "PROGRAMME_NAME": _env("PROGRAMME_NAME", ""),
        "LOGO": _env("LOGO", ""),
        # Public certificate checks per client address in 10 minutes (the page needs no sign-in).
        "VERIFY_MAX_PER_10_MINUTES": _env_int("VERIFY_MAX_PER_10_MINUTES", 30),
        # Self-registrations with a cohort code per client address in an hour.
        "REGISTER_MAX_PER_HOUR": _env_int("REGISTER_MAX_PER_HOUR", 40),
        # The programme's clock: times are shown, and "today" counted (a cohort's last day, a session day), here.
        "TIMEZONE": _env("TIMEZONE", "Asia/Ashgabat"),
        # Logs: one JSON object a line (for journald, Loki...) in production, Flask's readable lines otherwise.
        "LOG_FORMAT": _env("LOG_FORMAT", "json" if production else "text"),
        "LOG_LEVEL": _env("LOG_LEVEL", "INFO"),
        # Prometheus metrics at /metrics (per process; off unless asked).
        "METRICS": _env("METRICS", "0") in ("1", "true", "yes"),
        # Addresses /metrics answers (the monitoring host); anyone else gets 404.
        "METRICS_FROM": [a.strip() for a in (_env("METRICS_FROM", "127.0.0.1,::1") or "").split(",") if a.strip()],
        # Requests a process serves between two hand-backs of freed memory to the system; 0 never (course.warm).
        "TRIM_MEMORY_EVERY": _env_int("TRIM_MEMORY_EVERY", 50),
        # Backups `course init` takes before it upgrades a database with data, kept in the instance's backups/.
        "BACKUPS_KEPT": _env_int("BACKUPS_KEPT", 5),
        # A section counts as read after it was open for its words at this pace (three times a careful reader's
        # 200 a minute), at least 10 s and at most 3 min; 0 counts every "Next" (course.learn.pace).
        "READING_WORDS_PER_MINUTE": _env_int("READING_WORDS_PER_MINUTE", 600),
        # The trainer dashboard flags learners who have not started this many days after enrolling.
        "ATTENTION_AFTER_DAYS": _env_int("ATTENTION_AFTER_DAYS", 7),
        # A field laptop's short name (e.g. MARY1), put in the serials of the certificates it issues so two devices
        # can never issue the same serial; empty on the central server.
        "DEVICE_PREFIX": _env("DEVICE_PREFIX", ""),
    }
    config.update(overrides)
    try:
        ZoneInfo(config["TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"COURSE_TIMEZONE={config['TIMEZONE']!r} is not a time zone (e.g. Asia/Ashgabat)") from None
    config["BABEL_DEFAULT_TIMEZONE"] = config["TIMEZONE"]
    if config["DEFAULT_LOCALE"] not in LANGUAGES:
        raise ConfigError(f"COURSE_DEFAULT_LOCALE must be one of {', '.join(LANGUAGES)}")
    if config["DEVICE_PREFIX"] and not DEVICE_PREFIX.fullmatch(config["DEVICE_PREFIX"]):
        raise ConfigError("COURSE_DEVICE_PREFIX must be 2 to 8 capital letters or digits, starting with a letter "
                          "(e.g. MARY1)")
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    config["SECRET_KEY"] = _resolve_secret(config, instance_path, production)
    if production:
        refuse_debugging(config)
    return config


def refuse_debugging(config: Mapping[str, Any]) -> None:
    """Production never starts with the debugger (it runs any code a visitor sends it), the test mode or CSRF
    protection turned off, however they were asked for: FLASK_DEBUG, a config value, ``--debug``."""
    from flask.helpers import get_debug_flag  # noqa: PLC0415  (Flask reads FLASK_DEBUG the same way)

    unsafe = [name for name, on in (
        ("FLASK_DEBUG", get_debug_flag()), ("DEBUG", config.get("DEBUG")), ("TESTING", config.get("TESTING")),
        ("WTF_CSRF_ENABLED=False", config.get("WTF_CSRF_ENABLED") is False),
    ) if on]
    if unsafe:
        raise ConfigError(f"COURSE_ENV=production refuses to start with {', '.join(unsafe)}: debugging and test "
                          "settings are for development only.")


def _resolve_secret(config: Mapping[str, Any], instance_path: Path, production: bool) -> str:
    explicit = config.get("SECRET_KEY") or _env("SECRET_KEY")
    if production:
        if not explicit or len(explicit.encode("utf-8")) < MIN_PRODUCTION_SECRET_BYTES:
            raise ConfigError(
                "COURSE_ENV=production needs COURSE_SECRET_KEY of at least "
                f"{MIN_PRODUCTION_SECRET_BYTES} bytes (for example: python -c "
                "'import secrets; print(secrets.token_hex(32))')."
            )
        return explicit
    return explicit or instance_secret_key(instance_path)
