"""Database connections are reused across requests and checked only when they may have gone stale.

Every request borrows a connection from the engine's pool. Asking the server whether it is still there before
every borrow (SQLAlchemy's ``pool_pre_ping``) cost every request one more round trip: a tenth of an answer
save's time on PostgreSQL (bench/RESULTS.md). A connection handed back a moment ago is as alive as the server:
only one that has lain idle for ``IDLE_BEFORE_PING`` seconds is asked first (the server may have restarted,
or a firewall dropped the idle socket overnight); if it does not answer, the pool throws it away and opens
another, and the request never sees it.

The price: when PostgreSQL restarts while the server is busy (an upgrade, a failover), the first request of
each worker to use a connection of before the restart fails with an error page, and SQLAlchemy then throws
away every connection of that pool, so the next requests reconnect. An answer save that fails this way is not
acknowledged: the quiz page marks the answer as not saved and keeps it on screen, and the page's own Save
sends every answer on it again (docs/operations.md says to restart Cascade after restarting PostgreSQL, which
avoids even that).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

#: Seconds a connection may lie in the pool before it is asked whether the server is still there.
IDLE_BEFORE_PING = 10.0
_RETURNED = "course.returned_at"


def check_idle_connections(engine: Engine) -> None:
    """Ping a pooled connection before reuse when it has been idle; a dead one is replaced, unseen."""

    def returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    def borrowed(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned_at = record.info.get(_RETURNED)
        if returned_at is None or time.monotonic() - returned_at < IDLE_BEFORE_PING:
            return  # just opened, or in use a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("the idle connection no longer answers") from exc
        if not alive:
            raise DisconnectionError("the idle connection no longer answers")

    event.listen(engine, "checkin", returned)
    event.listen(engine, "checkout", borrowed)
