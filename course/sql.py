"""Helpers for code that reads or writes thousands of rows at once (reports, summaries, demo data)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Select

from course.extensions import db


def plain_rows(query: Select, parameters: Mapping[str, Any] | None = None) -> list[Any]:
    """Rows through the session's connection: no ORM identity map, which dominates when reading thousands.
    ``parameters``: values of the query's bind parameters (a query built once and run many times).

    The connection does not autoflush: flush first when pending objects must be seen.
    """
    return db.session.connection().execute(query, parameters).all()


def chunks(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """``rows`` in slices of ``size``, for batched INSERTs."""
    for start in range(0, len(rows), size):
        yield rows[start:start + size]
