"""Signed-in sessions, kept on the server so that signing out really ends one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from course.extensions import db
from course.models.types import UTCDateTime, utcnow


class UserSession(db.Model):
    """One sign-in on one browser. The browser's cookies (the session and the "keep me signed in" cookie) carry
    a random key; only its SHA-256 is stored, so a copy of the database opens no session. Signing out ends the
    row, and with it every copy of those cookies. Not synced: a session belongs to the installation it was
    opened on."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Past this moment the session is over, used or not: the configured lifetime of a session, or of
    #: "keep me signed in" when it was ticked.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: What the person sees in their list of sessions: the browser, as it names itself (shortened).
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
