"""Refuse sign-in after too many failures, per username and per address.

Counts live in the database, so every worker process of a server sees the
same numbers and a restart does not reset an attack in progress.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from course.extensions import db
from course.models.login_attempt import LoginAttempt
from course.models.types import utcnow


@dataclass(frozen=True)
class Refusal:
    """Sign-in is refused until ``until``."""

    until: datetime

    @property
    def minutes_left(self) -> int:
        return max(1, math.ceil((self.until - utcnow()).total_seconds() / 60))


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def _oldest_failure_if_over(column, value: str, since: datetime) -> datetime | None:
    """The oldest failure in the window when there are at least the maximum, else None."""
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    count, oldest = db.session.execute(
        select(func.count(LoginAttempt.id), func.min(LoginAttempt.at)).where(
            column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since
        )
    ).one()
    return oldest if count >= limit else None


def check_throttle(username: str, address: str) -> Refusal | None:
    """A refusal if this username or this address has failed too often lately."""
    now = utcnow()
    since = now - _window()
    # A successful sign-in by the account holder clears the username's count.
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(LoginAttempt.username == username, LoginAttempt.succeeded.is_(True))
    )
    user_since = max(since, last_success) if last_success else since
    blocking = [
        oldest
        for oldest in (
            _oldest_failure_if_over(LoginAttempt.username, username, user_since),
            _oldest_failure_if_over(LoginAttempt.address, address, since),
        )
        if oldest is not None
    ]
    if not blocking:
        return None
    return Refusal(until=min(blocking) + _window())


#: Attempts older than this are of no use to the throttle and are deleted.
KEEP_ATTEMPTS = timedelta(days=1)


def record_attempt(username: str, address: str, *, succeeded: bool) -> None:
    """Store the attempt, and forget attempts too old to matter, so the table stays small."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - KEEP_ATTEMPTS))
    db.session.add(LoginAttempt(username=username[:64], address=address[:64], succeeded=succeeded))
