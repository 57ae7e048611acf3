"""Searching names as people type them: any case, and without the letters a keyboard may not have.

A coordinator types "durdyyewa" for Durdyýewa, "ЕЛКИН" for Ёлкин, "sirin" for Şirin. The folding maps capitals
to small letters and the Turkmen and Russian letters with marks to their plain forms, by one table used in
Python and in SQL alike (PostgreSQL's ``translate``; a function of the same table on SQLite), so both
databases find exactly the same rows, whatever the server's locale.
"""

from __future__ import annotations

import string

from sqlalchemy import ColumnElement, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String

_CYRILLIC_CAPITALS = "".join(chr(code) for code in range(ord("А"), ord("Я") + 1))
_FROM = (string.ascii_uppercase + _CYRILLIC_CAPITALS + "Ёё" + "ÝÄÖÜÇŇŞŽ" + "ýäöüçňşž" + "ӘӨҮҖҢ" + "әөүҗң"
         + "ÁÉÍÓÚáéíóú")
_TO = (string.ascii_lowercase + _CYRILLIC_CAPITALS.lower() + "ее" + "yaoucnsz" + "yaoucnsz" + "аоужн" + "аоужн"
       + "aeiouaeiou")
_TABLE = str.maketrans(_FROM, _TO)
#: The longest search text read: a name or two, never a page.
MAX_LENGTH = 100


def fold(text: str) -> str:
    """``text`` as searches compare it."""
    return text.translate(_TABLE)


class folded(FunctionElement):  # noqa: N801 - used like an SQL function: folded(User.full_name)
    """An SQL expression: the column folded as :func:`fold` folds text."""

    type = String()
    inherit_cache = True


@compiles(folded)
def _folded_sqlite(element, compiler, **kw) -> str:
    return f"course_fold({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element, compiler, **kw) -> str:
    return (f"translate({compiler.process(element.clauses, **kw)}, "
            f"{compiler.render_literal_value(_FROM, String())}, {compiler.render_literal_value(_TO, String())})")


def sqlite_fold(value):
    """The SQLite side of :class:`folded` (registered on every SQLite connection)."""
    return fold(value) if isinstance(value, str) else value


def matches(text: str, *columns) -> ColumnElement[bool] | None:
    """A condition: ``text`` (folded, stripped, wildcards taken literally) occurs in any of ``columns``; None
    for an empty search."""
    wanted = fold(text.strip()[:MAX_LENGTH])
    if not wanted:
        return None
    return or_(*(folded(column).contains(wanted, autoescape=True) for column in columns))
