"""Reads for the coordinators' Devices page: each laptop, its last bundle, what it brought, open conflicts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from course.extensions import db
from course.models.device import Device, SyncBundle, SyncConflict


@dataclass(frozen=True)
class DeviceRow:
    device: Device
    last_received_at: datetime | None
    #: Records added by all its bundles, by table.
    added: Counter
    open_conflicts: int

    @property
    def people(self) -> int:
        return self.added.get("users", 0)

    @property
    def certificates(self) -> int:
        return self.added.get("certificates", 0)

    @property
    def cohorts(self) -> int:
        return self.added.get("cohorts", 0)

    @property
    def attempts(self) -> int:
        return self.added.get("quiz_attempts", 0)


def device_rows() -> list[DeviceRow]:
    """Every registered device, newest first (three queries whatever the number of devices and bundles)."""
    devices = db.session.scalars(select(Device).order_by(Device.registered_at.desc(), Device.id.desc())).all()
    added: dict[int, Counter] = {device.id: Counter() for device in devices}
    last: dict[int, datetime] = {}
    for device_id, received_at, counts in db.session.execute(
            select(SyncBundle.device_id, SyncBundle.received_at, SyncBundle.added)):
        added[device_id].update(counts or {})
        last[device_id] = max(received_at, last.get(device_id, received_at))
    open_conflicts = dict(db.session.execute(
        select(SyncBundle.device_id, func.count(SyncConflict.id))
        .join(SyncConflict, SyncConflict.bundle_id == SyncBundle.id).where(SyncConflict.settled_at.is_(None))
        .group_by(SyncBundle.device_id)).all())
    return [DeviceRow(device, last.get(device.id), added[device.id], open_conflicts.get(device.id, 0))
            for device in devices]


@dataclass(frozen=True)
class ConflictRow:
    conflict: SyncConflict
    device_prefix: str


def open_conflicts() -> list[ConflictRow]:
    rows = db.session.execute(
        select(SyncConflict, Device.prefix).join(SyncBundle, SyncBundle.id == SyncConflict.bundle_id)
        .join(Device, Device.id == SyncBundle.device_id).where(SyncConflict.settled_at.is_(None))
        .order_by(SyncConflict.id)).all()
    return [ConflictRow(conflict, prefix) for conflict, prefix in rows]
