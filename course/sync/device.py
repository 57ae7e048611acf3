"""Which device this installation is: nothing, or a field laptop of the programme. Small on purpose: the
certificate and cohort services ask it, and must not pull in the whole sync machinery."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from course.extensions import db
from course.models.device import ThisDevice


def this_device() -> ThisDevice | None:
    return db.session.scalar(select(ThisDevice))


def device_prefix() -> str:
    """The prefix of the certificates this installation issues: COURSE_DEVICE_PREFIX, else the joined device's."""
    configured = current_app.config.get("DEVICE_PREFIX", "")
    if configured:
        return configured
    device = this_device()
    return device.prefix if device else ""
