"""The hybrid logical clock that orders edits made on laptops and on the centre.

A laptop's wall clock cannot be trusted (a battery gone flat resets it to 2020), so "last writer wins" by wall
time would let a wrong clock win or lose every conflict. A hybrid logical clock (Kulkarni et al., 2014) stamps
each change with the wall time in milliseconds, a counter, and the writer's name; whenever it sees a stamp
from elsewhere (a bundle), it moves past it. A change made after a laptop has seen the centre's stamps is
therefore later than everything it saw, whatever its wall clock says.

Stamps are strings that sort as the clock does: ``0001767225600000.00000.MARY1``. The highest stamp seen is
kept in the database (``hybrid_clock``), so the clock does not fall back when the server restarts; each
process reads it again at most every ``FLOOR_TTL`` seconds, so a stamp another worker has seen reaches it soon.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from course.models.device import HybridClockFloor

FLOOR_TTL = 30.0
#: Below every real stamp: a record or field nobody has changed since it was made.
ORIGIN = ""
#: The counter's width in a stamp; past it, the clock moves to the next millisecond (stamps must sort as text).
COUNTER_MAX = 99_999
#: What a stamp looks like: 16 digits of milliseconds, 5 of counter, and a node of capitals and digits.
STAMP = re.compile(r"\d{16}\.\d{5}\.[A-Z0-9]{0,8}")


def stamp(millis: int, counter: int, node: str) -> str:
    return f"{millis:016d}.{counter:05d}.{node}"


def earlier(value: str, millis: int) -> str:
    """A stamp ``millis`` before ``value``, below every stamp of that moment."""
    at, _counter = _parts(value)
    return stamp(max(at - millis, 0), 0, "")


def latest(values: Iterable[str]) -> str:
    return max(values, default=ORIGIN)


def is_stamp(value: object) -> bool:
    return value == ORIGIN or (isinstance(value, str) and STAMP.fullmatch(value) is not None)


def no_later_than(value: str, millis: int) -> str:
    """``value``, or the same writer's stamp at ``millis`` when ``value`` is later: a laptop whose clock runs
    ahead must not win every edit until the real time catches up."""
    at, _counter = _parts(value)
    return value if at <= millis else stamp(millis, 0, value.rsplit(".", 1)[-1])


def _parts(value: str) -> tuple[int, int]:
    millis, counter, _node = value.split(".", 2)
    return int(millis), int(counter)


class HybridClock:
    """One per process; safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._millis = 0
        self._counter = 0
        self._floor_read_at = float("-inf")

    def now(self, node: str, connection: Connection | None = None) -> str:
        """A new stamp, later than every stamp this clock has made or seen."""
        if connection is not None and time.monotonic() - self._floor_read_at > FLOOR_TTL:
            self._floor_read_at = time.monotonic()
            floor = connection.scalar(select(HybridClockFloor.value))
            if floor:
                self._advance(*_parts(floor))
        with self._lock:
            wall = time.time_ns() // 1_000_000
            if wall > self._millis:
                self._millis, self._counter = wall, 0
            elif self._counter < COUNTER_MAX:
                self._counter += 1
            else:
                self._millis, self._counter = self._millis + 1, 0
            return stamp(self._millis, self._counter, node)

    def observe(self, value: str, connection: Connection) -> None:
        """Move past a stamp, here and in the database (in the caller's transaction): one seen in a bundle, or
        one this installation wrote a bundle at, so that a laptop whose clock falls back after a restart still
        stamps its next changes after everything it has sent."""
        if not value:
            return
        self._advance(*_parts(value))
        table = HybridClockFloor.__table__
        raised = connection.execute(update(table).where(table.c.value < value).values(value=value)).rowcount
        if not raised and connection.scalar(select(table.c.id)) is None:
            insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(table)
            connection.execute(insert.values(id=1, value=value).on_conflict_do_nothing())

    def _advance(self, millis: int, counter: int) -> None:
        with self._lock:
            if (millis, counter) > (self._millis, self._counter):
                self._millis, self._counter = millis, counter


CLOCK = HybridClock()
