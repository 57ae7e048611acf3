"""Extension singletons, created unbound and attached in ``create_app``.

This is a leaf module: it imports nothing from ``course.*`` so that models,
services and blueprints can all import from here without import cycles.
"""

from typing import Any

from flask import Flask
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

#: Predictable constraint names, so Alembic can alter and drop them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model; carries the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DeferredMigrate:
    """Flask-Migrate, imported the first time it is used.

    Flask-Migrate and Alembic under it take a tenth of a second to import, and only ``course init``, the
    ``db`` commands and the migration tests use them: a server process never does, and starts that much
    sooner. ``app.extensions["migrate"]`` holds a stand-in until then, which sets the real one up on first use.
    """

    def init_app(self, app: Flask, database: SQLAlchemy, **options: Any) -> None:
        app.extensions["migrate"] = _MigrateOnFirstUse(app, database, options)


class _MigrateOnFirstUse:
    def __init__(self, app: Flask, database: SQLAlchemy, options: dict[str, Any]) -> None:
        self._app, self._db, self._options = app, database, options

    def __getattr__(self, name: str) -> Any:
        from flask_migrate import Migrate  # noqa: PLC0415  (the point of this class)

        Migrate(self._app, self._db, **self._options)  # replaces this stand-in in app.extensions
        return getattr(self._app.extensions["migrate"], name)


db = SQLAlchemy(model_class=Base)
migrate = DeferredMigrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
