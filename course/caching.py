"""Bounded in-process caches: what a worker keeps must not grow with use."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app, g, has_request_context

T = TypeVar("T")


class RecentlyUsed:
    """A small least-recently-used map, safe to share between a worker's threads. Entries older than
    ``max_age`` seconds are made again: a safety net for a change the key failed to capture."""

    def __init__(self, size: int, max_age: float = float("inf")) -> None:
        self._size = size
        self._max_age = max_age
        self._items: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            found = self._items.get(key)
            if found is not None and time.monotonic() - found[0] < self._max_age:
                self._items.move_to_end(key)
                return found[1]
        value = make()  # outside the lock: two threads may both compute a miss, neither waits for the other
        with self._lock:
            self._items[key] = (time.monotonic(), value)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


def app_cache(name: str, size: int, max_age: float = float("inf")) -> RecentlyUsed:
    """This application's cache ``name`` (in ``app.extensions``, so two apps of one process, as in the tests,
    never share what they keep), made on first use."""
    return current_app.extensions.setdefault(name, RecentlyUsed(size, max_age))


def once_per_request(name: str, make: Callable[[], T]) -> T:
    """``make()``, asked once per request however many parts of the page ask (kept on ``flask.g``); outside a
    request, every time."""
    if not has_request_context():
        return make()
    if name not in g:
        setattr(g, name, make())
    return g.get(name)
