"""Cut a long list into pages of a fixed size: a coordinator's 400 cohorts are read 50 at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from sqlalchemy import Select, func, select

from course.extensions import db


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    number: int
    pages: int
    total: int
    #: Links to the previous and next page (None at either end), keeping the request's other arguments.
    previous_url: str | None
    next_url: str | None


def _number_and_links(total: int, per_page: int, arg: str, anchor: str | None):
    """The page number ``?<arg>=`` asks for (a number out of range or not a number gives the nearest page), the
    number of pages, and the links to the pages either side."""
    pages = max(1, -(-total // per_page))
    try:
        number = min(max(int(request.args.get(arg, "1")[:9]), 1), pages)
    except ValueError:
        number = 1

    def link(target: int) -> str | None:
        if not 1 <= target <= pages or target == number:
            return None
        return url_for(request.endpoint, **{**request.view_args, **request.args.to_dict(), arg: target},
                       _anchor=anchor)

    return number, pages, link(number - 1), link(number + 1)


def paginate(items: Sequence[Any], *, per_page: int, arg: str = "page", anchor: str | None = None) -> Page:
    """The page of ``items`` (already read) that ``?<arg>=`` asks for."""
    number, pages, previous_url, next_url = _number_and_links(len(items), per_page, arg, anchor)
    start = (number - 1) * per_page
    return Page(items[start:start + per_page], number, pages, len(items), previous_url, next_url)


def paginate_query(query: Select, *, per_page: int, arg: str = "page", anchor: str | None = None) -> Page:
    """The page of an ordered query's rows that ``?<arg>=`` asks for: a count and one page of rows are read,
    however many there are."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    number, pages, previous_url, next_url = _number_and_links(total, per_page, arg, anchor)
    items = list(db.session.scalars(query.offset((number - 1) * per_page).limit(per_page)))
    return Page(items, number, pages, total, previous_url, next_url)
