"""Sessions that end when they should: on sign-out, on "sign out everywhere", when the account is deactivated
or its password changes, and at the end of their lifetime.

Flask keeps the session in a signed cookie, which the server cannot take back: a copy made before sign-out
would open the account for the rest of its life. So each sign-in gets a row in ``user_sessions`` and a random
key; the id Flask-Login keeps in the session and in the "keep me signed in" cookie is
``<user id>:<user's session token>:<key>``, and a request is signed in only while that row is open and the
user's token is unchanged. Rotating the user's token (``end_every_session``) ends every session at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, g, request
from flask_login import current_user, login_user
from sqlalchemy import bindparam, delete, event, inspect, or_, select, update
from sqlalchemy.orm import Session, joinedload

from course.extensions import db
from course.inputs import database_id
from course.models.types import utcnow
from course.models.user import User, new_session_token
from course.models.user_session import UserSession


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def sign_in(user: User, *, remember: bool = False) -> None:
    """Open a session for ``user`` in this browser (and clear their sessions that are over)."""
    now = utcnow()
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id, or_(UserSession.ended_at.is_not(None), UserSession.expires_at < now)))
    key = secrets.token_urlsafe(24)
    lifetime = current_app.config["REMEMBER_COOKIE_DURATION" if remember else "PERMANENT_SESSION_LIFETIME"]
    db.session.add(UserSession(user_id=user.id, key_hash=_hash(key), started_at=now, expires_at=now + lifetime,
                               user_agent=(request.user_agent.string or "")[:200],
                               address=(request.remote_addr or "")[:64]))
    db.session.flush()
    user.session_key = key
    login_user(user, remember=remember)


#: Asked on every signed-in request, so built once: the account with its roles (one round trip), if the
#: session named is open and the account's token unchanged.
_SIGNED_IN = (
    select(User).join(UserSession, UserSession.user_id == User.id)
    .where(User.id == bindparam("user_id"), User.session_token == bindparam("token"), User.active.is_(True),
           UserSession.key_hash == bindparam("key_hash"), UserSession.ended_at.is_(None),
           UserSession.expires_at > bindparam("now"))
    .options(joinedload(User.role_rows))
)


def load(session_id: str) -> User | None:
    """The user a session id names, if the session is open (one query)."""
    raw_id, token, key = (session_id.split(":") + ["", ""])[:3]
    user_id = database_id(raw_id)
    if user_id is None or not token or not key:
        return None
    user = db.session.execute(_SIGNED_IN, {"user_id": user_id, "token": token, "key_hash": _hash(key),
                                           "now": utcnow()}).unique().scalar_one_or_none()
    if user is not None:
        user.session_key = key
    return user


def signed_in_user_id() -> int | None:
    """The id of the user this request is signed in as, or None; read from the object's identity, not its
    attributes: after a write's commit the user object is expired, and reading an attribute would cost every
    write a query for the request log and the response headers."""
    user = g.get("_login_user")
    if user is None:  # nothing asked yet in this request: ask now
        user = current_user._get_current_object()  # noqa: SLF001
    if not isinstance(user, User):
        return None
    identity = inspect(user).identity
    return identity[0] if identity else None


def end_session(user: User) -> None:
    """Sign-out: this browser's session ends, and every copy of its cookies with it."""
    key = getattr(user, "session_key", None)
    if key:
        db.session.execute(update(UserSession).where(UserSession.key_hash == _hash(key))
                           .values(ended_at=utcnow()))


def end_every_session(user: User) -> None:
    """Every session of the user, on every device, ends (the user's token changes too, so even a session
    opened before session rows existed cannot come back)."""
    user.session_token = new_session_token()
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                       .values(ended_at=utcnow()))


@dataclass(frozen=True)
class OpenSession:
    started_at: datetime
    expires_at: datetime
    user_agent: str
    address: str
    current: bool


def open_sessions(user: User) -> list[OpenSession]:
    """The user's sessions that are still open, newest first, this browser's marked."""
    mine = _hash(key) if (key := getattr(user, "session_key", None)) else None
    return [OpenSession(row.started_at, row.expires_at, row.user_agent, row.address, row.key_hash == mine)
            for row in db.session.scalars(
                select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
                                          UserSession.expires_at > utcnow())
                .order_by(UserSession.started_at.desc()))]


@event.listens_for(Session, "before_flush")
def _end_sessions_of_deactivated(session: Session, _context: Any, _instances: Any) -> None:
    """However an account is deactivated (an administrator, a merge of two people), its sessions end with it
    and do not come back if it is activated again."""
    for record in session.dirty:
        if isinstance(record, User) and not record.active and inspect(record).attrs.active.history.has_changes():
            record.session_token = new_session_token()
