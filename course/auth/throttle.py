"""Refuse sign-in after too many failures, without letting anyone lock a person out.

Three counts of failures in the window (``LOGIN_FAILURE_WINDOW_MINUTES``):

- **this username from this address** (``LOGIN_MAX_FAILURES``, 10): guessing one account from one place stops
  there; the account's owner elsewhere is not affected;
- **this address, any username** (``LOGIN_ADDRESS_MAX_FAILURES``, 30): one machine trying many accounts stops.
  Higher than the first, because a training room signs in behind one address and people mistype;
- **this username, any address** (``LOGIN_ACCOUNT_MAX_FAILURES``, 50): guessing spread over many addresses stops
  too, but only for addresses and browsers the account is not known from.

An address is *known* for a username when that username signed in from it in the last ``KNOWN_FOR`` days; a
browser is known when it holds the signed "known device" cookie set at a successful sign-in. Guesses from
elsewhere can slow an account's sign-in from unknown places, never from the room or the laptop its owner uses.
A successful sign-in clears the username's counts. Counts live in the database, so every worker process sees
the same numbers and a restart does not reset an attack in progress.
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


def _lifts_at(where: tuple, limit: int, since: datetime, pending: int) -> datetime | None:
    """When the failures ``where`` selects drop below ``limit`` again, if they are at or over it now.

    ``pending`` attempts of this request were recorded before the check (so that
    parallel requests see each other) and do not count against it.
    """
    recent = db.session.scalars(
        select(LoginAttempt.at)
        .where(*where, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)
        .order_by(LoginAttempt.at.desc())
        .limit(limit + pending)
    ).all()
    if len(recent) - pending < limit:
        return None
    # Once the limit-th most recent failure leaves the window, the count is under the limit.
    return recent[limit - 1 + pending] + _window()


def known_address(username: str, address: str) -> bool:
    """Did this username sign in from this address in the last ``KNOWN_FOR``?"""
    return db.session.scalar(select(LoginAttempt.id).where(
        LoginAttempt.username == username, LoginAttempt.address == address, LoginAttempt.succeeded.is_(True),
        LoginAttempt.at > utcnow() - KNOWN_FOR).limit(1)) is not None


def check_throttle(username: str, address: str, *, known_device: bool = False,
                   pending: int = 0) -> Refusal | None:
    """A refusal if this attempt is over one of the three limits that apply to it (see the module's text)."""
    config = current_app.config
    since = utcnow() - _window()
    # A successful sign-in by the account holder clears the username's count.
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(LoginAttempt.username == username, LoginAttempt.succeeded.is_(True))
    )
    user_since = max(since, last_success) if last_success else since
    limits = [((LoginAttempt.username == username, LoginAttempt.address == address),
               config["LOGIN_MAX_FAILURES"], user_since)]
    if not (known_device or known_address(username, address)):
        limits += [((LoginAttempt.address == address,), config["LOGIN_ADDRESS_MAX_FAILURES"], since),
                   ((LoginAttempt.username == username,), config["LOGIN_ACCOUNT_MAX_FAILURES"], user_since)]
    blocking = [until for where, limit, start in limits
                if (until := _lifts_at(where, limit, start, pending)) is not None]
    return Refusal(until=max(blocking)) if blocking else None


#: Failures older than this are of no use to the throttle and are deleted.
KEEP_ATTEMPTS = timedelta(days=1)
#: How long a successful sign-in makes its address known for that username (and is kept to say so).
KNOWN_FOR = timedelta(days=30)


def record_attempt(username: str, address: str, *, succeeded: bool) -> LoginAttempt:
    """Store the attempt, and forget attempts too old to matter, so the table stays small."""
    now = utcnow()
    db.session.execute(delete(LoginAttempt).where(
        LoginAttempt.at < now - KEEP_ATTEMPTS, LoginAttempt.succeeded.is_(False) | (LoginAttempt.at < now - KNOWN_FOR)))
    attempt = LoginAttempt(username=username[:64], address=address[:64], succeeded=succeeded)
    db.session.add(attempt)
    db.session.flush()
    return attempt
