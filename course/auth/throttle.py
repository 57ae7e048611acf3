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


def _lifts_at(column, value: str, since: datetime, pending: int) -> datetime | None:
    """When this key's failures drop below the limit again, if they are at or over it now.

    ``pending`` attempts of this request were recorded before the check (so that
    parallel requests see each other) and do not count against it.
    """
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    recent = db.session.scalars(
        select(LoginAttempt.at)
        .where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)
        .order_by(LoginAttempt.at.desc())
        .limit(limit + pending)
    ).all()
    if len(recent) - pending < limit:
        return None
    # Once the limit-th most recent failure leaves the window, the count is under the limit.
    return recent[limit - 1 + pending] + _window()


def check_throttle(username: str, address: str, *, pending: int = 0) -> Refusal | None:
    """A refusal if this username or this address has failed too often lately."""
    since = utcnow() - _window()
    # A successful sign-in by the account holder clears the username's count.
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(LoginAttempt.username == username, LoginAttempt.succeeded.is_(True))
    )
    user_since = max(since, last_success) if last_success else since
    blocking = [
        until
        for until in (
            _lifts_at(LoginAttempt.username, username, user_since, pending),
            _lifts_at(LoginAttempt.address, address, since, pending),
        )
        if until is not None
    ]
    return Refusal(until=max(blocking)) if blocking else None


#: Attempts older than this are of no use to the throttle and are deleted.
KEEP_ATTEMPTS = timedelta(days=1)


def record_attempt(username: str, address: str, *, succeeded: bool) -> LoginAttempt:
    """Store the attempt, and forget attempts too old to matter, so the table stays small."""
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - KEEP_ATTEMPTS))
    attempt = LoginAttempt(username=username[:64], address=address[:64], succeeded=succeeded)
    db.session.add(attempt)
    db.session.flush()
    return attempt
