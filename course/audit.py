"""Write to the audit log. Every admin and certificate action goes through here."""

from __future__ import annotations

from typing import Any

from course.extensions import db
from course.models.audit import AuditEvent


def record_event(action: str, target: str = "", *, actor_id: int | None = None, **details: Any) -> AuditEvent:
    """Add an audit event to the session (the caller's commit makes it permanent)."""
    event = AuditEvent(action=action, target=target, actor_id=actor_id, details=details)
    db.session.add(event)
    return event
