"""Register field devices, make a laptop one, write its bundles and apply them on the central server.

Services check, change and flush; the command or page that calls them commits once, so a refused bundle
changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from course.audit import record_event
from course.config import DEVICE_PREFIX, private_file
from course.domain import DomainError
from course.extensions import db
from course.models.device import Device, SyncBundle, SyncConflict, ThisDevice
from course.models.types import utcnow
from course.models.user import User
from course.summary import refresh_learners
from course.sync.bundle import BundleError, new_box_keys, new_keys, open_envelope, read_envelope, seal
from course.sync.records import MergeReport, SyncRefused, apply_records, export_records

ENROLMENT_FORMAT = "cascade-device/1"
KEYS_FILE = "sync-keys.json"


class DeviceError(DomainError):
    """A device action that cannot be carried out; the message says why."""


# -- the centre's keys ---------------------------------------------------------------------------------------------

def centre_keys(instance_path: Path) -> tuple[str, str]:
    """The central server's bundle key pair (private, public; hex), made on first use and kept readable by the
    server's user only, next to the instance secret."""
    def make() -> str:
        private, public = new_box_keys()
        return json.dumps({"private": private, "public": public})

    keys = json.loads(private_file(instance_path / KEYS_FILE, make))
    return keys["private"], keys["public"]


def _instance_path() -> Path:
    return Path(current_app.instance_path)


# -- devices on the centre -----------------------------------------------------------------------------------------

def register_device(name: str, prefix: str, actor: User | None) -> tuple[Device, dict[str, Any]]:
    """Register a laptop; returns it and its enrolment file's content (which holds its private signing key: hand
    it over like a password)."""
    name, prefix = name.strip(), prefix.strip().upper()
    if not name or len(name) > 100:  # noqa: PLR2004
        raise DeviceError(_("Give the device a name of 1 to 100 characters."), field="name")
    if not DEVICE_PREFIX.fullmatch(prefix):
        raise DeviceError(_("The prefix must be 2 to 8 capital letters or digits, starting with a letter "
                            "(e.g. MARY1)."), field="prefix")
    if db.session.scalar(select(Device.id).where(Device.prefix == prefix)):
        raise DeviceError(_("The prefix %(prefix)s is already used by another device.", prefix=prefix), field="prefix")
    signing, verify = new_keys()
    device = Device(name=name, prefix=prefix, verify_key=verify, registered_by_id=actor.id if actor else None)
    db.session.add(device)
    db.session.flush()
    record_event("device.add", prefix, actor_id=actor.id if actor else None, name=name, device=device.uid)
    enrolment = {"format": ENROLMENT_FORMAT, "device_uid": device.uid, "name": name, "prefix": prefix,
                 "signing_key": signing, "centre_public_key": centre_keys(_instance_path())[1],
                 "centre_url": current_app.config.get("BASE_URL") or ""}
    return device, enrolment


def revoke_device(prefix: str, actor: User | None) -> Device:
    device = db.session.scalar(select(Device).where(Device.prefix == prefix.strip().upper()))
    if device is None:
        raise DeviceError(_("No device has the prefix %(prefix)s.", prefix=prefix))
    if device.revoked:
        raise DeviceError(_("The device %(prefix)s is already revoked.", prefix=device.prefix))
    device.revoked_at = utcnow()
    record_event("device.revoke", device.prefix, actor_id=actor.id if actor else None, device=device.uid)
    return device


# -- the laptop ----------------------------------------------------------------------------------------------------

def this_device() -> ThisDevice | None:
    return db.session.scalar(select(ThisDevice))


def join_device(enrolment: dict[str, Any]) -> ThisDevice:
    """Make this installation the device an enrolment file describes."""
    if not isinstance(enrolment, dict) or enrolment.get("format") != ENROLMENT_FORMAT:
        raise DeviceError(_("This file is not a Cascade device enrolment file."))
    fields = ("device_uid", "name", "prefix", "signing_key", "centre_public_key")
    if any(not isinstance(enrolment.get(key), str) or not enrolment[key] for key in fields):
        raise DeviceError(_("This enrolment file is incomplete; ask the coordinator for a new one."))
    current = this_device()
    if current is not None:
        if current.device_uid == enrolment["device_uid"]:
            raise DeviceError(_("This installation is already the device %(prefix)s.", prefix=current.prefix))
        raise DeviceError(_("This installation is already the device %(prefix)s; a laptop is one device.",
                            prefix=current.prefix))
    device = ThisDevice(device_uid=enrolment["device_uid"], name=enrolment["name"], prefix=enrolment["prefix"],
                        signing_key=enrolment["signing_key"], centre_public_key=enrolment["centre_public_key"],
                        centre_url=enrolment.get("centre_url") or "")
    db.session.add(device)
    db.session.flush()
    record_event("device.join", device.prefix, device=device.device_uid)
    return device


def device_prefix() -> str:
    """The prefix of the certificates this installation issues: COURSE_DEVICE_PREFIX, else the joined device's."""
    configured = current_app.config.get("DEVICE_PREFIX", "")
    if configured:
        return configured
    device = this_device()
    return device.prefix if device else ""


def export_bundle(*, again: bool = False) -> tuple[int, bytes]:
    """The next bundle of this laptop (or, ``again``, the last one anew, for a stick that was lost)."""
    device = this_device()
    if device is None:
        raise DeviceError(_("This installation is not a device yet: run 'course device join FILE' first."))
    if again and device.last_sequence == 0:
        raise DeviceError(_("No bundle was written yet; export without --again."))
    sequence = device.last_sequence if again else device.last_sequence + 1
    payload = {"sequence": sequence, "device": device.device_uid, "written_at": utcnow().isoformat(),
               "records": export_records()}
    data = seal(payload, device_uid=device.device_uid, sequence=sequence, signing_key=device.signing_key,
                centre_public_key=device.centre_public_key)
    device.last_sequence = sequence
    return sequence, data


# -- import on the centre ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportResult:
    device: Device
    sequence: int
    #: False when the bundle had been imported already: nothing changed.
    applied: bool
    report: MergeReport


def import_bundle(data: bytes, actor: User | None = None) -> ImportResult:
    """Apply a bundle on the central server (the caller commits; on any error nothing is changed).

    :raises BundleError: the file is not a bundle this server accepts (foreign, tampered, revoked device, a gap
        in the numbering, a different bundle under a number already imported, records that do not fit).
    """
    envelope = read_envelope(data)
    device = db.session.scalar(select(Device).where(Device.uid == envelope.device_uid).with_for_update())
    if device is None:
        raise BundleError(_("This bundle comes from a device this server does not know: register the laptop here "
                            "first."))
    if device.revoked:
        raise BundleError(_("This bundle comes from the device %(prefix)s (%(name)s), which was revoked on %(day)s: it "
                            "is refused.", prefix=device.prefix, name=device.name, day=format_date(device.revoked_at)))
    if envelope.sequence <= device.last_sequence:
        earlier = db.session.scalar(select(SyncBundle.digest).where(SyncBundle.device_id == device.id,
                                                                    SyncBundle.sequence == envelope.sequence))
        if earlier != envelope.digest:  # an old number written anew: it must still be the device's own
            open_envelope(envelope, verify_key=device.verify_key, centre_private_key=centre_keys(_instance_path())[0])
        # Each bundle holds everything the laptop holds, so a newer one already brought all of this one.
        return ImportResult(device, envelope.sequence, applied=False, report=MergeReport())
    if envelope.sequence > device.last_sequence + 1:
        first, last = device.last_sequence + 1, envelope.sequence - 1
        missing = str(first) if first == last else f"{first} to {last}"
        raise BundleError(_("Bundle %(number)d of %(prefix)s cannot be imported yet: bundle(s) %(missing)s are "
                            "missing. Import them first, or export a new bundle on the laptop.",
                            number=envelope.sequence, prefix=device.prefix, missing=missing))
    payload = open_envelope(envelope, verify_key=device.verify_key,
                            centre_private_key=centre_keys(_instance_path())[0])
    bundle = SyncBundle(device_id=device.id, sequence=envelope.sequence, digest=envelope.digest)
    db.session.add(bundle)
    db.session.flush()
    try:
        report = apply_records(payload.get("records") or {}, bundle_id=bundle.id, prefix=device.prefix)
    except SyncRefused as exc:
        raise BundleError(_("This bundle cannot be applied: %(reason)s. Nothing was imported.", reason=exc)) from None
    bundle.added = report.added
    db.session.add_all(report.conflicts)
    device.last_sequence = envelope.sequence
    record_event("sync.import", device.prefix, actor_id=actor.id if actor else None, sequence=envelope.sequence,
                 added=report.added, conflicts=len(report.conflicts))
    db.session.flush()
    if report.people:
        refresh_learners(sorted(report.people))
    return ImportResult(device, envelope.sequence, applied=True, report=report)


def settle_conflict(conflict_id: int, note: str, actor: User) -> SyncConflict:
    """A coordinator has looked at a conflict and says what they did about it."""
    conflict = db.session.get(SyncConflict, conflict_id)
    if conflict is None or conflict.settled_at is not None:
        raise DeviceError(_("This conflict is settled already, or does not exist."))
    note = note.strip()
    if not note or len(note) > 2000:  # noqa: PLR2004
        raise DeviceError(_("Say in a few words (at most 2000 characters) what you did about it."), field="note")
    conflict.note, conflict.settled_at = note, utcnow()
    record_event("sync.conflict_settle", conflict.record_uid, actor_id=actor.id, conflict=conflict.id)
    return conflict
