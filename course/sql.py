"""Helpers for code that reads or writes thousands of rows at once (reports, summaries, demo data)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Select, Subquery, select, true

from course.extensions import db


def plain_rows(query: Select, parameters: Mapping[str, Any] | None = None) -> list[Any]:
    """Rows through the session's connection: no ORM identity map, which dominates when reading thousands.
    ``parameters``: values of the query's bind parameters (a query built once and run many times).

    The connection does not autoflush: flush first when pending objects must be seen.
    """
    return db.session.connection().execute(query, parameters).all()


def side_by_side(parts: Sequence[Subquery]) -> Select:
    """One row of the columns of one-row subqueries, in one statement (a signature of counts and latest stamps
    read in one round trip): each is joined on true, so the product is that row."""
    joined = parts[0]
    for part in parts[1:]:
        joined = joined.join(part, true())
    return select(*(column for part in parts for column in part.columns)).select_from(joined)


def chunks(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """``rows`` in slices of ``size``, for batched INSERTs."""
    for start in range(0, len(rows), size):
        yield rows[start:start + size]
