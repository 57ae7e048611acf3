"""Stamp every change to a synced record with the hybrid clock, wherever in the application it is made.

One listener on the ORM's flush, so no view or service has to remember it: a new record and a changed one
get the stamp of the change in ``clock``; an editable field that changed gets it in ``field_clocks`` too.
The sync merge writes through SQLAlchemy Core and sets the stamps it brings itself: a record applied from a
bundle keeps the stamp of the change it carries, not the time of the import.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from course.models.device import ThisDevice
from course.models.identity import FieldClocks, Synced
from course.sync.clock import CLOCK

NODE_KEY = "course.clock_node"
CENTRE_NODE = "CENTRE"


def clock_node(session: Session) -> str:
    """This installation's name in its stamps: its device prefix on a laptop, CENTRE on the central server."""
    if not has_app_context():
        return CENTRE_NODE
    node = current_app.extensions.get(NODE_KEY)
    if node is None:
        node = (current_app.config.get("DEVICE_PREFIX")
                or session.connection().scalar(select(ThisDevice.prefix)) or CENTRE_NODE)
        current_app.extensions[NODE_KEY] = node
    return node


def forget_clock_node() -> None:
    """This installation has just become a device: its next stamp says so."""
    current_app.extensions.pop(NODE_KEY, None)


def stamp_now(session: Session) -> str:
    """The stamp of a change made now; for a conditional update written through Core, which the flush listener
    below does not see."""
    return CLOCK.now(clock_node(session), session.connection())


def _edited_fields(record: FieldClocks) -> list[str]:
    state = inspect(record)
    return [name for name in record.editable_fields if state.attrs[name].history.has_changes()]


@event.listens_for(Session, "before_flush")
def stamp_changes(session: Session, _context: Any, _instances: Any) -> None:
    created = [record for record in session.new if isinstance(record, Synced)]
    changed = [record for record in session.dirty if isinstance(record, Synced) and session.is_modified(record)]
    if not created and not changed:
        return
    now = stamp_now(session)
    for record in created:
        record.clock = now
    for record in changed:
        record.clock = now
        if isinstance(record, FieldClocks) and (fields := _edited_fields(record)):
            record.field_clocks = {**(record.field_clocks or {}), **dict.fromkeys(fields, now)}
