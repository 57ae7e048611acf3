"""Write to the audit log. Every admin and certificate action goes through here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select

from course.extensions import db
from course.models.audit import AuditEvent
from course.models.user import User


def record_event(action: str, target: str = "", *, actor_id: int | None = None, **details: Any) -> AuditEvent:
    """Add an audit event to the session (the caller's commit makes it permanent)."""
    event = AuditEvent(action=action, target=target, actor_id=actor_id, details=details)
    db.session.add(event)
    return event


def events_query(who: str = "", action: str = "") -> Select:
    """Audit events, newest first, that ``who`` (a username) did or that concern them, of ``action`` (a prefix:
    "user." gives every account event)."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if who := who.strip().lower():
        actor = select(User.id).where(User.username == who).scalar_subquery()
        query = query.where(or_(AuditEvent.actor_id == actor, AuditEvent.target == who))
    if action := action.strip():
        query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    return query
