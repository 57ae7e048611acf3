"""Reads for the coordinators' Devices page: each laptop, its last bundle, what it brought, open conflicts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from course.extensions import db
from course.models.attempt import QuizAttempt
from course.models.certificate import Certificate
from course.models.device import ConflictKind, Device, SyncBundle, SyncConflict
from course.models.enrolment import Enrolment
from course.models.user import User


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
class FieldDifference:
    field: str
    centre: Any
    device: Any
    #: "device" when the laptop's later edit replaced the centre's value, "centre" when the centre's stood.
    kept: str


@dataclass(frozen=True)
class PersonCard:
    """One of two people who may be one: what a coordinator compares before merging them."""

    user: User
    attempts: int
    certificates: int
    enrolments: int
    #: Came with the laptop's bundle (the other was known here already, and is offered as the one to keep).
    arrived: bool = False


#: Why an import left a conflict (the merge rules write these reasons), as coordinators read them.
REASONS = {
    "same username": _l("The same username on both sides."),
    "same name and agency": _l("The same full name and agency on both sides."),
    "a second open attempt at the same quiz": _l("A second open attempt at the same quiz: it was not added."),
    "the person already holds a valid certificate of this track": _l(
        "The person already holds a valid certificate of this track: the second was not added."),
    "a role only the central server grants": _l(
        "The laptop granted a role only the central server grants: it was not taken."),
}


@dataclass(frozen=True)
class ConflictRow:
    conflict: SyncConflict
    device_prefix: str
    differences: list[FieldDifference] = field(default_factory=list)
    #: For a suspected duplicate: the person who arrived, then the one already known.
    people: list[PersonCard] = field(default_factory=list)

    @property
    def reason(self) -> str:
        reason = (self.conflict.details or {}).get("reason", "")
        return str(REASONS.get(reason, reason))


def _differences(conflict: SyncConflict) -> list[FieldDifference]:
    details = conflict.details or {}
    kept = details.get("kept")
    return [FieldDifference(name, values[0], values[1], kept.get(name, "centre") if isinstance(kept, dict)
                            else "centre")
            for name, values in (details.get("fields") or {}).items()]


def _people(uids: set[str]) -> dict[str, PersonCard]:
    """The people named by suspected duplicates, with their record counts (four queries in all)."""
    if not uids:
        return {}
    users = db.session.scalars(select(User).where(User.uid.in_(uids))).all()
    ids = [user.id for user in users]

    def counts(column) -> dict[int, int]:
        return dict(db.session.execute(select(column, func.count()).where(column.in_(ids)).group_by(column)).all())

    attempts, certificates = counts(QuizAttempt.user_id), counts(Certificate.user_id)
    enrolments = counts(Enrolment.user_id)
    return {user.uid: PersonCard(user, attempts.get(user.id, 0), certificates.get(user.id, 0),
                                 enrolments.get(user.id, 0)) for user in users}


def open_conflicts() -> list[ConflictRow]:
    rows = db.session.execute(
        select(SyncConflict, Device.prefix).join(SyncBundle, SyncBundle.id == SyncConflict.bundle_id)
        .join(Device, Device.id == SyncBundle.device_id).where(SyncConflict.settled_at.is_(None))
        .order_by(SyncConflict.id)).all()
    duplicates = [conflict for conflict, _prefix in rows if conflict.kind == ConflictKind.SUSPECTED_DUPLICATE]
    people = _people({uid for conflict in duplicates for uid in (conflict.record_uid, conflict.other_uid) if uid})
    return [ConflictRow(conflict, prefix, _differences(conflict),
                        _pair(people, conflict) if conflict.kind == ConflictKind.SUSPECTED_DUPLICATE else [])
            for conflict, prefix in rows]


def _pair(people: dict[str, PersonCard], conflict: SyncConflict) -> list[PersonCard]:
    """The person who arrived, then the one already known (if both still exist)."""
    arrived = people.get(conflict.record_uid)
    known = people.get(conflict.other_uid or "")
    return ([replace(arrived, arrived=True)] if arrived else []) + ([known] if known else [])
