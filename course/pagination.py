"""Cut a long list into pages of a fixed size: a coordinator's 400 cohorts are read 50 at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import request, url_for


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    number: int
    pages: int
    total: int
    #: Links to the previous and next page (None at either end), keeping the request's other arguments.
    previous_url: str | None
    next_url: str | None


def paginate(items: Sequence[Any], *, per_page: int, arg: str = "page", anchor: str | None = None) -> Page:
    """The page of ``items`` that ``?<arg>=`` asks for; a number out of range or not a number gives the nearest page."""
    pages = max(1, -(-len(items) // per_page))
    try:
        number = min(max(int(request.args.get(arg, "1")), 1), pages)
    except ValueError:
        number = 1

    def link(target: int) -> str | None:
        if not 1 <= target <= pages or target == number:
            return None
        return url_for(request.endpoint, **{**request.view_args, **request.args.to_dict(), arg: target},
                       _anchor=anchor)

    start = (number - 1) * per_page
    return Page(items[start:start + per_page], number, pages, len(items), link(number - 1), link(number + 1))
