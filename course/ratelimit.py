"""Rate limits for public pages, counted in the database so every worker process sees the same count.

Used where no sign-in stands in the way of guessing: certificate verification
and self-registration with a cohort code.
"""

from __future__ import annotations

from datetime import timedelta

from flask import request
from sqlalchemy import delete, func, select

from course.extensions import db
from course.models.rate_event import RateEvent
from course.models.types import utcnow


def client_address() -> str:
    return (request.remote_addr or "unknown")[:64]


def allow(bucket: str, limit: int, window: timedelta, key: str | None = None) -> bool:
    """Count one request in ``bucket`` against the client; False once ``limit`` were made within ``window``.

    The request is recorded and committed first, so parallel requests cannot all
    slip under the limit together; old events of the bucket are pruned on the way.
    """
    key = key or client_address()
    now = utcnow()
    db.session.execute(delete(RateEvent).where(RateEvent.bucket == bucket, RateEvent.at < now - window))
    db.session.add(RateEvent(bucket=bucket, key=key, at=now))
    db.session.commit()
    made = db.session.scalar(select(func.count(RateEvent.id)).where(
        RateEvent.bucket == bucket, RateEvent.key == key, RateEvent.at >= now - window))
    return made <= limit
